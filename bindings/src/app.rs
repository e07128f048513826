//! `CivicApp`: Civic on one phone, as the apps call it. It opens the core, holds the sync
//! and the language, answers for the city's catalog and the citizen's profile, and hands out
//! one object per area: `reports()`, `warnings()`, `campaigns()`, `official()`.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use civic_core::model::Lang;
use civic_core::net::TokenStore;
use civic_core::sync::{self, SyncOptions};
use civic_core::{City, Civic};

use crate::error::CivicError;
use crate::reports::ReportNotification;
use crate::shared::{Shared, runtime};
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

/// Civic on this phone.
#[derive(uniffi::Object)]
pub struct CivicApp {
    shared: Arc<Shared>,
    listeners: Listeners,
    next_listener: Mutex<u64>,
}

impl std::ops::Deref for CivicApp {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.shared
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
        let shared = Shared { civic, syncer, server_url, lang: Mutex::new(lang) };
        Ok(Arc::new(CivicApp { shared: Arc::new(shared), listeners: Arc::new(Mutex::new(Vec::new())), next_listener: Mutex::new(0) }))
    }

    /// Capture, the outbox, my reports and the city's map.
    pub fn reports(&self) -> Arc<crate::reports::Reports> {
        Arc::new(crate::reports::Reports::new(self.shared.clone()))
    }

    /// The warnings inbox, the places and topics followed, push.
    pub fn warnings(&self) -> Arc<crate::warnings::Warnings> {
        Arc::new(crate::warnings::Warnings::new(self.shared.clone()))
    }

    /// Green Sunday: clean-up campaigns.
    pub fn campaigns(&self) -> Arc<crate::campaign::Campaigns> {
        Arc::new(crate::campaign::Campaigns::new(self.shared.clone()))
    }

    /// Signing an official in on this phone (their actions made offline kept on it).
    pub fn official(&self) -> Arc<crate::official::Officials> {
        Arc::new(crate::official::Officials::new(self.shared.clone()))
    }

    /// Shows text in "vi" or "en" from now on.
    pub fn set_language(&self, language: String) {
        *self.lang.lock().unwrap_or_else(|p| p.into_inner()) = language.parse().unwrap_or_default();
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

    /// Whether a point is in the service area, and where.
    pub fn check_point(&self, lat: f64, lon: f64) -> Result<AreaCheck> {
        let m = self.civic.city().area.locate(lat, lon).map_err(|e| self.err()(e.into()))?;
        Ok(area_check(m, self.lang()))
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
        let outcome = runtime()?
            .spawn(async move { syncer.sync_now().await })
            .await
            .map_err(|e| CivicError::Storage { user_message: format!("sync stopped: {e}") })?;
        let outcome = SyncOutcome::from_core(outcome, self.lang());
        let listeners: Vec<Arc<dyn SyncListener>> =
            self.listeners.lock().unwrap_or_else(|p| p.into_inner()).iter().map(|(_, l)| l.clone()).collect();
        for listener in listeners {
            listener.on_synced(outcome.clone());
        }
        Ok(outcome)
    }
}

/// How sync stands.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum SyncState {
    Idle {
        last_success: Option<SystemTime>,
    },
    Syncing {
        reports_sent: u32,
        reports_total: u32,
        bytes_sent: u64,
        bytes_total: u64,
    },
    /// No connection; the outbox waits and nothing is lost.
    Offline,
    WaitingToRetry {
        next_attempt: SystemTime,
    },
    /// Something only the user can fix.
    NeedsUser {
        reason: String,
    },
}

impl From<sync::SyncState> for SyncState {
    fn from(s: sync::SyncState) -> Self {
        match s {
            sync::SyncState::Idle { last_success } => SyncState::Idle { last_success: last_success.map(at) },
            sync::SyncState::Syncing(p) => SyncState::Syncing {
                reports_sent: p.reports_sent,
                reports_total: p.reports_total,
                bytes_sent: p.bytes_sent,
                bytes_total: p.bytes_total,
            },
            sync::SyncState::Offline => SyncState::Offline,
            sync::SyncState::WaitingToRetry { next_attempt } => SyncState::WaitingToRetry { next_attempt: at(next_attempt) },
            sync::SyncState::NeedsUser { reason } => SyncState::NeedsUser { reason },
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SyncOutcome {
    /// Reports the city received in this sync.
    pub submitted: Vec<String>,
    /// Reports refused for good, with the city's reason.
    pub refused: Vec<String>,
    pub notifications: Vec<ReportNotification>,
    /// Warnings raised; take them with `take_alert_notifications`.
    pub alerts_raised: u32,
    /// Ratings, reopenings and "me too"s the city received in this sync.
    #[uniffi(default)]
    pub feedback_sent: u32,
    /// Those it refused for good, each in words (also handed out once by
    /// `reports().takeFeedbackRefusals()`).
    #[uniffi(default)]
    pub feedback_refused: Vec<String>,
    pub state: SyncState,
}

impl SyncOutcome {
    fn from_core(o: sync::SyncOutcome, lang: Lang) -> Self {
        SyncOutcome {
            submitted: o.submitted.iter().map(ToString::to_string).collect(),
            refused: o.refused.iter().map(|(id, _)| id.to_string()).collect(),
            notifications: o.notifications.into_iter().map(Into::into).collect(),
            alerts_raised: o.alerts_raised,
            feedback_sent: o.feedback_sent,
            feedback_refused: o.feedback_refused.iter().map(|r| r.message(lang)).collect(),
            state: o.state.into(),
        }
    }
}
