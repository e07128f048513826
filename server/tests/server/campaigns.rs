//! Green Sunday campaigns over HTTP: announcing, joining with teams, spots reported, merged,
//! claimed and cleaned, the live map by cursor, the summary, and the hand-over of the spots
//! left when the campaign ends.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::tempdir;

/// Phú Xuân, the ward of the citadel.
const HUE: &str = "19753";

pub async fn announce(srv: &TestServer, operator: &str, starts_in_min: i64, lasts_min: i64) -> Value {
    let start = srv.now() + time::Duration::minutes(starts_in_min);
    let end = start + time::Duration::minutes(lasts_min);
    let fmt = hue_time;
    let r = srv
        .post(
            operator,
            "/api/v1/campaigns",
            &json!({
                "name": {"vi": "Ngày Chủ nhật xanh tháng 11", "en": "Green Sunday, November"},
                "starts_at": fmt(start), "ends_at": fmt(end),
                "areas": [HUE],
                "meeting_points": [{"name": "Cửa Thượng Tứ", "lat": 16.4698, "lon": 107.5786}],
                "categories": ["litter", "illegal-dumping", "blocked-drain"],
                "goal_spots": 200
            }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap_or_default());
    r.json().await.unwrap()
}

fn fix(at: (f64, f64)) -> Value {
    json!({"lat": at.0, "lon": at.1, "accuracy_m": 5.0, "source": "gps",
           "fixed_at": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap()})
}

/// A point `metres` east of `at`.
fn east(at: (f64, f64), metres: f64) -> (f64, f64) {
    (at.0, at.1 + metres / (111_320.0 * at.0.to_radians().cos()))
}

pub async fn report_spot(srv: &TestServer, device: &str, campaign: &str, at: (f64, f64), seed: u32) -> (StatusCode, Value) {
    let photo = srv.upload(device, &jpeg(320, 240, seed)).await;
    let id = uuid_v4(seed);
    let r = srv
        .post(
            device,
            &format!("/api/v1/campaigns/{campaign}/spots"),
            &json!({"id": id, "category": "litter", "location": fix(at), "photo": photo}),
        )
        .await;
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn uuid_v4(seed: u32) -> String {
    format!("0192f3a0-0000-7000-8000-{seed:012x}")
}

async fn map(srv: &TestServer, campaign: &str) -> Vec<Value> {
    let mut spots: Vec<Value> = Vec::new();
    let mut since = 0;
    loop {
        let page: Value = srv.get(None, &format!("/api/v1/campaigns/{campaign}/spots?since={since}")).await.json().await.unwrap();
        for s in page["spots"].as_array().unwrap() {
            spots.retain(|x| x["id"] != s["id"]);
            spots.push(s.clone());
        }
        since = page["cursor"].as_i64().unwrap();
        if !page["more"].as_bool().unwrap() {
            return spots;
        }
    }
}

#[tokio::test]
async fn a_green_sunday_morning_from_announcement_to_hand_over() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &["--campaign-sweep-secs", "1"]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let c = announce(&srv, &operator, -5, 120).await;
    let id = c["id"].as_str().unwrap().to_owned();
    assert_eq!(c["phase"], "running");

    // A school and a union branch; a resident alone.
    let (school_a, school_b, union, alone, stranger) =
        (srv.device().await, srv.device().await, srv.device().await, srv.device().await, srv.device().await);
    let join_path = format!("/api/v1/campaigns/{id}/join");
    let school: Value = srv.post(&school_a, &join_path, &json!({"new_team": "THPT Hai Bà Trưng"})).await.json().await.unwrap();
    let school_id = school["team"]["id"].as_str().unwrap().to_owned();
    assert_eq!(srv.post(&school_b, &join_path, &json!({"team_id": school_id})).await.status(), StatusCode::OK);
    assert_eq!(srv.post(&union, &join_path, &json!({"new_team": "Đoàn phường Phú Xuân"})).await.status(), StatusCode::OK);
    assert_eq!(srv.post(&alone, &join_path, &json!({})).await.status(), StatusCode::OK);
    let listed: Value = srv.get(None, "/api/v1/campaigns").await.json().await.unwrap();
    assert_eq!(listed[0]["participants"], 4);
    assert_eq!(listed[0]["teams"].as_array().unwrap().len(), 2);

    // Not a member: refused. A category that does not count, a place outside: refused.
    assert_eq!(report_spot(&srv, &stranger, &id, CITADEL, 1).await.0, StatusCode::FORBIDDEN);
    let photo = srv.upload(&alone, &jpeg(320, 240, 2)).await;
    let r = srv
        .post(
            &alone,
            &format!("/api/v1/campaigns/{id}/spots"),
            &json!({"id": uuid_v4(2), "category": "pothole", "location": fix(CITADEL), "photo": photo}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Three spots; the second report 3 m from the first joins it; sending again changes nothing.
    let (s1, r1) = report_spot(&srv, &alone, &id, CITADEL, 10).await;
    assert_eq!(s1, StatusCode::CREATED, "{r1}");
    let first = r1["spot"]["id"].as_str().unwrap().to_owned();
    let (s2, r2) = report_spot(&srv, &union, &id, east(CITADEL, 3.0), 11).await;
    assert_eq!((s2, r2["merged"].as_bool()), (StatusCode::OK, Some(true)), "{r2}");
    assert_eq!(r2["spot"]["id"], first.as_str());
    assert_eq!(r2["spot"]["also_reported"], 1);
    let (again, r2b) = report_spot(&srv, &union, &id, east(CITADEL, 3.0), 11).await;
    assert_eq!((again, r2b["spot"]["id"].as_str()), (StatusCode::OK, Some(first.as_str())));
    let (_, r3) = report_spot(&srv, &school_a, &id, east(CITADEL, 40.0), 12).await;
    let third = r3["spot"]["id"].as_str().unwrap().to_owned();
    let (_, r4) = report_spot(&srv, &school_b, &id, east(CITADEL, 90.0), 13).await;
    let fourth = r4["spot"]["id"].as_str().unwrap().to_owned();
    assert_eq!(map(&srv, &id).await.len(), 3, "one spot per place");

    // The school claims the first spot; the union cannot clean it; the school cleans it with
    // an after-photo taken there. An after-photo from far away is refused.
    let claimed =
        srv.http.post(srv.url(&format!("/api/v1/campaigns/{id}/spots/{first}/claim"))).bearer_auth(&school_b).send().await.unwrap();
    assert_eq!(claimed.status(), StatusCode::OK);
    let clean = |d: &str, spot: &str, at: (f64, f64), seed: u32, kg: f64| {
        let d = d.to_owned();
        let spot = spot.to_owned();
        let srv = &srv;
        let id = id.clone();
        async move {
            let after = srv.upload(&d, &jpeg(320, 240, seed)).await;
            srv.post(
                &d,
                &format!("/api/v1/campaigns/{id}/spots/{spot}/clean"),
                &json!({"photo": after, "photo_location": fix(at), "kg": kg}),
            )
            .await
        }
    };
    assert_eq!(clean(&union, &first, CITADEL, 20, 3.0).await.status(), StatusCode::CONFLICT);
    assert_eq!(clean(&school_a, &first, east(CITADEL, 400.0), 21, 3.0).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let done: Value = clean(&school_a, &first, east(CITADEL, 2.0), 22, 4.5).await.json().await.unwrap();
    assert_eq!(done["status"], "cleaned");
    assert_eq!(done["team"]["name"], "THPT Hai Bà Trưng");
    assert_eq!(clean(&union, &third, east(CITADEL, 41.0), 23, 2.0).await.status(), StatusCode::OK);

    // The live map by cursor: a device that read it before gets only what changed since.
    let before: Value = srv.get(None, &format!("/api/v1/campaigns/{id}/spots")).await.json().await.unwrap();
    let cursor = before["cursor"].as_i64().unwrap();
    assert_eq!(claim_status(&srv, &school_a, &id, &fourth).await, StatusCode::OK);
    let after: Value = srv.get(None, &format!("/api/v1/campaigns/{id}/spots?since={cursor}")).await.json().await.unwrap();
    let changed: Vec<&str> = after["spots"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(changed, vec![fourth.as_str()]);

    // Nobody's identity on the map.
    let text = serde_json::to_string(&map(&srv, &id).await).unwrap();
    for device in [&school_a, &school_b, &union, &alone] {
        let token_id = device.split('.').nth(1).unwrap_or(device);
        assert!(!text.contains(token_id));
    }

    // A phone on slow data asks for gzip and gets it: the same map, smaller.
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let url = srv.url(&format!("/api/v1/campaigns/{id}/spots"));
    let plain = raw.get(&url).send().await.unwrap().bytes().await.unwrap();
    let zipped = raw.get(&url).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let zipped = zipped.bytes().await.unwrap();
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&zipped[..]), &mut unzipped).unwrap();
    assert_eq!(unzipped, plain);
    assert!(zipped.len() < plain.len(), "{} gzipped, {} plain", zipped.len(), plain.len());
    // A short answer (here a refusal) fits one packet either way: it comes as it is.
    let short = raw.get(srv.url("/api/v1/campaigns/no-such-campaign/spots")).header("accept-encoding", "gzip").send().await.unwrap();
    assert!(short.status().is_client_error());
    assert!(!short.headers().contains_key("content-encoding"));
    assert!(serde_json::from_slice::<serde_json::Value>(&short.bytes().await.unwrap()).is_ok(), "readable JSON");

    // The end: the claimed but uncleaned spot becomes a report routed to sanitation, in the
    // name of the device that reported it.
    srv.advance_clock(time::Duration::hours(3));
    let mut handed = None;
    for _ in 0..50 {
        let m = map(&srv, &id).await;
        if let Some(s) = m.iter().find(|s| s["id"] == fourth.as_str() && s["status"] == "handed_over") {
            handed = Some(s.clone());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let handed = handed.expect("the spot left was handed over");
    let number = handed["report_number"].as_str().expect("its report's number");
    let report: Value = srv.get(None, &format!("/api/v1/public/reports/{number}")).await.json().await.unwrap();
    assert_eq!(report["status"], "received");
    assert_eq!(report["unit"], PHU_XUAN_COMMITTEE, "litter: the ward's People's Committee");
    let mine: Value = srv.get(Some(&school_b), "/api/v1/reports/mine").await.json().await.unwrap();
    assert!(mine.to_string().contains(number), "the reporter follows it as their own: {mine}");
    let summary: Value = srv.get(None, &format!("/api/v1/campaigns/{id}/summary")).await.json().await.unwrap();
    assert_eq!((summary["reported"].as_u64(), summary["cleaned"].as_u64(), summary["handed_over"].as_u64()), (Some(3), Some(2), Some(1)));
    assert_eq!(summary["kg"].as_f64(), Some(6.5));
    let school_tally = summary["by_team"].as_array().unwrap().iter().find(|t| t["name"] == "THPT Hai Bà Trưng").unwrap();
    assert_eq!((school_tally["cleaned"].as_u64(), school_tally["reported"].as_u64()), (Some(1), Some(2)));
    assert_eq!(summary["campaign"]["phase"], "ended");
    // Ended: no more spots.
    assert_eq!(report_spot(&srv, &alone, &id, east(CITADEL, 200.0), 30).await.0, StatusCode::CONFLICT);
}

async fn claim_status(srv: &TestServer, device: &str, campaign: &str, spot: &str) -> StatusCode {
    srv.http.post(srv.url(&format!("/api/v1/campaigns/{campaign}/spots/{spot}/claim"))).bearer_auth(device).send().await.unwrap().status()
}

#[tokio::test]
async fn only_operators_announce_and_bad_campaigns_are_refused() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    // Tomorrow morning, as the operator would plan it, whatever day the test runs.
    let starts = srv.now() + time::Duration::days(1);
    let body = json!({"name": {"vi": "x", "en": "x"}, "starts_at": hue_time(starts), "ends_at": hue_time(starts + time::Duration::hours(4)),
                      "areas": [HUE], "categories": ["litter"]});
    assert_eq!(srv.post(&citizen, "/api/v1/campaigns", &body).await.status(), StatusCode::FORBIDDEN);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    for (field, value, kind) in [
        ("areas", json!(["999"]), "unknown-area"),
        ("categories", json!(["nope"]), "unknown-category"),
        ("ends_at", json!(hue_time(starts - time::Duration::hours(1))), "bad-time"),
        ("areas", json!([]), "missing-field"),
    ] {
        let mut b = body.clone();
        b[field] = value;
        assert_problem(srv.post(&operator, "/api/v1/campaigns", &b).await, StatusCode::UNPROCESSABLE_ENTITY, kind).await;
    }
    let r = srv.post(&operator, "/api/v1/campaigns", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let c: Value = r.json().await.unwrap();
    assert_eq!(c["phase"], "upcoming");
    assert_eq!(srv.get(None, "/api/v1/campaigns/nope").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_campaign_drawn_on_the_map_takes_spots_inside_it_only() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let now = srv.now();
    let fmt = hue_time;
    // A block of streets around the citadel, about 400 m across, drawn corner by corner.
    let (lat, lon) = CITADEL;
    let square = |d: f64| json!([[lat - d, lon - d], [lat - d, lon + d], [lat + d, lon + d], [lat + d, lon - d]]);
    let body = json!({"name": {"vi": "Dọn phố quanh Đại Nội", "en": "Around the citadel"},
                      "starts_at": fmt(now - time::Duration::minutes(5)), "ends_at": fmt(now + time::Duration::hours(2)),
                      "polygon": square(0.002), "categories": ["litter"]});

    // Drawn badly: too few corners, flat, out at sea.
    for polygon in [
        json!([[lat, lon], [lat + 0.001, lon]]),
        json!([[lat, lon], [lat + 0.001, lon], [lat + 0.002, lon]]),
        json!([[17.2, 108.2], [17.2, 108.3], [17.3, 108.3]]),
    ] {
        let mut b = body.clone();
        b["polygon"] = polygon;
        assert_problem(srv.post(&operator, "/api/v1/campaigns", &b).await, StatusCode::UNPROCESSABLE_ENTITY, "bad-area").await;
    }
    let r = srv.post(&operator, "/api/v1/campaigns", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap_or_default());
    let c: Value = r.json().await.unwrap();
    let id = c["id"].as_str().unwrap();
    // Its district, for the residents whose places are there; its ring, closed.
    assert_eq!(c["areas"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect::<Vec<_>>(), vec![HUE]);
    let ring = c["polygon"].as_array().unwrap();
    assert_eq!((ring.len(), ring.first(), ring.last()), (5, ring.first(), ring.first()));

    let resident = srv.device().await;
    assert_eq!(srv.post(&resident, &format!("/api/v1/campaigns/{id}/join"), &json!({})).await.status(), StatusCode::OK);
    assert_eq!(report_spot(&srv, &resident, id, east(CITADEL, 50.0), 1).await.0, StatusCode::CREATED);
    // The same district, a kilometre away: outside what was drawn.
    let (status, problem) = report_spot(&srv, &resident, id, east(CITADEL, 1000.0), 2).await;
    assert_eq!(
        (status, problem["type"].as_str().map(|t| t.ends_with("not-in-campaign"))),
        (StatusCode::UNPROCESSABLE_ENTITY, Some(true)),
        "{problem}"
    );
    assert_eq!(map(&srv, id).await.len(), 1);
}

#[tokio::test]
async fn an_operator_calls_a_campaign_off_and_it_takes_nothing_more() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &["--campaign-sweep-secs", "1"]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let c = announce(&srv, &operator, -10, 180).await;
    let id = c["id"].as_str().unwrap();
    let resident = srv.device().await;
    assert_eq!(srv.post(&resident, &format!("/api/v1/campaigns/{id}/join"), &json!({"new_team": "Tổ 3"})).await.status(), StatusCode::OK);
    let (status, spot) = report_spot(&srv, &resident, id, CITADEL, 1).await;
    assert_eq!(status, StatusCode::CREATED);
    let spot_id = spot["spot"]["id"].as_str().unwrap().to_owned();

    // Only an operator, and only with a reason.
    let cancel = format!("/api/v1/campaigns/{id}/cancel");
    assert_eq!(srv.post(&resident, &cancel, &json!({"reason": "Mưa"})).await.status(), StatusCode::FORBIDDEN);
    assert_problem(srv.post(&operator, &cancel, &json!({"reason": "  "})).await, StatusCode::UNPROCESSABLE_ENTITY, "missing-field").await;
    assert_eq!(srv.post(&operator, &cancel, &json!({})).await.status(), StatusCode::BAD_REQUEST);
    let r = srv.post(&operator, &cancel, &json!({"reason": "Mưa lớn, bão số 9"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let called_off: Value = r.json().await.unwrap();
    assert_eq!((called_off["phase"].as_str(), called_off["cancel_reason"].as_str()), (Some("cancelled"), Some("Mưa lớn, bão số 9")));
    // Again: nothing changes.
    let again: Value = srv.post(&operator, &cancel, &json!({"reason": "Khác"})).await.json().await.unwrap();
    assert_eq!(again["cancel_reason"], "Mưa lớn, bão số 9");

    // Listed as called off; nothing more is taken.
    let listed: Value = srv.get(None, "/api/v1/campaigns").await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().iter().find(|x| x["id"] == id).unwrap()["phase"], "cancelled");
    assert_problem(
        srv.post(&srv.device().await, &format!("/api/v1/campaigns/{id}/join"), &json!({})).await,
        StatusCode::CONFLICT,
        "campaign-cancelled",
    )
    .await;
    let (status, problem) = report_spot(&srv, &resident, id, east(CITADEL, 100.0), 2).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let claim =
        srv.http.post(srv.url(&format!("/api/v1/campaigns/{id}/spots/{spot_id}/claim"))).bearer_auth(&resident).send().await.unwrap();
    assert_problem(claim, StatusCode::CONFLICT, "campaign-cancelled").await;

    // The spot already reported is real litter: it goes to the city.
    let mut handed = None;
    for _ in 0..50 {
        handed = map(&srv, id).await.into_iter().find(|s| s["status"] == "handed_over");
        if handed.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(handed.expect("handed to the city")["report_number"].is_string());
    // A campaign that has ended cannot be called off.
    let ended = announce(&srv, &operator, -120, 60).await;
    assert_problem(
        srv.post(&operator, &format!("/api/v1/campaigns/{}/cancel", ended["id"].as_str().unwrap()), &json!({"reason": "x"})).await,
        StatusCode::CONFLICT,
        "campaign-ended",
    )
    .await;
}

#[tokio::test]
async fn an_operator_moves_a_campaign_not_yet_over() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let c = announce(&srv, &operator, 60, 180).await;
    let id = c["id"].as_str().unwrap();
    let fmt = hue_time;
    let later = srv.now() + time::Duration::days(7);
    let moved = |token: String, starts: time::OffsetDateTime, hours: i64| {
        srv.http
            .patch(srv.url(&format!("/api/v1/campaigns/{id}")))
            .bearer_auth(token)
            .json(&json!({"starts_at": fmt(starts), "ends_at": fmt(starts + time::Duration::hours(hours))}))
            .send()
    };
    assert_eq!(moved(srv.device().await, later, 3).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_problem(moved(operator.clone(), later, -1).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "bad-time").await;
    assert_problem(
        moved(operator.clone(), later - time::Duration::days(30), 3).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad-time",
    )
    .await;

    // A week later, same hours: listed at its new time, still upcoming.
    let r = moved(operator.clone(), later, 3).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let got: Value = srv.get(None, &format!("/api/v1/campaigns/{id}")).await.json().await.unwrap();
    let starts = time::OffsetDateTime::parse(got["starts_at"].as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap();
    assert_eq!(starts.unix_timestamp(), later.unix_timestamp());
    assert_eq!(got["phase"], "upcoming");

    // Called off, it stays where it was.
    assert_eq!(srv.post(&operator, &format!("/api/v1/campaigns/{id}/cancel"), &json!({"reason": "Bão"})).await.status(), StatusCode::OK);
    assert_problem(moved(operator.clone(), later + time::Duration::days(7), 3).await.unwrap(), StatusCode::CONFLICT, "campaign-cancelled")
        .await;
}
