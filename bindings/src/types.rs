//! The records and enums the apps see, and their conversions from the core's types. No
//! rules live here: each type says what a screen shows, in the app's language.

use std::time::SystemTime;

use civic_core::model::{self, Lang};
use civic_core::store::{self as core_store};
use civic_core::{catalog, sync, warning};
use time::OffsetDateTime;

fn at(t: OffsetDateTime) -> SystemTime {
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

/// Who acted on a report, as its timeline names them, in `language`.
#[uniffi::export]
pub fn actor_label(actor: TimelineActor, language: String) -> String {
    model::ActorRole::from(actor).label(language.parse().unwrap_or_default()).to_owned()
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

/// Where one of a draft's photos was taken.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PhotoLocation {
    pub hash: String,
    pub fix: LocationFix,
}

/// An answer to a category's question.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Answer {
    Text { value: String },
    Number { value: f64 },
    DateTime { value: SystemTime },
    Choice { key: String },
    Choices { keys: Vec<String> },
}

impl From<Answer> for model::AnswerValue {
    fn from(a: Answer) -> Self {
        match a {
            Answer::Text { value } => model::AnswerValue::Text(value),
            Answer::Number { value } => model::AnswerValue::Number(value),
            Answer::DateTime { value } => model::AnswerValue::DateTime(OffsetDateTime::from(value)),
            Answer::Choice { key } => model::AnswerValue::Choice(key),
            Answer::Choices { keys } => model::AnswerValue::Choices(keys),
        }
    }
}

impl From<model::AnswerValue> for Answer {
    fn from(a: model::AnswerValue) -> Self {
        match a {
            model::AnswerValue::Text(value) => Answer::Text { value },
            model::AnswerValue::Number(value) => Answer::Number { value },
            model::AnswerValue::DateTime(t) => Answer::DateTime { value: at(t) },
            model::AnswerValue::Choice(key) => Answer::Choice { key },
            model::AnswerValue::Choices(keys) => Answer::Choices { keys },
        }
    }
}

/// A question's code and its answer.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct QuestionAnswer {
    pub question: String,
    pub answer: Answer,
}

fn answers(a: model::Answers) -> Vec<QuestionAnswer> {
    a.into_iter().map(|(question, v)| QuestionAnswer { question, answer: v.into() }).collect()
}

/// A report being written: saved at every change.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Draft {
    pub id: String,
    pub category: Option<String>,
    pub location: Option<LocationFix>,
    pub description: String,
    pub anonymous: bool,
    pub answers: Vec<QuestionAnswer>,
    pub photos: Vec<Photo>,
    pub updated_at: SystemTime,
    /// Nothing entered yet (the core's rule): not offered as "continue your report".
    pub blank: bool,
}

impl From<model::Draft> for Draft {
    fn from(d: model::Draft) -> Self {
        Draft {
            blank: d.is_blank(),
            id: d.id.to_string(),
            category: d.category,
            location: d.location.map(Into::into),
            description: d.description,
            anonymous: d.anonymous,
            answers: answers(d.answers),
            photos: d.photos.into_iter().map(Into::into).collect(),
            updated_at: at(d.updated_at),
        }
    }
}

/// A photo just attached, with what it told about where and when it was taken.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AttachedPhoto {
    pub photo: Photo,
    /// Where the photo says it was taken.
    pub location_hint: Option<LocationFix>,
    /// The draft had no place yet and now is where the photo was taken.
    pub placed: Option<AreaCheck>,
    /// The draft had no place yet and the photo was taken outside the service area: why,
    /// in the app's language (the draft still has no place).
    pub outside_area: Option<String>,
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

/// A sent report as its citizen sees it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Report {
    pub id: String,
    /// The number to quote (e.g. HUE-2026-000123), once the city has it.
    pub public_number: Option<String>,
    pub category: String,
    pub status: ReportStatus,
    /// The status in the app's language.
    pub status_label: String,
    pub location: LocationFix,
    pub ward: Option<PlaceName>,
    pub description: String,
    pub anonymous: bool,
    pub answers: Vec<QuestionAnswer>,
    pub photos: Vec<Photo>,
    pub captured_at: SystemTime,
    pub updated_at: SystemTime,
}

pub(crate) fn report(r: model::Report, lang: Lang) -> Report {
    Report {
        id: r.id.to_string(),
        public_number: r.public_number,
        category: r.category,
        status: r.status.into(),
        status_label: r.status.label(lang).to_owned(),
        location: r.location.into(),
        ward: r.ward.map(|p| place(p, lang)),
        description: r.description,
        anonymous: r.anonymous,
        answers: answers(r.answers),
        photos: r.photos.into_iter().map(Into::into).collect(),
        captured_at: at(r.captured_at),
        updated_at: at(r.updated_at),
    }
}

/// Who did something on a report's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TimelineActor {
    Citizen,
    Operator,
    Officer,
    System,
}

/// One step of a report's timeline.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TimelineStep {
    pub at: SystemTime,
    pub actor: TimelineActor,
    pub status: Option<ReportStatus>,
    pub note: Option<String>,
    /// An after-photo (its hash), for a resolution.
    pub photo: Option<String>,
}

impl From<TimelineActor> for model::ActorRole {
    fn from(a: TimelineActor) -> Self {
        match a {
            TimelineActor::Citizen => model::ActorRole::Citizen,
            TimelineActor::Operator => model::ActorRole::Operator,
            TimelineActor::Officer => model::ActorRole::Officer,
            TimelineActor::System => model::ActorRole::System,
        }
    }
}

impl From<model::ActorRole> for TimelineActor {
    fn from(a: model::ActorRole) -> Self {
        match a {
            model::ActorRole::Citizen => TimelineActor::Citizen,
            model::ActorRole::Operator => TimelineActor::Operator,
            model::ActorRole::Officer => TimelineActor::Officer,
            model::ActorRole::System => TimelineActor::System,
        }
    }
}

impl From<model::TimelineEvent> for TimelineStep {
    fn from(e: model::TimelineEvent) -> Self {
        TimelineStep { at: at(e.at), actor: e.actor.into(), status: e.status.map(Into::into), note: e.note, photo: e.photo }
    }
}

/// A report's detail screen.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReportDetail {
    pub report: Report,
    pub timeline: Vec<TimelineStep>,
    /// Warnings the report was filed under.
    pub alerts: Vec<String>,
    /// Why the city refused it, if it did.
    pub refusal: Option<String>,
    /// The citizen's rating of the latest outcome (1 to 5 stars), once given.
    #[uniffi(default)]
    pub rating: Option<u8>,
    /// Resolved or rejected and not yet rated: the rating widget shows.
    #[uniffi(default)]
    pub can_rate: bool,
}

/// A line of the "my reports" list.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReportSummary {
    pub id: String,
    pub public_number: Option<String>,
    pub category: String,
    pub status: ReportStatus,
    pub status_label: String,
    pub ward: Option<PlaceName>,
    pub captured_at: SystemTime,
    pub updated_at: SystemTime,
    pub cover_photo: Option<String>,
    /// The server refused it for good: it will not be sent (`report(id).refusal` says why);
    /// `status_label` then says so instead of "waiting to send".
    #[uniffi(default)]
    pub refused: bool,
}

/// A page of "my reports".
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReportPage {
    pub reports: Vec<ReportSummary>,
    /// Pass back for the next page; none on the last.
    pub next: Option<String>,
}

pub(crate) fn report_page(p: core_store::ReportPage, lang: Lang) -> ReportPage {
    let reports = p
        .reports
        .into_iter()
        .map(|r| ReportSummary {
            status_label: r.status_label(lang).to_owned(),
            id: r.id.to_string(),
            public_number: r.public_number,
            category: r.category,
            status: r.status.into(),
            ward: r.ward.map(|d| place(d, lang)),
            captured_at: at(r.captured_at),
            updated_at: at(r.updated_at),
            cover_photo: r.cover_photo,
            refused: r.refused,
        })
        .collect();
    ReportPage { reports, next: p.next }
}

/// The outbox: what waits to be sent.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Outbox {
    pub waiting: u32,
    pub photo_bytes: u64,
    pub refused: u32,
    pub oldest_queued_at: Option<SystemTime>,
}

impl From<core_store::OutboxSummary> for Outbox {
    fn from(o: core_store::OutboxSummary) -> Self {
        Outbox { waiting: o.waiting, photo_bytes: o.photo_bytes, refused: o.refused, oldest_queued_at: o.oldest_queued_at.map(at) }
    }
}

/// Something the city did on one of the citizen's reports, to tell them once.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReportNotification {
    pub event: String,
    pub report: String,
    pub public_number: Option<String>,
    /// The new status, or none for a reply.
    pub status: Option<ReportStatus>,
    pub note: Option<String>,
    pub at: SystemTime,
}

impl From<core_store::Notification> for ReportNotification {
    fn from(n: core_store::Notification) -> Self {
        ReportNotification {
            event: n.event.to_string(),
            report: n.report.to_string(),
            public_number: n.public_number,
            status: n.status.map(Into::into),
            note: n.note,
            at: at(n.at),
        }
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
    pub state: SyncState,
}

impl From<sync::SyncOutcome> for SyncOutcome {
    fn from(o: sync::SyncOutcome) -> Self {
        SyncOutcome {
            submitted: o.submitted.iter().map(ToString::to_string).collect(),
            refused: o.refused.iter().map(|(id, _)| id.to_string()).collect(),
            notifications: o.notifications.into_iter().map(Into::into).collect(),
            alerts_raised: o.alerts_raised,
            state: o.state.into(),
        }
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

/// A topic of warnings a resident can follow.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WarningTopic {
    pub code: String,
    pub name: String,
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

/// A point (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
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
