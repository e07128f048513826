//! Service layer: what a device pulls: every change it may see since its cursor, in order
//! (its reports' events, the warnings, the catalog's version).

use civic_core::model::ReportId;
use civic_core::protocol::{AlertState, Change, SyncBatch};

use super::accounts::Caller;
use super::{AppState, ServiceError, ServiceResult};
use crate::db::{changes, from_ms, reports};

/// The changes after `cursor` (none or empty: everything), at most `limit` (1 to 1000, 500 by default).
pub async fn sync(st: &AppState, caller: &Caller, cursor: Option<&str>, limit: Option<u32>) -> ServiceResult<SyncBatch> {
    let device = caller.device()?.to_owned();
    let bad = || ServiceError::malformed("bad-cursor", "the cursor is not one this server gave");
    let since: i64 = match cursor {
        None | Some("") => 0,
        Some(c) => c.strip_prefix("c").and_then(|n| n.parse().ok()).filter(|n: &i64| *n >= 0).ok_or_else(bad)?,
    };
    let limit = limit.unwrap_or(500).clamp(1, 1000);
    // Which configuration is in force, so a phone holding another fetches it.
    let city_version = st.city_files.config(&st.city, &st.catalog.get()).version.clone();
    // The version is read before the data: the head kept under it is never newer than it says.
    let version = st.db.version();
    if st.sync_head.at(version) == Some(since) {
        return Ok(SyncBatch { changes: Vec::new(), cursor: format!("c{since}"), more: false, city_version: Some(city_version) });
    }
    let catalog_version = st.catalog.get().version;
    let now = st.now();
    let (batch, newest) = st
        .db
        .read(move |c| {
            let newest = changes::newest(c)?;
            if since > newest {
                return Err(ServiceError::malformed("bad-cursor", "the cursor is from the future"));
            }
            let rows = changes::since(c, since, &device, limit + 1)?;
            let more = rows.len() > limit as usize;
            let rows = &rows[..rows.len().min(limit as usize)];
            let mut changes: Vec<Change> = Vec::new();
            let mut catalog_announced = false;
            let mut alerts_sent: Vec<&str> = Vec::new();
            for (_, report_id, event_id, kind) in rows {
                match (kind.as_str(), report_id, event_id) {
                    ("report", Some(report_id), Some(event_id)) => {
                        let rid: ReportId = report_id.parse().map_err(|_| ServiceError::internal("stored report id"))?;
                        let Some(event) = reports::event(c, event_id)? else { continue };
                        if let Some(Change::Report { id, events, .. }) = changes.last_mut() {
                            if *id == rid {
                                events.push(event);
                                continue;
                            }
                        }
                        let stored = reports::get(c, rid)?;
                        changes.push(Change::Report {
                            id: rid,
                            public_number: stored.public_number,
                            status: stored.status,
                            updated_at: from_ms(stored.updated_at)?,
                            events: vec![event],
                        });
                    }
                    // A warning changed, for every device: send where it stands now, once per
                    // batch. A device starting from scratch needs only the active ones.
                    ("alert", _, Some(alert_id)) => {
                        if alerts_sent.contains(&alert_id.as_str()) {
                            continue;
                        }
                        alerts_sent.push(alert_id);
                        let alert = super::alerts::view(c, alert_id, now)?;
                        if since == 0 && alert.state != AlertState::Active {
                            continue;
                        }
                        changes.push(Change::Alert { alert: Box::new(alert) });
                    }
                    // A catalog change, for every device: say it once per batch, with the
                    // version in force now.
                    _ => {
                        if !catalog_announced {
                            changes.push(Change::Catalog { version: catalog_version });
                            catalog_announced = true;
                        }
                    }
                }
            }
            // With more to come, resume after the last row sent; otherwise everything up to
            // the newest change (in this snapshot) has been seen. SQLite's single writer
            // makes sequence numbers commit in order, so nothing can appear below `newest`.
            let cursor = if more { rows.last().map_or(since, |r| r.0) } else { newest };
            Ok((SyncBatch { changes, cursor: format!("c{cursor}"), more, city_version: Some(city_version) }, newest))
        })
        .await?;
    st.sync_head.set(version, newest);
    Ok(batch)
}

/// The newest change's sequence as read at a data version: while the version stays, a
/// device whose cursor is there has nothing new, and is told so without a query.
#[derive(Default)]
pub struct Head(std::sync::Mutex<Option<(u64, i64)>>);

impl Head {
    fn at(&self, version: u64) -> Option<i64> {
        let head = *self.0.lock().unwrap_or_else(|p| p.into_inner());
        head.and_then(|(v, seq)| (v == version).then_some(seq))
    }

    fn set(&self, version: u64, newest: i64) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some((version, newest));
    }
}
