//! The citizen's word back on reports: rating the city's outcome, reopening it, "me too" on
//! another's report. Each is kept on the phone (written through) and the call returns: sync
//! delivers it when it can (`Syncer::sync_now`), so no signal is no failure.

use super::Civic;
use crate::error::Result;
use crate::feedback::{self, FeedbackAction, FeedbackError, PendingFeedback, RefusedFeedback};
use crate::model::{ReportDetail, ReportId};
use crate::store::{self, Durability};

impl Civic {
    /// Rates the city's outcome of one of the citizen's reports, 1 to 5 stars, with an
    /// optional comment: once per outcome (`ReportDetail::can_rate`). Kept at once, shown on
    /// the report at once, sent by the next sync.
    pub fn rate(&self, id: ReportId, stars: u8, comment: Option<&str>) -> Result<PendingFeedback> {
        self.keep_checked(id, |detail| feedback::rating(detail, stars, comment))
    }

    /// Reopens a resolved or rejected report the citizen finds not fixed, saying why
    /// (`ReportDetail::can_reopen`). Kept at once, the report shows "reopened" at once, sent by
    /// the next sync (the server holds the window after the outcome; past it, the citizen is
    /// told through the sync's refusals).
    pub fn reopen(&self, id: ReportId, reason: &str) -> Result<PendingFeedback> {
        self.keep_checked(id, |detail| feedback::reopening(detail, reason))
    }

    /// "Me too" on another citizen's open report (a `NearbyReport`'s id): counted once per
    /// phone, so saying it again keeps nothing more. Returns what waits, or `None` when it was
    /// said before.
    pub fn me_too(&self, id: ReportId) -> Result<Option<PendingFeedback>> {
        let now = self.store.now();
        // Written through: once the call returns, a power cut does not lose it.
        self.store.write(Durability::PowerLoss, |tx| {
            if store::said_me_too(tx, id)? {
                return Ok(None);
            }
            let mut pending = PendingFeedback::new(id, FeedbackAction::MeToo, now);
            pending.seq = store::queue_feedback(tx, &pending)?;
            Ok(Some(pending))
        })
    }

    /// This phone said "me too" to the report (sent, or waiting to be).
    pub fn said_me_too(&self, id: ReportId) -> Result<bool> {
        self.store.read(|c| store::said_me_too(c, id))
    }

    /// What waits to be sent (about one report, or all), oldest first.
    pub fn waiting_feedback(&self, id: Option<ReportId>) -> Result<Vec<PendingFeedback>> {
        self.store.read(|c| store::waiting_feedback(c, id))
    }

    /// The refusal of the citizen's rating or reopening still worth showing on the report
    /// (none once the report moved on since).
    pub fn feedback_refusal(&self, id: ReportId) -> Result<Option<RefusedFeedback>> {
        let detail = self.report(id)?;
        let refused = self.store.read(|c| store::refused_feedback(c, id))?;
        Ok(feedback::standing_refusal(&detail, &refused).cloned())
    }

    /// What the city refused for good that the citizen has not been told of (each handed out
    /// once): the app says `RefusedFeedback::message`.
    pub fn take_feedback_refusals(&self) -> Result<Vec<RefusedFeedback>> {
        self.store.write(Durability::AppCrash, store::take_feedback_refusals)
    }

    /// Keeps what `check` makes of the report as it reads with what waits, checked in the
    /// same transaction as it is kept: two taps on "send" keep one rating, not two.
    fn keep_checked(
        &self,
        id: ReportId,
        check: impl FnOnce(&ReportDetail) -> std::result::Result<FeedbackAction, FeedbackError>,
    ) -> Result<PendingFeedback> {
        let now = self.store.now();
        // Written through: once the call returns, a power cut does not lose it.
        self.store.write(Durability::PowerLoss, |tx| {
            let detail = feedback::with_waiting(store::load_report(tx, id)?, &store::waiting_feedback(tx, Some(id))?);
            let mut pending = PendingFeedback::new(id, check(&detail)?, now);
            pending.seq = store::queue_feedback(tx, &pending)?;
            Ok(pending)
        })
    }
}
