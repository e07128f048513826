//! Several server processes on one database (PostgreSQL with `CIVIC_TEST_DATABASE_URL`, or
//! one SQLite file): every report sent to both at once exists once, numbers have no gaps,
//! and a device paging its sync through either process gets every change once, in order.

use std::collections::BTreeSet;

use crate::common::*;
use reqwest::StatusCode;
use serde_json::Value;
use tempfile::tempdir;

const REPORTS: usize = 500;
/// Reports in flight at once (each sent to both processes).
const IN_FLIGHT: usize = 16;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_receiving_the_same_500_reports_store_exactly_500() {
    let dir = tempdir().unwrap();
    // The same data directory: the same database (and photo folder) for both processes.
    let a = TestServer::start(dir.path(), &["--requests-per-minute", "1000000"]);
    let b = TestServer::start(dir.path(), &["--requests-per-minute", "1000000"]);
    let citizen = a.device().await;
    let photo = a.upload(&citizen, &jpeg(320, 240, 1)).await;
    let reports: Vec<_> = (0..REPORTS)
        .map(|i| {
            let mut r = litter_report((CITADEL.0 + i as f64 * 1e-5, CITADEL.1), vec![photo.clone()]);
            r.description = format!("Điểm rác số {i}");
            r
        })
        .collect();

    let send = |srv: &TestServer, report: &civic_core::protocol::SubmitReport| {
        srv.http.post(srv.url("/api/v1/reports")).bearer_auth(&citizen).json(report).send()
    };
    let mut created = 0;
    for chunk in reports.chunks(IN_FLIGHT) {
        let sends = chunk.iter().map(|r| async { tokio::join!(send(&a, r), send(&b, r)) });
        for (ra, rb) in futures_util::future::join_all(sends).await {
            let (ra, rb) = (ra.expect("process A answers"), rb.expect("process B answers"));
            for r in [&ra, &rb] {
                assert!(r.status().is_success(), "{}", r.status());
                created += usize::from(r.status() == StatusCode::CREATED);
            }
            let (va, vb): (Value, Value) = (ra.json().await.unwrap(), rb.json().await.unwrap());
            assert_eq!(va["public_number"], vb["public_number"], "both processes name the same report");
        }
    }
    assert_eq!(created, REPORTS, "each report was created by exactly one of the two");

    // Exactly 500, numbered 1 to 500 without a gap, through either process.
    for srv in [&a, &b] {
        let mut numbers = BTreeSet::new();
        let mut after: Option<String> = None;
        loop {
            let mut path = "/api/v1/public/reports?limit=200".to_owned();
            if let Some(t) = &after {
                path.push_str(&format!("&after={t}"));
            }
            let page: Value = srv.get(None, &path).await.json().await.unwrap();
            for r in page["items"].as_array().unwrap() {
                assert!(numbers.insert(r["public_number"].as_str().unwrap().to_owned()), "a number twice");
            }
            match page["next"].as_str() {
                Some(n) => after = Some(n.to_owned()),
                None => break,
            }
        }
        assert_eq!(numbers.len(), REPORTS);
        let expected: BTreeSet<String> = (1..=REPORTS).map(|n| format!("{n:06}")).collect();
        let got: BTreeSet<String> = numbers.iter().map(|n| n.rsplit('-').next().unwrap_or_default().to_owned()).collect();
        assert_eq!(got, expected, "numbers run from 1 to {REPORTS} without a gap");
    }

    // The device pages its changes through both processes in turn: each report once.
    let mut seen = BTreeSet::new();
    let mut cursor: Option<String> = None;
    for turn in 0.. {
        let srv = if turn % 2 == 0 { &a } else { &b };
        let path = match &cursor {
            Some(c) => format!("/api/v1/sync?cursor={c}"),
            None => "/api/v1/sync".to_owned(),
        };
        let batch: Value = srv.get(Some(&citizen), &path).await.json().await.unwrap();
        for change in batch["changes"].as_array().unwrap() {
            if let Some(id) = change["id"].as_str() {
                assert!(seen.insert(id.to_owned()), "report {id} came twice");
            }
        }
        cursor = batch["cursor"].as_str().map(str::to_owned);
        if !batch["more"].as_bool().unwrap_or(false) {
            break;
        }
        assert!(turn < 10 * REPORTS, "the sync does not end");
    }
    assert_eq!(seen.len(), REPORTS);
}

/// A database numbered by its counter row before (an upgrade, or SQLite's way) goes on from
/// where the counter stood, whichever way this backend numbers now.
#[tokio::test]
async fn numbering_goes_on_from_where_the_years_counter_stood() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(320, 240, 2)).await;
    // Numbers count by the year in Huế (UTC+7).
    let year = (srv.now() + time::Duration::hours(7)).year();
    srv.exec_sql(&format!("INSERT INTO counter (name, value) VALUES ('report-{year}', 41)"));
    let first = srv.submit(&citizen, &litter_report(CITADEL, vec![photo.clone()])).await;
    let second = srv.submit(&citizen, &litter_report((CITADEL.0 + 1e-4, CITADEL.1), vec![photo])).await;
    assert_eq!(first.public_number, format!("HUE-{year}-000042"));
    assert_eq!(second.public_number, format!("HUE-{year}-000043"));
}
