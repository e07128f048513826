//! Store: officials' accounts and sessions, and which device or session a token's hash is.

use time::OffsetDateTime;

use super::{Conn, DbResult, OptionalExt, to_ms};
use crate::params;

/// The device whose token has this hash.
pub fn device_by_token(c: &Conn, token_hash: &str) -> DbResult<Option<String>> {
    c.query_row("SELECT id FROM device WHERE token_hash = ?1", [token_hash], |r| r.get::<_, String>(0)).optional()
}

/// An official's account as stored: roles and units are comma-separated.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub roles: String,
    pub units: String,
}

/// The account of a live session with this token hash at `at` (not expired, nor idle past
/// its limit), and when the session was last used.
pub fn session(c: &Conn, token_hash: &str, at: OffsetDateTime) -> DbResult<Option<(Account, Option<i64>)>> {
    c.query_row(
        "SELECT o.id, o.username, o.roles, o.units, s.last_seen_at FROM session s JOIN official o ON o.id = s.official_id
         WHERE s.token_hash = ?1 AND s.expires_at > ?2
           AND (s.idle_secs IS NULL OR COALESCE(s.last_seen_at, 0) + s.idle_secs * 1000 > ?2)",
        params![token_hash, to_ms(at)],
        |r| Ok((Account { id: r.get(0)?, username: r.get(1)?, roles: r.get(2)?, units: r.get(3)? }, r.get::<_, Option<i64>>(4)?)),
    )
    .optional()
}

/// Notes that a session was used at `at`.
pub fn seen(tx: &Conn, token_hash: &str, at: OffsetDateTime) -> DbResult<()> {
    tx.execute("UPDATE session SET last_seen_at = ?2 WHERE token_hash = ?1", params![token_hash, to_ms(at)])?;
    Ok(())
}

/// An account by username, with its password's PHC hash.
pub fn by_username(c: &Conn, username: &str) -> DbResult<Option<(Account, String)>> {
    c.query_row("SELECT id, password_hash, roles, units FROM official WHERE username = ?1", [username], |r| {
        Ok((Account { id: r.get(0)?, username: username.to_owned(), roles: r.get(2)?, units: r.get(3)? }, r.get::<_, String>(1)?))
    })
    .optional()
}

/// Starts a session for an official, first dropping the sessions expired at `now`.
pub fn start_session(tx: &Conn, token_hash: &str, official: i64, now: OffsetDateTime, expires_at: OffsetDateTime) -> DbResult<()> {
    tx.execute("DELETE FROM session WHERE expires_at < ?1", [to_ms(now)])?;
    tx.execute(
        "INSERT INTO session (token_hash, official_id, expires_at) VALUES (?1, ?2, ?3)",
        params![token_hash, official, to_ms(expires_at)],
    )?;
    Ok(())
}

/// Makes a session end once unused for `idle_secs` (the console's), counted from `now`.
pub fn limit_idle(tx: &Conn, token_hash: &str, idle_secs: i64, now: OffsetDateTime) -> DbResult<()> {
    tx.execute("UPDATE session SET idle_secs = ?2, last_seen_at = ?3 WHERE token_hash = ?1", params![token_hash, idle_secs, to_ms(now)])?;
    Ok(())
}

/// Ends a session.
pub fn end_session(tx: &Conn, token_hash: &str) -> DbResult<()> {
    tx.execute("DELETE FROM session WHERE token_hash = ?1", [token_hash])?;
    Ok(())
}

/// Creates an account unless the username is taken: whether it was created.
pub fn insert(tx: &Conn, username: &str, password_hash: &str, roles: &str, units: &str, at: OffsetDateTime) -> DbResult<bool> {
    let n = tx.execute(
        "INSERT INTO official (username, password_hash, roles, units, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (username) DO NOTHING",
        params![username, password_hash, roles, units, to_ms(at)],
    )?;
    Ok(n > 0)
}
