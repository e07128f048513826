//! The push gateways against a local stand-in for FCM, APNs and a UnifiedPush distributor:
//! what they send (method, path, headers, body) and what they make of the answers.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use civic_core::protocol::{PushProvider, PushRegistration};
use civic_core::warning::cells::cells_for_place;
use civic_core::warning::{Area, Severity};
use civic_server::push::{
    ApnsGateway, CredentialError, FcmGateway, Gateways, PushError, PushGateway, PushMessage, PushPlanner, Pusher, RecordingGateway,
    RetryPolicy, StaticToken, UnifiedPushGateway, WebPushKeys, webpush,
};
use serde_json::{Value, json};

use crate::common::*;

/// A request as the stand-in saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    headers: HashMap<String, String>,
    body: String,
    raw: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

type Respond = fn(&Seen) -> (u16, String);

struct Mock {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    max_in_flight: Arc<AtomicUsize>,
}

impl Mock {
    /// A server on a free loopback port answering every request with `respond`, after
    /// `delay`.
    async fn start(respond: Respond, delay: Duration) -> Mock {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (in_flight, max_in_flight) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let handler = {
            let (seen, in_flight, max_in_flight) = (seen.clone(), in_flight.clone(), max_in_flight.clone());
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                max_in_flight.fetch_max(now, Ordering::SeqCst);
                let request = Seen {
                    method,
                    path: uri.path_and_query().map_or(String::new(), ToString::to_string),
                    headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("?").to_owned())).collect(),
                    body: String::from_utf8_lossy(&body).into_owned(),
                    raw: body.to_vec(),
                };
                let (status, body) = respond(&request);
                seen.lock().unwrap().push(request);
                tokio::time::sleep(delay).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                (StatusCode::from_u16(status).unwrap(), body)
            }
        };
        let app = axum::Router::new().fallback(handler);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Mock { base, seen, max_in_flight }
    }

    fn seen(&self) -> Vec<Seen> {
        let mut seen = self.seen.lock().unwrap().clone();
        seen.sort_by(|a, b| (&a.path, &a.body).cmp(&(&b.path, &b.body)));
        seen
    }
}

/// A UnifiedPush subscription's receiver, as the app on the phone holds it (RFC 8291
/// Appendix A's keys): the private key, and the public key and secret it registers.
pub const RECEIVER_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
pub const P256DH: &str = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
pub const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

/// What the phone's app does with a UnifiedPush body: opens it with its private key.
pub fn open_web_push(body: &[u8]) -> Value {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).unwrap();
    let receiver = p256::SecretKey::from_slice(&b64(RECEIVER_PRIVATE)).unwrap();
    let plaintext = webpush::decrypt(body, &receiver, &b64(AUTH).try_into().unwrap()).expect("a body the receiver opens");
    serde_json::from_slice(&plaintext).unwrap()
}

fn message(provider: PushProvider, token: &str, severity: Severity) -> PushMessage {
    let keys = (provider == PushProvider::UnifiedPush).then(|| Arc::new(WebPushKeys::from_base64url(P256DH, AUTH).unwrap()));
    PushMessage {
        provider,
        token: token.into(),
        alert_id: "vn-hue-2026-0042".into(),
        severity,
        device_id: format!("dev-{token}").into(),
        keys,
        ttl_s: None,
    }
}

/// Failures for now are tried once more, at once (the waits are tested in push_credentials.rs).
fn quick() -> RetryPolicy {
    RetryPolicy { base: Duration::from_millis(1), max_delay: Duration::from_millis(2), max_attempts: 2, ..RetryPolicy::default() }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn fcm_answer(seen: &Seen) -> (u16, String) {
    let fcm_error = |code: u16, status: &str, message: &str, detail: &str| {
        let details = json!([{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": detail}]);
        json!({"error": {"code": code, "message": message, "status": status, "details": details}}).to_string()
    };
    match seen.json()["message"]["token"].as_str().unwrap_or("") {
        t if t.starts_with("ok") => (200, json!({"name": "projects/civic-hue/messages/0:1"}).to_string()),
        "gone" => (404, fcm_error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED")),
        "unregistered" => (400, fcm_error(400, "INVALID_ARGUMENT", "", "UNREGISTERED")),
        "malformed" => {
            (400, fcm_error(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token", "INVALID_ARGUMENT"))
        }
        "busy" => (503, fcm_error(503, "UNAVAILABLE", "", "UNAVAILABLE")),
        "quota" => (429, fcm_error(429, "RESOURCE_EXHAUSTED", "", "QUOTA_EXCEEDED")),
        "garbage" => (500, "<html>oops</html>".into()),
        _ => (401, fcm_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", "THIRD_PARTY_AUTH_ERROR")),
    }
}

#[tokio::test]
async fn fcm_sends_a_high_priority_data_message_and_reports_gone_tokens() {
    let mock = Mock::start(fcm_answer, Duration::ZERO).await;
    let token = Arc::new(StaticToken::new("Bearer", "ya29.access-token").unwrap());
    let fcm = FcmGateway::with_credentials(&mock.base, "civic-hue", token.clone()).unwrap().with_retry(quick());
    let tokens = ["ok-1", "ok-2", "gone", "unregistered", "malformed", "busy", "quota", "garbage", "", "ö \" \n {}"];
    let batch: Vec<PushMessage> = tokens.iter().map(|t| message(PushProvider::Fcm, t, Severity::Moderate)).collect();
    // The last two would be refused as credentials by the stand-in: send them apart.
    let outcome = fcm.send(&batch[..8]).await.unwrap();
    assert_eq!(outcome.sent, 2);
    assert_eq!(outcome.failed, 3);
    assert_eq!(sorted(outcome.invalid_tokens), ["gone", "malformed", "unregistered"]);

    // The three failures for now (busy, quota, garbage) were tried twice.
    let seen = mock.seen();
    assert_eq!(seen.len(), 11);
    let first = seen.iter().find(|s| s.json()["message"]["token"] == "ok-1").unwrap();
    assert_eq!(first.method, Method::POST);
    assert_eq!(first.path, "/v1/projects/civic-hue/messages:send");
    assert_eq!(first.header("authorization"), "Bearer ya29.access-token");
    assert_eq!(first.header("content-type"), "application/json");
    assert_eq!(
        first.json(),
        json!({"message": {"token": "ok-1", "data": {"kind": "alert", "alert": "vn-hue-2026-0042"}, "android": {"priority": "high"}}})
    );

    // Junk tokens go in the JSON as they are: the service refuses them, nothing panics.
    let err = fcm.send(&batch[8..]).await.unwrap_err();
    assert!(matches!(err, PushError::Unauthorized { status: 401, .. }), "{err}");

    // A refreshed access token is used from then on.
    token.set("ya29.new").unwrap();
    fcm.send(&batch[..1]).await.unwrap();
    assert!(mock.seen().iter().any(|s| s.header("authorization") == "Bearer ya29.new"));
    assert!(matches!(token.set("line\nbreak"), Err(CredentialError::Config(_))));
    assert!(FcmGateway::new(&mock.base, "../other", "t").is_err());
}

fn apns_answer(seen: &Seen) -> (u16, String) {
    let reason = |r: &str| json!({"reason": r}).to_string();
    match seen.path.rsplit('/').next().unwrap_or("") {
        t if t.starts_with("a") => (200, String::new()),
        "dead" => (410, json!({"reason": "Unregistered", "timestamp": 1_700_000_000_000u64}).to_string()),
        "bad0" => (400, reason("BadDeviceToken")),
        "b05e" => (429, reason("TooManyRequests")),
        "cafe" => (403, reason("ExpiredProviderToken")),
        _ => (500, reason("InternalServerError")),
    }
}

#[tokio::test]
async fn apns_sends_a_background_notification_or_an_alert_for_extreme_warnings() {
    let mock = Mock::start(apns_answer, Duration::ZERO).await;
    let token = Arc::new(StaticToken::new("bearer", "eyJhbGciOiJFUzI1NiJ9.jwt.sig").unwrap());
    let apns = ApnsGateway::with_credentials(&mock.base, "vn.gov.hue.civic", token.clone()).unwrap().with_retry(quick());
    let batch = vec![
        message(PushProvider::Apns, "a1b2c3", Severity::Severe),
        message(PushProvider::Apns, "a9f0", Severity::Extreme),
        message(PushProvider::Apns, "dead", Severity::Severe),
        message(PushProvider::Apns, "bad0", Severity::Severe),
        message(PushProvider::Apns, "b05e", Severity::Severe),
        // Junk never reaches the service (nor its path).
        message(PushProvider::Apns, "../../admin?x=1", Severity::Severe),
        message(PushProvider::Apns, "", Severity::Severe),
        message(PushProvider::Apns, "zz tôp", Severity::Severe),
    ];
    let outcome = apns.send(&batch).await.unwrap();
    assert_eq!((outcome.sent, outcome.failed), (2, 1));
    assert_eq!(sorted(outcome.invalid_tokens), ["", "../../admin?x=1", "bad0", "dead", "zz tôp"]);

    let seen = mock.seen();
    assert_eq!(
        seen.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(),
        ["/3/device/a1b2c3", "/3/device/a9f0", "/3/device/b05e", "/3/device/b05e", "/3/device/bad0", "/3/device/dead"]
    );
    let severe = &seen[0];
    assert_eq!(severe.method, Method::POST);
    assert_eq!(severe.header("apns-topic"), "vn.gov.hue.civic");
    assert_eq!(severe.header("apns-push-type"), "background");
    assert_eq!(severe.header("apns-priority"), "5");
    assert_eq!(severe.header("authorization"), "bearer eyJhbGciOiJFUzI1NiJ9.jwt.sig");
    assert_eq!(severe.json(), json!({"aps": {"content-available": 1}, "alert": "vn-hue-2026-0042"}));
    let extreme = &seen[1];
    assert_eq!((extreme.header("apns-push-type"), extreme.header("apns-priority")), ("alert", "10"));

    // An expired provider token given as it is (it cannot be renewed here) stops the batch.
    let err = apns.send(&[message(PushProvider::Apns, "cafe", Severity::Minor)]).await.unwrap_err();
    assert!(matches!(err, PushError::Unauthorized { status: 403, ref detail } if detail == "ExpiredProviderToken"), "{err}");
    token.set("renewed").unwrap();
    apns.send(&batch[..1]).await.unwrap();
    assert_eq!(mock.seen().iter().filter(|s| s.header("authorization") == "bearer renewed").count(), 1);
}

fn distributor_answer(seen: &Seen) -> (u16, String) {
    let status = match seen.path.as_str() {
        p if p.starts_with("/up/ok") => 201,
        "/up/gone" => 404,
        "/up/expired" => 410,
        "/up/busy" => 429,
        "/up/moved" => 301,
        _ => 500,
    };
    (status, String::new())
}

#[tokio::test]
async fn unified_push_posts_the_alert_id_web_push_encrypted_to_the_endpoint() {
    let mock = Mock::start(distributor_answer, Duration::ZERO).await;
    let up = UnifiedPushGateway::new().allow_http(true).with_ttl(3600).with_retry(quick());
    let at = |path: &str, severity| message(PushProvider::UnifiedPush, &format!("{}{path}", mock.base), severity);
    // Until its warning expires, in 20 minutes.
    let expiring = PushMessage { ttl_s: Some(1200), ..at("/up/ok-expiring", Severity::Minor) };
    // Registered before the keys were asked for: never sent in clear.
    let keyless = PushMessage { keys: None, ..at("/up/ok-keyless", Severity::Extreme) };
    let batch = vec![
        at("/up/ok-severe?up=1", Severity::Severe),
        at("/up/ok-moderate", Severity::Moderate),
        expiring,
        keyless,
        at("/up/gone", Severity::Severe),
        at("/up/expired", Severity::Severe),
        at("/up/busy", Severity::Severe),
        at("/up/moved", Severity::Severe),
        message(PushProvider::UnifiedPush, "not a url", Severity::Severe),
        message(PushProvider::UnifiedPush, "file:///etc/passwd", Severity::Severe),
        message(PushProvider::UnifiedPush, "", Severity::Severe),
    ];
    let outcome = up.send(&batch).await.unwrap();
    assert_eq!((outcome.sent, outcome.failed), (3, 3));
    let gone = |path: &str| format!("{}{path}", mock.base);
    assert_eq!(
        sorted(outcome.invalid_tokens),
        sorted(vec![gone("/up/gone"), gone("/up/expired"), "not a url".into(), "file:///etc/passwd".into(), String::new()])
    );

    // The busy one (429) was tried twice; the moved one (301) once: no redirect followed; the
    // keyless one never.
    let seen = mock.seen();
    assert_eq!(seen.len(), 8);
    assert!(!seen.iter().any(|s| s.path == "/up/ok-keyless"), "a message without keys is not sent in clear");
    let severe = seen.iter().find(|s| s.path == "/up/ok-severe?up=1").unwrap();
    assert_eq!(severe.method, Method::POST);
    assert_eq!((severe.header("ttl"), severe.header("urgency")), ("3600", "high"));
    assert_eq!((severe.header("content-encoding"), severe.header("content-type")), ("aes128gcm", "application/octet-stream"));
    // The distributor sees neither the alert id nor any JSON: only the phone opens it.
    assert!(!severe.body.contains("vn-hue") && severe.json().is_null());
    // The key id is the server's ephemeral public key (uncompressed), not the phone's.
    assert!(severe.raw[21] == 0x04 && severe.raw[21..86] != WebPushKeys::from_base64url(P256DH, AUTH).unwrap().p256dh()[..]);
    assert_eq!((&severe.raw[16..20], severe.raw[20]), (&4096u32.to_be_bytes()[..], 65), "record size 4096, a 65-byte key id");
    assert_eq!(open_web_push(&severe.raw), json!({"alert": "vn-hue-2026-0042"}));
    let moderate = seen.iter().find(|s| s.path == "/up/ok-moderate").unwrap();
    assert_eq!(moderate.header("urgency"), "normal");
    assert_eq!(open_web_push(&moderate.raw), json!({"alert": "vn-hue-2026-0042"}));
    // Each message its own ephemeral key and salt.
    assert_ne!(severe.raw[..86], moderate.raw[..86]);
    let expiring = seen.iter().find(|s| s.path == "/up/ok-expiring").unwrap();
    assert_eq!((expiring.header("ttl"), expiring.header("urgency")), ("1200", "normal"));

    // Plain http endpoints are refused unless allowed.
    let strict = UnifiedPushGateway::new();
    let outcome = strict.send(&batch[..1]).await.unwrap();
    assert_eq!((outcome.sent, outcome.invalid_tokens.len()), (0, 1));
    assert_eq!(mock.seen().len(), 8, "nothing more was sent");
}

#[tokio::test]
async fn an_unreachable_service_fails_the_messages_without_error() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let fcm = FcmGateway::new(&base, "civic-hue", "t").unwrap().with_retry(quick());
    let outcome = fcm.send(&[message(PushProvider::Fcm, "ok", Severity::Severe)]).await.unwrap();
    assert_eq!((outcome.sent, outcome.failed, outcome.invalid_tokens.len(), outcome.retried), (0, 1, 0, 1));
    let up = UnifiedPushGateway::new().allow_http(true).with_retry(quick());
    let outcome = up.send(&[message(PushProvider::UnifiedPush, &format!("{base}/up"), Severity::Severe)]).await.unwrap();
    assert_eq!((outcome.sent, outcome.failed), (0, 1));
    // A slow service: the client's timeout ends the wait.
    let slow = Mock::start(distributor_answer, Duration::from_secs(5)).await;
    let client = reqwest::Client::builder().timeout(Duration::from_millis(200)).build().unwrap();
    let up = UnifiedPushGateway::new().allow_http(true).with_client(client).with_retry(quick());
    let outcome = up.send(&[message(PushProvider::UnifiedPush, &format!("{}/up/ok", slow.base), Severity::Severe)]).await.unwrap();
    assert_eq!((outcome.sent, outcome.failed), (0, 1));
}

#[tokio::test]
async fn sending_is_concurrent_but_bounded() {
    let mock = Mock::start(distributor_answer, Duration::from_millis(30)).await;
    let up = UnifiedPushGateway::new().allow_http(true).with_concurrency(4);
    let batch: Vec<PushMessage> =
        (0..24).map(|i| message(PushProvider::UnifiedPush, &format!("{}/up/ok{i}", mock.base), Severity::Minor)).collect();
    let outcome = up.send(&batch).await.unwrap();
    assert_eq!(outcome.sent, 24);
    let most = mock.max_in_flight.load(Ordering::SeqCst);
    assert!((2..=4).contains(&most), "{most} in flight at once");
}

#[tokio::test]
async fn the_pusher_routes_by_provider_and_names_the_devices_to_forget() {
    let fcm = Arc::new(RecordingGateway::with_invalid_tokens(["fcm-gone"]));
    let fallback = Arc::new(RecordingGateway::new());
    let pusher = Pusher::new(Gateways { fcm: Some(fcm.clone()), fallback: Some(fallback.clone()), ..Gateways::default() });
    let plan = vec![
        message(PushProvider::Fcm, "fcm-1", Severity::Severe),
        message(PushProvider::Fcm, "fcm-gone", Severity::Severe),
        message(PushProvider::Apns, "abcd", Severity::Severe),
        message(PushProvider::UnifiedPush, "https://up.example/x", Severity::Severe),
    ];
    let report = pusher.send(plan).await;
    assert_eq!((report.sent, report.failed, report.unroutable), (3, 0, 0));
    assert_eq!(report.gone.iter().map(|d| &**d).collect::<Vec<_>>(), ["dev-fcm-gone"]);
    assert_eq!(fcm.messages().iter().map(|m| &*m.token).collect::<Vec<_>>(), ["fcm-1"]);
    assert_eq!(fallback.messages().iter().map(|m| m.provider).collect::<Vec<_>>(), [PushProvider::Apns, PushProvider::UnifiedPush]);

    // Without a gateway for a provider (and no fallback), its messages are unroutable.
    let only_fcm = Pusher::new(Gateways { fcm: Some(fcm.clone()), ..Gateways::default() });
    let report = only_fcm
        .send(vec![message(PushProvider::Apns, "abcd", Severity::Severe), message(PushProvider::Fcm, "fcm-2", Severity::Severe)])
        .await;
    assert_eq!((report.sent, report.unroutable), (1, 1));
    assert!(only_fcm.send(Vec::new()).await.gone.is_empty());
}

#[tokio::test]
async fn a_warning_wakes_the_devices_near_it_through_every_service() {
    let fcm_mock = Mock::start(fcm_answer, Duration::ZERO).await;
    let apns_mock = Mock::start(apns_answer, Duration::ZERO).await;
    let up_mock = Mock::start(distributor_answer, Duration::ZERO).await;
    let pusher = Pusher::new(Gateways {
        fcm: Some(Arc::new(FcmGateway::new(&fcm_mock.base, "civic-hue", "at").unwrap())),
        apns: Some(Arc::new(ApnsGateway::new(&apns_mock.base, "vn.gov.hue.civic", "jwt").unwrap())),
        unified_push: Some(Arc::new(UnifiedPushGateway::new().allow_http(true))),
        fallback: None,
    });

    let citadel = cells_for_place(16.4698, 107.5786, 500.0);
    let a_luoi = cells_for_place(16.2530, 107.2330, 500.0);
    let reg = |provider, token: String, cells: &Vec<String>| {
        let keys = (provider == PushProvider::UnifiedPush).then_some((P256DH.to_owned(), AUTH.to_owned()));
        PushRegistration {
            provider,
            token,
            cells: cells.clone(),
            anywhere: false,
            min_severity: Severity::Minor,
            p256dh: keys.as_ref().map(|k| k.0.clone()),
            auth: keys.map(|k| k.1),
        }
    };
    let mut planner = PushPlanner::new();
    planner.upsert("android", reg(PushProvider::Fcm, "ok-android".into(), &citadel)).unwrap();
    planner.upsert("android-old", reg(PushProvider::Fcm, "gone".into(), &citadel)).unwrap();
    planner.upsert("iphone", reg(PushProvider::Apns, "a0b1".into(), &citadel)).unwrap();
    planner.upsert("iphone-far", reg(PushProvider::Apns, "a0b2".into(), &a_luoi)).unwrap();
    planner.upsert("fairphone", reg(PushProvider::UnifiedPush, format!("{}/up/ok-fp", up_mock.base), &citadel)).unwrap();
    planner.upsert("fairphone-old", reg(PushProvider::UnifiedPush, format!("{}/up/expired", up_mock.base), &citadel)).unwrap();

    let flood = Area::Polygon { points: vec![(16.44, 107.56), (16.44, 107.60), (16.48, 107.60), (16.48, 107.56), (16.44, 107.56)] };
    let plan = planner.plan("flood-1", &[flood], Severity::Severe);
    assert_eq!(plan.len(), 5);
    let report = pusher.send(plan).await;
    assert_eq!((report.sent, report.failed, report.unroutable), (3, 0, 0));
    assert_eq!(report.gone.iter().map(|d| &**d).collect::<Vec<_>>(), ["android-old", "fairphone-old"]);
    for device in &report.gone {
        assert!(planner.remove(device));
    }
    assert_eq!((fcm_mock.seen().len(), apns_mock.seen().len(), up_mock.seen().len()), (2, 1, 2));
    // The Fairphone's app opens its wake-up with its private key.
    let fairphone = up_mock.seen().into_iter().find(|s| s.path == "/up/ok-fp").unwrap();
    assert_eq!(open_web_push(&fairphone.raw), json!({"alert": "flood-1"}));
    assert_eq!(planner.len(), 4);
}

/// A device cannot make the server call inside a network through its UnifiedPush endpoint:
/// such an endpoint is refused when registered, by name and by number, and never called.
#[tokio::test]
async fn unified_push_endpoints_inside_a_network_are_refused_and_never_called() {
    let inside = [
        "https://127.0.0.1/up",
        "https://10.1.2.3/up",
        "https://192.168.1.1/up",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/up",
        "https://[fd00::1]/up",
        "https://[::ffff:127.0.0.1]/up",
        "https://localhost/up",
        "https://printer.local/up",
        "https://metadata.google.internal/computeMetadata/v1",
    ];
    // Stored before this rule (or by a server without it): the gateway forgets them unsent.
    let strict = UnifiedPushGateway::new();
    let batch: Vec<PushMessage> = inside.iter().map(|e| message(PushProvider::UnifiedPush, e, Severity::Extreme)).collect();
    let outcome = strict.send(&batch).await.unwrap();
    assert_eq!((outcome.sent, outcome.failed, outcome.invalid_tokens.len()), (0, 0, inside.len()));

    // Registering one is refused: 422 bad-token. A public https endpoint is taken.
    let dir = tempfile::tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let device = srv.device().await;
    let register = |token: &str| {
        srv.http
            .put(srv.url("/api/v1/devices/me/push"))
            .bearer_auth(&device)
            .json(&json!({"provider": "unified_push", "token": token, "anywhere": true, "p256dh": P256DH, "auth": AUTH}))
            .send()
    };
    for endpoint in inside.iter().chain(&["http://ntfy.sh/up-plain"]) {
        assert_problem(register(endpoint).await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, "bad-token").await;
    }
    assert!(register("https://ntfy.sh/upAbC123?up=1").await.unwrap().status().is_success());
}
