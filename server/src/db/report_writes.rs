//! Store: what changes a report: the submission's rows, status changes, replies, ratings,
//! "me too" and reopening. Each runs in the caller's transaction.

use civic_core::model::{GeoFix, ReportId, Status};
use time::OffsetDateTime;

use super::{Conn, DbResult, OptionalExt, to_ms};
use crate::params;

/// The device and body hash a report id was first submitted with, if it was.
pub fn submitted(tx: &Conn, id: ReportId) -> DbResult<Option<(String, String)>> {
    tx.query_row("SELECT device_id, body_hash FROM report WHERE id = ?1", [id.to_string()], |r| Ok((r.get(0)?, r.get(1)?))).optional()
}

/// A new report's row, as the submission pipeline made it.
pub struct NewReport<'a> {
    pub id: ReportId,
    pub public_number: &'a str,
    pub device: &'a str,
    pub body_hash: &'a str,
    pub category: &'a str,
    pub unit: &'a str,
    pub location: &'a GeoFix,
    pub ward: &'a civic_core::model::Place,
    pub near_edge: bool,
    pub description: &'a str,
    pub anonymous: bool,
    /// The answers, as JSON.
    pub answers: &'a str,
    pub captured_at: OffsetDateTime,
    pub received_at: OffsetDateTime,
    pub due_at: OffsetDateTime,
    pub photos: &'a [String],
}

/// Writes a new report, received now, and its photos in order; false (and nothing written)
/// when a report with its id (or number) exists: on PostgreSQL, once a concurrent
/// transaction writing it has committed.
pub fn insert(tx: &Conn, r: &NewReport) -> DbResult<bool> {
    let inserted = tx.execute(
        "INSERT INTO report (id, public_number, device_id, body_hash, category, unit, lat, lon, accuracy_m, fix_source,
            fixed_at, ward_code, ward_vi, ward_en, near_edge, description, anonymous, answers,
            captured_at, received_at, updated_at, due_at, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?20, ?21, ?22)
         ON CONFLICT DO NOTHING",
        params![
            r.id.to_string(),
            r.public_number,
            r.device,
            r.body_hash,
            r.category,
            r.unit,
            r.location.lat,
            r.location.lon,
            r.location.accuracy_m,
            r.location.source.as_str(),
            to_ms(r.location.fixed_at),
            r.ward.code,
            r.ward.name.vi,
            r.ward.name.en,
            r.near_edge,
            r.description,
            r.anonymous,
            r.answers,
            to_ms(r.captured_at),
            to_ms(r.received_at),
            to_ms(r.due_at),
            Status::Received.as_str()
        ],
    )?;
    if inserted == 0 {
        return Ok(false);
    }
    for (i, p) in r.photos.iter().enumerate() {
        tx.execute(
            "INSERT INTO report_photo (report_id, position, photo_hash) VALUES (?1, ?2, ?3)",
            params![r.id.to_string(), i as i64, p],
        )?;
    }
    Ok(true)
}

/// Gives a report written in this transaction its public number: `prefix` and the next
/// value of `counter`, at least 6 digits. Its counter's row stays locked until the
/// transaction ends (numbers without a gap): on PostgreSQL one statement, so no round trip
/// to this process happens while it is locked but the commit's.
pub fn number(tx: &Conn, id: ReportId, counter: &str, prefix: &str) -> DbResult<String> {
    if tx.is_postgres() {
        return tx.query_row(
            "WITH n AS (INSERT INTO counter (name, value) VALUES (?1, 1)
                        ON CONFLICT (name) DO UPDATE SET value = counter.value + 1 RETURNING CAST(value AS TEXT) AS v)
             UPDATE report SET public_number = CAST(?2 AS TEXT) || lpad(n.v, greatest(6, length(n.v)), '0') FROM n
             WHERE report.id = ?3 RETURNING report.public_number",
            params![counter, prefix, id.to_string()],
            |r| r.get(0),
        );
    }
    let n = super::counters::next(tx, counter)?;
    let number = format!("{prefix}{n:06}");
    tx.execute("UPDATE report SET public_number = ?2 WHERE id = ?1", params![id.to_string(), number])?;
    Ok(number)
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
