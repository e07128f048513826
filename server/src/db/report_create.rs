//! Store: a new report's rows, as the submission pipeline writes them: the report, its
//! photos in order (each checked stored), the warnings it answers, its first event with the
//! event's change-log row, and its public number. On PostgreSQL all of it is one statement,
//! which can run as its own transaction (`Db::write_statement`).

use civic_core::model::{GeoFix, Place, ReportId, Status, TimelineEvent};
use time::OffsetDateTime;

use super::pg_pool::WRITE_LOCK;
use super::{Conn, DbResult, Params, Value, to_ms};
use crate::params;

/// A new report's row, as the submission pipeline made it.
pub struct NewReport<'a> {
    pub id: ReportId,
    pub device: &'a str,
    pub body_hash: &'a str,
    pub category: &'a str,
    pub unit: &'a str,
    pub location: &'a GeoFix,
    pub ward: &'a Place,
    pub near_edge: bool,
    pub description: &'a str,
    pub anonymous: bool,
    /// The answers, as JSON.
    pub answers: &'a str,
    pub captured_at: OffsetDateTime,
    pub received_at: OffsetDateTime,
    pub due_at: OffsetDateTime,
    pub photos: &'a [String],
    /// The warnings it answers: those that exist are tagged.
    pub alerts: &'a [String],
}

/// How a report is numbered: `prefix` and the next value of `counter`, at least 6 digits.
pub struct Numbering<'a> {
    pub counter: &'a str,
    pub prefix: &'a str,
}

/// What `create` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Created {
    /// The report, its photos and its first event are written; its public number.
    New(String),
    /// Nothing: a report with its id exists (on PostgreSQL, once a concurrent transaction
    /// writing it has committed).
    Exists,
    /// Nothing is to be kept: this photo was never uploaded (on SQLite the rows are written,
    /// and the caller's refusal undoes the transaction).
    PhotoMissing(String),
}

/// Writes a new report received now, with its first event (`event`, received) and its
/// number. On SQLite (one writer) the counter's row numbers it, so the numbers have no gap.
/// On PostgreSQL a sequence of the counter's own (made when first needed, from where the
/// counter stood; see `pg_v13.sql`), so that reports committing side by side do not queue on
/// one row: a number is never given twice, is not taken for a report sent again (even to two
/// processes at once) or naming a photo not uploaded, and only a submission failing at its
/// commit leaves one unused.
pub fn create(tx: &Conn, r: &NewReport, event: &TimelineEvent, numbering: &Numbering) -> DbResult<Created> {
    if tx.is_postgres() {
        return create_pg(tx, r, event, numbering);
    }
    // Numbered last, so that the year's counter is locked only from there to the commit;
    // unique until then, and never seen.
    let inserted = tx.execute(
        &format!(
            "{INSERT_REPORT} VALUES (?1, 'pending-' || ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19, ?20, ?21)
             ON CONFLICT DO NOTHING"
        ),
        report_values(r),
    )?;
    if inserted == 0 {
        return Ok(Created::Exists);
    }
    for (i, p) in r.photos.iter().enumerate() {
        let linked = tx.execute(
            "INSERT INTO report_photo (report_id, position, photo_hash) SELECT ?1, ?2, hash FROM photo WHERE hash = ?3",
            params![r.id.to_string(), i as i64, p],
        )?;
        if linked == 0 {
            return Ok(Created::PhotoMissing(p.clone()));
        }
    }
    super::alerts::tag_report(tx, &r.id.to_string(), r.alerts)?;
    super::reports::add_event_to(tx, r.id, r.device, event, None)?;
    let n = super::counters::next(tx, numbering.counter)?;
    let number = format!("{}{n:06}", numbering.prefix);
    tx.execute("UPDATE report SET public_number = ?2 WHERE id = ?1", params![r.id.to_string(), number])?;
    Ok(Created::New(number))
}

const INSERT_REPORT: &str = "INSERT INTO report (id, public_number, device_id, body_hash, category, unit, lat, lon, accuracy_m,
    fix_source, fixed_at, ward_code, ward_vi, ward_en, near_edge, description, anonymous, answers, captured_at, received_at,
    updated_at, due_at, status)";

/// The report's values as `create` numbers them on SQLite: its id ?1, then ?2 to ?21.
fn report_values(r: &NewReport) -> Vec<Value> {
    params![
        r.id.to_string(),
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
    ]
    .values()
}

/// `create` on PostgreSQL, in one statement (one round trip, its own transaction when run
/// alone): `civic_report_number` takes the write lock and the report id's lock, then the
/// number, only when every photo is stored and the id is new; the report is inserted only
/// with a number, and its photos, warnings, event and change-log row are selected from the
/// inserted row, so they follow it or are not written at all. Nothing is written when the
/// answer is not `New`.
fn create_pg(tx: &Conn, r: &NewReport, event: &TimelineEvent, numbering: &Numbering) -> DbResult<Created> {
    let sequence = format!("number_{}", numbering.counter.replace(|c: char| !c.is_ascii_alphanumeric(), "_").to_ascii_lowercase());
    let json = |list: &[String]| serde_json::to_string(list).map_err(|e| super::DbError::Other(e.to_string()));
    // The event's values (?1 to ?11: the report's id is ?2, its device ?11), then the
    // report's own from ?12 (its values on SQLite less the id and device), then the photos,
    // the warnings and the numbering.
    let mut values = super::reports::event_values(r.id, r.device, event, None);
    values.extend(report_values(r).into_iter().skip(2));
    values.extend([
        Value::Text(json(r.photos)?),
        Value::Text(json(r.alerts)?),
        Value::Text(numbering.counter.to_owned()),
        Value::Text(sequence),
        Value::Text(numbering.prefix.to_owned()),
    ]);
    let sql = format!(
        "WITH v AS (SELECT hash, ord - 1 AS position
                    FROM jsonb_array_elements_text(CAST(CAST(?31 AS TEXT) AS JSONB)) WITH ORDINALITY AS a (hash, ord)),
         missing AS (SELECT v.hash FROM v WHERE NOT EXISTS (SELECT 1 FROM photo WHERE photo.hash = v.hash) ORDER BY v.position LIMIT 1),
         s AS (SELECT civic_report_number({WRITE_LOCK}, CAST(?2 AS TEXT), CAST(?33 AS TEXT), CAST(?34 AS TEXT), CAST(?35 AS TEXT)) AS number
               WHERE NOT EXISTS (SELECT 1 FROM missing)),
         r AS ({INSERT_REPORT}
               SELECT CAST(?2 AS TEXT), s.number, CAST(?11 AS TEXT),
                   CAST(?12 AS TEXT), CAST(?13 AS TEXT), CAST(?14 AS TEXT), CAST(?15 AS DOUBLE PRECISION),
                   CAST(?16 AS DOUBLE PRECISION), CAST(?17 AS DOUBLE PRECISION), CAST(?18 AS TEXT), CAST(?19 AS BIGINT),
                   CAST(?20 AS TEXT), CAST(?21 AS TEXT), CAST(?22 AS TEXT), CAST(?23 AS BIGINT), CAST(?24 AS TEXT),
                   CAST(?25 AS BIGINT), CAST(?26 AS TEXT), CAST(?27 AS BIGINT), CAST(?28 AS BIGINT), CAST(?28 AS BIGINT),
                   CAST(?29 AS BIGINT), CAST(?30 AS TEXT)
               FROM s WHERE s.number IS NOT NULL ON CONFLICT DO NOTHING RETURNING id, public_number),
         p AS (INSERT INTO report_photo (report_id, position, photo_hash) SELECT r.id, v.position, v.hash FROM r, v),
         w AS (INSERT INTO report_alert (report_id, alert_id)
               SELECT r.id, alert.id FROM r, alert
               WHERE alert.id IN (SELECT jsonb_array_elements_text(CAST(CAST(?32 AS TEXT) AS JSONB))) ON CONFLICT DO NOTHING),
         {}
         SELECT (SELECT public_number FROM r), EXISTS (SELECT 1 FROM report WHERE id = CAST(?2 AS TEXT)), (SELECT hash FROM missing)",
        super::reports::event_and_log_pg("FROM r")
    );
    let (number, existed, missing): (Option<String>, bool, Option<String>) =
        tx.query_row(&sql, values, |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(match (number, existed, missing) {
        (Some(number), _, _) => Created::New(number),
        (None, false, Some(photo)) => Created::PhotoMissing(photo),
        // There before this statement, or written by a concurrent one since.
        (None, _, _) => Created::Exists,
    })
}
