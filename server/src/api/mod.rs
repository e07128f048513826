//! HTTP edge: the `/api/v1` handlers, the CAP feed and Open311, and the extractors that
//! answer bad input with problems. A handler parses the request, calls a service
//! (`crate::service`) and renders what it answers; the rules are the services'.

pub mod admin;
pub mod alerts;
pub mod cache;
pub mod campaigns;
pub mod citizen;
pub mod feed;
pub mod idempotency;
pub mod officials;
pub mod open311;
pub mod openapi;
pub mod ops;
pub mod public;

use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::service::AppState;
use crate::service::accounts::{Caller, caller_for_token};

/// A JSON body; one sent as another media type is a 415 problem, and malformed JSON, anything
/// but an object at the top, wrong types and unknown fields are 400 problems.
pub struct Json<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let media = req.headers().get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let media = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if media != "application/json" && !(media.starts_with("application/") && media.ends_with("+json")) {
            return Err(ApiError::UnsupportedMedia("send the body as `Content-Type: application/json`".into()));
        }
        let RawBody(body) = RawBody::from_request(req, state).await?;
        Ok(Json(json_object(&body)?))
    }
}

/// A body that must be one JSON object. serde reads a struct from an array of its fields in
/// order too (`[null, null]`), which no schema of this API allows.
pub fn json_object<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::bad_request("malformed-json", "the body must be a JSON object"));
    }
    axum::Json::<T>::from_bytes(body).map(|json| json.0).map_err(|e| ApiError::bad_request("malformed-json", e.body_text()))
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// Query parameters; bad ones are 400 problems.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// Path parameters; bad ones are 400 problems.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// A raw body (a photo); one over the size limit is a 413 problem.
pub struct RawBody(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        Ok(RawBody(axum::body::Bytes::from_request(req, state).await?))
    }
}

impl From<BytesRejection> for ApiError {
    fn from(r: BytesRejection) -> Self {
        if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge("the request body is too large".into())
        } else {
            ApiError::bad_request("unreadable-body", r.body_text())
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::bad_request("bad-query", r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::bad_request("bad-path", r.body_text())
    }
}

/// A query parameter checked against the range its schema declares: 400 `bad-query` outside it.
pub fn within<T: PartialOrd + std::fmt::Display + Copy>(name: &str, value: Option<T>, min: T, max: T) -> Result<Option<T>, ApiError> {
    match value {
        Some(v) if !(min..=max).contains(&v) => Err(ApiError::bad_request("bad-query", format!("`{name}` is {min} to {max}"))),
        _ => Ok(value),
    }
}

/// The bearer token of a request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    parts.headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// The caller, by the request's bearer token (a device's or an official's session).
impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or_else(|| ApiError::Unauthorized("sign in: send `Authorization: Bearer <token>`".into()))?.to_owned();
        Ok(caller_for_token(state, &token).await?)
    }
}

/// A 201 for something made now, a 200 for something found made before.
pub fn created(made: crate::service::Made) -> axum::http::StatusCode {
    match made {
        crate::service::Made::New => axum::http::StatusCode::CREATED,
        crate::service::Made::Before => axum::http::StatusCode::OK,
    }
}
