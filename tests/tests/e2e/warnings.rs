//! Warnings from the operations centre to residents' phones, through the real server and
//! the real core: each phone decides for itself, from places that never leave it.

use std::collections::BTreeSet;

use civic_core::protocol::{AlertState, PushProvider};
use civic_core::warning::{SavedPlace, Severity, Subscription};
use civic_tests::*;
use serde_json::{Value, json};
use tempfile::{TempDir, tempdir};
use time::OffsetDateTime;

/// Phú Xuân, the citadel's ward.
const PHU_XUAN: &str = "19753";
/// Phú Hồ, a commune east of the city.
const PHU_HO: &str = "19918";
/// A Lưới, in the mountains: far from the flood.
const A_LUOI: (f64, f64) = (16.2167, 107.2611);

fn warning(topic: &str, severity: &str, headline: &str, wards: &[&str]) -> Value {
    let expires = (OffsetDateTime::now_utc() + time::Duration::hours(6)).format(&time::format_description::well_known::Rfc3339).unwrap();
    let areas: Vec<Value> = wards.iter().map(|code| json!({"kind": "named", "code": code})).collect();
    json!({
        "topic": topic, "urgency": "Immediate", "severity": severity, "certainty": "Observed", "expires": expires,
        "texts": [
            {"language": "vi-VN", "event": topic, "headline": headline},
            {"language": "en-US", "event": topic, "headline": format!("(en) {headline}")}
        ],
        "areas": areas
    })
}

/// A resident's phone with its subscription set.
struct Resident {
    phone: Device,
    _dir: TempDir,
}

impl Resident {
    fn new(server: &Server, places: Vec<SavedPlace>, quiet_hours: Option<(u16, u16)>) -> Resident {
        let dir = tempdir().unwrap();
        let phone = Device::open(dir.path(), &server.url);
        let sub = Subscription { places, quiet_hours, min_severity: Severity::Minor, ..Subscription::default() };
        phone.civic.set_subscription(&sub).unwrap();
        Resident { phone, _dir: dir }
    }

    /// Syncs and returns what rang loudly and what arrived silently (headlines).
    async fn sync(&self) -> (Vec<String>, Vec<String>) {
        self.phone.syncer.sync_now().await;
        let taken = self.phone.civic.take_alert_notifications().unwrap();
        let (loud, quiet): (Vec<_>, Vec<_>) = taken.into_iter().partition(|n| n.loud);
        (loud.into_iter().map(|n| n.headline).collect(), quiet.into_iter().map(|n| n.headline).collect())
    }

    fn inbox(&self) -> Vec<(String, AlertState)> {
        self.phone.civic.alerts(true).unwrap().into_iter().map(|a| (a.headline, a.state)).collect()
    }
}

/// Quiet hours around this very minute, in Huế's time.
fn quiet_now() -> (u16, u16) {
    let now = OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap());
    let minute = now.hour() as u16 * 60 + now.minute() as u16;
    ((minute + 1440 - 60) % 1440, (minute + 60) % 1440)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_warning_reaches_the_residents_it_concerns_once_and_follows_its_updates_and_cancel() {
    let server_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let operator = server.login(ADMIN, ADMIN_PASSWORD).await;

    let at_home = Resident::new(&server, vec![SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 300.0)], None);
    let elsewhere = Resident::new(&server, vec![SavedPlace::circle("Nhà", A_LUOI.0, A_LUOI.1, 500.0)], None);
    let sleeping = Resident::new(&server, vec![SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 300.0)], Some(quiet_now()));
    let by_ward = Resident::new(&server, vec![SavedPlace::area("Nhà bà ngoại", PHU_HO)], None);

    // The operations centre warns Phú Xuân and Phú Hồ of an extreme flood, and Phú Xuân of a
    // minor power cut.
    let flood: Value =
        server.post(&operator, "/api/v1/alerts", warning("flood", "Extreme", "Lũ khẩn cấp trên sông Hương", &[PHU_XUAN, PHU_HO])).await;
    let flood_id = flood["id"].as_str().unwrap().to_owned();
    let outage: Value =
        server.post(&operator, "/api/v1/alerts", warning("outage", "Minor", "Cắt điện để sửa chữa lưới", &[PHU_XUAN])).await;
    let outage_id = outage["id"].as_str().unwrap().to_owned();

    let (loud, quiet) = at_home.sync().await;
    assert_eq!((sorted(loud), quiet.len()), (vec!["Cắt điện để sửa chữa lưới".to_owned(), "Lũ khẩn cấp trên sông Hương".to_owned()], 0));
    assert_eq!(elsewhere.sync().await, (vec![], vec![]), "places elsewhere: nothing rings");
    assert!(elsewhere.inbox().is_empty());
    assert_eq!(elsewhere.phone.civic.all_alerts(false).unwrap().len(), 2, "the region's map still shows them");
    assert_eq!(
        sleeping.sync().await,
        (vec!["Lũ khẩn cấp trên sông Hương".to_owned()], vec!["Cắt điện để sửa chữa lưới".to_owned()]),
        "in quiet hours only the Extreme one rings"
    );
    assert_eq!(by_ward.sync().await.0, vec!["Lũ khẩn cấp trên sông Hương".to_owned()], "a ward followed by name, in the flood area");

    // Syncing again rings nothing: never the same warning twice.
    for resident in [&at_home, &sleeping, &by_ward] {
        assert_eq!(resident.sync().await, (vec![], vec![]));
    }

    // A report filed at home while the outage is on is found under it by the centre.
    let report = at_home.phone.capture(7);
    let detail = at_home.phone.civic.report(report).unwrap();
    assert!(detail.alerts.contains(&outage_id) && detail.alerts.contains(&flood_id), "{:?}", detail.alerts);
    at_home.phone.syncer.sync_now().await;
    let under: Value = server
        .http
        .get(format!("{}/api/v1/alerts/{outage_id}/reports", server.url))
        .bearer_auth(&operator)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mine = at_home.phone.civic.report(report).unwrap().report.public_number;
    assert_eq!(under["items"][0]["public_number"].as_str(), mine.as_deref());

    // An Update changes the headline on every phone it concerns, without ringing again.
    let r = server
        .http
        .put(format!("{}/api/v1/alerts/{flood_id}", server.url))
        .bearer_auth(&operator)
        .json(&warning("flood", "Extreme", "Lũ khẩn cấp: sơ tán ngay khu thấp trũng", &[PHU_XUAN, PHU_HO]))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    for resident in [&at_home, &sleeping, &by_ward] {
        assert_eq!(resident.sync().await, (vec![], vec![]));
        assert!(resident.inbox().contains(&("Lũ khẩn cấp: sơ tán ngay khu thấp trũng".to_owned(), AlertState::Active)));
    }
    let history = at_home.phone.civic.alert(&flood_id).unwrap().expect("in the inbox").history;
    assert_eq!(history.len(), 2, "the first version is kept");

    // A Cancel withdraws it everywhere, silently.
    server.post(&operator, &format!("/api/v1/alerts/{flood_id}/cancel"), json!({"note": "Nước đã rút"})).await;
    for resident in [&at_home, &sleeping, &by_ward] {
        assert_eq!(resident.sync().await, (vec![], vec![]));
        let flood = resident.phone.civic.alerts(true).unwrap().into_iter().find(|a| a.id == flood_id).expect("kept, as cancelled");
        assert_eq!(flood.state, AlertState::Cancelled);
        assert!(resident.phone.civic.alerts(false).unwrap().iter().all(|a| a.id != flood_id), "no longer among the active ones");
    }
    assert!(elsewhere.inbox().is_empty());
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warning_wakes_the_phones_whose_cells_it_meets_and_no_place_reaches_the_server() {
    let server_dir = tempdir().unwrap();
    let (server, pushes) = Server::start_recording_pushes(server_dir.path()).await;
    let operator = server.login(ADMIN, ADMIN_PASSWORD).await;

    let at_home = Resident::new(&server, vec![SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 300.0)], None);
    let elsewhere = Resident::new(&server, vec![SavedPlace::circle("Nhà", A_LUOI.0, A_LUOI.1, 500.0)], None);
    let wanderer = Resident::new(&server, vec![], None);
    let mut follow = wanderer.phone.civic.subscription().unwrap();
    follow.current_position = true;
    wanderer.phone.civic.set_subscription(&follow).unwrap();

    let home = at_home.phone.syncer.register_push(PushProvider::Fcm, "fcm-token-at-home", None).await.unwrap();
    let far = elsewhere.phone.syncer.register_push(PushProvider::Apns, "a1b2c3d4", None).await.unwrap();
    // A UnifiedPush distributor's endpoint and its Web Push keys (RFC 8291 Appendix A's receiver).
    let keys = civic_core::protocol::WebPushKeys {
        p256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4".into(),
        auth: "BTBZMqHH6r4Tts7J_aSIgg".into(),
    };
    let moving =
        wanderer.phone.syncer.register_push(PushProvider::UnifiedPush, "https://push.example.org/up/wanderer", Some(keys)).await.unwrap();
    // What the server learns is coarse cells (about 11 km), never the places.
    assert!(!home.cells.is_empty() && !home.anywhere);
    for reg in [&home, &far, &moving] {
        let sent = serde_json::to_string(reg).unwrap();
        assert!(!sent.contains("16.46") && !sent.contains("107.59") && !sent.contains("Nhà"), "{sent}");
    }
    assert!(moving.anywhere && moving.cells.is_empty(), "where I am now: woken for any warning of the region");

    let flood: Value = server.post(&operator, "/api/v1/alerts", warning("flood", "Severe", "Cảnh báo lũ", &[PHU_XUAN, PHU_HO])).await;
    let woken = wait_for_pushes(&pushes, 2).await;
    assert_eq!(woken, BTreeSet::from(["fcm-token-at-home".to_owned(), "https://push.example.org/up/wanderer".to_owned()]));
    assert!(pushes.messages().iter().all(|m| *m.alert_id == *flood["id"].as_str().unwrap()));
    // The UnifiedPush wake-up carries the keys it is encrypted to, FCM's none; both are kept
    // until the warning ends (6 hours).
    assert!(pushes.messages().iter().all(|m| m.keys.is_some() == (m.provider == PushProvider::UnifiedPush)));
    assert!(pushes.messages().iter().all(|m| m.ttl_s.is_some_and(|s| (6 * 3600 - 600..=6 * 3600).contains(&s))), "{:?}", pushes.messages());

    // Woken, the phone syncs and rings; the one far away was never woken.
    assert_eq!(at_home.sync().await.0, vec!["Cảnh báo lũ".to_owned()]);

    // A Cancel wakes the same phones again so they withdraw it.
    pushes.clear();
    server.post(&operator, &format!("/api/v1/alerts/{}/cancel", flood["id"].as_str().unwrap()), json!({})).await;
    assert_eq!(wait_for_pushes(&pushes, 2).await.len(), 2);

    // A bad registration is refused with a clear error.
    let bad = elsewhere.phone.syncer.register_push(PushProvider::Apns, "not hex!", None).await;
    assert!(matches!(bad, Err(civic_core::Error::Refused { ref kind, .. }) if kind == "bad-token"), "{bad:?}");
}

/// Waits (up to 10 s) for at least `n` recorded pushes; returns the tokens woken.
async fn wait_for_pushes(pushes: &civic_server::push::RecordingGateway, n: usize) -> BTreeSet<String> {
    for _ in 0..200 {
        if pushes.messages().len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // A little longer, to see that nothing more comes.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    pushes.messages().iter().map(|m| m.token.to_string()).collect()
}
