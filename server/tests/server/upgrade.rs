//! A database written by the release before typed ratings (schema 8): the stars of each
//! citizen's rating step, then only in its note, become the step's rating.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::tempdir;

#[tokio::test]
async fn ratings_written_as_notes_become_typed_when_the_server_upgrades() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 71)).await;
    let report = litter_report(CITADEL, vec![photo]);
    srv.submit(&citizen, &report).await;
    let officer = srv.officer("phu-xuan-1", &[PHU_XUAN_COMMITTEE]).await;
    let path = format!("/api/v1/reports/{}/status", report.id);
    let r = srv.post(&officer, &path, &json!({"to": "rejected", "note": "Không thuộc phạm vi"})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap_or_default());
    let r = srv.post(&citizen, &format!("/api/v1/reports/{}/rating", report.id), &json!({"stars": 2, "comment": "Chưa thỏa đáng"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let rated = |v: &Value| -> Vec<(Value, Value)> {
        v["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["actor"] == "citizen")
            .map(|e| (e["note"].clone(), e["rating"].clone()))
            .collect()
    };
    let mine: Value = srv.get(Some(&citizen), &format!("/api/v1/reports/{}", report.id)).await.json().await.unwrap();
    assert!(rated(&mine).contains(&(json!("2★ — Chưa thỏa đáng"), json!(2))), "{:?}", rated(&mine));
    srv.kill();

    // As the release before wrote it: no rating column, the stars only in the note.
    downgrade_schema(dir.path(), 8);

    let srv = TestServer::start(dir.path(), &[]);
    let mine: Value = srv.get(Some(&citizen), &format!("/api/v1/reports/{}", report.id)).await.json().await.unwrap();
    assert!(rated(&mine).contains(&(json!("2★ — Chưa thỏa đáng"), json!(2))), "typed again: {:?}", rated(&mine));
    // Only the rating step: the citizen's other words are not ratings.
    assert!(rated(&mine).iter().filter(|(_, r)| !r.is_null()).count() == 1);
}
