//! This device's connection to the city: one HTTP client, the device's token, and the
//! calls every part of the phone makes the same way.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::failure::{self, Failure};
use super::{Stop, TokenStore};
use crate::protocol::{API_PREFIX, DeviceRegistered, RegisterDevice};

/// The header that makes a retried write safe (the IETF httpapi draft).
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// Timeouts that fit a slow mobile connection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkOptions {
    pub connect_timeout: Duration,
    /// Time allowed for any request before its body is counted.
    pub request_timeout: Duration,
    /// Slowest throughput still treated as progress, in bytes per second (a photo upload's
    /// timeout grows with its size).
    pub min_bytes_per_second: u64,
}

/// The device's link to `/api/v1`, shared by sync and the campaign desk.
pub struct DeviceLink {
    base: String,
    http: reqwest::Client,
    tokens: Arc<dyn TokenStore>,
    options: LinkOptions,
    /// One registration of this device at a time.
    registering: tokio::sync::Mutex<()>,
}

impl DeviceLink {
    /// A link to the server at `server_url`; the device's token lives in `tokens`.
    pub fn new(server_url: &str, tokens: Arc<dyn TokenStore>, options: LinkOptions) -> crate::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .user_agent(concat!("civic-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| crate::Error::Corrupt(format!("HTTP client: {e}")))?;
        Ok(DeviceLink {
            base: server_url.trim_end_matches('/').to_owned(),
            http,
            tokens,
            options,
            registering: tokio::sync::Mutex::new(()),
        })
    }

    /// The full address of an `/api/v1` path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{API_PREFIX}{path}", self.base)
    }

    /// The HTTP client, for requests shaped here only once (sync's pull, the profile).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.options.request_timeout
    }

    /// The device holds a token (it registered before).
    pub fn has_token(&self) -> bool {
        self.tokens.load().is_some()
    }

    /// The device's token, registering the device first if it has none.
    pub async fn token(&self) -> Result<String, Stop> {
        if let Some(token) = self.tokens.load() {
            return Ok(token);
        }
        // Two callers at once (a sync and a screen) must not register two devices, the
        // second's token replacing the first's under what the first already did.
        let _registering = self.registering.lock().await;
        if let Some(token) = self.tokens.load() {
            return Ok(token);
        }
        let request = RegisterDevice { platform: Some(std::env::consts::OS.into()), app_version: Some(env!("CARGO_PKG_VERSION").into()) };
        let response = self.http.post(self.url("/devices")).timeout(self.timeout()).json(&request).send().await;
        let registered: DeviceRegistered = failure::json(response).await?;
        self.tokens.save(&registered.token).map_err(|e| Stop::Local(crate::Error::Corrupt(format!("token storage: {e}"))))?;
        Ok(registered.token)
    }

    /// The token where only the network's verdict is wanted: the phone's storage failing
    /// counts as a passing trouble.
    async fn token_as_failure(&self) -> Result<String, Failure> {
        match self.token().await {
            Ok(t) => Ok(t),
            Err(Stop::Failure(f)) => Err(f),
            Err(Stop::Local(e)) => Err(Failure::Transient { reason: e.to_string(), retry_after: None }),
        }
    }

    /// A public GET (no token), its JSON answer read.
    pub async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, String)]) -> Result<T, Failure> {
        let request = self.http.get(self.url(path)).query(query).timeout(self.timeout());
        failure::json(request.send().await).await
    }

    /// A public GET of raw bytes (a photo, the compact wards).
    pub async fn get_bytes(&self, path: &str) -> Result<Vec<u8>, Failure> {
        let response = failure::check(self.http.get(self.url(path)).timeout(self.timeout()).send().await).await?;
        Ok(response.bytes().await.map_err(failure::transport)?.to_vec())
    }

    /// A POST as this device (registering it first if need be), its JSON answer read. The
    /// `key` goes as its `Idempotency-Key`: sent again with the same key after a lost answer,
    /// the server answers as the first time instead of doing it twice.
    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize, key: &str) -> Result<T, Failure> {
        let token = self.token_as_failure().await?;
        let request = self.http.post(self.url(path)).bearer_auth(token).header(IDEMPOTENCY_KEY, key).timeout(self.timeout()).json(body);
        failure::json(request.send().await).await
    }

    /// A POST as this device whose answer has no body worth reading (204): like `post`.
    pub async fn post_ack(&self, path: &str, body: &impl Serialize, key: &str) -> Result<(), Failure> {
        let token = self.token_as_failure().await?;
        let request = self.http.post(self.url(path)).bearer_auth(token).header(IDEMPOTENCY_KEY, key).timeout(self.timeout()).json(body);
        failure::check(request.send().await).await.map(|_| ())
    }

    /// Uploads one photo as this device, with time for its size on a slow link.
    pub async fn put_photo(&self, hash: &str, bytes: Vec<u8>) -> Result<(), Failure> {
        let token = self.token_as_failure().await?;
        let timeout = self.timeout() + Duration::from_secs(bytes.len() as u64 / self.options.min_bytes_per_second.max(1));
        let response = self
            .http
            .put(self.url(&format!("/photos/{hash}")))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "image/jpeg")
            .timeout(timeout)
            .body(bytes)
            .send()
            .await;
        failure::check(response).await.map(|_| ())
    }
}
