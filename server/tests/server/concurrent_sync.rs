//! Devices paging their sync without pause while 32 writers, through two server processes
//! on one database, create reports, move them and reply (on PostgreSQL these commit side by
//! side): each device gets every event of its reports exactly once, each report's events in
//! the order they were made, and the same as a device reading everything afterwards gets.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::tempdir;

const DEVICES: usize = 4;
const WRITERS: usize = 32;
const REPORTS_PER_WRITER: usize = 4;
/// What each report's timeline holds at the end, in order: received, moved, a reply.
const TIMELINE: [&str; 3] = ["received", "in_progress", "reply"];
/// Reads a device may still need after the writes end (PostgreSQL gives a change once every
/// transaction older than it has ended; other tests' may still run).
const SETTLING_READS: usize = 2000;

/// What a device was given, in order: (report id, event id, what the event was).
type Seen = Vec<(String, String, String)>;

/// One sync batch through `srv`; the cursor to go on from and whether there is more.
async fn batch(srv: &TestServer, device: &str, cursor: &Option<String>, seen: &mut Seen) -> (Option<String>, bool) {
    let path = match cursor {
        Some(c) => format!("/api/v1/sync?cursor={c}&limit=50"),
        None => "/api/v1/sync?limit=50".to_owned(),
    };
    let r = srv.get(Some(device), &path).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap_or_default());
    let batch: Value = r.json().await.unwrap();
    for change in batch["changes"].as_array().unwrap() {
        if change["kind"] != "report" {
            continue;
        }
        let id = change["id"].as_str().unwrap();
        for e in change["events"].as_array().unwrap() {
            let what = e["status"].as_str().unwrap_or("reply").to_owned();
            seen.push((id.to_owned(), e["id"].as_str().unwrap().to_owned(), what));
        }
    }
    (batch["cursor"].as_str().map(str::to_owned), batch["more"].as_bool().unwrap())
}

/// Every event a device's reports have, read from scratch (through `srv`).
async fn read_all(srv: &TestServer, device: &str) -> Seen {
    let (mut seen, mut cursor) = (Seen::new(), None);
    loop {
        let (next, more) = batch(srv, device, &cursor, &mut seen).await;
        cursor = next;
        if !more {
            return seen;
        }
    }
}

/// Asserts that `seen` has each event once, each report's in the order of `TIMELINE`.
fn assert_once_in_order(seen: &Seen, reports: usize, who: &str) {
    let mut events = BTreeSet::new();
    let mut timelines: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (report, event, what) in seen {
        assert!(events.insert(event), "{who}: event {event} of report {report} came twice");
        timelines.entry(report).or_default().push(what);
    }
    assert_eq!(timelines.len(), reports, "{who}: every report");
    for (report, timeline) in &timelines {
        assert_eq!(timeline, &TIMELINE, "{who}: report {report}'s events, in order");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn devices_syncing_during_32_concurrent_writers_get_every_event_once_in_order() {
    let dir = tempdir().unwrap();
    let a = Arc::new(TestServer::start(dir.path(), &["--requests-per-minute", "1000000"]));
    let b = Arc::new(TestServer::start(dir.path(), &["--requests-per-minute", "1000000"]));
    let servers = [a.clone(), b.clone()];
    let officer = Arc::new(a.officer("sanitation-9", &[PHU_XUAN_COMMITTEE]).await);
    let mut devices = Vec::new();
    for _ in 0..DEVICES {
        devices.push(a.device().await);
    }
    let photo = a.upload(&devices[0], &jpeg(320, 240, 5)).await;

    // Readers: each device pages its sync, turn by turn through both processes, until the
    // writers are done and it has everything.
    let writing = Arc::new(AtomicBool::new(true));
    let expected = REPORTS_PER_WRITER * WRITERS / DEVICES;
    let readers: Vec<_> = devices
        .iter()
        .map(|device| {
            let (device, servers, writing) = (device.clone(), servers.clone(), writing.clone());
            tokio::spawn(async move {
                let (mut seen, mut cursor) = (Seen::new(), None);
                let mut settling = 0;
                for turn in 0.. {
                    let (next, more) = batch(&servers[turn % 2], &device, &cursor, &mut seen).await;
                    cursor = next;
                    assert!(turn < 100 * expected * TIMELINE.len() + SETTLING_READS, "the sync does not end");
                    if more {
                        continue;
                    }
                    if !writing.load(Ordering::SeqCst) {
                        if seen.len() >= expected * TIMELINE.len() || settling == SETTLING_READS {
                            break;
                        }
                        settling += 1;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                }
                seen
            })
        })
        .collect();

    // Writers: each makes its reports through one process, moves and answers each.
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (srv, device, officer, photo) = (servers[w % 2].clone(), devices[w % DEVICES].clone(), officer.clone(), photo.clone());
            tokio::spawn(async move {
                for i in 0..REPORTS_PER_WRITER {
                    let mut report = litter_report((CITADEL.0 + (w * 10 + i) as f64 * 1e-5, CITADEL.1), vec![photo.clone()]);
                    report.description = format!("Rác số {w}-{i}");
                    srv.submit(&device, &report).await;
                    let r = srv.post(&officer, &format!("/api/v1/reports/{}/status", report.id), &json!({"to": "in_progress"})).await;
                    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap_or_default());
                    let r = srv.post(&officer, &format!("/api/v1/reports/{}/replies", report.id), &json!({"text": "Đội đang đến"})).await;
                    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap_or_default());
                }
            })
        })
        .collect();
    for w in writers {
        w.await.expect("a writer");
    }
    writing.store(false, Ordering::SeqCst);

    for (device, reader) in devices.iter().zip(readers) {
        let seen = reader.await.expect("a reader");
        assert_once_in_order(&seen, expected, "the device syncing during the writes");
        // A device reading everything now, through the other process, is given the same.
        let all = read_all(&b, device).await;
        assert_once_in_order(&all, expected, "a device reading afterwards");
        let ids = |s: &Seen| s.iter().map(|(_, e, _)| e.clone()).collect::<BTreeSet<_>>();
        assert_eq!(ids(&seen), ids(&all), "the same events");
    }
}

#[tokio::test]
async fn a_cursor_from_before_the_upgrade_goes_on_where_it_was_and_future_ones_are_refused() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(320, 240, 6)).await;
    let mut reports = Vec::new();
    for i in 0..3 {
        let report = litter_report((CITADEL.0 + i as f64 * 1e-4, CITADEL.1), vec![photo.clone()]);
        srv.submit(&citizen, &report).await;
        reports.push(report.id.to_string());
    }
    srv.kill();
    // As the release before left it: the changes in sequence order, no transaction named.
    downgrade_schema(dir.path(), 11);

    let srv = TestServer::start(dir.path(), &[]);
    let first: Value = srv.get(Some(&citizen), "/api/v1/sync?limit=1").await.json().await.unwrap();
    assert_eq!(first["changes"][0]["id"], reports[0]);
    let cursor = first["cursor"].as_str().unwrap().to_owned();
    assert!(cursor.starts_with('c'), "a cursor as phones held them before: {cursor}");
    let report = litter_report(CITADEL, vec![photo]);
    srv.submit(&citizen, &report).await;
    reports.push(report.id.to_string());
    let mut seen = Seen::new();
    let mut cursor = Some(cursor);
    loop {
        let (next, more) = batch(&srv, &citizen, &cursor, &mut seen).await;
        cursor = next;
        if !more {
            break;
        }
    }
    let order: Vec<&str> = seen.iter().map(|(r, _, _)| r.as_str()).collect();
    assert_eq!(order, reports[1..].iter().map(String::as_str).collect::<Vec<_>>(), "the rest, once, in order");
    let again: Value = srv.get(Some(&citizen), &format!("/api/v1/sync?cursor={}", cursor.unwrap())).await.json().await.unwrap();
    assert!(again["changes"].as_array().unwrap().is_empty(), "nothing twice: {again}");

    for bad in ["c999999", "p999999999999.0", "p0.5", "p3", "c"] {
        let r = srv.get(Some(&citizen), &format!("/api/v1/sync?cursor={bad}")).await;
        assert_problem(r, StatusCode::BAD_REQUEST, "bad-cursor").await;
    }
}
