//! Warnings as the server keeps them: CAP 1.2 alert chains.
//!
//! A chain starts with an Alert message; Updates replace what residents see and a Cancel
//! withdraws it. Every message is kept as received, so the chain's history and each CAP
//! document can be served again; `alert` holds where the chain stands. Each change is
//! written to `change_log` for every device, so warnings reach phones through sync.

use crate::db::{Conn, OptionalExt};
use crate::params;
use civic_core::cap::{self, AlertStatus, MsgType};
use civic_core::protocol::{AlertDetail, AlertState, AlertView};
use time::OffsetDateTime;

use crate::db::{from_ms, to_ms};
use crate::error::{ApiError, ApiResult};

/// What applying a message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// A new warning.
    Created,
    /// An Update or Cancel of a warning already here.
    Changed,
    /// The very same message was applied before (feeds repeat themselves): nothing changed.
    Repeated,
}

/// Applies one CAP message, already checked by `Alert::check`, in the caller's transaction:
/// a new chain, an update or a cancel. Either all of it is stored or, on an error, nothing.
pub fn apply(tx: &Conn, msg: &cap::Alert, now: OffsetDateTime) -> ApiResult<(Applied, AlertView)> {
    match msg.msg_type {
        MsgType::Ack | MsgType::Error => {
            return Err(ApiError::unprocessable(
                "not-a-warning",
                format!("a {:?} message acknowledges another; only Alert, Update and Cancel are published", msg.msg_type),
            ));
        }
        MsgType::Alert | MsgType::Update | MsgType::Cancel => {}
    }
    if matches!(msg.status, AlertStatus::Test | AlertStatus::Draft | AlertStatus::System) {
        return Err(ApiError::unprocessable(
            "not-published",
            format!("{:?} messages are not published to residents; send Actual or Exercise", msg.status),
        ));
    }
    let json = serde_json::to_string(msg).map_err(ApiError::internal)?;
    let existing: Option<(String, String, String)> = tx
        .query_row("SELECT sender, json, alert_id FROM alert_message WHERE identifier = ?1", [&msg.identifier], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    if let Some((sender, stored, chain)) = existing {
        if sender == msg.sender && stored == json {
            return Ok((Applied::Repeated, view(tx, &chain, now)?));
        }
        return Err(ApiError::conflict(
            "identifier-taken",
            format!("a different message with identifier {:?} was received before", msg.identifier),
        ));
    }
    let received = now;
    let expires = msg.expires().map(to_ms);
    let (applied, chain) = match msg.msg_type {
        MsgType::Update | MsgType::Cancel => {
            let chain = chain_of(tx, msg)?;
            let (state, version): (String, i64) =
                tx.query_row("SELECT state, version FROM alert WHERE id = ?1", [&chain], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if state == "cancelled" {
                return Err(ApiError::conflict("alert-cancelled", format!("warning {chain} was cancelled; publish a new one")));
            }
            if msg.msg_type == MsgType::Update {
                tx.execute(
                    "UPDATE alert SET version = ?2, status = ?3, severity = ?4, expires_at = ?5, updated_at = ?6, message = ?7
                     WHERE id = ?1",
                    params![chain, version + 1, status_name(msg.status), severity_name(msg), expires, to_ms(received), json],
                )?;
            } else {
                let note = msg.note.clone().or_else(|| msg.info.first().and_then(|i| i.headline.clone()));
                tx.execute(
                    "UPDATE alert SET version = ?2, state = 'cancelled', updated_at = ?3, cancel_note = ?4 WHERE id = ?1",
                    params![chain, version + 1, to_ms(received), note],
                )?;
            }
            insert_message(tx, msg, &chain, version + 1, &json, received)?;
            (Applied::Changed, chain)
        }
        _ => {
            tx.execute(
                "INSERT INTO alert (id, version, state, status, severity, expires_at, updated_at, message)
                 VALUES (?1, 1, 'active', ?2, ?3, ?4, ?5, ?6)",
                params![msg.identifier, status_name(msg.status), severity_name(msg), expires, to_ms(received), json],
            )?;
            insert_message(tx, msg, &msg.identifier, 1, &json, received)?;
            (Applied::Created, msg.identifier.clone())
        }
    };
    tx.execute("INSERT INTO change_log (device_id, report_id, event_id, kind) VALUES (NULL, NULL, ?1, 'alert')", [&chain])?;
    Ok((applied, view(tx, &chain, now)?))
}

/// The chain an Update or Cancel belongs to: that of the messages it references.
fn chain_of(c: &Conn, msg: &cap::Alert) -> ApiResult<String> {
    let mut chains = Vec::new();
    for r in &msg.references {
        let found: Option<String> = c
            .query_row("SELECT alert_id FROM alert_message WHERE identifier = ?1 AND sender = ?2", params![r.identifier, r.sender], |row| {
                row.get(0)
            })
            .optional()?;
        if let Some(chain) = found {
            if !chains.contains(&chain) {
                chains.push(chain);
            }
        }
    }
    match chains.as_slice() {
        [chain] => Ok(chain.clone()),
        [] => Err(ApiError::unprocessable(
            "unknown-reference",
            format!(
                "this {:?} refers to {}, which this server has not received",
                msg.msg_type,
                msg.references.iter().map(|r| format!("{} from {}", r.identifier, r.sender)).collect::<Vec<_>>().join(", ")
            ),
        )),
        _ => Err(ApiError::unprocessable(
            "ambiguous-reference",
            format!("this {:?} refers to messages of {} different warnings", msg.msg_type, chains.len()),
        )),
    }
}

fn insert_message(tx: &Conn, msg: &cap::Alert, chain: &str, position: i64, json: &str, received: OffsetDateTime) -> ApiResult<()> {
    tx.execute(
        "INSERT INTO alert_message (identifier, sender, alert_id, position, msg_type, sent, json, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![msg.identifier, msg.sender, chain, position, format!("{:?}", msg.msg_type), to_ms(msg.sent), json, to_ms(received)],
    )?;
    Ok(())
}

fn status_name(s: AlertStatus) -> String {
    format!("{s:?}")
}

fn severity_name(msg: &cap::Alert) -> String {
    format!("{:?}", msg.severity())
}

fn parse_message(json: &str) -> ApiResult<cap::Alert> {
    serde_json::from_str(json).map_err(|_| ApiError::internal("stored alert message is damaged"))
}

/// Where a chain stands now, as devices and the public see it.
pub fn view(c: &Conn, id: &str, now: OffsetDateTime) -> ApiResult<AlertView> {
    struct Row {
        version: i64,
        state: String,
        expires_at: Option<i64>,
        updated_at: i64,
        message: String,
        cancel_note: Option<String>,
    }
    let row = c
        .query_row("SELECT version, state, expires_at, updated_at, message, cancel_note FROM alert WHERE id = ?1", [id], |r| {
            Ok(Row {
                version: r.get(0)?,
                state: r.get(1)?,
                expires_at: r.get(2)?,
                updated_at: r.get(3)?,
                message: r.get(4)?,
                cancel_note: r.get(5)?,
            })
        })
        .optional()?;
    let Some(Row { version, state, expires_at, updated_at, message, cancel_note }) = row else {
        return Err(ApiError::NotFound(format!("there is no warning {id}")));
    };
    let state = match state.as_str() {
        "cancelled" => AlertState::Cancelled,
        _ if expires_at.is_some_and(|e| e <= to_ms(now)) => AlertState::Expired,
        _ => AlertState::Active,
    };
    Ok(AlertView {
        id: id.to_owned(),
        version: u32::try_from(version).unwrap_or(u32::MAX),
        state,
        updated_at: from_ms(updated_at)?,
        message: parse_message(&message)?,
        cancel_note,
    })
}

/// A chain with every message of it, oldest first.
pub fn detail(c: &Conn, id: &str, now: OffsetDateTime) -> ApiResult<AlertDetail> {
    let alert = view(c, id, now)?;
    Ok(AlertDetail { alert, history: history(c, id)? })
}

/// Every message of a chain, oldest first.
fn history(c: &Conn, id: &str) -> ApiResult<Vec<cap::Alert>> {
    let mut stmt = c.prepare_cached("SELECT json FROM alert_message WHERE alert_id = ?1 ORDER BY position")?;
    stmt.query_map([id], |r| r.get::<_, String>(0))?.collect::<crate::db::DbResult<Vec<_>>>()?.iter().map(|j| parse_message(j)).collect()
}

/// Warnings newest first: the active ones, or with `include_ended` also the cancelled and
/// expired ones (at most `limit`).
pub fn list(c: &Conn, include_ended: bool, limit: u32, now: OffsetDateTime) -> ApiResult<Vec<AlertView>> {
    let at = to_ms(now);
    let mut stmt = c.prepare_cached(
        "SELECT id FROM alert
         WHERE ?1 OR (state = 'active' AND (expires_at IS NULL OR expires_at > ?2))
         ORDER BY updated_at DESC, id LIMIT ?3",
    )?;
    let ids = stmt.query_map(params![include_ended, at, limit], |r| r.get::<_, String>(0))?.collect::<crate::db::DbResult<Vec<_>>>()?;
    ids.iter().map(|id| view(c, id, now)).collect()
}

/// One message by its CAP identifier (any message of any chain).
pub fn message(c: &Conn, identifier: &str) -> ApiResult<Option<cap::Alert>> {
    let json: Option<String> =
        c.query_row("SELECT json FROM alert_message WHERE identifier = ?1", [identifier], |r| r.get(0)).optional()?;
    json.as_deref().map(parse_message).transpose()
}

/// The messages to list in the public CAP feed: the latest of each chain that is active,
/// or cancelled within the last day (so feed readers see the Cancel), newest first.
pub fn feed(c: &Conn, limit: u32, now: OffsetDateTime) -> ApiResult<Vec<cap::Alert>> {
    let now = to_ms(now);
    let day_ago = now - 24 * 3_600_000;
    let mut stmt = c.prepare_cached(
        "SELECT m.json FROM alert a
         JOIN alert_message m ON m.alert_id = a.id AND m.position = a.version
         WHERE (a.state = 'active' AND (a.expires_at IS NULL OR a.expires_at > ?1))
            OR (a.state = 'cancelled' AND a.updated_at > ?2)
         ORDER BY a.updated_at DESC, a.id LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![now, day_ago, limit], |r| r.get::<_, String>(0))?.collect::<crate::db::DbResult<Vec<_>>>()?;
    rows.iter().map(|j| parse_message(j)).collect()
}

/// Every message of a chain, oldest first, as references for the next Update or Cancel.
pub fn references(c: &Conn, id: &str) -> ApiResult<Vec<cap::Reference>> {
    let history = history(c, id)?;
    if history.is_empty() {
        return Err(ApiError::NotFound(format!("there is no warning {id}")));
    }
    Ok(history.iter().map(cap::Alert::as_reference).collect())
}

/// Tags a report with the warnings the phone saw active where it was filed; ids this
/// server does not know are ignored (the phone may have had an upstream alert's own id).
pub fn tag_report(tx: &Conn, report_id: &str, alert_ids: &[String]) -> ApiResult<()> {
    for id in alert_ids {
        tx.execute(
            "INSERT INTO report_alert (report_id, alert_id) SELECT CAST(?1 AS TEXT), id FROM alert WHERE id = ?2 ON CONFLICT DO NOTHING",
            params![report_id, id],
        )?;
    }
    Ok(())
}
