//! Reports reach the city once, whatever the network does, and answers come back.

use std::collections::BTreeSet;

use civic_core::model::Status;
use civic_core::sync::SyncState;
use civic_tests::proxy::Proxy;
use civic_tests::*;
use serde_json::json;
use tempfile::tempdir;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_reports_captured_offline_arrive_once_in_capture_order() {
    let server_dir = tempdir().unwrap();
    let phone_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    // No network: the server's address refuses connections.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let offline = Device::open(phone_dir.path(), &dead_url);
    let ids: Vec<_> = (0..200).map(|i| offline.capture(i)).collect();
    let outcome = offline.syncer.sync_now().await;
    assert_eq!(outcome.state, SyncState::Offline);
    assert_eq!(offline.civic.outbox().unwrap().waiting, 200, "nothing left the phone, nothing was lost");
    drop(offline);

    // The network comes back (the app restarts with the same data).
    let phone = Device::open(phone_dir.path(), &server.url);
    let outcome = phone.syncer.sync_now().await;
    assert_eq!(outcome.submitted, ids, "every report submitted, in capture order");
    assert!(matches!(outcome.state, SyncState::Idle { .. }), "{:?}", outcome.state);
    assert_eq!(phone.civic.outbox().unwrap().waiting, 0);

    let on_server = server.public_reports().await;
    assert_eq!(on_server.len(), 200, "each report exactly once");
    // Public numbers follow capture order; photos arrived byte for byte (the server checked
    // each upload against the hash the phone computed).
    for (i, id) in ids.iter().enumerate() {
        let mine = phone.civic.report(*id).unwrap().report;
        assert_eq!(mine.public_number.as_deref(), Some(format!("HUE-{}-{:06}", mine.captured_at.year(), i + 1).as_str()));
        assert_ne!(mine.status, Status::Queued);
        let public = on_server.iter().find(|r| r["public_number"] == json!(mine.public_number)).unwrap();
        assert_eq!(public["photos"][0], mine.photos[0].hash.as_str());
    }
    // A second sync sends nothing again.
    let again = phone.syncer.sync_now().await;
    assert!(again.submitted.is_empty());
    assert_eq!(server.public_reports().await.len(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_resets_lost_answers_stalls_and_overload_every_report_arrives_exactly_once() {
    let server_dir = tempdir().unwrap();
    let phone_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let proxy = Proxy::start(&server.url, 20261127, 0.5).await;
    let phone = Device::open(phone_dir.path(), &proxy.url);
    let ids: BTreeSet<_> = (0..30).map(|i| phone.capture(1000 + i)).collect();
    for _ in 0..15 {
        phone.syncer.retry_now().unwrap();
        phone.syncer.sync_now().await;
    }
    assert!(proxy.counts.faults.load(std::sync::atomic::Ordering::Relaxed) >= 5, "the network did misbehave");
    proxy.set_chaos(false);
    for _ in 0..3 {
        phone.syncer.retry_now().unwrap();
        phone.syncer.sync_now().await;
    }
    assert_eq!(phone.civic.outbox().unwrap().waiting, 0);
    let on_server = server.public_reports().await;
    assert_eq!(on_server.len(), ids.len(), "exactly once on the server");
    for id in &ids {
        let report = phone.civic.report(*id).unwrap().report;
        assert!(!report.status.is_local(), "{id} still {:?} on the phone", report.status);
        assert!(report.public_number.is_some());
        let submitted = phone.civic.report(*id).unwrap().timeline.iter().filter(|e| e.status == Some(Status::Submitted)).count();
        assert!(submitted <= 1, "acknowledged once");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officers_resolution_reaches_the_citizen_once() {
    let server_dir = tempdir().unwrap();
    let phone_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let phone = Device::open(phone_dir.path(), &server.url);
    let id = phone.capture(7);
    phone.syncer.sync_now().await;
    let public_number = phone.civic.report(id).unwrap().report.public_number.unwrap();

    let officer = server.officer("sanitation-e2e", "ubnd-19753").await;
    let photo = civic_tests::photo(70);
    let hash: String = sha256_hex(&photo);
    let r = server
        .http
        .put(format!("{}/api/v1/photos/{hash}", server.url))
        .bearer_auth(&officer)
        .header("content-type", "image/jpeg")
        .body(photo)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let near = json!({"lat": CITADEL.0, "lon": CITADEL.1, "accuracy_m": 4.0, "source": "gps", "fixed_at": hue_time(time::OffsetDateTime::now_utc())});
    server
        .post(
            &officer,
            &format!("/api/v1/reports/{id}/status"),
            json!({"to": "resolved", "note": "Đã dọn sạch", "photo": hash, "photo_location": near}),
        )
        .await;

    let first = phone.syncer.sync_now().await;
    let resolved: Vec<_> = first.notifications.iter().filter(|n| n.status == Some(Status::Resolved)).collect();
    assert_eq!(resolved.len(), 1, "{:?}", first.notifications);
    assert_eq!(resolved[0].public_number.as_deref(), Some(public_number.as_str()));
    let second = phone.syncer.sync_now().await;
    assert!(second.notifications.is_empty(), "not raised again: {:?}", second.notifications);

    let detail = phone.civic.report(id).unwrap();
    assert_eq!(detail.report.status, Status::Resolved);
    let last = detail.timeline.last().unwrap();
    assert_eq!(last.note.as_deref(), Some("Đã dọn sạch"));
    assert_eq!(last.photo.as_deref(), Some(hash.as_str()));
    // The after-photo is on the phone, to show before and after side by side offline.
    let after = phone.civic.photo(&hash).unwrap();
    assert_eq!(image::load_from_memory(&after).unwrap().width(), 320);
    let unseen = phone.civic.notifications().unwrap();
    assert_eq!(unseen.iter().filter(|n| n.status == Some(Status::Resolved)).count(), 1);
    phone.civic.mark_notifications_seen(&unseen.iter().map(|n| n.event).collect::<Vec<_>>()).unwrap();
    assert!(phone.civic.notifications().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_citizens_never_see_each_others_reports() {
    let server_dir = tempdir().unwrap();
    let (a_dir, b_dir) = (tempdir().unwrap(), tempdir().unwrap());
    let server = Server::start(server_dir.path()).await;
    let a = Device::open(a_dir.path(), &server.url);
    let b = Device::open(b_dir.path(), &server.url);
    let a_ids: BTreeSet<_> = (0..3).map(|i| a.capture(300 + i)).collect();
    let b_ids: BTreeSet<_> = (0..3).map(|i| b.capture(400 + i)).collect();
    a.syncer.sync_now().await;
    b.syncer.sync_now().await;
    let officer = server.officer("sanitation-privacy", "ubnd-19753").await;
    for id in a_ids.iter().chain(&b_ids) {
        server.post(&officer, &format!("/api/v1/reports/{id}/replies"), json!({"text": "Đã tiếp nhận"})).await;
    }
    let a_out = a.syncer.sync_now().await;
    let b_out = b.syncer.sync_now().await;
    assert!(a_out.notifications.iter().all(|n| a_ids.contains(&n.report)));
    assert!(b_out.notifications.iter().all(|n| b_ids.contains(&n.report)));
    assert_eq!(a_out.notifications.len(), 3);
    let a_list: BTreeSet<_> = a.civic.my_reports(&[], 50, None).unwrap().reports.iter().map(|r| r.id).collect();
    assert_eq!(a_list, a_ids);
    // B's token cannot read A's report on the server.
    let b_token = std::fs::read_to_string(b_dir.path().join("token")).unwrap();
    let a_report = a_ids.iter().next().unwrap();
    let r = server.http.get(format!("{}/api/v1/reports/{a_report}", server.url)).bearer_auth(b_token.trim()).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_the_city_refuses_stops_retrying_and_the_rest_continue() {
    let server_dir = tempdir().unwrap();
    let phone_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let phone = Device::open(phone_dir.path(), &server.url);
    let good_before = phone.capture(1);
    // Accepted by the phone (within its tolerance of the outline), refused by the server
    // once the city's catalog no longer takes the category.
    let refused = phone.capture(2);
    let good_after = phone.capture(3);
    deactivate_report_category(phone_dir.path(), refused);
    let out = phone.syncer.sync_now().await;
    assert_eq!(out.submitted, vec![good_before, good_after]);
    assert_eq!(out.refused.len(), 1);
    assert_eq!(out.refused[0].0, refused);
    assert!(phone.civic.refusal(refused).unwrap().unwrap().contains("category"));
    let again = phone.syncer.sync_now().await;
    assert!(again.refused.is_empty() && again.submitted.is_empty(), "a refused report is not retried");
    assert_eq!(phone.civic.outbox().unwrap().refused, 1);
    // "My reports" marks it refused, not waiting; the others are not.
    let listed = phone.civic.my_reports(&[], 10, None).unwrap().reports;
    let marked: Vec<_> = listed.iter().filter(|r| r.refused).map(|r| r.id).collect();
    assert_eq!(marked, vec![refused]);
}

/// Rewrites a queued report's category to one the server does not know, as a phone with an
/// outdated catalog would have sent it.
fn deactivate_report_category(dir: &std::path::Path, id: civic_core::model::ReportId) {
    let db = rusqlite_connection(dir);
    db.execute("UPDATE report SET category = 'retired-category' WHERE id = ?1", [id.to_string()]).unwrap();
}

fn rusqlite_connection(dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join(civic_core::store::FILE_NAME)).unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_sees_sync_progress_and_a_second_sync_joins_the_first() {
    let server_dir = tempdir().unwrap();
    let phone_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let phone = Device::open(phone_dir.path(), &server.url);
    let ids: Vec<_> = (0..12).map(|i| phone.capture(500 + i)).collect();
    let mut states = phone.syncer.subscribe();
    let seen = tokio::spawn(async move {
        let mut seen = Vec::new();
        while states.changed().await.is_ok() {
            let s = states.borrow_and_update().clone();
            let done = matches!(s, SyncState::Idle { .. });
            seen.push(s);
            if done {
                break;
            }
        }
        seen
    });
    let (a, b) = tokio::join!(phone.syncer.sync_now(), phone.syncer.sync_now());
    assert_eq!(a, b, "the second call got the first call's outcome");
    assert_eq!(a.submitted, ids);
    assert_eq!(server.public_reports().await.len(), 12);
    let seen = seen.await.unwrap();
    let last_progress =
        seen.iter().rev().find_map(|s| if let SyncState::Syncing(p) = s { Some(*p) } else { None }).expect("progress was shown");
    assert_eq!((last_progress.reports_sent, last_progress.reports_total), (12, 12));
    assert!(last_progress.bytes_total > 0 && last_progress.bytes_sent == last_progress.bytes_total);
    assert!(matches!(seen.last(), Some(SyncState::Idle { last_success: Some(_) })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overloaded_server_is_given_the_time_it_asks_for() {
    let server_dir = tempdir().unwrap();
    let phone_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let busy = civic_tests::proxy::Proxy::always(&server.url, civic_tests::proxy::Fault::Status(429)).await;
    let phone = Device::open(phone_dir.path(), &busy);
    std::fs::write(phone_dir.path().join("token"), "d.not-needed-yet").unwrap();
    phone.capture(9);
    let before = time::OffsetDateTime::now_utc();
    let out = phone.syncer.sync_now().await;
    match out.state {
        SyncState::WaitingToRetry { next_attempt } => {
            assert!(next_attempt - before >= time::Duration::milliseconds(900), "Retry-After: 1 honoured");
        }
        other => panic!("expected to wait, got {other:?}"),
    }
    assert_eq!(phone.civic.outbox().unwrap().waiting, 1, "still safe in the outbox");
    // Not due yet: a sync now sends nothing (the proxy would answer 429 again anyway).
    let again = phone.syncer.sync_now().await;
    assert!(again.submitted.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_registration_needs_the_user_and_loses_nothing() {
    let server_dir = tempdir().unwrap();
    let phone_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    // A token the server does not know (revoked, or the server's data was replaced).
    std::fs::write(phone_dir.path().join("token"), "d.revoked-token").unwrap();
    let phone = Device::open(phone_dir.path(), &server.url);
    phone.capture(21);
    let out = phone.syncer.sync_now().await;
    assert!(matches!(out.state, SyncState::NeedsUser { .. }), "{:?}", out.state);
    assert_eq!(phone.syncer.state(), out.state, "the app sees it too");
    assert_eq!(phone.civic.outbox().unwrap().waiting, 1, "the report is still safe on the phone");
    assert!(server.public_reports().await.is_empty());
}
