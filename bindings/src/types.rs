//! The records and enums every object shares (statuses, positions, places, photos, the
//! catalog, the profile), and their conversions from the core's types. No rules live here:
//! each type says what a screen shows, in the app's language.

use std::time::SystemTime;

use civic_core::model::{self, Lang};
use civic_core::{catalog, warning};
use time::OffsetDateTime;

pub(crate) fn at(t: OffsetDateTime) -> SystemTime {
    SystemTime::from(t)
}

/// Where a report is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReportStatus {
    Draft,
    Queued,
    Submitted,
    Received,
    Assigned,
    InProgress,
    Resolved,
    Rejected,
    Duplicate,
    Reopened,
}

/// A status in words, in `language` ("vi" or "en"; anything else is Vietnamese): the same
/// words as every report's `status_label`, for timeline steps, filters and buttons.
#[uniffi::export]
pub fn status_label(status: ReportStatus, language: String) -> String {
    let lang: Lang = language.parse().unwrap_or_default();
    model::Status::from(status).label(lang).to_owned()
}

/// A warning's severity in words, in `language` (the four CAP levels as Vietnamese warnings
/// name them).
#[uniffi::export]
pub fn severity_label(severity: Severity, language: String) -> String {
    warning::Severity::from(severity).label(language.parse().unwrap_or_default()).to_owned()
}

/// A span of time for people, in `language`: "40 phút", "3 giờ", "2 ngày 4 giờ" / "40 min",
/// "3 h", "2 d 4 h".
#[uniffi::export]
pub fn span_label(hours: f64, language: String) -> String {
    model::span_text(hours, language.parse().unwrap_or_default())
}

/// Whether a report due at `due` is overdue at `now` (the core's rule).
#[uniffi::export]
pub fn is_overdue(due: SystemTime, now: SystemTime) -> bool {
    model::is_overdue(due.into(), now.into())
}

/// An official's deadline in words, in `language`: "Quá hạn 3 giờ" / "Overdue by 3 h", or
/// "Còn 5 giờ" / "Due in 5 h".
#[uniffi::export]
pub fn due_label(due: SystemTime, now: SystemTime, language: String) -> String {
    model::due_text(due.into(), now.into(), language.parse().unwrap_or_default())
}

/// How long the city expects to take over a category, in `language`: "khoảng 24 giờ" /
/// "about 24 hours", in days beyond two whole days.
#[uniffi::export]
pub fn expected_label(hours: u32, language: String) -> String {
    catalog::expected_text(hours, language.parse().unwrap_or_default())
}

/// Whether the city still has work to do on a report in this status (the core's rule, for
/// the map's "open" filter and an official's inbox).
#[uniffi::export]
pub fn status_is_open(status: ReportStatus) -> bool {
    model::Status::from(status).is_open()
}

impl From<model::Status> for ReportStatus {
    fn from(s: model::Status) -> Self {
        use model::Status as S;
        match s {
            S::Draft => ReportStatus::Draft,
            S::Queued => ReportStatus::Queued,
            S::Submitted => ReportStatus::Submitted,
            S::Received => ReportStatus::Received,
            S::Assigned => ReportStatus::Assigned,
            S::InProgress => ReportStatus::InProgress,
            S::Resolved => ReportStatus::Resolved,
            S::Rejected => ReportStatus::Rejected,
            S::Duplicate => ReportStatus::Duplicate,
            S::Reopened => ReportStatus::Reopened,
        }
    }
}

impl From<ReportStatus> for model::Status {
    fn from(s: ReportStatus) -> Self {
        use model::Status as S;
        match s {
            ReportStatus::Draft => S::Draft,
            ReportStatus::Queued => S::Queued,
            ReportStatus::Submitted => S::Submitted,
            ReportStatus::Received => S::Received,
            ReportStatus::Assigned => S::Assigned,
            ReportStatus::InProgress => S::InProgress,
            ReportStatus::Resolved => S::Resolved,
            ReportStatus::Rejected => S::Rejected,
            ReportStatus::Duplicate => S::Duplicate,
            ReportStatus::Reopened => S::Reopened,
        }
    }
}

/// How a position was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FixSource {
    Gps,
    PhotoExif,
    /// The citizen placed the pin on the map.
    Pin,
}

/// A position with its accuracy.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LocationFix {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub source: FixSource,
    pub fixed_at: SystemTime,
}

impl From<model::GeoFix> for LocationFix {
    fn from(f: model::GeoFix) -> Self {
        let source = match f.source {
            model::FixSource::Gps => FixSource::Gps,
            model::FixSource::PhotoExif => FixSource::PhotoExif,
            model::FixSource::Pin => FixSource::Pin,
        };
        LocationFix { lat: f.lat, lon: f.lon, accuracy_m: f.accuracy_m, source, fixed_at: at(f.fixed_at) }
    }
}

impl From<LocationFix> for model::GeoFix {
    fn from(f: LocationFix) -> Self {
        let source = match f.source {
            FixSource::Gps => model::FixSource::Gps,
            FixSource::PhotoExif => model::FixSource::PhotoExif,
            FixSource::Pin => model::FixSource::Pin,
        };
        model::GeoFix { lat: f.lat, lon: f.lon, accuracy_m: f.accuracy_m, source, fixed_at: OffsetDateTime::from(f.fixed_at) }
    }
}

/// Where the map's tiles come from and what it credits, as the city's configuration says
/// (the server's once it has sent it).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MapTiles {
    /// An XYZ template: `{z}`, `{x}`, `{y}`.
    pub url_template: String,
    /// The credits to show on a map drawn from these tiles, in the app's language.
    pub credits: String,
    /// The boundaries' credits alone (for a map whose tiles credit themselves, as MapKit's).
    pub boundary_credits: String,
}

/// A ward or commune, named in the app's language.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlaceName {
    pub code: String,
    pub name: String,
}

pub(crate) fn place(p: model::Place, lang: Lang) -> PlaceName {
    PlaceName { name: p.name.get(lang).to_owned(), code: p.code }
}

/// What the service area says of a point.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AreaCheck {
    /// The ward or commune whose People's Committee answers for the place.
    pub ward: PlaceName,
    /// Just outside the drawn boundary: accepted, and the operators check it.
    pub near_edge: bool,
}

pub(crate) fn area_check(m: civic_core::area::AreaMatch, lang: Lang) -> AreaCheck {
    AreaCheck { ward: place(m.ward, lang), near_edge: m.near_edge }
}

/// A stored photo.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Photo {
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

impl From<model::PhotoRef> for Photo {
    fn from(p: model::PhotoRef) -> Self {
        Photo { hash: p.hash, width: p.width, height: p.height, bytes: p.bytes }
    }
}

/// The citizen's name and contact: kept on the phone, sent to the city with the next sync,
/// shown to the officials handling the citizen's named reports, never to the public.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct CitizenProfile {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl From<civic_core::protocol::Profile> for CitizenProfile {
    fn from(p: civic_core::protocol::Profile) -> Self {
        CitizenProfile { name: p.display_name, phone: p.phone, email: p.email }
    }
}

impl From<CitizenProfile> for civic_core::protocol::Profile {
    fn from(p: CitizenProfile) -> Self {
        civic_core::protocol::Profile { display_name: p.name, phone: p.phone, email: p.email }
    }
}

/// A category of the picker, in the app's language.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Category {
    pub code: String,
    pub group: String,
    /// The group's name, for headings in the picker.
    #[uniffi(default)]
    pub group_name: String,
    pub name: String,
    pub description: String,
    pub expected_hours: u32,
    pub questions: Vec<Question>,
}

/// A question a category asks.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Question {
    pub code: String,
    pub kind: QuestionKind,
    pub required: bool,
    pub prompt: String,
    /// For list questions: (key, label).
    pub choices: Vec<ChoiceOption>,
}

/// The kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum QuestionKind {
    ShortText,
    Number,
    DateTime,
    LongText,
    OneOf,
    SomeOf,
}

/// One choice of a list question.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChoiceOption {
    pub key: String,
    pub label: String,
}

pub(crate) fn category(c: &catalog::Category, groups: &[catalog::Group], lang: Lang) -> Category {
    let questions = c
        .questions
        .iter()
        .map(|q| Question {
            code: q.code.clone(),
            kind: match q.datatype {
                catalog::Datatype::String => QuestionKind::ShortText,
                catalog::Datatype::Number => QuestionKind::Number,
                catalog::Datatype::Datetime => QuestionKind::DateTime,
                catalog::Datatype::Text => QuestionKind::LongText,
                catalog::Datatype::Singlevaluelist => QuestionKind::OneOf,
                catalog::Datatype::Multivaluelist => QuestionKind::SomeOf,
            },
            required: q.required,
            prompt: q.prompt.get(lang).to_owned(),
            choices: q.values.iter().map(|v| ChoiceOption { key: v.key.clone(), label: v.name.get(lang).to_owned() }).collect(),
        })
        .collect();
    Category {
        code: c.code.clone(),
        group: c.group.clone(),
        group_name: groups.iter().find(|g| g.code == c.group).map(|g| g.name.get(lang).to_owned()).unwrap_or_default(),
        name: c.name.get(lang).to_owned(),
        description: c.description.get(lang).to_owned(),
        expected_hours: c.expected_hours,
        questions,
    }
}

/// CAP severity, least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
pub enum Severity {
    Unknown,
    Minor,
    Moderate,
    Severe,
    Extreme,
}

impl From<warning::Severity> for Severity {
    fn from(s: warning::Severity) -> Self {
        match s {
            warning::Severity::Unknown => Severity::Unknown,
            warning::Severity::Minor => Severity::Minor,
            warning::Severity::Moderate => Severity::Moderate,
            warning::Severity::Severe => Severity::Severe,
            warning::Severity::Extreme => Severity::Extreme,
        }
    }
}

impl From<Severity> for warning::Severity {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Unknown => warning::Severity::Unknown,
            Severity::Minor => warning::Severity::Minor,
            Severity::Moderate => warning::Severity::Moderate,
            Severity::Severe => warning::Severity::Severe,
            Severity::Extreme => warning::Severity::Extreme,
        }
    }
}

/// A point (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}
