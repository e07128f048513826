//! What a citizen says back about a report: a rating of the city's outcome, a reopening when
//! it is not fixed, a "me too" on another citizen's open report.
//!
//! Each is kept on the phone first (the call returns at once, signal or not) and sync
//! delivers it, in the order it was made, once: its Idempotency-Key is made when it is kept
//! and goes with every try, so an answer lost on the way back never counts a rating or a
//! "me too" twice. Here are the rules of what may be kept now, how a report reads with what
//! still waits for it, and the words for one the city refused.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::model::{ActorRole, Lang, ReportDetail, ReportId, Status, TimelineEvent, plain_text};
use crate::protocol::Rate;

/// Longest comment of a rating, or reason of a reopening, in characters (as the server takes).
pub const MAX_FEEDBACK_CHARS: usize = 1000;

/// One thing said back about a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeedbackAction {
    /// 1 to 5 stars for the latest outcome of one of the citizen's reports.
    Rate { stars: u8, comment: Option<String> },
    /// The outcome is wrong: back to the city, with why.
    Reopen { reason: String },
    /// "Me too" on another citizen's open report (counted once per phone).
    MeToo,
}

impl FeedbackAction {
    /// Its stable name (kept with it in the store).
    pub fn kind(&self) -> &'static str {
        match self {
            FeedbackAction::Rate { .. } => "rate",
            FeedbackAction::Reopen { .. } => "reopen",
            FeedbackAction::MeToo => "me_too",
        }
    }

    /// What it is, for a sentence about it.
    fn noun(&self, lang: Lang) -> &'static str {
        match (self, lang) {
            (FeedbackAction::Rate { .. }, Lang::Vi) => "Đánh giá",
            (FeedbackAction::Rate { .. }, Lang::En) => "The rating",
            (FeedbackAction::Reopen { .. }, Lang::Vi) => "Yêu cầu xử lý lại",
            (FeedbackAction::Reopen { .. }, Lang::En) => "The request to reopen",
            (FeedbackAction::MeToo, Lang::Vi) => "Xác nhận “Tôi cũng gặp”",
            (FeedbackAction::MeToo, Lang::En) => "The “me too”",
        }
    }
}

/// An action kept on the phone until the server has it.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingFeedback {
    /// Its place in the queue (actions go in this order).
    pub seq: i64,
    pub report: ReportId,
    pub action: FeedbackAction,
    /// Made once when it was kept; its `Idempotency-Key`.
    pub key: Uuid,
    pub queued_at: OffsetDateTime,
}

impl PendingFeedback {
    /// A new action on `report`, with its own key, kept at `now`.
    pub fn new(report: ReportId, action: FeedbackAction, now: OffsetDateTime) -> Self {
        PendingFeedback { seq: 0, report, action, key: Uuid::now_v7(), queued_at: now }
    }

    /// The `Idempotency-Key` every try of its delivery carries.
    pub fn idempotency_key(&self) -> String {
        self.key.to_string()
    }

    /// How it reads on the report's timeline while it waits (a "me too" is on no timeline
    /// of the citizen's).
    fn step(&self) -> Option<TimelineEvent> {
        let (status, note, rating) = match &self.action {
            FeedbackAction::Rate { stars, comment } => {
                (None, Rate { stars: *stars, comment: comment.clone() }.timeline_note(), Some(*stars))
            }
            FeedbackAction::Reopen { reason } => (Some(Status::Reopened), reason.clone(), None),
            FeedbackAction::MeToo => return None,
        };
        Some(TimelineEvent {
            id: self.key,
            at: self.queued_at,
            actor: ActorRole::Citizen,
            status,
            note: Some(note),
            photo: None,
            duplicate_of: None,
            rating,
        })
    }
}

/// An action the server refused for good: no longer sent; the citizen is told why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefusedFeedback {
    pub report: ReportId,
    /// The report's number, when it is one of the citizen's that the city numbered.
    pub public_number: Option<String>,
    pub action: FeedbackAction,
    /// The server's problem type (`already-rated`, `reopen-window-closed`, `report-closed`…).
    pub kind: String,
    /// What the server said.
    pub reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl RefusedFeedback {
    /// What to tell the citizen: "Đánh giá cho phản ánh HUE-2026-000123 không được gửi: phản
    /// ánh này đã được đánh giá." / "The rating of report HUE-2026-000123 was not sent: this
    /// outcome was already rated."
    pub fn message(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        let why = match (self.kind.as_str(), vi) {
            ("already-rated", true) => "kết quả này đã được đánh giá".to_owned(),
            ("already-rated", false) => "this outcome was already rated".to_owned(),
            ("not-rateable", true) => "phản ánh chưa có kết quả để đánh giá".to_owned(),
            ("not-rateable", false) => "the report has no outcome to rate".to_owned(),
            ("not-reopenable", true) => "chỉ phản ánh đã xử lý xong hoặc bị từ chối mới yêu cầu xử lý lại được".to_owned(),
            ("not-reopenable", false) => "only a resolved or rejected report can be reopened".to_owned(),
            ("reopen-window-closed", true) => "đã quá thời hạn yêu cầu xử lý lại".to_owned(),
            ("reopen-window-closed", false) => "the time to reopen it has passed".to_owned(),
            ("report-closed", true) => "phản ánh này đã được xử lý xong".to_owned(),
            ("report-closed", false) => "this report is already closed".to_owned(),
            ("not-found", true) => "không tìm thấy phản ánh".to_owned(),
            ("not-found", false) => "the report cannot be found".to_owned(),
            (_, true) => format!("máy chủ từ chối ({})", self.reason),
            (_, false) => format!("the server refused it ({})", self.reason),
        };
        let noun = self.action.noun(lang);
        match (&self.public_number, vi) {
            (Some(n), true) => format!("{noun} cho phản ánh {n} không được gửi: {why}."),
            (Some(n), false) => format!("{noun} of report {n} was not sent: {why}."),
            (None, true) => format!("{noun} của bạn không được gửi: {why}."),
            (None, false) => format!("{noun} was not sent: {why}."),
        }
    }
}

/// Why an action cannot be kept now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackError {
    #[error("a rating is 1 to 5 stars")]
    BadRating,
    #[error("at most {max} characters")]
    TooLong { max: usize },
    #[error("a reopening needs a reason")]
    NoReason,
    #[error("the report has no outcome to rate, or it is rated")]
    NotRateable,
    #[error("only a resolved or rejected report can be reopened")]
    NotReopenable,
}

impl FeedbackError {
    /// Its name, as the server names the same refusal.
    pub fn kind(&self) -> &'static str {
        match self {
            FeedbackError::BadRating => "bad-rating",
            FeedbackError::TooLong { .. } => "too-long",
            FeedbackError::NoReason => "missing-field",
            FeedbackError::NotRateable => "not-rateable",
            FeedbackError::NotReopenable => "not-reopenable",
        }
    }

    /// What to tell the citizen.
    pub fn message(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        match (self, vi) {
            (FeedbackError::BadRating, true) => "Hãy chọn từ 1 đến 5 sao.".to_owned(),
            (FeedbackError::BadRating, false) => "Please choose 1 to 5 stars.".to_owned(),
            (FeedbackError::TooLong { max }, true) => format!("Nội dung quá dài (tối đa {max} ký tự)."),
            (FeedbackError::TooLong { max }, false) => format!("The text is too long (at most {max} characters)."),
            (FeedbackError::NoReason, true) => "Hãy cho biết vì sao cần xử lý lại.".to_owned(),
            (FeedbackError::NoReason, false) => "Please say why it needs to be reopened.".to_owned(),
            (FeedbackError::NotRateable, true) => "Phản ánh này chưa có kết quả để đánh giá, hoặc bạn đã đánh giá.".to_owned(),
            (FeedbackError::NotRateable, false) => "This report has no outcome to rate, or you rated it already.".to_owned(),
            (FeedbackError::NotReopenable, true) => "Chỉ phản ánh đã xử lý xong hoặc bị từ chối mới yêu cầu xử lý lại được.".to_owned(),
            (FeedbackError::NotReopenable, false) => "Only a resolved or rejected report can be reopened.".to_owned(),
        }
    }
}

/// Plain text, trimmed; none when blank; refused when too long.
fn text(s: &str) -> Result<Option<String>, FeedbackError> {
    let t = plain_text(s).trim().to_owned();
    if t.chars().count() > MAX_FEEDBACK_CHARS {
        return Err(FeedbackError::TooLong { max: MAX_FEEDBACK_CHARS });
    }
    Ok(Some(t).filter(|t| !t.is_empty()))
}

/// A rating of `detail` (as it reads with what waits) the citizen may give now.
pub fn rating(detail: &ReportDetail, stars: u8, comment: Option<&str>) -> Result<FeedbackAction, FeedbackError> {
    if !(1..=5).contains(&stars) {
        return Err(FeedbackError::BadRating);
    }
    let comment = comment.map(text).transpose()?.flatten();
    if !detail.can_rate() {
        return Err(FeedbackError::NotRateable);
    }
    Ok(FeedbackAction::Rate { stars, comment })
}

/// A reopening of `detail` (as it reads with what waits) the citizen may ask for now. The
/// window after the outcome is the server's to hold.
pub fn reopening(detail: &ReportDetail, reason: &str) -> Result<FeedbackAction, FeedbackError> {
    let reason = text(reason)?.ok_or(FeedbackError::NoReason)?;
    if !detail.can_reopen() {
        return Err(FeedbackError::NotReopenable);
    }
    Ok(FeedbackAction::Reopen { reason })
}

/// The report as the citizen should see it with what still waits for it: a waiting rating
/// is theirs, a waiting reopening makes it "reopened", each a step of its timeline.
pub fn with_waiting(mut detail: ReportDetail, waiting: &[PendingFeedback]) -> ReportDetail {
    for p in waiting.iter().filter(|p| p.report == detail.report.id) {
        if let Some(step) = p.step() {
            if let Some(status) = step.status {
                detail.report.status = status;
            }
            detail.timeline.push(step);
        }
    }
    detail
}

/// The refusal still worth showing on a report: the latest, unless the report moved on
/// since (a step of its timeline, a waiting action among them, came after it).
pub fn standing_refusal<'a>(detail: &ReportDetail, refused: &'a [RefusedFeedback]) -> Option<&'a RefusedFeedback> {
    let latest = refused.iter().filter(|r| r.report == detail.report.id).max_by_key(|r| r.at)?;
    detail.timeline.iter().all(|e| e.at <= latest.at).then_some(latest)
}
