//! The rules that depend on time, each seen before, during and after its moment: the test
//! moves the server's clock (`--clock-offset-file`) instead of rewriting rows, so the rule
//! itself decides, as it would on the day.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::tempdir;
use time::Duration;

async fn json_of(r: reqwest::Response) -> Value {
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[tokio::test]
async fn a_warning_is_in_force_until_it_expires_then_leaves_the_lists_and_the_feed() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let warning = json!({
        "topic": "flood", "urgency": "Expected", "severity": "Severe", "certainty": "Likely",
        "expires": hue_time(srv.now() + Duration::hours(6)),
        "texts": [{"language": "vi-VN", "event": "Lũ", "headline": "Lũ trên sông Hương"},
                  {"language": "en-US", "event": "Flood", "headline": "The Perfume River floods"}],
        "areas": [{"kind": "named", "code": "19753"}]
    });
    let posted = json_of(srv.post(&operator, "/api/v1/alerts", &warning).await).await;
    let id = posted["id"].as_str().expect("the warning's id").to_owned();
    let listed = || async { json_of(srv.get(None, "/api/v1/alerts").await).await.as_array().map_or(0, Vec::len) };
    let state = || async { json_of(srv.get(None, &format!("/api/v1/alerts/{id}")).await).await["alert"]["state"].clone() };
    let feed = || async { srv.get(None, "/cap/alerts.atom").await.text().await.unwrap() };

    // Five hours on: still in force.
    srv.advance_clock(Duration::hours(5));
    assert_eq!((listed().await, state().await), (1, json!("active")));
    assert!(feed().await.contains(&id), "in the CAP feed");
    // Seven hours on: expired, kept with its history for anyone who asks.
    srv.advance_clock(Duration::hours(2));
    assert_eq!((listed().await, state().await), (0, json!("expired")));
    assert!(!feed().await.contains(&id), "gone from the CAP feed");
    let all = json_of(srv.get(None, "/api/v1/alerts?include_ended=true").await).await;
    assert_eq!(all[0]["state"], "expired");
}

#[tokio::test]
async fn a_report_counts_as_overdue_once_past_its_categorys_expected_time() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 41)).await;
    srv.submit(&citizen, &litter_report(CITADEL, vec![photo])).await;
    let overdue = || async {
        let stats = json_of(srv.get(None, "/api/v1/public/stats").await).await;
        let litter = stats["by_category"].as_array().unwrap().iter().find(|f| f["key"] == "litter").cloned();
        litter.map(|f| f["overdue"].clone()).unwrap_or_else(|| panic!("litter's figures: {stats}"))
    };
    // Litter is expected within 24 hours.
    srv.advance_clock(Duration::hours(23));
    assert_eq!(overdue().await, 0);
    srv.advance_clock(Duration::hours(2));
    assert_eq!(overdue().await, 1);
}

#[tokio::test]
async fn open311_lists_the_last_ninety_days_unless_asked_for_earlier_ones() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 42)).await;
    let receipt = srv.submit(&citizen, &litter_report(CITADEL, vec![photo])).await;
    let (srv, number) = (&srv, receipt.public_number.as_str());
    let listed = |query: String| async move {
        let r = srv.get(None, &format!("/open311/v2/requests.json{query}")).await;
        json_of(r).await.as_array().unwrap().iter().any(|r| r["service_request_id"] == number)
    };
    srv.advance_clock(Duration::days(89));
    assert!(listed(String::new()).await, "89 days on: in the default window");
    srv.advance_clock(Duration::days(2));
    assert!(!listed(String::new()).await, "91 days on: outside it");
    // In UTC (`Z`): nothing in the query to escape.
    let utc = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap();
    let query = format!("?start_date={}&end_date={}", utc(srv.now() - Duration::days(95)), utc(srv.now() - Duration::days(85)));
    assert!(listed(query).await, "asked for by its dates");
}

#[tokio::test]
async fn a_campaign_is_upcoming_then_running_then_ended() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let starts = srv.now() + Duration::hours(1);
    let campaign = json!({"name": {"vi": "Chủ nhật xanh", "en": "Green Sunday"}, "starts_at": hue_time(starts),
                          "ends_at": hue_time(starts + Duration::hours(3)), "areas": ["19753"], "categories": ["litter"]});
    let id = json_of(srv.post(&operator, "/api/v1/campaigns", &campaign).await).await["id"].as_str().unwrap().to_owned();
    let phase = || async { json_of(srv.get(None, &format!("/api/v1/campaigns/{id}")).await).await["phase"].clone() };
    let resident = srv.device().await;
    assert_eq!(phase().await, "upcoming");
    srv.advance_clock(Duration::hours(2));
    assert_eq!(phase().await, "running");
    assert_eq!(srv.post(&resident, &format!("/api/v1/campaigns/{id}/join"), &json!({})).await.status(), StatusCode::OK);
    srv.advance_clock(Duration::hours(3));
    assert_eq!(phase().await, "ended");
    let late = srv.post(&srv.device().await, &format!("/api/v1/campaigns/{id}/join"), &json!({})).await;
    assert_problem(late, StatusCode::CONFLICT, "campaign-ended").await;
}
