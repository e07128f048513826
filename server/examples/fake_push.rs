//! Bench only (`bench/push.sh`): a local stand-in for the push services' ends that answers
//! at once and counts.
//!
//! ```text
//! fake_push [ADDR] [--threads N]
//! ```
//!
//! Listens on ADDR (default `127.0.0.1:0`; HTTP/1.1, and HTTP/2 with prior knowledge, as
//! APNs is reached) and prints `listening on http://ADDR` as its first line, like
//! civic-server does. Answers:
//! - `POST /token`: Google's token endpoint (no check of the assertion): an access token
//!   for an hour;
//! - `POST /v1/projects/{project}/messages:send`: FCM HTTP v1, 200;
//! - `POST /3/device/{token}`: APNs, 200;
//! - `POST /up…`: a UnifiedPush distributor, 201;
//! - `GET /count`: `requests=… fcm=… apns=… unifiedpush=… token=… other=… first_ms=… last_ms=…`,
//!   the wake-ups received so far by kind and the Unix times in milliseconds of the first
//!   and the last (0 before any); `/count` itself is not counted.
//!
//! `--threads`: the runtime's worker threads (default: one per core).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

#[derive(Default)]
struct Counts {
    fcm: AtomicU64,
    apns: AtomicU64,
    unified_push: AtomicU64,
    token: AtomicU64,
    other: AtomicU64,
    first_ms: AtomicU64,
    last_ms: AtomicU64,
}

impl Counts {
    fn wake_up(&self, kind: &AtomicU64) {
        kind.fetch_add(1, Ordering::Relaxed);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        let _ = self.first_ms.compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed);
        self.last_ms.fetch_max(now, Ordering::Relaxed);
    }

    fn line(&self) -> String {
        let [fcm, apns, up, token, other, first, last] =
            [&self.fcm, &self.apns, &self.unified_push, &self.token, &self.other, &self.first_ms, &self.last_ms]
                .map(|c| c.load(Ordering::Relaxed));
        format!(
            "requests={} fcm={fcm} apns={apns} unifiedpush={up} token={token} other={other} first_ms={first} last_ms={last}\n",
            fcm + apns + up
        )
    }
}

async fn answer(State(counts): State<Arc<Counts>>, method: Method, uri: Uri, _body: Bytes) -> Response {
    let path = uri.path();
    match (method, path) {
        (Method::GET, "/count") => counts.line().into_response(),
        (Method::POST, "/token") => {
            counts.token.fetch_add(1, Ordering::Relaxed);
            let token = r#"{"access_token":"ya29.bench","expires_in":3600,"token_type":"Bearer"}"#;
            ([("content-type", "application/json")], token).into_response()
        }
        (Method::POST, p) if p.starts_with("/v1/projects/") && p.ends_with("/messages:send") => {
            counts.wake_up(&counts.fcm);
            ([("content-type", "application/json")], r#"{"name":"projects/bench/messages/1"}"#).into_response()
        }
        (Method::POST, p) if p.starts_with("/3/device/") => {
            counts.wake_up(&counts.apns);
            StatusCode::OK.into_response()
        }
        (Method::POST, p) if p.starts_with("/up") => {
            counts.wake_up(&counts.unified_push);
            StatusCode::CREATED.into_response()
        }
        _ => {
            counts.other.fetch_add(1, Ordering::Relaxed);
            StatusCode::NOT_FOUND.into_response()
        }
    }
}

fn main() {
    let mut addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut threads = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let parsed = match a.as_str() {
            "--threads" => args.next().and_then(|n| n.parse::<usize>().ok()).map(|n| threads = Some(n.max(1))),
            _ => a.parse().ok().map(|a| addr = a),
        };
        if parsed.is_none() {
            eprintln!("fake_push: bad argument {a:?}\nusage: fake_push [ADDR] [--threads N]");
            std::process::exit(2);
        }
    }
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = threads {
        runtime.worker_threads(n);
    }
    let runtime = runtime.enable_all().build().unwrap_or_else(|e| {
        eprintln!("fake_push: {e}");
        std::process::exit(1)
    });
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap_or_else(|e| {
            eprintln!("fake_push: listen on {addr}: {e}");
            std::process::exit(1)
        });
        let local = listener.local_addr().map_or_else(|_| addr.to_string(), |a| a.to_string());
        println!("listening on http://{local}");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let app = axum::Router::new().fallback(answer).with_state(Arc::new(Counts::default()));
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("fake_push: {e}");
            std::process::exit(1);
        }
    });
}
