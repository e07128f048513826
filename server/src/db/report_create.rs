//! Store: a new report's rows, as the submission pipeline writes them in its transaction:
//! the report, its photos in order (each checked stored), its first event with the event's
//! change-log row, and its public number. On PostgreSQL all of it is one statement.

use civic_core::model::{GeoFix, Place, ReportId, Status, TimelineEvent};
use time::OffsetDateTime;

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
/// counter stood), so that reports committing side by side do not queue on one row: a number
/// is never given twice, is not taken for a report sent again (when the writes of one id run
/// in turn, `Db::write_in_turn`) or naming a photo not uploaded, and only a submission
/// failing at its commit leaves one unused.
pub fn create(tx: &Conn, r: &NewReport, event: &TimelineEvent, numbering: &Numbering) -> DbResult<Created> {
    if tx.is_postgres() {
        return create_pg(tx, r, event, numbering);
    }
    // Numbered last, so that the year's counter is locked only from there to the commit;
    // unique until then, and never seen.
    let inserted = tx.execute(
        &format!("{INSERT_REPORT} VALUES (?1, 'pending-' || ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19, ?20, ?21) ON CONFLICT DO NOTHING"),
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

/// `create` on PostgreSQL, in one statement (one round trip): the report is inserted, and
/// its number taken, only when its id is new and every photo is stored; its photos, event
/// and change-log row are selected from the inserted row, so they follow it or are not
/// written at all. Nothing is written when the answer is not `New`.
fn create_pg(tx: &Conn, r: &NewReport, event: &TimelineEvent, numbering: &Numbering) -> DbResult<Created> {
    let sequence = sequence(tx, numbering.counter)?;
    // The event's values (?1 to ?11: the report's id is ?2, its device ?11), then the
    // report's own from ?12 (its values on SQLite less the id and device), then the photos,
    // the sequence and the prefix.
    let mut values = super::reports::event_values(r.id, r.device, event, None);
    values.extend(report_values(r).into_iter().skip(2));
    let photos = serde_json::to_string(r.photos).map_err(|e| super::DbError::Other(e.to_string()))?;
    values.extend([Value::Text(photos), Value::Text(sequence), Value::Text(numbering.prefix.to_owned())]);
    let sql = format!(
        "WITH v AS (SELECT hash, ord - 1 AS position
                    FROM jsonb_array_elements_text(CAST(CAST(?31 AS TEXT) AS JSONB)) WITH ORDINALITY AS a (hash, ord)),
         missing AS (SELECT v.hash FROM v WHERE NOT EXISTS (SELECT 1 FROM photo WHERE photo.hash = v.hash) ORDER BY v.position LIMIT 1),
         existed AS (SELECT 1 FROM report WHERE id = CAST(?2 AS TEXT)),
         s AS (SELECT CAST(nextval(CAST(CAST(?32 AS TEXT) AS regclass)) AS TEXT) AS n
               WHERE NOT EXISTS (SELECT 1 FROM existed) AND NOT EXISTS (SELECT 1 FROM missing)),
         r AS ({INSERT_REPORT}
               SELECT CAST(?2 AS TEXT), CAST(?33 AS TEXT) || lpad(s.n, greatest(6, length(s.n)), '0'), CAST(?11 AS TEXT),
                   CAST(?12 AS TEXT), CAST(?13 AS TEXT), CAST(?14 AS TEXT), CAST(?15 AS DOUBLE PRECISION),
                   CAST(?16 AS DOUBLE PRECISION), CAST(?17 AS DOUBLE PRECISION), CAST(?18 AS TEXT), CAST(?19 AS BIGINT),
                   CAST(?20 AS TEXT), CAST(?21 AS TEXT), CAST(?22 AS TEXT), CAST(?23 AS BIGINT), CAST(?24 AS TEXT),
                   CAST(?25 AS BIGINT), CAST(?26 AS TEXT), CAST(?27 AS BIGINT), CAST(?28 AS BIGINT), CAST(?28 AS BIGINT),
                   CAST(?29 AS BIGINT), CAST(?30 AS TEXT)
               FROM s ON CONFLICT DO NOTHING RETURNING id, public_number),
         p AS (INSERT INTO report_photo (report_id, position, photo_hash) SELECT r.id, v.position, v.hash FROM r, v),
         {}
         SELECT (SELECT public_number FROM r), EXISTS (SELECT 1 FROM existed), (SELECT hash FROM missing)",
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
