//! Admins change units and the catalog while the city runs; devices hear of it.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::tempdir;

async fn put(srv: &TestServer, token: &str, path: &str, body: Value) -> reqwest::Response {
    srv.http.put(srv.url(path)).bearer_auth(token).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn an_admin_retires_a_category_and_routes_another_to_a_new_unit() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let admin = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let citizen = srv.device().await;
    let first: Value = srv.get(Some(&citizen), "/api/v1/sync").await.json().await.unwrap();
    let cursor = first["cursor"].as_str().unwrap().to_owned();
    let version = |c: &Value| c["version"].as_u64().unwrap();
    let before: Value = srv.get(None, "/api/v1/catalog").await.json().await.unwrap();

    // A new unit, and litter goes to it from now on with a shorter expected time.
    let unit = json!({"name": {"vi": "Đội phản ứng nhanh môi trường", "en": "Environment rapid response team"}});
    assert_eq!(put(&srv, &admin, "/api/v1/admin/units/phan-ung-nhanh", unit.clone()).await.status(), StatusCode::CREATED);
    assert_eq!(put(&srv, &admin, "/api/v1/admin/units/phan-ung-nhanh", unit).await.status(), StatusCode::OK);
    let r = put(&srv, &admin, "/api/v1/admin/categories/litter", json!({"unit": "phan-ung-nhanh", "expected_hours": 6})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let photo = srv.upload(&citizen, &jpeg(640, 480, 1)).await;
    let receipt = srv.submit(&citizen, &litter_report(CITADEL, vec![photo.clone()])).await;
    assert_eq!(receipt.unit, "phan-ung-nhanh");

    // Noise is retired: the catalog says so and new noise reports are refused.
    let r = put(&srv, &admin, "/api/v1/admin/categories/noise", json!({"active": false})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let after: Value = srv.get(None, "/api/v1/catalog").await.json().await.unwrap();
    assert!(version(&after) > version(&before));
    let noise = after["categories"].as_array().unwrap().iter().find(|c| c["code"] == "noise").unwrap().clone();
    assert_eq!(noise["active"], false);
    let mut report = serde_json::to_value(litter_report(CITADEL, vec![photo])).unwrap();
    report["category"] = json!("noise");
    report["answers"] = json!({"source": {"type": "choice", "value": "karaoke"}});
    let r = srv.http.post(srv.url("/api/v1/reports")).bearer_auth(&citizen).json(&report).send().await.unwrap();
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "unknown-category").await;

    // Every device hears that the catalog changed.
    let next: Value = srv.get(Some(&citizen), &format!("/api/v1/sync?cursor={cursor}")).await.json().await.unwrap();
    let catalog_changes: Vec<_> = next["changes"].as_array().unwrap().iter().filter(|c| c["kind"] == "catalog").collect();
    assert!(!catalog_changes.is_empty(), "{next}");
    assert_eq!(catalog_changes.last().unwrap()["version"].as_u64(), Some(version(&after)));

    // The changes survive a restart.
    srv.kill();
    let srv = TestServer::start(dir.path(), &[]);
    let again: Value = srv.get(None, "/api/v1/catalog").await.json().await.unwrap();
    assert_eq!(version(&again), version(&after));
    let litter = again["categories"].as_array().unwrap().iter().find(|c| c["code"] == "litter").unwrap().clone();
    assert_eq!((litter["unit"].as_str(), litter["expected_hours"].as_u64()), (Some("phan-ung-nhanh"), Some(6)));
    assert_eq!(litter["level"], "city", "one unit chosen for the whole city");
}

#[tokio::test]
async fn only_an_admin_changes_the_catalog_and_bad_changes_are_refused() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let admin = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let officer = srv.officer("sanitation-admin-test", &[PHU_XUAN_COMMITTEE]).await;
    let citizen = srv.device().await;
    for token in [&officer, &citizen] {
        let r = put(&srv, token, "/api/v1/admin/categories/litter", json!({"active": false})).await;
        assert_problem(r, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let r = put(&srv, &admin, "/api/v1/admin/categories/unicorns", json!({"active": false})).await;
    assert_problem(r, StatusCode::NOT_FOUND, "not-found").await;
    let r = put(&srv, &admin, "/api/v1/admin/categories/litter", json!({"unit": "nobody"})).await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "unknown-unit").await;
    let r = put(&srv, &admin, "/api/v1/admin/categories/litter", json!({"expected_hours": 0})).await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "bad-hours").await;
    let r = put(&srv, &admin, "/api/v1/admin/categories/litter", json!({"colour": "green"})).await;
    assert_problem(r, StatusCode::BAD_REQUEST, "malformed-json").await;
    let r = put(&srv, &admin, "/api/v1/admin/units/Bad%20Code", json!({"name": {"vi": "x", "en": "x"}})).await;
    assert_problem(r, StatusCode::BAD_REQUEST, "bad-path").await;
    let r = put(&srv, &admin, "/api/v1/admin/units/new-unit", json!({"name": {"vi": " ", "en": "x"}})).await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "missing-field").await;
    // Nothing changed.
    let catalog: Value = srv.get(None, "/api/v1/catalog").await.json().await.unwrap();
    let litter = catalog["categories"].as_array().unwrap().iter().find(|c| c["code"] == "litter").unwrap().clone();
    assert_eq!((litter["active"].as_bool(), litter["level"].as_str()), (Some(true), Some("ward")));
    assert!(!catalog["units"].as_array().unwrap().iter().any(|u| u["code"] == "new-unit"));
}
