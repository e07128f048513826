//! Green Sunday end to end: the real server and three phones (the real core, each with its
//! own data directory) as two teams. They join, report spots with no signal and deliver
//! them when it returns, two reports of one place become one spot, a team claims and
//! cleans with an after-photo, every phone ends with the same map; when the campaign is
//! over, the spot left becomes a report routed to sanitation, in its reporter's name.

use std::path::Path;
use std::sync::Arc;

use civic_core::campaign::{ReminderKind, SpotStatus};
use civic_core::clock::{Clock, SharedClock, TestClock};
use civic_core::desk::CampaignDesk;
use civic_core::model::{FixSource, GeoFix};
use civic_core::net::FileTokenStore;
use civic_core::sync::Syncer;
use civic_core::{City, Civic};
use civic_tests::{ADMIN, ADMIN_PASSWORD, CITADEL, Server, photo, quick_sync};
use serde_json::{Value, json};

/// Nothing listens there: no signal.
const NO_SIGNAL: &str = "http://127.0.0.1:9";

struct Phone {
    /// The app's handle, open for as long as the phone is (the desk shares its store).
    civic: Civic,
    syncer: Arc<Syncer>,
    desk: Arc<CampaignDesk>,
}

/// A phone with its data in `dir`, talking to `url` (opening it again is the app restarting).
fn phone(dir: &Path, url: &str) -> Phone {
    phone_on(dir, url, civic_core::clock::system())
}

/// `phone`, its clock being `clock`.
fn phone_on(dir: &Path, url: &str, clock: SharedClock) -> Phone {
    let civic = Civic::open_with_clock(dir, City::hue().expect("Huế"), clock).expect("open");
    let syncer = civic.syncer(url, Arc::new(FileTokenStore::new(dir.join("token"))), quick_sync()).expect("syncer");
    let desk = civic.campaign_desk(&syncer);
    Phone { civic, syncer, desk }
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

/// A three-hour campaign in Huế city from `starts`, announced by the operator; `extra`
/// fields (categories, meeting points, a goal…) replace the defaults. Its id.
async fn announce(server: &Server, operator: &str, starts: time::OffsetDateTime, extra: Value) -> String {
    let fmt = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap();
    let mut body = json!({"name": {"vi": "Chủ nhật xanh", "en": "Green Sunday"}, "starts_at": fmt(starts),
                          "ends_at": fmt(starts + time::Duration::hours(3)), "areas": ["19753"], "categories": ["litter"]});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let campaign: Value = server.post(operator, "/api/v1/campaigns", body).await;
    campaign["id"].as_str().expect("the campaign's id").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_teams_clean_up_a_morning_and_the_spot_left_goes_to_the_city() {
    let dirs = tempfile::tempdir().unwrap();
    let server = Server::start(&dirs.path().join("server")).await;
    let operator = server.login(ADMIN, ADMIN_PASSWORD).await;
    let now = time::OffsetDateTime::now_utc();
    let id = announce(&server, &operator, now - time::Duration::minutes(10), json!({"categories": ["litter", "illegal-dumping"]})).await;

    // The school (two phones) and the union branch (one). The union's phone has no signal.
    let (a_dir, b_dir, u_dir) = (dirs.path().join("a"), dirs.path().join("b"), dirs.path().join("u"));
    let a = phone(&a_dir, &server.url);
    let b = phone(&b_dir, &server.url);
    let u = phone(&u_dir, NO_SIGNAL);
    assert!(!a.desk.fetch().await.unwrap().is_empty(), "the campaign is listed");
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
    assert_eq!(
        a.desk.map(&id).unwrap().iter().find(|s| s.spot.id == a_spot).map(|s| (s.spot.status, s.waiting)),
        Some((SpotStatus::Cleaned, true))
    );
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
    let report: Value =
        server.http.get(format!("{}/api/v1/public/reports/{number}", server.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(report["unit"], "ubnd-19753", "litter: the ward's People's Committee");

    // And on the phone: after a sync it is in the union's own reports, with the photo it
    // took, where it reported it; the resident is told it was received.
    let outcome = u.syncer.sync_now().await;
    assert!(outcome.notifications.iter().any(|n| n.public_number.as_deref() == Some(number.as_str())), "{outcome:?}");
    let page = u.civic.my_reports(&[], 50, None).unwrap();
    let own = page.reports.iter().find(|r| r.public_number.as_deref() == Some(number.as_str())).expect("in the phone's own reports");
    assert_eq!(own.id.to_string(), u_second);
    assert_eq!(own.category, "litter");
    let detail = u.civic.report(own.id).unwrap();
    assert!((detail.report.location.lon - east(CITADEL, 120.0).1).abs() < 1e-9);
    assert_eq!(detail.report.ward.as_ref().map(|d| d.code.as_str()), Some("19753"));
    assert_eq!(detail.report.photos.len(), 1, "the spot's photo");
    assert!(u.civic.photo(&detail.report.photos[0].hash).unwrap().starts_with(&[0xFF, 0xD8]));
    assert!(!detail.timeline.is_empty());
    // The school's phone, which reported no spot left, has no such report.
    a.syncer.sync_now().await;
    assert!(a.civic.my_reports(&[], 50, None).unwrap().reports.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_who_joined_is_reminded_and_after_the_morning_has_its_card() {
    let dirs = tempfile::tempdir().unwrap();
    // One clock for the server and the phones: the test moves it to the morning and past it.
    let clock = TestClock::shifted(time::Duration::ZERO);
    let server = Server::start_with_clock(&dirs.path().join("server"), clock.clone()).await;
    let phone = |dir: &Path, url: &str| phone_on(dir, url, clock.clone());
    let at = |p: (f64, f64)| GeoFix { fixed_at: clock.now(), ..at(p) };
    let operator = server.login(ADMIN, ADMIN_PASSWORD).await;

    // The day after tomorrow, 06:30 in Huế.
    let hue = time::UtcOffset::from_hms(7, 0, 0).unwrap();
    let today = clock.now().to_offset(hue).date();
    let day = today.next_day().and_then(|d| d.next_day()).unwrap();
    let starts = day.with_hms(6, 30, 0).unwrap().assume_offset(hue);
    let id = announce(
        &server,
        &operator,
        starts,
        json!({"name": {"vi": "Chủ nhật xanh phường Phú Xuân", "en": "Green Sunday in Phú Xuân"},
               "meeting_points": [{"name": "Cửa Thượng Tứ", "lat": 16.4699, "lon": 107.5862}], "goal_spots": 10}),
    )
    .await;

    // Before anything was listed, a phone with no signal has nothing to show: it says so.
    let (a_dir, b_dir) = (dirs.path().join("a"), dirs.path().join("b"));
    let offline = phone(&a_dir, NO_SIGNAL);
    assert!(matches!(offline.desk.campaigns().await, Err(civic_core::Error::Offline(_))));
    drop(offline);

    // A lists the campaigns and founds a team; the reminders are there at once, before the
    // join is even sent: the evening before at 19:00, and an hour before the start.
    let a = phone(&a_dir, &server.url);
    assert_eq!(a.desk.campaigns().await.unwrap().iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec![id.as_str()]);
    a.desk.join(&id, None, Some("Tổ dân phố 5".into())).unwrap();
    let now = clock.now();
    let reminders = a.desk.reminders(now).unwrap();
    let evening = day.previous_day().unwrap().with_hms(19, 0, 0).unwrap().assume_offset(hue);
    assert_eq!(
        reminders.iter().map(|r| (r.kind, r.at, r.team_name.as_deref())).collect::<Vec<_>>(),
        vec![
            (ReminderKind::EveningBefore, evening, Some("Tổ dân phố 5")),
            (ReminderKind::HourBefore, starts - time::Duration::hours(1), Some("Tổ dân phố 5")),
        ]
    );
    assert_ne!(reminders[0].key(), reminders[1].key());
    // The words the phone shows, in the city's time, in both languages.
    let (vi, en) = (civic_core::model::Lang::Vi, civic_core::model::Lang::En);
    assert_eq!(reminders[0].title(vi), "Ngày mai: Chủ nhật xanh phường Phú Xuân");
    assert_eq!(reminders[1].title(en), "In an hour: Green Sunday in Phú Xuân");
    assert_eq!(reminders[0].body(vi, hue), "Bắt đầu lúc 06:30 tại Cửa Thượng Tứ. Đội: Tổ dân phố 5. Nhớ mang găng tay và túi đựng rác.");
    assert_eq!(reminders[1].body(en, hue), "Starts at 06:30 at Cửa Thượng Tứ. Team: Tổ dân phố 5.");
    // Past the evening, only the hour before is left.
    assert_eq!(a.desk.reminders(evening + time::Duration::minutes(1)).unwrap().len(), 1);
    assert!(!a.desk.joined().unwrap()[0].confirmed);
    a.desk.send().await.unwrap();
    let joined = a.desk.joined().unwrap();
    assert!(joined[0].confirmed && joined[0].team_id.is_some(), "{joined:?}");

    // Without a signal (and after a restart) the campaign and its reminders are still there.
    drop(a);
    let a_offline = phone(&a_dir, NO_SIGNAL);
    let listed = a_offline.desk.campaigns().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].phase, civic_core::campaign::Phase::Upcoming);
    assert_eq!(a_offline.desk.reminders(now).unwrap().len(), 2);
    drop(a_offline);
    let a = phone(&a_dir, &server.url);

    // B joins A's team from the list: its reminders name the team.
    let b = phone(&b_dir, &server.url);
    let team = b.desk.campaigns().await.unwrap()[0].teams[0].clone();
    b.desk.join(&id, Some(team.id.clone()), None).unwrap();
    assert_eq!(b.desk.reminders(now).unwrap()[0].team_name.as_deref(), Some("Tổ dân phố 5"));
    b.desk.send().await.unwrap();

    // The morning, five minutes in: B reports two spots, A claims one and cleans it.
    clock.set(starts + time::Duration::minutes(5));
    a.desk.campaigns().await.unwrap();
    assert!(a.desk.reminders(clock.now()).unwrap().is_empty(), "under way: nothing left to remind");
    let first = b.desk.report_spot(&id, "litter", &photo(1), at(CITADEL)).unwrap();
    let second = b.desk.report_spot(&id, "litter", &photo(2), at(east(CITADEL, 200.0))).unwrap();
    // The phone's ordinary sync (in the background, the screen closed) delivers them.
    let outcome = b.syncer.sync_now().await;
    assert_eq!(outcome.campaign_sent, 2, "{outcome:?}");
    assert!(b.desk.pending(None).unwrap().is_empty());
    a.desk.refresh(&id).await.unwrap();
    let mine = |p: &Phone| p.desk.map(&id).unwrap().into_iter().filter(|s| s.mine).map(|s| s.spot.id).collect::<Vec<_>>();
    assert!(mine(&a).is_empty(), "A reported nothing");
    a.desk.claim(&id, &first).unwrap();
    a.desk.clean(&id, &first, &civic_core::photo::sample::camera_jpeg(800, 600), at(east(CITADEL, 2.0)), Some(3.0)).unwrap();
    a.desk.send().await.unwrap();
    b.desk.refresh(&id).await.unwrap();
    let mut b_mine = mine(&b);
    b_mine.sort();
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(b_mine, expected);

    // The end: the card has the morning's figures and its before/after pair, photos on the
    // phone, and still shows without a signal.
    clock.set(starts + time::Duration::hours(3) + time::Duration::minutes(1));
    let mut summary = b.desk.summary(&id).await.unwrap();
    for _ in 0..50 {
        if summary.handed_over == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        summary = b.desk.summary(&id).await.unwrap();
    }
    assert_eq!((summary.reported, summary.cleaned, summary.handed_over), (2, 1, 1), "{summary:?}");
    assert_eq!(summary.kg, 3.0);
    assert_eq!(summary.campaign.goal_spots, Some(10));
    let team_tally = summary.by_team.iter().find(|t| t.name == "Tổ dân phố 5").expect("the team's line");
    assert_eq!((team_tally.reported, team_tally.cleaned), (2, 1));
    let pairs = b.desk.pairs(&id).unwrap();
    assert_eq!(pairs.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), vec![first.as_str()]);
    let before = b.civic.photo(&pairs[0].photo).expect("the before photo is on the phone");
    let after = b.civic.photo(pairs[0].after_photo.as_deref().unwrap()).expect("the after photo is on the phone");
    assert!(before.starts_with(&[0xFF, 0xD8]) && after.starts_with(&[0xFF, 0xD8]));
    // The card: B's part (two spots, one cleaned), B's team, the goal not reached, the pair.
    let card = b.desk.card(&id).await.unwrap();
    assert_eq!(card.my_spots, (2, 1));
    assert_eq!(card.my_team.as_ref().map(|t| (t.reported, t.cleaned)), Some((2, 1)));
    assert!(!card.goal_reached, "1 of a goal of 10");
    assert_eq!(card.pairs.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), vec![first.as_str()]);
    assert_eq!(card.joined.as_ref().and_then(|j| j.team_name.as_deref()), Some("Tổ dân phố 5"));
    let lang = civic_core::model::Lang::Vi;
    assert_eq!(
        civic_core::campaign::summary_headline(card.summary.cleaned, card.summary.reported, card.summary.kg, lang),
        "Đã dọn 1/2 điểm · 3,0 kg"
    );
    assert_eq!(civic_core::campaign::my_part(2, 1, civic_core::model::Lang::En), "You reported 2 spots; 1 were cleaned.");
    drop(b);
    let b = phone(&b_dir, NO_SIGNAL);
    assert_eq!(b.desk.summary(&id).await.unwrap(), summary);
    assert_eq!(b.desk.card(&id).await.unwrap().my_spots, (2, 1), "the card shows offline too");
    assert!(b.desk.reminders(clock.now()).unwrap().is_empty());
}

/// The phone asks for gzip and reads it: a server on loopback that records the request and
/// answers the campaign list gzipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_asks_for_gzip_and_reads_it() {
    use std::io::Write;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the request ended early");
            request.extend_from_slice(&buf[..n]);
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"[]").unwrap();
        let body = gz.finish().unwrap();
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(&body).await.unwrap();
        String::from_utf8_lossy(&request).to_lowercase()
    });
    let dir = tempfile::tempdir().unwrap();
    let p = phone(dir.path(), &url);
    assert_eq!(p.desk.campaigns().await.unwrap(), Vec::new());
    let request = served.await.unwrap();
    assert!(request.lines().any(|l| l.starts_with("accept-encoding:") && l.contains("gzip")), "{request}");
}

/// The screen's "send" and a background sync at the same moment deliver each action once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screen_and_a_background_sync_sending_at_once_deliver_each_action_once() {
    let dirs = tempfile::tempdir().unwrap();
    let server = Server::start(&dirs.path().join("server")).await;
    let operator = server.login(ADMIN, ADMIN_PASSWORD).await;
    let now = time::OffsetDateTime::now_utc();
    let id = announce(&server, &operator, now - time::Duration::minutes(10), json!({})).await;
    let p = phone(&dirs.path().join("p"), &server.url);
    p.desk.join(&id, None, Some("Tổ dân phố 2".into())).unwrap();
    for (i, metres) in [0.0, 60.0, 120.0].into_iter().enumerate() {
        p.desk.report_spot(&id, "litter", &photo(10 + i as u32), at(east(CITADEL, metres))).unwrap();
        p.desk
            .claim(
                &id,
                &p.desk
                    .pending(Some(&id))
                    .unwrap()
                    .iter()
                    .rev()
                    .find_map(|a| match &a.action {
                        civic_core::campaign::CampaignAction::Spot { id, .. } => Some(id.clone()),
                        _ => None,
                    })
                    .unwrap(),
            )
            .unwrap();
    }
    let (screen, sync) = tokio::join!(p.desk.send(), p.syncer.sync_now());
    let screen = screen.unwrap();
    assert!(screen.refused.is_empty(), "nothing refused as if sent twice: {screen:?}");
    assert_eq!(screen.sent + sync.campaign_sent as usize, 7, "a join, three spots, three claims, each once: {screen:?} {sync:?}");
    p.desk.refresh(&id).await.unwrap();
    let map = p.desk.map(&id).unwrap();
    assert_eq!(map.len(), 3);
    assert!(map.iter().all(|s| s.spot.status == SpotStatus::Claimed && !s.waiting), "{map:?}");
}

/// Moved, the reminders follow; called off (rain), once the phone has heard (a background
/// sync is enough) the reminders are gone, the resident is told once, and it says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_moved_moves_its_reminders_and_one_called_off_rings_none() {
    let dirs = tempfile::tempdir().unwrap();
    let server = Server::start(&dirs.path().join("server")).await;
    let operator = server.login(ADMIN, ADMIN_PASSWORD).await;
    let starts = time::OffsetDateTime::now_utc() + time::Duration::days(3);
    let id = announce(&server, &operator, starts, json!({})).await;
    let p = phone(&dirs.path().join("p"), &server.url);
    p.desk.campaigns().await.unwrap();
    p.desk.join(&id, None, None).unwrap();
    p.syncer.sync_now().await;
    let now = time::OffsetDateTime::now_utc();
    assert_eq!(p.desk.reminders(now).unwrap().len(), 2);

    // Moved a day later: after a sync, the reminders follow.
    let fmt = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap();
    let later = starts + time::Duration::days(1);
    let r = server
        .http
        .patch(format!("{}/api/v1/campaigns/{id}", server.url))
        .bearer_auth(&operator)
        .json(&json!({"starts_at": fmt(later), "ends_at": fmt(later + time::Duration::hours(3))}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    p.syncer.sync_now().await;
    let hour = p.desk.reminders(now).unwrap().into_iter().find(|r| r.kind == ReminderKind::HourBefore).expect("the hour before");
    assert_eq!(hour.at.unix_timestamp(), (later - time::Duration::hours(1)).unix_timestamp());

    assert!(p.desk.take_called_off().unwrap().is_empty());
    server.post(&operator, &format!("/api/v1/campaigns/{id}/cancel"), json!({"reason": "Mưa lớn"})).await;
    // The phone's ordinary sync (in the background) learns it: no reminder, and the resident
    // is told, once.
    p.syncer.sync_now().await;
    assert!(p.desk.reminders(now).unwrap().is_empty());
    let told = p.desk.take_called_off().unwrap();
    assert_eq!(told.iter().map(|c| (c.id.as_str(), c.cancel_reason.as_deref())).collect::<Vec<_>>(), vec![(id.as_str(), Some("Mưa lớn"))]);
    let (title, body) = civic_core::campaign::called_off_notice(&told[0], civic_core::model::Lang::Vi);
    assert_eq!((title.as_str(), body.as_str()), ("Đã huỷ: Chủ nhật xanh", "Mưa lớn"));
    assert!(p.desk.take_called_off().unwrap().is_empty(), "told once");
    let listed = p.desk.campaigns().await.unwrap();
    let c = listed.iter().find(|c| c.id == id).expect("still listed, called off");
    assert_eq!((c.phase, c.cancel_reason.as_deref()), (civic_core::campaign::Phase::Cancelled, Some("Mưa lớn")));
    assert!(p.desk.reminders(now).unwrap().is_empty());
}

/// The campaigns near the resident: the ones they joined wherever they are, and those in the
/// wards of their saved places; not the others. Soonest first, the ended last.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_me_is_what_the_resident_joined_and_what_covers_their_places() {
    let dirs = tempfile::tempdir().unwrap();
    let server = Server::start(&dirs.path().join("server")).await;
    let operator = server.login(ADMIN, ADMIN_PASSWORD).await;
    let now = time::OffsetDateTime::now_utc();
    let days = |d: i64| now + time::Duration::days(d);
    // Phú Xuân (home) in 3 days; A Lưới 2 (joined, far away) in 2 days; Phú Bài (neither) in 1 day.
    let home = announce(&server, &operator, days(3), json!({"areas": ["19753"]})).await;
    let joined = announce(&server, &operator, days(2), json!({"areas": ["20044"]})).await;
    let other = announce(&server, &operator, days(1), json!({"areas": ["19960"]})).await;
    let p = phone(&dirs.path().join("p"), &server.url);
    p.civic.add_place(civic_core::warning::SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 300.0)).unwrap();
    p.desk.join(&joined, None, None).unwrap();
    let ids = |v: Vec<civic_core::campaign::Campaign>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(p.desk.near_me().await.unwrap()), vec![joined.clone(), home.clone()]);
    assert_eq!(ids(p.desk.campaigns().await.unwrap()), vec![other, joined, home], "the full list has them all, soonest first");
}
