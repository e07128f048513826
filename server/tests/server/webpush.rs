//! The Web Push keys of a UnifiedPush registration (RFC 8291): required and checked when a
//! device registers, kept across a restart, and what its wake-ups are encrypted to.

use std::sync::Arc;

use civic_core::protocol::PushProvider;
use civic_server::push::{Gateways, RecordingGateway, WebPushKeys, webpush};
use clap::Parser;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::*;
use crate::push::{AUTH, P256DH, open_web_push};

const ENDPOINT: &str = "https://ntfy.sh/upAbC123?up=1";

#[tokio::test]
async fn unified_push_needs_well_formed_keys_and_fcm_and_apns_need_none() {
    let dir = tempfile::tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let device = srv.device().await;
    let register = |body: Value| srv.http.put(srv.url("/api/v1/devices/me/push")).bearer_auth(&device).json(&body).send();
    let up = |p256dh: Option<&str>, auth: Option<&str>| {
        let mut body = json!({"provider": "unified_push", "token": ENDPOINT, "anywhere": true});
        if let Some(k) = p256dh {
            body["p256dh"] = json!(k);
        }
        if let Some(a) = auth {
            body["auth"] = json!(a);
        }
        body
    };
    let compressed = {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        let point = WebPushKeys::from_base64url(P256DH, AUTH).unwrap().p256dh();
        let point = p256::PublicKey::from_sec1_bytes(&point).unwrap().to_encoded_point(true);
        base64_url(point.as_bytes())
    };
    let mut off_curve = WebPushKeys::from_base64url(P256DH, AUTH).unwrap().p256dh();
    off_curve[64] ^= 1;
    let refused: Vec<(&str, Value, &str)> = vec![
        ("no keys", up(None, None), "p256dh and auth"),
        ("no auth", up(Some(P256DH), None), "p256dh and auth"),
        ("no p256dh", up(None, Some(AUTH)), "p256dh and auth"),
        ("p256dh not base64url", up(Some("BCVx+r7N/eNg"), Some(AUTH)), "p256dh"),
        ("p256dh compressed", up(Some(&compressed), Some(AUTH)), "p256dh"),
        ("p256dh off the curve", up(Some(&base64_url(&off_curve)), Some(AUTH)), "p256dh"),
        ("auth of 15 bytes", up(Some(P256DH), Some(&base64_url(&[7; 15]))), "auth"),
        ("auth empty", up(Some(P256DH), Some("")), "auth"),
        ("keys swapped", up(Some(AUTH), Some(P256DH)), "p256dh"),
    ];
    for (what, body, named) in refused {
        let problem = assert_problem(register(body).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "bad-token").await;
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(named), "{what}: the detail names {named}: {detail}");
    }
    // Well-formed keys: taken, with or without base64 padding.
    assert_eq!(register(up(Some(P256DH), Some(AUTH))).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(register(up(Some(P256DH), Some(&format!("{AUTH}==")))).await.unwrap().status(), StatusCode::NO_CONTENT);
    // FCM and APNs wake without Web Push: no keys needed.
    for (provider, token) in [("fcm", "fcm-token-1"), ("apns", "a1b2c3d4")] {
        let r = register(json!({"provider": provider, "token": token, "anywhere": true})).await.unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{provider}");
    }

    // The API document describes both keys.
    let doc: Value = srv.get(None, "/api/v1/openapi.json").await.json().await.unwrap();
    let properties = &doc["components"]["schemas"]["PushRegistration"]["properties"];
    for key in ["p256dh", "auth"] {
        let description = properties[key]["description"].as_str().unwrap_or_default();
        assert!(description.contains("UnifiedPush") && description.contains("base64url"), "{key}: {}", properties[key]);
    }
    let required = doc["components"]["schemas"]["PushRegistration"]["required"].as_array().cloned().unwrap_or_default();
    assert!(!required.contains(&json!("p256dh")) && !required.contains(&json!("auth")), "optional on the wire: {required:?}");
    srv.kill();
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The server in this process on `dir`, every push recorded.
async fn start(
    dir: &std::path::Path,
) -> (String, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<std::io::Result<()>>, Arc<RecordingGateway>) {
    let mut args = vec!["civic-server", "--listen", "127.0.0.1:0", "--admin-username", ADMIN, "--admin-password", ADMIN_PASSWORD];
    let data_dir = dir.to_string_lossy().into_owned();
    args.extend(["--data-dir", &data_dir]);
    // SQLite in the directory (a real file), or the test's PostgreSQL database.
    let database = test_database(dir);
    if let Some(url) = &database {
        args.extend(["--database-url", url]);
    }
    let config = civic_server::config::Config::parse_from(args);
    let recorder = Arc::new(RecordingGateway::new());
    let gateways = Gateways { fallback: Some(recorder.clone()), ..Gateways::default() };
    let state = civic_server::prepare_with_parts(&config, gateways, civic_core::clock::system()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(civic_server::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    (url, stop, task, recorder)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keys_survive_a_restart_and_the_wake_up_after_it_is_encrypted_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let (url, stop, task, _) = start(dir.path()).await;
    let r = http.post(format!("{url}/api/v1/devices")).json(&json!({"platform": "android"})).send().await.unwrap();
    let device = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let body = json!({"provider": "unified_push", "token": ENDPOINT, "anywhere": true, "p256dh": P256DH, "auth": AUTH});
    let r = http.put(format!("{url}/api/v1/devices/me/push")).bearer_auth(&device).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
    if test_database(dir.path()).is_none() {
        assert!(dir.path().join("civic.sqlite3").is_file());
    }

    // Restarted on the same file: the registration is read back, keys and all.
    let (url, _stop, _task, pushes) = start(dir.path()).await;
    let login = json!({"username": ADMIN, "password": ADMIN_PASSWORD});
    let r = http.post(format!("{url}/api/v1/auth/login")).json(&login).send().await.unwrap();
    let operator = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let flood = crate::alerts::flood("Cảnh báo lũ", "Severe");
    let r = http.post(format!("{url}/api/v1/alerts")).bearer_auth(&operator).json(&flood).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let alert = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let mut woken = Vec::new();
    for _ in 0..200 {
        woken = pushes.messages();
        if !woken.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(woken.len(), 1, "the device is woken once");
    let m = &woken[0];
    assert_eq!((m.provider, &*m.token, &*m.alert_id), (PushProvider::UnifiedPush, ENDPOINT, alert.as_str()));
    let keys = m.keys.as_deref().expect("the keys, read back from the database");
    assert_eq!(*keys, WebPushKeys::from_base64url(P256DH, AUTH).unwrap());
    // Kept by the distributor until the warning expires (in 12 hours), not a day.
    assert!(m.ttl_s.is_some_and(|s| s <= 12 * 3600 && s > 11 * 3600), "{:?}", m.ttl_s);
    // What the gateway would send, the phone opens.
    let body = webpush::encrypt(json!({"alert": alert}).to_string().as_bytes(), keys).unwrap();
    assert_eq!(open_web_push(&body), json!({"alert": alert}));
}

/// Woken devices' tokens once the recorder has `n` messages (or after 10 s).
async fn woken(pushes: &RecordingGateway, n: usize) -> Vec<String> {
    for _ in 0..200 {
        if pushes.messages().len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut tokens: Vec<String> = pushes.messages().iter().map(|m| m.token.to_string()).collect();
    tokens.sort();
    tokens
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unified_push_registration_stored_before_the_keys_is_not_woken_until_it_registers_again() {
    let dir = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let (url, stop, task, _) = start(dir.path()).await;
    let mut devices = Vec::new();
    for body in [
        json!({"provider": "unified_push", "token": ENDPOINT, "anywhere": true, "p256dh": P256DH, "auth": AUTH}),
        json!({"provider": "fcm", "token": "fcm-token-1", "anywhere": true}),
    ] {
        let r = http.post(format!("{url}/api/v1/devices")).json(&json!({"platform": "android"})).send().await.unwrap();
        let device = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
        let r = http.put(format!("{url}/api/v1/devices/me/push")).bearer_auth(&device).json(&body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        devices.push((device, body));
    }
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();

    // As the release before schema 11 left it: the registrations without their keys.
    downgrade_schema(dir.path(), 10);
    let (url, _stop, _task, pushes) = start(dir.path()).await;
    let login = json!({"username": ADMIN, "password": ADMIN_PASSWORD});
    let r = http.post(format!("{url}/api/v1/auth/login")).json(&login).send().await.unwrap();
    let operator = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let publish =
        || http.post(format!("{url}/api/v1/alerts")).bearer_auth(&operator).json(&crate::alerts::flood("Cảnh báo lũ", "Severe")).send();
    assert_eq!(publish().await.unwrap().status(), StatusCode::CREATED);
    // The FCM device is woken; the UnifiedPush one is skipped (logged), never sent in clear.
    assert_eq!(woken(&pushes, 1).await, ["fcm-token-1"]);

    // Registering again (as the app does on its next start) brings it back.
    let (device, body) = &devices[0];
    let r = http.put(format!("{url}/api/v1/devices/me/push")).bearer_auth(device).json(body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(pushes.messages().len(), 1, "nothing more came of the first warning");
    pushes.clear();
    assert_eq!(publish().await.unwrap().status(), StatusCode::CREATED);
    assert_eq!(woken(&pushes, 2).await, ["fcm-token-1", ENDPOINT]);
    assert!(pushes.messages().iter().any(|m| m.provider == PushProvider::UnifiedPush && m.keys.is_some()));
}
