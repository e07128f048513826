//! The push services: FCM (Android), APNs (iOS), UnifiedPush (de-Googled Android), and a
//! recording one for tests.
//!
//! Each gateway sends one request per message, at most `concurrency` at once (32 by
//! default), each within the client's timeouts (5 s to connect, 10 s in all), without
//! following redirects. A message the service refuses for good because its token is gone
//! is reported in [`PushOutcome::invalid_tokens`] (the server should forget the device). One
//! that failed for now (a timeout, a refused connection, 429, 5xx) is tried again after a
//! jittered, growing wait that honours `Retry-After` ([`RetryPolicy`]), until the warning's
//! expiry or the attempts run out, then counted in [`PushOutcome::failed`]; a `Retry-After`
//! also holds back the batch's other messages. Credentials the service refuses are renewed
//! once per batch; refused again, they stop the batch with [`PushError::Unauthorized`].
//!
//! Base URLs are configurable so tests can point the gateways at a local server.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::header;
use civic_core::warning::Severity;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde_json::json;
use time::OffsetDateTime;

use super::PushMessage;
use super::credentials::{CredentialError, Credentials};
use super::retry::{RetryAfter, RetryPolicy};

/// What `PushGateway::send` returns.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<PushOutcome, PushError>> + Send + 'a>>;

/// A push service. Object-safe: the server holds them as `Arc<dyn PushGateway>`.
pub trait PushGateway: Send + Sync {
    /// Sends every message of the batch (all for this gateway's provider).
    fn send<'a>(&'a self, batch: &'a [PushMessage]) -> SendFuture<'a>;

    /// `send`, trying again what fails for now until `expires` (the warning's expiry; None:
    /// the gateway's own window). Gateways that do not retry just send.
    fn send_until<'a>(&'a self, batch: &'a [PushMessage], expires: Option<OffsetDateTime>) -> SendFuture<'a> {
        let _ = expires;
        self.send(batch)
    }
}

/// What became of a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushOutcome {
    /// Accepted by the service.
    pub sent: usize,
    /// Tokens the service says are gone for good (or that cannot be a token of it): the
    /// server should forget them.
    pub invalid_tokens: Vec<String>,
    /// Not accepted (refused, or still failing when the attempts or the time ran out).
    pub failed: usize,
    /// Attempts made again (after a failure for now, or with renewed credentials).
    pub retried: usize,
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

impl From<CredentialError> for PushError {
    fn from(e: CredentialError) -> Self {
        match e {
            CredentialError::Refused { status, detail } => PushError::Unauthorized { status, detail },
            CredentialError::Unavailable(why) | CredentialError::Config(why) => PushError::Config(why),
        }
    }
}

/// Messages in flight at once, per gateway, unless configured otherwise.
pub const DEFAULT_CONCURRENCY: usize = 32;

/// FCM's base URL.
pub const FCM_BASE: &str = "https://fcm.googleapis.com";
/// APNs' production and development base URLs.
pub const APNS_PRODUCTION: &str = "https://api.push.apple.com";
pub const APNS_DEVELOPMENT: &str = "https://api.sandbox.push.apple.com";

/// What became of one attempt at a message.
pub(super) enum Delivery {
    Sent,
    Gone,
    /// Refused for good; why, for the log.
    Failed(String),
    /// Failed for now: try again (after `after`, if the service said).
    Retry {
        why: String,
        after: Option<RetryAfter>,
    },
    /// The service refused the credential of this generation: renew it and try again.
    Refused {
        error: PushError,
        generation: u64,
    },
    Fatal(PushError),
}

impl From<CredentialError> for Delivery {
    fn from(e: CredentialError) -> Self {
        match e {
            CredentialError::Unavailable(why) => Delivery::Retry { why, after: None },
            e => Delivery::Fatal(e.into()),
        }
    }
}

/// How a gateway sends a batch.
pub(super) struct Sending<'a> {
    pub provider: &'static str,
    pub concurrency: usize,
    pub retry: &'a RetryPolicy,
    /// The credentials to renew when the service refuses them (none for UnifiedPush).
    pub credentials: Option<&'a dyn Credentials>,
}

/// A batch's shared state while it is sent.
struct Batch<'a> {
    how: Sending<'a>,
    deadline: OffsetDateTime,
    /// Whether the batch has renewed its credentials (once at most).
    renewed: tokio::sync::Mutex<bool>,
    /// Until when a `Retry-After` holds every message of the batch back.
    paused_until: Mutex<Option<OffsetDateTime>>,
}

impl Batch<'_> {
    async fn wait_if_paused(&self) {
        let until = *self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(wait) = until.and_then(|u| Duration::try_from(u - self.how.retry.now()).ok()) {
            if !wait.is_zero() {
                self.how.retry.sleep(wait).await;
            }
        }
    }

    fn pause_until(&self, until: OffsetDateTime) {
        let mut paused = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        *paused = Some(paused.map_or(until, |p| p.max(until)));
    }

    /// A request with the credential of `generation` was refused: whether to try again,
    /// with a credential renewed since (by expiry, by another message) or now (once per
    /// batch).
    async fn renew(&self, generation: u64) -> Result<bool, CredentialError> {
        let Some(credentials) = self.how.credentials else { return Ok(false) };
        let mut renewed = self.renewed.lock().await;
        if credentials.generation() > generation {
            return Ok(true);
        }
        if *renewed {
            return Ok(false);
        }
        *renewed = true;
        credentials.renew(generation).await
    }

    /// Attempts one message until it is delivered, gone, refused, or out of attempts or
    /// time. The outcome and the attempts made again.
    async fn deliver<'m, F, Fut>(&self, m: &'m PushMessage, one: &F) -> (&'m PushMessage, Delivery, usize)
    where
        F: Fn(&'m PushMessage) -> Fut,
        Fut: Future<Output = Delivery>,
    {
        let retry = self.how.retry;
        let mut attempts = 0;
        loop {
            self.wait_if_paused().await;
            attempts += 1;
            let again = attempts < retry.max_attempts.max(1);
            let retried = attempts as usize - 1;
            match one(m).await {
                Delivery::Retry { why, after } if again => {
                    let wait = retry.wait(attempts, after);
                    let resume = retry.now() + wait;
                    if resume > self.deadline {
                        return (m, Delivery::Failed(format!("{why} (no time left to try again)")), retried);
                    }
                    if after.is_some() {
                        self.pause_until(resume);
                    }
                    retry.sleep(wait).await;
                }
                Delivery::Retry { why, .. } => return (m, Delivery::Failed(format!("{why} ({attempts} attempts)")), retried),
                Delivery::Refused { error, generation } => match self.renew(generation).await {
                    Ok(true) if again => {}
                    Ok(true) => return (m, Delivery::Failed(format!("{error} ({attempts} attempts)")), retried),
                    Ok(false) => return (m, Delivery::Fatal(error), retried),
                    Err(e) => return (m, Delivery::Fatal(e.into()), retried),
                },
                done => return (m, done, retried),
            }
        }
    }
}

/// Runs `one` over the batch, `concurrency` at once, each message again while it fails for
/// now; stops at the first fatal error. Logs failures once per batch (their count and the
/// first reason), not once per message.
///
/// A hand-written loop over `FuturesUnordered` rather than `buffer_unordered`: the
/// combinator's closures make the future fail the `Send` check (rust-lang/rust#102211).
pub(super) async fn deliver_all<'a, F, Fut>(
    how: Sending<'a>,
    batch: &'a [PushMessage],
    expires: Option<OffsetDateTime>,
    one: F,
) -> Result<PushOutcome, PushError>
where
    F: Fn(&'a PushMessage) -> Fut,
    Fut: Future<Output = Delivery> + 'a,
{
    let (provider, concurrency) = (how.provider, how.concurrency.max(1));
    let deadline = how.retry.deadline(expires);
    let state = Batch { how, deadline, renewed: tokio::sync::Mutex::new(false), paused_until: Mutex::new(None) };
    let mut out = PushOutcome::default();
    let mut first_failure = None;
    let mut queue = batch.iter();
    let mut in_flight = FuturesUnordered::new();
    loop {
        while in_flight.len() < concurrency {
            let Some(m) = queue.next() else { break };
            in_flight.push(state.deliver(m, &one));
        }
        let Some((m, delivery, retried)) = in_flight.next().await else { break };
        out.retried += retried;
        match delivery {
            Delivery::Sent => out.sent += 1,
            Delivery::Gone => out.invalid_tokens.push(m.token.to_string()),
            Delivery::Failed(why) | Delivery::Retry { why, .. } => {
                out.failed += 1;
                first_failure.get_or_insert(why);
            }
            Delivery::Fatal(e) | Delivery::Refused { error: e, .. } => return Err(e),
        }
    }
    if let Some(first) = first_failure {
        tracing::warn!(provider, failed = out.failed, sent = out.sent, retried = out.retried, first = %first, "push messages not accepted");
    }
    Ok(out)
}

/// The most of a response body read: the services answer a few hundred bytes, and a
/// UnifiedPush endpoint is whatever URL a device gave.
const MAX_ANSWER_BYTES: usize = 16 * 1024;

/// A service's answer.
pub(super) struct Answer {
    pub status: u16,
    pub retry_after: Option<RetryAfter>,
    pub body: String,
}

impl Answer {
    /// A 429 or a 5xx: worth trying again.
    pub fn transient(&self) -> bool {
        self.status == 429 || self.status >= 500
    }

    /// Try again, after what the service asked.
    pub fn retry(&self, why: String) -> Delivery {
        Delivery::Retry { why, after: self.retry_after }
    }
}

/// The status, `Retry-After` and (the start of) the body of a response. The body is read
/// even on success so the connection goes back to the pool. No answer (a refused connection,
/// a timeout) is a failure for now.
pub(super) async fn answer(sent: reqwest::Result<reqwest::Response>) -> Result<Answer, Delivery> {
    let mut r = match sent {
        Ok(r) => r,
        // Without the URL: it holds the device token.
        Err(e) => return Err(Delivery::Retry { why: e.without_url().to_string(), after: None }),
    };
    let status = r.status().as_u16();
    let retry_after = r.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(RetryAfter::parse);
    let mut body = Vec::new();
    while body.len() < MAX_ANSWER_BYTES {
        match r.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk[..chunk.len().min(MAX_ANSWER_BYTES - body.len())]),
            // An unreadable answer still has its status.
            Ok(None) | Err(_) => break,
        }
    }
    Ok(Answer { status, retry_after, body: String::from_utf8_lossy(&body).into_owned() })
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
    retry: RetryPolicy,
}

impl Default for UnifiedPushGateway {
    fn default() -> Self {
        Self::new()
    }
}

impl UnifiedPushGateway {
    /// A day's TTL, https only.
    pub fn new() -> Self {
        let client = crate::outbound::public_only_client(Duration::from_secs(30)).unwrap_or_else(|_| crate::outbound::service_client());
        UnifiedPushGateway { client, ttl_s: 86_400, allow_http: false, concurrency: DEFAULT_CONCURRENCY, retry: RetryPolicy::default() }
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

    /// How failures for now are tried again (and the clock the deadline is read on).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
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
            Ok(a) if (200..=299).contains(&a.status) => Delivery::Sent,
            Ok(a) if matches!(a.status, 404 | 410) => Delivery::Gone,
            Ok(a) if a.transient() => a.retry(format!("the distributor answered {}", a.status)),
            Ok(a) => Delivery::Failed(format!("the distributor answered {}", a.status)),
            Err(d) => d,
        }
    }
}

impl PushGateway for UnifiedPushGateway {
    fn send<'a>(&'a self, batch: &'a [PushMessage]) -> SendFuture<'a> {
        self.send_until(batch, None)
    }

    fn send_until<'a>(&'a self, batch: &'a [PushMessage], expires: Option<OffsetDateTime>) -> SendFuture<'a> {
        let how = Sending { provider: "unifiedpush", concurrency: self.concurrency, retry: &self.retry, credentials: None };
        Box::pin(deliver_all(how, batch, expires, |m| self.send_one(m)))
    }
}

/// At most 200 characters of a service's explanation, for logs and errors.
pub(super) fn short(s: &str) -> String {
    s.chars().take(200).collect()
}

// The gateways are shared between tasks as trait objects.
const _: fn() = || {
    fn shared<T: Send + Sync + ?Sized>() {}
    shared::<Arc<dyn PushGateway>>();
};
