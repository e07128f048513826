//! Store: what changes a report after its submission (`report_create`): status changes,
//! replies, ratings, "me too" and reopening. Each runs in the caller's transaction.

use civic_core::model::{ReportId, Status};
use time::OffsetDateTime;

use super::{Conn, DbResult, OptionalExt, to_ms};
use crate::params;

/// The device and body hash a report id was first submitted with, if it was.
pub fn submitted(tx: &Conn, id: ReportId) -> DbResult<Option<(String, String)>> {
    tx.query_row("SELECT device_id, body_hash FROM report WHERE id = ?1", [id.to_string()], |r| Ok((r.get(0)?, r.get(1)?))).optional()
}

/// Locks a report's row until the transaction ends, so that what it reads of the report
/// stays true until it commits (two officers moving one report, a rating and a reopening at
/// once). PostgreSQL only: SQLite's single writer already runs writes in turn.
pub fn lock(tx: &Conn, id: ReportId) -> DbResult<()> {
    if tx.is_postgres() {
        tx.query_all("SELECT id FROM report WHERE id = ?1 FOR UPDATE", [id.to_string()], |_| Ok(()))?;
    }
    Ok(())
}

/// Moves a report to `status` (and `unit`) at `at`; `outcome_at` is set for an outcome and
/// cleared otherwise.
pub fn set_status(
    tx: &Conn,
    id: ReportId,
    status: Status,
    unit: &str,
    at: OffsetDateTime,
    outcome_at: Option<OffsetDateTime>,
    duplicate_of: Option<ReportId>,
) -> DbResult<()> {
    tx.execute(
        "UPDATE report SET status = ?2, unit = ?3, updated_at = ?4, outcome_at = ?5, duplicate_of = ?6 WHERE id = ?1",
        params![id.to_string(), status.as_str(), unit, to_ms(at), outcome_at.map(to_ms), duplicate_of.map(|d| d.to_string())],
    )?;
    Ok(())
}

/// Notes that a report changed at `at` (a reply on its timeline).
pub fn touch(tx: &Conn, id: ReportId, at: OffsetDateTime) -> DbResult<()> {
    tx.execute("UPDATE report SET updated_at = ?2 WHERE id = ?1", params![id.to_string(), to_ms(at)])?;
    Ok(())
}

/// Reopens a report at `at`: no outcome any more, and flagged for the operations centre.
pub fn reopen(tx: &Conn, id: ReportId, at: OffsetDateTime) -> DbResult<()> {
    tx.execute(
        "UPDATE report SET status = ?2, updated_at = ?3, outcome_at = NULL, flagged = 1 WHERE id = ?1",
        params![id.to_string(), Status::Reopened.as_str(), to_ms(at)],
    )?;
    Ok(())
}

/// Flags a report for the operations centre (a low rating).
pub fn flag(tx: &Conn, id: ReportId) -> DbResult<()> {
    tx.execute("UPDATE report SET flagged = 1 WHERE id = ?1", [id.to_string()])?;
    Ok(())
}

/// When the report was last rated, if it was.
pub fn rated_at(tx: &Conn, id: ReportId) -> DbResult<Option<i64>> {
    tx.query_row("SELECT at FROM rating WHERE report_id = ?1", [id.to_string()], |r| r.get(0)).optional()
}

/// Stores a rating, replacing an earlier one (of an earlier outcome).
pub fn rate(tx: &Conn, id: ReportId, stars: u8, comment: Option<&str>, at: OffsetDateTime) -> DbResult<()> {
    tx.execute(
        "INSERT INTO rating (report_id, stars, comment, at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (report_id) DO UPDATE SET stars = ?2, comment = ?3, at = ?4",
        params![id.to_string(), stars, comment, to_ms(at)],
    )?;
    Ok(())
}

/// Counts a device's "me too", once.
pub fn support(tx: &Conn, id: ReportId, device: &str, at: OffsetDateTime) -> DbResult<()> {
    tx.execute(
        "INSERT INTO supporter (report_id, device_id, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![id.to_string(), device, to_ms(at)],
    )?;
    Ok(())
}
