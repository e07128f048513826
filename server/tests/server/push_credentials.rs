//! Push that keeps working after the first hour: FCM access tokens got with a service
//! account's key, APNs provider tokens signed with the team's key, both renewed; failures
//! for now tried again; the figures on `/metrics`. Against local stand-ins for Google's
//! token endpoint, FCM, APNs (over HTTP/2) and a UnifiedPush distributor, on a test clock
//! that a fake sleeper moves on instead of waiting.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{Method, StatusCode, Version};
use civic_core::clock::Clock;
use civic_core::protocol::PushProvider;
use civic_server::push::{
    ApnsGateway, ApnsKey, FcmGateway, Gateways, PushError, PushFigures, PushGateway, PushMessage, Pusher, ServiceAccount,
    UnifiedPushGateway,
};
use serde_json::json;
use time::macros::datetime;

use crate::push_fakes::*;

fn fcm_error(status: u16, code: &str, detail: &str) -> Reply {
    let details = json!([{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": detail}]);
    (status, vec![], json!({"error": {"code": status, "message": "", "status": code, "details": details}}).to_string())
}

fn fcm_token(seen: &Seen) -> String {
    seen.json()["message"]["token"].as_str().unwrap_or("").to_owned()
}

fn figures(sent: u64, retried: u64, failed: u64, gone: u64) -> PushFigures {
    PushFigures { sent, retried, failed, gone }
}

#[tokio::test]
async fn an_fcm_access_token_refused_mid_batch_is_renewed_once_and_every_message_goes_once() {
    let (clock, _sleeper, policy) = test_time();
    let google = TokenEndpoint::start(clock.clone(), 3600).await;
    // FCM takes the first token for four messages, then calls it stale (as after a revocation
    // or on a clock that runs ahead); later tokens it takes.
    let (uses, accepted) = (Arc::new(AtomicUsize::new(0)), Arc::new(Mutex::new(Vec::new())));
    let fcm_fake = {
        let (uses, accepted) = (uses.clone(), accepted.clone());
        Fake::start(move |seen| {
            let fresh = match seen.header("authorization") {
                "Bearer ya29.test-1" => uses.fetch_add(1, Ordering::SeqCst) < 4,
                a => a.starts_with("Bearer ya29.test-"),
            };
            match fcm_token(seen).as_str() {
                _ if !fresh => fcm_error(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR"),
                "gone" => fcm_error(404, "NOT_FOUND", "UNREGISTERED"),
                token => {
                    accepted.lock().unwrap().push(token.to_owned());
                    (200, vec![], json!({"name": "projects/civic-hue/messages/1"}).to_string())
                }
            }
        })
        .await
    };
    let account = ServiceAccount::from_json(&google.service_account_json()).unwrap();
    assert_eq!(account.project_id, "civic-hue");
    let fcm = FcmGateway::with_service_account(&fcm_fake.base, &account, clock.clone()).unwrap().with_concurrency(3).with_retry(policy);
    let pusher = Pusher::new(Gateways { fcm: Some(Arc::new(fcm)), ..Gateways::default() });

    let mut batch: Vec<PushMessage> = (0..12).map(|i| message(PushProvider::Fcm, &format!("ok-{i}"))).collect();
    batch.push(message(PushProvider::Fcm, "gone"));
    let report = pusher.send(batch).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!((report.sent, report.failed), (12, 0));
    assert_eq!(report.gone.iter().map(|d| &**d).collect::<Vec<_>>(), ["dev-gone"]);
    assert!(google.problems.lock().unwrap().is_empty(), "{:?}", google.problems.lock().unwrap());
    assert_eq!(google.issued(), 2, "one token, then one renewal");

    let seen = fcm_fake.seen();
    assert!(seen.iter().all(|s| s.method == Method::POST && s.path == "/v1/projects/civic-hue/messages:send"));
    let refused = seen.iter().filter(|s| s.header("authorization") == "Bearer ya29.test-1").count().saturating_sub(4);
    assert!(refused >= 1, "the first token went stale mid-batch");
    // Each device got its wake-up exactly once, with the first token or the renewed one.
    let mut delivered: Vec<String> = accepted.lock().unwrap().clone();
    delivered.sort_unstable_by_key(|t| t.trim_start_matches("ok-").parse::<u32>().unwrap_or(u32::MAX));
    assert_eq!(delivered, (0..12).map(|i| format!("ok-{i}")).collect::<Vec<_>>());
    assert!(seen.iter().filter(|s| s.header("authorization") == "Bearer ya29.test-2").count() >= 8);
    assert_eq!(report.retried, refused, "each refused message tried again once, with the renewed token");
    assert_eq!(pusher.metrics().figures(PushProvider::Fcm), figures(12, refused as u64, 0, 1));

    // 56 minutes on, the token has less than five minutes left: the next batch renews it
    // first, without a refusal.
    clock.advance(time::Duration::minutes(56));
    let before = fcm_fake.seen().len();
    let report = pusher.send(vec![message(PushProvider::Fcm, "ok-later")]).await;
    assert_eq!((report.sent, report.retried), (1, 0));
    assert_eq!(google.issued(), 3);
    assert_eq!(fcm_fake.seen()[before].header("authorization"), "Bearer ya29.test-3");
    assert!(google.problems.lock().unwrap().is_empty());
}

#[tokio::test]
async fn credentials_that_stay_refused_stop_the_batch_after_one_renewal() {
    let (clock, _sleeper, policy) = test_time();
    let google = TokenEndpoint::start(clock.clone(), 3600).await;
    let fcm_fake = Fake::start(|_| fcm_error(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR")).await;
    let account = ServiceAccount::from_json(&google.service_account_json()).unwrap();
    let fcm =
        FcmGateway::with_service_account(&fcm_fake.base, &account, clock.clone()).unwrap().with_concurrency(4).with_retry(policy.clone());
    let pusher = Pusher::new(Gateways { fcm: Some(Arc::new(fcm)), ..Gateways::default() });
    let batch: Vec<PushMessage> = (0..50).map(|i| message(PushProvider::Fcm, &format!("ok-{i}"))).collect();
    let report = pusher.send(batch).await;
    assert_eq!((report.sent, report.failed), (0, 50));
    assert!(matches!(report.errors.as_slice(), [(PushProvider::Fcm, PushError::Unauthorized { status: 401, .. })]), "{:?}", report.errors);
    assert_eq!(google.issued(), 2, "renewed once, not in a loop");
    assert!(fcm_fake.seen().len() <= 8, "{} requests: the batch stopped", fcm_fake.seen().len());
    assert_eq!(pusher.metrics().figures(PushProvider::Fcm).failed, 50);

    // A key Google refuses stops the batch at once.
    let refused =
        ServiceAccount::from_json(&google.service_account_json().replace(CLIENT_EMAIL, "someone@else.iam.gserviceaccount.com")).unwrap();
    let fcm = FcmGateway::with_service_account(&fcm_fake.base, &refused, clock.clone()).unwrap().with_retry(policy.clone());
    let err = fcm.send(&[message(PushProvider::Fcm, "ok-1")]).await.unwrap_err();
    assert!(matches!(err, PushError::Unauthorized { status: 400, ref detail } if detail.starts_with("invalid_grant")), "{err}");

    // APNs: an invalid provider token (a wrong key id) is not renewed; an expired one that
    // stays expired is renewed once.
    let apns_fake = Fake::start(|seen| {
        let reason = if seen.path.ends_with("/a1") { "InvalidProviderToken" } else { "ExpiredProviderToken" };
        (403, vec![], json!({"reason": reason}).to_string())
    })
    .await;
    let key = ApnsKey::from_p8(APNS_KEY, KEY_ID, TEAM_ID).unwrap();
    let apns = ApnsGateway::with_key(&apns_fake.base, TOPIC, key, clock.clone()).unwrap().with_retry(policy);
    let err = apns.send(&[message(PushProvider::Apns, "a1")]).await.unwrap_err();
    assert!(matches!(err, PushError::Unauthorized { status: 403, ref detail } if detail == "InvalidProviderToken"), "{err}");
    assert_eq!(apns_fake.seen().len(), 1);
    let err = apns.send(&[message(PushProvider::Apns, "b2")]).await.unwrap_err();
    assert!(matches!(err, PushError::Unauthorized { status: 403, ref detail } if detail == "ExpiredProviderToken"), "{err}");
    assert_eq!(apns_fake.seen().len(), 3, "sent, renewed, sent again, stopped");
}

#[tokio::test]
async fn a_429_storm_is_waited_out_as_retry_after_asks() {
    let (clock, sleeper, policy) = test_time();
    let (calls, accepted) = (Arc::new(AtomicUsize::new(0)), Arc::new(Mutex::new(Vec::new())));
    let fcm_fake = {
        let (calls, accepted) = (calls.clone(), accepted.clone());
        Fake::start(move |seen| {
            if calls.fetch_add(1, Ordering::SeqCst) < 6 {
                let (status, _, body) = fcm_error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED");
                (status, vec![("retry-after", "7".into())], body)
            } else {
                accepted.lock().unwrap().push(fcm_token(seen));
                (200, vec![], "{}".into())
            }
        })
        .await
    };
    let fcm = FcmGateway::new(&fcm_fake.base, "civic-hue", "ya29.given").unwrap().with_concurrency(2).with_retry(policy);
    let pusher = Pusher::new(Gateways { fcm: Some(Arc::new(fcm)), ..Gateways::default() });
    let start = clock.now();
    let report = pusher.send((0..4).map(|i| message(PushProvider::Fcm, &format!("ok-{i}"))).collect()).await;
    assert_eq!((report.sent, report.failed), (4, 0));
    let mut delivered = accepted.lock().unwrap().clone();
    delivered.sort();
    assert_eq!(delivered, ["ok-0", "ok-1", "ok-2", "ok-3"], "each once");
    assert_eq!(fcm_fake.seen().len(), 10);
    assert_eq!(report.retried, 6);
    // Every wait was at least what the service asked, and the batch held back together.
    let slept = sleeper.slept();
    assert!(!slept.is_empty() && slept.iter().all(|d| *d >= Duration::from_secs(7)), "{slept:?}");
    assert!(clock.now() - start >= time::Duration::seconds(21), "three rounds of 429 at least");
    assert_eq!(pusher.metrics().figures(PushProvider::Fcm), figures(4, 6, 0, 0));
}

#[tokio::test]
async fn a_500_is_tried_again_until_it_goes_and_a_gone_endpoint_is_forgotten() {
    let (clock, sleeper, policy) = test_time();
    let failed_once = Arc::new(Mutex::new(HashSet::new()));
    let distributor = {
        let failed_once = failed_once.clone();
        Fake::start(move |seen| match seen.path.as_str() {
            "/up/gone" => (404, vec![], String::new()),
            "/up/date" if failed_once.lock().unwrap().insert(seen.path.clone()) => {
                // Retry-After as an HTTP date: a minute after the test clock's now.
                (503, vec![("retry-after", "Tue, 20 Oct 2026 03:01:00 GMT".into())], String::new())
            }
            "/up/always" => (500, vec![], String::new()),
            p if failed_once.lock().unwrap().insert(p.to_owned()) => (500, vec![], String::new()),
            _ => (201, vec![], String::new()),
        })
        .await
    };
    let up = UnifiedPushGateway::new().allow_http(true).with_retry(policy.clone());
    let pusher = Pusher::new(Gateways { unified_push: Some(Arc::new(up)), ..Gateways::default() });
    let at = |path: &str| message(PushProvider::UnifiedPush, &format!("{}{path}", distributor.base));
    let report = pusher.send(vec![at("/up/a"), at("/up/b"), at("/up/gone"), at("/up/date")]).await;
    assert_eq!((report.sent, report.failed, report.retried), (3, 0, 3));
    assert_eq!(report.gone.len(), 1);
    assert!(report.gone[0].ends_with("/up/gone"));
    // The date was honoured: a wait longer than the back-off's cap (30 s), and the message
    // tried again only after it.
    assert!(sleeper.slept().iter().any(|d| *d > Duration::from_secs(30)), "{:?}", sleeper.slept());
    assert!(clock.now() >= datetime!(2026-10-20 03:01:00 UTC));
    assert_eq!(pusher.metrics().figures(PushProvider::UnifiedPush), figures(3, 3, 0, 1));

    // One that keeps failing: five attempts, then failed.
    let before = distributor.seen().len();
    let report = pusher.send(vec![at("/up/always")]).await;
    assert_eq!((report.sent, report.failed, report.retried), (0, 1, 4));
    assert_eq!(distributor.seen().len() - before, 5);
    assert_eq!(pusher.metrics().figures(PushProvider::UnifiedPush), figures(3, 7, 1, 1));

    // A warning ending before the service would take it again: not waited for.
    let waits = sleeper.slept().len();
    let before = distributor.seen().len();
    let report = pusher.send_until(vec![at("/up/always")], Some(clock.now() + time::Duration::milliseconds(200))).await;
    assert_eq!((report.sent, report.failed, report.retried), (0, 1, 0));
    assert_eq!(distributor.seen().len() - before, 1);
    assert_eq!(sleeper.slept().len(), waits, "no wait past the deadline");
}

#[tokio::test]
async fn the_apns_provider_token_is_signed_here_over_http2_and_renewed_after_40_minutes() {
    let (clock, _sleeper, policy) = test_time();
    let expired_once = Arc::new(AtomicUsize::new(0));
    let apns_fake = {
        let expired_once = expired_once.clone();
        Fake::start(move |seen| {
            if check_provider_token(seen.header("authorization")).is_err() {
                return (403, vec![], json!({"reason": "InvalidProviderToken"}).to_string());
            }
            match seen.path.rsplit('/').next().unwrap_or("") {
                "dead" => (410, vec![], json!({"reason": "Unregistered"}).to_string()),
                "e0" if expired_once.fetch_add(1, Ordering::SeqCst) == 0 => {
                    (403, vec![], json!({"reason": "ExpiredProviderToken"}).to_string())
                }
                _ => (200, vec![], String::new()),
            }
        })
        .await
    };
    let key = ApnsKey::from_p8(APNS_KEY, KEY_ID, TEAM_ID).unwrap();
    let apns = ApnsGateway::with_key(&apns_fake.base, TOPIC, key, clock.clone()).unwrap().with_retry(policy);
    let pusher = Pusher::new(Gateways { apns: Some(Arc::new(apns)), ..Gateways::default() });

    let report = pusher.send(vec![message(PushProvider::Apns, "a1"), message(PushProvider::Apns, "dead")]).await;
    assert_eq!((report.sent, report.gone.iter().map(|d| &**d).collect::<Vec<_>>()), (1, vec!["dev-dead"]));
    let seen = apns_fake.seen();
    assert!(seen.iter().all(|s| s.version == Version::HTTP_2), "APNs is spoken to in HTTP/2");
    assert_eq!(seen[0].header("apns-topic"), TOPIC);
    let first = seen[0].header("authorization").to_owned();
    assert_eq!(check_provider_token(&first), Ok(clock.now().unix_timestamp()));

    // 39 minutes on: the same token. 41: a new one, issued then.
    clock.advance(time::Duration::minutes(39));
    pusher.send(vec![message(PushProvider::Apns, "a2")]).await;
    assert_eq!(apns_fake.seen().last().unwrap().header("authorization"), first);
    clock.advance(time::Duration::minutes(2));
    pusher.send(vec![message(PushProvider::Apns, "a3")]).await;
    let renewed = apns_fake.seen().last().unwrap().header("authorization").to_owned();
    assert_ne!(renewed, first);
    assert_eq!(check_provider_token(&renewed), Ok(clock.now().unix_timestamp()));

    // ExpiredProviderToken: renewed at once, the message sent again.
    clock.advance(time::Duration::minutes(1));
    let report = pusher.send(vec![message(PushProvider::Apns, "e0")]).await;
    assert_eq!((report.sent, report.retried, report.errors.len()), (1, 1, 0));
    let tail: Vec<String> = apns_fake.seen().iter().rev().take(2).map(|s| s.header("authorization").to_owned()).collect();
    assert_eq!(tail[1], renewed);
    assert_ne!(tail[0], renewed);
    assert_eq!(pusher.metrics().figures(PushProvider::Apns), figures(4, 1, 0, 1));
}

/// The real server, configured with a service account and an APNs key by its flags, wakes
/// devices through the stand-ins and shows the figures on `/metrics`.
#[tokio::test]
async fn the_server_uses_its_keys_and_counts_wake_ups_on_metrics() {
    use crate::common::*;
    let dir = tempfile::tempdir().unwrap();
    // The server's own clock is the system's (shifted by the test file): the token
    // endpoint checks the assertion against it.
    let google = TokenEndpoint::start(civic_core::clock::system(), 3600).await;
    let fcm_fake = Fake::start(|seen| match fcm_token(seen).as_str() {
        "gone" => fcm_error(404, "NOT_FOUND", "UNREGISTERED"),
        _ if seen.header("authorization") == "Bearer ya29.test-1" => (200, vec![], "{}".into()),
        _ => fcm_error(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR"),
    })
    .await;
    let apns_fake = Fake::start(|seen| {
        if check_provider_token(seen.header("authorization")).is_ok() { (200, vec![], String::new()) } else { (403, vec![], String::new()) }
    })
    .await;
    let account = dir.path().join("service-account.json");
    std::fs::write(&account, google.service_account_json()).unwrap();
    let key = dir.path().join("AuthKey.p8");
    std::fs::write(&key, APNS_KEY).unwrap();
    let data = dir.path().join("data");
    let srv = TestServer::start(
        &data,
        &[
            "--fcm-service-account",
            account.to_str().unwrap(),
            "--fcm-base",
            &fcm_fake.base,
            "--apns-key",
            key.to_str().unwrap(),
            "--apns-key-id",
            KEY_ID,
            "--apns-team-id",
            TEAM_ID,
            "--apns-topic",
            TOPIC,
            "--apns-base",
            &apns_fake.base,
        ],
    );
    for (provider, token) in [("fcm", "ok-android"), ("fcm", "gone"), ("apns", "a0b1c2")] {
        let device = srv.device().await;
        let r = srv
            .http
            .put(srv.url("/api/v1/devices/me/push"))
            .bearer_auth(&device)
            .json(&json!({"provider": provider, "token": token, "anywhere": true}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let r = srv.post(&operator, "/api/v1/alerts", &crate::alerts::flood("Cảnh báo lũ", "Severe")).await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // The wake-ups go in the background: wait (boundedly) for the figures.
    let mut metrics = String::new();
    for _ in 0..200 {
        metrics = srv.get(None, "/metrics").await.text().await.unwrap();
        if metrics.contains("civic_push_sent_total{provider=\"apns\"} 1") && metrics.contains("civic_push_gone_total{provider=\"fcm\"} 1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for line in [
        "civic_push_sent_total{provider=\"fcm\"} 1",
        "civic_push_gone_total{provider=\"fcm\"} 1",
        "civic_push_failed_total{provider=\"fcm\"} 0",
        "civic_push_sent_total{provider=\"apns\"} 1",
        "civic_push_retried_total{provider=\"apns\"} 0",
        "civic_push_sent_total{provider=\"unifiedpush\"} 0",
        "# TYPE civic_push_retried_total counter",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in\n{metrics}");
    }
    assert!(google.problems.lock().unwrap().is_empty(), "{:?}", google.problems.lock().unwrap());
    assert_eq!(google.issued(), 1);
    assert!(apns_fake.seen().iter().all(|s| s.version == Version::HTTP_2));
    assert_eq!(fcm_fake.seen().iter().filter(|s| fcm_token(s) == "ok-android").count(), 1);
    srv.kill();
}
