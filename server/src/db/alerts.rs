//! Store: warnings as CAP 1.2 chains: `alert` holds where each chain stands, `alert_message`
//! every message as received (as JSON), and `report_alert` the reports filed under one.

use time::OffsetDateTime;

use super::{Conn, DbResult, OptionalExt, to_ms};
use crate::params;

/// A message received before under this identifier: (sender, JSON, its chain).
pub fn message_by_identifier(c: &Conn, identifier: &str) -> DbResult<Option<(String, String, String)>> {
    c.query_row("SELECT sender, json, alert_id FROM alert_message WHERE identifier = ?1", [identifier], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })
    .optional()
}

/// The chain of the message `identifier` from `sender`, if it was received.
pub fn chain_of(c: &Conn, identifier: &str, sender: &str) -> DbResult<Option<String>> {
    c.query_row("SELECT alert_id FROM alert_message WHERE identifier = ?1 AND sender = ?2", params![identifier, sender], |row| row.get(0))
        .optional()
}

/// A chain's state (`active` or `cancelled`) and version.
pub fn state(c: &Conn, chain: &str) -> DbResult<(String, i64)> {
    c.query_row("SELECT state, version FROM alert WHERE id = ?1", [chain], |r| Ok((r.get(0)?, r.get(1)?)))
}

/// A chain's stored columns, as its row says.
pub struct AlertRow {
    pub version: i64,
    pub state: String,
    pub expires_at: Option<i64>,
    pub updated_at: i64,
    /// The message in force, as JSON.
    pub message: String,
    pub cancel_note: Option<String>,
}

/// A chain's row.
pub fn row(c: &Conn, id: &str) -> DbResult<Option<AlertRow>> {
    c.query_row("SELECT version, state, expires_at, updated_at, message, cancel_note FROM alert WHERE id = ?1", [id], |r| {
        Ok(AlertRow {
            version: r.get(0)?,
            state: r.get(1)?,
            expires_at: r.get(2)?,
            updated_at: r.get(3)?,
            message: r.get(4)?,
            cancel_note: r.get(5)?,
        })
    })
    .optional()
}

/// What a new message says of its chain: its CAP status and severity, when it expires.
pub struct Summary<'a> {
    pub status: &'a str,
    pub severity: &'a str,
    pub expires: Option<OffsetDateTime>,
    /// The whole message, as JSON.
    pub json: &'a str,
}

/// Starts a chain with its first message, active.
pub fn insert(tx: &Conn, id: &str, m: &Summary, at: OffsetDateTime) -> DbResult<()> {
    tx.execute(
        "INSERT INTO alert (id, version, state, status, severity, expires_at, updated_at, message)
         VALUES (?1, 1, 'active', ?2, ?3, ?4, ?5, ?6)",
        params![id, m.status, m.severity, m.expires.map(to_ms), to_ms(at), m.json],
    )?;
    Ok(())
}

/// An Update: the chain's message in force is now this one, at `version`.
pub fn update(tx: &Conn, id: &str, version: i64, m: &Summary, at: OffsetDateTime) -> DbResult<()> {
    tx.execute(
        "UPDATE alert SET version = ?2, status = ?3, severity = ?4, expires_at = ?5, updated_at = ?6, message = ?7
         WHERE id = ?1",
        params![id, version, m.status, m.severity, m.expires.map(to_ms), to_ms(at), m.json],
    )?;
    Ok(())
}

/// A Cancel: the chain is withdrawn at `version`, with why.
pub fn cancel(tx: &Conn, id: &str, version: i64, note: Option<&str>, at: OffsetDateTime) -> DbResult<()> {
    tx.execute(
        "UPDATE alert SET version = ?2, state = 'cancelled', updated_at = ?3, cancel_note = ?4 WHERE id = ?1",
        params![id, version, to_ms(at), note],
    )?;
    Ok(())
}

/// One received message of a chain, kept as it came.
pub struct Message<'a> {
    pub identifier: &'a str,
    pub sender: &'a str,
    pub msg_type: &'a str,
    pub sent: OffsetDateTime,
    pub json: &'a str,
}

/// Keeps a message as the chain's `position`th.
pub fn insert_message(tx: &Conn, chain: &str, position: i64, m: &Message, received: OffsetDateTime) -> DbResult<()> {
    tx.execute(
        "INSERT INTO alert_message (identifier, sender, alert_id, position, msg_type, sent, json, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![m.identifier, m.sender, chain, position, m.msg_type, to_ms(m.sent), m.json, to_ms(received)],
    )?;
    Ok(())
}

/// Tells every device through sync that a chain changed.
pub fn announce(tx: &Conn, chain: &str) -> DbResult<()> {
    tx.execute("INSERT INTO change_log (device_id, report_id, event_id, kind) VALUES (NULL, NULL, ?1, 'alert')", [chain])?;
    Ok(())
}

/// Every message of a chain (JSON), oldest first.
pub fn history(c: &Conn, id: &str) -> DbResult<Vec<String>> {
    c.query_all("SELECT json FROM alert_message WHERE alert_id = ?1 ORDER BY position", [id], |r| r.get(0))
}

/// Chains newest first: the active ones at `at`, or with `include_ended` every one (at most `limit`).
pub fn ids(c: &Conn, include_ended: bool, at: OffsetDateTime, limit: u32) -> DbResult<Vec<String>> {
    c.query_all(
        "SELECT id FROM alert
         WHERE ?1 OR (state = 'active' AND (expires_at IS NULL OR expires_at > ?2))
         ORDER BY updated_at DESC, id LIMIT ?3",
        params![include_ended, to_ms(at), limit],
        |r| r.get(0),
    )
}

/// One message (JSON) by its CAP identifier.
pub fn message(c: &Conn, identifier: &str) -> DbResult<Option<String>> {
    c.query_row("SELECT json FROM alert_message WHERE identifier = ?1", [identifier], |r| r.get(0)).optional()
}

/// The latest message (JSON) of each chain active at `now`, or cancelled after `cancelled_since`,
/// newest first (at most `limit`).
pub fn latest(c: &Conn, now: OffsetDateTime, cancelled_since: OffsetDateTime, limit: u32) -> DbResult<Vec<String>> {
    c.query_all(
        "SELECT m.json FROM alert a
         JOIN alert_message m ON m.alert_id = a.id AND m.position = a.version
         WHERE (a.state = 'active' AND (a.expires_at IS NULL OR a.expires_at > ?1))
            OR (a.state = 'cancelled' AND a.updated_at > ?2)
         ORDER BY a.updated_at DESC, a.id LIMIT ?3",
        params![to_ms(now), to_ms(cancelled_since), limit],
        |r| r.get(0),
    )
}

/// Tags a report with the warnings of these ids; ids this server does not know are ignored.
pub fn tag_report(tx: &Conn, report_id: &str, alert_ids: &[String]) -> DbResult<()> {
    for id in alert_ids {
        tx.execute(
            "INSERT INTO report_alert (report_id, alert_id) SELECT CAST(?1 AS TEXT), id FROM alert WHERE id = ?2 ON CONFLICT DO NOTHING",
            params![report_id, id],
        )?;
    }
    Ok(())
}
