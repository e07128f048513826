//! Delivering what the citizen said back (ratings, reopenings, "me too"s), kept on the phone
//! by `Civic::rate`, `reopen` and `me_too`: in order, each once, with the key it was given.

use super::{SyncOutcome, Syncer};
use crate::feedback::{FeedbackAction, PendingFeedback};
use crate::net::{Failure, Stop};
use crate::protocol::{Rate, Reopen, ReportView};
use crate::store::{self, Durability};

impl Syncer {
    /// Sends what waits, oldest first. What the server answers about the report is kept at
    /// once (the pull would bring it too). A refusal for good (already rated, the window
    /// closed, the report closed…) drops that action, keeps why for the citizen and goes on
    /// with the next; anything that may pass (no connection, the server busy, 429) stops
    /// here and keeps it and every later one for the next sync, tried again with the same
    /// key.
    pub(super) async fn send_feedback(&self, outcome: &mut SyncOutcome) -> Result<(), Stop> {
        let waiting = self.store.read(|c| store::waiting_feedback(c, None))?;
        for pending in waiting {
            match self.deliver(&pending).await {
                Ok(view) => {
                    let raised = self.store.write(Durability::AppCrash, |tx| {
                        let raised = match &view {
                            Some(v) => store::apply_report_change(tx, v.id, &v.public_number, v.status, v.updated_at, &v.timeline)?,
                            None => Vec::new(),
                        };
                        store::feedback_delivered(tx, pending.seq)?;
                        Ok(raised)
                    })?;
                    outcome.notifications.extend(raised);
                    outcome.feedback_sent += 1;
                }
                Err(Failure::Refused { kind, detail, .. }) => {
                    let at = self.store.now();
                    let refused =
                        self.store.write(Durability::AppCrash, |tx| store::refuse_feedback(tx, pending.seq, &kind, &detail, at))?;
                    outcome.feedback_refused.extend(refused);
                }
                Err(failure) => {
                    let reason = failure.to_string();
                    self.store.write(Durability::AppCrash, |tx| store::feedback_tried(tx, pending.seq, &reason))?;
                    return Err(Stop::Failure(failure));
                }
            }
        }
        Ok(())
    }

    /// One try of one action; the report as the server now has it, for a rating or reopening.
    async fn deliver(&self, pending: &PendingFeedback) -> Result<Option<ReportView>, Failure> {
        let (id, key) = (pending.report, pending.idempotency_key());
        match &pending.action {
            FeedbackAction::Rate { stars, comment } => {
                let rate = Rate { stars: *stars, comment: comment.clone() };
                self.link.post(&format!("/reports/{id}/rating"), &rate, &key).await.map(Some)
            }
            FeedbackAction::Reopen { reason } => {
                let reopen = Reopen { reason: reason.clone() };
                self.link.post(&format!("/reports/{id}/reopen"), &reopen, &key).await.map(Some)
            }
            FeedbackAction::MeToo => self.link.post_ack(&format!("/reports/{id}/support"), &(), &key).await.map(|()| None),
        }
    }
}
