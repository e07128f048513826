//! Apple Push Notification service, token-based, over HTTP/2.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, header};
use civic_core::clock::SharedClock;
use civic_core::warning::Severity;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::PushMessage;
use super::credentials::apple::{ApnsKey, ApnsTokens};
use super::credentials::{Credentials, StaticToken};
use super::gateway::{DEFAULT_CONCURRENCY, Delivery, PushError, PushGateway, SendFuture, Sending, answer, deliver_all, short};
use super::retry::RetryPolicy;

/// The client APNs is reached with: HTTP/2 only (APNs speaks nothing else; over plain
/// `http`, as a local stand-in in tests, with prior knowledge), short timeouts, no redirects.
pub fn apns_client() -> reqwest::Client {
    reqwest::Client::builder()
        .http2_prior_knowledge()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

/// Apple Push Notification service, token-based: a background notification
/// (`apns-push-type: background`, priority 5) with `{"aps": {"content-available": 1},
/// "alert": id}`, or for an Extreme warning `apns-push-type: alert` at priority 10.
///
/// Authorised by a provider token (a JWT signed with the team's APNs key, ES256): signed
/// here and renewed every 40 minutes ([`ApnsGateway::with_key`]), or given as it is
/// ([`ApnsGateway::new`], [`StaticToken`]). `ExpiredProviderToken` renews it at once, once
/// per batch.
pub struct ApnsGateway {
    client: reqwest::Client,
    base: String,
    topic: HeaderValue,
    credentials: Arc<dyn Credentials>,
    concurrency: usize,
    retry: RetryPolicy,
}

impl ApnsGateway {
    /// Sends to `{base}/3/device/{token}` (`base` is [`super::gateway::APNS_PRODUCTION`] or
    /// [`super::gateway::APNS_DEVELOPMENT`]) for the app `topic` (its bundle id), with this
    /// provider token as it is.
    pub fn new(base: &str, topic: &str, provider_token: &str) -> Result<Self, PushError> {
        Self::with_credentials(base, topic, Arc::new(StaticToken::new("bearer", provider_token)?))
    }

    /// With provider tokens signed with the team's key on `clock`'s time.
    pub fn with_key(base: &str, topic: &str, key: ApnsKey, clock: SharedClock) -> Result<Self, PushError> {
        let tokens = ApnsTokens::new(key, clock.clone());
        Ok(Self::with_credentials(base, topic, Arc::new(tokens))?.with_retry(RetryPolicy::default().with_clock(clock)))
    }

    /// With these credentials.
    pub fn with_credentials(base: &str, topic: &str, credentials: Arc<dyn Credentials>) -> Result<Self, PushError> {
        let topic = HeaderValue::from_str(topic).map_err(|_| PushError::Config(format!("{topic:?} is not an APNs topic")))?;
        Ok(ApnsGateway {
            client: apns_client(),
            base: base.trim_end_matches('/').to_owned(),
            topic,
            credentials,
            concurrency: DEFAULT_CONCURRENCY,
            retry: RetryPolicy::default(),
        })
    }

    /// Another client (it must speak HTTP/2: see [`apns_client`]).
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
        // A device token is hexadecimal; anything else cannot be one (nor go in the path).
        if m.token.is_empty() || !m.token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Delivery::Gone;
        }
        let auth = match self.credentials.current().await {
            Ok(auth) => auth,
            Err(e) => return e.into(),
        };
        let (push_type, priority) = if m.severity == Severity::Extreme { ("alert", "10") } else { ("background", "5") };
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, auth.header);
        headers.insert("apns-topic", self.topic.clone());
        headers.insert("apns-push-type", HeaderValue::from_static(push_type));
        headers.insert("apns-priority", HeaderValue::from_static(priority));
        let body = json!({"aps": {"content-available": 1}, "alert": &*m.alert_id});
        let url = format!("{}/3/device/{}", self.base, m.token);
        let sent = self.client.post(url).headers(headers).json(&body).send().await;
        let a = match answer(sent).await {
            Ok(a) => a,
            Err(d) => return d,
        };
        if (200..300).contains(&a.status) {
            return Delivery::Sent;
        }
        let reason: Value = serde_json::from_str(&a.body).unwrap_or_default();
        let reason = reason["reason"].as_str().unwrap_or_default();
        match (a.status, reason) {
            (410, _) | (_, "Unregistered" | "BadDeviceToken" | "DeviceTokenNotForTopic") => Delivery::Gone,
            (status @ 403, "ExpiredProviderToken") => {
                Delivery::Refused { error: PushError::Unauthorized { status, detail: short(reason) }, generation: auth.generation }
            }
            (status @ 403, _) => Delivery::Fatal(PushError::Unauthorized { status, detail: short(reason) }),
            _ if a.transient() => a.retry(format!("{} {}", a.status, short(reason))),
            _ => Delivery::Failed(format!("{} {}", a.status, short(reason))),
        }
    }
}

impl PushGateway for ApnsGateway {
    fn send<'a>(&'a self, batch: &'a [PushMessage]) -> SendFuture<'a> {
        self.send_until(batch, None)
    }

    fn send_until<'a>(&'a self, batch: &'a [PushMessage], expires: Option<OffsetDateTime>) -> SendFuture<'a> {
        let how = Sending { provider: "apns", concurrency: self.concurrency, retry: &self.retry, credentials: Some(&*self.credentials) };
        Box::pin(deliver_all(how, batch, expires, |m| self.send_one(m)))
    }
}
