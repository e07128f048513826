//! HTTP edge: `Idempotency-Key` on every POST and PATCH of `/api/v1`. A phone whose answer was
//! lost sends the same request again with the same key and gets the first answer, not a
//! second warning, campaign or reply. Without the header, nothing changes (see
//! `crate::idempotent`, shared with the console's forms).
//!
//! Requests without credentials are not remembered, so a key can never hand one anonymous
//! client another's answer (registering a device twice is harmless).

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::idempotent::{self, Content, Refusal};
use crate::service::AppState;
use crate::service::idempotency::valid_key;

/// The request header (RFC draft-ietf-httpapi-idempotency-key-header).
pub const HEADER: &str = "idempotency-key";

/// The middleware: see the module's documentation.
pub async fn layer(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::POST | Method::PATCH) {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get(HEADER) else { return next.run(req).await };
    let Some(key) = key.to_str().ok().filter(|k| valid_key(k)).map(str::to_owned) else {
        return ApiError::bad_request("bad-idempotency-key", "an Idempotency-Key is 1 to 255 visible ASCII characters").into_response();
    };
    let Some(scope) = req.headers().get(header::AUTHORIZATION).map(|c| idempotent::scope(c.as_bytes())) else {
        return next.run(req).await;
    };
    let request = match idempotent::read(&st, req).await {
        Ok(read) => read,
        Err(r) => return r,
    };
    idempotent::remember(&st, (scope, key), request, Content::Body, next, |refusal| match refusal {
        Refusal::Reused => {
            ApiError::unprocessable("idempotency-key-reused", "this Idempotency-Key was sent before with another request").into_response()
        }
        Refusal::Running => {
            ApiError::conflict("idempotency-in-progress", "the first request with this Idempotency-Key is still running").into_response()
        }
    })
    .await
}
