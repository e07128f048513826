//! A citizen rates, reopens and says "me too" with no signal: each is kept on the phone at
//! once and shown at once, survives the app being closed, waits through failed syncs with
//! the key it was given, and a refusal from the city is told once and frees the report.

use std::sync::Arc;

use crate::common::*;
use civic_core::Civic;
use civic_core::Error;
use civic_core::feedback::{FeedbackAction, FeedbackError, RefusedFeedback};
use civic_core::model::{ActorRole, Lang, ReportId, Status, TimelineEvent};
use civic_core::net::{MemoryTokenStore, TokenStore};
use civic_core::store::{self, Durability};
use civic_core::sync::{Backoff, SyncOptions, SyncState};
use tempfile::tempdir;

/// What a sync brings when the city resolved the report: its number, the status, the step.
fn resolve(civic: &Civic, id: ReportId) {
    let at = civic.now();
    let step = TimelineEvent {
        id: uuid::Uuid::now_v7(),
        at,
        actor: ActorRole::Officer,
        status: Some(Status::Resolved),
        note: Some("Đã dọn sạch.".into()),
        photo: None,
        duplicate_of: None,
        rating: None,
    };
    civic
        .store()
        .write(Durability::AppCrash, |tx| store::apply_report_change(tx, id, "HUE-2026-000042", Status::Resolved, at, &[step]))
        .unwrap();
}

/// A report of this phone the city has resolved.
fn resolved_report(civic: &Civic, seed: u32) -> ReportId {
    let id = complete_draft(civic, seed);
    civic.send(id).unwrap();
    resolve(civic, id);
    id
}

fn quick() -> SyncOptions {
    SyncOptions {
        connect_timeout: std::time::Duration::from_secs(2),
        request_timeout: std::time::Duration::from_secs(2),
        min_bytes_per_second: 64 * 1024,
        backoff: Backoff { base: std::time::Duration::from_millis(5), cap: std::time::Duration::from_millis(50) },
    }
}

/// An address where nothing answers: the phone has no signal.
fn nowhere() -> String {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    url
}

#[test]
fn what_the_citizen_says_back_offline_is_kept_shown_and_survives_a_restart() {
    let dir = tempdir().unwrap();
    let neighbours = ReportId::new();
    let (id, keys) = {
        let civic = civic(dir.path());
        // Nothing to rate or reopen before the city's outcome.
        let waiting = complete_draft(&civic, 1);
        civic.send(waiting).unwrap();
        assert!(matches!(civic.rate(waiting, 4, None), Err(Error::Feedback(FeedbackError::NotRateable))));
        assert!(matches!(civic.reopen(waiting, "Chưa xử lý"), Err(Error::Feedback(FeedbackError::NotReopenable))));

        let id = resolved_report(&civic, 2);
        assert!(matches!(civic.rate(id, 0, None), Err(Error::Feedback(FeedbackError::BadRating))));
        assert!(matches!(civic.rate(id, 6, None), Err(Error::Feedback(FeedbackError::BadRating))));
        let long = "x".repeat(1001);
        assert!(matches!(civic.rate(id, 3, Some(&long)), Err(Error::Feedback(FeedbackError::TooLong { max: 1000 }))));
        assert!(civic.waiting_feedback(None).unwrap().is_empty(), "nothing refused is kept");

        // No signal: kept, and the report shows it at once.
        civic.rate(id, 2, Some("  Vẫn còn rác ở góc đường \r\n")).unwrap();
        let rated = civic.report(id).unwrap();
        assert_eq!(rated.rating(), Some(2));
        assert!(!rated.can_rate(), "one rating per outcome, even before it is sent");
        assert_eq!(rated.timeline.last().unwrap().note.as_deref(), Some("2★ — Vẫn còn rác ở góc đường"));
        assert!(matches!(civic.rate(id, 5, None), Err(Error::Feedback(FeedbackError::NotRateable))));

        assert!(matches!(civic.reopen(id, " \n "), Err(Error::Feedback(FeedbackError::NoReason))));
        civic.reopen(id, "Rác vẫn còn").unwrap();
        let reopened = civic.report(id).unwrap();
        assert_eq!(reopened.report.status, Status::Reopened);
        assert_eq!(reopened.timeline.last().unwrap().status, Some(Status::Reopened));
        assert!(!reopened.can_reopen(), "asked once");
        // The list shows it reopened, and files it there.
        let listed = civic.my_reports(&[Status::Reopened], 10, None).unwrap().reports;
        assert_eq!(listed.iter().map(|r| (r.id, r.status)).collect::<Vec<_>>(), vec![(id, Status::Reopened)]);
        assert!(civic.my_reports(&[Status::Resolved], 10, None).unwrap().reports.is_empty());

        // "Me too" on a neighbour's report: once per phone.
        assert!(civic.me_too(neighbours).unwrap().is_some());
        assert!(civic.me_too(neighbours).unwrap().is_none(), "said already");
        assert!(civic.said_me_too(neighbours).unwrap());

        let waiting = civic.waiting_feedback(None).unwrap();
        let kinds: Vec<_> = waiting.iter().map(|p| p.action.kind()).collect();
        assert_eq!(kinds, vec!["rate", "reopen", "me_too"], "in the order they were made");
        let keys: Vec<_> = waiting.iter().map(|p| p.idempotency_key()).collect();
        assert!(keys[0] != keys[1] && keys[1] != keys[2], "each its own key: {keys:?}");
        (id, keys)
        // The app is closed here.
    };

    let civic = civic(dir.path());
    let waiting = civic.waiting_feedback(None).unwrap();
    assert_eq!(waiting.iter().map(|p| p.idempotency_key()).collect::<Vec<_>>(), keys, "the same actions with the same keys");
    assert_eq!(waiting[0].action, FeedbackAction::Rate { stars: 2, comment: Some("Vẫn còn rác ở góc đường".into()) });
    let detail = civic.report(id).unwrap();
    assert_eq!((detail.report.status, detail.rating()), (Status::Reopened, Some(2)));
    assert!(civic.said_me_too(neighbours).unwrap());

    // A sync with no signal: nothing lost, nothing changed, the keys kept for the retry.
    let tokens = Arc::new(MemoryTokenStore::default());
    tokens.save("a-token-from-before").unwrap();
    let syncer = civic.syncer(&nowhere(), tokens, quick()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let outcome = runtime.block_on(syncer.sync_now());
    assert_eq!(outcome.state, SyncState::Offline);
    assert_eq!((outcome.feedback_sent, outcome.feedback_refused.len()), (0, 0));
    let after = civic.waiting_feedback(None).unwrap();
    assert_eq!(after.iter().map(|p| p.idempotency_key()).collect::<Vec<_>>(), keys);
}

#[test]
fn a_refusal_is_told_once_and_the_report_can_be_rated_again() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let id = resolved_report(&civic, 3);
    let rating = civic.rate(id, 1, None).unwrap();
    civic.reopen(id, "Chưa ai đến").unwrap();

    // What sync does when the city says no to the reopening (its window closed).
    let reopening = civic.waiting_feedback(None).unwrap()[1].clone();
    let at = civic.now();
    let refused = civic
        .store()
        .write(Durability::AppCrash, |tx| {
            store::feedback_delivered(tx, rating.seq)?;
            store::refuse_feedback(tx, reopening.seq, "reopen-window-closed", "a report can be reopened within 14 days", at)
        })
        .unwrap()
        .unwrap();
    assert_eq!(refused.public_number.as_deref(), Some("HUE-2026-000042"));
    assert_eq!(
        refused.message(Lang::Vi),
        "Yêu cầu xử lý lại cho phản ánh HUE-2026-000042 không được gửi: đã quá thời hạn yêu cầu xử lý lại."
    );
    assert_eq!(
        refused.message(Lang::En),
        "The request to reopen of report HUE-2026-000042 was not sent: the time to reopen it has passed."
    );

    assert!(civic.waiting_feedback(None).unwrap().is_empty(), "a refused action is not sent again");
    assert_eq!(civic.report(id).unwrap().report.status, Status::Resolved, "the report is as the city has it");
    assert_eq!(civic.feedback_refusal(id).unwrap().map(|r| r.kind), Some("reopen-window-closed".to_owned()));
    let told = civic.take_feedback_refusals().unwrap();
    assert_eq!(told, vec![refused]);
    assert!(civic.take_feedback_refusals().unwrap().is_empty(), "told once");

    // A "me too" the city refuses is no longer counted as said.
    let neighbours = ReportId::new();
    let me_too = civic.me_too(neighbours).unwrap().unwrap();
    let at = civic.now();
    civic.store().write(Durability::AppCrash, |tx| store::refuse_feedback(tx, me_too.seq, "report-closed", "closed", at)).unwrap();
    assert!(!civic.said_me_too(neighbours).unwrap());
    let words = civic.take_feedback_refusals().unwrap().iter().map(|r: &RefusedFeedback| r.message(Lang::Vi)).collect::<Vec<_>>();
    assert_eq!(words, vec!["Xác nhận “Tôi cũng gặp” của bạn không được gửi: phản ánh này đã được xử lý xong."]);
    assert!(matches!(civic.report(neighbours), Err(Error::ReportNotFound(_))), "nothing of it on the phone's own reports");
}
