//! The web pages in headless Chromium against the real server, with reports filed through
//! the real core: the public map and figures, and the console where an operator routes a
//! report and publishes a warning and an officer resolves the report, which the public page
//! then shows. The browser's side is `web/tests/browser.mjs` (playwright-core, installed by
//! `scripts/web-assets`); its screenshots go to `web/screens/`.

use std::path::PathBuf;
use std::process::Command;

use civic_tests::{ADMIN, ADMIN_PASSWORD, CITADEL, Device, Server};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_resolves_a_report_in_the_console_and_the_public_page_shows_it() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let script = root.join("web/tests/browser.mjs");
    assert!(
        root.join("web/node_modules/playwright-core").is_dir(),
        "the browser tests' driver is missing: run scripts/web-assets (scripts/test does)"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("server")).await;

    // Three reports from a phone: one at the citadel (the one the officer resolves), two nearby.
    let phone = Device::open(&dir.path().join("phone"), &server.url);
    let places = [CITADEL, (16.4700, 107.5800), (16.4560, 107.5930)];
    for (seed, at) in places.iter().enumerate() {
        phone.capture_at(seed as u32 + 1, *at);
    }
    let outcome = phone.syncer.sync_now().await;
    assert_eq!(outcome.submitted.len(), places.len(), "{outcome:?}");
    let reports = server.public_reports().await;
    let number = reports
        .iter()
        .find(|r| (r["lat"].as_f64(), r["lon"].as_f64()) == (Some(CITADEL.0), Some(CITADEL.1)))
        .and_then(|r| r["public_number"].as_str())
        .expect("the citadel report")
        .to_owned();

    // The unit the officer belongs to: the one litter goes to.
    let catalog: Value =
        server.http.get(format!("{}/api/v1/catalog", server.url)).send().await.expect("catalog").json().await.expect("json");
    let unit = catalog["categories"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["code"] == "litter"))
        .and_then(|c| c["unit"].as_str())
        .expect("litter's unit")
        .to_owned();
    server.officer("phuong-moitruong", &unit).await;

    // A Green Sunday under way: one device reports two spots and cleans one of them.
    let campaign = green_sunday(&server).await;

    // The after-photo: a camera JPEG whose EXIF GPS is at the citadel.
    let after = dir.path().join("after.jpg");
    std::fs::write(&after, civic_core::photo::sample::camera_jpeg(1600, 1200)).expect("write the after-photo");

    let screens = root.join("web/screens");
    let _ = std::fs::remove_dir_all(&screens);
    let mut cmd = Command::new("node");
    // The browser keeps the machine's own clock when the suite runs with its clock moved
    // (scripts/test-shifted-clock): Chromium hangs under libfaketime. The server, in this
    // process, stays on the moved clock.
    cmd.env_remove("LD_PRELOAD").env_remove("FAKETIME");
    cmd.arg(&script)
        .current_dir(root.join("web"))
        .env("CIVIC_URL", &server.url)
        .env("CIVIC_REPORT", &number)
        .env("CIVIC_REPORT_COUNT", places.len().to_string())
        .env("CIVIC_OPERATOR", ADMIN)
        .env("CIVIC_OPERATOR_PASSWORD", ADMIN_PASSWORD)
        .env("CIVIC_OFFICER", "phuong-moitruong")
        .env("CIVIC_OFFICER_PASSWORD", "phuong-moitruong-long-password")
        .env("CIVIC_OFFICER_UNIT", &unit)
        .env("CIVIC_AFTER_PHOTO", &after)
        .env("CIVIC_SCREENS", &screens)
        .env("CIVIC_CAMPAIGN", &campaign);
    let output = tokio::task::spawn_blocking(move || cmd.output()).await.expect("join").expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the browser checks failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("all checks passed"), "{stdout}");
    // The page weights it measured (figures, not assertions): `cargo test -- --nocapture`.
    for line in stdout.lines().filter(|l| l.contains("figure:")) {
        println!("{line}");
    }

    // What the browser did is what the API says now.
    let report: Value =
        server.http.get(format!("{}/api/v1/public/reports/{number}", server.url)).send().await.expect("report").json().await.expect("json");
    assert_eq!(report["status"], "resolved");
    assert_eq!(report["unit"], unit.as_str());
    let notes: Vec<&str> = report["timeline"].as_array().into_iter().flatten().filter_map(|e| e["note"].as_str()).collect();
    assert!(notes.iter().any(|n| n.contains("Đã thu gom")), "{notes:?}");
    let alerts: Value = server.http.get(format!("{}/api/v1/alerts", server.url)).send().await.expect("alerts").json().await.expect("json");
    let published = alerts.to_string();
    assert!(published.contains("Cảnh báo lũ khẩn cấp") && published.contains("Urgent flood warning"), "{published}");
    for name in [
        "public-campaign-vi",
        "public-map-vi",
        "public-figures-vi",
        "console-queue",
        "console-warning-preview",
        "console-report-resolved",
        "public-report-after",
    ] {
        assert!(screens.join(format!("{name}.png")).is_file(), "screenshot {name}");
    }
}

/// A campaign under way with two spots, one cleaned (4.5 kg) by a team; returns its id.
async fn green_sunday(server: &Server) -> String {
    let operator = server.login(civic_tests::ADMIN, civic_tests::ADMIN_PASSWORD).await;
    let now = time::OffsetDateTime::now_utc();
    let fmt = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let campaign = server
        .post(
            &operator,
            "/api/v1/campaigns",
            serde_json::json!({
            "name": {"vi": "Chủ nhật xanh tháng 11", "en": "Green Sunday, November"},
            "starts_at": fmt(now - time::Duration::minutes(30)), "ends_at": fmt(now + time::Duration::hours(2)),
            "areas": ["19753"], "categories": ["litter"], "goal_spots": 50}),
        )
        .await;
    let id = campaign["id"].as_str().expect("campaign id").to_owned();
    let device: Value =
        server.http.post(format!("{}/api/v1/devices", server.url)).json(&serde_json::json!({})).send().await.unwrap().json().await.unwrap();
    let token = device["token"].as_str().expect("token").to_owned();
    server.post(&token, &format!("/api/v1/campaigns/{id}/join"), serde_json::json!({"new_team": "Đoàn phường Phú Xuân"})).await;
    let upload = |bytes: Vec<u8>| {
        let (server, token) = (&server, token.clone());
        async move {
            use sha2::Digest;
            let hash: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            let r = server.http.put(format!("{}/api/v1/photos/{hash}", server.url)).bearer_auth(token).body(bytes).send().await.unwrap();
            assert!(r.status().is_success());
            hash
        }
    };
    let fix = |p: (f64, f64)| serde_json::json!({"lat": p.0, "lon": p.1, "accuracy_m": 5.0, "source": "gps", "fixed_at": fmt(time::OffsetDateTime::now_utc())});
    let spots = [(CITADEL, 101u32), ((16.4662, 107.5850), 102u32)];
    let mut first = String::new();
    for (i, (at, seed)) in spots.into_iter().enumerate() {
        let photo = upload(civic_tests::photo(seed)).await;
        let spot_id = format!("0192f3a0-0000-7000-8000-{seed:012x}");
        server
            .post(
                &token,
                &format!("/api/v1/campaigns/{id}/spots"),
                serde_json::json!({"id": spot_id, "category": "litter", "location": fix(at), "photo": photo}),
            )
            .await;
        if i == 0 {
            first = spot_id;
        }
    }
    let after = upload(civic_tests::photo(103)).await;
    server
        .post(
            &token,
            &format!("/api/v1/campaigns/{id}/spots/{first}/clean"),
            serde_json::json!({"photo": after, "photo_location": fix(CITADEL), "kg": 4.5}),
        )
        .await;
    id
}
