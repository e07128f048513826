//! The citizen's ratings, reopenings and "me too"s waiting for the network, those the city
//! refused, and the reports this phone said "me too" to.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::{from_ms, parse_name, to_ms};
use crate::error::{Error, Result};
use crate::feedback::{FeedbackAction, PendingFeedback, RefusedFeedback};
use crate::model::ReportId;

/// Keeps an action to send later (a "me too" also marks its report as said); returns its
/// place in the queue.
pub fn queue_feedback(tx: &Transaction<'_>, pending: &PendingFeedback) -> Result<i64> {
    let action = serde_json::to_string(&pending.action).map_err(|e| Error::Corrupt(format!("feedback action: {e}")))?;
    tx.execute(
        "INSERT INTO feedback_action (report_id, kind, action, idempotency_key, queued_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![pending.report.to_string(), pending.action.kind(), action, pending.key.to_string(), to_ms(pending.queued_at)],
    )?;
    let seq = tx.last_insert_rowid();
    if pending.action == FeedbackAction::MeToo {
        tx.execute(
            "INSERT OR IGNORE INTO me_too (report_id, said_at) VALUES (?1, ?2)",
            params![pending.report.to_string(), to_ms(pending.queued_at)],
        )?;
    }
    Ok(seq)
}

/// The actions still to send (of one report, or of all), oldest first.
pub fn waiting_feedback(conn: &Connection, report: Option<ReportId>) -> Result<Vec<PendingFeedback>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, report_id, action, idempotency_key, queued_at FROM feedback_action
         WHERE refused_reason IS NULL AND (?1 IS NULL OR report_id = ?1) ORDER BY seq",
    )?;
    let rows = stmt.query_map([report.map(|r| r.to_string())], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, i64>(4)?))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (seq, report, action, key, queued_at) = row?;
        found.push(PendingFeedback {
            seq,
            report: parse_name(&report)?,
            action: serde_json::from_str(&action).map_err(|e| Error::Corrupt(format!("feedback action {seq}: {e}")))?,
            key: key.parse().map_err(|_| Error::Corrupt(format!("feedback action {seq}: key {key:?}")))?,
            queued_at: from_ms(queued_at)?,
        });
    }
    Ok(found)
}

/// A try that may pass (no connection, the server busy): counted; the action stays.
pub fn feedback_tried(tx: &Transaction<'_>, seq: i64, error: &str) -> Result<()> {
    tx.execute("UPDATE feedback_action SET attempts = attempts + 1, last_error = ?2 WHERE seq = ?1", params![seq, error])?;
    Ok(())
}

/// The server has it: the action leaves the queue.
pub fn feedback_delivered(tx: &Transaction<'_>, seq: i64) -> Result<()> {
    tx.execute("DELETE FROM feedback_action WHERE seq = ?1", [seq])?;
    Ok(())
}

/// The server refused it for good: no longer sent, kept (untold) with why. A refused "me
/// too" is no longer counted as said. Returns the refusal as the citizen is told it.
pub fn refuse_feedback(
    tx: &Transaction<'_>,
    seq: i64,
    kind: &str,
    reason: &str,
    at: time::OffsetDateTime,
) -> Result<Option<RefusedFeedback>> {
    tx.execute(
        "UPDATE feedback_action SET attempts = attempts + 1, last_error = ?3, refused_kind = ?2, refused_reason = ?3,
                refused_at = ?4 WHERE seq = ?1",
        params![seq, kind, reason, to_ms(at)],
    )?;
    tx.execute("DELETE FROM me_too WHERE report_id = (SELECT report_id FROM feedback_action WHERE seq = ?1 AND kind = 'me_too')", [seq])?;
    let sql = format!("{REFUSED} WHERE f.seq = ?1");
    tx.query_row(&sql, [seq], |r| Ok(refused_from_row(r))).optional()?.transpose()
}

const REFUSED: &str = "SELECT f.report_id, (SELECT r.public_number FROM report r WHERE r.id = f.report_id), f.action,
        f.refused_kind, f.refused_reason, f.refused_at FROM feedback_action f";

fn refused_from_row(r: &Row<'_>) -> Result<RefusedFeedback> {
    let report: String = r.get(0)?;
    let action: String = r.get(2)?;
    Ok(RefusedFeedback {
        report: parse_name(&report)?,
        public_number: r.get(1)?,
        action: serde_json::from_str(&action).map_err(|e| Error::Corrupt(format!("feedback action: {e}")))?,
        kind: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        reason: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
        at: from_ms(r.get::<_, Option<i64>>(5)?.unwrap_or_default())?,
    })
}

/// What the city refused about one report, oldest first.
pub fn refused_feedback(conn: &Connection, report: ReportId) -> Result<Vec<RefusedFeedback>> {
    let sql = format!("{REFUSED} WHERE f.report_id = ?1 AND f.refused_reason IS NOT NULL ORDER BY f.seq");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([report.to_string()], |r| Ok(refused_from_row(r)))?;
    rows.map(|row| row?).collect()
}

/// The refusals the citizen has not been told of, oldest first; marks them told.
pub fn take_feedback_refusals(tx: &Transaction<'_>) -> Result<Vec<RefusedFeedback>> {
    let sql = format!("{REFUSED} WHERE f.refused_reason IS NOT NULL AND f.told = 0 ORDER BY f.seq");
    let found = {
        let mut stmt = tx.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| Ok(refused_from_row(r)))?;
        rows.map(|row| row?).collect::<Result<Vec<_>>>()?
    };
    tx.execute("UPDATE feedback_action SET told = 1 WHERE refused_reason IS NOT NULL", [])?;
    Ok(found)
}

/// This phone said "me too" to the report (waiting or delivered).
pub fn said_me_too(conn: &Connection, report: ReportId) -> Result<bool> {
    Ok(conn.query_row("SELECT 1 FROM me_too WHERE report_id = ?1", [report.to_string()], |_| Ok(())).optional()?.is_some())
}
