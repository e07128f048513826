//! The phone's app is killed at each step of a send (after the local commit, in the middle
//! of a photo upload, after the server committed but before the acknowledgement was
//! stored) and started again: nothing is lost, nothing is duplicated.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use civic_core::model::ReportId;
use civic_tests::proxy::{TapEvent, start_tapped};
use civic_tests::*;
use tempfile::tempdir;

const DIR: &str = "CIVIC_PHONE_DIR";
const URL: &str = "CIVIC_PHONE_SERVER";
const MODE: &str = "CIVIC_PHONE_MODE";

/// The phone's app, as a process of its own: `capture` queues one report and waits to be
/// killed; `sync` syncs until killed (or until the outbox is empty).
#[test]
#[ignore = "started as the phone's app by the test below"]
fn phone_app() {
    let (Some(dir), Some(url), Some(mode)) = (std::env::var_os(DIR), std::env::var(URL).ok(), std::env::var(MODE).ok()) else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let phone = Device::open(std::path::Path::new(&dir), &url);
    match mode.as_str() {
        "capture" => {
            let seed = std::env::var("CIVIC_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
            let id = phone.capture(seed);
            println!("QUEUED {id}");
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
        _ => rt.block_on(async {
            loop {
                phone.syncer.retry_now().unwrap();
                let out = phone.syncer.sync_now().await;
                for id in &out.submitted {
                    println!("SUBMITTED {id}");
                }
                if phone.civic.outbox().unwrap().waiting == 0 {
                    println!("DONE");
                    return;
                }
            }
        }),
    }
}

fn start_phone(dir: &std::path::Path, url: &str, mode: &str, seed: u32) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "killed::phone_app", "--ignored", "--nocapture", "--test-threads=1"])
        .env(DIR, dir)
        .env(URL, url)
        .env(MODE, mode)
        .env("CIVIC_SEED", seed.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The rest of the first output line that contains `marker`, from `marker` on (libtest
/// may print its own "test … " before it on the same line).
fn wait_for_line(child: &mut Child, marker: &str) -> Option<String> {
    let out = child.stdout.take()?;
    BufReader::new(out).lines().map_while(Result::ok).find_map(|l| l.find(marker).map(|i| l[i..].to_owned()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_killed_at_each_step_of_a_send_loses_nothing_and_duplicates_nothing() {
    let server_dir = tempdir().unwrap();
    let phone_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;

    // 1. Killed right after the local commit of "send", three times over.
    let mut queued = Vec::new();
    for seed in 0..3 {
        let mut app = start_phone(phone_dir.path(), &server.url, "capture", seed);
        let line = wait_for_line(&mut app, "QUEUED ").expect("the report was queued");
        app.kill().unwrap();
        app.wait().unwrap();
        queued.push(line["QUEUED ".len()..].parse::<ReportId>().unwrap());
    }

    // 2. Killed in the middle of a photo upload, then 3. after the server committed a
    // report but before the phone stored its acknowledgement.
    for step in ["mid-photo", "after-server-commit"] {
        let victim: Arc<Mutex<Option<Child>>> = Arc::new(Mutex::new(None));
        let hit = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (v, h) = (Arc::clone(&victim), Arc::clone(&hit));
        let tap = Arc::new(move |e: &TapEvent| {
            let cut = match (step, e) {
                ("mid-photo", TapEvent::RequestBytes { first_line, forwarded }) => {
                    first_line.starts_with("PUT /api/v1/photos/") && *forwarded >= 4096
                }
                ("after-server-commit", TapEvent::ResponseStarted { first_line }) => first_line.starts_with("POST /api/v1/reports "),
                _ => false,
            };
            if cut && !h.swap(true, std::sync::atomic::Ordering::SeqCst) {
                if let Some(child) = v.lock().unwrap().as_mut() {
                    let _ = child.kill();
                }
                return true;
            }
            false
        });
        let url = start_tapped(&server.url, tap).await;
        let app = start_phone(phone_dir.path(), &url, "sync", 0);
        *victim.lock().unwrap() = Some(app);
        // Wait for the app to die (or finish), holding the lock only to look.
        tokio::task::spawn_blocking(move || {
            loop {
                if let Some(Ok(Some(_))) = victim.lock().unwrap().as_mut().map(Child::try_wait) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        })
        .await
        .unwrap();
        assert!(hit.load(std::sync::atomic::Ordering::SeqCst), "{step}: the kill point was reached");
    }

    // The app starts again with a good network and finishes by itself.
    let mut app = start_phone(phone_dir.path(), &server.url, "sync", 0);
    assert!(wait_for_line(&mut app, "DONE").is_some());
    app.wait().unwrap();

    let on_server = server.public_reports().await;
    assert_eq!(on_server.len(), queued.len(), "every report once: {on_server:#?}");
    let phone = Device::open(phone_dir.path(), &server.url);
    for id in &queued {
        let report = phone.civic.report(*id).unwrap().report;
        assert!(!report.status.is_local(), "{id} is {:?}", report.status);
        let number = report.public_number.unwrap();
        assert_eq!(on_server.iter().filter(|r| r["public_number"] == number.as_str()).count(), 1);
    }
}
