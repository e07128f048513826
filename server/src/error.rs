//! HTTP edge: API errors as RFC 9457 `application/problem+json`, each with a stable `type`.
//! A 5xx is logged with its cause and answered with a generic message only. The services'
//! errors (`service::ServiceError`) get their HTTP status here, once.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::service::ServiceError;

/// Base of every problem `type` URI.
pub const PROBLEM_BASE: &str = "https://civic.invalid/problems/";

/// An error an API handler returns.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be understood (malformed JSON, bad parameter).
    #[error("{detail}")]
    BadRequest { kind: &'static str, detail: String },
    /// 401: no token, or a forged or expired one.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: a valid caller who may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: nothing there (or nothing this caller may know exists).
    #[error("{0}")]
    NotFound(String),
    /// 409: the change breaks a rule of the report's lifecycle, or the id is taken.
    #[error("{detail}")]
    Conflict { kind: &'static str, detail: String },
    /// 413: the body is larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// 415: not a content type this endpoint takes.
    #[error("{0}")]
    UnsupportedMedia(String),
    /// 422: well-formed but refused by a rule (outside the service area, missing answer…).
    #[error("{detail}")]
    Unprocessable { kind: &'static str, detail: String },
    /// 429: too many requests; try again after this many seconds.
    #[error("too many requests")]
    RateLimited { retry_after_s: u64 },
    /// 503: the server is too busy for this now; try again after this many seconds.
    #[error("{detail}")]
    Busy { detail: String, retry_after_s: u64 },
    /// 500: our fault. The cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: String,
}

impl ApiError {
    pub fn bad_request(kind: &'static str, detail: impl Into<String>) -> Self {
        ApiError::BadRequest { kind, detail: detail.into() }
    }
    pub fn conflict(kind: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Conflict { kind, detail: detail.into() }
    }
    pub fn unprocessable(kind: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Unprocessable { kind, detail: detail.into() }
    }
    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::BadRequest { kind, .. } => (StatusCode::BAD_REQUEST, kind, "Bad request"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", "Unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            ApiError::Conflict { kind, .. } => (StatusCode::CONFLICT, kind, "Conflict"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too-large", "Payload too large"),
            ApiError::UnsupportedMedia(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type"),
            ApiError::Unprocessable { kind, .. } => (StatusCode::UNPROCESSABLE_ENTITY, kind, "Unprocessable"),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate-limited", "Too many requests"),
            ApiError::Busy { .. } => (StatusCode::SERVICE_UNAVAILABLE, "busy", "Service unavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal server error"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, title) = self.parts();
        let detail = match &self {
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                "Something went wrong on the server; nothing you sent was lost. Please try again.".to_owned()
            }
            other => other.to_string(),
        };
        let body = Problem { kind: format!("{PROBLEM_BASE}{kind}"), title, status: status.as_u16(), detail };
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let ApiError::RateLimited { retry_after_s } | ApiError::Busy { retry_after_s, .. } = self {
            if let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string()) {
                headers.insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Malformed { kind, detail } => ApiError::BadRequest { kind, detail },
            ServiceError::Unauthenticated(detail) => ApiError::Unauthorized(detail),
            ServiceError::Forbidden(detail) => ApiError::Forbidden(detail),
            ServiceError::NotFound(detail) => ApiError::NotFound(detail),
            ServiceError::Conflict { kind, detail } => ApiError::Conflict { kind, detail },
            ServiceError::Refused { kind, detail } => ApiError::Unprocessable { kind, detail },
            ServiceError::TooLarge(detail) => ApiError::TooLarge(detail),
            ServiceError::UnsupportedMedia(detail) => ApiError::UnsupportedMedia(detail),
            ServiceError::Busy { detail, retry_after_s } => ApiError::Busy { detail, retry_after_s },
            ServiceError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

/// The result of an API handler.
pub type ApiResult<T> = Result<T, ApiError>;
