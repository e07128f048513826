//! An official's actions waiting for the network.

use rusqlite::{Connection, Transaction, params};

use super::{from_ms, parse_name, to_ms};
use crate::error::{Error, Result};
use crate::model::PendingAction;

/// Keeps an action to send later; returns its place in the queue.
pub fn queue_official_action(tx: &Transaction<'_>, official: &str, pending: &PendingAction, photo: Option<(&[u8], &str)>) -> Result<i64> {
    let action = serde_json::to_string(&pending.action).map_err(|e| Error::Corrupt(format!("official action: {e}")))?;
    tx.execute(
        "INSERT INTO official_action (official, report_id, action, photo, photo_hash, queued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            official,
            pending.report.to_string(),
            action,
            photo.map(|(bytes, _)| bytes),
            photo.map(|(_, hash)| hash),
            to_ms(pending.queued_at)
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The official's waiting actions, oldest first.
pub fn official_actions(conn: &Connection, official: &str) -> Result<Vec<PendingAction>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, report_id, action, photo_hash IS NOT NULL, queued_at FROM official_action WHERE official = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([official], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?, r.get::<_, i64>(4)?))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (seq, report, action, has_photo, queued_at) = row?;
        found.push(PendingAction {
            seq,
            report: parse_name(&report)?,
            action: serde_json::from_str(&action).map_err(|e| Error::Corrupt(format!("official action {seq}: {e}")))?,
            has_photo,
            queued_at: from_ms(queued_at)?,
        });
    }
    Ok(found)
}

/// The stored after-photo of a waiting action: its bytes and hash.
pub fn official_action_photo(conn: &Connection, seq: i64) -> Result<Option<(Vec<u8>, String)>> {
    let mut stmt = conn.prepare_cached("SELECT photo, photo_hash FROM official_action WHERE seq = ?1 AND photo IS NOT NULL")?;
    let mut rows = stmt.query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.next().transpose()?)
}

/// Forgets an action: sent, refused for good, or withdrawn by the official.
pub fn forget_official_action(tx: &Transaction<'_>, official: &str, seq: i64) -> Result<bool> {
    Ok(tx.execute("DELETE FROM official_action WHERE seq = ?1 AND official = ?2", params![seq, official])? > 0)
}
