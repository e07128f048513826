//! Service layer: what a device pulls: every change it may see since its cursor, in order
//! (its reports' events, the warnings, the catalog's version).
//!
//! The cursor (`sync_cursor`) is a position in the change log's order; a batch gives the
//! changes after it that the read's snapshot may give (`db::changes`: all of them on SQLite,
//! those below the commit watermark on PostgreSQL). With `more`, the cursor is the last
//! change given; without, it is the snapshot's head: on SQLite the newest change, on
//! PostgreSQL the watermark itself (`p<xmin>.0`), so nothing is read twice and nothing
//! committed later can fall behind it. An answer without changes and with the cursor sent
//! unchanged means nothing new was final for this device when it was read.

use civic_core::model::ReportId;
use civic_core::protocol::{AlertState, Change, SyncBatch};

use super::accounts::Caller;
use super::{AppState, ServiceError, ServiceResult, sync_cursor};
use crate::db::changes::{self, Position};
use crate::db::{from_ms, reports};

/// How often a last batch is read again while changes for the device are committed but held
/// back by an older transaction still running (a citizen who just acted, or whose report an
/// officer just moved, expects to see it at once), waiting 4, 8… 64 ms in between.
const HELD_BACK_READS: u32 = 6;

/// The changes after `cursor` (none or empty: everything), at most `limit` (1 to 1000, 500 by default).
pub async fn sync(st: &AppState, caller: &Caller, cursor: Option<&str>, limit: Option<u32>) -> ServiceResult<SyncBatch> {
    let device = caller.device()?.to_owned();
    let bad = || ServiceError::malformed("bad-cursor", "the cursor is not one this server gave");
    let since = match cursor {
        None | Some("") => Position::default(),
        Some(c) => sync_cursor::parse(c).ok_or_else(bad)?,
    };
    // From the very start (as `c0`, the cursor of an empty log, always was).
    let fresh = since == Position::default();
    let limit = limit.unwrap_or(500).clamp(1, 1000);
    // Which configuration is in force, so a phone holding another fetches it.
    let city_version = st.city_files.config(&st.city, &st.catalog.get()).version.clone();
    // A device already at the head read at the current data version has nothing new: no
    // query. (The version is read before the data, so the head kept under it is never newer
    // than it says; a change becoming readable, a watermark moving included, moves it.)
    if st.sync_head.at(st.db.version()) == Some(since) {
        return Ok(SyncBatch { changes: Vec::new(), cursor: sync_cursor::format(since), more: false, city_version: Some(city_version) });
    }
    let mut reads = 1;
    let batch = loop {
        let version = st.db.version();
        let (batch, head, held_back) = read_batch(st, device.clone(), since, fresh, limit).await?;
        st.sync_head.set(version, head);
        if !held_back || reads >= HELD_BACK_READS {
            break batch;
        }
        // Those transactions commit in a moment: read again then.
        tokio::time::sleep(std::time::Duration::from_millis(2 << reads)).await;
        reads += 1;
    };
    Ok(SyncBatch { city_version: Some(city_version), ..batch })
}

/// The head of the change log as read at a data version: while the version stays, a device
/// whose cursor is there has nothing new, and is told so without a query.
#[derive(Default)]
pub struct Head(std::sync::Mutex<Option<(u64, Position)>>);

impl Head {
    fn at(&self, version: u64) -> Option<Position> {
        let head = *self.0.lock().unwrap_or_else(|p| p.into_inner());
        head.and_then(|(v, position)| (v == version).then_some(position))
    }

    fn set(&self, version: u64, head: Position) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some((version, head));
    }
}

/// One batch from one snapshot, the snapshot's head, and whether that snapshot held back
/// changes for the device (only when it is the last batch: with more to come, the device
/// reads on anyway).
async fn read_batch(st: &AppState, device: String, since: Position, fresh: bool, limit: u32) -> ServiceResult<(SyncBatch, Position, bool)> {
    let catalog_version = st.catalog.get().version;
    let now = st.now();
    st.db
        .read(move |c| {
            let horizon = changes::horizon(c)?;
            if !horizon.reached(since) {
                return Err(ServiceError::malformed("bad-cursor", "the cursor is from the future"));
            }
            let rows = changes::since(c, since, &horizon, &device, limit + 1)?;
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
                        if fresh && alert.state != AlertState::Active {
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
            // the head (of this snapshot) has been seen: nothing can appear below it.
            let cursor = if more { rows.last().map_or(since, |r| r.0) } else { since.max(horizon.head()) };
            let held_back = !more && changes::held_back(c, &horizon, &device)?;
            Ok((SyncBatch { changes, cursor: sync_cursor::format(cursor), more, city_version: None }, horizon.head(), held_back))
        })
        .await
}
