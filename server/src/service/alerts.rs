//! Service layer: warnings as CAP 1.2 alert chains.
//!
//! A chain starts with an Alert message; Updates replace what residents see and a Cancel
//! withdraws it. Every message is kept as received, so the chain's history and each CAP
//! document can be served again; `alert` holds where the chain stands. Each change is
//! written to the change log for every device, so warnings reach phones through sync, and
//! the devices whose places a warning concerns are woken (`warnings::Warnings::wake`).

use civic_core::cap::{self, AlertStatus, MsgType};
use civic_core::protocol::{AlertDetail, AlertState, AlertView, Page, PublishAlert, ReportView, Role};
use time::OffsetDateTime;

use super::accounts::{Caller, Official};
use super::compose::{AREA_CODE, MAX_TEXT, compose, new_identifier, resolve_geocodes, sent_now};
use super::reports::{after, page};
use super::{AppState, Made, ServiceError, ServiceResult, optional_text};
use crate::db::{self, Conn, from_ms, report_lists, reports, to_ms};

fn operator(caller: &Caller) -> ServiceResult<&Official> {
    let o = caller.official()?;
    if o.has(Role::Operator) { Ok(o) } else { Err(ServiceError::Forbidden("only the operations centre publishes warnings".into())) }
}

/// An operator publishes a new warning of what they wrote.
pub async fn publish(st: &AppState, caller: &Caller, req: &PublishAlert) -> ServiceResult<AlertView> {
    operator(caller)?;
    let msg = compose(st, req, MsgType::Alert, Vec::new())?;
    Ok(store(st, msg).await?.1)
}

/// The CAP 1.2 XML `publish` would send for this request, without storing or sending
/// anything (the console's preview). Its identifier and `sent` are the preview's own.
pub async fn preview(st: &AppState, caller: &Caller, req: &PublishAlert) -> ServiceResult<String> {
    operator(caller)?;
    let mut msg = compose(st, req, MsgType::Alert, Vec::new())?;
    msg.check().map_err(|e| ServiceError::refused("invalid-cap", e.to_string()))?;
    resolve_geocodes(st, &mut msg);
    Ok(cap::xml::to_xml(&msg))
}

/// An operator updates a warning (a CAP Update referencing every earlier message of it).
pub async fn update(st: &AppState, caller: &Caller, id: String, req: &PublishAlert) -> ServiceResult<AlertView> {
    operator(caller)?;
    let references = st.db.read(move |c| references(c, &id)).await?;
    let msg = compose(st, req, MsgType::Update, references)?;
    Ok(store(st, msg).await?.1)
}

/// An operator withdraws a warning (a CAP Cancel), with why.
pub async fn cancel(st: &AppState, caller: &Caller, id: String, note: Option<&str>) -> ServiceResult<AlertView> {
    operator(caller)?;
    let note = optional_text("note", note, MAX_TEXT)?;
    let references = st.db.read(move |c| references(c, &id)).await?;
    let mut msg = cap::Alert::new(new_identifier(st), st.warnings.sender.clone(), sent_now(st), MsgType::Cancel);
    msg.note = note;
    msg.references = references;
    Ok(store(st, msg).await?.1)
}

/// An operator publishes a CAP 1.2 XML message from an upstream feed (sent with this
/// content type): an Alert, or an Update or Cancel of one received before. The same message
/// again changes nothing.
pub async fn import(st: &AppState, caller: &Caller, content_type: &str, xml: &[u8]) -> ServiceResult<(Made, AlertView)> {
    operator(caller)?;
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !matches!(mime.as_str(), "application/xml" | "text/xml" | "application/cap+xml") {
        return Err(ServiceError::UnsupportedMedia("send the CAP message as `Content-Type: application/xml`".into()));
    }
    let text = std::str::from_utf8(xml).map_err(|_| ServiceError::refused("invalid-cap", "the message is not UTF-8 text"))?;
    let msg = cap::xml::parse(text).map_err(|e| ServiceError::refused("invalid-cap", e.to_string()))?;
    let (applied, view) = store(st, msg).await?;
    Ok((if applied == Applied::Created { Made::New } else { Made::Before }, view))
}

/// What applying a message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// A new warning.
    Created,
    /// An Update or Cancel of a warning already here.
    Changed,
    /// The very same message was applied before (feeds repeat themselves): nothing changed.
    Repeated,
}

/// Stores a message in one transaction, then wakes the devices it may concern.
async fn store(st: &AppState, mut msg: cap::Alert) -> ServiceResult<(Applied, AlertView)> {
    msg.check().map_err(|e| ServiceError::refused("invalid-cap", e.to_string()))?;
    if matches!(msg.msg_type, MsgType::Alert | MsgType::Update) {
        resolve_geocodes(st, &mut msg);
        if msg.match_areas().is_empty() {
            return Err(ServiceError::refused(
                "no-area",
                format!(
                    "the message's areas have no polygon or circle, and no geocode ({AREA_CODE} or GSO) naming a ward or \
                     commune of {}: phones could not tell whom it concerns",
                    st.city.name.en
                ),
            ));
        }
    }
    let now = st.now();
    let (applied, view, history) = st
        .db
        .write(move |tx| {
            let (applied, view) = apply(tx, &msg, now)?;
            let history = if applied == Applied::Repeated { Vec::new() } else { detail_in(tx, &view.id, now)?.history };
            Ok::<_, ServiceError>((applied, view, history))
        })
        .await?;
    if applied != Applied::Repeated {
        tracing::info!(alert = %view.id, version = view.version, state = ?view.state, "warning published");
        st.warnings.wake(&view, &history, &st.db, now);
    }
    Ok((applied, view))
}

/// Applies one CAP message, already checked by `Alert::check`, in the caller's transaction:
/// a new chain, an update or a cancel. Either all of it is stored or, on an error, nothing.
fn apply(tx: &Conn, msg: &cap::Alert, now: OffsetDateTime) -> ServiceResult<(Applied, AlertView)> {
    match msg.msg_type {
        MsgType::Ack | MsgType::Error => {
            return Err(ServiceError::refused(
                "not-a-warning",
                format!("a {:?} message acknowledges another; only Alert, Update and Cancel are published", msg.msg_type),
            ));
        }
        MsgType::Alert | MsgType::Update | MsgType::Cancel => {}
    }
    if matches!(msg.status, AlertStatus::Test | AlertStatus::Draft | AlertStatus::System) {
        return Err(ServiceError::refused(
            "not-published",
            format!("{:?} messages are not published to residents; send Actual or Exercise", msg.status),
        ));
    }
    let json = serde_json::to_string(msg).map_err(ServiceError::internal)?;
    if let Some((sender, stored, chain)) = db::alerts::message_by_identifier(tx, &msg.identifier)? {
        if sender == msg.sender && stored == json {
            return Ok((Applied::Repeated, view(tx, &chain, now)?));
        }
        return Err(ServiceError::conflict(
            "identifier-taken",
            format!("a different message with identifier {:?} was received before", msg.identifier),
        ));
    }
    let received = now;
    let (status, severity) = (format!("{:?}", msg.status), format!("{:?}", msg.severity()));
    let summary = db::alerts::Summary { status: &status, severity: &severity, expires: msg.expires(), json: &json };
    let msg_type = format!("{:?}", msg.msg_type);
    let message =
        db::alerts::Message { identifier: &msg.identifier, sender: &msg.sender, msg_type: &msg_type, sent: msg.sent, json: &json };
    let (applied, chain) = match msg.msg_type {
        MsgType::Update | MsgType::Cancel => {
            let chain = chain_of(tx, msg)?;
            let (state, version) = db::alerts::state(tx, &chain)?;
            if state == "cancelled" {
                return Err(ServiceError::conflict("alert-cancelled", format!("warning {chain} was cancelled; publish a new one")));
            }
            if msg.msg_type == MsgType::Update {
                db::alerts::update(tx, &chain, version + 1, &summary, received)?;
            } else {
                let note = msg.note.clone().or_else(|| msg.info.first().and_then(|i| i.headline.clone()));
                db::alerts::cancel(tx, &chain, version + 1, note.as_deref(), received)?;
            }
            db::alerts::insert_message(tx, &chain, version + 1, &message, received)?;
            (Applied::Changed, chain)
        }
        _ => {
            db::alerts::insert(tx, &msg.identifier, &summary, received)?;
            db::alerts::insert_message(tx, &msg.identifier, 1, &message, received)?;
            (Applied::Created, msg.identifier.clone())
        }
    };
    db::alerts::announce(tx, &chain)?;
    Ok((applied, view(tx, &chain, now)?))
}

/// The chain an Update or Cancel belongs to: that of the messages it references.
fn chain_of(c: &Conn, msg: &cap::Alert) -> ServiceResult<String> {
    let mut chains = Vec::new();
    for r in &msg.references {
        if let Some(chain) = db::alerts::chain_of(c, &r.identifier, &r.sender)? {
            if !chains.contains(&chain) {
                chains.push(chain);
            }
        }
    }
    match chains.as_slice() {
        [chain] => Ok(chain.clone()),
        [] => Err(ServiceError::refused(
            "unknown-reference",
            format!(
                "this {:?} refers to {}, which this server has not received",
                msg.msg_type,
                msg.references.iter().map(|r| format!("{} from {}", r.identifier, r.sender)).collect::<Vec<_>>().join(", ")
            ),
        )),
        _ => Err(ServiceError::refused(
            "ambiguous-reference",
            format!("this {:?} refers to messages of {} different warnings", msg.msg_type, chains.len()),
        )),
    }
}

fn parse_message(json: &str) -> ServiceResult<cap::Alert> {
    serde_json::from_str(json).map_err(|_| ServiceError::internal("stored alert message is damaged"))
}

/// Where a chain stands now, as devices and the public see it.
pub fn view(c: &Conn, id: &str, now: OffsetDateTime) -> ServiceResult<AlertView> {
    let Some(row) = db::alerts::row(c, id)? else {
        return Err(ServiceError::NotFound(format!("there is no warning {id}")));
    };
    let state = match row.state.as_str() {
        "cancelled" => AlertState::Cancelled,
        _ if row.expires_at.is_some_and(|e| e <= to_ms(now)) => AlertState::Expired,
        _ => AlertState::Active,
    };
    Ok(AlertView {
        id: id.to_owned(),
        version: u32::try_from(row.version).unwrap_or(u32::MAX),
        state,
        updated_at: from_ms(row.updated_at)?,
        message: parse_message(&row.message)?,
        cancel_note: row.cancel_note,
    })
}

/// A chain with every message of it, oldest first, in a transaction already open.
fn detail_in(c: &Conn, id: &str, now: OffsetDateTime) -> ServiceResult<AlertDetail> {
    let alert = view(c, id, now)?;
    let history = db::alerts::history(c, id)?.iter().map(|j| parse_message(j)).collect::<ServiceResult<_>>()?;
    Ok(AlertDetail { alert, history })
}

/// Every message of a chain, oldest first, as references for the next Update or Cancel.
fn references(c: &Conn, id: &str) -> ServiceResult<Vec<cap::Reference>> {
    let history = db::alerts::history(c, id)?.iter().map(|j| parse_message(j)).collect::<ServiceResult<Vec<_>>>()?;
    if history.is_empty() {
        return Err(ServiceError::NotFound(format!("there is no warning {id}")));
    }
    Ok(history.iter().map(cap::Alert::as_reference).collect())
}

/// A warning as it stands, with every message of it, oldest first.
pub async fn detail(st: &AppState, id: String) -> ServiceResult<AlertDetail> {
    let now = st.now();
    st.db.read(move |c| detail_in(c, &id, now)).await
}

/// Warnings newest first: the active ones, or with `include_ended` also the cancelled and
/// expired ones (at most `limit`).
pub async fn list(st: &AppState, include_ended: bool, limit: u32) -> ServiceResult<Vec<AlertView>> {
    let now = st.now();
    st.db.read(move |c| db::alerts::ids(c, include_ended, now, limit)?.iter().map(|id| view(c, id, now)).collect()).await
}

/// One message by its CAP identifier (any message of any chain).
pub async fn message(st: &AppState, identifier: String) -> ServiceResult<Option<cap::Alert>> {
    st.db.read(move |c| db::alerts::message(c, &identifier)?.as_deref().map(parse_message).transpose()).await
}

/// The messages to list in the public CAP feed: the latest of each chain that is active,
/// or cancelled within the last day (so feed readers see the Cancel), newest first.
pub async fn feed(st: &AppState, limit: u32) -> ServiceResult<Vec<cap::Alert>> {
    let now = st.now();
    let day_ago = now - time::Duration::hours(24);
    st.db.read(move |c| db::alerts::latest(c, now, day_ago, limit)?.iter().map(|j| parse_message(j)).collect()).await
}

/// Reports filed inside a warning's area while it was active, newest first, for officials
/// (each sees those of their units; operators all).
pub async fn tagged_reports(
    st: &AppState,
    caller: &Caller,
    id: String,
    after_token: Option<&str>,
    limit: Option<u32>,
) -> ServiceResult<Page<ReportView>> {
    let official = caller.official()?.clone();
    let limit = limit.unwrap_or(50).clamp(1, 200);
    let after = after(after_token)?;
    let now = st.now();
    st.db
        .read(move |c| {
            view(c, &id, now)?;
            let mut stored = Vec::new();
            for s in report_lists::tagged(c, &id, after)? {
                if official.may_work_on(&s.unit) {
                    stored.push(s);
                    if stored.len() > limit as usize {
                        break;
                    }
                }
            }
            Ok(page(&stored, limit, |s| reports::view(c, s), |s| s.received_at)?)
        })
        .await
}
