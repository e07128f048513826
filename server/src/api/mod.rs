//! The HTTP surface: `/api/v1` routes, extractors that answer bad input with problems.

pub mod alerts;
pub mod campaigns;
pub mod citizen;
pub mod feed;
pub mod officials;
pub mod open311;
pub mod openapi;
pub mod ops;
pub mod public;

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};

use crate::error::ApiError;

/// A JSON body; malformed JSON, wrong types and unknown fields are 400 problems.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

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

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::UnsupportedMedia("send the body as `Content-Type: application/json`".into())
            }
            other if other.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::TooLarge("the request body is too large".into())
            }
            other => ApiError::bad_request("malformed-json", other.body_text()),
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

/// Checks a free-text field: trimmed, not empty when required, at most `max` characters.
pub fn text_field(name: &str, value: &str, max: usize, required: bool) -> Result<String, ApiError> {
    let v = civic_core::model::plain_text(value).trim().to_owned();
    if required && v.is_empty() {
        return Err(ApiError::unprocessable("missing-field", format!("`{name}` is required")));
    }
    let chars = v.chars().count();
    if chars > max {
        return Err(ApiError::unprocessable("too-long", format!("`{name}` has {chars} characters; at most {max}")));
    }
    Ok(v)
}
