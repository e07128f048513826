//! Service layer: what citizens say back about reports: "me too" on another's, a rating of
//! the city's outcome on their own, and reopening it within the window.

use civic_core::model::{ActorRole, ReportId, Status, TimelineEvent};
use civic_core::protocol::{Rate, ReportView};

use super::accounts::Caller;
use super::reports::{load_for, new_event};
use super::{AppState, ServiceError, ServiceResult, optional_text, text_field};
use crate::db::{from_ms, report_writes, reports};

/// "Me too" from a device on an open report (counted once per device).
pub async fn support(st: &AppState, caller: &Caller, id: ReportId) -> ServiceResult<()> {
    let device = caller.device()?.to_owned();
    let now = st.now();
    st.db
        .write_concurrent(move |tx| {
            report_writes::lock(tx, id)?;
            let stored = reports::find(tx, id)?.ok_or_else(|| ServiceError::NotFound(format!("there is no report {id}")))?;
            if stored.status.is_outcome() {
                return Err(ServiceError::conflict("report-closed", "this report is already closed"));
            }
            report_writes::support(tx, id, &device, now)?;
            Ok(())
        })
        .await
}

/// The citizen rates the outcome of their own report, 1 to 5 stars, once per outcome; a low
/// rating flags it for the operations centre.
pub async fn rate(st: &AppState, caller: &Caller, id: ReportId, r: Rate) -> ServiceResult<ReportView> {
    let stored = load_for(st, caller, id).await?;
    caller.device()?;
    if !(1..=5).contains(&r.stars) {
        return Err(ServiceError::refused("bad-rating", "a rating is 1 to 5 stars"));
    }
    let comment = optional_text("comment", r.comment.as_deref(), 1000)?;
    let low = r.stars <= st.limits.low_rating;
    let now = st.now();
    st.db
        .write_concurrent(move |tx| {
            report_writes::lock(tx, id)?;
            let stored = reports::get(tx, stored.id)?;
            if !matches!(stored.status, Status::Resolved | Status::Rejected) {
                return Err(ServiceError::conflict("not-rateable", "a report can be rated once it is resolved or rejected"));
            }
            let rated_at = report_writes::rated_at(tx, id)?;
            if rated_at.zip(stored.outcome_at).is_some_and(|(r, o)| r >= o) {
                return Err(ServiceError::conflict("already-rated", "this outcome was already rated"));
            }
            let at = now;
            report_writes::rate(tx, id, r.stars, comment.as_deref(), at)?;
            if low {
                report_writes::flag(tx, id)?;
            }
            let note = Some(Rate { stars: r.stars, comment: comment.clone() }.timeline_note());
            let event = TimelineEvent { rating: Some(r.stars), ..new_event(at, ActorRole::Citizen, None, note) };
            reports::add_event(tx, &stored, &event, None)?;
            let stored = reports::get(tx, id)?;
            Ok(reports::view(tx, &stored)?)
        })
        .await
}

/// The citizen reopens their own resolved or rejected report, with a reason, within the
/// reopen window after its outcome.
pub async fn reopen(st: &AppState, caller: &Caller, id: ReportId, reason: &str) -> ServiceResult<ReportView> {
    load_for(st, caller, id).await?;
    caller.device()?;
    let reason = text_field("reason", reason, 1000, true)?;
    let window = time::Duration::days(st.limits.reopen_days);
    let days = st.limits.reopen_days;
    let now = st.now();
    st.db
        .write_concurrent(move |tx| {
            report_writes::lock(tx, id)?;
            let stored = reports::get(tx, id)?;
            if !matches!(stored.status, Status::Resolved | Status::Rejected) {
                return Err(ServiceError::conflict("not-reopenable", "only a resolved or rejected report can be reopened"));
            }
            let outcome = from_ms(stored.outcome_at.unwrap_or(stored.updated_at))?;
            if now - outcome > window {
                return Err(ServiceError::conflict(
                    "reopen-window-closed",
                    format!("a report can be reopened within {days} days of its outcome"),
                ));
            }
            let at = now;
            report_writes::reopen(tx, id, at)?;
            let event = new_event(at, ActorRole::Citizen, Some(Status::Reopened), Some(reason.clone()));
            reports::add_event(tx, &stored, &event, None)?;
            let stored = reports::get(tx, id)?;
            Ok(reports::view(tx, &stored)?)
        })
        .await
}
