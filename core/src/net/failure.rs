//! What an HTTP call to `/api/v1` came to, and what each failure means for what waits.

use std::time::Duration;

use reqwest::{Response, StatusCode};
use serde::de::DeserializeOwned;

/// Why a call did not succeed, sorted by what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// No connection (no network, server unreachable, timed out): try the whole sync later.
    Offline(String),
    /// The server could not take it now (5xx, 429, a broken answer): retry after a while.
    Transient { reason: String, retry_after: Option<Duration> },
    /// The server refused this request for good (422, 409…): stop retrying it, tell the user.
    Refused { status: u16, kind: String, detail: String },
    /// The token is not (or no longer) valid.
    Unauthorized,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Offline(why) => write!(f, "offline: {why}"),
            Failure::Transient { reason, .. } => write!(f, "server busy: {reason}"),
            Failure::Refused { status, detail, .. } => write!(f, "refused ({status}): {detail}"),
            Failure::Unauthorized => f.write_str("the device's token is not valid"),
        }
    }
}

/// The problem type of a retry that came while the first try with its key still runs.
const IN_PROGRESS: &str = "idempotency-in-progress";

/// Turns a transport error into a failure.
pub fn transport(e: reqwest::Error) -> Failure {
    if e.is_connect() || e.is_timeout() || e.is_request() || e.is_body() {
        Failure::Offline(e.to_string())
    } else {
        Failure::Transient { reason: e.to_string(), retry_after: None }
    }
}

/// Reads a successful JSON answer, or classifies the failure.
pub async fn json<T: DeserializeOwned>(response: Result<Response, reqwest::Error>) -> Result<T, Failure> {
    let response = check(response).await?;
    let bytes = response.bytes().await.map_err(transport)?;
    serde_json::from_slice(&bytes).map_err(|e| Failure::Transient { reason: format!("unreadable answer: {e}"), retry_after: None })
}

/// Passes a 2xx response through; classifies anything else.
pub async fn check(response: Result<Response, reqwest::Error>) -> Result<Response, Failure> {
    let response = response.map_err(transport)?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response.bytes().await.unwrap_or_default();
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let text = |k: &str| problem.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let kind = text("type").rsplit('/').next().unwrap_or_default().to_owned();
    Err(match status {
        StatusCode::UNAUTHORIZED => Failure::Unauthorized,
        // The first try with the same Idempotency-Key is still running on the server (its
        // answer was lost, this is the retry): not a refusal, its answer comes soon.
        StatusCode::CONFLICT if kind == IN_PROGRESS => Failure::Transient { reason: format!("{status} {kind}"), retry_after },
        StatusCode::TOO_MANY_REQUESTS | StatusCode::REQUEST_TIMEOUT => Failure::Transient { reason: format!("{status}"), retry_after },
        s if s.is_server_error() => Failure::Transient { reason: format!("{status}"), retry_after },
        s => Failure::Refused {
            status: s.as_u16(),
            kind,
            detail: Some(text("detail")).filter(|d| !d.is_empty()).unwrap_or_else(|| s.to_string()),
        },
    })
}

impl From<Failure> for crate::Error {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Offline(why) => crate::Error::Offline(why),
            Failure::Transient { reason, .. } => crate::Error::ServerBusy(reason),
            Failure::Refused { kind, detail, .. } => crate::Error::Refused { kind, detail },
            Failure::Unauthorized => crate::Error::Unauthorized,
        }
    }
}
