//! Green Sunday end to end: the real server and three phones (the real core, each with its
//! own data directory) as two teams. They join, report spots with no signal and deliver
//! them when it returns, two reports of one place become one spot, a team claims and
//! cleans with an after-photo, every phone ends with the same map; when the campaign is
//! over, the spot left becomes a report routed to sanitation, in its reporter's name.

use std::path::Path;
use std::sync::Arc;

use civic_core::campaign::{CampaignDesk, SpotStatus};
use civic_core::model::{FixSource, GeoFix};
use civic_core::sync::{FileTokenStore, Syncer};
use civic_core::{City, Civic};
use civic_tests::{ADMIN, ADMIN_PASSWORD, CITADEL, Server, photo, quick_sync};
use serde_json::{Value, json};

/// Nothing listens there: no signal.
const NO_SIGNAL: &str = "http://127.0.0.1:9";

struct Phone {
    /// The app's handle, open for as long as the phone is (the desk shares its store).
    _civic: Civic,
    syncer: Arc<Syncer>,
    desk: CampaignDesk,
}

/// A phone with its data in `dir`, talking to `url` (opening it again is the app restarting).
fn phone(dir: &Path, url: &str) -> Phone {
    let civic = Civic::open(dir, City::hue().expect("Huế")).expect("open");
    let syncer = civic.syncer(url, Arc::new(FileTokenStore::new(dir.join("token"))), quick_sync()).expect("syncer");
    let desk = civic.campaign_desk(syncer.clone());
    Phone { _civic: civic, syncer, desk }
}

fn at(p: (f64, f64)) -> GeoFix {
    GeoFix { lat: p.0, lon: p.1, accuracy_m: 5.0, source: FixSource::Gps, fixed_at: time::OffsetDateTime::now_utc() }
}

fn east(p: (f64, f64), metres: f64) -> (f64, f64) {
    (p.0, p.1 + metres / (111_320.0 * p.0.to_radians().cos()))
}

/// Each phone's map as (spot id, status), sorted.
fn summary(p: &Phone, campaign: &str) -> Vec<(String, SpotStatus)> {
    let mut v: Vec<_> = p.desk.map(campaign).expect("map").into_iter().map(|s| (s.spot.id, s.spot.status)).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_teams_clean_up_a_morning_and_the_spot_left_goes_to_the_city() {
    let dirs = tempfile::tempdir().unwrap();
    let server = Server::start(&dirs.path().join("server")).await;
    let operator = server.login(ADMIN, ADMIN_PASSWORD).await;
    let now = time::OffsetDateTime::now_utc();
    let fmt = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap();
    let campaign: Value = server
        .post(
            &operator,
            "/api/v1/campaigns",
            json!({"name": {"vi": "Chủ nhật xanh", "en": "Green Sunday"}, "starts_at": fmt(now - time::Duration::minutes(10)),
                   "ends_at": fmt(now + time::Duration::hours(3)), "areas": ["474"], "categories": ["litter", "illegal-dumping"]}),
        )
        .await;
    let id = campaign["id"].as_str().unwrap().to_owned();

    // The school (two phones) and the union branch (one). The union's phone has no signal.
    let (a_dir, b_dir, u_dir) = (dirs.path().join("a"), dirs.path().join("b"), dirs.path().join("u"));
    let a = phone(&a_dir, &server.url);
    let b = phone(&b_dir, &server.url);
    let u = phone(&u_dir, NO_SIGNAL);
    assert!(!a.syncer.campaigns().await.unwrap().is_empty(), "the campaign is listed");
    a.desk.join(&id, None, Some("THPT Hai Bà Trưng".into())).unwrap();
    b.desk.join(&id, None, Some("THPT Hai Bà Trưng".into())).unwrap();
    u.desk.join(&id, None, Some("Đoàn phường".into())).unwrap();

    // Offline, the union reports two spots: they are on its map at once, waiting.
    let u_first = u.desk.report_spot(&id, "litter", &photo(1), at(east(CITADEL, 3.0))).unwrap();
    let u_second = u.desk.report_spot(&id, "litter", &photo(2), at(east(CITADEL, 120.0))).unwrap();
    let sent = u.desk.send().await.unwrap();
    assert!(matches!(sent.stopped, Some(civic_core::Error::Offline(_))), "{sent:?}");
    assert_eq!(u.desk.pending(Some(&id)).unwrap().len(), 3, "join and two spots wait");
    let map = u.desk.map(&id).unwrap();
    assert_eq!(map.len(), 2);
    assert!(map.iter().all(|s| s.waiting));

    // Meanwhile the school, online, reports the first spot's place 3 m away, first.
    let a_spot = a.desk.report_spot(&id, "litter", &photo(3), at(CITADEL)).unwrap();
    let out = a.desk.send().await.unwrap();
    assert_eq!((out.sent, out.stopped.is_none()), (2, true), "{out:?}");
    b.desk.send().await.unwrap();

    // The union's signal returns (the app restarted, too): its queue survived and goes; its
    // first spot joins the school's.
    drop(u);
    let u = phone(&u_dir, &server.url);
    assert_eq!(u.desk.pending(Some(&id)).unwrap().len(), 3);
    let out = u.desk.send().await.unwrap();
    assert_eq!((out.sent, out.merged, out.refused.len()), (3, 1, 0), "{out:?}");
    assert!(u.desk.pending(None).unwrap().is_empty());

    // The school claims its spot and cleans it with an after-photo taken there; the union,
    // offline again, tries to claim it too: refused once it is delivered.
    b.desk.claim(&id, &a_spot).unwrap();
    b.desk.send().await.unwrap();
    let u_offline = phone(&u_dir, NO_SIGNAL);
    u_offline.desk.claim(&id, &u_first).unwrap();
    drop(u_offline);
    a.desk.clean(&id, &a_spot, &civic_core::photo::sample::camera_jpeg(800, 600), at(east(CITADEL, 2.0)), Some(4.5)).unwrap();
    assert_eq!(a.desk.map(&id).unwrap().iter().find(|s| s.spot.id == a_spot).map(|s| (s.spot.status, s.waiting)), Some((SpotStatus::Cleaned, true)));
    a.desk.send().await.unwrap();
    let out = u.desk.send().await.unwrap();
    assert_eq!(out.refused.len(), 1, "another team has it: {out:?}");

    // One map on every phone: the merged report is not a second spot.
    for p in [&a, &b, &u] {
        p.desk.refresh(&id).await.unwrap();
    }
    let expected = summary(&a, &id);
    assert_eq!(expected.len(), 2, "{expected:?}");
    assert!(expected.contains(&(a_spot.clone(), SpotStatus::Cleaned)));
    assert!(expected.contains(&(u_second.clone(), SpotStatus::Reported)));
    assert_eq!(summary(&b, &id), expected);
    assert_eq!(summary(&u, &id), expected);
    let cleaned = a.desk.map(&id).unwrap().into_iter().find(|s| s.spot.id == a_spot).unwrap().spot;
    assert_eq!(cleaned.team.map(|t| t.name), Some("THPT Hai Bà Trưng".to_owned()));
    assert_eq!(cleaned.also_reported, 1);
    assert!(cleaned.after_photo.is_some());

    // The end: the spot left becomes a report for sanitation; the union's phone, which
    // reported it, follows it as its own after a sync.
    server.exec_sql(&format!("UPDATE campaign SET ends_at = ends_at - 4 * 3600 * 1000 WHERE id = '{id}'")).await;
    let mut handed = None;
    for _ in 0..50 {
        u.desk.refresh(&id).await.unwrap();
        handed = u.desk.map(&id).unwrap().into_iter().find(|s| s.spot.id == u_second && s.spot.status == SpotStatus::HandedOver);
        if handed.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let number = handed.expect("handed over").spot.report_number.expect("its report number");
    // The report is the reporting device's: its own list on the server has it.
    let token = std::fs::read_to_string(u_dir.join("token")).expect("the union phone's token");
    let mine: Value = server
        .http
        .get(format!("{}/api/v1/reports/mine", server.url))
        .bearer_auth(token.trim())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(mine.to_string().contains(&number), "{mine}");
    let report: Value = server.http.get(format!("{}/api/v1/public/reports/{number}", server.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(report["unit"], "moi-truong");
}
