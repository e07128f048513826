//! HTTP edge, shared by `/api/v1` (`api::idempotency`, the `Idempotency-Key` header) and the
//! console (`web::console::idempotency`, a key in each form): a request sent again with its
//! key after a lost answer gets the first answer instead of being done twice.
//!
//! The key is scoped by the caller's credentials (their SHA-256), so two callers never see
//! each other's answers, and fingerprinted with the request (method, path and query, body).
//! An answer is kept 24 hours (`service::idempotency`); a 5xx frees the key for a retry.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::service::AppState;
use crate::service::accounts::hex;
use crate::service::idempotency::{self, Begin};

/// Said on an answer sent again.
pub const REPLAYED: &str = "idempotent-replayed";

/// Why a keyed request is not run.
pub enum Refusal {
    /// The key came before with another request.
    Reused,
    /// The first request with the key is still running.
    Running,
}

/// The scope of a caller's keys: the SHA-256 of their credentials.
pub fn scope(credentials: &[u8]) -> String {
    hex(&Sha256::digest(credentials))
}

/// What makes a keyed request the same request again.
pub enum Content {
    /// The body's bytes.
    Body,
    /// The body as its fields say it (a multipart form's boundary differs at each sending).
    Fields(Vec<u8>),
}

/// Runs the request once per `(scope, key)`: the first time through `next`, keeping its
/// answer; again with the same request, that answer (marked `Idempotent-Replayed: true`);
/// otherwise `refuse` says why not.
pub async fn remember(
    st: &AppState,
    (scope, key): (String, String),
    (parts, bytes): (Parts, Bytes),
    content: Content,
    next: Next,
    refuse: impl FnOnce(Refusal) -> Response,
) -> Response {
    let mut hash = Sha256::new();
    hash.update(parts.method.as_str());
    hash.update([0]);
    hash.update(parts.uri.path_and_query().map_or("", |p| p.as_str()));
    hash.update([0]);
    match &content {
        Content::Body => hash.update(&bytes),
        Content::Fields(fields) => hash.update(fields),
    }
    let fingerprint = hex(&hash.finalize());
    match idempotency::begin(st, scope.clone(), key.clone(), fingerprint).await {
        Err(e) => ApiError::from(e).into_response(),
        Ok(Begin::Reused) => refuse(Refusal::Reused),
        Ok(Begin::Running) => {
            let mut r = refuse(Refusal::Running);
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            r
        }
        Ok(Begin::Replay(kept)) => {
            let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK);
            let mut r = Response::builder().status(status);
            if let Some(ct) = &kept.content_type {
                r = r.header(header::CONTENT_TYPE, ct);
            }
            if let Some(location) = &kept.location {
                r = r.header(header::LOCATION, location);
            }
            r.header(REPLAYED, "true").body(Body::from(kept.body)).unwrap_or_else(|e| ApiError::internal(e).into_response())
        }
        Ok(Begin::Run) => {
            let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            let (parts, body) = response.into_parts();
            let Ok(body) = to_bytes(body, usize::MAX).await else {
                let _ = idempotency::release(st, scope, key).await;
                return ApiError::internal("the answer could not be read").into_response();
            };
            let text = |name: header::HeaderName| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let kept = if parts.status.is_server_error() {
                idempotency::release(st, scope, key).await
            } else {
                let (content_type, location) = (text(header::CONTENT_TYPE), text(header::LOCATION));
                idempotency::finish(st, scope, key, parts.status.as_u16(), content_type, location, body.to_vec()).await
            };
            if let Err(e) = kept {
                tracing::error!(error = %e, "an idempotent answer was not kept");
            }
            Response::from_parts(parts, Body::from(body))
        }
    }
}

/// The request's body, read whole within the server's limit, and its head.
pub async fn read(st: &AppState, req: Request) -> Result<(Parts, Bytes), Response> {
    let (parts, body) = req.into_parts();
    match to_bytes(body, st.limits.max_body_bytes).await {
        Ok(bytes) => Ok((parts, bytes)),
        Err(_) => Err(ApiError::TooLarge("the body is larger than this server takes".into()).into_response()),
    }
}
