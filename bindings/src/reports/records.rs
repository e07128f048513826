//! The records of capture and of the citizen's reports, and their conversions from the
//! core's types.

use std::time::SystemTime;

use civic_core::model::{self, Lang};
use civic_core::store::{self as core_store};
use time::OffsetDateTime;

use crate::types::*;

/// Who acted on a report, as its timeline names them, in `language`.
#[uniffi::export]
pub fn actor_label(actor: TimelineActor, language: String) -> String {
    model::ActorRole::from(actor).label(language.parse().unwrap_or_default()).to_owned()
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
    /// Resolved or rejected: the citizen may ask to reopen it (within the city's window).
    #[uniffi(default)]
    pub can_reopen: bool,
    /// The citizen's rating or reopening is kept on the phone and waits to be sent (the
    /// report already shows it).
    #[uniffi(default)]
    pub feedback_waiting: bool,
    /// The city refused the citizen's last rating or reopening, in words (until the report
    /// moves on).
    #[uniffi(default)]
    pub feedback_refused: Option<String>,
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
