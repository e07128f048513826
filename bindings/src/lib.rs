//! civic-ffi: the core as the library the Android and iOS apps call, through uniffi.
//!
//! Layer: the bindings, above `civic_core::app` and below the apps. They convert and never
//! decide: the rules, the sorting and the domain's words all live in civic-core.
//!
//! A thin facade in the style of bitwarden-uniffi and matrix-sdk-ffi. `CivicApp` opens Civic
//! on the phone and hands out one object per area: `reports()`, `warnings()`, `campaigns()`,
//! `official()`; each has one method per user intent and one query per screen. Records and
//! enums say what screens show, in the app's language; one error type (`CivicError`) with
//! the cases an app handles differently. Work that decodes photos or waits on the network
//! or the disk's flush is `async` (a Kotlin `suspend fun`, a Swift `async` call).

mod app;
mod campaign;
mod error;
mod official;
mod reports;
mod shared;
mod types;
mod warnings;

pub use app::{CivicApp, SyncListener, SyncOutcome, SyncState, TaskHandle, TokenStorage};
pub use campaign::{CampaignCategory, CampaignInfo, CampaignPhase, CampaignSendOutcome, CampaignSpot, CampaignTeam, Campaigns, SpotState};
pub use error::CivicError;
pub use official::{OfficialApp, Officials, ReplyTemplate, WorkItem, WorkPage, login_official};
pub use reports::*;
pub use types::*;
pub use warnings::*;

uniffi::setup_scaffolding!();
