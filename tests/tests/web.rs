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
    let catalog: Value = server.http.get(format!("{}/api/v1/catalog", server.url)).send().await.expect("catalog").json().await.expect("json");
    let unit = catalog["categories"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["code"] == "litter"))
        .and_then(|c| c["unit"].as_str())
        .expect("litter's unit")
        .to_owned();
    server.officer("phuong-moitruong", &unit).await;

    // The after-photo: a camera JPEG whose EXIF GPS is at the citadel.
    let after = dir.path().join("after.jpg");
    std::fs::write(&after, civic_core::photo::sample::camera_jpeg(1600, 1200)).expect("write the after-photo");

    let screens = root.join("web/screens");
    let _ = std::fs::remove_dir_all(&screens);
    let mut cmd = Command::new("node");
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
        .env("CIVIC_SCREENS", &screens);
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
    let report: Value = server
        .http
        .get(format!("{}/api/v1/public/reports/{number}", server.url))
        .send()
        .await
        .expect("report")
        .json()
        .await
        .expect("json");
    assert_eq!(report["status"], "resolved");
    assert_eq!(report["unit"], unit.as_str());
    let notes: Vec<&str> = report["timeline"].as_array().into_iter().flatten().filter_map(|e| e["note"].as_str()).collect();
    assert!(notes.iter().any(|n| n.contains("Đã thu gom")), "{notes:?}");
    let alerts: Value = server.http.get(format!("{}/api/v1/alerts", server.url)).send().await.expect("alerts").json().await.expect("json");
    let published = alerts.to_string();
    assert!(published.contains("Cảnh báo lũ khẩn cấp") && published.contains("Urgent flood warning"), "{published}");
    for name in ["public-map-vi", "public-figures-vi", "console-queue", "console-warning-preview", "console-report-resolved", "public-report-after"] {
        assert!(screens.join(format!("{name}.png")).is_file(), "screenshot {name}");
    }
}
