//! Service layer: officials' work on reports: their inbox, moving a report on under the
//! lifecycle's rules, replying to the citizen, and the reply templates.

use civic_core::model::{ActorRole, Localized, ReportId, Status};
use civic_core::protocol::{ChangeStatus, Page, ReplyTemplate, ReportView, Role};
use serde::Deserialize;

use super::accounts::Caller;
use super::reports::{after, load_for, new_event, page};
use super::{AppState, ServiceError, ServiceResult, optional_text, text_field};
use crate::db::report_lists::{self, Inbox};
use crate::db::{DbResult, photos, report_writes, reports, templates};
use crate::state::Metrics;

/// What an inbox lists.
#[derive(Debug, Default, Clone)]
pub struct InboxFilter {
    /// Only reports with this status (by default every open one).
    pub status: Option<Status>,
    /// Only reports in this ward or commune (its official code).
    pub ward: Option<String>,
    /// The `next` token of the previous page.
    pub after: Option<String>,
    /// Reports per page, 1 to 200 (50 by default).
    pub limit: Option<u32>,
}

/// The open reports of the official's units (operators: all), the most overdue first.
pub async fn inbox(st: &AppState, caller: &Caller, f: InboxFilter) -> ServiceResult<Page<ReportView>> {
    let official = caller.official()?.clone();
    let limit = f.limit.unwrap_or(50).clamp(1, 200);
    let after = after(f.after.as_deref())?;
    Ok(st
        .db
        .read(move |c| {
            let q = Inbox { all_units: official.has(Role::Operator), units: &official.units, status: f.status, ward: f.ward.as_deref() };
            let stored = report_lists::inbox(c, &q, after, limit + 1)?;
            page(&stored, limit, |s| reports::view(c, s), |s| s.due_at)
        })
        .await?)
}

/// Moves a report on under the lifecycle's rules: a rejection needs a reason, a resolution a
/// note and an after-photo taken near the report; only the operations centre routes to
/// another unit, and only the citizen reopens.
pub async fn change_status(st: &AppState, caller: &Caller, id: ReportId, req: ChangeStatus) -> ServiceResult<ReportView> {
    let official = caller.official()?.clone();
    // Another unit's officer is told the report does not exist.
    let stored = load_for(st, caller, id).await?;
    let note = optional_text("note", req.note.as_deref(), 2000)?;
    let actor = if official.has(Role::Operator) { ActorRole::Operator } else { ActorRole::Officer };
    match req.to {
        Status::Rejected if note.is_none() => {
            return Err(ServiceError::refused("reason-required", "a rejection needs a reason (`note`)"));
        }
        Status::Resolved => {
            if note.is_none() {
                return Err(ServiceError::refused("note-required", "say what was done (`note`)"));
            }
            let (Some(_), Some(at)) = (&req.photo, &req.photo_location) else {
                return Err(ServiceError::refused("after-photo-required", "a resolution needs an after-photo and where it was taken"));
            };
            let d = civic_core::area::distance_m((at.lat, at.lon), (stored.location.lat, stored.location.lon));
            if d > st.limits.after_photo_radius_m {
                return Err(ServiceError::refused(
                    "after-photo-too-far",
                    format!(
                        "the after-photo was taken {d:.0} m from the report; it must be within {:.0} m",
                        st.limits.after_photo_radius_m
                    ),
                ));
            }
        }
        Status::Assigned => {
            if let Some(unit) = &req.unit {
                if st.catalog.get().unit(unit).is_none() {
                    return Err(ServiceError::refused("unknown-unit", format!("there is no unit {unit:?}")));
                }
                if unit != &stored.unit && !official.has(Role::Operator) {
                    return Err(ServiceError::Forbidden("only the operations centre routes a report to another unit".into()));
                }
            }
        }
        Status::Reopened => {
            return Err(ServiceError::conflict("illegal-transition", "only the citizen reopens a report"));
        }
        Status::Draft | Status::Queued | Status::Submitted | Status::Received => {
            return Err(ServiceError::conflict("illegal-transition", format!("a report cannot be moved back to {}", req.to)));
        }
        _ => {}
    }
    let now = st.now();
    let view = st
        .db
        .write_concurrent(move |tx| {
            report_writes::lock(tx, id)?;
            let stored = reports::get(tx, id)?;
            if !stored.status.can_move_to(req.to) {
                return Err(ServiceError::conflict(
                    "illegal-transition",
                    format!("a report that is {} cannot become {}", stored.status, req.to),
                ));
            }
            if let Some(photo) = &req.photo {
                if !photos::known(tx, photo)? {
                    return Err(ServiceError::refused("photo-missing", format!("photo {photo} was not uploaded first")));
                }
            }
            let duplicate_of = match (&req.to, &req.duplicate_of) {
                (Status::Duplicate, Some(number)) => {
                    let original = reports::find_by_number(tx, number)?
                        .ok_or_else(|| ServiceError::refused("unknown-original", format!("there is no report {number}")))?;
                    if original.id == stored.id {
                        return Err(ServiceError::refused("unknown-original", "a report cannot duplicate itself"));
                    }
                    Some(original.id)
                }
                (Status::Duplicate, None) => {
                    return Err(ServiceError::refused("original-required", "name the original report (`duplicate_of`)"));
                }
                _ => None,
            };
            let at = now;
            let unit = req.unit.clone().unwrap_or(stored.unit.clone());
            let outcome = req.to.is_outcome().then_some(at);
            report_writes::set_status(tx, id, req.to, &unit, at, outcome, duplicate_of)?;
            let mut event = new_event(at, actor, Some(req.to), note.clone());
            event.photo = req.photo.clone();
            event.duplicate_of = duplicate_of;
            reports::add_event(tx, &stored, &event, Some(&official.username))?;
            let stored = reports::get(tx, id)?;
            Ok(reports::view(tx, &stored)?)
        })
        .await?;
    Metrics::inc(&st.metrics.status_changes);
    Ok(view)
}

/// An official's message to the citizen, on the report's timeline.
pub async fn reply(st: &AppState, caller: &Caller, id: ReportId, text: &str) -> ServiceResult<ReportView> {
    let official = caller.official()?.clone();
    let stored = load_for(st, caller, id).await?;
    let text = text_field("text", text, 2000, true)?;
    let actor = if official.has(Role::Operator) { ActorRole::Operator } else { ActorRole::Officer };
    let now = st.now();
    Ok(st
        .db
        .write_concurrent(move |tx| {
            let event = new_event(now, actor, None, Some(text.clone()));
            report_writes::touch(tx, id, event.at)?;
            reports::add_event(tx, &stored, &event, Some(&official.username))?;
            let stored = reports::get(tx, id)?;
            reports::view(tx, &stored)
        })
        .await?)
}

/// The reply templates officials pick from.
pub async fn templates(st: &AppState, caller: &Caller) -> ServiceResult<Vec<ReplyTemplate>> {
    caller.official()?;
    Ok(st.db.read(templates::list).await?)
}

/// A reply template to add (`POST /api/v1/reply-templates`, operators and admins).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTemplate {
    pub title: Localized,
    pub text: Localized,
}

/// Adds a reply template in Vietnamese and English (operators and admins).
pub async fn add_template(st: &AppState, caller: &Caller, t: NewTemplate) -> ServiceResult<ReplyTemplate> {
    let o = caller.official()?;
    if !(o.has(Role::Operator) || o.has(Role::Admin)) {
        return Err(ServiceError::Forbidden("only the operations centre manages templates".into()));
    }
    let f = |name, v: &str, max| text_field(name, v, max, true);
    let title = Localized { vi: f("title.vi", &t.title.vi, 100)?, en: f("title.en", &t.title.en, 100)? };
    let text = Localized { vi: f("text.vi", &t.text.vi, 2000)?, en: f("text.en", &t.text.en, 2000)? };
    Ok(st
        .db
        .write(move |tx| -> DbResult<_> {
            let id = templates::insert(tx, &title, &text)?;
            Ok(ReplyTemplate { id, title, text })
        })
        .await?)
}
