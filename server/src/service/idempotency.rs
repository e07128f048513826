//! Service: retried writes answered once (the IETF httpapi `Idempotency-Key` draft). The same
//! key from the same caller with the same request gets the first answer again; with another
//! request, a refusal; while the first still runs, "try again in a moment".

use time::Duration;

use super::{AppState, ServiceResult};
use crate::db::{self, to_ms};

/// How long an answer is kept for a retry.
pub const KEEP_FOR: Duration = Duration::hours(24);
/// A first request still "running" after this long was abandoned (the server stopped).
const ABANDONED_AFTER: Duration = Duration::minutes(2);
/// The longest key taken (a UUID is 36 characters).
pub const MAX_KEY_CHARS: usize = 255;

/// What to do with a request that carries a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// The first time: run it, then `finish` (or `release` on a server failure).
    Run,
    /// Seen and answered: send this answer again.
    Replay(db::idempotency::Kept),
    /// The first request with this key still runs.
    Running,
    /// The key was used for another request.
    Reused,
}

/// Whether a key is one this server takes: 1 to 255 visible ASCII characters.
pub fn valid_key(key: &str) -> bool {
    (1..=MAX_KEY_CHARS).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// Claims `key` for `scope` and this request's `fingerprint`, or says what was there.
pub async fn begin(st: &AppState, scope: String, key: String, fingerprint: String) -> ServiceResult<Begin> {
    let now = to_ms(st.now());
    let (cutoff, abandoned) = (to_ms(st.now() - KEEP_FOR), to_ms(st.now() - ABANDONED_AFTER));
    // Beside other writes: the key's row carries it (inserted once; locked while read).
    st.db
        .write_concurrent(move |tx| {
            let Some(kept) = db::idempotency::claim(tx, &scope, &key, &fingerprint, now, cutoff)? else { return Ok(Begin::Run) };
            Ok(if kept.fingerprint != fingerprint {
                Begin::Reused
            } else if kept.status != 0 {
                Begin::Replay(kept)
            } else if kept.created_at < abandoned {
                db::idempotency::retake(tx, &scope, &key, &fingerprint, now)?;
                Begin::Run
            } else {
                Begin::Running
            })
        })
        .await
}

/// Keeps the first request's answer.
pub async fn finish(
    st: &AppState,
    scope: String,
    key: String,
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    body: Vec<u8>,
) -> ServiceResult<()> {
    st.db
        .write_concurrent(move |tx| db::idempotency::keep(tx, &scope, &key, status, content_type.as_deref(), location.as_deref(), &body))
        .await?;
    Ok(())
}

/// Frees the key: the first request failed on the server's side, and a retry should run.
pub async fn release(st: &AppState, scope: String, key: String) -> ServiceResult<()> {
    st.db.write_concurrent(move |tx| db::idempotency::release(tx, &scope, &key)).await?;
    Ok(())
}
