//! HTTP edge: the public CAP 1.2 feed: an Atom index of the warnings in force and each CAP message as
//! an XML document, for aggregators, broadcasters and other alerting systems.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use civic_core::cap;

use super::Path;
use crate::error::{ApiError, ApiResult};
use crate::service::{AppState, alerts};

/// The media type of a CAP document, as CAP feeds use it.
pub const CAP_MEDIA_TYPE: &str = "application/cap+xml; charset=utf-8";

/// `GET /cap/alerts.atom`: the warnings in force (and those cancelled in the last day,
/// so readers see the Cancel), newest first, each linking to its CAP document.
pub async fn atom(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let now = st.now();
    let messages = alerts::feed(&st, 500).await?;
    let base = base_url(&st, &headers);
    let self_url = format!("{base}/cap/alerts.atom");
    let updated = messages.iter().map(|m| m.sent).max().unwrap_or(now);
    let mut out = String::with_capacity(1024 + messages.len() * 512);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    element(&mut out, 1, "id", &self_url);
    let title = format!("Cảnh báo — {} / Warnings — {}", st.city.name.vi, st.city.name.en);
    element(&mut out, 1, "title", &title);
    element(&mut out, 1, "updated", &rfc3339(updated)?);
    out.push_str("  <author>\n");
    element(&mut out, 2, "name", &st.warnings.sender_name.vi);
    out.push_str("  </author>\n");
    out.push_str(&format!("  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n", cap::xml::escape(&self_url)));
    for m in &messages {
        let url = format!("{base}/cap/alerts/{}", urlencode(&m.identifier));
        let info = m.info_for("vi");
        let title = match (m.msg_type, info.and_then(|i| i.headline.as_deref().or(Some(i.event.as_str())))) {
            (cap::MsgType::Cancel, _) => format!("Đã hủy / Cancelled: {}", m.note.as_deref().unwrap_or(&m.identifier)),
            (_, Some(h)) => h.to_owned(),
            (_, None) => m.identifier.clone(),
        };
        out.push_str("  <entry>\n");
        element(&mut out, 2, "id", &url);
        element(&mut out, 2, "title", &title);
        element(&mut out, 2, "updated", &rfc3339(m.sent)?);
        if let Some(summary) = info.and_then(|i| i.description.as_deref()) {
            element(&mut out, 2, "summary", summary);
        }
        out.push_str(&format!("    <link rel=\"alternate\" type=\"application/cap+xml\" href=\"{}\"/>\n", cap::xml::escape(&url)));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], out).into_response())
}

/// `GET /cap/alerts/{identifier}`: one CAP message, as an OASIS CAP 1.2 document.
pub async fn message(State(st): State<AppState>, Path(identifier): Path<String>) -> ApiResult<Response> {
    let msg = alerts::message(&st, identifier.clone()).await?;
    let msg = msg.ok_or_else(|| ApiError::NotFound(format!("there is no CAP message {identifier}")))?;
    Ok(([(header::CONTENT_TYPE, CAP_MEDIA_TYPE)], cap::xml::to_xml(&msg)).into_response())
}

fn element(out: &mut String, depth: usize, name: &str, text: &str) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(&format!("<{name}>{}</{name}>\n", cap::xml::escape(text)));
}

fn rfc3339(t: time::OffsetDateTime) -> ApiResult<String> {
    t.format(&time::format_description::well_known::Rfc3339).map_err(ApiError::internal)
}

/// The address readers reach this server at: `--public-url`, else the request's Host.
pub(crate) fn base_url(st: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &st.limits.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("http://{host}")
}

/// Percent-encodes what a CAP identifier may hold but a path segment may not.
fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
