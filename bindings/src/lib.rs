//! civic-ffi: the core as the library the Android and iOS apps call, through uniffi.
//!
//! A thin facade in the style of bitwarden-uniffi and matrix-sdk-ffi: `CivicApp` has one
//! method per user intent and one query per screen; records and enums say what screens
//! show, in the app's language; one error type (`CivicError`) with the cases an app
//! handles differently. The rules all live in civic-core; nothing here decides anything.

mod app;
mod campaign;
mod error;
mod official;
mod public;
mod types;

pub use app::{CivicApp, SyncListener, TaskHandle, TokenStorage};
pub use campaign::{CampaignCategory, CampaignInfo, CampaignPhase, CampaignSendOutcome, CampaignSpot, CampaignTeam, SpotState};
pub use error::CivicError;
pub use official::{OfficialApp, ReplyTemplate, WorkItem, WorkPage, login_official};
pub use public::{CityReport, CityReportPage, NearbyReport};
pub use types::*;

uniffi::setup_scaffolding!();
