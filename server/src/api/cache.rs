//! HTTP edge: public reads served from memory. What anyone may read (the public reports,
//! figures, catalog, warnings, campaigns, the CAP feed, Open311's reads) is the same for
//! everybody between two writes, so each answer is kept per request (path and query, host,
//! accepted encodings) and per data version (`Db::version`, which any write of any process
//! moves), for at most [`FRESH_FOR`] of the server's clock (answers that depend on the time:
//! a warning expiring, a report becoming overdue).
//!
//! Answers carry a strong `ETag` (a hash of the bytes sent) and `Cache-Control` a CDN or a
//! phone honours; `If-None-Match` with the current one gets 304 and no body. Requests for the
//! same answer arriving while it is made wait for it rather than make it again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::service::AppState;

/// The longest an answer is kept without a write, by the server's clock.
pub const FRESH_FOR: Duration = Duration::seconds(5);
/// What shared caches and clients are told: keep it as long as the server does, then ask
/// again with the ETag (a 304 costs next to nothing), serving the old one meanwhile.
pub const CACHE_CONTROL: &str = "public, max-age=5, stale-while-revalidate=30";
/// The paths kept, one segment per `*`: every one is a read anyone may make (no token).
pub const CACHED: &[&str] = &[
    "/api/v1/catalog",
    "/api/v1/city",
    "/api/v1/public/reports",
    "/api/v1/public/reports/*",
    "/api/v1/public/stats",
    "/api/v1/alerts",
    "/api/v1/alerts/*",
    "/api/v1/campaigns",
    "/api/v1/campaigns/*",
    "/api/v1/campaigns/*/spots",
    "/api/v1/campaigns/*/summary",
    "/cap/alerts.atom",
    "/cap/alerts/*",
    "/open311/v2/*",
    "/open311/v2/services/*",
    "/open311/v2/requests/*",
];
/// Most bytes kept at once; past it, older answers go first.
const BUDGET_BYTES: usize = 32 << 20;
/// The largest single answer kept.
const LARGEST: usize = 4 << 20;
/// Most requests kept at once (answers, and requests whose answer was not one to keep).
const MOST_SLOTS: usize = 4096;

/// The answers kept.
#[derive(Default)]
pub struct ResponseCache {
    slots: Mutex<HashMap<String, Arc<Slot>>>,
    bytes: Arc<AtomicUsize>,
}

/// One request's answer at one data version; made once, by the first request to need it.
struct Slot {
    version: u64,
    made: OffsetDateTime,
    answer: tokio::sync::OnceCell<Kept>,
    bytes: Arc<AtomicUsize>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(kept) = self.answer.get() {
            self.bytes.fetch_sub(kept.body.len(), Ordering::Relaxed);
        }
    }
}

/// An answer as sent (status 200 only).
struct Kept {
    headers: HeaderMap,
    body: Bytes,
    etag: HeaderValue,
}

/// Whether a path is one of [`CACHED`].
pub fn cacheable(path: &str) -> bool {
    CACHED.iter().any(|pattern| {
        let (mut want, mut got) = (pattern.split('/'), path.split('/'));
        loop {
            match (want.next(), got.next()) {
                (None, None) => return true,
                (Some("*"), Some(seg)) if !seg.is_empty() => {}
                (Some(w), Some(g)) if w == g => {}
                _ => return false,
            }
        }
    })
}

impl ResponseCache {
    /// The slot for this request at this version and time: the kept one if still good, else a new one.
    fn slot(&self, key: &str, version: u64, now: OffsetDateTime) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(slot) = slots.get(key) {
            let age = now - slot.made;
            if slot.version == version && age >= Duration::ZERO && age < FRESH_FOR {
                return slot.clone();
            }
        }
        let full = || self.bytes.load(Ordering::Relaxed) > BUDGET_BYTES;
        if full() || slots.len() >= MOST_SLOTS {
            // Stale ones first; if that is not enough, everything (they are remade on demand).
            slots.retain(|_, s| s.version == version && now - s.made < FRESH_FOR && s.answer.initialized());
            if full() || slots.len() >= MOST_SLOTS / 2 {
                slots.clear();
            }
        }
        let slot = Arc::new(Slot { version, made: now, answer: tokio::sync::OnceCell::new(), bytes: self.bytes.clone() });
        slots.insert(key.to_owned(), slot.clone());
        slot
    }
}

/// The middleware: serves a cacheable GET from the cache, making and keeping the answer
/// when there is none for the current version.
pub async fn layer(State((st, cache)): State<(AppState, Arc<ResponseCache>)>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET || !cacheable(req.uri().path()) {
        return next.run(req).await;
    }
    let key = {
        let header_text = |name| req.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok()).unwrap_or("");
        let path = req.uri().path_and_query().map_or("", |p| p.as_str());
        format!("{path}\n{}\n{}", header_text(header::HOST), header_text(header::ACCEPT_ENCODING))
    };
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    // The version is read before anything is: an answer made from older data than the
    // version says is impossible, only one made from newer (remade at the next version).
    let slot = cache.slot(&key, st.db.version(), st.now());
    let made = slot.answer.get_or_try_init(|| keep(next.run(req), &cache.bytes)).await;
    let kept = match made {
        Ok(kept) => kept,
        Err(answer) => return answer,
    };
    if if_none_match.as_ref().is_some_and(|tags| matches(tags, &kept.etag)) {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        let headers = not_modified.headers_mut();
        headers.insert(header::ETAG, kept.etag.clone());
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
        if let Some(vary) = kept.headers.get(header::VARY) {
            headers.insert(header::VARY, vary.clone());
        }
        return not_modified;
    }
    let mut answer = Response::new(Body::from(kept.body.clone()));
    *answer.headers_mut() = kept.headers.clone();
    answer
}

/// Makes the answer and keeps it if it is a 200 that may be kept; any other is handed back
/// as it came (as the error) for this request alone.
async fn keep(answer: impl Future<Output = Response>, bytes: &AtomicUsize) -> Result<Kept, Response> {
    let answer = answer.await;
    let private = answer.headers().contains_key(header::SET_COOKIE)
        || answer.headers().get(header::CACHE_CONTROL).is_some_and(|v| v.as_bytes().starts_with(b"no-store"));
    if answer.status() != StatusCode::OK || private {
        return Err(answer);
    }
    let (mut parts, body) = answer.into_parts();
    let Ok(body) = axum::body::to_bytes(body, LARGEST).await else {
        return Err(crate::error::ApiError::Internal("an answer too large to send".into()).into_response());
    };
    let etag = HeaderValue::from_str(&format!("\"{}\"", &crate::service::accounts::hex(&Sha256::digest(&body))[..32]))
        .map_err(|e| crate::error::ApiError::Internal(e.to_string()).into_response())?;
    parts.headers.insert(header::ETAG, etag.clone());
    parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    parts.headers.remove(header::CONTENT_LENGTH);
    bytes.fetch_add(body.len(), Ordering::Relaxed);
    Ok(Kept { headers: parts.headers, body, etag })
}

/// Whether an `If-None-Match` names this ETag (weak comparison, as RFC 9110 asks for it).
fn matches(header: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(list) = header.to_str() else { return false };
    let ours = etag.to_str().unwrap_or("");
    list.split(',').map(str::trim).any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == ours)
}
