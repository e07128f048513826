//! The wire types of `/api/v1`, shared by the server and the phone so they cannot drift.
//!
//! Version 1. Fields are added, never renamed; unknown fields in requests that change
//! state are refused (`deny_unknown_fields`) so a typo is an error, not silently ignored.

pub mod whole;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::model::{ActorRole, Answers, GeoFix, Localized, Place, ReportId, Status, TimelineEvent};

/// Path prefix of this version of the API.
pub const API_PREFIX: &str = "/api/v1";

/// `POST /api/v1/devices`: a citizen's device registers anonymously.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterDevice {
    /// "android", "ios", "web"… for support, never shown.
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub app_version: Option<String>,
}

/// The device's identity: keep the token in secure storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceRegistered {
    pub device_id: String,
    pub token: String,
}

/// `PUT /api/v1/me`: the name and contact a citizen may add (kept private).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// `POST /api/v1/auth/login`: an official signs in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub username: String,
    pub password: String,
}

/// What an official may do, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The operations centre: sees everything, routes, publishes warnings.
    Operator,
    /// Sees and answers the reports of their units.
    UnitOfficer,
    /// Accounts, units and the catalog.
    Admin,
}

/// A signed-in official's session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub token: String,
    pub username: String,
    pub roles: Vec<Role>,
    /// Unit codes the official belongs to.
    pub units: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// `PUT /api/v1/photos/{sha256}`'s answer: the photo as the server keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoStored {
    /// The hash the client named (of the bytes it sent).
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

/// `POST /api/v1/reports`: a citizen's report. `id` is the idempotency key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubmitReport {
    pub id: ReportId,
    pub category: String,
    pub location: GeoFix,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub anonymous: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, crate::model::AnswerValue>))]
    pub answers: Answers,
    /// Hashes of photos uploaded before (`PUT /api/v1/photos/{sha256}`), 1 to 5.
    pub photos: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub captured_at: OffsetDateTime,
    /// Warnings (`AlertView::id`) active where and when the report was filed, as the phone
    /// saw them: the operations centre sees flood reports under the flood warning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<String>,
}

/// The server's acknowledgement of a report: the same for every retry of the same id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportReceipt {
    pub id: ReportId,
    pub public_number: String,
    pub status: Status,
    /// The ward or commune it is in (`district` before the 2025 reform).
    #[serde(alias = "district")]
    pub ward: Option<Place>,
    pub unit: String,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
}

/// A report as its own citizen (or an official) sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportView {
    pub id: ReportId,
    pub public_number: String,
    pub category: String,
    pub status: Status,
    pub location: GeoFix,
    /// The ward or commune it is in (`district` before the 2025 reform).
    #[serde(alias = "district")]
    pub ward: Option<Place>,
    pub unit: String,
    pub description: String,
    pub anonymous: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, crate::model::AnswerValue>))]
    pub answers: Answers,
    pub photos: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub captured_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// When an outcome is overdue against the category's expected time.
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
    pub timeline: Vec<TimelineEvent>,
    pub rating: Option<RatingView>,
    /// How many other citizens said "me too".
    pub supporters: u32,
    /// Flagged for the operations centre (e.g. a low rating).
    pub flagged: bool,
    /// Who reported it and how to reach them, as they gave it, for the officials only; none
    /// for an anonymous report, and never in the public view.
    #[serde(default)]
    pub reporter: Option<Profile>,
}

/// A report as the public sees it: no reporter, no private answers, no device data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicReport {
    pub public_number: String,
    pub category: String,
    pub status: Status,
    pub lat: f64,
    pub lon: f64,
    /// The ward or commune it is in (`district` before the 2025 reform).
    #[serde(alias = "district")]
    pub ward: Option<Place>,
    pub unit: String,
    pub description: String,
    pub photos: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Hours from receipt to the outcome, once there is one.
    pub hours_to_outcome: Option<f64>,
    pub timeline: Vec<PublicEvent>,
    pub supporters: u32,
    pub rating: Option<u8>,
}

/// `GET /api/v1/reports/nearby`: an open report near a point, with how far it is, so the app
/// can offer "me too" (`POST /reports/{id}/support`) instead of a duplicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NearbyReport {
    /// The id "me too" is said to (the random UUID its device gave it: no personal data).
    pub id: ReportId,
    pub distance_m: f64,
    pub report: PublicReport,
}

/// A timeline entry as the public sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicEvent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: ActorRole,
    pub status: Option<Status>,
    pub note: Option<String>,
    pub photo: Option<String>,
}

/// A page of a list and the token for the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// `POST /api/v1/reports/{id}/status`: an official moves a report on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeStatus {
    pub to: Status,
    /// Required for `rejected` (the reason) and `resolved` (what was done).
    #[serde(default)]
    pub note: Option<String>,
    /// The after-photo for `resolved`, uploaded before; taken near the report.
    #[serde(default)]
    pub photo: Option<String>,
    /// Where the after-photo was taken (from the official's phone).
    #[serde(default)]
    pub photo_location: Option<GeoFix>,
    /// For `duplicate`: the original report's public number.
    #[serde(default)]
    pub duplicate_of: Option<String>,
    /// For `assigned`: the unit (operators only).
    #[serde(default)]
    pub unit: Option<String>,
}

/// `POST /api/v1/reports/{id}/replies`: an official writes to the citizen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Reply {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000, pattern = r"[^\s\x00-\x1f\x7f-\x9f]"))]
    pub text: String,
}

/// `POST /api/v1/reports/{id}/rating`: the citizen rates the outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// 1 to 5.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    #[serde(deserialize_with = "whole::number")]
    pub stars: u8,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub comment: Option<String>,
}

impl Rate {
    /// How a rating reads on the report's timeline (a citizen's step): "4★ — comment".
    pub fn timeline_note(&self) -> String {
        format!("{}★{}", self.stars, self.comment.as_deref().map(|c| format!(" — {c}")).unwrap_or_default())
    }
}

/// A rating as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingView {
    pub stars: u8,
    pub comment: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// `POST /api/v1/reports/{id}/reopen`: the citizen says the outcome is wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Reopen {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000, pattern = r"[^\s\x00-\x1f\x7f-\x9f]"))]
    pub reason: String,
}

/// A reply template officials pick from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyTemplate {
    pub id: i64,
    pub title: Localized,
    pub text: Localized,
}

/// `GET /api/v1/sync?cursor=…`: what changed for this device since the cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncBatch {
    pub changes: Vec<Change>,
    /// Pass back as `cursor` next time.
    pub cursor: String,
    /// More changes are waiting: ask again at once.
    pub more: bool,
    /// The version of the city's configuration (`GET /city`) in force: a device holding
    /// another fetches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city_version: Option<String>,
}

/// One change a device may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// One of the device's reports changed: its state now and the new timeline events.
    Report {
        id: ReportId,
        public_number: String,
        status: Status,
        #[serde(with = "time::serde::rfc3339")]
        updated_at: OffsetDateTime,
        events: Vec<TimelineEvent>,
    },
    /// The category catalog changed: fetch `GET /api/v1/catalog`.
    Catalog { version: u32 },
    /// A warning of the region was published, updated, cancelled or ended: the device
    /// decides whether it concerns its resident.
    Alert { alert: Box<AlertView> },
}

/// Where a warning stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    Active,
    /// Withdrawn by a Cancel message.
    Cancelled,
    /// Past its `expires`.
    Expired,
}

impl AlertState {
    /// Where a warning stands, in words.
    pub fn label(self, lang: crate::model::Lang) -> &'static str {
        use crate::model::Lang::{En, Vi};
        match (self, lang) {
            (AlertState::Active, Vi) => "Đang hiệu lực",
            (AlertState::Active, En) => "In force",
            (AlertState::Expired, Vi) => "Đã hết hạn",
            (AlertState::Expired, En) => "Expired",
            (AlertState::Cancelled, Vi) => "Đã huỷ",
            (AlertState::Cancelled, En) => "Cancelled",
        }
    }
}

/// The label of a drill (CAP status Exercise).
pub fn exercise_label(lang: crate::model::Lang) -> &'static str {
    if lang == crate::model::Lang::Vi { "Diễn tập" } else { "Exercise" }
}

/// A warning as devices and the public see it: the latest message of its chain (the first
/// Alert and the Updates that followed it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertView {
    /// The chain's stable id: the first message's CAP identifier.
    pub id: String,
    /// 1 for the first message, one more for each Update or Cancel.
    pub version: u32,
    pub state: AlertState,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// The latest Alert or Update: what to show.
    pub message: crate::cap::Alert,
    /// Why it was withdrawn (the Cancel's note), when cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_note: Option<String>,
}

/// `GET /api/v1/alerts/{id}`: a warning with every message of its chain, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertDetail {
    pub alert: AlertView,
    pub history: Vec<crate::cap::Alert>,
}

/// `POST /api/v1/alerts` (a new warning) and `PUT /api/v1/alerts/{id}` (an Update): what an
/// operator writes. The server makes the CAP message of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublishAlert {
    /// Actual unless an exercise or a test.
    #[serde(default = "actual")]
    pub status: crate::cap::AlertStatus,
    /// Our topic: flood, storm, outage, traffic, health, environment, fire, security, other.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(flood|storm|outage|traffic|health|environment|fire|security|other)$"))]
    pub topic: String,
    pub urgency: crate::cap::Urgency,
    pub severity: crate::warning::Severity,
    pub certainty: crate::cap::Certainty,
    #[serde(default)]
    pub response_type: Vec<crate::cap::ResponseType>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub onset: Option<OffsetDateTime>,
    /// When the warning ends. Required: a warning without an end is never withdrawn.
    #[serde(with = "time::serde::rfc3339")]
    pub expires: OffsetDateTime,
    /// The warning in each language, Vietnamese first.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub texts: Vec<AlertText>,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub areas: Vec<AreaInput>,
}

fn actual() -> crate::cap::AlertStatus {
    crate::cap::AlertStatus::Actual
}

/// A warning's words in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AlertText {
    /// "vi-VN", "en-US"…
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 35, pattern = r"[^\s\x00-\x1f\x7f-\x9f]"))]
    pub language: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200, pattern = r"[^\s\x00-\x1f\x7f-\x9f]"))]
    pub event: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 160, pattern = r"[^\s\x00-\x1f\x7f-\x9f]"))]
    pub headline: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub instruction: Option<String>,
    #[serde(default)]
    pub web: Option<String>,
}

/// Where a warning applies, as an operator says it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AreaInput {
    /// A ward or commune of the city by its code; the server turns it into polygons.
    Named { code: String },
    /// A closed ring of `[lat, lon]` points.
    Polygon {
        #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200, pattern = r"[^\s\x00-\x1f\x7f-\x9f]"))]
        description: String,
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::model::LatLonPair>))]
        points: Vec<(f64, f64)>,
    },
    Circle {
        #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200, pattern = r"[^\s\x00-\x1f\x7f-\x9f]"))]
        description: String,
        lat: f64,
        lon: f64,
        radius_km: f64,
    },
}

/// `POST /api/v1/alerts/{id}/cancel`: withdraw a warning.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancelAlert {
    /// Why, in the operator's words (shown to residents).
    #[serde(default)]
    pub note: Option<String>,
}

/// Which push service wakes the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushProvider {
    Fcm,
    Apns,
    /// UnifiedPush: `token` is the distributor's endpoint URL.
    UnifiedPush,
}

/// `PUT /api/v1/devices/me/push`: how to wake this device, and the coarse cells it cares
/// about (never its places: see `warning::cells`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushRegistration {
    pub provider: PushProvider,
    /// The provider's token for the device: APNs' in hexadecimal, UnifiedPush's an https URL.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 4096))]
    pub token: String,
    /// Coarse cell ids (`warning::cells`) around the resident's places.
    #[serde(default)]
    pub cells: Vec<String>,
    /// Wake for any warning of the region (the resident follows "where I am now").
    #[serde(default)]
    pub anywhere: bool,
    /// Warnings below this severity never wake the device.
    #[serde(default = "unknown_severity")]
    pub min_severity: crate::warning::Severity,
    /// UnifiedPush only, and required there: the Web Push subscription's public key (RFC 8291
    /// `p256dh`), the uncompressed P-256 point (65 bytes) in base64url, as the distributor
    /// gave it. Wake-ups are encrypted to it (`aes128gcm`), so the distributor reads nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4")
    )]
    pub p256dh: Option<String>,
    /// UnifiedPush only, and required there: the Web Push subscription's authentication
    /// secret (RFC 8291 `auth`), 16 bytes in base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "BTBZMqHH6r4Tts7J_aSIgg"))]
    pub auth: Option<String>,
}

/// The keys of a Web Push subscription (RFC 8291), as a UnifiedPush distributor hands them to
/// the app, both in base64url: what [`PushRegistration`] carries in `p256dh` and `auth`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebPushKeys {
    /// The uncompressed P-256 public key (65 bytes).
    pub p256dh: String,
    /// The authentication secret (16 bytes).
    pub auth: String,
}

fn unknown_severity() -> crate::warning::Severity {
    crate::warning::Severity::Unknown
}

/// Per-category or per-unit figures for the transparency page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    /// The category, unit or ward code.
    pub key: String,
    pub received: u64,
    pub resolved: u64,
    pub open: u64,
    pub overdue: u64,
    pub median_hours_to_resolve: Option<f64>,
    pub p90_hours_to_resolve: Option<f64>,
    /// Mean of citizens' ratings (1 to 5).
    pub satisfaction: Option<f64>,
    pub ratings: u64,
}

/// `GET /api/v1/public/stats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transparency {
    pub by_category: Vec<Figures>,
    pub by_unit: Vec<Figures>,
    /// Per ward or commune (its code), where the reports were made.
    #[serde(default)]
    pub by_ward: Vec<Figures>,
}

/// The catalog as served (`GET /catalog`, and inside `GET /city`): the city's file with the
/// administrators' changes and a People's Committee per ward.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogView {
    pub version: u32,
    pub city: String,
    pub units: Vec<crate::catalog::Unit>,
    pub groups: Vec<crate::catalog::Group>,
    pub categories: Vec<crate::catalog::Category>,
}

impl From<&crate::catalog::Catalog> for CatalogView {
    fn from(c: &crate::catalog::Catalog) -> Self {
        CatalogView {
            version: c.version,
            city: c.city.clone(),
            units: c.units.clone(),
            groups: c.groups.clone(),
            categories: c.categories().to_vec(),
        }
    }
}

/// `GET /api/v1/city`: what a phone needs to know of the city it reports to, so it works
/// offline as the server does. The wards' boundaries come apart (`GET /city/wards`, the
/// compact form of `area::pack`), fetched only when their hash changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CityConfig {
    /// Changes whenever anything here or the wards do.
    pub version: String,
    /// Prefix of public report numbers, e.g. `HUE`.
    pub code: String,
    pub name: Localized,
    /// The city's offset from UTC, e.g. `+07:00`.
    pub utc_offset: String,
    /// How far outside every ward a point is still accepted (and flagged), in metres.
    pub edge_tolerance_m: f64,
    /// The boundaries' credits, shown with the map.
    pub credits: Localized,
    /// The map tiles phones show: an XYZ template (`{z}/{x}/{y}`) of the city's tile server.
    pub tile_url: String,
    /// Lowercase hex SHA-256 of `GET /city/wards`.
    pub wards_sha256: String,
    pub catalog: CatalogView,
}

impl CityConfig {
    /// The configuration of `city` as served, with the tiles phones should use and the hash
    /// of the wards' compact form.
    pub fn of(city: &crate::City, catalog: &crate::catalog::Catalog, tile_url: &str, wards_sha256: &str) -> CityConfig {
        let mut config = CityConfig {
            version: String::new(),
            code: city.code.clone(),
            name: city.name.clone(),
            utc_offset: crate::city::format_offset(city.utc_offset),
            edge_tolerance_m: city.area.tolerance_m(),
            credits: city.credits.clone(),
            tile_url: tile_url.to_owned(),
            wards_sha256: wards_sha256.to_owned(),
            catalog: CatalogView::from(catalog),
        };
        config.version = config.fingerprint();
        config
    }

    /// A hash of everything but the version itself.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let body = serde_json::to_vec(&CityConfig { version: String::new(), ..self.clone() }).unwrap_or_default();
        crate::photo::hex(&Sha256::digest(&body)[..12])
    }

    /// The city this configuration describes, with its wards (the bytes of `GET /city/wards`,
    /// checked against their hash) and the units it had before (which phones keep from their
    /// built-in copy).
    pub fn to_city(&self, wards: &[u8], former_units: Vec<crate::city::FormerUnit>) -> Result<crate::City, crate::city::ConfigError> {
        use crate::city::ConfigError;
        if crate::area::pack::sha256_hex(wards) != self.wards_sha256 {
            return Err(ConfigError::Served("the wards do not match their hash".into()));
        }
        let utc_offset = crate::city::parse_offset(&self.utc_offset)?;
        let area = crate::area::ServiceArea::from_compact(self.name.clone(), wards, self.edge_tolerance_m)?;
        let catalog_json = serde_json::to_string(&self.catalog).map_err(|e| ConfigError::Served(e.to_string()))?;
        let catalog = crate::catalog::Catalog::from_json(&catalog_json)?.with_committees(area.wards());
        Ok(crate::City {
            code: self.code.clone(),
            name: self.name.clone(),
            utc_offset,
            catalog,
            area,
            former_units,
            credits: self.credits.clone(),
            tile_url: self.tile_url.clone(),
        })
    }
}
