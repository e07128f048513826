//! `Idempotency-Key`: a write sent again after its answer was lost is done once.

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use super::alerts::flood;
use crate::common::*;

async fn post_keyed(srv: &TestServer, token: Option<&str>, path: &str, key: &str, body: &Value) -> Response {
    let mut r = srv.http.post(srv.url(path)).header("Idempotency-Key", key).json(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

async fn warnings(srv: &TestServer) -> Vec<Value> {
    srv.get(None, "/api/v1/alerts").await.json().await.unwrap()
}

#[tokio::test]
async fn a_warning_sent_again_with_its_key_is_published_once_and_the_key_is_not_for_another() {
    let dir = tempfile::tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let body = flood("Lũ trên sông Hương", "Severe");
    let first = post_keyed(&srv, Some(&operator), "/api/v1/alerts", "b1d0c5a2-1", &body).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    // The answer was lost; the console sends the same request again.
    let again = post_keyed(&srv, Some(&operator), "/api/v1/alerts", "b1d0c5a2-1", &body).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    assert_eq!(again.json::<Value>().await.unwrap(), first, "the first answer, word for word");
    assert_eq!(warnings(&srv).await.len(), 1, "one warning, not two");

    // The same key for another request is refused, and changes nothing.
    let other = post_keyed(&srv, Some(&operator), "/api/v1/alerts", "b1d0c5a2-1", &flood("Lũ khác", "Extreme")).await;
    assert_problem(other, StatusCode::UNPROCESSABLE_ENTITY, "idempotency-key-reused").await;
    assert_eq!(warnings(&srv).await.len(), 1);
    // Another key is another warning.
    let second = post_keyed(&srv, Some(&operator), "/api/v1/alerts", "b1d0c5a2-2", &flood("Lũ khác", "Extreme")).await;
    assert_eq!(second.status(), StatusCode::CREATED);
    assert_eq!(warnings(&srv).await.len(), 2);
}

#[tokio::test]
async fn a_refusal_is_answered_again_and_a_bad_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let mut bad = flood("Lũ", "Severe");
    bad["areas"] = json!([{"kind": "named", "code": "99999"}]);
    let first = post_keyed(&srv, Some(&operator), "/api/v1/alerts", "k-422", &bad).await;
    let first = assert_problem(first, StatusCode::UNPROCESSABLE_ENTITY, "unknown-area").await;
    let again = post_keyed(&srv, Some(&operator), "/api/v1/alerts", "k-422", &bad).await;
    assert_eq!(again.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    assert_eq!(assert_problem(again, StatusCode::UNPROCESSABLE_ENTITY, "unknown-area").await, first);

    for key in ["x".repeat(256), "has space".to_owned(), "đ".to_owned()] {
        let r = srv
            .http
            .post(srv.url("/api/v1/alerts"))
            .bearer_auth(&operator)
            .header("Idempotency-Key", key.as_bytes())
            .json(&flood("Lũ", "Severe"))
            .send()
            .await
            .unwrap();
        assert_problem(r, StatusCode::BAD_REQUEST, "bad-idempotency-key").await;
    }
    assert!(warnings(&srv).await.is_empty(), "nothing was published by the refused requests");
}

#[tokio::test]
async fn callers_never_share_a_key_and_anonymous_requests_are_not_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let starts = (srv.now() + time::Duration::days(2)).format(&time::format_description::well_known::Rfc3339).unwrap();
    let ends =
        (srv.now() + time::Duration::days(2) + time::Duration::hours(3)).format(&time::format_description::well_known::Rfc3339).unwrap();
    let campaign: Value = srv
        .post(
            &operator,
            "/api/v1/campaigns",
            &json!({"name": {"vi": "Chủ nhật xanh", "en": "Green Sunday"}, "starts_at": starts,
              "ends_at": ends, "areas": ["19753"], "categories": ["litter"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = campaign["id"].as_str().unwrap();
    // Two phones happen to use the same key: each founds its own team, and a retry of the
    // first founds nothing more.
    let (a, b) = (srv.device().await, srv.device().await);
    let path = format!("/api/v1/campaigns/{id}/join");
    for (device, team) in [(&a, "Tổ 1"), (&b, "Tổ 2"), (&a, "Tổ 1")] {
        let r = post_keyed(&srv, Some(device), &path, "join-1", &json!({"new_team": team})).await;
        assert!(r.status().is_success(), "{}", r.status());
    }
    let listed: Value = srv.get(None, &format!("/api/v1/campaigns/{id}")).await.json().await.unwrap();
    let mut teams: Vec<&str> = listed["teams"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    teams.sort();
    assert_eq!(teams, ["Tổ 1", "Tổ 2"]);
    assert_eq!(listed["participants"], 2);

    // Without credentials a key is not remembered: two registrations are two devices.
    let one: Value = post_keyed(&srv, None, "/api/v1/devices", "reg", &json!({})).await.json().await.unwrap();
    let two: Value = post_keyed(&srv, None, "/api/v1/devices", "reg", &json!({})).await.json().await.unwrap();
    assert_ne!(one["token"], two["token"]);
}

#[tokio::test]
async fn the_same_request_sent_many_times_at_once_is_done_once() {
    let dir = tempfile::tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let body = flood("Lũ", "Severe");
    let sends = (0..6).map(|_| post_keyed(&srv, Some(&operator), "/api/v1/alerts", "burst", &body));
    let answers = futures_util::future::join_all(sends).await;
    let mut created = Vec::new();
    for r in answers {
        match r.status() {
            StatusCode::CREATED => created.push(r.json::<Value>().await.unwrap()),
            StatusCode::CONFLICT => {
                assert_eq!(r.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
                assert_problem(r, StatusCode::CONFLICT, "idempotency-in-progress").await;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(!created.is_empty());
    assert!(created.windows(2).all(|w| w[0] == w[1]), "every answer is the first one");
    assert_eq!(warnings(&srv).await.len(), 1);
}
