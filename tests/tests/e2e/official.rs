//! An official at work where the signal is poor: actions made offline wait on the phone,
//! survive the app being closed, and reach the city in order when the network returns.

use std::sync::Arc;

use civic_core::Error;
use civic_core::desk::OfficialClient;
use civic_core::model::OfficialAction;
use civic_core::model::{FixSource, GeoFix, Status};
use civic_tests::*;
use tempfile::tempdir;

fn fix() -> GeoFix {
    GeoFix { lat: CITADEL.0, lon: CITADEL.1, accuracy_m: 8.0, source: FixSource::Gps, fixed_at: time::OffsetDateTime::now_utc() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_made_offline_survive_a_restart_and_arrive_in_order() {
    let server_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let (citizen_dir, official_dir) = (tempdir().unwrap(), tempdir().unwrap());
    let citizen = Device::open(citizen_dir.path(), &server.url);
    let id = citizen.capture(1);
    citizen.syncer.sync_now().await;

    // Signed in at the office; then out on site, where nothing gets through.
    let session = OfficialClient::login(&server.url, ADMIN, ADMIN_PASSWORD).await.unwrap().session().clone();
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    {
        let phone = Device::open(official_dir.path(), &server.url);
        let desk = phone.civic.official_desk(Arc::new(OfficialClient::with_session(&dead_url, session.clone()).unwrap()));
        desk.queue(id, OfficialAction::ChangeStatus { to: Status::InProgress, note: Some("Đội vệ sinh đang đến".into()) }, None).unwrap();
        desk.queue(id, OfficialAction::Reply { text: "Chúng tôi đã nhận và đang xử lý.".into() }, None).unwrap();
        // What cannot be sent is refused now, not later: nothing of it is kept.
        let no_photo = desk.queue(id, OfficialAction::Resolve { note: "Đã dọn".into(), location: fix() }, Some(b"not a photo"));
        assert!(matches!(no_photo, Err(Error::Photo(_))), "{no_photo:?}");
        let no_reason = desk.queue(id, OfficialAction::ChangeStatus { to: Status::Rejected, note: Some("  ".into()) }, None);
        assert!(matches!(no_reason, Err(Error::EmptyText)));
        desk.queue(id, OfficialAction::Resolve { note: "Đã dọn sạch, xe rác đã chở đi.".into(), location: fix() }, Some(&photo(9)))
            .unwrap();

        let outcome = desk.send().await.unwrap();
        assert!(outcome.sent.is_empty() && outcome.refused.is_empty());
        assert!(matches!(outcome.stopped, Some(Error::Offline(_))), "{:?}", outcome.stopped);
        let waiting = desk.pending().unwrap();
        assert_eq!(waiting.len(), 3);
        assert!(matches!(waiting[0].action, OfficialAction::ChangeStatus { to: Status::InProgress, .. }));
        assert!(matches!(waiting[1].action, OfficialAction::Reply { .. }));
        assert!(waiting[2].has_photo);
        // The app is closed here, with the battery nearly flat.
    }

    // Back in signal, the app opened again.
    let phone = Device::open(official_dir.path(), &server.url);
    let desk = phone.civic.official_desk(Arc::new(OfficialClient::with_session(&server.url, session.clone()).unwrap()));
    assert_eq!(desk.pending().unwrap().len(), 3, "nothing lost by the restart");
    let outcome = desk.send().await.unwrap();
    assert!(outcome.stopped.is_none() && outcome.refused.is_empty(), "{:?} {:?}", outcome.stopped, outcome.refused);
    let statuses: Vec<_> = outcome.sent.iter().map(|(_, view)| view.status).collect();
    assert_eq!(statuses, vec![Status::InProgress, Status::InProgress, Status::Resolved], "in the order they were made");
    let resolved = &outcome.sent[2].1;
    let step = resolved.timeline.last().unwrap();
    assert_eq!(step.note.as_deref(), Some("Đã dọn sạch, xe rác đã chở đi."));
    assert!(step.photo.is_some(), "the after-photo went with it");
    assert!(desk.pending().unwrap().is_empty());
    assert!(desk.send().await.unwrap().sent.is_empty(), "sent once");

    // The citizen sees the answer and the outcome.
    citizen.syncer.sync_now().await;
    let seen = citizen.civic.report(id).unwrap();
    assert_eq!(seen.report.status, Status::Resolved);
    let notes: Vec<_> = seen.timeline.iter().filter_map(|e| e.note.clone()).collect();
    assert!(notes.contains(&"Chúng tôi đã nhận và đang xử lý.".to_owned()), "{notes:?}");

    // An action the report has moved past is refused for good: reported and forgotten.
    desk.queue(id, OfficialAction::ChangeStatus { to: Status::Assigned, note: None }, None).unwrap();
    let outcome = desk.send().await.unwrap();
    assert_eq!(outcome.refused.len(), 1, "{:?}", outcome.sent.iter().map(|s| s.1.status).collect::<Vec<_>>());
    assert!(desk.pending().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_rates_each_outcome_once_and_a_reopened_report_can_be_rated_again() {
    let server_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let phone_dir = tempdir().unwrap();
    let phone = Device::open(phone_dir.path(), &server.url);
    let id = phone.capture(3);
    phone.syncer.sync_now().await;
    assert!(!phone.civic.report(id).unwrap().can_rate(), "nothing to rate before an outcome");

    let official = OfficialClient::login(&server.url, ADMIN, ADMIN_PASSWORD).await.unwrap();
    official.resolve(id, "Đã dọn.", &photo(4), fix()).await.unwrap();
    phone.syncer.sync_now().await;
    let resolved = phone.civic.report(id).unwrap();
    assert!(resolved.can_rate() && resolved.rating().is_none());

    phone.civic.rate(id, 2, Some("Vẫn còn rác ở góc đường")).unwrap();
    let rated = phone.civic.report(id).unwrap();
    assert_eq!(rated.rating(), Some(2));
    assert!(!rated.can_rate(), "one rating per outcome");

    // Not fixed: reopened, resolved again; the new outcome is rated afresh.
    phone.civic.reopen(id, "Rác vẫn còn").unwrap();
    assert_eq!(phone.syncer.sync_now().await.feedback_sent, 2);
    assert_eq!(official.report(id).await.unwrap().status, Status::Reopened);
    official.resolve(id, "Đã dọn lại, kể cả góc đường.", &photo(5), fix()).await.unwrap();
    phone.syncer.sync_now().await;
    let again = phone.civic.report(id).unwrap();
    assert_eq!(again.report.status, Status::Resolved);
    assert!(again.can_rate() && again.rating().is_none(), "the earlier rating was for the earlier outcome");
    phone.civic.rate(id, 5, None).unwrap();
    assert_eq!(phone.syncer.sync_now().await.feedback_sent, 1);
    assert_eq!(phone.civic.report(id).unwrap().rating(), Some(5));
    assert_eq!(official.report(id).await.unwrap().rating.map(|r| r.stars), Some(5));
}

/// A reply whose answer is lost on the way back (the server wrote it) goes again with the same
/// Idempotency-Key: the server answers as the first time, and the citizen reads it once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_whose_answer_was_lost_is_written_once() {
    let server_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let (citizen_dir, official_dir) = (tempdir().unwrap(), tempdir().unwrap());
    let citizen = Device::open(citizen_dir.path(), &server.url);
    let id = citizen.capture(2);
    citizen.syncer.sync_now().await;
    let session = OfficialClient::login(&server.url, ADMIN, ADMIN_PASSWORD).await.unwrap().session().clone();
    let text = "Đội vệ sinh sẽ đến trong sáng nay.";
    let lossy = civic_tests::proxy::Proxy::always(&server.url, civic_tests::proxy::Fault::DropResponse).await;
    {
        let phone = Device::open(official_dir.path(), &server.url);
        let desk = phone.civic.official_desk(Arc::new(OfficialClient::with_session(&lossy, session.clone()).unwrap()));
        desk.queue(id, OfficialAction::Reply { text: text.into() }, None).unwrap();
        let outcome = desk.send().await.unwrap();
        assert!(outcome.sent.is_empty() && outcome.stopped.is_some(), "the answer never came: {:?}", outcome.stopped);
        assert_eq!(desk.pending().unwrap().len(), 1, "so the reply still waits");
    }
    let phone = Device::open(official_dir.path(), &server.url);
    let desk = phone.civic.official_desk(Arc::new(OfficialClient::with_session(&server.url, session).unwrap()));
    let outcome = desk.send().await.unwrap();
    assert_eq!((outcome.sent.len(), outcome.refused.len()), (1, 0), "{:?}", outcome.stopped);
    citizen.syncer.sync_now().await;
    let seen = citizen.civic.report(id).unwrap();
    let replies = seen.timeline.iter().filter(|e| e.note.as_deref() == Some(text)).count();
    assert_eq!(replies, 1, "the reply is on the timeline once, not twice");
}
