//! The server driven over HTTP as citizens and officials would.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::tempdir;

#[tokio::test]
async fn a_citizen_reports_the_right_officer_resolves_it_and_the_citizen_rates_it() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(2400, 1800, 1)).await;
    let report = litter_report(CITADEL, vec![photo.clone()]);
    let receipt = srv.submit(&citizen, &report).await;
    assert!(receipt.public_number.starts_with("HUE-2026-") || receipt.public_number.starts_with("HUE-20"));
    assert_eq!(receipt.unit, PHU_XUAN_COMMITTEE, "litter goes to the ward's People's Committee");
    assert_eq!(receipt.ward.as_ref().map(|w| (w.code.as_str(), w.name.vi.as_str())), Some(("19753", "Phường Phú Xuân")));

    // The stored photo was processed again: long edge 1600, no metadata.
    let served = srv.get(None, &format!("/api/v1/photos/{photo}")).await.bytes().await.unwrap();
    let img = image::load_from_memory(&served).unwrap();
    assert_eq!((img.width(), img.height()), (1600, 1200));
    assert!(!served.windows(4).any(|w| w == b"Exif"));

    let officer = srv.officer("sanitation-1", &[PHU_XUAN_COMMITTEE]).await;
    let inbox: Value = srv.get(Some(&officer), "/api/v1/work/inbox").await.json().await.unwrap();
    assert_eq!(inbox["items"][0]["public_number"], receipt.public_number.as_str());

    let path = format!("/api/v1/reports/{}/status", report.id);
    let r = srv.post(&officer, &path, &json!({"to": "in_progress", "note": "Đội vệ sinh đang đến"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let after = srv.upload(&officer, &jpeg(1200, 900, 2)).await;
    let near = json!({"lat": CITADEL.0 + 0.0002, "lon": CITADEL.1, "accuracy_m": 5.0, "source": "gps", "fixed_at": hue_time(time::OffsetDateTime::now_utc())});
    let r = srv.post(&officer, &path, &json!({"to": "resolved", "note": "Đã thu gom sạch", "photo": after, "photo_location": near})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap_or_default());

    // The citizen sees the outcome, with the after-photo, and rates it.
    let mine: Value = srv.get(Some(&citizen), &format!("/api/v1/reports/{}", report.id)).await.json().await.unwrap();
    assert_eq!(mine["status"], "resolved");
    let timeline = mine["timeline"].as_array().unwrap();
    assert_eq!(timeline.iter().filter_map(|e| e["status"].as_str()).collect::<Vec<_>>(), ["received", "in_progress", "resolved"]);
    assert_eq!(timeline[2]["photo"], after.as_str());
    let r = srv.post(&citizen, &format!("/api/v1/reports/{}/rating", report.id), &json!({"stars": 5, "comment": "Nhanh!"})).await;
    assert_eq!(r.status(), StatusCode::OK);

    // The public sees the outcome and the rating, and nothing about who reported it.
    let public = srv.get(None, &format!("/api/v1/public/reports/{}", receipt.public_number)).await.text().await.unwrap();
    let v: Value = serde_json::from_str(&public).unwrap();
    assert_eq!(v["status"], "resolved");
    assert_eq!(v["rating"], 5);
    assert!(v["hours_to_outcome"].as_f64().is_some());
    for private in ["device", "token", "anonymous", "answers", "accuracy", "sanitation-1"] {
        assert!(!public.contains(private), "public view shows {private}: {public}");
    }
    let stats: Value = srv.get(None, "/api/v1/public/stats").await.json().await.unwrap();
    let litter = stats["by_category"].as_array().unwrap().iter().find(|f| f["key"] == "litter").unwrap().clone();
    assert_eq!((litter["received"].as_u64(), litter["resolved"].as_u64(), litter["satisfaction"].as_f64()), (Some(1), Some(1), Some(5.0)));
}

#[tokio::test]
async fn an_officer_of_another_unit_is_refused() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 3)).await;
    let report = litter_report(CITADEL, vec![photo]);
    srv.submit(&citizen, &report).await;
    let roads = srv.officer("roads-1", &["giao-thong"]).await;
    let r = srv.post(&roads, &format!("/api/v1/reports/{}/status", report.id), &json!({"to": "in_progress"})).await;
    assert_problem(r, StatusCode::NOT_FOUND, "not-found").await;
    let r = srv.get(Some(&roads), &format!("/api/v1/reports/{}", report.id)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let inbox: Value = srv.get(Some(&roads), "/api/v1/work/inbox").await.json().await.unwrap();
    assert!(inbox["items"].as_array().unwrap().is_empty());
    // Another citizen cannot read it either, nor act as an official.
    let other = srv.device().await;
    assert_eq!(srv.get(Some(&other), &format!("/api/v1/reports/{}", report.id)).await.status(), StatusCode::NOT_FOUND);
    let r = srv.post(&other, &format!("/api/v1/reports/{}/status", report.id), &json!({"to": "resolved"})).await;
    assert_problem(r, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn the_same_report_sent_twenty_times_at_once_exists_once() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 4)).await;
    let report = litter_report(CITADEL, vec![photo]);
    let sends = (0..20).map(|_| {
        let req = srv.http.post(srv.url("/api/v1/reports")).bearer_auth(&citizen).json(&report);
        async move { req.send().await.unwrap() }
    });
    let responses = futures_join_all(sends).await;
    let mut numbers = std::collections::BTreeSet::new();
    let mut created = 0;
    for r in responses {
        assert!(r.status().is_success());
        created += usize::from(r.status() == StatusCode::CREATED);
        let v: Value = r.json().await.unwrap();
        numbers.insert(v["public_number"].as_str().unwrap().to_owned());
    }
    assert_eq!(created, 1, "exactly one request created it");
    assert_eq!(numbers.len(), 1, "every answer names the same report");
    let list: Value = srv.get(None, "/api/v1/public/reports").await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // The same id with a different body is a conflict, not a second report.
    let mut changed = report.clone();
    changed.description = "something else".into();
    let r = srv.http.post(srv.url("/api/v1/reports")).bearer_auth(&citizen).json(&changed).send().await.unwrap();
    assert_problem(r, StatusCode::CONFLICT, "id-reused").await;
}

async fn futures_join_all<F: std::future::Future + Send + 'static>(fs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = fs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_killed_server_restarted_on_the_same_data_has_every_acknowledged_report() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let mut acknowledged = Vec::new();
    for i in 0..15 {
        let photo = srv.upload(&citizen, &jpeg(320, 240, 100 + i)).await;
        let receipt = srv.submit(&citizen, &litter_report(CITADEL, vec![photo.clone()])).await;
        acknowledged.push((receipt, photo));
    }
    srv.kill();
    let srv = TestServer::start(dir.path(), &[]);
    for (receipt, photo) in &acknowledged {
        let r = srv.get(None, &format!("/api/v1/public/reports/{}", receipt.public_number)).await;
        assert_eq!(r.status(), StatusCode::OK, "{} lost", receipt.public_number);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["photos"][0], photo.as_str());
        assert_eq!(srv.get(None, &format!("/api/v1/photos/{photo}")).await.status(), StatusCode::OK);
    }
    // The device's token survived too, and numbering continues.
    let photo = srv.upload(&citizen, &jpeg(320, 240, 999)).await;
    let next = srv.submit(&citizen, &litter_report(CITADEL, vec![photo])).await;
    assert!(next.public_number.ends_with("000016"), "{}", next.public_number);
}

#[tokio::test]
async fn bad_input_gets_a_clear_problem_and_nothing_is_stored() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &["--max-body-bytes", "3000000"]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 5)).await;
    let good = serde_json::to_value(litter_report(CITADEL, vec![photo.clone()])).unwrap();
    let post_raw = |body: String| {
        srv.http.post(srv.url("/api/v1/reports")).bearer_auth(&citizen).header("content-type", "application/json").body(body).send()
    };
    assert_problem(post_raw("{\"id\": ".into()).await.unwrap(), StatusCode::BAD_REQUEST, "malformed-json").await;
    let mut wrong_type = good.clone();
    wrong_type["location"]["lat"] = json!("north");
    assert_problem(post_raw(wrong_type.to_string()).await.unwrap(), StatusCode::BAD_REQUEST, "malformed-json").await;
    let mut unknown = good.clone();
    unknown["priority"] = json!("urgent");
    assert_problem(post_raw(unknown.to_string()).await.unwrap(), StatusCode::BAD_REQUEST, "malformed-json").await;
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("category");
    assert_problem(post_raw(missing.to_string()).await.unwrap(), StatusCode::BAD_REQUEST, "malformed-json").await;
    let mut sea = good.clone();
    sea["location"]["lat"] = json!(16.60);
    sea["location"]["lon"] = json!(107.80);
    let p = assert_problem(post_raw(sea.to_string()).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "outside-service-area").await;
    assert!(p["detail"].as_str().unwrap().contains("outside"));
    let mut unknown_cat = good.clone();
    unknown_cat["category"] = json!("unicorns");
    assert_problem(post_raw(unknown_cat.to_string()).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "unknown-category").await;
    let mut no_answer = good.clone();
    no_answer["answers"] = json!({});
    assert_problem(post_raw(no_answer.to_string()).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "bad-answer").await;
    let mut long = good.clone();
    long["description"] = json!("x".repeat(5000));
    assert_problem(post_raw(long.to_string()).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "too-long").await;
    let mut no_photo = good.clone();
    no_photo["photos"] = json!(["0".repeat(64)]);
    assert_problem(post_raw(no_photo.to_string()).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "photo-missing").await;
    // A second photo missing (found only once the report is written) or one photo twice.
    for photos in [json!([photo, "1".repeat(64)]), json!([photo, photo])] {
        let mut refused = good.clone();
        refused["photos"] = photos;
        assert_problem(post_raw(refused.to_string()).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "photo-missing").await;
    }

    // Photos: empty, not an image, too large a body, a decompression bomb, a lying hash.
    assert_problem(srv.put_photo(&citizen, &sha256(b""), vec![]).await, StatusCode::UNPROCESSABLE_ENTITY, "photo-empty").await;
    let html = b"<html>hello</html>".to_vec();
    assert_problem(srv.put_photo(&citizen, &sha256(&html), html).await, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type").await;
    let huge = vec![0u8; 3_500_000];
    assert_problem(srv.put_photo(&citizen, &sha256(&huge), huge).await, StatusCode::PAYLOAD_TOO_LARGE, "too-large").await;
    let bomb = png_header_only(100_000, 100_000);
    assert_problem(srv.put_photo(&citizen, &sha256(&bomb), bomb).await, StatusCode::PAYLOAD_TOO_LARGE, "too-large").await;
    let real = jpeg(64, 64, 6);
    assert_problem(srv.put_photo(&citizen, &"a".repeat(64), real).await, StatusCode::BAD_REQUEST, "hash-mismatch").await;

    // Tokens: forged, missing; someone else's report.
    let forged = srv.http.get(srv.url("/api/v1/reports/mine")).bearer_auth("d.forged-token").send().await.unwrap();
    assert_problem(forged, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let none = srv.http.get(srv.url("/api/v1/reports/mine")).send().await.unwrap();
    assert_problem(none, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let receipt = srv.submit(&citizen, &litter_report(CITADEL, vec![photo])).await;
    assert!(receipt.public_number.ends_with("-000001"), "the refused reports took no number: {}", receipt.public_number);
    let stranger = srv.device().await;
    let r = srv.get(Some(&stranger), &format!("/api/v1/reports/{}", receipt.id)).await;
    assert_problem(r, StatusCode::NOT_FOUND, "not-found").await;
    let r = srv.get(Some(&citizen), "/api/v1/reports/not-a-uuid").await;
    assert_problem(r, StatusCode::BAD_REQUEST, "bad-path").await;

    // Of all that, exactly the one good report is stored.
    let list: Value = srv.get(None, "/api/v1/public/reports").await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

/// A PNG that declares `w`x`h` pixels and holds almost nothing: a decompression bomb's header.
fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc_input = kind.to_vec();
        crc_input.extend(data);
        out.extend(kind);
        out.extend(data);
        out.extend(crc32(&crc_input).to_be_bytes());
    }
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(&mut out, b"IEND", &[]);
    out
}

#[tokio::test]
async fn the_lifecycle_rules_are_enforced_with_the_rule_that_was_broken() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 7)).await;
    let report = litter_report(CITADEL, vec![photo.clone()]);
    let receipt = srv.submit(&citizen, &report).await;
    let officer = srv.officer("sanitation-2", &[PHU_XUAN_COMMITTEE]).await;
    let path = format!("/api/v1/reports/{}/status", report.id);

    assert_problem(srv.post(&officer, &path, &json!({"to": "rejected"})).await, StatusCode::UNPROCESSABLE_ENTITY, "reason-required").await;
    assert_problem(
        srv.post(&officer, &path, &json!({"to": "resolved", "note": "done"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "after-photo-required",
    )
    .await;
    let far =
        json!({"lat": 16.50, "lon": 107.60, "accuracy_m": 5.0, "source": "gps", "fixed_at": hue_time(time::OffsetDateTime::now_utc())});
    let r = srv.post(&officer, &path, &json!({"to": "resolved", "note": "done", "photo": photo, "photo_location": far})).await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "after-photo-too-far").await;
    assert_problem(srv.post(&officer, &path, &json!({"to": "received"})).await, StatusCode::CONFLICT, "illegal-transition").await;
    let r = srv.post(&officer, &path, &json!({"to": "assigned", "unit": "giao-thong"})).await;
    assert_problem(r, StatusCode::FORBIDDEN, "forbidden").await;

    // Rejected with a reason; then the citizen reopens it within the window.
    assert_eq!(srv.post(&officer, &path, &json!({"to": "rejected", "note": "Không phải rác thải"})).await.status(), StatusCode::OK);
    let r = srv.post(&officer, &path, &json!({"to": "in_progress"})).await;
    let p = assert_problem(r, StatusCode::CONFLICT, "illegal-transition").await;
    assert!(p["detail"].as_str().unwrap().contains("rejected"));
    let reopen = format!("/api/v1/reports/{}/reopen", report.id);
    assert_problem(srv.post(&citizen, &reopen, &json!({"reason": "  "})).await, StatusCode::UNPROCESSABLE_ENTITY, "missing-field").await;
    let r = srv.post(&citizen, &reopen, &json!({"reason": "Rác vẫn còn nguyên"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "reopened");
    assert_eq!(v["flagged"], true, "a reopened report is flagged for the operations centre");

    // Rating: only after an outcome; a low one flags the report.
    let rate = format!("/api/v1/reports/{}/rating", report.id);
    assert_problem(srv.post(&citizen, &rate, &json!({"stars": 4})).await, StatusCode::CONFLICT, "not-rateable").await;
    let after = srv.upload(&officer, &jpeg(640, 480, 8)).await;
    let near = json!({"lat": CITADEL.0, "lon": CITADEL.1, "accuracy_m": 5.0, "source": "gps", "fixed_at": hue_time(time::OffsetDateTime::now_utc())});
    let r = srv.post(&officer, &path, &json!({"to": "resolved", "note": "Đã thu gom", "photo": after, "photo_location": near})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_problem(srv.post(&citizen, &rate, &json!({"stars": 9})).await, StatusCode::UNPROCESSABLE_ENTITY, "bad-rating").await;
    let v: Value = srv.post(&citizen, &rate, &json!({"stars": 1, "comment": "Chưa sạch"})).await.json().await.unwrap();
    assert_eq!(v["rating"]["stars"], 1);
    assert_problem(srv.post(&citizen, &rate, &json!({"stars": 2})).await, StatusCode::CONFLICT, "already-rated").await;
    let public: Value = srv.get(None, &format!("/api/v1/public/reports/{}", receipt.public_number)).await.json().await.unwrap();
    assert_eq!(public["status"], "resolved");
}

#[tokio::test]
async fn nearby_open_reports_of_the_same_category_are_offered_and_me_too_counts_once() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let first = srv.device().await;
    let photo = srv.upload(&first, &jpeg(640, 480, 9)).await;
    let report = litter_report(CITADEL, vec![photo]);
    srv.submit(&first, &report).await;
    let q = |lat: f64, cat: &str| format!("/api/v1/reports/nearby?lat={lat}&lon={}&category={cat}", CITADEL.1);
    let near: Value = srv.get(None, &q(CITADEL.0 + 0.0003, "litter")).await.json().await.unwrap();
    assert_eq!(near.as_array().unwrap().len(), 1, "33 m away: offered");
    assert!(near[0]["distance_m"].as_f64().unwrap() < 50.0);
    let far: Value = srv.get(None, &q(CITADEL.0 + 0.001, "litter")).await.json().await.unwrap();
    assert!(far.as_array().unwrap().is_empty(), "110 m away: not the same spot");
    let other: Value = srv.get(None, &q(CITADEL.0, "pothole")).await.json().await.unwrap();
    assert!(other.as_array().unwrap().is_empty(), "another category is another problem");
    let second = srv.device().await;
    let support = format!("/api/v1/reports/{}/support", report.id);
    for _ in 0..3 {
        assert_eq!(srv.post(&second, &support, &json!({})).await.status(), StatusCode::NO_CONTENT);
    }
    let v: Value = srv.get(Some(&first), &format!("/api/v1/reports/{}", report.id)).await.json().await.unwrap();
    assert_eq!(v["supporters"], 1);
}

#[tokio::test]
async fn a_device_pulls_its_changes_in_order_and_bad_cursors_are_refused() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let other = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 10)).await;
    let report = litter_report(CITADEL, vec![photo.clone()]);
    srv.submit(&citizen, &report).await;
    srv.submit(&other, &litter_report(CITADEL, vec![photo])).await;
    let batch: Value = srv.get(Some(&citizen), "/api/v1/sync").await.json().await.unwrap();
    let changes = batch["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "only this device's report: {batch}");
    assert_eq!(changes[0]["id"], report.id.to_string());
    assert_eq!(changes[0]["events"][0]["status"], "received");
    let cursor = batch["cursor"].as_str().unwrap().to_owned();
    let again: Value = srv.get(Some(&citizen), &format!("/api/v1/sync?cursor={cursor}")).await.json().await.unwrap();
    assert!(again["changes"].as_array().unwrap().is_empty(), "nothing new: nothing sent twice");
    let officer = srv.officer("sanitation-3", &[PHU_XUAN_COMMITTEE]).await;
    srv.post(&officer, &format!("/api/v1/reports/{}/status", report.id), &json!({"to": "in_progress"})).await;
    let next: Value = srv.get(Some(&citizen), &format!("/api/v1/sync?cursor={cursor}")).await.json().await.unwrap();
    assert_eq!(next["changes"][0]["status"], "in_progress");
    assert_eq!(next["changes"][0]["events"].as_array().unwrap().len(), 1);
    assert_problem(srv.get(Some(&citizen), "/api/v1/sync?cursor=garbage").await, StatusCode::BAD_REQUEST, "bad-cursor").await;
    assert_problem(srv.get(Some(&citizen), "/api/v1/sync?cursor=c999999").await, StatusCode::BAD_REQUEST, "bad-cursor").await;
}

#[tokio::test]
async fn a_caller_over_its_request_budget_gets_429_with_retry_after() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &["--requests-per-minute", "60"]);
    let citizen = srv.device().await;
    let mut limited = None;
    for _ in 0..30 {
        let r = srv.get(Some(&citizen), "/api/v1/reports/mine").await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
    }
    let r = limited.expect("the burst is 10 requests; 30 must hit the limit");
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_problem(r, StatusCode::TOO_MANY_REQUESTS, "rate-limited").await;
    // Another caller is not affected; health checks never are.
    let other = srv.device().await;
    assert_eq!(srv.get(Some(&other), "/api/v1/reports/mine").await.status(), StatusCode::OK);
    assert_eq!(srv.get(None, "/healthz").await.status(), StatusCode::OK);
    let metrics = srv.get(None, "/metrics").await.text().await.unwrap();
    assert!(metrics.lines().any(|l| l.starts_with("civic_rate_limited_total ") && !l.ends_with(" 0")), "{metrics}");
}

#[tokio::test]
async fn the_demo_flag_seeds_a_living_city() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &["--demo"]);
    let list: Value = srv.get(None, "/api/v1/public/reports").await.json().await.unwrap();
    let statuses: std::collections::BTreeSet<_> =
        list["items"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap().to_owned()).collect();
    for s in ["received", "assigned", "in_progress", "resolved", "rejected"] {
        assert!(statuses.contains(s), "no demo report is {s}: {statuses:?}");
    }
    // Lived-in: outcomes took hours, and some open reports are already overdue.
    let resolved = list["items"].as_array().unwrap().iter().find(|r| r["status"] == "resolved").unwrap().clone();
    assert!(resolved["hours_to_outcome"].as_f64().unwrap() >= 1.0, "{resolved}");
    let stats: Value = srv.get(None, "/api/v1/public/stats").await.json().await.unwrap();
    let overdue: u64 = stats["by_unit"].as_array().unwrap().iter().map(|f| f["overdue"].as_u64().unwrap()).sum();
    assert!(overdue > 0, "{stats}");
    // Restarting with --demo again does not double the data.
    srv.kill();
    let srv = TestServer::start(dir.path(), &["--demo"]);
    let again: Value = srv.get(None, "/api/v1/public/reports").await.json().await.unwrap();
    assert_eq!(again["items"].as_array().unwrap().len(), list["items"].as_array().unwrap().len());
}

#[tokio::test]
async fn an_expired_official_session_is_refused() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let officer = srv.officer("sanitation-4", &[PHU_XUAN_COMMITTEE]).await;
    assert_eq!(srv.get(Some(&officer), "/api/v1/work/inbox").await.status(), StatusCode::OK);
    // Eleven hours on, the session still holds; thirteen hours on, it has ended.
    srv.advance_clock(time::Duration::hours(11));
    assert_eq!(srv.get(Some(&officer), "/api/v1/work/inbox").await.status(), StatusCode::OK);
    srv.advance_clock(time::Duration::hours(2));
    let r = srv.get(Some(&officer), "/api/v1/work/inbox").await;
    assert_problem(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let wrong = srv
        .http
        .post(srv.url("/api/v1/auth/login"))
        .json(&json!({"username": "sanitation-4", "password": "guess-guess-guess"}))
        .send()
        .await
        .unwrap();
    assert_problem(wrong, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn the_operations_centre_routes_marks_duplicates_and_officers_use_templates() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await; // the first admin is also an operator
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 11)).await;
    let original = srv.submit(&citizen, &litter_report(CITADEL, vec![photo.clone()])).await;
    let copy = litter_report(CITADEL, vec![photo]);
    srv.submit(&citizen, &copy).await;

    // Routed to roads by the operations centre: the roads officer now sees it, sanitation not.
    let path = format!("/api/v1/reports/{}/status", original.id);
    let r = srv.post(&operator, &path, &json!({"to": "assigned", "unit": "giao-thong"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let roads = srv.officer("roads-2", &["giao-thong"]).await;
    let inbox: Value = srv.get(Some(&roads), "/api/v1/work/inbox").await.json().await.unwrap();
    assert_eq!(inbox["items"].as_array().unwrap().len(), 1);
    assert_eq!(inbox["items"][0]["unit"], "giao-thong");
    let r = srv.post(&operator, &path, &json!({"to": "assigned", "unit": "no-such-unit"})).await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "unknown-unit").await;

    // The copy is a duplicate of the original, linked by its public number.
    let dup = format!("/api/v1/reports/{}/status", copy.id);
    assert_problem(srv.post(&operator, &dup, &json!({"to": "duplicate"})).await, StatusCode::UNPROCESSABLE_ENTITY, "original-required")
        .await;
    let r = srv.post(&operator, &dup, &json!({"to": "duplicate", "duplicate_of": original.public_number})).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "duplicate");
    assert_eq!(v["timeline"].as_array().unwrap().last().unwrap()["duplicate_of"], original.id.to_string());

    // Templates: officers read them, the operations centre adds them; citizens may not.
    let list: Value = srv.get(Some(&roads), "/api/v1/reply-templates").await.json().await.unwrap();
    assert!(list.as_array().unwrap().len() >= 3);
    assert!(!list[0]["text"]["vi"].as_str().unwrap().is_empty() && !list[0]["text"]["en"].as_str().unwrap().is_empty());
    let t = json!({"title": {"vi": "Cần thêm ảnh", "en": "More photos"}, "text": {"vi": "Vui lòng gửi thêm ảnh.", "en": "Please send more photos."}});
    assert_eq!(srv.post(&operator, "/api/v1/reply-templates", &t).await.status(), StatusCode::CREATED);
    assert_problem(srv.post(&roads, "/api/v1/reply-templates", &t).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(srv.get(Some(&citizen), "/api/v1/reply-templates").await.status(), StatusCode::FORBIDDEN);
    let text = list[0]["text"]["vi"].as_str().unwrap();
    let r = srv.post(&roads, &format!("/api/v1/reports/{}/replies", original.id), &json!({"text": text})).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["timeline"].as_array().unwrap().last().unwrap()["note"], text);
}

#[tokio::test]
async fn a_report_can_be_reopened_only_within_fourteen_days_of_its_outcome() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 12)).await;
    let report = litter_report(CITADEL, vec![photo]);
    srv.submit(&citizen, &report).await;
    let officer = srv.officer("sanitation-5", &[PHU_XUAN_COMMITTEE]).await;
    let path = format!("/api/v1/reports/{}/status", report.id);
    assert_eq!(srv.post(&officer, &path, &json!({"to": "rejected", "note": "Đã được xử lý trước đó"})).await.status(), StatusCode::OK);
    let reopen_path = format!("/api/v1/reports/{}/reopen", report.id);
    // Thirteen days on: reopened. The city answers again, and fifteen days pass.
    srv.advance_clock(time::Duration::days(13));
    let r = srv.post(&citizen, &reopen_path, &json!({"reason": "Vẫn còn rác"})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap_or_default());
    let officer = srv.officer("sanitation-6", &[PHU_XUAN_COMMITTEE]).await;
    let r = srv.post(&officer, &path, &json!({"to": "rejected", "note": "Đã kiểm tra lại: khu vực sạch"})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap_or_default());
    srv.advance_clock(time::Duration::days(15));
    let r = srv.post(&citizen, &reopen_path, &json!({"reason": "Lại có rác"})).await;
    assert_problem(r, StatusCode::CONFLICT, "reopen-window-closed").await;
}

#[tokio::test]
async fn the_server_stops_gracefully_on_sigterm() {
    let dir = tempdir().unwrap();
    let mut srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let pid = srv.child.id().to_string();
    let status = std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let exit = srv.child.wait().unwrap();
    assert!(exit.success(), "exit status {exit}");
    // Its data is intact for the next start: the device can still sign requests.
    drop(srv);
    let srv = TestServer::start(dir.path(), &[]);
    assert_eq!(srv.get(Some(&citizen), "/api/v1/reports/mine").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_report_goes_to_its_wards_committee_or_the_city_wide_unit_of_its_category() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 13)).await;
    // Litter is the ward's (or commune's) business: Phú Xuân's by the citadel, Phú Bài's at the airport.
    let in_city = srv.submit(&citizen, &litter_report(CITADEL, vec![photo.clone()])).await;
    let phu_bai = srv.submit(&citizen, &litter_report((16.4015, 107.7026), vec![photo.clone()])).await;
    assert_eq!((in_city.unit.as_str(), in_city.ward.unwrap().code.as_str()), ("ubnd-19753", "19753"));
    assert_eq!((phu_bai.unit.as_str(), phu_bai.ward.unwrap().name.vi.as_str()), ("ubnd-19960", "Phường Phú Bài"));
    // A pothole is the road unit's, wherever it is.
    let mut pothole = litter_report((16.4015, 107.7026), vec![photo]);
    pothole.category = "pothole".into();
    pothole.answers = [("size", "small"), ("danger", "no")]
        .into_iter()
        .map(|(q, v)| (q.to_owned(), civic_core::model::AnswerValue::Choice(v.to_owned())))
        .collect();
    let receipt = srv.submit(&citizen, &pothole).await;
    assert_eq!(receipt.unit, "giao-thong");
    // The committees are units of the catalog, named after their wards.
    let catalog: Value = srv.get(None, "/api/v1/catalog").await.json().await.unwrap();
    let committee = catalog["units"].as_array().unwrap().iter().find(|u| u["code"] == "ubnd-19960").unwrap().clone();
    assert_eq!(committee["name"]["vi"], "Ủy ban nhân dân Phường Phú Bài");
    assert_eq!(committee["ward"], "19960");
}

#[tokio::test]
async fn a_citizens_name_and_contact_reach_only_the_officials_of_a_named_report() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let me = |body: Value| srv.http.put(srv.url("/api/v1/me")).bearer_auth(&citizen).json(&body).send();
    let r = me(json!({"display_name": "Nguyễn Thị Hoa", "phone": "0905123456", "email": "hoa@example.vn"})).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_problem(me(json!({"phone": "0".repeat(40)})).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "too-long").await;
    assert_problem(me(json!({"nickname": "Hoa"})).await.unwrap(), StatusCode::BAD_REQUEST, "malformed-json").await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 14)).await;
    let receipt = srv.submit(&citizen, &litter_report(CITADEL, vec![photo])).await;
    let officer = srv.officer("sanitation-6", &[PHU_XUAN_COMMITTEE]).await;
    // The public never sees who reported it.
    for path in [format!("/api/v1/public/reports/{}", receipt.public_number), "/api/v1/public/reports".to_owned()] {
        let body = srv.get(None, &path).await.text().await.unwrap();
        for private in ["Nguyễn Thị Hoa", "0905123456", "hoa@example.vn"] {
            assert!(!body.contains(private), "{path} shows {private}");
        }
    }
    // The officials handling it do, to call the citizen back: the report is not anonymous.
    let seen: Value = srv.get(Some(&officer), &format!("/api/v1/reports/{}", receipt.id)).await.json().await.unwrap();
    assert_eq!(seen["reporter"], json!({"display_name": "Nguyễn Thị Hoa", "phone": "0905123456", "email": "hoa@example.vn"}));
    let inbox = srv.get(Some(&officer), "/api/v1/work/inbox").await.text().await.unwrap();
    assert!(inbox.contains("0905123456"));
    // An anonymous report names nobody, even to them.
    let photo = srv.upload(&citizen, &jpeg(640, 480, 15)).await;
    let mut hidden = litter_report(CITADEL, vec![photo]);
    hidden.anonymous = true;
    let receipt = srv.submit(&citizen, &hidden).await;
    let body = srv.get(Some(&officer), &format!("/api/v1/reports/{}", receipt.id)).await.text().await.unwrap();
    assert!(!body.contains("Nguyễn Thị Hoa") && !body.contains("0905123456"), "{body}");
}

#[tokio::test]
async fn a_server_busy_with_photos_says_so_and_when_to_come_back() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &["--photo-workers", "1", "--photo-queue-wait-ms", "1"]);
    let citizen = srv.device().await;
    let photos: Vec<Vec<u8>> = (0..8).map(|i| jpeg(2400, 1800, 200 + i)).collect();
    let sends = photos.iter().map(|p| {
        let req = srv
            .http
            .put(srv.url(&format!("/api/v1/photos/{}", sha256(p))))
            .bearer_auth(&citizen)
            .header("content-type", "image/jpeg")
            .body(p.clone());
        async move { req.send().await.unwrap() }
    });
    let mut busy = None;
    for r in futures_join_all(sends).await {
        if r.status() == StatusCode::SERVICE_UNAVAILABLE {
            busy = Some(r);
        } else {
            assert!(r.status().is_success(), "{}", r.status());
        }
    }
    let r = busy.expect("eight 4-megapixel photos at once, one decoding slot, 1 ms of patience: some must be turned away");
    assert_eq!(r.headers()["retry-after"], "5");
    assert_problem(r, StatusCode::SERVICE_UNAVAILABLE, "busy").await;
    // Coming back later works: nothing was half-stored.
    for p in &photos {
        srv.upload(&citizen, p).await;
    }
}
