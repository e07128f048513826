//! HTTP edge: `Idempotency-Key` on every POST and PATCH of `/api/v1`. A phone or a console whose
//! answer was lost sends the same request again with the same key and gets the first answer,
//! not a second warning, campaign or reply. Without the header, nothing changes.
//!
//! Keys are scoped by the caller's credentials (their SHA-256): two callers never see each
//! other's answers. Requests without credentials are not remembered, so a key can never hand
//! one anonymous client another's answer (registering a device twice is harmless).

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::service::AppState;
use crate::service::accounts::hex;
use crate::service::idempotency::{self, Begin};

/// The request header (RFC draft-ietf-httpapi-idempotency-key-header).
pub const HEADER: &str = "idempotency-key";
/// Said on an answer sent again.
pub const REPLAYED: &str = "idempotent-replayed";

/// The middleware: see the module's documentation.
pub async fn layer(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::POST | Method::PATCH) {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get(HEADER) else { return next.run(req).await };
    let Some(key) = key.to_str().ok().filter(|k| idempotency::valid_key(k)).map(str::to_owned) else {
        return ApiError::bad_request("bad-idempotency-key", "an Idempotency-Key is 1 to 255 visible ASCII characters").into_response();
    };
    let Some(credentials) = req.headers().get(header::AUTHORIZATION) else { return next.run(req).await };
    let scope = hex(&Sha256::digest(credentials.as_bytes()));
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, st.limits.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => return ApiError::TooLarge("the body is larger than this server takes".into()).into_response(),
    };
    let mut hash = Sha256::new();
    hash.update(parts.method.as_str());
    hash.update([0]);
    hash.update(parts.uri.path_and_query().map_or("", |p| p.as_str()));
    hash.update([0]);
    hash.update(&bytes);
    let fingerprint = hex(&hash.finalize());
    match idempotency::begin(&st, scope.clone(), key.clone(), fingerprint).await {
        Err(e) => ApiError::from(e).into_response(),
        Ok(Begin::Reused) => {
            ApiError::unprocessable("idempotency-key-reused", "this Idempotency-Key was sent before with another request").into_response()
        }
        Ok(Begin::Running) => {
            let mut r = ApiError::conflict("idempotency-in-progress", "the first request with this Idempotency-Key is still running")
                .into_response();
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            r
        }
        Ok(Begin::Replay(kept)) => {
            let status = axum::http::StatusCode::from_u16(kept.status).unwrap_or(axum::http::StatusCode::OK);
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
                let _ = idempotency::release(&st, scope, key).await;
                return ApiError::internal("the answer could not be read").into_response();
            };
            let text = |name: header::HeaderName| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let kept = if parts.status.is_server_error() {
                idempotency::release(&st, scope, key).await
            } else {
                idempotency::finish(
                    &st,
                    scope,
                    key,
                    parts.status.as_u16(),
                    text(header::CONTENT_TYPE),
                    text(header::LOCATION),
                    body.to_vec(),
                )
                .await
            };
            if let Err(e) = kept {
                tracing::error!(error = %e, "an idempotent answer was not kept");
            }
            Response::from_parts(parts, Body::from(body))
        }
    }
}
