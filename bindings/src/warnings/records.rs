//! The records of warnings, the places and topics followed, and push, and their
//! conversions from the core's types.

use std::time::SystemTime;

use civic_core::model::Lang;
use civic_core::warning;

use crate::types::*;

/// Where a warning stands, in words, in `language`.
#[uniffi::export]
pub fn alert_state_label(state: AlertState, language: String) -> String {
    civic_core::protocol::AlertState::from(state).label(language.parse().unwrap_or_default()).to_owned()
}

/// The label of a drill (CAP status Exercise), in `language`.
#[uniffi::export]
pub fn exercise_label(language: String) -> String {
    civic_core::protocol::exercise_label(language.parse().unwrap_or_default()).to_owned()
}

/// A topic of warnings a resident can follow.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WarningTopic {
    pub code: String,
    pub name: String,
}

/// Where a warning stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AlertState {
    Active,
    Cancelled,
    Expired,
}

impl From<AlertState> for civic_core::protocol::AlertState {
    fn from(s: AlertState) -> Self {
        match s {
            AlertState::Active => civic_core::protocol::AlertState::Active,
            AlertState::Expired => civic_core::protocol::AlertState::Expired,
            AlertState::Cancelled => civic_core::protocol::AlertState::Cancelled,
        }
    }
}

impl From<civic_core::protocol::AlertState> for AlertState {
    fn from(s: civic_core::protocol::AlertState) -> Self {
        match s {
            civic_core::protocol::AlertState::Active => AlertState::Active,
            civic_core::protocol::AlertState::Cancelled => AlertState::Cancelled,
            civic_core::protocol::AlertState::Expired => AlertState::Expired,
        }
    }
}

/// A warning in the inbox, in the resident's language.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Warning {
    pub id: String,
    pub version: u32,
    pub state: AlertState,
    pub severity: Severity,
    pub event: String,
    pub headline: String,
    pub description: Option<String>,
    pub instruction: Option<String>,
    pub sender_name: String,
    pub sent: SystemTime,
    pub expires: Option<SystemTime>,
    pub read: bool,
    /// A drill: show it as such.
    pub exercise: bool,
    /// It concerns the resident (a saved place, where they are, their topics and severity);
    /// otherwise it is for the region only.
    #[uniffi(default)]
    pub concerns: bool,
    /// The areas' names, as the sender wrote them ("Thành phố Huế", "Phú Vang").
    #[uniffi(default)]
    pub areas: Vec<String>,
    /// Why it was withdrawn, when cancelled.
    #[uniffi(default)]
    pub cancel_note: Option<String>,
    /// More information from the sender.
    #[uniffi(default)]
    pub web: Option<String>,
}

impl From<civic_core::store::InboxAlert> for Warning {
    fn from(a: civic_core::store::InboxAlert) -> Self {
        Warning {
            id: a.id,
            version: a.version,
            state: a.state.into(),
            severity: a.severity.into(),
            event: a.event,
            headline: a.headline,
            description: a.description,
            instruction: a.instruction,
            sender_name: a.sender_name,
            sent: at(a.sent),
            expires: a.expires.map(at),
            read: a.read,
            exercise: a.exercise,
            concerns: a.concerns,
            areas: a.areas,
            cancel_note: a.cancel_note,
            web: a.web,
        }
    }
}

/// A warning's area, for the map.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum WarningShape {
    /// A closed ring (the last point equals the first).
    Polygon {
        points: Vec<GeoPoint>,
    },
    Circle {
        center: GeoPoint,
        radius_m: f64,
    },
}

impl From<warning::Area> for WarningShape {
    fn from(a: warning::Area) -> Self {
        match a {
            warning::Area::Polygon { points } => {
                WarningShape::Polygon { points: points.into_iter().map(|(lat, lon)| GeoPoint { lat, lon }).collect() }
            }
            warning::Area::Circle { lat, lon, radius_m } => WarningShape::Circle { center: GeoPoint { lat, lon }, radius_m },
        }
    }
}

/// One version of a warning, as received (an Update raises or lowers it, a Cancel ends it).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WarningVersion {
    pub version: u32,
    pub state: AlertState,
    pub received_at: SystemTime,
    pub severity: Severity,
    pub headline: String,
    pub cancel_note: Option<String>,
}

/// A warning's detail screen: the warning, its areas on the map and its history.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WarningDetail {
    pub warning: Warning,
    pub shapes: Vec<WarningShape>,
    /// Every version received, oldest first.
    pub history: Vec<WarningVersion>,
}

pub(crate) fn warning_detail(d: civic_core::store::InboxAlertDetail, lang: Lang) -> WarningDetail {
    let history = d
        .history
        .into_iter()
        .map(|v| {
            let info = v.message.info_for(lang.as_str());
            WarningVersion {
                version: v.version,
                state: v.state.into(),
                received_at: at(v.received_at),
                severity: v.message.severity().into(),
                headline: info.and_then(|i| i.headline.clone().or_else(|| Some(i.event.clone()))).unwrap_or_default(),
                cancel_note: v.cancel_note,
            }
        })
        .collect();
    WarningDetail { warning: d.alert.into(), shapes: d.shapes.into_iter().map(Into::into).collect(), history }
}

/// A warning to show now: loudly, or quietly (quiet hours, a drill).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WarningNotification {
    pub id: String,
    pub headline: String,
    pub severity: Severity,
    pub loud: bool,
}

impl From<civic_core::store::AlertNotification> for WarningNotification {
    fn from(n: civic_core::store::AlertNotification) -> Self {
        WarningNotification { id: n.id, headline: n.headline, severity: n.severity.into(), loud: n.loud }
    }
}

/// A place the resident follows.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum SavedPlace {
    /// A point and a radius (home, work).
    Point { name: String, lat: f64, lon: f64, radius_m: f64 },
    /// A ward or commune by its code.
    Area { name: String, code: String },
}

impl From<warning::SavedPlace> for SavedPlace {
    fn from(p: warning::SavedPlace) -> Self {
        match p.shape {
            warning::PlaceShape::Circle { lat, lon, radius_m } => SavedPlace::Point { name: p.name, lat, lon, radius_m },
            warning::PlaceShape::Area { code } => SavedPlace::Area { name: p.name, code },
        }
    }
}

impl From<SavedPlace> for warning::SavedPlace {
    fn from(p: SavedPlace) -> Self {
        match p {
            SavedPlace::Point { name, lat, lon, radius_m } => warning::SavedPlace::circle(&name, lat, lon, radius_m),
            SavedPlace::Area { name, code } => warning::SavedPlace::area(&name, &code),
        }
    }
}

/// What warnings the resident wants, and when they may ring.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WarningSubscription {
    pub places: Vec<SavedPlace>,
    pub current_position: bool,
    /// Topic codes; empty for every topic.
    pub topics: Vec<String>,
    pub min_severity: Severity,
    /// Quiet hours as local minutes since midnight [start, end); may wrap midnight.
    pub quiet_start_minute: Option<u16>,
    pub quiet_end_minute: Option<u16>,
    /// "vi" or "en".
    pub language: String,
}

impl From<warning::Subscription> for WarningSubscription {
    fn from(s: warning::Subscription) -> Self {
        WarningSubscription {
            places: s.places.into_iter().map(Into::into).collect(),
            current_position: s.current_position,
            topics: s.topics.into_iter().collect(),
            min_severity: s.min_severity.into(),
            quiet_start_minute: s.quiet_hours.map(|q| q.0),
            quiet_end_minute: s.quiet_hours.map(|q| q.1),
            language: s.language.as_str().to_owned(),
        }
    }
}

impl From<WarningSubscription> for warning::Subscription {
    fn from(s: WarningSubscription) -> Self {
        warning::Subscription {
            places: s.places.into_iter().map(Into::into).collect(),
            current_position: s.current_position,
            topics: s.topics.into_iter().collect(),
            min_severity: s.min_severity.into(),
            quiet_hours: s.quiet_start_minute.zip(s.quiet_end_minute),
            language: s.language.parse().unwrap_or_default(),
        }
    }
}

/// Which push service wakes the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PushProvider {
    Fcm,
    Apns,
    UnifiedPush,
}

impl From<PushProvider> for civic_core::protocol::PushProvider {
    fn from(p: PushProvider) -> Self {
        match p {
            PushProvider::Fcm => civic_core::protocol::PushProvider::Fcm,
            PushProvider::Apns => civic_core::protocol::PushProvider::Apns,
            PushProvider::UnifiedPush => civic_core::protocol::PushProvider::UnifiedPush,
        }
    }
}

/// A UnifiedPush (Web Push) subscription's keys, as the distributor gives them: both
/// base64url. Wake-ups are encrypted to them, so the distributor reads nothing.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WebPushKeys {
    /// The P-256 public key, uncompressed (65 bytes).
    pub p256dh: String,
    /// The authentication secret (16 bytes).
    pub auth: String,
}

impl From<WebPushKeys> for civic_core::protocol::WebPushKeys {
    fn from(k: WebPushKeys) -> Self {
        civic_core::protocol::WebPushKeys { p256dh: k.p256dh, auth: k.auth }
    }
}
