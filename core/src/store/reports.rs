//! The citizen's own reports: queued in the outbox or known to the server.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params, params_from_iter};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::photos::photo_refs;
use super::{from_ms, parse_name, to_ms};
use crate::area::AreaMatch;
use crate::error::{Error, Result};
use crate::model::{ActorRole, Draft, GeoFix, Localized, Place, Report, ReportDetail, ReportId, Status, TimelineEvent};

const REPORT_COLUMNS: &str = "id, public_number, category, lat, lon, accuracy_m, fix_source, fixed_at, \
    district_code, district_vi, district_en, ward_code, ward_vi, ward_en, description, anonymous, answers, \
    captured_at, status, updated_at";

/// Turns a complete draft into a queued report in the outbox, and deletes the draft.
/// The caller has checked the draft; `location`, `category` are its checked values.
pub fn queue_report(
    tx: &Transaction<'_>,
    draft: &Draft,
    category: &str,
    location: &GeoFix,
    placed: &AreaMatch,
    at: OffsetDateTime,
) -> Result<Report> {
    let id = draft.id.to_string();
    let answers = serde_json::to_string(&draft.answers).map_err(|e| Error::Corrupt(e.to_string()))?;
    // The district columns stay for reports placed before the 2025 reform; new ones have none.
    let (dc, dvi, den): (Option<String>, Option<String>, Option<String>) = (None, None, None);
    let ward = &placed.ward;
    let (wc, wvi, wen) = (Some(&ward.code), Some(&ward.name.vi), Some(&ward.name.en));
    tx.execute(
        &format!("INSERT INTO report ({REPORT_COLUMNS}) VALUES (?1, NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?17)"),
        params![
            id, category, location.lat, location.lon, location.accuracy_m, location.source.as_str(),
            to_ms(location.fixed_at), dc, dvi, den, wc, wvi, wen, draft.description, draft.anonymous, answers,
            to_ms(at), Status::Queued.as_str()
        ],
    )?;
    tx.execute(
        "INSERT INTO report_photo (report_id, position, photo_hash)
         SELECT draft_id, position, photo_hash FROM draft_photo WHERE draft_id = ?1",
        [&id],
    )?;
    let event = TimelineEvent {
        id: Uuid::now_v7(),
        at,
        actor: ActorRole::Citizen,
        status: Some(Status::Queued),
        note: None,
        photo: None,
        duplicate_of: None,
        rating: None,
    };
    insert_event(tx, draft.id, &event)?;
    tx.execute("INSERT INTO outbox (report_id, queued_at) VALUES (?1, ?2)", params![id, to_ms(at)])?;
    tx.execute("DELETE FROM draft WHERE id = ?1", [&id])?;
    Ok(load_report(tx, draft.id)?.report)
}

/// Adds an event to a report's timeline; false if it was already there.
pub fn insert_event(tx: &Transaction<'_>, report: ReportId, e: &TimelineEvent) -> Result<bool> {
    let inserted = tx.execute(
        "INSERT INTO timeline_event (id, report_id, at, actor, status, note, photo_hash, duplicate_of, rating)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
        params![
            e.id.to_string(),
            report.to_string(),
            to_ms(e.at),
            e.actor.as_str(),
            e.status.map(Status::as_str),
            e.note,
            e.photo,
            e.duplicate_of.map(|d| d.to_string()),
            e.rating
        ],
    )?;
    Ok(inserted > 0)
}

/// A report with its photos and timeline.
pub fn load_report(conn: &Connection, id: ReportId) -> Result<ReportDetail> {
    let sql = format!("SELECT {REPORT_COLUMNS} FROM report WHERE id = ?1");
    let mut report = conn.query_row(&sql, [id.to_string()], |r| Ok(report_from_row(r))).optional()?.ok_or(Error::ReportNotFound(id))??;
    report.photos = photo_refs(
        conn,
        "SELECT p.hash, p.width, p.height, length(p.jpeg) FROM report_photo r JOIN photo p ON p.hash = r.photo_hash
         WHERE r.report_id = ?1 ORDER BY r.position",
        &id.to_string(),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, actor, status, note, photo_hash, duplicate_of, rating FROM timeline_event
         WHERE report_id = ?1 ORDER BY at, id",
    )?;
    let timeline = stmt.query_map([id.to_string()], |r| Ok(event_from_row(r)))?.map(|row| row?).collect::<Result<Vec<_>>>()?;
    let alerts = super::alerts::report_alert_ids(conn, id)?;
    Ok(ReportDetail { report, timeline, alerts })
}

/// One line of the "my reports" list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportSummary {
    pub id: ReportId,
    pub public_number: Option<String>,
    pub category: String,
    pub status: Status,
    pub ward: Option<Place>,
    #[serde(with = "time::serde::rfc3339")]
    pub captured_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// The first photo, for the thumbnail.
    pub cover_photo: Option<String>,
    /// The server refused it for good: it will not be sent (the detail says why).
    pub refused: bool,
}

impl ReportSummary {
    /// The list's status word: the status, or that the server would not take it.
    pub fn status_label(&self, lang: crate::model::Lang) -> &'static str {
        match (self.refused, lang) {
            (true, crate::model::Lang::Vi) => "Không gửi được",
            (true, crate::model::Lang::En) => "Not accepted",
            (false, _) => self.status.label(lang),
        }
    }
}

/// A page of reports and where the next page starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportPage {
    pub reports: Vec<ReportSummary>,
    /// Pass back to get the next page; `None` on the last page.
    pub next: Option<String>,
}

/// A report's status as the list shows it: "reopened" while the citizen's reopening waits to
/// be sent (as `feedback::with_waiting` shows the report itself).
const SHOWN_STATUS: &str = "CASE WHEN EXISTS (SELECT 1 FROM feedback_action f WHERE f.report_id = r.id AND f.kind = 'reopen'
        AND f.refused_reason IS NULL) THEN 'reopened' ELSE r.status END";

/// The citizen's reports, newest first, optionally only those in `statuses`, a page at a
/// time. `after` is the `next` of the previous page.
pub fn list_reports(conn: &Connection, statuses: &[Status], limit: u32, after: Option<&str>) -> Result<ReportPage> {
    let mut sql = format!(
        "SELECT r.id, r.public_number, r.category, {SHOWN_STATUS}, r.ward_code, r.ward_vi, r.ward_en,
                r.captured_at, r.updated_at,
                (SELECT photo_hash FROM report_photo p WHERE p.report_id = r.id ORDER BY position LIMIT 1),
                EXISTS (SELECT 1 FROM outbox o WHERE o.report_id = r.id AND o.permanent_error IS NOT NULL)
         FROM report r WHERE 1",
    );
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if !statuses.is_empty() {
        let marks = vec!["?"; statuses.len()].join(",");
        sql.push_str(&format!(" AND {SHOWN_STATUS} IN ({marks})"));
        args.extend(statuses.iter().map(|s| s.as_str().to_owned().into()));
    }
    if let Some(cursor) = after {
        let (ms, id) = parse_cursor(cursor)?;
        sql.push_str(" AND (r.captured_at, r.id) < (?, ?)");
        args.push(ms.into());
        args.push(id.into());
    }
    sql.push_str(" ORDER BY r.captured_at DESC, r.id DESC LIMIT ?");
    let limit = limit.clamp(1, 500);
    args.push(i64::from(limit + 1).into());
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut reports = stmt.query_map(params_from_iter(args), |r| Ok(summary_from_row(r)))?.map(|row| row?).collect::<Result<Vec<_>>>()?;
    let next = if reports.len() > limit as usize {
        reports.truncate(limit as usize);
        reports.last().map(|r| format!("{}_{}", to_ms(r.captured_at), r.id))
    } else {
        None
    };
    Ok(ReportPage { reports, next })
}

fn parse_cursor(cursor: &str) -> Result<(i64, String)> {
    let bad = || Error::Corrupt(format!("page cursor {cursor:?} is not one this store gave"));
    let (ms, id) = cursor.split_once('_').ok_or_else(bad)?;
    let id: ReportId = id.parse().map_err(|_| bad())?;
    Ok((ms.parse().map_err(|_| bad())?, id.to_string()))
}

/// How much is waiting to reach the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxSummary {
    /// Reports waiting to be sent (including those being retried).
    pub waiting: u32,
    /// Their photos' total size in bytes.
    pub photo_bytes: u64,
    /// Reports the server refused for good (the citizen is told why).
    pub refused: u32,
    #[serde(with = "time::serde::rfc3339::option")]
    pub oldest_queued_at: Option<OffsetDateTime>,
}

/// The outbox's size and state.
pub fn outbox_summary(conn: &Connection) -> Result<OutboxSummary> {
    let (waiting, refused, oldest): (i64, i64, Option<i64>) = conn.query_row(
        "SELECT COUNT(*) FILTER (WHERE permanent_error IS NULL), COUNT(*) FILTER (WHERE permanent_error IS NOT NULL),
                MIN(queued_at) FILTER (WHERE permanent_error IS NULL)
         FROM outbox",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let photo_bytes: i64 = conn.query_row(
        "SELECT COALESCE(SUM(length(p.jpeg)), 0) FROM outbox o
         JOIN report_photo rp ON rp.report_id = o.report_id JOIN photo p ON p.hash = rp.photo_hash
         WHERE o.permanent_error IS NULL",
        [],
        |r| r.get(0),
    )?;
    Ok(OutboxSummary {
        waiting: waiting as u32,
        photo_bytes: photo_bytes as u64,
        refused: refused as u32,
        oldest_queued_at: oldest.map(from_ms).transpose()?,
    })
}

fn place_from(code: Option<String>, vi: Option<String>, en: Option<String>) -> Option<Place> {
    code.map(|code| Place { code, name: Localized { vi: vi.unwrap_or_default(), en: en.unwrap_or_default() } })
}

fn report_from_row(r: &Row<'_>) -> Result<Report> {
    let id: String = r.get(0)?;
    let source: String = r.get(6)?;
    let answers: String = r.get(16)?;
    let status: String = r.get(18)?;
    Ok(Report {
        id: parse_name(&id)?,
        public_number: r.get(1)?,
        category: r.get(2)?,
        location: GeoFix {
            lat: r.get(3)?,
            lon: r.get(4)?,
            accuracy_m: r.get(5)?,
            source: parse_name(&source)?,
            fixed_at: from_ms(r.get(7)?)?,
        },
        ward: place_from(r.get(11)?, r.get(12)?, r.get(13)?),
        description: r.get(14)?,
        anonymous: r.get(15)?,
        answers: serde_json::from_str(&answers).map_err(|e| Error::Corrupt(format!("report answers: {e}")))?,
        photos: Vec::new(),
        captured_at: from_ms(r.get(17)?)?,
        status: parse_name(&status)?,
        updated_at: from_ms(r.get(19)?)?,
    })
}

fn summary_from_row(r: &Row<'_>) -> Result<ReportSummary> {
    let id: String = r.get(0)?;
    let status: String = r.get(3)?;
    Ok(ReportSummary {
        id: parse_name(&id)?,
        public_number: r.get(1)?,
        category: r.get(2)?,
        status: parse_name(&status)?,
        ward: place_from(r.get(4)?, r.get(5)?, r.get(6)?),
        captured_at: from_ms(r.get(7)?)?,
        updated_at: from_ms(r.get(8)?)?,
        cover_photo: r.get(9)?,
        refused: r.get(10)?,
    })
}

fn event_from_row(r: &Row<'_>) -> Result<TimelineEvent> {
    let id: String = r.get(0)?;
    let actor: String = r.get(2)?;
    let status: Option<String> = r.get(3)?;
    let duplicate_of: Option<String> = r.get(6)?;
    Ok(TimelineEvent {
        id: id.parse().map_err(|_| Error::Corrupt(format!("event id {id:?}")))?,
        at: from_ms(r.get(1)?)?,
        actor: parse_name(&actor)?,
        status: status.as_deref().map(parse_name).transpose()?,
        note: r.get(4)?,
        photo: r.get(5)?,
        duplicate_of: duplicate_of.as_deref().map(parse_name).transpose()?,
        rating: r.get(7)?,
    })
}
