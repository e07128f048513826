//! `CivicApp`: the citizen's side of Civic on one phone, as the apps call it.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use civic_core::model::{Lang, ReportId};
use civic_core::net::TokenStore;
use civic_core::sync::{SyncOptions, Syncer};
use civic_core::{City, Civic};

use crate::error::CivicError;
use crate::public::{CityReportPage, NearbyReport};
use crate::types::*;

type Result<T> = std::result::Result<T, CivicError>;

/// Secure storage for the device's token: Android Keystore-backed preferences, the iOS
/// Keychain. Implemented by the app.
#[uniffi::export(with_foreign)]
pub trait TokenStorage: Send + Sync {
    /// The stored token, if any.
    fn load(&self) -> Option<String>;
    /// Stores the token, replacing any other; false if it could not be stored.
    fn save(&self, token: String) -> bool;
    /// Forgets the token.
    fn clear(&self);
}

/// Hears how sync stands and what each sync brought.
#[uniffi::export(with_foreign)]
pub trait SyncListener: Send + Sync {
    /// Sync moved to this state (idle, syncing with progress, offline…).
    fn on_state(&self, state: SyncState);
    /// A sync finished: what it sent and what the city answered.
    fn on_synced(&self, outcome: SyncOutcome);
}

/// The listeners that hear finished syncs, by subscription id.
type Listeners = Arc<Mutex<Vec<(u64, Arc<dyn SyncListener>)>>>;

/// A running subscription; `cancel()` (or dropping it) stops it.
#[derive(uniffi::Object)]
pub struct TaskHandle {
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
    listeners: Listeners,
    id: u64,
}

#[uniffi::export]
impl TaskHandle {
    /// Stops the subscription; the listener hears nothing more.
    pub fn cancel(&self) {
        if let Some(task) = self.task.lock().unwrap_or_else(|p| p.into_inner()).take() {
            task.abort();
        }
        self.listeners.lock().unwrap_or_else(|p| p.into_inner()).retain(|(id, _)| *id != self.id);
    }
}

impl Drop for TaskHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// The runtime sync and observers run on: two threads, started on first use.
pub(crate) fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<std::result::Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("civic-core")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| CivicError::Storage { user_message: format!("cannot start the sync runtime: {e}") })
}

struct Tokens(Arc<dyn TokenStorage>);

impl TokenStore for Tokens {
    fn load(&self) -> Option<String> {
        self.0.load()
    }
    fn save(&self, token: &str) -> std::result::Result<(), String> {
        if self.0.save(token.to_owned()) { Ok(()) } else { Err("the platform's secure storage refused the token".into()) }
    }
    fn clear(&self) {
        self.0.clear()
    }
}

/// Civic on this phone: drafts, the outbox, my reports, warnings, sync.
#[derive(uniffi::Object)]
pub struct CivicApp {
    civic: Civic,
    syncer: Arc<Syncer>,
    lang: Mutex<Lang>,
    listeners: Listeners,
    next_listener: Mutex<u64>,
}

impl CivicApp {
    /// The phone's store, for an official signed in on it (their actions made offline).
    pub(crate) fn official_desk(&self, client: Arc<civic_core::desk::OfficialClient>) -> civic_core::desk::OfficialDesk {
        self.civic.official_desk(client)
    }

    pub(crate) fn language(&self) -> Lang {
        self.lang()
    }

    pub(crate) fn civic_handle(&self) -> &Civic {
        &self.civic
    }

    pub(crate) fn syncer_handle(&self) -> Arc<Syncer> {
        self.syncer.clone()
    }

    pub(crate) fn civic_city(&self) -> Arc<civic_core::City> {
        self.civic.city()
    }

    fn lang(&self) -> Lang {
        *self.lang.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn err(&self) -> impl Fn(civic_core::Error) -> CivicError + '_ {
        let lang = self.lang();
        move |e| CivicError::from_core(e, lang)
    }

    fn id(&self, id: &str) -> Result<ReportId> {
        id.parse().map_err(|_| CivicError::NotFound { user_message: self.not_found() })
    }

    fn not_found(&self) -> String {
        civic_core::Error::ReportNotFound(ReportId::new()).message(self.lang())
    }
}

#[uniffi::export]
impl CivicApp {
    /// Opens Civic on the app's data directory (created if needed), talking to `server_url`,
    /// showing text in `language` ("vi" or "en"). Huế's configuration is built in.
    #[uniffi::constructor]
    pub fn open(data_dir: String, server_url: String, language: String, tokens: Arc<dyn TokenStorage>) -> Result<Arc<Self>> {
        let lang: Lang = language.parse().unwrap_or_default();
        let err = |e: civic_core::Error| CivicError::from_core(e, lang);
        let city = City::hue_compact().map_err(|e| err(e.into()))?;
        let civic = Civic::open(Path::new(&data_dir), city).map_err(err)?;
        let syncer = civic.syncer(&server_url, Arc::new(Tokens(tokens)), SyncOptions::default()).map_err(err)?;
        Ok(Arc::new(CivicApp {
            civic,
            syncer,
            lang: Mutex::new(lang),
            listeners: Arc::new(Mutex::new(Vec::new())),
            next_listener: Mutex::new(0),
        }))
    }

    /// Shows text in "vi" or "en" from now on.
    pub fn set_language(&self, language: String) {
        *self.lang.lock().unwrap_or_else(|p| p.into_inner()) = language.parse().unwrap_or_default();
    }

    // --- Capture ---

    /// Starts a new report, saved at once.
    pub fn start_draft(&self) -> Result<Draft> {
        Ok(self.civic.start_draft().map_err(self.err())?.into())
    }

    pub fn draft(&self, id: String) -> Result<Draft> {
        Ok(self.civic.draft(self.id(&id)?).map_err(self.err())?.into())
    }

    /// Where the draft's photos say they were taken (those that recorded it): offered again as
    /// "use the photo's location" when a draft is resumed.
    pub fn photo_locations(&self, draft: String) -> Result<Vec<PhotoLocation>> {
        let found = self.civic.draft_photo_locations(self.id(&draft)?).map_err(self.err())?;
        Ok(found.into_iter().map(|(hash, fix)| PhotoLocation { hash, fix: fix.into() }).collect())
    }

    /// Unsent drafts, newest first.
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        Ok(self.civic.drafts().map_err(self.err())?.into_iter().map(Into::into).collect())
    }

    /// Attaches a photo (JPEG or PNG bytes): resized, metadata stripped, stored.
    pub fn attach_photo(&self, draft: String, bytes: Vec<u8>) -> Result<AttachedPhoto> {
        let attached = self.civic.attach_photo(self.id(&draft)?, &bytes).map_err(self.err())?;
        Ok(attached_photo(attached, self.civic.now()))
    }

    /// Attaches a photo from a file the app can read (the camera's output).
    pub fn attach_photo_file(&self, draft: String, path: String) -> Result<AttachedPhoto> {
        let attached = self.civic.attach_photo_file(self.id(&draft)?, Path::new(&path)).map_err(self.err())?;
        Ok(attached_photo(attached, self.civic.now()))
    }

    pub fn remove_photo(&self, draft: String, hash: String) -> Result<()> {
        self.civic.remove_photo(self.id(&draft)?, &hash).map_err(self.err())
    }

    /// A stored photo's JPEG bytes (metadata-free).
    pub fn photo(&self, hash: String) -> Result<Vec<u8>> {
        self.civic.photo(&hash).map_err(self.err())
    }

    /// Sets where the problem is; says which ward or commune that is.
    pub fn set_location(&self, draft: String, fix: LocationFix) -> Result<AreaCheck> {
        Ok(area_check(self.civic.set_location(self.id(&draft)?, fix.into()).map_err(self.err())?, self.lang()))
    }

    /// Uses the position a photo recorded.
    pub fn use_photo_location(&self, draft: String, photo_hash: String) -> Result<AreaCheck> {
        Ok(area_check(self.civic.use_photo_location(self.id(&draft)?, &photo_hash).map_err(self.err())?, self.lang()))
    }

    pub fn set_category(&self, draft: String, code: String) -> Result<()> {
        self.civic.set_category(self.id(&draft)?, &code).map_err(self.err())
    }

    /// Answers (or, with none, clears) a question of the draft's category.
    pub fn set_answer(&self, draft: String, question: String, answer: Option<Answer>) -> Result<()> {
        self.civic.set_answer(self.id(&draft)?, &question, answer.map(Into::into)).map_err(self.err())
    }

    pub fn set_description(&self, draft: String, text: String) -> Result<()> {
        self.civic.set_description(self.id(&draft)?, &text).map_err(self.err())
    }

    /// Hides the citizen's name and contact from the officials.
    pub fn set_anonymous(&self, draft: String, anonymous: bool) -> Result<()> {
        self.civic.set_anonymous(self.id(&draft)?, anonymous).map_err(self.err())
    }

    pub fn discard_draft(&self, draft: String) -> Result<()> {
        self.civic.discard_draft(self.id(&draft)?).map_err(self.err())
    }

    /// What the draft still needs: "photo", "location", "category", "answer:<question>".
    pub fn missing(&self, draft: String) -> Result<Vec<String>> {
        let missing = self.civic.missing(self.id(&draft)?).map_err(self.err())?;
        match CivicError::from_core(civic_core::Error::Incomplete(missing), self.lang()) {
            CivicError::Incomplete { missing, .. } => Ok(missing),
            _ => Ok(Vec::new()),
        }
    }

    /// Sends the report: from now on it is safe on the phone and waits in the outbox.
    pub fn send(&self, draft: String) -> Result<Report> {
        Ok(report(self.civic.send(self.id(&draft)?).map_err(self.err())?, self.lang()))
    }

    // --- Screens ---

    /// My reports, newest first (only `statuses`, if any), a page at a time.
    pub fn my_reports(&self, statuses: Vec<ReportStatus>, limit: u32, after: Option<String>) -> Result<ReportPage> {
        let statuses: Vec<civic_core::model::Status> = statuses.into_iter().map(Into::into).collect();
        let page = self.civic.my_reports(&statuses, limit, after.as_deref()).map_err(self.err())?;
        Ok(report_page(page, self.lang()))
    }

    pub fn report(&self, id: String) -> Result<ReportDetail> {
        let id = self.id(&id)?;
        let d = self.civic.report(id).map_err(self.err())?;
        let refusal = self.civic.refusal(id).map_err(self.err())?;
        let (rating, can_rate) = (d.rating(), d.can_rate());
        Ok(ReportDetail {
            report: report(d.report, self.lang()),
            timeline: d.timeline.into_iter().map(Into::into).collect(),
            alerts: d.alerts,
            refusal,
            rating,
            can_rate,
        })
    }

    pub fn outbox(&self) -> Result<Outbox> {
        Ok(self.civic.outbox().map_err(self.err())?.into())
    }

    /// What the city did on my reports that I have not seen yet.
    pub fn notifications(&self) -> Result<Vec<ReportNotification>> {
        Ok(self.civic.notifications().map_err(self.err())?.into_iter().map(Into::into).collect())
    }

    pub fn mark_notifications_seen(&self, events: Vec<String>) -> Result<()> {
        let ids: Vec<_> = events.iter().filter_map(|e| e.parse().ok()).collect();
        self.civic.mark_notifications_seen(&ids).map_err(self.err())
    }

    /// The categories a report may have, for the picker.
    pub fn categories(&self) -> Vec<Category> {
        let lang = self.lang();
        let catalog = &self.civic.city().catalog;
        catalog.categories().iter().filter(|c| c.active).map(|c| category(c, &catalog.groups, lang)).collect()
    }

    /// Categories matching what the citizen typed (accents optional), best first.
    pub fn search_categories(&self, query: String) -> Vec<Category> {
        let lang = self.lang();
        let catalog = &self.civic.city().catalog;
        catalog.search(&query, lang).into_iter().map(|c| category(c, &catalog.groups, lang)).collect()
    }

    /// The map tiles to show and their credits: the city's tile server once the server has
    /// named it (never OpenStreetMap's volunteer servers at a city's scale, unless nothing
    /// else is configured).
    pub fn map_tiles(&self) -> MapTiles {
        let city = self.civic.city();
        let lang = self.lang();
        MapTiles {
            url_template: city.tile_url.clone(),
            credits: city.map_credits(lang),
            boundary_credits: city.credits.get(lang).to_owned(),
        }
    }

    /// The city's wards and communes in alphabetical order, for choosing one as a place to follow.
    pub fn wards(&self) -> Vec<PlaceName> {
        let lang = self.lang();
        self.civic.city().area.wards_by_name(lang).into_iter().map(|w| place(w.clone(), lang)).collect()
    }

    /// The topics of warnings a resident can follow, named in the app's language.
    pub fn warning_topics(&self) -> Vec<WarningTopic> {
        let vi = self.lang() == Lang::Vi;
        civic_core::warning::TOPICS
            .iter()
            .map(|(code, name_vi, name_en)| WarningTopic {
                code: (*code).to_owned(),
                name: (if vi { name_vi } else { name_en }).to_string(),
            })
            .collect()
    }

    /// Whether a point is in the service area, and where.
    pub fn check_point(&self, lat: f64, lon: f64) -> Result<AreaCheck> {
        let m = self.civic.city().area.locate(lat, lon).map_err(|e| self.err()(e.into()))?;
        Ok(area_check(m, self.lang()))
    }

    // --- Warnings ---

    pub fn subscription(&self) -> Result<WarningSubscription> {
        Ok(self.civic.subscription().map_err(self.err())?.into())
    }

    pub fn set_subscription(&self, subscription: WarningSubscription) -> Result<()> {
        self.civic.set_subscription(&subscription.into()).map_err(self.err())
    }

    pub fn add_place(&self, place: SavedPlace) -> Result<()> {
        self.civic.add_place(place.into()).map_err(self.err())
    }

    pub fn remove_place(&self, name: String) -> Result<bool> {
        self.civic.remove_place(&name).map_err(self.err())
    }

    /// Where the resident is now (only kept while they follow "where I am now").
    pub fn set_position(&self, lat: f64, lon: f64) -> Result<()> {
        self.civic.set_position(lat, lon).map_err(self.err())
    }

    /// The warnings that concern the resident, newest first.
    pub fn alerts(&self, include_ended: bool) -> Result<Vec<Warning>> {
        Ok(self.civic.alerts(include_ended).map_err(self.err())?.into_iter().map(Into::into).collect())
    }

    /// The citizen's name and contact (empty until given).
    pub fn profile(&self) -> Result<CitizenProfile> {
        Ok(self.civic.profile().map_err(self.err())?.into())
    }

    /// Keeps the citizen's name and contact and sends them with the next sync; blank fields
    /// are cleared. A field over its limit is `InvalidInput`.
    pub fn set_profile(&self, profile: CitizenProfile) -> Result<()> {
        self.civic.set_profile(&profile.into()).map_err(self.err())
    }

    /// One warning with its areas and history, or `NotFound`.
    pub fn warning(&self, id: String) -> Result<WarningDetail> {
        let lang = self.lang();
        match self.civic.alert(&id).map_err(self.err())? {
            Some(detail) => Ok(warning_detail(detail, lang)),
            None => Err(CivicError::from_core(civic_core::Error::AlertNotFound(id), lang)),
        }
    }

    pub fn mark_alert_read(&self, id: String) -> Result<()> {
        self.civic.mark_alert_read(&id).map_err(self.err())
    }

    pub fn unread_alerts(&self) -> Result<u32> {
        self.civic.unread_alerts().map_err(self.err())
    }

    /// Warnings to show now, each handed out once.
    pub fn take_alert_notifications(&self) -> Result<Vec<WarningNotification>> {
        Ok(self.civic.take_alert_notifications().map_err(self.err())?.into_iter().map(Into::into).collect())
    }

    // --- Sync ---

    /// How sync stands now.
    pub fn sync_state(&self) -> SyncState {
        self.syncer.state().into()
    }

    /// Makes every waiting report due now (the network came back).
    pub fn retry_now(&self) -> Result<()> {
        self.syncer.retry_now().map_err(self.err())
    }

    /// Hears every change of sync state and every finished sync until the handle is
    /// cancelled or dropped.
    pub fn subscribe(&self, listener: Arc<dyn SyncListener>) -> Result<Arc<TaskHandle>> {
        let id = {
            let mut next = self.next_listener.lock().unwrap_or_else(|p| p.into_inner());
            *next += 1;
            *next
        };
        self.listeners.lock().unwrap_or_else(|p| p.into_inner()).push((id, listener.clone()));
        let mut states = self.syncer.subscribe();
        let task = runtime()?.spawn(async move {
            while states.changed().await.is_ok() {
                let state: SyncState = states.borrow_and_update().clone().into();
                listener.on_state(state);
            }
        });
        Ok(Arc::new(TaskHandle { task: Mutex::new(Some(task)), listeners: self.listeners.clone(), id }))
    }
}

#[uniffi::export]
impl CivicApp {
    /// Sends what waits and fetches what changed; joins a sync already running.
    pub async fn sync_now(&self) -> Result<SyncOutcome> {
        let syncer = self.syncer.clone();
        let outcome: SyncOutcome = runtime()?
            .spawn(async move { syncer.sync_now().await })
            .await
            .map_err(|e| CivicError::Storage { user_message: format!("sync stopped: {e}") })?
            .into();
        let listeners: Vec<Arc<dyn SyncListener>> =
            self.listeners.lock().unwrap_or_else(|p| p.into_inner()).iter().map(|(_, l)| l.clone()).collect();
        for listener in listeners {
            listener.on_synced(outcome.clone());
        }
        Ok(outcome)
    }

    /// Rates the city's answer to a report (1 to 5 stars). Needs a connection.
    pub async fn rate(&self, report: String, stars: u8, comment: Option<String>) -> Result<()> {
        let (id, syncer, lang) = (self.id(&report)?, self.syncer.clone(), self.lang());
        on_runtime(async move { syncer.rate(id, stars, comment).await }, lang).await
    }

    /// Reopens a report that is not fixed, saying why. Needs a connection.
    pub async fn reopen(&self, report: String, reason: String) -> Result<()> {
        let (id, syncer, lang) = (self.id(&report)?, self.syncer.clone(), self.lang());
        on_runtime(async move { syncer.reopen(id, &reason).await }, lang).await
    }

    /// Open reports of `category` within 50 m of a point, nearest first: offered as "me too"
    /// before sending a duplicate. Needs a connection.
    pub async fn nearby(&self, lat: f64, lon: f64, category: String) -> Result<Vec<NearbyReport>> {
        let (syncer, lang) = (self.syncer.clone(), self.lang());
        let found = on_runtime(async move { syncer.nearby(lat, lon, &category, None).await }, lang).await?;
        Ok(found.into_iter().map(|n| crate::public::nearby(n, lang)).collect())
    }

    /// "Me too" on another citizen's open report (a `NearbyReport`'s id), counted once per
    /// phone. Needs a connection.
    pub async fn support(&self, report: String) -> Result<()> {
        let (id, syncer, lang) = (self.id(&report)?, self.syncer.clone(), self.lang());
        on_runtime(async move { syncer.support(id).await }, lang).await
    }

    /// What the city has done in the map's box, newest first (`limit` up to 200; `after` is a
    /// page's `next`). Needs a connection.
    pub async fn city_reports(
        &self,
        south: f64,
        west: f64,
        north: f64,
        east: f64,
        limit: u32,
        after: Option<String>,
    ) -> Result<CityReportPage> {
        let (syncer, lang) = (self.syncer.clone(), self.lang());
        let page =
            on_runtime(async move { syncer.public_reports([west, south, east, north], limit, after.as_deref()).await }, lang).await?;
        Ok(CityReportPage { reports: page.items.into_iter().map(|r| crate::public::city_report(r, lang)).collect(), next: page.next })
    }

    /// A photo by its hash: from the phone when it is there (the citizen's own, after-photos
    /// sync brought), else from the server. Offline and not on the phone: `Offline`.
    pub async fn remote_photo(&self, hash: String) -> Result<Vec<u8>> {
        let (syncer, lang) = (self.syncer.clone(), self.lang());
        on_runtime(async move { syncer.photo(&hash).await }, lang).await
    }

    /// Tells the server how to wake this phone for warnings (the push token and coarse
    /// cells around the saved places; never the places).
    pub async fn register_push(&self, provider: PushProvider, token: String) -> Result<()> {
        let (syncer, lang) = (self.syncer.clone(), self.lang());
        on_runtime(async move { syncer.register_push(provider.into(), &token).await.map(|_| ()) }, lang).await
    }
}

/// Runs core work that needs tokio (HTTP) on the library's runtime, whatever the caller's
/// executor (Kotlin coroutines, Swift tasks), and maps its error.
pub(crate) async fn on_runtime<T: Send + 'static>(
    work: impl std::future::Future<Output = civic_core::Result<T>> + Send + 'static,
    lang: Lang,
) -> Result<T> {
    runtime()?
        .spawn(work)
        .await
        .map_err(|e| CivicError::Storage { user_message: format!("stopped: {e}") })?
        .map_err(|e| CivicError::from_core(e, lang))
}

fn attached_photo(a: civic_core::AttachedPhoto, now: time::OffsetDateTime) -> AttachedPhoto {
    AttachedPhoto { photo: a.photo.into(), location_hint: civic_core::photo::photo_fix(&a.hints, now).map(Into::into) }
}
