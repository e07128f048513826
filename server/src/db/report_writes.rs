//! Store: what changes a report: the submission's rows, status changes, replies, ratings,
//! "me too" and reopening. Each runs in the caller's transaction.

use civic_core::model::{GeoFix, ReportId, Status, TimelineEvent};
use time::OffsetDateTime;

use super::{Conn, DbResult, OptionalExt, Value, to_ms};
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

/// What `insert` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Inserted {
    /// The report and its photos are written.
    New,
    /// Nothing: a report with its id (or number) exists (on PostgreSQL, once a concurrent
    /// transaction writing it has committed).
    Exists,
    /// This photo was never uploaded: the report is written but must not be kept (the
    /// caller's refusal undoes the transaction).
    PhotoMissing(String),
}

/// Writes a new report, received now, and its photos in order (each checked stored by the
/// same statement).
pub fn insert(tx: &Conn, r: &NewReport) -> DbResult<Inserted> {
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
        return Ok(Inserted::Exists);
    }
    for (i, p) in r.photos.iter().enumerate() {
        let linked = tx.execute(
            "INSERT INTO report_photo (report_id, position, photo_hash)
             SELECT CAST(?1 AS TEXT), CAST(?2 AS BIGINT), hash FROM photo WHERE hash = ?3",
            params![r.id.to_string(), i as i64, p],
        )?;
        if linked == 0 {
            return Ok(Inserted::PhotoMissing(p.clone()));
        }
    }
    Ok(Inserted::New)
}

/// A new report's first event (`event`, received) and its public number: `prefix` and the
/// next value of `counter`, at least 6 digits. On SQLite (one writer) the counter's row, so
/// the numbers have no gap. On PostgreSQL a sequence of the counter's own (made when first
/// needed, from where the counter stood), so that reports committing side by side do not
/// queue on one row: a number is never given twice, and only a submission failing at its
/// very commit leaves one unused; there the event, its change-log row and the number are one
/// statement.
pub fn received(tx: &Conn, id: ReportId, device_id: &str, event: &TimelineEvent, counter: &str, prefix: &str) -> DbResult<String> {
    if !tx.is_postgres() {
        super::reports::add_event_to(tx, id, device_id, event, None)?;
        let n = super::counters::next(tx, counter)?;
        let number = format!("{prefix}{n:06}");
        tx.execute("UPDATE report SET public_number = ?2 WHERE id = ?1", params![id.to_string(), number])?;
        return Ok(number);
    }
    let sequence = sequence(tx, counter)?;
    let mut values = super::reports::event_values(id, device_id, event, None);
    values.extend([Value::Text(sequence), Value::Text(prefix.to_owned())]);
    let sql = format!(
        "{}, s AS (SELECT CAST(nextval(CAST(CAST(?12 AS TEXT) AS regclass)) AS TEXT) AS n)
         UPDATE report SET public_number = CAST(?13 AS TEXT) || lpad(s.n, greatest(6, length(s.n)), '0')
         FROM s WHERE report.id = CAST(?2 AS TEXT) RETURNING report.public_number",
        super::reports::event_and_log_pg()
    );
    tx.query_row(&sql, values, |r| r.get(0))
}

/// The PostgreSQL sequence numbering `counter`, made (once, from where the counter stood)
/// if it is not there.
fn sequence(tx: &Conn, counter: &str) -> DbResult<String> {
    let sequence = format!("number_{}", counter.replace(|c: char| !c.is_ascii_alphanumeric(), "_").to_ascii_lowercase());
    let exists = tx.seen(&sequence) || tx.query_row("SELECT to_regclass(?1) IS NOT NULL", [&sequence], |r| r.get(0))?;
    if exists {
        tx.note_seen(&sequence);
    } else {
        // Once a year: processes making it at once take turns, the later ones find it made.
        tx.query_row("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(?1))) AS locked", [&sequence], |r| r.get::<_, i32>(0))?;
        let start: i64 = tx.query_row("SELECT COALESCE(MAX(value), 0) + 1 FROM counter WHERE name = ?1", [counter], |r| r.get(0))?;
        tx.execute(&format!("CREATE SEQUENCE IF NOT EXISTS {sequence} START WITH {start}"), params![])?;
    }
    Ok(sequence)
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
