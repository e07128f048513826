//! Store: the answers kept for retried writes (`Idempotency-Key`), by caller and key.

use super::{Conn, DbResult};
use crate::params;

/// What is kept under a key: the request's fingerprint and, once it finished, its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub fingerprint: String,
    /// 0 while the first request still runs.
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Vec<u8>,
    pub created_at: i64,
}

/// Forgets keys older than `cutoff` (ms), then claims `key` for `scope` (a request running
/// now, `status` 0). None when claimed; what is kept when the key was used before.
pub fn claim(tx: &Conn, scope: &str, key: &str, fingerprint: &str, now: i64, cutoff: i64) -> DbResult<Option<Kept>> {
    tx.execute("DELETE FROM idempotency WHERE created_at < ?1", params![cutoff])?;
    let inserted = tx.execute(
        "INSERT INTO idempotency (scope, key, fingerprint, status, created_at) VALUES (?1, ?2, ?3, 0, ?4)
         ON CONFLICT (scope, key) DO NOTHING",
        params![scope, key, fingerprint, now],
    )?;
    if inserted == 1 {
        return Ok(None);
    }
    // In the same write transaction as the insert that found it: it is there (committed by
    // another, which the insert waited for). Locked, so that only one takes over an
    // abandoned key.
    let lock = if tx.is_postgres() { " FOR UPDATE" } else { "" };
    tx.query_row(
        &format!(
            "SELECT fingerprint, status, content_type, location, body, created_at FROM idempotency WHERE scope = ?1 AND key = ?2{lock}"
        ),
        params![scope, key],
        |r| {
            let status: i64 = r.get(1)?;
            Ok(Kept {
                fingerprint: r.get(0)?,
                status: u16::try_from(status).unwrap_or(0),
                content_type: r.get(2)?,
                location: r.get(3)?,
                body: r.get::<_, Option<Vec<u8>>>(4)?.unwrap_or_default(),
                created_at: r.get(5)?,
            })
        },
    )
    .map(Some)
}

/// Takes over a key whose first request was abandoned (the server stopped while it ran).
pub fn retake(tx: &Conn, scope: &str, key: &str, fingerprint: &str, now: i64) -> DbResult<()> {
    tx.execute(
        "UPDATE idempotency SET fingerprint = ?3, status = 0, content_type = NULL, location = NULL, body = NULL, created_at = ?4
         WHERE scope = ?1 AND key = ?2",
        params![scope, key, fingerprint, now],
    )?;
    Ok(())
}

/// Keeps the first request's answer under its key.
pub fn keep(
    tx: &Conn,
    scope: &str,
    key: &str,
    status: u16,
    content_type: Option<&str>,
    location: Option<&str>,
    body: &[u8],
) -> DbResult<()> {
    tx.execute(
        "UPDATE idempotency SET status = ?3, content_type = ?4, location = ?5, body = ?6 WHERE scope = ?1 AND key = ?2",
        params![scope, key, status, content_type, location, body.to_vec()],
    )?;
    Ok(())
}

/// Frees a key whose request failed on the server's side: the client's retry runs again.
pub fn release(tx: &Conn, scope: &str, key: &str) -> DbResult<()> {
    tx.execute("DELETE FROM idempotency WHERE scope = ?1 AND key = ?2", params![scope, key])?;
    Ok(())
}
