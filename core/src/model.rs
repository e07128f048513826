//! The domain: reports, their photos, location fixes, statuses and timelines.
//!
//! Plain data with serde; times are UTC. The same types travel on the wire (see `protocol`
//! in later work) and sit in the phone's store, so client and server cannot drift.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// The client-generated id of a report (UUIDv7): its idempotency key for every upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ReportId(Uuid);

impl ReportId {
    /// A fresh, time-ordered id for a report captured now.
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }
    /// The underlying UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl Default for ReportId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.as_hyphenated().fmt(f)
    }
}

impl FromStr for ReportId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// Where a location fix came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FixSource {
    /// The phone's location provider.
    Gps,
    /// The GPS position written into the photo by the camera.
    PhotoExif,
    /// A pin the citizen placed or moved on the map.
    Pin,
}

impl FixSource {
    /// Stable name used in storage and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            FixSource::Gps => "gps",
            FixSource::PhotoExif => "photo_exif",
            FixSource::Pin => "pin",
        }
    }
}

impl FromStr for FixSource {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "gps" => Ok(FixSource::Gps),
            "photo_exif" => Ok(FixSource::PhotoExif),
            "pin" => Ok(FixSource::Pin),
            other => Err(UnknownName(other.to_owned())),
        }
    }
}

/// A name that matched none of an enum's stable names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown name {0:?}")]
pub struct UnknownName(pub String);

/// A position with its accuracy, as the platform or the citizen gave it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GeoFix {
    #[cfg_attr(feature = "openapi", schema(minimum = -90, maximum = 90))]
    pub lat: f64,
    #[cfg_attr(feature = "openapi", schema(minimum = -180, maximum = 180))]
    pub lon: f64,
    /// Radius of 68% confidence, in metres (Android's and iOS's meaning).
    pub accuracy_m: f64,
    pub source: FixSource,
    #[serde(with = "time::serde::rfc3339")]
    pub fixed_at: OffsetDateTime,
}

/// Where a report stands, from the phone's draft to the city's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written on the phone; not yet sent.
    Draft,
    /// Sent by the citizen and safe on the phone; waiting for the network.
    Queued,
    /// Acknowledged by the server.
    Submitted,
    /// Accepted into the operations centre's queue.
    Received,
    /// Routed to the unit responsible.
    Assigned,
    /// The unit is working on it.
    InProgress,
    /// Fixed, with a note and usually an after-photo.
    Resolved,
    /// Not acted on, with a reason.
    Rejected,
    /// The same problem as another report, which it links to.
    Duplicate,
    /// The citizen says the outcome is wrong; back to the unit.
    Reopened,
}

impl Status {
    /// Every status, in the order of the lifecycle.
    pub const ALL: [Status; 10] = [
        Status::Draft,
        Status::Queued,
        Status::Submitted,
        Status::Received,
        Status::Assigned,
        Status::InProgress,
        Status::Resolved,
        Status::Rejected,
        Status::Duplicate,
        Status::Reopened,
    ];

    /// Stable name used in storage and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Queued => "queued",
            Status::Submitted => "submitted",
            Status::Received => "received",
            Status::Assigned => "assigned",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
            Status::Rejected => "rejected",
            Status::Duplicate => "duplicate",
            Status::Reopened => "reopened",
        }
    }

    /// True once the city has given an outcome (the citizen may rate or reopen it).
    pub fn is_outcome(self) -> bool {
        matches!(self, Status::Resolved | Status::Rejected | Status::Duplicate)
    }

    /// True while the city still has work to do on it (sent, and no outcome yet): what the
    /// map's "open" filter and an official's inbox show.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Submitted | Status::Received | Status::Assigned | Status::InProgress | Status::Reopened)
    }

    /// True while the report still lives only on the phone.
    pub fn is_local(self) -> bool {
        matches!(self, Status::Draft | Status::Queued)
    }

    /// The statuses this one may move to. The server enforces these for officials;
    /// the phone uses them to refuse updates that would move a report backwards.
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Draft => &[Queued],
            Queued => &[Submitted],
            Submitted => &[Received, Assigned, InProgress, Resolved, Rejected, Duplicate],
            Received => &[Assigned, InProgress, Resolved, Rejected, Duplicate],
            Assigned => &[Assigned, InProgress, Resolved, Rejected, Duplicate],
            InProgress => &[Assigned, Resolved, Rejected, Duplicate],
            Resolved | Rejected => &[Reopened],
            Duplicate => &[],
            Reopened => &[Assigned, InProgress, Resolved, Rejected, Duplicate],
        }
    }

    /// Whether `self -> to` is a legal change.
    pub fn can_move_to(self, to: Status) -> bool {
        self.next().contains(&to)
    }

    /// The citizen-facing label.
    pub fn label(self, lang: Lang) -> &'static str {
        use Status::*;
        match (self, lang) {
            (Draft, Lang::Vi) => "Bản nháp",
            (Draft, Lang::En) => "Draft",
            (Queued, Lang::Vi) => "Chờ gửi",
            (Queued, Lang::En) => "Waiting to send",
            (Submitted, Lang::Vi) => "Đã gửi",
            (Submitted, Lang::En) => "Submitted",
            (Received, Lang::Vi) => "Đã tiếp nhận",
            (Received, Lang::En) => "Received",
            (Assigned, Lang::Vi) => "Đã chuyển đơn vị xử lý",
            (Assigned, Lang::En) => "Assigned",
            (InProgress, Lang::Vi) => "Đang xử lý",
            (InProgress, Lang::En) => "In progress",
            (Resolved, Lang::Vi) => "Đã xử lý xong",
            (Resolved, Lang::En) => "Resolved",
            (Rejected, Lang::Vi) => "Từ chối",
            (Rejected, Lang::En) => "Rejected",
            (Duplicate, Lang::Vi) => "Trùng phản ánh khác",
            (Duplicate, Lang::En) => "Duplicate",
            (Reopened, Lang::Vi) => "Đã mở lại",
            (Reopened, Lang::En) => "Reopened",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| UnknownName(s.to_owned()))
    }
}

/// The language of a user-facing string. Vietnamese first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Stable name used in storage, and the language prefix of CAP's `<language>` ("vi", "en").
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

impl FromStr for Lang {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "vi" => Ok(Lang::Vi),
            "en" => Ok(Lang::En),
            other => Err(UnknownName(other.to_owned())),
        }
    }
}

/// A `[lat, lon]` pair as the API documents it (WGS 84 degrees): exactly two numbers.
#[cfg(feature = "openapi")]
pub struct LatLonPair;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for LatLonPair {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
        ArrayBuilder::new()
            .items(ObjectBuilder::new().schema_type(Type::Number))
            .min_items(Some(2))
            .max_items(Some(2))
            .description(Some("`[lat, lon]` in WGS 84 degrees"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for LatLonPair {}

/// A text in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Localized {
    pub vi: String,
    pub en: String,
}

impl Localized {
    /// The text in `lang`, falling back to the other language when empty.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi if !self.vi.is_empty() => &self.vi,
            Lang::En if !self.en.is_empty() => &self.en,
            Lang::Vi => &self.en,
            Lang::En => &self.vi,
        }
    }
}

/// Who made a change on a report's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActorRole {
    /// The citizen who reported it (never named in public).
    Citizen,
    /// The operations centre.
    Operator,
    /// An officer of the unit responsible.
    Officer,
    /// The system itself (routing, the phone's outbox).
    System,
}

impl ActorRole {
    /// Who acted on a report, as its timeline says it.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ActorRole::Citizen, Lang::Vi) => "Người dân",
            (ActorRole::Citizen, Lang::En) => "Citizen",
            (ActorRole::Operator, Lang::Vi) => "Trung tâm điều hành",
            (ActorRole::Operator, Lang::En) => "Operations centre",
            (ActorRole::Officer, Lang::Vi) => "Cán bộ",
            (ActorRole::Officer, Lang::En) => "Officer",
            (ActorRole::System, Lang::Vi) => "Hệ thống",
            (ActorRole::System, Lang::En) => "System",
        }
    }
}

impl ActorRole {
    /// Stable name used in storage and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorRole::Citizen => "citizen",
            ActorRole::Operator => "operator",
            ActorRole::Officer => "officer",
            ActorRole::System => "system",
        }
    }
}

impl FromStr for ActorRole {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "citizen" => Ok(ActorRole::Citizen),
            "operator" => Ok(ActorRole::Operator),
            "officer" => Ok(ActorRole::Officer),
            "system" => Ok(ActorRole::System),
            other => Err(UnknownName(other.to_owned())),
        }
    }
}

/// One entry of a report's timeline: a change of status, a reply, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEvent {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: ActorRole,
    /// The status the report moved to, if this event changed it.
    pub status: Option<Status>,
    /// The note, reply or reason (a rejection always has one).
    pub note: Option<String>,
    /// Content hash of a photo attached to the event (e.g. the after-photo).
    pub photo: Option<String>,
    /// For `Status::Duplicate`: the report this one duplicates.
    pub duplicate_of: Option<ReportId>,
    /// On the citizen's rating step: the stars (1 to 5) they gave the outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
}

/// A citizen's answer to one of the category's questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    /// For `string` and `text` questions.
    Text(String),
    Number(f64),
    DateTime(#[serde(with = "time::serde::rfc3339")] OffsetDateTime),
    /// The key of one value of a `singlevaluelist`.
    Choice(String),
    /// Keys of values of a `multivaluelist`.
    Choices(Vec<String>),
}

/// Answers keyed by question code.
pub type Answers = BTreeMap<String, AnswerValue>;

/// A photo as the store keeps it: the processed, metadata-free JPEG's hash and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoRef {
    /// Lowercase hex SHA-256 of the JPEG bytes: the photo's id everywhere.
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

/// A report being written: every field optional until it is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draft {
    pub id: ReportId,
    pub category: Option<String>,
    pub location: Option<GeoFix>,
    pub description: String,
    pub anonymous: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, AnswerValue>))]
    pub answers: Answers,
    pub photos: Vec<PhotoRef>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Draft {
    /// Nothing entered yet: no photo, place, category, answer or words. A blank draft is not
    /// offered as "continue your report".
    pub fn is_blank(&self) -> bool {
        self.photos.is_empty()
            && self.location.is_none()
            && self.category.is_none()
            && self.answers.is_empty()
            && self.description.trim().is_empty()
    }
}

/// Where the service area routed a point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Place {
    /// Code of the administrative unit (e.g. the GSO code "474").
    pub code: String,
    pub name: Localized,
}

/// A report the citizen has sent: in the outbox, or known to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub id: ReportId,
    /// The number a citizen can quote (e.g. `HUE-2026-000123`), once the server gave one.
    pub public_number: Option<String>,
    pub category: String,
    pub location: GeoFix,
    /// The ward or commune it was placed in.
    pub ward: Option<Place>,
    pub description: String,
    pub anonymous: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, AnswerValue>))]
    pub answers: Answers,
    pub photos: Vec<PhotoRef>,
    #[serde(with = "time::serde::rfc3339")]
    pub captured_at: OffsetDateTime,
    pub status: Status,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A report with everything its detail screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportDetail {
    pub report: Report,
    pub timeline: Vec<TimelineEvent>,
    /// Warnings (`AlertView::id`) that were active where the report was filed, when it was
    /// sent; the server gets them with the report.
    #[serde(default)]
    pub alerts: Vec<String>,
}

impl ReportDetail {
    /// The citizen's rating of the latest outcome (1 to 5 stars): their rating step after the
    /// last resolution or rejection, if any.
    pub fn rating(&self) -> Option<u8> {
        let from = self.timeline.iter().rposition(|e| e.status.is_some_and(|s| matches!(s, Status::Resolved | Status::Rejected)))?;
        self.timeline[from..].iter().rev().filter(|e| e.actor == ActorRole::Citizen).find_map(|e| e.rating)
    }

    /// The city gave an outcome (resolved or rejected) that the citizen has not rated yet.
    pub fn can_rate(&self) -> bool {
        matches!(self.report.status, Status::Resolved | Status::Rejected) && self.rating().is_none()
    }

    /// The city gave an outcome the citizen may dispute (resolved or rejected); the server
    /// also holds a window after it.
    pub fn can_reopen(&self) -> bool {
        matches!(self.report.status, Status::Resolved | Status::Rejected)
    }
}

/// Longest description of a report, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
/// Most photos on one report.
pub const MAX_PHOTOS: usize = 5;

/// Plain text as stored (phone and server alike): no control characters but newlines and
/// tabs, `\r\n` folded.
pub fn plain_text(s: &str) -> String {
    s.replace("\r\n", "\n").chars().filter(|&c| c == '\n' || c == '\t' || !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_open_while_the_city_has_work_to_do_on_it() {
        let open: Vec<Status> = Status::ALL.iter().copied().filter(|s| s.is_open()).collect();
        assert_eq!(open, [Status::Submitted, Status::Received, Status::Assigned, Status::InProgress, Status::Reopened]);
        assert!(Status::ALL.iter().all(|s| !(s.is_open() && (s.is_outcome() || s.is_local()))));
    }

    #[test]
    fn report_ids_sort_in_capture_order() {
        let a = ReportId::new();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = ReportId::new();
        assert!(a < b);
        assert_eq!(a.as_uuid().get_version_num(), 7);
        assert_eq!(a.to_string().parse::<ReportId>().ok(), Some(a));
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for st in Status::ALL {
            assert_eq!(st.as_str().parse::<Status>(), Ok(st));
            assert!(!st.label(Lang::Vi).is_empty() && !st.label(Lang::En).is_empty());
        }
        assert!("fixed".parse::<Status>().is_err());
    }

    #[test]
    fn an_outcome_can_only_be_reopened_and_a_queued_report_only_submitted() {
        assert!(Status::Resolved.can_move_to(Status::Reopened));
        assert!(!Status::Resolved.can_move_to(Status::InProgress));
        assert!(Status::Queued.can_move_to(Status::Submitted));
        assert!(!Status::Queued.can_move_to(Status::Resolved));
        assert!(Status::Duplicate.next().is_empty());
        // Every status but the terminal duplicate leads somewhere.
        for st in Status::ALL {
            assert!(st == Status::Duplicate || !st.next().is_empty(), "{st} is a dead end");
        }
    }

    #[test]
    fn answers_serialize_with_their_type() {
        let mut a = Answers::new();
        a.insert("amount".into(), AnswerValue::Choice("bag".into()));
        a.insert("lights".into(), AnswerValue::Number(3.0));
        let json = serde_json::to_string(&a).unwrap_or_default();
        assert_eq!(json, r#"{"amount":{"type":"choice","value":"bag"},"lights":{"type":"number","value":3.0}}"#);
        let back: Answers = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, a);
    }
}

/// What an official does to a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OfficialAction {
    /// Assigned, in progress, rejected (the note says why)…
    ChangeStatus { to: Status, note: Option<String> },
    /// An answer to the citizen on the report's timeline.
    Reply { text: String },
    /// Done: what was done, with an after-photo taken at `location`.
    Resolve { note: String, location: GeoFix },
}

/// An action waiting for the network.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingAction {
    /// Its place in the queue (actions go in this order).
    pub seq: i64,
    pub report: ReportId,
    pub action: OfficialAction,
    /// A resolution's after-photo is stored with it.
    pub has_photo: bool,
    pub queued_at: OffsetDateTime,
}

impl PendingAction {
    /// The `Idempotency-Key` its delivery carries: the same on every retry, so an answer lost
    /// on the way back never makes the server do it twice.
    pub fn idempotency_key(&self) -> String {
        format!("official-action-{}-{}", self.seq, self.queued_at.unix_timestamp_nanos())
    }
}

/// A span of time for people: "40 phút", "3 giờ", "2 ngày", "2 ngày 4 giờ" / "40 min", "3 h",
/// "2 d", "2 d 4 h". Never fails on a strange value (negative or not finite counts as none).
pub fn span_text(hours: f64, lang: Lang) -> String {
    let hours = if hours.is_finite() { hours.clamp(0.0, 1e9) } else { 0.0 };
    let total = hours as u64;
    let (days, rest) = (total / 24, total % 24);
    let vi = lang == Lang::Vi;
    if hours < 1.0 {
        let minutes = (hours * 60.0) as u64;
        return if vi { format!("{minutes} phút") } else { format!("{minutes} min") };
    }
    match (days, rest, vi) {
        (0, _, true) => format!("{total} giờ"),
        (0, _, false) => format!("{total} h"),
        (_, 0, true) => format!("{days} ngày"),
        (_, 0, false) => format!("{days} d"),
        (_, _, true) => format!("{days} ngày {rest} giờ"),
        (_, _, false) => format!("{days} d {rest} h"),
    }
}

/// Whether a report due at `due` is overdue at `now`.
pub fn is_overdue(due: OffsetDateTime, now: OffsetDateTime) -> bool {
    now > due
}

/// An official's deadline in words: "Quá hạn 3 giờ" / "Overdue by 3 h", or "Còn 5 giờ" /
/// "Due in 5 h".
pub fn due_text(due: OffsetDateTime, now: OffsetDateTime, lang: Lang) -> String {
    let late = is_overdue(due, now);
    let span = if late { now - due } else { due - now };
    let text = span_text(span.as_seconds_f64() / 3600.0, lang);
    match (late, lang) {
        (true, Lang::Vi) => format!("Quá hạn {text}"),
        (true, Lang::En) => format!("Overdue by {text}"),
        (false, Lang::Vi) => format!("Còn {text}"),
        (false, Lang::En) => format!("Due in {text}"),
    }
}
