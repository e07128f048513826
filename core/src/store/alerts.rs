//! Warnings on the phone: the resident's subscription and places, the alert inbox with
//! every version received, the notifications to show, and the warnings each report was
//! filed under.
//!
//! The subscription and the position never leave the phone: nothing here is read by what
//! sync sends. The server sends every warning of the region; `apply_alert` keeps it and
//! decides here whether it concerns the resident.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, UtcOffset};

use super::{from_ms, parse_name, to_ms};
use crate::cap::{Alert, AlertStatus};
use crate::city::City;
use crate::error::{Error, Result};
use crate::model::{Lang, ReportId};
use crate::protocol::{AlertState, AlertView};
use crate::warning::{AlertIndex, AlertTarget, Area, Delivery, PlaceShape, SavedPlace, Severity, Subscription};

/// Ended warnings (cancelled or expired) stay in the inbox this long, then are dropped.
pub const KEEP_ENDED_DAYS: i64 = 30;

// --- Subscription ------------------------------------------------------------------------

/// The stored subscription, or the default one (nothing followed) if none was saved.
pub fn load_subscription(conn: &Connection) -> Result<Subscription> {
    let mut sub = Subscription::default();
    let row = conn
        .query_row(
            "SELECT current_position, topics, min_severity, quiet_start, quiet_end, language
             FROM alert_subscription WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, bool>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )
        .optional()?;
    if let Some((current, topics, min, start, end, language)) = row {
        sub.current_position = current;
        sub.topics = serde_json::from_str(&topics).map_err(|e| Error::Corrupt(format!("subscription topics: {e}")))?;
        sub.min_severity = parse_name(&min)?;
        sub.quiet_hours = match (start, end) {
            (Some(s), Some(e)) => Some((minute(s)?, minute(e)?)),
            _ => None,
        };
        sub.language = parse_name(&language)?;
    }
    let mut stmt = conn.prepare_cached("SELECT name, lat, lon, radius_m, area_code FROM alert_place ORDER BY position")?;
    let places = stmt.query_map([], |r| {
        let name: String = r.get(0)?;
        let code: Option<String> = r.get(4)?;
        Ok(match code {
            Some(code) => SavedPlace { name, shape: PlaceShape::Area { code } },
            None => SavedPlace { name, shape: PlaceShape::Circle { lat: r.get(1)?, lon: r.get(2)?, radius_m: r.get(3)? } },
        })
    })?;
    sub.places = places.collect::<rusqlite::Result<_>>()?;
    Ok(sub)
}

fn minute(m: i64) -> Result<u16> {
    u16::try_from(m).ok().filter(|m| *m < 24 * 60).ok_or_else(|| Error::Corrupt(format!("quiet hours minute {m}")))
}

/// Stores the subscription, replacing the one before (the caller has checked it). Turning
/// "where I am now" off forgets the last position.
pub fn save_subscription(tx: &Transaction<'_>, sub: &Subscription) -> Result<()> {
    let topics = serde_json::to_string(&sub.topics).map_err(|e| Error::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO alert_subscription (id, current_position, topics, min_severity, quiet_start, quiet_end, language)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET current_position = ?1, topics = ?2, min_severity = ?3, quiet_start = ?4,
                quiet_end = ?5, language = ?6",
        params![
            sub.current_position,
            topics,
            sub.min_severity.as_str(),
            sub.quiet_hours.map(|q| q.0),
            sub.quiet_hours.map(|q| q.1),
            sub.language.as_str()
        ],
    )?;
    tx.execute("DELETE FROM alert_place", [])?;
    for (i, place) in sub.places.iter().enumerate() {
        let (lat, lon, radius_m, code) = match &place.shape {
            &PlaceShape::Circle { lat, lon, radius_m } => (Some(lat), Some(lon), Some(radius_m), None),
            PlaceShape::Area { code } => (None, None, None, Some(code.as_str())),
        };
        tx.execute(
            "INSERT INTO alert_place (name, position, lat, lon, radius_m, area_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![place.name, i as i64, lat, lon, radius_m, code],
        )?;
    }
    if !sub.current_position {
        tx.execute("DELETE FROM alert_position", [])?;
    }
    Ok(())
}

/// The last known position for "where I am now", if the resident follows it.
pub fn last_position(conn: &Connection) -> Result<Option<(f64, f64)>> {
    Ok(conn.query_row("SELECT lat, lon FROM alert_position WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
}

/// Overwrites the last known position (one row: no history is kept).
pub fn set_last_position(tx: &Transaction<'_>, lat: f64, lon: f64, at: OffsetDateTime) -> Result<()> {
    tx.execute(
        "INSERT INTO alert_position (id, lat, lon, at) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET lat = ?1, lon = ?2, at = ?3",
        params![lat, lon, to_ms(at)],
    )?;
    Ok(())
}

// --- The inbox ---------------------------------------------------------------------------

/// A warning as the inbox and the warning screen show it, in the resident's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxAlert {
    /// The chain's id (`AlertView::id`).
    pub id: String,
    pub version: u32,
    /// Where it stands now: "expired" is computed against the clock.
    pub state: AlertState,
    pub severity: Severity,
    pub event: String,
    /// The headline, or the event's name when the message has none.
    pub headline: String,
    pub description: Option<String>,
    pub instruction: Option<String>,
    pub web: Option<String>,
    /// Who issued it (the sender's name, else its CAP sender id).
    pub sender_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub sent: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires: Option<OffsetDateTime>,
    /// The areas' descriptions.
    pub areas: Vec<String>,
    pub topics: Vec<String>,
    /// Why it was withdrawn, when cancelled.
    pub cancel_note: Option<String>,
    pub read: bool,
    /// It concerns the resident (their places, where they are, their topics and severity).
    pub concerns: bool,
    /// CAP status Exercise: a drill, shown as such and never ringing.
    pub exercise: bool,
    /// When the resident was (last) notified of it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub notified_at: Option<OffsetDateTime>,
}

/// One version of a warning as received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertVersion {
    pub version: u32,
    pub state: AlertState,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    pub message: Alert,
    pub cancel_note: Option<String>,
}

/// A warning with everything received about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxAlertDetail {
    pub alert: InboxAlert,
    /// The latest view, as the server sent it.
    pub view: AlertView,
    /// The areas' shapes, for the map.
    pub shapes: Vec<Area>,
    /// Every version received, oldest first.
    pub history: Vec<AlertVersion>,
}

/// A warning to show as a notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertNotification {
    pub id: String,
    pub version: u32,
    pub headline: String,
    pub severity: Severity,
    /// Ring (sound, heads-up); otherwise show it quietly (quiet hours, an exercise).
    pub loud: bool,
    pub exercise: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Which chains a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxScope {
    /// Those that concern the resident.
    Mine,
    /// Every warning of the region (the map).
    All,
}

/// Statuses shown to residents; Test, Draft and System messages are not.
fn shown(status: AlertStatus) -> bool {
    matches!(status, AlertStatus::Actual | AlertStatus::Exercise)
}

fn state_name(s: AlertState) -> &'static str {
    match s {
        AlertState::Active => "active",
        AlertState::Cancelled => "cancelled",
        AlertState::Expired => "expired",
    }
}

fn parse_state(s: &str) -> Result<AlertState> {
    match s {
        "active" => Ok(AlertState::Active),
        "cancelled" => Ok(AlertState::Cancelled),
        "expired" => Ok(AlertState::Expired),
        other => Err(Error::Corrupt(format!("unknown alert state {other:?}"))),
    }
}

fn status_name(s: AlertStatus) -> &'static str {
    match s {
        AlertStatus::Actual => "Actual",
        AlertStatus::Exercise => "Exercise",
        AlertStatus::System => "System",
        AlertStatus::Test => "Test",
        AlertStatus::Draft => "Draft",
    }
}

/// Where a warning stands at `now`: the server's word, and past its `expires` it has ended.
pub fn state_at(state: AlertState, expires: Option<OffsetDateTime>, now: OffsetDateTime) -> AlertState {
    match state {
        AlertState::Active if expires.is_some_and(|e| e <= now) => AlertState::Expired,
        other => other,
    }
}

/// The local minute of the day at `now` in the city's time. Quiet hours are the resident's
/// local time, and the resident lives in the city: the message's own offset is the sender's
/// choice (an upstream feed may write UTC) and says nothing about the resident's night.
pub fn local_minute(now: OffsetDateTime, offset: UtcOffset) -> u16 {
    let local = now.to_offset(offset);
    u16::from(local.hour()) * 60 + u16::from(local.minute())
}

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Corrupt(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| Error::Corrupt(format!("{what}: {e}")))
}

/// Applies a warning received from the server: keeps it in the inbox with its history and
/// decides, with the stored subscription and the last known position, whether it concerns
/// the resident and is to be notified. Returns the notification raised, if any (it also
/// waits for `take_alert_notifications`). Sync calls this for every `Change::Alert`, in the
/// transaction that advances its cursor.
///
/// - Test, Draft and System messages are ignored (not kept, not shown).
/// - A version already received changes nothing, except the server saying that it ended.
/// - A chain is notified once: a later version rings again only if it raises the severity
///   above what the resident was notified at (once per version at most).
/// - A cancelled or expired warning never rings; a notification of it not yet shown is
///   withdrawn.
/// - During quiet hours only Extreme warnings ring; others are shown quietly. An Exercise
///   never rings.
pub fn apply_alert(tx: &Transaction<'_>, city: &City, view: &AlertView, now: OffsetDateTime) -> Result<Option<AlertNotification>> {
    if !shown(view.message.status) {
        return Ok(None);
    }
    let stored: Option<(u32, String)> =
        tx.query_row("SELECT version, state FROM alert WHERE id = ?1", [&view.id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    match &stored {
        // An older version (a re-delivery out of order): history only.
        Some((version, _)) if view.version < *version => {
            insert_version(tx, view, now)?;
            return Ok(None);
        }
        // The same version again: nothing new, unless the server says it has ended.
        Some((version, state)) if view.version == *version => {
            insert_version(tx, view, now)?;
            if state.as_str() != state_name(view.state) && view.state != AlertState::Active {
                tx.execute(
                    "UPDATE alert SET state = ?2, view = ?3, updated_at = MAX(updated_at, ?4) WHERE id = ?1",
                    params![view.id, state_name(view.state), to_json(view)?, to_ms(view.updated_at)],
                )?;
                tx.execute(
                    "UPDATE alert_version SET state = ?3, cancel_note = ?4 WHERE alert_id = ?1 AND version = ?2",
                    params![view.id, view.version, state_name(view.state), view.cancel_note],
                )?;
                withdraw_pending(tx, &view.id)?;
            }
            return Ok(None);
        }
        _ => {}
    }
    let m = &view.message;
    tx.execute(
        "INSERT INTO alert (id, version, state, cap_status, severity, expires_at, updated_at, received_at, view)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET version = ?2, state = ?3, cap_status = ?4, severity = ?5, expires_at = ?6,
                updated_at = ?7, view = ?9,
                -- An update is news: unread again. A cancel only changes its state.
                read = CASE WHEN ?3 = 'active' THEN 0 ELSE read END",
        params![
            view.id,
            view.version,
            state_name(view.state),
            status_name(m.status),
            m.severity().as_str(),
            m.expires().map(to_ms),
            to_ms(view.updated_at),
            to_ms(now),
            to_json(view)?
        ],
    )?;
    insert_version(tx, view, now)?;
    let sub = load_subscription(tx)?;
    let position = last_position(tx)?;
    decide_chain(tx, city, &sub, position, &view.id, now)
}

fn insert_version(tx: &Transaction<'_>, view: &AlertView, now: OffsetDateTime) -> Result<()> {
    tx.execute(
        "INSERT INTO alert_version (alert_id, version, state, updated_at, received_at, message, cancel_note)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM alert WHERE id = ?1)
         ON CONFLICT (alert_id, version) DO NOTHING",
        params![
            view.id,
            view.version,
            state_name(view.state),
            to_ms(view.updated_at),
            to_ms(now),
            to_json(&view.message)?,
            view.cancel_note
        ],
    )?;
    Ok(())
}

/// A notification of the chain not yet handed to the app is not to be shown any more.
fn withdraw_pending(tx: &Transaction<'_>, id: &str) -> Result<()> {
    tx.execute("UPDATE alert_notification SET delivered = 1 WHERE alert_id = ?1 AND delivered = 0", [id])?;
    Ok(())
}

/// Decides again whether every kept warning concerns the resident, after the subscription
/// or the position changed. A warning still active that now concerns them and was never
/// notified is notified, by the same rules as one just received. Returns those raised.
pub fn refresh_alerts(tx: &Transaction<'_>, city: &City, now: OffsetDateTime) -> Result<Vec<AlertNotification>> {
    let sub = load_subscription(tx)?;
    let position = last_position(tx)?;
    let ids: Vec<String> = {
        let mut stmt = tx.prepare_cached("SELECT id FROM alert ORDER BY updated_at, id")?;
        stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
    };
    let mut raised = Vec::new();
    for id in ids {
        raised.extend(decide_chain(tx, city, &sub, position, &id, now)?);
    }
    Ok(raised)
}

/// Whether the stored chain `id` concerns the resident, and whether it rings now.
fn decide_chain(
    tx: &Transaction<'_>,
    city: &City,
    sub: &Subscription,
    position: Option<(f64, f64)>,
    id: &str,
    now: OffsetDateTime,
) -> Result<Option<AlertNotification>> {
    let (view, notified): (String, Option<String>) =
        tx.query_row("SELECT view, notified_severity FROM alert WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let view: AlertView = from_json(&view, "stored alert")?;
    let notified: Option<Severity> = notified.as_deref().map(parse_name).transpose()?;
    let m = &view.message;
    let severity = m.severity();
    let target = AlertTarget { id: view.id.clone(), severity, topics: m.topics(), areas: m.match_areas() };
    let delivery = match AlertIndex::new(vec![target]) {
        Ok(index) => index.decide(&view.id, sub, &city.area, position, local_minute(now, city.utc_offset)),
        // An area CAP refuses (the server checks them, so this is damage): on the map of the
        // region's warnings, but matched to no one.
        Err(_) => Delivery::NotForMe,
    };
    let state = state_at(view.state, m.expires(), now);
    // Once notified, a warning stays in the resident's inbox whatever they change later.
    let concerns = delivery != Delivery::NotForMe || notified.is_some();
    tx.execute("UPDATE alert SET concerns = ?2 WHERE id = ?1", params![id, concerns])?;
    if state != AlertState::Active {
        withdraw_pending(tx, id)?;
        return Ok(None);
    }
    let ring = delivery != Delivery::NotForMe && notified.is_none_or(|n| severity > n);
    if !ring {
        return Ok(None);
    }
    let loud = delivery == Delivery::Notify && m.status == AlertStatus::Actual;
    // The newest notification of a chain replaces one not yet shown.
    withdraw_pending(tx, id)?;
    let inserted = tx.execute(
        "INSERT INTO alert_notification (alert_id, version, severity, loud, at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (alert_id, version) DO NOTHING",
        params![id, view.version, severity.as_str(), loud, to_ms(now)],
    )?;
    tx.execute("UPDATE alert SET notified_severity = ?2, notified_at = ?3 WHERE id = ?1", params![id, severity.as_str(), to_ms(now)])?;
    if inserted == 0 {
        return Ok(None);
    }
    Ok(Some(AlertNotification {
        id: view.id.clone(),
        version: view.version,
        headline: headline(m, sub.language),
        severity,
        loud,
        exercise: m.status == AlertStatus::Exercise,
        at: now,
    }))
}

fn headline(m: &Alert, lang: Lang) -> String {
    m.info_for(lang.as_str()).map(|i| i.headline.clone().unwrap_or_else(|| i.event.clone())).unwrap_or_default()
}

/// Drops warnings that ended more than `KEEP_ENDED_DAYS` ago (a report keeps the ids of
/// those it was filed under).
pub fn prune_alerts(tx: &Transaction<'_>, now: OffsetDateTime) -> Result<u32> {
    let cutoff = to_ms(now - time::Duration::days(KEEP_ENDED_DAYS));
    let removed = tx.execute("DELETE FROM alert WHERE (state != 'active' AND updated_at < ?1) OR expires_at < ?1", [cutoff])?;
    Ok(removed as u32)
}

const INBOX_COLUMNS: &str = "view, state, expires_at, concerns, read, notified_at";

fn inbox_from_row(r: &Row<'_>, lang: Lang, now: OffsetDateTime) -> Result<(InboxAlert, AlertView)> {
    let view: String = r.get(0)?;
    let view: AlertView = from_json(&view, "stored alert")?;
    let state = parse_state(&r.get::<_, String>(1)?)?;
    let expires = r.get::<_, Option<i64>>(2)?.map(from_ms).transpose()?;
    let notified_at = r.get::<_, Option<i64>>(5)?.map(from_ms).transpose()?;
    let alert = inbox_alert(&view, state_at(state, expires, now), r.get(3)?, r.get(4)?, notified_at, lang);
    Ok((alert, view))
}

fn inbox_alert(
    view: &AlertView,
    state: AlertState,
    concerns: bool,
    read: bool,
    notified_at: Option<OffsetDateTime>,
    lang: Lang,
) -> InboxAlert {
    let m = &view.message;
    let info = m.info_for(lang.as_str());
    let event = info.map(|i| i.event.clone()).unwrap_or_default();
    // The area descriptions in the reader's language; from every block if theirs has none.
    let mut areas: Vec<String> = info.map(|i| i.area.iter().map(|a| a.area_desc.clone()).collect()).unwrap_or_default();
    if areas.is_empty() {
        for a in m.info.iter().flat_map(|i| &i.area) {
            if !areas.contains(&a.area_desc) {
                areas.push(a.area_desc.clone());
            }
        }
    }
    InboxAlert {
        id: view.id.clone(),
        version: view.version,
        state,
        severity: m.severity(),
        headline: info.and_then(|i| i.headline.clone()).unwrap_or_else(|| event.clone()),
        event,
        description: info.and_then(|i| i.description.clone()),
        instruction: info.and_then(|i| i.instruction.clone()),
        web: info.and_then(|i| i.web.clone()),
        sender_name: info.and_then(|i| i.sender_name.clone()).unwrap_or_else(|| m.sender.clone()),
        sent: m.sent,
        updated_at: view.updated_at,
        expires: m.expires(),
        areas,
        topics: m.topics(),
        cancel_note: view.cancel_note.clone(),
        read,
        concerns,
        exercise: m.status == AlertStatus::Exercise,
        notified_at,
    }
}

/// The warnings of `scope`, most recently updated first; ended ones (cancelled, expired at
/// `now`) only if `include_ended`.
/// The inbox's order: warnings in force first, the most severe first and, at equal
/// severity, a real one before a drill, then the newest; then the expired and cancelled ones,
/// newest first.
pub fn inbox_order(alerts: &mut [InboxAlert]) {
    alerts.sort_by(|a, b| {
        let active = |x: &InboxAlert| x.state == AlertState::Active;
        let rank = |x: &InboxAlert| if active(x) { Some(x.severity) } else { None };
        active(b).cmp(&active(a)).then(rank(b).cmp(&rank(a))).then(a.exercise.cmp(&b.exercise)).then(b.sent.cmp(&a.sent))
    });
}

pub fn list_alerts(conn: &Connection, scope: InboxScope, include_ended: bool, now: OffsetDateTime) -> Result<Vec<InboxAlert>> {
    let lang = load_subscription(conn)?.language;
    let sql = format!(
        "SELECT {INBOX_COLUMNS} FROM alert
         WHERE (?1 OR concerns = 1) AND (?2 OR (state = 'active' AND (expires_at IS NULL OR expires_at > ?3)))
         ORDER BY updated_at DESC, id DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![scope == InboxScope::All, include_ended, to_ms(now)], |r| Ok(inbox_from_row(r, lang, now)))?;
    rows.map(|row| Ok(row??.0)).collect()
}

/// One warning with its history, if kept.
pub fn load_alert(conn: &Connection, id: &str, now: OffsetDateTime) -> Result<Option<InboxAlertDetail>> {
    let lang = load_subscription(conn)?.language;
    let sql = format!("SELECT {INBOX_COLUMNS} FROM alert WHERE id = ?1");
    let Some(found) = conn.query_row(&sql, [id], |r| Ok(inbox_from_row(r, lang, now))).optional()? else {
        return Ok(None);
    };
    let (alert, view) = found?;
    let mut stmt = conn.prepare_cached(
        "SELECT version, state, updated_at, received_at, message, cancel_note FROM alert_version
         WHERE alert_id = ?1 ORDER BY version",
    )?;
    let history = stmt
        .query_map([id], |r| {
            Ok((|| {
                let message: String = r.get(4)?;
                Ok(AlertVersion {
                    version: r.get(0)?,
                    state: parse_state(&r.get::<_, String>(1)?)?,
                    updated_at: from_ms(r.get(2)?)?,
                    received_at: from_ms(r.get(3)?)?,
                    message: from_json(&message, "stored alert message")?,
                    cancel_note: r.get(5)?,
                })
            })())
        })?
        .map(|row| row?)
        .collect::<Result<Vec<_>>>()?;
    // Each language's block repeats the same areas: keep each shape once.
    let mut shapes: Vec<Area> = Vec::new();
    for shape in view.message.match_areas() {
        if !shapes.contains(&shape) {
            shapes.push(shape);
        }
    }
    Ok(Some(InboxAlertDetail { alert, view, shapes, history }))
}

/// Marks a warning read.
pub fn mark_alert_read(tx: &Transaction<'_>, id: &str) -> Result<()> {
    if tx.execute("UPDATE alert SET read = 1 WHERE id = ?1", [id])? == 0 {
        return Err(Error::AlertNotFound(id.to_owned()));
    }
    Ok(())
}

/// How many warnings that concern the resident are active and unread (the badge).
pub fn unread_alerts(conn: &Connection, now: OffsetDateTime) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM alert WHERE concerns = 1 AND read = 0 AND state = 'active'
         AND (expires_at IS NULL OR expires_at > ?1)",
        [to_ms(now)],
        |r| r.get(0),
    )?)
}

/// The notifications waiting to be shown, oldest first, marked delivered in the same
/// transaction: a second call never returns them again. One whose warning has ended since
/// is dropped, not shown. (One raised but not yet taken when the app dies is still waiting
/// on the next start.)
pub fn take_alert_notifications(tx: &Transaction<'_>, now: OffsetDateTime) -> Result<Vec<AlertNotification>> {
    let lang = load_subscription(tx)?.language;
    let pending = {
        let mut stmt = tx.prepare_cached(
            "SELECT n.alert_id, n.version, n.severity, n.loud, n.at, a.view, a.state, a.expires_at
             FROM alert_notification n JOIN alert a ON a.id = n.alert_id
             WHERE n.delivered = 0 ORDER BY n.at, n.alert_id, n.version",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((|| {
                let view: AlertView = from_json(&r.get::<_, String>(5)?, "stored alert")?;
                let state = parse_state(&r.get::<_, String>(6)?)?;
                let expires = r.get::<_, Option<i64>>(7)?.map(from_ms).transpose()?;
                let notification = AlertNotification {
                    id: r.get(0)?,
                    version: r.get(1)?,
                    headline: headline(&view.message, lang),
                    severity: parse_name(&r.get::<_, String>(2)?)?,
                    loud: r.get(3)?,
                    exercise: view.message.status == AlertStatus::Exercise,
                    at: from_ms(r.get(4)?)?,
                };
                Ok((notification, state_at(state, expires, now)))
            })())
        })?;
        rows.map(|row| row?).collect::<Result<Vec<_>>>()?
    };
    tx.execute("UPDATE alert_notification SET delivered = 1 WHERE delivered = 0", [])?;
    Ok(pending.into_iter().filter(|(_, state)| *state == AlertState::Active).map(|(n, _)| n).collect())
}

// --- Reports under warnings --------------------------------------------------------------

/// The warnings active at `now` (Actual or Exercise, not cancelled, not expired) whose areas
/// contain (lat, lon), whether or not they concern the resident.
pub fn alerts_covering(conn: &Connection, lat: f64, lon: f64, now: OffsetDateTime) -> Result<Vec<String>> {
    let views: Vec<String> = {
        let mut stmt = conn.prepare_cached(
            "SELECT view FROM alert WHERE state = 'active' AND (expires_at IS NULL OR expires_at > ?1)
             AND cap_status IN ('Actual', 'Exercise') ORDER BY id",
        )?;
        stmt.query_map([to_ms(now)], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
    };
    let mut found = Vec::new();
    for view in views {
        let view: AlertView = from_json(&view, "stored alert")?;
        let m = &view.message;
        let target = AlertTarget { id: view.id.clone(), severity: m.severity(), topics: m.topics(), areas: m.match_areas() };
        let inside = AlertIndex::new(vec![target]).is_ok_and(|index| !index.near(lat, lon, 0.0).is_empty());
        if inside {
            found.push(view.id);
        }
    }
    Ok(found)
}

/// Records the warnings a report was filed under.
pub fn tag_report(tx: &Transaction<'_>, report: ReportId, alerts: &[String]) -> Result<()> {
    for a in alerts {
        tx.execute(
            "INSERT INTO report_alert (report_id, alert_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![report.to_string(), a],
        )?;
    }
    Ok(())
}

/// The warnings a report was filed under.
pub fn report_alert_ids(conn: &Connection, report: ReportId) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT alert_id FROM report_alert WHERE report_id = ?1 ORDER BY alert_id")?;
    let ids = stmt.query_map([report.to_string()], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(id: &str, state: AlertState, severity: Severity, exercise: bool, minutes_ago: i64) -> InboxAlert {
        let sent = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000) - time::Duration::minutes(minutes_ago);
        InboxAlert {
            id: id.into(),
            version: 1,
            state,
            severity,
            event: String::new(),
            headline: id.into(),
            description: None,
            instruction: None,
            web: None,
            sender_name: String::new(),
            sent,
            updated_at: sent,
            expires: None,
            areas: Vec::new(),
            topics: Vec::new(),
            cancel_note: None,
            read: false,
            concerns: true,
            exercise,
            notified_at: None,
        }
    }

    #[test]
    fn the_inbox_shows_what_is_in_force_most_severe_first_real_before_drill_then_the_rest_newest_first() {
        use AlertState::{Active, Cancelled, Expired};
        let mut inbox = vec![
            alert("old-expired", Expired, Severity::Extreme, false, 300),
            alert("minor-new", Active, Severity::Minor, false, 1),
            alert("severe-drill", Active, Severity::Severe, true, 5),
            alert("severe-old", Active, Severity::Severe, false, 60),
            alert("cancelled-new", Cancelled, Severity::Severe, false, 2),
            alert("extreme", Active, Severity::Extreme, false, 120),
            alert("severe-new", Active, Severity::Severe, false, 10),
        ];
        inbox_order(&mut inbox);
        let order: Vec<&str> = inbox.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            order,
            ["extreme", "severe-new", "severe-old", "severe-drill", "minor-new", "cancelled-new", "old-expired"],
            "in force by severity (a drill after the real ones), then ended ones newest first whatever their severity"
        );
    }
}
