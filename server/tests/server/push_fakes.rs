//! Local stand-ins for the push services' ends: Google's token endpoint (checking the
//! assertion with the public half of a test key pair), FCM, APNs (over HTTP/2) and a
//! UnifiedPush distributor; and a sleeper that moves a test clock on instead of waiting.
//! The key pairs in `fixtures/` were made for these tests only.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, Version};
use civic_core::clock::{SharedClock, TestClock};
use civic_core::protocol::PushProvider;
use civic_core::warning::Severity;
use civic_server::push::{PushMessage, RetryPolicy, Sleeper, WebPushKeys};

use super::push::{AUTH, P256DH};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

pub const GOOGLE_KEY: &str = include_str!("fixtures/test-google-key.pem");
pub const GOOGLE_PUBLIC_KEY: &str = include_str!("fixtures/test-google-key.pub.pem");
pub const APNS_KEY: &str = include_str!("fixtures/test-apns-key.p8");
pub const APNS_PUBLIC_KEY: &str = include_str!("fixtures/test-apns-key.pub.pem");
pub const CLIENT_EMAIL: &str = "civic-push@civic-hue.iam.gserviceaccount.com";
pub const KEY_ID: &str = "ABC123DEFG";
pub const TEAM_ID: &str = "DEF123GHIJ";
pub const TOPIC: &str = "vn.gov.hue.civic";

/// A request as a stand-in saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub path: String,
    pub version: Version,
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A stand-in's answer: status, headers, body.
pub type Reply = (u16, Vec<(&'static str, String)>, String);

/// A server on a free loopback port (HTTP/1.1, and HTTP/2 with prior knowledge) answering
/// each request with `respond`.
pub struct Fake {
    pub base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Fake {
    pub async fn start(respond: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Fake {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let respond = Arc::new(respond);
        let handler = {
            let seen = seen.clone();
            move |method: Method, version: Version, uri: Uri, headers: HeaderMap, body: Bytes| async move {
                let request = Seen {
                    method,
                    version,
                    path: uri.path_and_query().map_or(String::new(), ToString::to_string),
                    headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("?").to_owned())).collect(),
                    body: String::from_utf8_lossy(&body).into_owned(),
                };
                let (status, headers, body) = respond(&request);
                seen.lock().unwrap().push(request);
                let mut out = axum::http::Response::builder().status(StatusCode::from_u16(status).unwrap());
                for (k, v) in headers {
                    out = out.header(k, v);
                }
                out.body(axum::body::Body::from(body)).unwrap()
            }
        };
        let app = axum::Router::new().fallback(handler);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Fake { base, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Google's token endpoint: checks the assertion (signature with the test key's public
/// half, claims, grant type) and issues `ya29.test-N`, lasting `lifetime_s`. What it found
/// wrong goes in `problems`.
pub struct TokenEndpoint {
    pub fake: Fake,
    pub issued: Arc<AtomicUsize>,
    pub problems: Arc<Mutex<Vec<String>>>,
}

impl TokenEndpoint {
    pub async fn start(clock: SharedClock, lifetime_s: u64) -> TokenEndpoint {
        let (issued, problems) = (Arc::new(AtomicUsize::new(0)), Arc::new(Mutex::new(Vec::new())));
        let token_uri = Arc::new(Mutex::new(String::new()));
        let fake = {
            let (issued, problems, token_uri) = (issued.clone(), problems.clone(), token_uri.clone());
            Fake::start(move |seen| {
                let aud = token_uri.lock().unwrap().clone();
                match check_assertion(seen, &aud, clock.now()) {
                    Ok(()) => {
                        let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
                        let token = json!({"access_token": format!("ya29.test-{n}"), "expires_in": lifetime_s, "token_type": "Bearer"});
                        (200, vec![("content-type", "application/json".into())], token.to_string())
                    }
                    Err(problem) => {
                        problems.lock().unwrap().push(problem.clone());
                        (400, vec![], json!({"error": "invalid_grant", "error_description": problem}).to_string())
                    }
                }
            })
            .await
        };
        *token_uri.lock().unwrap() = format!("{}/token", fake.base);
        TokenEndpoint { fake, issued, problems }
    }

    pub fn token_uri(&self) -> String {
        format!("{}/token", self.fake.base)
    }

    /// The service account's JSON key, naming this endpoint.
    pub fn service_account_json(&self) -> String {
        json!({
            "type": "service_account",
            "project_id": "civic-hue",
            "private_key_id": "0123456789abcdef",
            "private_key": GOOGLE_KEY,
            "client_email": CLIENT_EMAIL,
            "client_id": "1234567890",
            "token_uri": self.token_uri(),
        })
        .to_string()
    }

    pub fn issued(&self) -> usize {
        self.issued.load(Ordering::SeqCst)
    }
}

fn check_assertion(seen: &Seen, aud: &str, now: OffsetDateTime) -> Result<(), String> {
    if seen.method != Method::POST || seen.path != "/token" {
        return Err(format!("{} {}", seen.method, seen.path));
    }
    if !seen.header("content-type").starts_with("application/x-www-form-urlencoded") {
        return Err(format!("content-type {}", seen.header("content-type")));
    }
    let form: HashMap<String, String> = serde_urlencoded::from_str(&seen.body).map_err(|e| e.to_string())?;
    if form.get("grant_type").map(String::as_str) != Some("urn:ietf:params:oauth:grant-type:jwt-bearer") {
        return Err(format!("grant_type {:?}", form.get("grant_type")));
    }
    let assertion = form.get("assertion").ok_or("no assertion")?;
    let mut validation = Validation::new(Algorithm::RS256);
    // Checked below against the test's clock, not the system's.
    validation.validate_exp = false;
    validation.set_audience(&[aud]);
    validation.set_issuer(&[CLIENT_EMAIL]);
    validation.set_required_spec_claims(&["exp", "iat", "aud", "iss"]);
    let key = DecodingKey::from_rsa_pem(GOOGLE_PUBLIC_KEY.as_bytes()).map_err(|e| e.to_string())?;
    let claims = jsonwebtoken::decode::<Value>(assertion, &key, &validation).map_err(|e| format!("assertion: {e}"))?.claims;
    if claims["scope"] != "https://www.googleapis.com/auth/firebase.messaging" {
        return Err(format!("scope {}", claims["scope"]));
    }
    let (iat, exp) = (claims["iat"].as_i64().unwrap_or(0), claims["exp"].as_i64().unwrap_or(0));
    if (iat - now.unix_timestamp()).abs() > 5 || exp != iat + 3600 {
        return Err(format!("iat {iat} exp {exp} at {}", now.unix_timestamp()));
    }
    Ok(())
}

/// Checks an APNs provider token: ES256 with the test key, `kid`, `iss`; its `iat`.
pub fn check_provider_token(authorization: &str) -> Result<i64, String> {
    let token = authorization.strip_prefix("bearer ").ok_or("not a bearer token")?;
    let header = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
    if header.alg != Algorithm::ES256 || header.kid.as_deref() != Some(KEY_ID) {
        return Err(format!("header {header:?}"));
    }
    let mut validation = Validation::new(Algorithm::ES256);
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["iss", "iat"]);
    validation.set_issuer(&[TEAM_ID]);
    let key = DecodingKey::from_ec_pem(APNS_PUBLIC_KEY.as_bytes()).map_err(|e| e.to_string())?;
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation).map_err(|e| e.to_string())?.claims;
    claims["iat"].as_i64().ok_or_else(|| "no iat".into())
}

/// Waits by moving the test clock on, and writes down every wait.
pub struct FakeSleeper {
    clock: Arc<TestClock>,
    slept: Mutex<Vec<Duration>>,
}

impl FakeSleeper {
    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap().clone()
    }
}

impl Sleeper for FakeSleeper {
    fn sleep(&self, d: Duration) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'static>> {
        self.slept.lock().unwrap().push(d);
        self.clock.advance(time::Duration::try_from(d).unwrap());
        Box::pin(tokio::task::yield_now())
    }
}

/// A test clock stopped on a day in the flood season, the sleeper that moves it, and a
/// retry policy on both: one second doubling to 30, five attempts, an hour's window.
pub fn test_time() -> (Arc<TestClock>, Arc<FakeSleeper>, RetryPolicy) {
    let clock = TestClock::stopped(datetime!(2026-10-20 03:00 UTC));
    let sleeper = Arc::new(FakeSleeper { clock: clock.clone(), slept: Mutex::default() });
    let policy = RetryPolicy {
        base: Duration::from_secs(1),
        max_delay: Duration::from_secs(30),
        max_attempts: 5,
        window: Duration::from_secs(3600),
        clock: clock.clone(),
        sleeper: sleeper.clone(),
    };
    (clock, sleeper, policy)
}

pub fn message(provider: PushProvider, token: &str) -> PushMessage {
    PushMessage {
        provider,
        token: token.into(),
        alert_id: "vn-hue-2026-0042".into(),
        severity: Severity::Severe,
        device_id: format!("dev-{token}").into(),
        // FCM and APNs carry their own encryption; Web Push keys are UnifiedPush's.
        keys: (provider == PushProvider::UnifiedPush).then(|| Arc::new(WebPushKeys::from_base64url(P256DH, AUTH).expect("test keys"))),
        ttl_s: None,
    }
}
