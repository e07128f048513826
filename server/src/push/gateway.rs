//! The push services: FCM (Android), APNs (iOS), UnifiedPush (de-Googled Android), and a
//! recording one for tests.
//!
//! Each gateway sends one request per message, at most `concurrency` at once (32 by
//! default), each within the client's timeouts (5 s to connect, 10 s in all), without
//! following redirects. A message the service refuses for good because its token is gone
//! is reported in [`PushOutcome::invalid_tokens`] (the server should forget the device); one
//! that failed for now (timeout, 429, 5xx) is counted in [`PushOutcome::failed`] and not
//! retried: the phone also syncs on its own. Credentials the service refuses stop the
//! batch with [`PushError::Unauthorized`].
//!
//! Base URLs are configurable so tests can point the gateways at a local server.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, header};
use civic_core::warning::Severity;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde_json::{Value, json};

use super::PushMessage;

/// What `PushGateway::send` returns.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<PushOutcome, PushError>> + Send + 'a>>;

/// A push service. Object-safe: the server holds them as `Arc<dyn PushGateway>`.
pub trait PushGateway: Send + Sync {
    /// Sends every message of the batch (all for this gateway's provider).
    fn send<'a>(&'a self, batch: &'a [PushMessage]) -> SendFuture<'a>;
}

/// What became of a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushOutcome {
    /// Accepted by the service.
    pub sent: usize,
    /// Tokens the service says are gone for good (or that cannot be a token of it): the
    /// server should forget them.
    pub invalid_tokens: Vec<String>,
    /// Not accepted this time (timeout, refused connection, 429, 5xx…); not retried.
    pub failed: usize,
}

/// Why a whole batch could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The service refused our credentials (an expired access token or provider JWT, a
    /// wrong project or topic): nothing more can be sent until they are fixed.
    #[error("the push service refused our credentials ({status}): {detail}")]
    Unauthorized { status: u16, detail: String },
    /// The gateway is set up wrongly (a credential that cannot be an HTTP header…).
    #[error("push gateway misconfigured: {0}")]
    Config(String),
}

/// Messages in flight at once, per gateway, unless configured otherwise.
pub const DEFAULT_CONCURRENCY: usize = 32;

/// FCM's base URL.
pub const FCM_BASE: &str = "https://fcm.googleapis.com";
/// APNs' production and development base URLs.
pub const APNS_PRODUCTION: &str = "https://api.push.apple.com";
pub const APNS_DEVELOPMENT: &str = "https://api.sandbox.push.apple.com";

/// The HTTP client the gateways use unless given one: short timeouts, no redirects.
pub fn push_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

/// What became of one message.
enum Delivery {
    Sent,
    Gone,
    /// Why, for the log.
    Failed(String),
    Fatal(PushError),
}

/// Runs `one` over the batch, `concurrency` at once; stops at the first fatal error. Logs
/// failures once per batch (their count and the first reason), not once per message.
///
/// A hand-written loop over `FuturesUnordered` rather than `buffer_unordered`: the
/// combinator's closures make the future fail the `Send` check (rust-lang/rust#102211).
async fn deliver_all<'a, F, Fut>(
    provider: &'static str,
    batch: &'a [PushMessage],
    concurrency: usize,
    one: F,
) -> Result<PushOutcome, PushError>
where
    F: Fn(&'a PushMessage) -> Fut,
    Fut: Future<Output = Delivery> + 'a,
{
    async fn tagged<Fut: Future<Output = Delivery>>(m: &PushMessage, delivery: Fut) -> (&PushMessage, Delivery) {
        (m, delivery.await)
    }
    let mut out = PushOutcome::default();
    let mut first_failure = None;
    let mut queue = batch.iter();
    let mut in_flight = FuturesUnordered::new();
    loop {
        while in_flight.len() < concurrency.max(1) {
            let Some(m) = queue.next() else { break };
            in_flight.push(tagged(m, one(m)));
        }
        let Some((m, delivery)) = in_flight.next().await else { break };
        match delivery {
            Delivery::Sent => out.sent += 1,
            Delivery::Gone => out.invalid_tokens.push(m.token.to_string()),
            Delivery::Failed(why) => {
                out.failed += 1;
                first_failure.get_or_insert(why);
            }
            Delivery::Fatal(e) => return Err(e),
        }
    }
    if let Some(first) = first_failure {
        tracing::warn!(provider, failed = out.failed, sent = out.sent, first = %first, "push messages not accepted");
    }
    Ok(out)
}

/// The most of a response body read: the services answer a few hundred bytes, and a
/// UnifiedPush endpoint is whatever URL a device gave.
const MAX_ANSWER_BYTES: usize = 16 * 1024;

/// The status and (the start of) the body of a response. The body is read even on success
/// so the connection goes back to the pool.
async fn answer(sent: reqwest::Result<reqwest::Response>) -> Result<(u16, String), Delivery> {
    let mut r = match sent {
        Ok(r) => r,
        // Without the URL: it holds the device token.
        Err(e) => return Err(Delivery::Failed(e.without_url().to_string())),
    };
    let status = r.status().as_u16();
    let mut body = Vec::new();
    while body.len() < MAX_ANSWER_BYTES {
        match r.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk[..chunk.len().min(MAX_ANSWER_BYTES - body.len())]),
            // An unreadable answer still has its status.
            Ok(None) | Err(_) => break,
        }
    }
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

fn bearer(scheme: &str, credential: &str) -> Result<HeaderValue, PushError> {
    let mut v = HeaderValue::from_str(&format!("{scheme} {credential}"))
        .map_err(|_| PushError::Config("the credential cannot be sent in an HTTP header".into()))?;
    v.set_sensitive(true);
    Ok(v)
}

/// Records every message instead of sending it: for tests and development.
#[derive(Default)]
pub struct RecordingGateway {
    messages: Mutex<Vec<PushMessage>>,
    invalid: Vec<String>,
}

impl RecordingGateway {
    pub fn new() -> Self {
        Self::default()
    }

    /// One that reports these tokens as gone (and records the rest as sent).
    pub fn with_invalid_tokens(tokens: impl IntoIterator<Item = impl Into<String>>) -> Self {
        RecordingGateway { messages: Mutex::default(), invalid: tokens.into_iter().map(Into::into).collect() }
    }

    /// Every message sent so far, in order.
    pub fn messages(&self) -> Vec<PushMessage> {
        self.messages.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Forgets the messages recorded so far.
    pub fn clear(&self) {
        self.messages.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

impl PushGateway for RecordingGateway {
    fn send<'a>(&'a self, batch: &'a [PushMessage]) -> SendFuture<'a> {
        Box::pin(async move {
            let mut out = PushOutcome::default();
            let mut recorded = self.messages.lock().unwrap_or_else(|e| e.into_inner());
            recorded.reserve(batch.len());
            for m in batch {
                if self.invalid.iter().any(|t| **t == *m.token) {
                    out.invalid_tokens.push(m.token.to_string());
                } else {
                    recorded.push(m.clone());
                    out.sent += 1;
                }
            }
            Ok(out)
        })
    }
}

/// Firebase Cloud Messaging, HTTP v1 API: a high-priority data message
/// `{"kind": "alert", "alert": id}` per device.
///
/// The OAuth 2 access token (of a service account with the `firebase.messaging` scope) is
/// given as a string; getting and refreshing it (it lasts an hour) is the caller's job:
/// [`FcmGateway::set_access_token`].
pub struct FcmGateway {
    client: reqwest::Client,
    url: String,
    auth: RwLock<HeaderValue>,
    concurrency: usize,
}

impl FcmGateway {
    /// Sends to `{base}/v1/projects/{project}/messages:send` (`base` is [`FCM_BASE`] in
    /// production).
    pub fn new(base: &str, project: &str, access_token: &str) -> Result<Self, PushError> {
        if project.is_empty() || !project.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(PushError::Config(format!("{project:?} is not a Firebase project id")));
        }
        Ok(FcmGateway {
            client: push_client(),
            url: format!("{}/v1/projects/{project}/messages:send", base.trim_end_matches('/')),
            auth: RwLock::new(bearer("Bearer", access_token)?),
            concurrency: DEFAULT_CONCURRENCY,
        })
    }

    pub fn with_client(mut self, client: reqwest::Client) -> Self {
        self.client = client;
        self
    }

    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Replaces the access token (before it expires).
    pub fn set_access_token(&self, access_token: &str) -> Result<(), PushError> {
        *self.auth.write().unwrap_or_else(|e| e.into_inner()) = bearer("Bearer", access_token)?;
        Ok(())
    }

    async fn send_one(&self, m: &PushMessage) -> Delivery {
        let auth = self.auth.read().unwrap_or_else(|e| e.into_inner()).clone();
        let body = json!({"message": {
            "token": &*m.token,
            "data": {"kind": "alert", "alert": &*m.alert_id},
            "android": {"priority": "high"},
        }});
        let sent = self.client.post(&self.url).header(header::AUTHORIZATION, auth).json(&body).send().await;
        let (status, body) = match answer(sent).await {
            Ok(a) => a,
            Err(d) => return d,
        };
        if (200..300).contains(&status) {
            return Delivery::Sent;
        }
        // {"error": {"code", "message", "status", "details": [{"errorCode": "UNREGISTERED"}]}}
        let error: Value = serde_json::from_str(&body).unwrap_or_default();
        let error = &error["error"];
        let code = error["details"]
            .as_array()
            .and_then(|d| d.iter().find_map(|d| d["errorCode"].as_str()))
            .or_else(|| error["status"].as_str())
            .unwrap_or_default();
        let message = error["message"].as_str().unwrap_or_default();
        match (status, code) {
            (404, _) | (_, "UNREGISTERED") | (_, "SENDER_ID_MISMATCH") => Delivery::Gone,
            // A malformed token; other invalid arguments would be our bug, not the token's.
            (400, "INVALID_ARGUMENT") if message.contains("registration token") => Delivery::Gone,
            (401, _) | (403, _) => Delivery::Fatal(PushError::Unauthorized { status, detail: short(message) }),
            _ => Delivery::Failed(format!("{status} {code}: {}", short(message))),
        }
    }
}

impl PushGateway for FcmGateway {
    fn send<'a>(&'a self, batch: &'a [PushMessage]) -> SendFuture<'a> {
        Box::pin(deliver_all("fcm", batch, self.concurrency, |m| self.send_one(m)))
    }
}

/// Apple Push Notification service, token-based: a background notification
/// (`apns-push-type: background`, priority 5) with `{"aps": {"content-available": 1},
/// "alert": id}`, or for an Extreme warning `apns-push-type: alert` at priority 10.
///
/// The provider token (a JWT signed with the team's APNs key, ES256) is given as a string:
/// signing it, and renewing it every 20 to 60 minutes, is out of scope here
/// ([`ApnsGateway::set_provider_token`]). APNs speaks HTTP/2 only; reqwest negotiates it.
pub struct ApnsGateway {
    client: reqwest::Client,
    base: String,
    topic: HeaderValue,
    auth: RwLock<HeaderValue>,
    concurrency: usize,
}

impl ApnsGateway {
    /// Sends to `{base}/3/device/{token}` (`base` is [`APNS_PRODUCTION`] or
    /// [`APNS_DEVELOPMENT`]) for the app `topic` (its bundle id).
    pub fn new(base: &str, topic: &str, provider_token: &str) -> Result<Self, PushError> {
        let topic = HeaderValue::from_str(topic).map_err(|_| PushError::Config(format!("{topic:?} is not an APNs topic")))?;
        Ok(ApnsGateway {
            client: push_client(),
            base: base.trim_end_matches('/').to_owned(),
            topic,
            auth: RwLock::new(bearer("bearer", provider_token)?),
            concurrency: DEFAULT_CONCURRENCY,
        })
    }

    pub fn with_client(mut self, client: reqwest::Client) -> Self {
        self.client = client;
        self
    }

    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Replaces the provider JWT (before it expires).
    pub fn set_provider_token(&self, provider_token: &str) -> Result<(), PushError> {
        *self.auth.write().unwrap_or_else(|e| e.into_inner()) = bearer("bearer", provider_token)?;
        Ok(())
    }

    async fn send_one(&self, m: &PushMessage) -> Delivery {
        // A device token is hexadecimal; anything else cannot be one (nor go in the path).
        if m.token.is_empty() || !m.token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Delivery::Gone;
        }
        let auth = self.auth.read().unwrap_or_else(|e| e.into_inner()).clone();
        let (push_type, priority) = if m.severity == Severity::Extreme { ("alert", "10") } else { ("background", "5") };
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, auth);
        headers.insert("apns-topic", self.topic.clone());
        headers.insert("apns-push-type", HeaderValue::from_static(push_type));
        headers.insert("apns-priority", HeaderValue::from_static(priority));
        let body = json!({"aps": {"content-available": 1}, "alert": &*m.alert_id});
        let url = format!("{}/3/device/{}", self.base, m.token);
        let sent = self.client.post(url).headers(headers).json(&body).send().await;
        let (status, body) = match answer(sent).await {
            Ok(a) => a,
            Err(d) => return d,
        };
        if (200..300).contains(&status) {
            return Delivery::Sent;
        }
        let reason: Value = serde_json::from_str(&body).unwrap_or_default();
        let reason = reason["reason"].as_str().unwrap_or_default();
        match (status, reason) {
            (410, _) | (_, "Unregistered" | "BadDeviceToken" | "DeviceTokenNotForTopic") => Delivery::Gone,
            (403, _) => Delivery::Fatal(PushError::Unauthorized { status, detail: short(reason) }),
            _ => Delivery::Failed(format!("{status} {}", short(reason))),
        }
    }
}

impl PushGateway for ApnsGateway {
    fn send<'a>(&'a self, batch: &'a [PushMessage]) -> SendFuture<'a> {
        Box::pin(deliver_all("apns", batch, self.concurrency, |m| self.send_one(m)))
    }
}

/// UnifiedPush: the token is the endpoint URL the device's distributor gave it; a POST of
/// `{"alert": id}`, Web Push encrypted to the device's keys (RFC 8291, `Content-Encoding:
/// aes128gcm`, [`super::webpush`]), with `TTL` (until the warning expires, else the
/// gateway's) and `Urgency` (`high` for Severe and Extreme warnings, else `normal`).
///
/// Only `https` endpoints on the public internet are used (a literal address is checked, a name
/// resolves to public addresses only, no redirect is followed) unless
/// [`UnifiedPushGateway::allow_http`] (tests, a distributor on the local network); any other
/// token is reported as invalid. A message without keys (a registration stored before they
/// were asked for) is not sent in clear: it fails, logged, until the device registers again.
pub struct UnifiedPushGateway {
    client: reqwest::Client,
    ttl_s: u32,
    allow_http: bool,
    concurrency: usize,
}

impl Default for UnifiedPushGateway {
    fn default() -> Self {
        Self::new()
    }
}

impl UnifiedPushGateway {
    /// A day's TTL, https only.
    pub fn new() -> Self {
        let client = crate::outbound::public_only_client(Duration::from_secs(30)).unwrap_or_else(|_| push_client());
        UnifiedPushGateway { client, ttl_s: 86_400, allow_http: false, concurrency: DEFAULT_CONCURRENCY }
    }

    /// How long the distributor should keep an undelivered message, in seconds, when the
    /// message does not say (`PushMessage::ttl_s`).
    pub fn with_ttl(mut self, seconds: u32) -> Self {
        self.ttl_s = seconds;
        self
    }

    /// Also send to plain `http` endpoints.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    pub fn with_client(mut self, client: reqwest::Client) -> Self {
        self.client = client;
        self
    }

    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    async fn send_one(&self, m: &PushMessage) -> Delivery {
        let url = match reqwest::Url::parse(&m.token) {
            Ok(u) if self.allow_http && u.host().is_some() && matches!(u.scheme(), "http" | "https") => u,
            Ok(u) if u.scheme() == "https" && crate::outbound::public_url(&u) => u,
            _ => return Delivery::Gone,
        };
        let Some(keys) = &m.keys else {
            tracing::warn!(device = %m.device_id, "UnifiedPush registration without Web Push keys: not sent in clear");
            return Delivery::Failed("no Web Push keys registered".into());
        };
        let urgency = if m.severity >= Severity::Severe { "high" } else { "normal" };
        let body = match super::webpush::encrypt(json!({"alert": &*m.alert_id}).to_string().as_bytes(), keys) {
            Ok(body) => body,
            Err(e) => return Delivery::Failed(format!("encrypting: {e}")),
        };
        let sent = self
            .client
            .post(url)
            .header("TTL", m.ttl_s.unwrap_or(self.ttl_s))
            .header("Urgency", urgency)
            .header(header::CONTENT_ENCODING, "aes128gcm")
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(body)
            .send()
            .await;
        match answer(sent).await {
            Ok((200..=299, _)) => Delivery::Sent,
            Ok((404 | 410, _)) => Delivery::Gone,
            Ok((status, _)) => Delivery::Failed(format!("the distributor answered {status}")),
            Err(d) => d,
        }
    }
}

impl PushGateway for UnifiedPushGateway {
    fn send<'a>(&'a self, batch: &'a [PushMessage]) -> SendFuture<'a> {
        Box::pin(deliver_all("unifiedpush", batch, self.concurrency, |m| self.send_one(m)))
    }
}

/// At most 200 characters of a service's explanation, for logs and errors.
fn short(s: &str) -> String {
    s.chars().take(200).collect()
}

// The gateways are shared between tasks as trait objects.
const _: fn() = || {
    fn shared<T: Send + Sync + ?Sized>() {}
    shared::<Arc<dyn PushGateway>>();
};
