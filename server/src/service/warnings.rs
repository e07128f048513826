//! Service layer: the warning service's running parts: who signs the CAP messages, the
//! devices' push registrations, and waking the devices a warning may concern through their
//! push services.

use std::sync::{Arc, RwLock};

use civic_core::model::Localized;
use civic_core::protocol::{AlertView, PushProvider, PushRegistration};
use civic_core::warning::Area;

use super::accounts::Caller;
use super::{AppState, ServiceError, ServiceResult};
use crate::db::{Db, DbResult, devices};
use crate::push::{Gateways, PushMetrics, PushPlanner, PushReport, Pusher, RegistrationError, check_registration};

/// The warning service's running parts, shared by every request (`AppState::warnings`).
pub struct Warnings {
    /// The CAP `sender` of the messages operators publish here.
    pub sender: String,
    /// The CAP `senderName`, per language.
    pub sender_name: Localized,
    /// Every device's coarse cells, to find whom a warning may concern.
    planner: Arc<RwLock<PushPlanner>>,
    pusher: Pusher,
}

impl Warnings {
    /// The service with these push gateways (counting into `metrics`) and the registrations
    /// stored in `db`.
    pub async fn load(
        sender: String,
        city: &civic_core::City,
        gateways: Gateways,
        metrics: Arc<PushMetrics>,
        db: &Db,
    ) -> Result<Self, String> {
        // One read transaction, a page at a time: the planner holds every registration, the
        // rows read never all at once.
        let planner = db
            .read(|c| -> DbResult<PushPlanner> {
                let mut planner = PushPlanner::with_capacity(devices::count_push_registrations(c)?);
                let mut after = String::new();
                loop {
                    let page = devices::push_registrations_after(c, &after, LOAD_PAGE)?;
                    let Some(last) = page.last() else { break };
                    after = last.device.clone();
                    page.into_iter().for_each(|stored| load_one(&mut planner, stored));
                }
                Ok(planner)
            })
            .await
            .map_err(|e| e.to_string())?;
        let sender_name = Localized {
            vi: format!("Trung tâm Giám sát, điều hành đô thị thông minh {}", city.name.vi),
            en: format!("Intelligent Operations Centre, {}", city.name.en),
        };
        Ok(Warnings { sender, sender_name, planner: Arc::new(RwLock::new(planner)), pusher: Pusher::new(gateways).with_metrics(metrics) })
    }

    /// Stores how to wake a device, replacing what it said before.
    pub async fn register(&self, db: &Db, device: String, reg: PushRegistration, now: time::OffsetDateTime) -> ServiceResult<()> {
        check_registration(&reg).map_err(|e| {
            let kind = match e {
                RegistrationError::BadCell(_) => "bad-cell",
                RegistrationError::TooManyCells => "too-many-cells",
                _ => "bad-token",
            };
            ServiceError::refused(kind, e.to_string())
        })?;
        // An endpoint this server would POST to: never one inside a network (by name or by
        // number), so a device cannot make the server call its neighbours.
        let endpoint = reqwest::Url::parse(&reg.token);
        if reg.provider == PushProvider::UnifiedPush && !endpoint.is_ok_and(|u| u.scheme() == "https" && crate::outbound::public_url(&u)) {
            return Err(ServiceError::refused("bad-token", "a UnifiedPush endpoint is an https URL on the public internet"));
        }
        let stored = to_stored(device.clone(), &reg).map_err(ServiceError::internal)?;
        db.write_concurrent(move |tx| devices::save_push_registration(tx, &stored, now)).await?;
        // Checked above, so the planner takes it.
        self.write_planner().upsert(&device, reg).map_err(|e| ServiceError::internal(e.to_string()))
    }

    /// Wakes, in the background, the devices whose cells meet any area the warning has had
    /// (an Update may move it; a Cancel must reach those who saw it), so they sync. A push
    /// service keeps the wake-up for an unreachable device until the warning expires.
    pub fn wake(&self, view: &AlertView, history: &[civic_core::cap::Alert], db: &Db, now: time::OffsetDateTime) {
        let mut areas: Vec<Area> = view.message.match_areas();
        for msg in history {
            for area in msg.match_areas() {
                if !areas.contains(&area) {
                    areas.push(area);
                }
            }
        }
        let severity = history.iter().map(|m| m.severity()).chain([view.message.severity()]).max().unwrap_or(view.message.severity());
        // Tried again until the warning ends (an hour without an expiry); the latest
        // message's expiry, as an Update may move it.
        let expires = view.message.expires();
        let ttl_s = view.message.expires().map(|e| ttl_until(e, now));
        let (planner, pusher, db, id) = (self.planner.clone(), self.pusher.clone(), db.clone(), view.id.clone());
        tokio::spawn(async move {
            let planned = {
                let (planner, id) = (planner.clone(), id.clone());
                tokio::task::spawn_blocking(move || read(&planner).plan_devices(&id, &areas, severity)).await
            };
            let Ok(planned) = planned else { return };
            // A batch of wake-ups at a time: never a million messages held at once.
            let mut report = PushReport::default();
            for start in (0..planned.len()).step_by(SEND_BATCH) {
                let mut batch = read(&planner).messages(&planned, start..(start + SEND_BATCH).min(planned.len()));
                batch.iter_mut().for_each(|m| m.ttl_s = ttl_s);
                report.add(pusher.send_until(batch, expires).await);
            }
            tracing::info!(
                alert = %id,
                planned = planned.len(),
                sent = report.sent,
                retried = report.retried,
                failed = report.failed,
                gone = report.gone.len(),
                "woke devices"
            );
            for (provider, e) in &report.errors {
                tracing::warn!(alert = %id, ?provider, "push batch refused: {e}");
            }
            if report.gone.is_empty() {
                return;
            }
            let gone: Vec<String> = report.gone.iter().map(|d| d.to_string()).collect();
            {
                let mut planner = planner.write().unwrap_or_else(|p| p.into_inner());
                for device in &gone {
                    planner.remove(device);
                }
            }
            let forgotten = db
                .write(move |tx| -> DbResult<()> {
                    for device in &gone {
                        devices::forget_push_registration(tx, device)?;
                    }
                    Ok(())
                })
                .await;
            if let Err(e) = forgotten {
                tracing::warn!("forgetting gone push tokens: {e}");
            }
        });
    }

    fn write_planner(&self) -> std::sync::RwLockWriteGuard<'_, PushPlanner> {
        // A panic while planning leaves the index as it was: keep using it.
        self.planner.write().unwrap_or_else(|p| p.into_inner())
    }
}

/// A registration as it is stored: the Web Push keys in their own columns, the rest as JSON.
pub fn to_stored(device: String, reg: &PushRegistration) -> serde_json::Result<devices::StoredPush> {
    let json = serde_json::to_string(&PushRegistration { p256dh: None, auth: None, ..reg.clone() })?;
    Ok(devices::StoredPush { device, registration: json, p256dh: reg.p256dh.clone(), auth: reg.auth.clone() })
}

/// Wake-ups made and handed to the push services at once (a few MB).
const SEND_BATCH: usize = 50_000;

/// Registrations read at once at start-up.
const LOAD_PAGE: usize = 10_000;

/// Puts a stored registration in the planner. One stored by an older version that this one
/// refuses (a UnifiedPush one without Web Push keys, say) is skipped: the device registers
/// again on its next start.
fn load_one(planner: &mut PushPlanner, stored: devices::StoredPush) {
    let device = stored.device;
    match serde_json::from_str::<PushRegistration>(&stored.registration) {
        Ok(mut reg) => {
            reg.p256dh = stored.p256dh.or(reg.p256dh);
            reg.auth = stored.auth.or(reg.auth);
            if let Err(e) = planner.upsert(&device, reg) {
                tracing::warn!(%device, "stored push registration skipped: {e}");
            }
        }
        Err(e) => tracing::warn!(%device, "stored push registration unreadable: {e}"),
    }
}

/// The longest a push service is asked to keep a wake-up: four weeks, what the services take.
const MAX_TTL_S: i64 = 28 * 24 * 3600;

/// Seconds from `now` until `expires`: 0 once past (deliver now or never), at most
/// [`MAX_TTL_S`].
fn ttl_until(expires: time::OffsetDateTime, now: time::OffsetDateTime) -> u32 {
    u32::try_from((expires - now).whole_seconds().clamp(0, MAX_TTL_S)).unwrap_or(0)
}

fn read(planner: &RwLock<PushPlanner>) -> std::sync::RwLockReadGuard<'_, PushPlanner> {
    planner.read().unwrap_or_else(|p| p.into_inner())
}

/// A device says how to wake it for warnings: its push token and the coarse cells around
/// its resident's places (never the places).
pub async fn register_push(st: &AppState, caller: &Caller, reg: PushRegistration) -> ServiceResult<()> {
    let device = caller.device()?.to_owned();
    st.warnings.register(&st.db, device, reg, st.now()).await
}
