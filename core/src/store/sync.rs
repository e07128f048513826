//! What the sync engine reads and writes: the due outbox, acknowledgements, retries,
//! pulled changes with their cursor, notifications.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::reports::{insert_event, load_report};
use super::{from_ms, parse_name, to_ms};
use crate::error::{Error, Result};
use crate::model::{ActorRole, ReportId, Status, TimelineEvent};

/// A report waiting in the outbox, as the pusher needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub report: ReportId,
    pub attempts: u32,
}

/// Outbox entries due now (not refused for good), oldest first.
pub fn due_outbox(conn: &Connection, now: OffsetDateTime) -> Result<Vec<OutboxEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT report_id, attempts FROM outbox
         WHERE permanent_error IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= ?1)
         ORDER BY queued_at, report_id",
    )?;
    let rows = stmt.query_map([to_ms(now)], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
    rows.map(|row| {
        let (id, attempts) = row?;
        Ok(OutboxEntry { report: parse_name(&id)?, attempts })
    })
    .collect()
}

/// When the next waiting (not yet due) outbox entry is due, if any.
pub fn next_outbox_attempt(conn: &Connection) -> Result<Option<OffsetDateTime>> {
    let ms: Option<i64> = conn.query_row("SELECT MIN(next_attempt_at) FROM outbox WHERE permanent_error IS NULL", [], |r| r.get(0))?;
    ms.map(from_ms).transpose()
}

/// The server acknowledged the report: it leaves the outbox and is "submitted".
pub fn mark_submitted(tx: &Transaction<'_>, id: ReportId, public_number: &str, at: OffsetDateTime) -> Result<()> {
    let changed = tx.execute(
        "UPDATE report SET public_number = ?2, status = CASE WHEN status = 'queued' THEN 'submitted' ELSE status END,
                updated_at = ?3 WHERE id = ?1",
        params![id.to_string(), public_number, to_ms(at)],
    )?;
    if changed == 0 {
        return Err(Error::ReportNotFound(id));
    }
    let removed = tx.execute("DELETE FROM outbox WHERE report_id = ?1", [id.to_string()])?;
    if removed > 0 {
        let event = TimelineEvent {
            id: uuid::Uuid::now_v7(),
            at,
            actor: ActorRole::System,
            status: Some(Status::Submitted),
            note: None,
            photo: None,
            duplicate_of: None,
            rating: None,
        };
        insert_event(tx, id, &event)?;
    }
    Ok(())
}

/// A try failed for a reason that may pass: count it and wait until `next`.
pub fn mark_retry(tx: &Transaction<'_>, id: ReportId, error: &str, next: OffsetDateTime) -> Result<()> {
    tx.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3 WHERE report_id = ?1",
        params![id.to_string(), error, to_ms(next)],
    )?;
    Ok(())
}

/// The server refused the report for good (e.g. outside the service area): stop trying and
/// keep the reason to show the citizen.
pub fn mark_refused(tx: &Transaction<'_>, id: ReportId, reason: &str) -> Result<()> {
    tx.execute(
        "UPDATE outbox SET attempts = attempts + 1, permanent_error = ?2, last_error = ?2 WHERE report_id = ?1",
        params![id.to_string(), reason],
    )?;
    Ok(())
}

/// Makes every waiting entry due now (the network came back; the user asked).
pub fn make_outbox_due(tx: &Transaction<'_>) -> Result<()> {
    tx.execute("UPDATE outbox SET next_attempt_at = NULL WHERE permanent_error IS NULL", [])?;
    Ok(())
}

/// Why the server refused a report, if it did.
pub fn refusal(conn: &Connection, id: ReportId) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT permanent_error FROM outbox WHERE report_id = ?1", [id.to_string()], |r| r.get(0)).optional()?.flatten())
}

/// The stored cursor of a pull scope.
pub fn cursor(conn: &Connection, scope: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT cursor FROM sync_cursor WHERE scope = ?1", [scope], |r| r.get(0)).optional()?)
}

/// Stores a pull scope's cursor (in the same transaction as the batch it ends).
pub fn set_cursor(tx: &Transaction<'_>, scope: &str, cursor: &str, at: OffsetDateTime) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_cursor (scope, cursor, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (scope) DO UPDATE SET cursor = ?2, updated_at = ?3",
        params![scope, cursor, to_ms(at)],
    )?;
    Ok(())
}

/// Applies what the server says about one of our reports: its status (the server is the
/// authority) and new timeline events, each announced once. Returns the new notifications.
pub fn apply_report_change(
    tx: &Transaction<'_>,
    id: ReportId,
    public_number: &str,
    status: Status,
    updated_at: OffsetDateTime,
    events: &[TimelineEvent],
) -> Result<Vec<Notification>> {
    let known = tx.query_row("SELECT 1 FROM report WHERE id = ?1", [id.to_string()], |_| Ok(())).optional()?;
    // Not captured on this device: a clean-up spot of the resident's handed to the city
    // becomes one of their reports; anything else (data cleared…) has nothing to update.
    if known.is_none() && !super::adopt_spot_report(tx, &id.to_string(), public_number, status.as_str(), updated_at)? {
        return Ok(Vec::new());
    }
    tx.execute(
        "UPDATE report SET status = ?2, public_number = ?3, updated_at = MAX(updated_at, ?4) WHERE id = ?1",
        params![id.to_string(), status.as_str(), public_number, to_ms(updated_at)],
    )?;
    // A report the server knows is no longer in the outbox, whatever the phone thought.
    tx.execute("DELETE FROM outbox WHERE report_id = ?1", [id.to_string()])?;
    let mut raised = Vec::new();
    for e in events {
        // Announce only what is new, and not the citizen's own doing (a rating, a reopen).
        if !insert_event(tx, id, e)? || e.actor == ActorRole::Citizen {
            continue;
        }
        let inserted = tx.execute(
            "INSERT INTO notification (event_id, report_id, public_number, status, note, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (event_id) DO NOTHING",
            params![e.id.to_string(), id.to_string(), public_number, e.status.map(Status::as_str), e.note, to_ms(e.at)],
        )?;
        if inserted > 0 {
            raised.push(Notification {
                event: e.id,
                report: id,
                public_number: Some(public_number.to_owned()),
                status: e.status,
                note: e.note.clone(),
                at: e.at,
            });
        }
    }
    Ok(raised)
}

/// Something the city did that the citizen should hear about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub event: uuid::Uuid,
    pub report: ReportId,
    pub public_number: Option<String>,
    /// The status the report moved to, or `None` for a reply.
    pub status: Option<Status>,
    pub note: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Notifications not yet marked seen, oldest first.
pub fn unseen_notifications(conn: &Connection) -> Result<Vec<Notification>> {
    let mut stmt = conn.prepare_cached(
        "SELECT event_id, report_id, public_number, status, note, at FROM notification WHERE seen = 0 ORDER BY at, event_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, i64>(5)?,
        ))
    })?;
    rows.map(|row| {
        let (event, report, public_number, status, note, at) = row?;
        Ok(Notification {
            event: event.parse().map_err(|_| Error::Corrupt(format!("event id {event:?}")))?,
            report: parse_name(&report)?,
            public_number,
            status: status.as_deref().map(parse_name).transpose()?,
            note,
            at: from_ms(at)?,
        })
    })
    .collect()
}

/// Marks notifications as seen (shown to the citizen).
pub fn mark_notifications_seen(tx: &Transaction<'_>, events: &[uuid::Uuid]) -> Result<()> {
    for e in events {
        tx.execute("UPDATE notification SET seen = 1 WHERE event_id = ?1", [e.to_string()])?;
    }
    Ok(())
}

/// A photo to upload: its hash and its JPEG bytes.
pub type PhotoUpload = (String, Vec<u8>);

/// What the pusher sends for a report: the request and its photos' bytes. Built from the
/// report alone and the warnings it was filed under; the resident's places and position are
/// not read here.
pub fn upload_request(conn: &Connection, id: ReportId) -> Result<(crate::protocol::SubmitReport, Vec<PhotoUpload>)> {
    let (report, photos) = report_for_upload(conn, id)?;
    let submit = crate::protocol::SubmitReport {
        id: report.id,
        category: report.category,
        location: report.location,
        description: report.description,
        anonymous: report.anonymous,
        answers: report.answers,
        photos: photos.iter().map(|(h, _)| h.clone()).collect(),
        captured_at: report.captured_at,
        alerts: super::alerts::report_alert_ids(conn, id)?,
    };
    Ok((submit, photos))
}

/// The report as the server wants it, with its photos' bytes.
pub fn report_for_upload(conn: &Connection, id: ReportId) -> Result<(crate::model::Report, Vec<PhotoUpload>)> {
    let detail = load_report(conn, id)?;
    let photos = detail
        .report
        .photos
        .iter()
        .map(|p| Ok((p.hash.clone(), super::photos::photo_bytes(conn, &p.hash)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok((detail.report, photos))
}
