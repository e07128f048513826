//! Service layer: reading reports in full: who may see one (its citizen, an official of its
//! unit), a device's own reports, and the pages every list is cut into.

use civic_core::model::{ActorRole, ReportId, Status, TimelineEvent};
use civic_core::protocol::{Page, ReportView};
use uuid::Uuid;

use super::accounts::Caller;
use super::{AppState, ServiceError, ServiceResult};
use crate::db::report_lists::{self, After};
use crate::db::reports::{self, Stored};

/// A new event at `at`.
pub fn new_event(at: time::OffsetDateTime, actor: ActorRole, status: Option<Status>, note: Option<String>) -> TimelineEvent {
    TimelineEvent { id: Uuid::now_v7(), at, actor, status, note, photo: None, duplicate_of: None, rating: None }
}

/// Turns up to `limit + 1` rows (as queried) into a page: the first `limit` as views, and
/// when there were more, the token of the last one shown, keyed on `key` (the sort column).
pub fn page<T, E>(
    stored: &[Stored],
    limit: u32,
    view: impl Fn(&Stored) -> Result<T, E>,
    key: impl Fn(&Stored) -> i64,
) -> Result<Page<T>, E> {
    let limit = limit as usize;
    let items = stored.iter().take(limit).map(view).collect::<Result<Vec<_>, E>>()?;
    let next = if stored.len() > limit { stored.get(limit.saturating_sub(1)).map(|s| page_token(key(s), s.id)) } else { None };
    Ok(Page { items, next })
}

/// A page token over (sort key, id).
pub fn page_token(key: i64, id: ReportId) -> String {
    format!("{key}_{id}")
}

/// Parses a page token (the `next` of a page); anything else is refused.
pub fn parse_page_token(s: &str) -> ServiceResult<After> {
    let bad = || ServiceError::malformed("bad-page-token", "`after` must be the `next` of a previous page");
    let (ms, id) = s.split_once('_').ok_or_else(bad)?;
    let id: ReportId = id.parse().map_err(|_| bad())?;
    Ok((ms.parse().map_err(|_| bad())?, id.to_string()))
}

/// The page position an optional `after` token names.
pub fn after(token: Option<&str>) -> ServiceResult<Option<After>> {
    token.map(parse_page_token).transpose()
}

/// Loads a report the caller may see in full: its own citizen, or an official of its unit
/// (operators see all). Anyone else is told it does not exist.
pub async fn load_for(st: &AppState, caller: &Caller, id: ReportId) -> ServiceResult<Stored> {
    let stored = st.db.read(move |c| reports::find(c, id)).await?;
    let not_found = || ServiceError::NotFound(format!("there is no report {id} you may see"));
    let stored = stored.ok_or_else(not_found)?;
    let allowed = match caller {
        Caller::Device { id } => &stored.device_id == id,
        Caller::Official(o) => o.may_work_on(&stored.unit),
    };
    if allowed { Ok(stored) } else { Err(not_found()) }
}

/// A report in full, with its timeline, for its citizen or an official of its unit.
pub async fn detail(st: &AppState, caller: &Caller, id: ReportId) -> ServiceResult<ReportView> {
    let stored = load_for(st, caller, id).await?;
    Ok(st.db.read(move |c| reports::view(c, &stored)).await?)
}

/// The device's own reports, newest first, a page at a time.
pub async fn mine(st: &AppState, caller: &Caller, after_token: Option<&str>, limit: Option<u32>) -> ServiceResult<Page<ReportView>> {
    let device = caller.device()?.to_owned();
    let limit = limit.unwrap_or(50).clamp(1, 200);
    let after = after(after_token)?;
    Ok(st
        .db
        .read(move |c| {
            let stored = report_lists::of_device(c, &device, after, limit + 1)?;
            page(&stored, limit, |s| reports::view(c, s), |s| s.received_at)
        })
        .await?)
}
