//! Waking phones when a warning is published near them, without knowing where they are.
//!
//! A device registers how to wake it (`PushRegistration`: a provider and its token) and the
//! coarse cells ([`civic_core::warning::cells`], about 11 km across) around its resident's
//! places, never the places. When a warning is published, [`PushPlanner::plan`] turns its
//! areas into the same cells and lists the devices to wake; [`Pusher::send`] hands them to
//! FCM, APNs or UnifiedPush. The message says only "alert X: sync now": no text, no area,
//! no place. The phone syncs and decides on its own whether the warning concerns its
//! resident, so a device woken for nothing just stays quiet. UnifiedPush wake-ups are Web
//! Push encrypted ([`webpush`]) to the keys the device registered.
//!
//! Wiring (for the server):
//! - on `PUT /api/v1/devices/me/push`: [`check_registration`] (422 on error), store it,
//!   then [`PushPlanner::upsert`]; on a device leaving, [`PushPlanner::remove`];
//! - at start: `upsert` every stored registration;
//! - on publishing a warning: [`PushPlanner::plan_devices`] under a read lock, release the
//!   lock, then a batch at a time: [`PushPlanner::messages`] under the read lock, then
//!   [`Pusher::send_until`] the warning's expiry; forget the devices in [`PushReport::gone`]
//!   (planner and database).

mod apns;
pub mod credentials;
mod fcm;
pub mod gateway;
mod metrics;
mod planner;
mod pusher;
mod recording;
pub mod retry;
pub mod webpush;

use std::sync::Arc;

use civic_core::protocol::{PushProvider, PushRegistration};
use civic_core::warning::Severity;
use civic_core::warning::cells::{self, Cell};

pub use apns::{ApnsGateway, apns_client};
pub use credentials::apple::{ApnsKey, ApnsTokens};
pub use credentials::google::{GoogleTokens, ServiceAccount};
pub use credentials::{CredentialError, Credentials, StaticToken};
pub use fcm::FcmGateway;
pub use gateway::{PushError, PushGateway, PushOutcome, SendFuture, UnifiedPushGateway};
pub use metrics::{PushFigures, PushMetrics};
pub use planner::{Planned, PushPlanner};
pub use pusher::{Gateways, PushReport, Pusher};
pub use recording::RecordingGateway;
pub use retry::{RetryAfter, RetryPolicy, Sleeper, TokioSleeper};
pub use webpush::WebPushKeys;

/// The most cells one device may register (a handful of places, each a few cells).
pub const MAX_CELLS_PER_DEVICE: usize = cells::MAX_REGISTERED_CELLS;

/// The longest push token taken, in bytes (FCM tokens are about 160, UnifiedPush URLs a few
/// hundred).
pub const MAX_TOKEN_BYTES: usize = 4096;

/// One wake-up to send: "alert `alert_id` was published, sync now".
///
/// Only `provider`, `token` and `alert_id` (and the severity, for the delivery priority)
/// reach the push service; `device_id` stays on the server, to forget the device if the
/// service says its token is gone. Strings and keys are shared (`Arc`): a plan for 100,000
/// devices copies no token.
#[derive(Debug, Clone, PartialEq)]
pub struct PushMessage {
    pub provider: PushProvider,
    pub token: Arc<str>,
    pub alert_id: Arc<str>,
    pub severity: Severity,
    pub device_id: Arc<str>,
    /// UnifiedPush: the subscription's Web Push keys, to encrypt the message to. `None` for
    /// FCM and APNs (and a UnifiedPush registration without keys is never sent).
    pub keys: Option<Arc<WebPushKeys>>,
    /// How long the push service should keep the message for an unreachable device, in
    /// seconds: until the warning expires. `None`: the gateway's default.
    pub ttl_s: Option<u32>,
}

/// Why a push registration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    #[error("the push token is empty")]
    EmptyToken,
    #[error("the push token is longer than {MAX_TOKEN_BYTES} bytes")]
    TokenTooLong,
    #[error("the push token has characters this provider never uses")]
    BadToken,
    #[error("{0:?} is not a cell id (expected c:LAT:LON, e.g. c:164:1075)")]
    BadCell(String),
    #[error("more than {MAX_CELLS_PER_DEVICE} cells")]
    TooManyCells,
    #[error(
        "a UnifiedPush registration needs the Web Push subscription's keys, p256dh and auth (RFC 8291); other providers give both or neither"
    )]
    MissingKeys,
    #[error("{0}")]
    BadKeys(webpush::KeyError),
}

/// Checks a registration as a handler should before storing it: a token that looks like the
/// provider's (APNs: hexadecimal; UnifiedPush: an http(s) URL; FCM: printable ASCII), Web
/// Push keys for UnifiedPush (a P-256 point and a 16-byte secret), at most
/// [`MAX_CELLS_PER_DEVICE`] valid cell ids. Returns the cells' keys, sorted, each once.
pub fn check_registration(reg: &PushRegistration) -> Result<Vec<u32>, RegistrationError> {
    check(reg).map(|(cells, _)| cells)
}

/// [`check_registration`], and the Web Push keys decoded.
pub(super) fn check(reg: &PushRegistration) -> Result<(Vec<u32>, Option<WebPushKeys>), RegistrationError> {
    let token = reg.token.as_str();
    if token.is_empty() {
        return Err(RegistrationError::EmptyToken);
    }
    if token.len() > MAX_TOKEN_BYTES {
        return Err(RegistrationError::TokenTooLong);
    }
    let token_ok = match reg.provider {
        PushProvider::Apns => token.bytes().all(|b| b.is_ascii_hexdigit()),
        PushProvider::Fcm => token.bytes().all(|b| b.is_ascii_graphic()),
        PushProvider::UnifiedPush => {
            token.bytes().all(|b| b.is_ascii_graphic())
                && reqwest::Url::parse(token).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        }
    };
    if !token_ok {
        return Err(RegistrationError::BadToken);
    }
    let keys = match (&reg.p256dh, &reg.auth) {
        (Some(p256dh), Some(auth)) => Some(WebPushKeys::from_base64url(p256dh, auth).map_err(RegistrationError::BadKeys)?),
        (None, None) if reg.provider != PushProvider::UnifiedPush => None,
        _ => return Err(RegistrationError::MissingKeys),
    };
    if reg.cells.len() > MAX_CELLS_PER_DEVICE {
        return Err(RegistrationError::TooManyCells);
    }
    let web_push = keys;
    let mut keys = reg
        .cells
        .iter()
        .map(|id| id.parse::<Cell>().map(|c| c.key()).map_err(|_| RegistrationError::BadCell(id.clone())))
        .collect::<Result<Vec<u32>, _>>()?;
    keys.sort_unstable();
    keys.dedup();
    Ok((keys, web_push))
}
