//! Service layer: the rules of the work, between the handlers (`api`, `web`) and the store
//! (`db`). A service checks what it is asked against the city, the catalog and the caller's
//! roles, owns the transaction (`db.read` / `db.write` / `db.write_concurrent`) its work runs in, and answers
//! with the wire types of `civic_core::protocol` or a [`ServiceError`]. It knows nothing of
//! HTTP: the edge (`crate::error`) gives each error its status, once.

pub mod accounts;
pub mod alerts;
pub mod campaigns;
pub mod catalog;
pub mod compose;
pub mod devices;
pub mod feedback;
pub mod idempotency;
pub mod open311;
pub mod photos;
pub mod places;
pub mod public;
pub mod reports;
pub mod spots;
pub mod statistics;
pub mod submission;
pub mod sync;
pub mod sync_cursor;
pub mod warnings;
pub mod work;

use std::sync::Arc;

use civic_core::City;
use civic_core::clock::SharedClock;
use time::OffsetDateTime;

use crate::db::{Db, DbError};
use crate::state::{Limits, Metrics, PhotoStore, RateLimiter};

/// Why a service refused what it was asked, or failed. Each refusal carries the stable
/// `kind` clients tell them apart by; the words are for people.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input cannot be understood (a malformed cursor, page token or photo name).
    #[error("{detail}")]
    Malformed { kind: &'static str, detail: String },
    /// No valid credentials: an unknown or expired token, a wrong password.
    #[error("{0}")]
    Unauthenticated(String),
    /// A known caller who may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Nothing there (or nothing this caller may know exists).
    #[error("{0}")]
    NotFound(String),
    /// The change breaks a rule of a lifecycle (a report's, a campaign's), or an id is taken.
    #[error("{detail}")]
    Conflict { kind: &'static str, detail: String },
    /// Well-formed, but refused by a rule (outside the service area, a missing answer…).
    #[error("{detail}")]
    Refused { kind: &'static str, detail: String },
    /// More than is taken (a photo's pixels or bytes).
    #[error("{0}")]
    TooLarge(String),
    /// Not a kind of content this takes (a photo that is no image).
    #[error("{0}")]
    UnsupportedMedia(String),
    /// Too busy (or a service it depends on is): try again after this many seconds.
    #[error("{detail}")]
    Busy { detail: String, retry_after_s: u64 },
    /// Our fault. The cause is for the log, never for the caller.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    pub fn malformed(kind: &'static str, detail: impl Into<String>) -> Self {
        ServiceError::Malformed { kind, detail: detail.into() }
    }
    pub fn conflict(kind: &'static str, detail: impl Into<String>) -> Self {
        ServiceError::Conflict { kind, detail: detail.into() }
    }
    pub fn refused(kind: &'static str, detail: impl Into<String>) -> Self {
        ServiceError::Refused { kind, detail: detail.into() }
    }
    pub fn internal(e: impl std::fmt::Display) -> Self {
        ServiceError::Internal(e.to_string())
    }

    /// The stable kind of a refusal by a rule (empty for the others).
    pub fn kind(&self) -> &'static str {
        match self {
            ServiceError::Malformed { kind, .. } | ServiceError::Conflict { kind, .. } | ServiceError::Refused { kind, .. } => kind,
            _ => "",
        }
    }
}

impl From<DbError> for ServiceError {
    fn from(e: DbError) -> Self {
        ServiceError::internal(format!("database: {e}"))
    }
}

impl From<std::io::Error> for ServiceError {
    fn from(e: std::io::Error) -> Self {
        ServiceError::internal(format!("io: {e}"))
    }
}

impl From<civic_core::photo::PhotoError> for ServiceError {
    fn from(e: civic_core::photo::PhotoError) -> Self {
        use civic_core::photo::PhotoError;
        match e {
            PhotoError::Empty => ServiceError::refused("photo-empty", "the photo is empty"),
            PhotoError::UnsupportedFormat => ServiceError::UnsupportedMedia(e.to_string()),
            PhotoError::TooLarge { .. } | PhotoError::TooManyBytes { .. } => ServiceError::TooLarge(e.to_string()),
            other => ServiceError::refused("photo-unreadable", other.to_string()),
        }
    }
}

/// The result of a service.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// What a create-or-find did: made the thing now, or found it made before (the same request
/// sent again, a message repeated by a feed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    New,
    Before,
}

/// What every handler hands the services (`SharedState`), cloned for each request: one
/// reference count.
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

impl AppState {
    pub fn new(shared: SharedState) -> Self {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = SharedState;
    fn deref(&self) -> &SharedState {
        &self.0
    }
}

/// The database, the city, the photo store, limits, metrics and the clock.
pub struct SharedState {
    pub db: Db,
    pub city: Arc<City>,
    /// What phones are sent of the city (`GET /city`).
    pub city_files: Arc<crate::city::CityFiles>,
    /// The catalog in force: the city's, with admins' changes (use this, not `city.catalog`).
    pub catalog: Arc<catalog::LiveCatalog>,
    pub photos: PhotoStore,
    pub limits: Arc<Limits>,
    pub metrics: Arc<Metrics>,
    pub limiter: Arc<RateLimiter>,
    /// Photos being decoded at once (each may take tens of MiB while it is).
    pub photo_permits: Arc<tokio::sync::Semaphore>,
    /// Photos being stored now: a second upload of one waits for the first.
    pub photo_uploads: Arc<photos::InFlight>,
    /// The warning service: its CAP sender and the push gateways.
    pub warnings: Arc<warnings::Warnings>,
    /// What every rule that depends on time reads (`now`).
    pub clock: SharedClock,
    /// Device tokens already looked up (a device's token never changes hands).
    pub known_devices: Arc<accounts::KnownDevices>,
    /// The newest change a sync could give, at the data's version (an empty sync costs no query).
    pub sync_head: Arc<sync::Head>,
}

impl SharedState {
    /// Now, to the millisecond (what the database keeps).
    pub fn now(&self) -> OffsetDateTime {
        civic_core::clock::to_millisecond(self.clock.now())
    }
}

/// Checks a free-text field: trimmed, not empty when required, at most `max` characters.
pub fn text_field(name: &str, value: &str, max: usize, required: bool) -> ServiceResult<String> {
    let v = civic_core::model::plain_text(value).trim().to_owned();
    if required && v.is_empty() {
        return Err(ServiceError::refused("missing-field", format!("`{name}` is required")));
    }
    let chars = v.chars().count();
    if chars > max {
        return Err(ServiceError::refused("too-long", format!("`{name}` has {chars} characters; at most {max}")));
    }
    Ok(v)
}

/// An optional free-text field: checked as `text_field`, and absent when empty.
pub fn optional_text(name: &str, value: Option<&str>, max: usize) -> ServiceResult<Option<String>> {
    Ok(value.map(|v| text_field(name, v, max, false)).transpose()?.filter(|v| !v.is_empty()))
}
