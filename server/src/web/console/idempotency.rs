//! Web edge: every console form carries a key of its own (`idempotency_key`, made when the
//! page is drawn, beside the CSRF token). A form sent twice — a double click, a reload after
//! an answer lost on a bad connection — is done once: the second gets the first's answer
//! (`crate::idempotent`, as `/api/v1`'s `Idempotency-Key`). Keys are scoped by the session.

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::{SESSION_COOKIE, cookie, lang_of};
use crate::idempotent::{self, Content, Refusal};
use crate::service::AppState;
use crate::service::idempotency::valid_key;

/// The form field that carries the key.
pub const FIELD: &str = "idempotency_key";

/// The middleware, on the console's POST routes.
pub async fn layer(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(scope) = cookie(req.headers(), SESSION_COOKIE).map(|session| idempotent::scope(session.as_bytes())) else {
        return next.run(req).await;
    };
    let lang = lang_of(req.headers());
    let (parts, bytes) = match idempotent::read(&st, req).await {
        Ok(read) => read,
        Err(r) => return r,
    };
    let Some((key, content)) = form_key(&parts.headers, &bytes).await.filter(|(k, _)| valid_key(k)) else {
        return next.run(Request::from_parts(parts, bytes.into())).await;
    };
    idempotent::remember(&st, (scope, key), (parts, bytes), content, next, |refusal| {
        let (status, vi, en) = match refusal {
            Refusal::Reused => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Biểu mẫu này đã được gửi với nội dung khác. Tải lại trang để gửi lại.",
                "This form was already sent with other content. Reload the page to send it again.",
            ),
            Refusal::Running => {
                (StatusCode::CONFLICT, "Biểu mẫu này đang được xử lý; chờ một lát.", "This form is still being handled; wait a moment.")
            }
        };
        let page = html! { (maud::DOCTYPE) html lang=(lang.code()) { body { p { (lang.t(vi, en)) } } } };
        (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page.into_string()).into_response()
    })
    .await
}

/// The key field of a urlencoded or multipart form, and what makes it the same form again:
/// a urlencoded body itself, a multipart one's fields as one string of `name NUL value NUL`.
async fn form_key(headers: &HeaderMap, body: &Bytes) -> Option<(String, Content)> {
    let media = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if media.starts_with("application/x-www-form-urlencoded") {
        let key = form_urlencoded::parse(body).find(|(k, _)| k == FIELD).map(|(_, v)| v.into_owned())?;
        return Some((key, Content::Body));
    }
    let boundary = multer::parse_boundary(media).ok()?;
    let stream = futures_util::stream::once(std::future::ready(Ok::<Bytes, std::io::Error>(body.clone())));
    let mut parts = multer::Multipart::new(stream, boundary);
    let (mut key, mut fields) = (None, Vec::new());
    while let Ok(Some(field)) = parts.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let value = field.bytes().await.ok()?;
        if name == FIELD {
            key = Some(String::from_utf8_lossy(&value).into_owned());
        }
        fields.extend([name.as_bytes(), b"\0", &value, b"\0"].concat());
    }
    Some((key?, Content::Fields(fields)))
}
