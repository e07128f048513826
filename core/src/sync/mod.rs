//! Sync: the outbox reaches the city once, whatever the network does, and the city's
//! answers come back.
//!
//! The app decides when to sync (WorkManager, BGTaskScheduler, coming to the foreground)
//! and calls [`Syncer::sync_now`]; the core never starts threads of its own. One sync runs at
//! a time: a second call while one runs joins it and gets the same outcome. Push goes in
//! capture order: each photo (idempotent on its hash), then the report (idempotent on its
//! id); a report becomes "submitted" only once the server's acknowledgement is stored.
//! Pull applies each batch of changes and its cursor in one transaction; a warning
//! (`Change::Alert`) goes through `store::apply_alert`, which keeps it in the inbox and
//! decides on the phone whether it concerns the resident. After the reports go the
//! citizen's ratings, reopenings and "me too"s (`feedback`), in order, each with its key.

mod backoff;
mod feedback;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::sync::watch;

pub use backoff::Backoff;

use crate::city::CityHandle;
use crate::desk::CampaignDesk;
use crate::model::ReportId;
use crate::net::{self as client, DeviceLink, Failure, LinkOptions, Stop};
use crate::protocol::{
    Change, CityConfig, NearbyReport, Page, PublicReport, PushProvider, PushRegistration, ReportReceipt, SubmitReport, SyncBatch,
    WebPushKeys,
};
use crate::store::{self, Durability, Notification, Store};

/// The pull scope of the device's own changes.
const PULL_SCOPE: &str = "device";

/// What the app shows about sync, and what it can observe change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncState {
    /// Nothing to do, or not started yet.
    Idle {
        #[serde(with = "time::serde::rfc3339::option")]
        last_success: Option<OffsetDateTime>,
    },
    /// Sending and fetching.
    Syncing(Progress),
    /// No connection; the outbox waits (nothing is lost).
    Offline,
    /// The server is busy or failed; the next try is due then.
    WaitingToRetry {
        #[serde(with = "time::serde::rfc3339")]
        next_attempt: OffsetDateTime,
    },
    /// Only the user can fix this (e.g. the app's registration was revoked).
    NeedsUser { reason: String },
}

/// How far a push has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Progress {
    pub reports_sent: u32,
    pub reports_total: u32,
    pub bytes_sent: u64,
    pub bytes_total: u64,
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncOutcome {
    /// Reports the server acknowledged in this sync.
    pub submitted: Vec<ReportId>,
    /// Reports the server refused for good, with its reason.
    pub refused: Vec<(ReportId, String)>,
    /// Changes from the city to show the citizen (each raised once).
    pub notifications: Vec<Notification>,
    /// Warnings this sync raised for the resident: show them with
    /// `Civic::take_alert_notifications` (which hands each out once).
    pub alerts_raised: u32,
    /// Clean-up campaign actions this sync delivered.
    pub campaign_sent: u32,
    /// Ratings, reopenings and "me too"s this sync delivered.
    pub feedback_sent: u32,
    /// Those the server refused for good in this sync, with why (`RefusedFeedback::message`
    /// says it to the citizen; `Civic::take_feedback_refusals` hands each out once).
    pub feedback_refused: Vec<crate::feedback::RefusedFeedback>,
    /// The state sync ended in.
    pub state: SyncState,
}

/// Timeouts that fit a slow mobile connection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyncOptions {
    pub connect_timeout: Duration,
    /// Time allowed for any request before its body is counted.
    pub request_timeout: Duration,
    /// Slowest throughput still treated as progress, in bytes per second (a photo upload's
    /// timeout grows with its size).
    pub min_bytes_per_second: u64,
    pub backoff: Backoff,
}

impl SyncOptions {
    /// The link's share of these options.
    pub fn link(&self) -> LinkOptions {
        LinkOptions {
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            min_bytes_per_second: self.min_bytes_per_second,
        }
    }
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            connect_timeout: Duration::from_secs(15),
            request_timeout: Duration::from_secs(30),
            min_bytes_per_second: 8 * 1024,
            backoff: Backoff::default(),
        }
    }
}

type Running = Shared<BoxFuture<'static, SyncOutcome>>;

/// Drives the outbox and the pull for one device.
pub struct Syncer {
    store: Arc<Store>,
    /// For warnings: the wards and communes places may name, and the local time.
    city: CityHandle,
    link: Arc<DeviceLink>,
    /// Campaign actions go with every sync; the screens use the same desk.
    campaigns: Arc<CampaignDesk>,
    options: SyncOptions,
    state: watch::Sender<SyncState>,
    running: Mutex<Option<Running>>,
}

impl Syncer {
    /// A syncer for the device whose data is in `store`, in `city`, talking through `link`;
    /// each sync also delivers what waits on the campaign desk.
    pub fn new(
        store: Arc<Store>,
        city: CityHandle,
        link: Arc<DeviceLink>,
        campaigns: Arc<CampaignDesk>,
        options: SyncOptions,
    ) -> crate::Result<Self> {
        let last_success = store
            .read(|c| store::setting(c, store::settings::LAST_SYNC_SUCCESS))?
            .and_then(|s| OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339).ok());
        let (state, _) = watch::channel(SyncState::Idle { last_success });
        Ok(Syncer { store, city, link, campaigns, options, state, running: Mutex::new(None) })
    }

    /// Green Sunday's desk, sharing this syncer's link (one sender of its actions at a time).
    pub fn campaign_desk(&self) -> Arc<CampaignDesk> {
        Arc::clone(&self.campaigns)
    }

    /// The current state.
    pub fn state(&self) -> SyncState {
        self.state.borrow().clone()
    }

    /// A receiver that sees every change of state.
    pub fn subscribe(&self) -> watch::Receiver<SyncState> {
        self.state.subscribe()
    }

    /// Sends what is due and fetches what changed. If a sync is already running, waits for
    /// it and returns its outcome instead of starting another.
    pub async fn sync_now(self: &Arc<Self>) -> SyncOutcome {
        let run = {
            let mut slot = self.running.lock().unwrap_or_else(|p| p.into_inner());
            match slot.as_ref() {
                Some(run) if run.peek().is_none() => run.clone(),
                _ => {
                    let this = Arc::clone(self);
                    let run = async move { this.run().await }.boxed().shared();
                    *slot = Some(run.clone());
                    run
                }
            }
        };
        run.await
    }

    /// Tells the server how to wake this device for warnings: the push service's token and
    /// the coarse cells (`warning::cells`, about 11 km) around the resident's places. The
    /// places themselves stay on the phone. Call it when the push token changes and after
    /// the subscription does. UnifiedPush needs the subscription's Web Push `keys` (the
    /// server encrypts wake-ups to them); FCM and APNs take `None`.
    pub async fn register_push(
        &self,
        provider: PushProvider,
        push_token: &str,
        keys: Option<WebPushKeys>,
    ) -> crate::Result<PushRegistration> {
        let sub = self.store.read(store::load_subscription)?;
        let wake = crate::warning::cells::wake_cells(&sub, &self.city.get().area);
        let registration = PushRegistration {
            provider,
            token: push_token.to_owned(),
            cells: wake.cells,
            anywhere: wake.anywhere,
            min_severity: sub.min_severity,
            p256dh: keys.as_ref().map(|k| k.p256dh.clone()),
            auth: keys.map(|k| k.auth),
        };
        let token = self.token_or_error().await?;
        let response = self
            .link
            .http()
            .put(self.link.url("/devices/me/push"))
            .bearer_auth(token)
            .timeout(self.options.request_timeout)
            .json(&registration)
            .send()
            .await;
        client::check(response).await?;
        Ok(registration)
    }

    /// Open reports of `category` within `radius_m` (50 m by default, at most 500) of a
    /// point, nearest first: the "me too" offer before sending a duplicate (`Civic::me_too`).
    /// Public data, no token needed. Needs a connection.
    pub async fn nearby(&self, lat: f64, lon: f64, category: &str, radius_m: Option<f64>) -> crate::Result<Vec<NearbyReport>> {
        let mut query = vec![("lat", lat.to_string()), ("lon", lon.to_string()), ("category", category.to_owned())];
        if let Some(r) = radius_m {
            query.push(("radius_m", r.to_string()));
        }
        let mut found: Vec<NearbyReport> = self.link.get("/reports/nearby", &query).await?;
        // A "me too" of this phone still waiting to be sent is counted already.
        let waiting = self.store.read(|c| store::waiting_feedback(c, None))?;
        for n in &mut found {
            if waiting.iter().any(|p| p.report == n.id && p.action == crate::feedback::FeedbackAction::MeToo) {
                n.report.supporters += 1;
            }
        }
        Ok(found)
    }

    /// What the city has done in a box (`[min_lon, min_lat, max_lon, max_lat]`), newest
    /// first, without anyone's personal data: the public map. Needs a connection.
    pub async fn public_reports(&self, bbox: [f64; 4], limit: u32, after: Option<&str>) -> crate::Result<Page<PublicReport>> {
        let bbox = bbox.map(|v| v.to_string()).join(",");
        let mut query = vec![("bbox", bbox), ("limit", limit.to_string())];
        if let Some(a) = after {
            query.push(("after", a.to_owned()));
        }
        Ok(self.link.get("/public/reports", &query).await?)
    }

    /// A photo the server holds (another report's, an official's after-photo), as
    /// metadata-free JPEG bytes. Photos already on the phone are read from it instead.
    pub async fn photo(&self, hash: &str) -> crate::Result<Vec<u8>> {
        match self.store.read(|c| store::photo_bytes(c, hash)) {
            Ok(bytes) => return Ok(bytes),
            Err(crate::Error::PhotoNotFound(_)) => {}
            Err(e) => return Err(e),
        }
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(crate::Error::PhotoNotFound(hash.to_owned()));
        }
        Ok(self.link.get_bytes(&format!("/photos/{hash}")).await?)
    }

    /// Makes every waiting report due now (e.g. the network just came back).
    pub fn retry_now(&self) -> crate::Result<()> {
        self.store.write(Durability::AppCrash, store::make_outbox_due)
    }

    fn set(&self, state: SyncState) {
        self.state.send_replace(state);
    }

    async fn run(self: Arc<Self>) -> SyncOutcome {
        let mut outcome = SyncOutcome {
            submitted: vec![],
            refused: vec![],
            notifications: vec![],
            alerts_raised: 0,
            campaign_sent: 0,
            feedback_sent: 0,
            feedback_refused: vec![],
            state: self.state(),
        };
        let state = match self.run_inner(&mut outcome).await {
            Ok(()) => {
                let now = self.store.now();
                let _ = self.store.write(Durability::AppCrash, |tx| {
                    let stamp = now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
                    store::set_setting(tx, store::settings::LAST_SYNC_SUCCESS, &stamp)
                });
                match self.store.read(store::next_outbox_attempt) {
                    Ok(Some(next_attempt)) => SyncState::WaitingToRetry { next_attempt },
                    _ => SyncState::Idle { last_success: Some(now) },
                }
            }
            Err(Stop::Failure(Failure::Offline(_))) => SyncState::Offline,
            Err(Stop::Failure(Failure::Unauthorized)) => {
                SyncState::NeedsUser { reason: "this device's registration is no longer valid".into() }
            }
            Err(Stop::Failure(f)) => match self.store.read(store::next_outbox_attempt) {
                Ok(Some(next_attempt)) => SyncState::WaitingToRetry { next_attempt },
                _ => SyncState::WaitingToRetry { next_attempt: self.store.now() + self.options.backoff.wait(1, retry_after(&f)) },
            },
            Err(Stop::Local(e)) => SyncState::NeedsUser { reason: e.to_string() },
        };
        self.set(state.clone());
        outcome.state = state;
        outcome
    }

    async fn run_inner(self: &Arc<Self>, outcome: &mut SyncOutcome) -> Result<(), Stop> {
        let token = self.token().await?;
        self.push_profile(&token).await?;
        self.push(&token, outcome).await?;
        self.send_feedback(outcome).await?;
        self.pull(&token, outcome).await?;
        self.send_campaign_actions(outcome).await?;
        self.refresh_joined_campaigns().await
    }

    /// With a campaign joined still ahead (or under way), the campaigns are listed again: one
    /// moved or called off moves or drops its reminders, and a call-off is told to the
    /// resident (`CampaignDesk::take_called_off`). A failure here waits for the next sync.
    async fn refresh_joined_campaigns(&self) -> Result<(), Stop> {
        let now = self.store.now();
        let joined = self.store.read(store::memberships)?;
        let mut ahead = false;
        for m in &joined {
            if let Some(c) = self.store.read(|conn| store::cached_campaign(conn, &m.campaign_id))? {
                ahead |= matches!(crate::campaign::phase_at(&c, now), crate::campaign::Phase::Upcoming | crate::campaign::Phase::Running);
            }
        }
        if !ahead {
            return Ok(());
        }
        // Kept by the listing itself. The network failing waits for the next sync; the phone's
        // own store failing stops it, as everywhere.
        match self.campaigns.fetch().await {
            Ok(_)
            | Err(crate::Error::Offline(_) | crate::Error::ServerBusy(_) | crate::Error::Refused { .. } | crate::Error::Unauthorized) => {
                Ok(())
            }
            Err(e) => Err(Stop::Local(e)),
        }
    }

    /// What the resident did for a clean-up campaign without a connection goes with every
    /// sync too, not only when the campaign's screen is open. A stop (the connection lost
    /// meanwhile) leaves the rest waiting for the next sync.
    async fn send_campaign_actions(self: &Arc<Self>, outcome: &mut SyncOutcome) -> Result<(), Stop> {
        if self.store.read(|c| store::campaign_actions(c, None))?.is_empty() {
            return Ok(());
        }
        let sent = self.campaigns.send().await.map_err(Stop::Local)?;
        outcome.campaign_sent = sent.sent as u32;
        match sent.stopped {
            Some(crate::Error::Offline(why)) => Err(Stop::Failure(Failure::Offline(why))),
            Some(crate::Error::Unauthorized) => Err(Stop::Failure(Failure::Unauthorized)),
            Some(crate::Error::ServerBusy(reason)) => Err(Stop::Failure(Failure::Transient { reason, retry_after: None })),
            _ => Ok(()),
        }
    }

    /// Sends the citizen's name and contact when they changed since the server last had
    /// them. A refusal (a field the server finds too long) is not retried forever.
    async fn push_profile(&self, token: &str) -> Result<(), Stop> {
        let pending = self.store.read(|c| store::setting(c, store::settings::PROFILE_PENDING))?;
        if pending.as_deref() != Some("1") {
            return Ok(());
        }
        let stored = self.store.read(|c| store::setting(c, store::settings::PROFILE))?.unwrap_or_default();
        let profile: crate::protocol::Profile = serde_json::from_str(&stored).unwrap_or_default();
        let request = self.link.http().put(self.link.url("/me")).bearer_auth(token).timeout(self.options.request_timeout).json(&profile);
        match client::check(request.send().await).await {
            Ok(_) | Err(Failure::Refused { .. }) => {}
            Err(f) => return Err(Stop::Failure(f)),
        }
        // Only if nothing changed meanwhile: a newer profile stays pending.
        self.store.write(Durability::AppCrash, |tx| {
            if store::setting(tx, store::settings::PROFILE)?.unwrap_or_default() == stored {
                store::set_setting(tx, store::settings::PROFILE_PENDING, "0")?;
            }
            Ok(())
        })?;
        Ok(())
    }

    /// The device's token for a call the user is waiting on: failures as the core's errors.
    async fn token_or_error(&self) -> crate::Result<String> {
        Ok(self.token().await?)
    }

    /// The device's token, registering the device first if it has none (shown as syncing).
    async fn token(&self) -> Result<String, Stop> {
        if !self.link.has_token() {
            self.set(SyncState::Syncing(Progress::default()));
        }
        self.link.token().await
    }

    async fn push(&self, token: &str, outcome: &mut SyncOutcome) -> Result<(), Stop> {
        let due = self.store.read(|c| store::due_outbox(c, self.store.now()))?;
        if due.is_empty() {
            return Ok(());
        }
        let mut progress = Progress { reports_total: due.len() as u32, ..Progress::default() };
        let mut uploads = Vec::with_capacity(due.len());
        for entry in &due {
            let (report, photos) = self.store.read(|c| store::upload_request(c, entry.report))?;
            progress.bytes_total += photos.iter().map(|(_, b)| b.len() as u64).sum::<u64>();
            uploads.push((entry, report, photos));
        }
        self.set(SyncState::Syncing(progress));
        for (entry, report, photos) in uploads {
            match self.push_one(token, &report, &photos, &mut progress).await {
                Ok(receipt) => {
                    let at = self.store.now();
                    self.store.write(Durability::PowerLoss, |tx| store::mark_submitted(tx, report.id, &receipt.public_number, at))?;
                    outcome.submitted.push(report.id);
                }
                Err(Failure::Refused { detail, .. }) => {
                    self.store.write(Durability::AppCrash, |tx| store::mark_refused(tx, report.id, &detail))?;
                    outcome.refused.push((report.id, detail));
                }
                Err(failure) => {
                    let wait = self.options.backoff.wait(entry.attempts, retry_after(&failure));
                    let next = self.store.now() + wait;
                    let reason = failure.to_string();
                    self.store.write(Durability::AppCrash, |tx| store::mark_retry(tx, report.id, &reason, next))?;
                    // The connection or the server is the problem, not this report: stop here
                    // and keep the rest of the outbox for the next sync, in order.
                    return Err(Stop::Failure(failure));
                }
            }
            progress.reports_sent += 1;
            self.set(SyncState::Syncing(progress));
        }
        Ok(())
    }

    async fn push_one(
        &self,
        token: &str,
        submit: &SubmitReport,
        photos: &[(String, Vec<u8>)],
        progress: &mut Progress,
    ) -> Result<ReportReceipt, Failure> {
        for (hash, bytes) in photos {
            self.link.put_photo(hash, bytes.clone()).await?;
            progress.bytes_sent += bytes.len() as u64;
            self.set(SyncState::Syncing(*progress));
        }
        let response = self
            .link
            .http()
            .post(self.link.url("/reports"))
            .bearer_auth(token)
            .timeout(self.options.request_timeout)
            .json(submit)
            .send()
            .await;
        client::json(response).await
    }

    async fn pull(&self, token: &str, outcome: &mut SyncOutcome) -> Result<(), Stop> {
        let mut reset = false;
        let mut city_version = None;
        loop {
            let cursor = self.store.read(|c| store::cursor(c, PULL_SCOPE))?;
            let mut request = self.link.http().get(self.link.url("/sync")).bearer_auth(token).timeout(self.options.request_timeout);
            if let Some(c) = &cursor {
                request = request.query(&[("cursor", c)]);
            }
            let batch: SyncBatch = match client::json(request.send().await).await {
                Ok(b) => b,
                // The server no longer knows our cursor (restored from backup?): start over once.
                Err(Failure::Refused { kind, .. }) if kind == "bad-cursor" && !reset => {
                    reset = true;
                    self.store.write(Durability::AppCrash, |tx| {
                        tx.execute("DELETE FROM sync_cursor WHERE scope = ?1", [PULL_SCOPE])?;
                        Ok(())
                    })?;
                    continue;
                }
                Err(f) => return Err(Stop::Failure(f)),
            };
            let city = self.city.get();
            let (raised, alerts_raised) = self.store.write(Durability::AppCrash, |tx| {
                let now = self.store.now();
                let (mut raised, mut alerts_raised) = (Vec::new(), 0);
                for change in &batch.changes {
                    match change {
                        Change::Report { id, public_number, status, updated_at, events } => {
                            raised.extend(store::apply_report_change(tx, *id, public_number, *status, *updated_at, events)?);
                        }
                        Change::Alert { alert } => {
                            alerts_raised += u32::from(store::apply_alert(tx, &city, alert, now)?.is_some());
                        }
                        Change::Catalog { .. } => {}
                    }
                }
                store::prune_alerts(tx, now)?;
                store::set_cursor(tx, PULL_SCOPE, &batch.cursor, now)?;
                Ok((raised, alerts_raised))
            })?;
            outcome.notifications.extend(raised);
            outcome.alerts_raised += alerts_raised;
            city_version = batch.city_version.or(city_version);
            if !batch.more {
                self.refresh_city(city_version.as_deref()).await?;
                return self.fetch_timeline_photos().await;
            }
        }
    }

    /// Fetches the city's configuration when the server's version differs from the one kept,
    /// checks it whole and puts it in place: the catalog, the names, the wards and the map
    /// tiles the phone uses from then on, offline too. One that does not check is not taken
    /// (the one before stays; why is kept as the setting `city_config_refused`).
    async fn refresh_city(&self, served: Option<&str>) -> Result<(), Stop> {
        let Some(served) = served else { return Ok(()) };
        if self.store.read(store::city_version)?.as_deref() == Some(served) {
            return Ok(());
        }
        let config: CityConfig = self.link.get("/city", &[]).await?;
        let wards = match self.store.read(store::city_config)? {
            Some((kept, wards)) if kept.wards_sha256 == config.wards_sha256 => wards,
            _ => self.link.get_bytes("/city/wards").await?,
        };
        let now = self.store.now();
        match config.to_city(&wards, self.city.get().former_units.clone()) {
            Ok(city) => {
                self.store.write(Durability::AppCrash, |tx| {
                    store::save_city_config(tx, &config, &wards, now)?;
                    store::clear_setting(tx, store::settings::CITY_CONFIG_REFUSED)
                })?;
                self.city.replace(city);
            }
            Err(e) => {
                self.store.write(Durability::AppCrash, |tx| store::set_setting(tx, store::settings::CITY_CONFIG_REFUSED, &e.to_string()))?
            }
        }
        Ok(())
    }

    /// Downloads the photos officials attached (after-photos), so the report's detail
    /// shows them offline. One that fails is fetched on a later sync.
    async fn fetch_timeline_photos(&self) -> Result<(), Stop> {
        let spot_reports = self.store.read(store::spot_reports_without_photo)?;
        let mut wanted = self.store.read(store::missing_timeline_photos)?;
        for (_, hash) in &spot_reports {
            if !wanted.contains(hash) && !self.store.read(|c| store::photo_exists(c, hash))? {
                wanted.push(hash.clone());
            }
        }
        for hash in wanted {
            let bytes = match self.link.get_bytes(&format!("/photos/{hash}")).await {
                Ok(bytes) => bytes,
                Err(Failure::Refused { .. }) => continue,
                Err(f) => return Err(Stop::Failure(f)),
            };
            store::keep_fetched_photo(&self.store, &hash, &bytes)?;
        }
        // A handed-over spot's report shows the photo its reporter took.
        for (report, hash) in spot_reports {
            if self.store.read(|c| store::photo_exists(c, &hash))? {
                self.store.write(Durability::AppCrash, |tx| store::attach_spot_photo(tx, &report, &hash))?;
            }
        }
        Ok(())
    }
}

fn retry_after(f: &Failure) -> Option<Duration> {
    match f {
        Failure::Transient { retry_after, .. } => *retry_after,
        _ => None,
    }
}
