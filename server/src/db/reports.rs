//! Store: reports as the database keeps them: the row, the full and the public views built
//! from it and its timeline, and writing timeline events.

use civic_core::model::{GeoFix, Localized, Place, ReportId, Status, TimelineEvent};
use civic_core::protocol::{Profile, PublicEvent, PublicReport, RatingView, ReportView};

use super::{Conn, DbError, DbResult, OptionalExt, Params, Row, Value, from_ms, to_ms};
use crate::params;

/// The columns `Stored::from_row` reads, in order.
pub const COLUMNS: &str = "id, public_number, device_id, category, unit, lat, lon, accuracy_m, fix_source, fixed_at, \
    ward_code, ward_vi, ward_en, description, anonymous, answers, captured_at, received_at, updated_at, \
    due_at, outcome_at, status, flagged, duplicate_of";

/// One report row.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: ReportId,
    pub public_number: String,
    pub device_id: String,
    pub category: String,
    pub unit: String,
    pub location: GeoFix,
    /// The ward or commune (none only for a report too far outside today's units to place).
    pub ward: Option<Place>,
    pub description: String,
    pub anonymous: bool,
    pub answers: String,
    pub captured_at: i64,
    pub received_at: i64,
    pub updated_at: i64,
    pub due_at: i64,
    pub outcome_at: Option<i64>,
    pub status: Status,
    pub flagged: bool,
}

/// A stored value that does not read back as what was written.
pub(super) fn corrupt(what: &str) -> DbError {
    DbError::Other(format!("stored {what} is damaged"))
}

impl Stored {
    pub fn from_row(r: &Row) -> DbResult<Self> {
        let id: String = r.get(0)?;
        let source: String = r.get(8)?;
        let status: String = r.get(21)?;
        let ward_code: Option<String> = r.get(10)?;
        let ward = ward_code
            .map(|code| -> DbResult<Place> {
                Ok(Place {
                    code,
                    name: Localized {
                        vi: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
                        en: r.get::<_, Option<String>>(12)?.unwrap_or_default(),
                    },
                })
            })
            .transpose()?;
        Ok(Stored {
            id: id.parse().map_err(|_| corrupt("report id"))?,
            public_number: r.get(1)?,
            device_id: r.get(2)?,
            category: r.get(3)?,
            unit: r.get(4)?,
            location: GeoFix {
                lat: r.get(5)?,
                lon: r.get(6)?,
                accuracy_m: r.get(7)?,
                source: source.parse().map_err(|_| corrupt("fix source"))?,
                fixed_at: from_ms(r.get(9)?)?,
            },
            ward,
            description: r.get(13)?,
            anonymous: r.get(14)?,
            answers: r.get(15)?,
            captured_at: r.get(16)?,
            received_at: r.get(17)?,
            updated_at: r.get(18)?,
            due_at: r.get(19)?,
            outcome_at: r.get(20)?,
            status: status.parse().map_err(|_| corrupt("status"))?,
            flagged: r.get(22)?,
        })
    }
}

/// A report by its id.
pub fn find(conn: &Conn, id: ReportId) -> DbResult<Option<Stored>> {
    let sql = format!("SELECT {COLUMNS} FROM report WHERE id = ?1");
    conn.query_row(&sql, [id.to_string()], Stored::from_row).optional()
}

/// A report that must exist (it was just found or written in this transaction).
pub fn get(conn: &Conn, id: ReportId) -> DbResult<Stored> {
    find(conn, id)?.ok_or_else(|| DbError::Other(format!("report {id} vanished")))
}

/// A report by its public number.
pub fn find_by_number(conn: &Conn, number: &str) -> DbResult<Option<Stored>> {
    let sql = format!("SELECT {COLUMNS} FROM report WHERE public_number = ?1");
    conn.query_row(&sql, [number], Stored::from_row).optional()
}

/// The public number of a report, by its id.
pub fn number_of(conn: &Conn, id: &str) -> DbResult<Option<String>> {
    conn.query_row("SELECT public_number FROM report WHERE id = ?1", [id], |x| x.get(0)).optional()
}

/// The client hashes of a report's photos, in order.
pub fn photos(conn: &Conn, id: ReportId) -> DbResult<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT photo_hash FROM report_photo WHERE report_id = ?1 ORDER BY position")?;
    let rows = stmt.query_map([id.to_string()], |r| r.get(0))?;
    rows.collect()
}

/// A report's timeline, oldest first.
pub fn timeline(conn: &Conn, id: ReportId) -> DbResult<Vec<TimelineEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, actor, status, note, photo_hash, duplicate_of, rating FROM timeline_event WHERE report_id = ?1 ORDER BY at, id",
    )?;
    let rows = stmt.query_map([id.to_string()], event_from_row)?;
    rows.collect()
}

/// One event by its id.
pub fn event(conn: &Conn, id: &str) -> DbResult<Option<TimelineEvent>> {
    conn.query_row(
        "SELECT id, at, actor, status, note, photo_hash, duplicate_of, rating FROM timeline_event WHERE id = ?1",
        [id],
        event_from_row,
    )
    .optional()
}

fn event_from_row(r: &Row) -> DbResult<TimelineEvent> {
    let id: String = r.get(0)?;
    let actor: String = r.get(2)?;
    let status: Option<String> = r.get(3)?;
    let dup: Option<String> = r.get(6)?;
    let rating: Option<i64> = r.get(7)?;
    Ok(TimelineEvent {
        id: id.parse().map_err(|_| corrupt("event id"))?,
        at: from_ms(r.get(1)?)?,
        actor: actor.parse().map_err(|_| corrupt("actor"))?,
        status: status.map(|s| s.parse().map_err(|_| corrupt("status"))).transpose()?,
        note: r.get(4)?,
        photo: r.get(5)?,
        duplicate_of: dup.map(|d| d.parse().map_err(|_| corrupt("duplicate id"))).transpose()?,
        rating: rating.map(|r| u8::try_from(r).map_err(|_| corrupt("rating"))).transpose()?,
    })
}

/// The rating of a report, if any.
pub fn rating(conn: &Conn, id: ReportId) -> DbResult<Option<RatingView>> {
    let row = conn
        .query_row("SELECT stars, comment, at FROM rating WHERE report_id = ?1", [id.to_string()], |r| {
            Ok((r.get::<_, u8>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, i64>(2)?))
        })
        .optional()?;
    row.map(|(stars, comment, at)| Ok(RatingView { stars, comment, at: from_ms(at)? })).transpose()
}

/// How many citizens said "me too".
pub fn supporters(conn: &Conn, id: ReportId) -> DbResult<u32> {
    conn.query_row("SELECT COUNT(*) FROM supporter WHERE report_id = ?1", [id.to_string()], |r| r.get(0))
}

/// The full view, for the report's citizen and for officials.
pub fn view(conn: &Conn, s: &Stored) -> DbResult<ReportView> {
    Ok(ReportView {
        id: s.id,
        public_number: s.public_number.clone(),
        category: s.category.clone(),
        status: s.status,
        location: s.location,
        ward: s.ward.clone(),
        unit: s.unit.clone(),
        description: s.description.clone(),
        anonymous: s.anonymous,
        answers: serde_json::from_str(&s.answers).map_err(|_| corrupt("answers"))?,
        photos: photos(conn, s.id)?,
        captured_at: from_ms(s.captured_at)?,
        received_at: from_ms(s.received_at)?,
        updated_at: from_ms(s.updated_at)?,
        due_at: from_ms(s.due_at)?,
        timeline: timeline(conn, s.id)?,
        rating: rating(conn, s.id)?,
        supporters: supporters(conn, s.id)?,
        flagged: s.flagged,
        reporter: if s.anonymous { None } else { reporter(conn, &s.device_id)? },
    })
}

/// The name and contact the reporting device gave (`PUT /me`), if any.
fn reporter(conn: &Conn, device: &str) -> DbResult<Option<Profile>> {
    let found: Option<(Option<String>, Option<String>, Option<String>)> = conn
        .query_row("SELECT display_name, phone, email FROM device WHERE id = ?1", [device], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(found
        .map(|(display_name, phone, email)| Profile { display_name, phone, email })
        .filter(|p| p.display_name.is_some() || p.phone.is_some() || p.email.is_some()))
}

/// The public view: nothing about who reported it or from which device.
pub fn public_view(conn: &Conn, s: &Stored) -> DbResult<PublicReport> {
    let timeline = timeline(conn, s.id)?
        .into_iter()
        .map(|e| PublicEvent { at: e.at, actor: e.actor, status: e.status, note: e.note, photo: e.photo })
        .collect();
    Ok(PublicReport {
        public_number: s.public_number.clone(),
        category: s.category.clone(),
        status: s.status,
        lat: s.location.lat,
        lon: s.location.lon,
        ward: s.ward.clone(),
        unit: s.unit.clone(),
        description: s.description.clone(),
        photos: photos(conn, s.id)?,
        received_at: from_ms(s.received_at)?,
        updated_at: from_ms(s.updated_at)?,
        hours_to_outcome: s.outcome_at.map(|o| (o - s.received_at) as f64 / 3_600_000.0),
        timeline,
        supporters: supporters(conn, s.id)?,
        rating: rating(conn, s.id)?.map(|r| r.stars),
    })
}

/// Adds an event to a report's timeline and to its device's change feed.
pub fn add_event(tx: &Conn, report: &Stored, event: &TimelineEvent, actor_id: Option<&str>) -> DbResult<()> {
    add_event_to(tx, report.id, &report.device_id, event, actor_id)
}

/// `add_event` for a report known by its id and its submitter's device (one written in this
/// transaction, not read back).
pub(super) fn add_event_to(tx: &Conn, report_id: ReportId, device_id: &str, event: &TimelineEvent, actor_id: Option<&str>) -> DbResult<()> {
    let values = event_values(report_id, device_id, event, actor_id);
    if tx.is_postgres() {
        // The event and its change-log row in one statement: one round trip.
        tx.execute(&format!("WITH {} SELECT 1", event_and_log_pg("")), values)?;
        return Ok(());
    }
    // SQLite has no writes in WITH.
    tx.execute(
        "INSERT INTO timeline_event (id, report_id, at, actor, actor_id, status, note, photo_hash, duplicate_of, rating)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        &values[..10],
    )?;
    tx.execute(
        "INSERT INTO change_log (device_id, report_id, event_id, kind) VALUES (?1, ?2, ?3, 'report')",
        params![device_id, report_id.to_string(), event.id.to_string()],
    )?;
    Ok(())
}

/// An event's values, as `event_and_log_pg` and SQLite's insert number them: its own (?1 to
/// ?10, its report ?2), then its report's device (?11).
pub(super) fn event_values(report_id: ReportId, device_id: &str, event: &TimelineEvent, actor_id: Option<&str>) -> Vec<Value> {
    params![
        event.id.to_string(),
        report_id.to_string(),
        to_ms(event.at),
        event.actor.as_str(),
        actor_id,
        event.status.map(Status::as_str),
        event.note,
        event.photo,
        event.duplicate_of.map(|d| d.to_string()),
        event.rating.map(i64::from),
        device_id,
    ]
    .values()
}

/// PostgreSQL: the event (`event_values`) and its change-log row, as the WITH clauses `e` and
/// `l` of a statement still to be written around them; `from` is what the event's row is
/// selected from ("" for one row, always; "FROM r" for one row per row of a clause `r`).
pub(super) fn event_and_log_pg(from: &str) -> String {
    format!(
        "e AS (INSERT INTO timeline_event (id, report_id, at, actor, actor_id, status, note, photo_hash, duplicate_of, rating)
            SELECT CAST(?1 AS TEXT), CAST(?2 AS TEXT), CAST(?3 AS BIGINT), CAST(?4 AS TEXT), CAST(?5 AS TEXT), CAST(?6 AS TEXT),
                CAST(?7 AS TEXT), CAST(?8 AS TEXT), CAST(?9 AS TEXT), CAST(?10 AS INTEGER) {from}
            RETURNING id),
         l AS (INSERT INTO change_log (device_id, report_id, event_id, kind) SELECT CAST(?11 AS TEXT), CAST(?2 AS TEXT), id, 'report' FROM e)"
    )
}
