//! Firebase Cloud Messaging, HTTP v1 API.

use std::sync::Arc;

use axum::http::header;
use civic_core::clock::SharedClock;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::PushMessage;
use super::credentials::google::{GoogleTokens, ServiceAccount};
use super::credentials::{Credentials, StaticToken};
use super::gateway::{DEFAULT_CONCURRENCY, Delivery, PushError, PushGateway, SendFuture, Sending, answer, deliver_all, short};
use super::retry::RetryPolicy;

/// Firebase Cloud Messaging, HTTP v1 API: a high-priority data message
/// `{"kind": "alert", "alert": id}` per device.
///
/// Authorised by an OAuth 2 access token with the `firebase.messaging` scope: got and
/// renewed from a service account's key ([`FcmGateway::with_service_account`]), or given as
/// it is ([`FcmGateway::new`], [`StaticToken`]). A 401 renews the token once per batch.
pub struct FcmGateway {
    client: reqwest::Client,
    url: String,
    credentials: Arc<dyn Credentials>,
    concurrency: usize,
    retry: RetryPolicy,
}

impl FcmGateway {
    /// Sends to `{base}/v1/projects/{project}/messages:send` (`base` is
    /// [`super::gateway::FCM_BASE`] in production) with this access token as it is.
    pub fn new(base: &str, project: &str, access_token: &str) -> Result<Self, PushError> {
        Self::with_credentials(base, project, Arc::new(StaticToken::new("Bearer", access_token)?))
    }

    /// For the service account's project, with access tokens got with its key (from the
    /// account's `token_uri`) on `clock`'s time.
    pub fn with_service_account(base: &str, account: &ServiceAccount, clock: SharedClock) -> Result<Self, PushError> {
        let tokens = GoogleTokens::new(account, clock.clone())?;
        Ok(Self::with_credentials(base, &account.project_id, Arc::new(tokens))?.with_retry(RetryPolicy::default().with_clock(clock)))
    }

    /// Sends to `project` with these credentials.
    pub fn with_credentials(base: &str, project: &str, credentials: Arc<dyn Credentials>) -> Result<Self, PushError> {
        if project.is_empty() || !project.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(PushError::Config(format!("{project:?} is not a Firebase project id")));
        }
        Ok(FcmGateway {
            client: crate::outbound::service_client(),
            url: format!("{}/v1/projects/{project}/messages:send", base.trim_end_matches('/')),
            credentials,
            concurrency: DEFAULT_CONCURRENCY,
            retry: RetryPolicy::default(),
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

    /// How failures for now are tried again (and the clock the deadline is read on).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    async fn send_one(&self, m: &PushMessage) -> Delivery {
        let auth = match self.credentials.current().await {
            Ok(auth) => auth,
            Err(e) => return e.into(),
        };
        let body = json!({"message": {
            "token": &*m.token,
            "data": {"kind": "alert", "alert": &*m.alert_id},
            "android": {"priority": "high"},
        }});
        let sent = self.client.post(&self.url).header(header::AUTHORIZATION, auth.header).json(&body).send().await;
        let a = match answer(sent).await {
            Ok(a) => a,
            Err(d) => return d,
        };
        if (200..300).contains(&a.status) {
            return Delivery::Sent;
        }
        // {"error": {"code", "message", "status", "details": [{"errorCode": "UNREGISTERED"}]}}
        let error: Value = serde_json::from_str(&a.body).unwrap_or_default();
        let error = &error["error"];
        let code = error["details"]
            .as_array()
            .and_then(|d| d.iter().find_map(|d| d["errorCode"].as_str()))
            .or_else(|| error["status"].as_str())
            .unwrap_or_default();
        let message = error["message"].as_str().unwrap_or_default();
        match (a.status, code) {
            (404, _) | (_, "UNREGISTERED") | (_, "SENDER_ID_MISMATCH") => Delivery::Gone,
            // A malformed token; other invalid arguments would be our bug, not the token's.
            (400, "INVALID_ARGUMENT") if message.contains("registration token") => Delivery::Gone,
            (status @ 401, _) => {
                Delivery::Refused { error: PushError::Unauthorized { status, detail: short(message) }, generation: auth.generation }
            }
            (status @ 403, _) => Delivery::Fatal(PushError::Unauthorized { status, detail: short(message) }),
            _ if a.transient() => a.retry(format!("{} {code}: {}", a.status, short(message))),
            _ => Delivery::Failed(format!("{} {code}: {}", a.status, short(message))),
        }
    }
}

impl PushGateway for FcmGateway {
    fn send<'a>(&'a self, batch: &'a [PushMessage]) -> SendFuture<'a> {
        self.send_until(batch, None)
    }

    fn send_until<'a>(&'a self, batch: &'a [PushMessage], expires: Option<OffsetDateTime>) -> SendFuture<'a> {
        let how = Sending { provider: "fcm", concurrency: self.concurrency, retry: &self.retry, credentials: Some(&*self.credentials) };
        Box::pin(deliver_all(how, batch, expires, |m| self.send_one(m)))
    }
}
