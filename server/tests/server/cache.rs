//! Public reads served from memory: the same answer with its ETag until a write, 304 to a
//! client that has it, never anyone's private answer, and a write through another process on
//! the same database seen within moments. An up-to-date phone's sync is answered at once.

use std::time::{Duration as StdDuration, Instant};

use crate::common::*;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, ETAG, IF_NONE_MATCH};
use serde_json::{Value, json};
use tempfile::tempdir;

const LIST: &str = "/api/v1/public/reports?limit=50";

/// A client that takes what is sent as it is (no transparent gunzip).
fn raw_client() -> reqwest::Client {
    reqwest::Client::builder().no_gzip().build().unwrap()
}

async fn etag_of(srv: &TestServer, path: &str, encoding: Option<&str>) -> (String, reqwest::Response) {
    let mut req = raw_client().get(srv.url(path));
    if let Some(e) = encoding {
        req = req.header(ACCEPT_ENCODING, e);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    let cache_control = r.headers().get(CACHE_CONTROL).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cache_control.starts_with("public, max-age="), "{path}: Cache-Control {cache_control:?}");
    let etag = r.headers().get(ETAG).and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("{path} has no ETag")).to_owned();
    (etag, r)
}

async fn revalidate(srv: &TestServer, path: &str, etag: &str) -> reqwest::Response {
    raw_client().get(srv.url(path)).header(IF_NONE_MATCH, etag).send().await.unwrap()
}

fn numbers(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|r| r["public_number"].as_str().unwrap().to_owned()).collect()
}

/// Waits until `ready` says yes, for less than a kept answer lives without a write (5 s by
/// the server's clock): a cache may take a moment to notice another process's write, but it
/// must notice it, not wait for its answer to age out.
async fn eventually<F: AsyncFnMut() -> bool>(what: &str, mut ready: F) {
    let start = Instant::now();
    while !ready().await {
        assert!(start.elapsed() < StdDuration::from_secs(4), "not noticed: {what}");
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_public_list_keeps_its_etag_until_a_report_changes_it() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 71)).await;
    let first = srv.submit(&citizen, &litter_report(CITADEL, vec![photo.clone()])).await;

    let (etag, r) = etag_of(&srv, LIST, None).await;
    assert_eq!(numbers(&r.json().await.unwrap()), [first.public_number.as_str()]);
    let (again, _) = etag_of(&srv, LIST, None).await;
    assert_eq!(again, etag, "nothing changed: the same ETag");

    // A client holding it gets 304 and no body, with what caches need to keep it.
    let r = revalidate(&srv, LIST, &etag).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers()[ETAG], etag.as_str());
    assert!(r.headers().contains_key(CACHE_CONTROL));
    assert!(r.bytes().await.unwrap().is_empty());
    let r = revalidate(&srv, LIST, &format!("\"other\", W/{etag}")).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "a list of tags, weakly compared");

    // Gzipped, as phones ask: another representation, its own ETag, revalidated the same way.
    let (gz_etag, r) = etag_of(&srv, LIST, Some("gzip")).await;
    assert_eq!(r.headers()[CONTENT_ENCODING], "gzip");
    assert_ne!(gz_etag, etag);
    let r = raw_client().get(srv.url(LIST)).header(ACCEPT_ENCODING, "gzip").header(IF_NONE_MATCH, &gz_etag).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // A new report is in the very next read, under a new ETag; the old one gets the list.
    let received = async || -> Value {
        srv.get(None, "/api/v1/public/stats").await.json::<Value>().await.unwrap()["by_category"][0]["received"].clone()
    };
    assert_eq!(received().await, 1);
    let second = srv.submit(&citizen, &litter_report((CITADEL.0 + 0.001, CITADEL.1), vec![photo])).await;
    let r = revalidate(&srv, LIST, &etag).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_ne!(r.headers()[ETAG], etag.as_str());
    assert_eq!(numbers(&r.json().await.unwrap()), [second.public_number.clone(), first.public_number.clone()]);
    assert_eq!(received().await, 2, "and in the figures");

    // So is an official's answer, in the report's public page.
    let detail = format!("/api/v1/public/reports/{}", first.public_number);
    let (detail_etag, r) = etag_of(&srv, &detail, None).await;
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "received");
    let officer = srv.officer("sanitation-cache", &[PHU_XUAN_COMMITTEE]).await;
    let path = format!("/api/v1/reports/{}/status", first.id);
    let r = srv.post(&officer, &path, &json!({"to": "in_progress", "note": "Đội vệ sinh đang đến"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = revalidate(&srv, &detail, &detail_etag).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "in_progress");
}

#[tokio::test]
async fn what_only_a_caller_may_read_is_never_kept_for_anyone_else() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 72)).await;
    let report = litter_report(CITADEL, vec![photo]);
    srv.submit(&citizen, &report).await;
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let warning = json!({
        "topic": "flood", "urgency": "Expected", "severity": "Severe", "certainty": "Likely",
        "expires": hue_time(srv.now() + time::Duration::hours(6)),
        "texts": [{"language": "vi-VN", "event": "Lũ", "headline": "Lũ trên sông Hương"},
                  {"language": "en-US", "event": "Flood", "headline": "The Perfume River floods"}],
        "areas": [{"kind": "named", "code": "19753"}]
    });
    let posted: Value = srv.post(&operator, "/api/v1/alerts", &warning).await.json().await.unwrap();
    let id = posted["id"].as_str().unwrap();

    let private = [
        (citizen.as_str(), format!("/api/v1/reports/{}", report.id)),
        (citizen.as_str(), "/api/v1/reports/mine".to_owned()),
        (citizen.as_str(), "/api/v1/sync".to_owned()),
        (operator.as_str(), format!("/api/v1/alerts/{id}/reports")),
        (operator.as_str(), "/api/v1/work/inbox".to_owned()),
    ];
    for (token, path) in &private {
        let r = srv.get(Some(token), path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert!(!r.headers().contains_key(ETAG), "{path} is not a public answer");
        assert_eq!(srv.get(None, path).await.status(), StatusCode::UNAUTHORIZED, "{path} without the token");
    }
}

#[tokio::test]
async fn every_kept_path_is_a_read_anyone_may_make() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let doc: Value = srv.get(None, "/api/v1/openapi.json").await.json().await.unwrap();
    let mut kept_reads = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else { continue };
        // A path parameter stands for one segment.
        let concrete = path.split('/').map(|s| if s.starts_with('{') { "x" } else { s }).collect::<Vec<_>>().join("/");
        if civic_server::api::cache::cacheable(&concrete) {
            let security = get["security"].as_array().map_or(0, Vec::len);
            assert_eq!(security, 0, "GET {path} is kept for everyone but takes a token");
            kept_reads.push(concrete);
        }
    }
    // Every pattern under /api/v1 names a documented read (none left over from a route gone).
    for pattern in civic_server::api::cache::CACHED.iter().filter(|p| p.starts_with("/api/v1/")) {
        let concrete = pattern.replace('*', "x");
        assert!(kept_reads.contains(&concrete), "{pattern} is no documented GET");
    }
    assert!(!civic_server::api::cache::cacheable("/api/v1/alerts/x/reports"));
    assert!(!civic_server::api::cache::cacheable("/api/v1/public/reports/"));
}

#[tokio::test]
async fn another_processs_writes_reach_the_lists_and_the_syncs_of_the_first() {
    let dir = tempdir().unwrap();
    let a = TestServer::start(dir.path(), &[]);
    let b = TestServer::start(dir.path(), &[]);
    let citizen = a.device().await;
    let photo = a.upload(&citizen, &jpeg(640, 480, 73)).await;
    let first = a.submit(&citizen, &litter_report(CITADEL, vec![photo.clone()])).await;

    // B has the list and the phone's sync in hand…
    let (etag, _) = etag_of(&b, LIST, None).await;
    let mut cursor = String::new();
    loop {
        let batch: Value = b.get(Some(&citizen), &format!("/api/v1/sync?cursor={cursor}")).await.json().await.unwrap();
        cursor = batch["cursor"].as_str().unwrap().to_owned();
        if batch["more"] != true {
            break;
        }
    }
    let sync_b = async |cursor: &str| -> Value {
        let r = b.get(Some(&citizen), &format!("/api/v1/sync?cursor={cursor}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    };
    let up_to_date = sync_b(&cursor).await;
    assert_eq!((up_to_date["changes"].as_array().map(Vec::len), up_to_date["cursor"].as_str()), (Some(0), Some(cursor.as_str())));

    // …when A takes a report and an official answers the first one.
    let second = a.submit(&citizen, &litter_report((CITADEL.0 + 0.001, CITADEL.1), vec![photo])).await;
    let officer = a.officer("sanitation-cache-2", &[PHU_XUAN_COMMITTEE]).await;
    let r = a.post(&officer, &format!("/api/v1/reports/{}/status", first.id), &json!({"to": "in_progress"})).await;
    assert_eq!(r.status(), StatusCode::OK);

    eventually("B lists the report A took", async || {
        let r = revalidate(&b, LIST, &etag).await;
        r.status() == StatusCode::OK && numbers(&r.json().await.unwrap()).contains(&second.public_number)
    })
    .await;
    eventually("B's sync gives the answer A stored", async || {
        let batch = sync_b(&cursor).await;
        let changes = batch["changes"].as_array().unwrap();
        changes.iter().any(|c| c["public_number"] == first.public_number.as_str() && c["status"] == "in_progress")
    })
    .await;
}
