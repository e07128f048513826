//! A citizen on flaky mobile data rates, reopens and says "me too": each is kept on the phone
//! at once and reaches the city once when the signal is back, even when an answer is lost on
//! the way; what the city refuses is told and does not hold up what comes after.

use civic_core::desk::OfficialClient;
use civic_core::model::{FixSource, GeoFix, Lang, ReportId, Status};
use civic_tests::proxy::{Fault, Proxy};
use civic_tests::*;
use tempfile::tempdir;

fn fix() -> GeoFix {
    GeoFix { lat: CITADEL.0, lon: CITADEL.1, accuracy_m: 8.0, source: FixSource::Gps, fixed_at: time::OffsetDateTime::now_utc() }
}

/// An address where nothing answers: no signal.
fn nowhere() -> String {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    url
}

/// A report of the phone in `dir`, sent and resolved by the city, the phone knowing it.
async fn resolved(server: &Server, dir: &std::path::Path, seed: u32) -> (ReportId, OfficialClient) {
    let phone = Device::open(dir, &server.url);
    let id = phone.capture(seed);
    assert_eq!(phone.syncer.sync_now().await.submitted, vec![id]);
    let official = OfficialClient::login(&server.url, ADMIN, ADMIN_PASSWORD).await.unwrap();
    official.resolve(id, "Đã dọn sạch.", &photo(seed + 100), fix()).await.unwrap();
    phone.syncer.sync_now().await;
    assert!(phone.civic.report(id).unwrap().can_rate());
    (id, official)
}

/// The citizen's rating steps on the city's timeline of the report.
async fn ratings(official: &OfficialClient, id: ReportId) -> Vec<u8> {
    official.report(id).await.unwrap().timeline.iter().filter_map(|e| e.rating).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rating_made_offline_is_delivered_once_when_the_signal_is_back() {
    let server_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let phone_dir = tempdir().unwrap();
    let (id, official) = resolved(&server, phone_dir.path(), 1).await;

    {
        // Out of signal: the rating and the reopening are kept and shown at once.
        let phone = Device::open(phone_dir.path(), &nowhere());
        phone.civic.rate(id, 2, Some("Vẫn còn rác ở góc đường")).unwrap();
        phone.civic.reopen(id, "Rác vẫn còn").unwrap();
        let shown = phone.civic.report(id).unwrap();
        assert_eq!((shown.report.status, shown.rating()), (Status::Reopened, Some(2)));
        let outcome = phone.syncer.sync_now().await;
        assert_eq!(outcome.state, civic_core::sync::SyncState::Offline);
        assert_eq!(phone.civic.waiting_feedback(None).unwrap().len(), 2, "nothing lost");
        assert!(ratings(&official, id).await.is_empty(), "nothing reached the city");
        // The app is closed here.
    }

    let phone = Device::open(phone_dir.path(), &server.url);
    let outcome = phone.syncer.sync_now().await;
    assert_eq!((outcome.feedback_sent, outcome.feedback_refused.len()), (2, 0), "{:?}", outcome.feedback_refused);
    assert!(phone.civic.waiting_feedback(None).unwrap().is_empty());
    let view = official.report(id).await.unwrap();
    assert_eq!(view.status, Status::Reopened, "in order: rated, then reopened");
    assert_eq!(view.rating.map(|r| r.stars), Some(2));
    assert_eq!(ratings(&official, id).await, vec![2]);
    // The phone reads the report as the city has it, the steps once each.
    let seen = phone.civic.report(id).unwrap();
    assert_eq!(seen.report.status, Status::Reopened);
    assert_eq!(seen.timeline.iter().filter(|e| e.status == Some(Status::Reopened)).count(), 1, "{:?}", seen.timeline);
    assert_eq!(seen.timeline.iter().filter(|e| e.rating.is_some()).count(), 1);
    assert_eq!(phone.syncer.sync_now().await.feedback_sent, 0, "sent once");
}

/// The rating reaches the city but its answer is lost: the next try carries the same key, the
/// city answers as the first time (not "already rated"), and the rating is there once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rating_whose_answer_was_lost_is_sent_again_with_its_key_and_counted_once() {
    let server_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let phone_dir = tempdir().unwrap();
    let (id, official) = resolved(&server, phone_dir.path(), 2).await;
    let lossy = Proxy::always(&server.url, Fault::DropResponse).await;
    let key = {
        let phone = Device::open(phone_dir.path(), &lossy);
        let pending = phone.civic.rate(id, 4, Some("Sạch rồi, cảm ơn")).unwrap();
        let outcome = phone.syncer.sync_now().await;
        assert_eq!(outcome.feedback_sent, 0, "the answer never came");
        assert_eq!(ratings(&official, id).await, vec![4], "but the city has it");
        let waiting = phone.civic.waiting_feedback(None).unwrap();
        assert_eq!(waiting.len(), 1, "so the rating still waits");
        assert_eq!(waiting[0].idempotency_key(), pending.idempotency_key());
        pending.idempotency_key()
    };
    let phone = Device::open(phone_dir.path(), &server.url);
    assert_eq!(phone.civic.waiting_feedback(None).unwrap()[0].idempotency_key(), key, "the same key after a restart");
    let outcome = phone.syncer.sync_now().await;
    assert_eq!((outcome.feedback_sent, outcome.feedback_refused.len()), (1, 0), "{:?}", outcome.feedback_refused);
    assert_eq!(ratings(&official, id).await, vec![4], "rated once, not twice");
    assert_eq!(phone.civic.report(id).unwrap().rating(), Some(4));
}

/// A "me too" on a report the city closed meanwhile is refused: dropped, told once, and the
/// "me too" after it still goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_me_too_is_dropped_with_a_notice_and_does_not_block_the_next() {
    let server_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let (first_dir, second_dir) = (tempdir().unwrap(), tempdir().unwrap());
    let first = Device::open(first_dir.path(), &server.url);
    let elsewhere = (CITADEL.0 + 0.01, CITADEL.1);
    let (closing, open) = (first.capture(3), first.capture_at(4, elsewhere));
    first.syncer.sync_now().await;

    // The neighbour registered before, then says "me too" twice without signal.
    let second = Device::open(second_dir.path(), &server.url);
    second.syncer.sync_now().await;
    {
        let offline = Device::open(second_dir.path(), &nowhere());
        offline.civic.me_too(closing).unwrap();
        offline.civic.me_too(open).unwrap();
        offline.syncer.sync_now().await;
    }
    // Meanwhile the city resolves the first.
    let official = OfficialClient::login(&server.url, ADMIN, ADMIN_PASSWORD).await.unwrap();
    official.resolve(closing, "Đã dọn.", &photo(30), fix()).await.unwrap();

    let outcome = second.syncer.sync_now().await;
    assert_eq!(outcome.feedback_sent, 1, "{:?}", outcome.feedback_refused);
    assert_eq!(outcome.feedback_refused.len(), 1);
    let refused = &outcome.feedback_refused[0];
    assert_eq!((refused.report, refused.kind.as_str()), (closing, "report-closed"));
    assert_eq!(refused.message(Lang::Vi), "Xác nhận “Tôi cũng gặp” của bạn không được gửi: phản ánh này đã được xử lý xong.");
    assert!(second.civic.waiting_feedback(None).unwrap().is_empty(), "neither waits any more");
    assert_eq!(second.civic.take_feedback_refusals().unwrap().len(), 1);
    assert!(second.civic.take_feedback_refusals().unwrap().is_empty(), "told once");
    assert!(!second.civic.said_me_too(closing).unwrap() && second.civic.said_me_too(open).unwrap());

    assert_eq!(official.report(open).await.unwrap().supporters, 1);
    assert_eq!(official.report(closing).await.unwrap().supporters, 0);
    let near = second.syncer.nearby(elsewhere.0, elsewhere.1, "litter", None).await.unwrap();
    assert_eq!(near.iter().map(|n| (n.id, n.report.supporters)).collect::<Vec<_>>(), vec![(open, 1)]);
}
