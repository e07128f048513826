//! Shared helpers of the end-to-end tests: the real server on a loopback port, devices
//! with their own data directories, a fault-injecting TCP proxy.

pub mod proxy;

use std::path::Path;
use std::sync::Arc;

use civic_core::clock::{self, SharedClock};
use civic_core::model::{AnswerValue, FixSource, GeoFix, ReportId};
use civic_core::net::FileTokenStore;
use civic_core::sync::{Backoff, SyncOptions, Syncer};
use civic_core::{City, Civic};
use civic_server::push::{Gateways, RecordingGateway};
use clap::Parser;
use serde_json::{Value, json};

pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";
pub const CITADEL: (f64, f64) = (16.4698, 107.5786);

/// With `CIVIC_TEST_DATABASE_URL` (a PostgreSQL admin URL, see `scripts/postgres`), the
/// server of a data directory gets a PostgreSQL database of its own (the same one again
/// for the same directory); without it, SQLite in the directory.
pub fn test_database(data_dir: &Path) -> Option<String> {
    let admin = std::env::var("CIVIC_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    let key: u64 = data_dir.to_string_lossy().bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    Some(civic_server::db::ensure_postgres_database(&admin, &format!("civic_e_{key:016x}")).expect("the test database"))
}

/// A civic-server running in this process on a random loopback port.
pub struct Server {
    pub url: String,
    /// The server's database, to move time on behind its back in tests.
    pub db: civic_server::db::Db,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pub http: reqwest::Client,
}

impl Server {
    /// Starts the server on `data_dir` with its defaults (and a generous rate limit).
    pub async fn start(data_dir: &Path) -> Server {
        Self::start_with(data_dir, None, clock::system(), &[]).await
    }

    /// Starts the server with these flags besides the defaults (e.g. another city's folder).
    pub async fn start_with_flags(data_dir: &Path, flags: &[&str]) -> Server {
        Self::start_with(data_dir, None, clock::system(), flags).await
    }

    /// Starts the server reading the time from `clock` (the test's, shared with its phones,
    /// to place them all before, during and after a moment).
    pub async fn start_with_clock(data_dir: &Path, clock: SharedClock) -> Server {
        Self::start_with(data_dir, None, clock, &[]).await
    }

    /// Starts the server with every push recorded instead of sent.
    pub async fn start_recording_pushes(data_dir: &Path) -> (Server, Arc<RecordingGateway>) {
        let recorder = Arc::new(RecordingGateway::new());
        let gateways = Gateways { fallback: Some(recorder.clone()), ..Gateways::default() };
        (Self::start_with(data_dir, Some(gateways), clock::system(), &[]).await, recorder)
    }

    async fn start_with(data_dir: &Path, gateways: Option<Gateways>, clock: SharedClock, flags: &[&str]) -> Server {
        let dir = data_dir.to_string_lossy().into_owned();
        let mut args = vec![
            "civic-server".to_owned(),
            "--listen".into(),
            "127.0.0.1:0".into(),
            "--data-dir".into(),
            dir.clone(),
            "--admin-username".into(),
            ADMIN.into(),
            "--admin-password".into(),
            ADMIN_PASSWORD.into(),
            "--requests-per-minute".into(),
            "10000000".into(),
            "--campaign-sweep-secs".into(),
            "1".into(),
        ];
        if let Some(url) = test_database(data_dir) {
            args.extend(["--database-url".to_owned(), url]);
        }
        args.extend(flags.iter().map(|f| (*f).to_owned()));
        let config = civic_server::config::Config::parse_from(args);
        let gateways = match gateways {
            Some(g) => g,
            None => config.gateways(clock.clone()).expect("push gateways"),
        };
        let state = civic_server::prepare_with_parts(&config, gateways, clock).await.expect("server state");
        let db = state.db.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(civic_server::serve(listener, state, async move {
            let _ = rx.await;
        }));
        Server { url, db, shutdown: Some(tx), http: reqwest::Client::new() }
    }

    /// Runs one statement on the server's database (SQLite or PostgreSQL alike).
    pub async fn exec_sql(&self, sql: &str) {
        let sql = sql.to_owned();
        self.db.write(move |tx| tx.execute(&sql, civic_server::params![])).await.expect("statement");
    }

    /// Signs an official in.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let v: Value = self
            .http
            .post(format!("{}/api/v1/auth/login", self.url))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("session");
        v["token"].as_str().expect("token").to_owned()
    }

    /// Creates a unit officer and signs them in.
    pub async fn officer(&self, username: &str, unit: &str) -> String {
        let admin = self.login(ADMIN, ADMIN_PASSWORD).await;
        let password = format!("{username}-long-password");
        let r = self
            .http
            .post(format!("{}/api/v1/admin/officials", self.url))
            .bearer_auth(admin)
            .json(&json!({"username": username, "password": password, "roles": ["unit_officer"], "units": [unit]}))
            .send()
            .await
            .expect("create officer");
        assert!(r.status().is_success(), "create officer: {}", r.status());
        self.login(username, &password).await
    }

    /// Every public report (all pages).
    pub async fn public_reports(&self) -> Vec<Value> {
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut url = format!("{}/api/v1/public/reports?limit=200", self.url);
            if let Some(a) = &after {
                url.push_str(&format!("&after={a}"));
            }
            let page: Value = self.http.get(url).send().await.expect("list").json().await.expect("page");
            all.extend(page["items"].as_array().cloned().unwrap_or_default());
            match page["next"].as_str() {
                Some(n) => after = Some(n.to_owned()),
                None => return all,
            }
        }
    }

    /// POSTs JSON as an official.
    pub async fn post(&self, token: &str, path: &str, body: Value) -> Value {
        let r = self.http.post(format!("{}{path}", self.url)).bearer_auth(token).json(&body).send().await.expect("post");
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.expect("json")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A citizen's phone: its own data directory, token file and sync engine.
pub struct Device {
    pub civic: Civic,
    pub syncer: Arc<Syncer>,
}

/// Sync settings for tests: quick retries, short timeouts.
pub fn quick_sync() -> SyncOptions {
    SyncOptions {
        connect_timeout: std::time::Duration::from_secs(2),
        request_timeout: std::time::Duration::from_secs(3),
        min_bytes_per_second: 64 * 1024,
        backoff: Backoff { base: std::time::Duration::from_millis(5), cap: std::time::Duration::from_millis(50) },
    }
}

impl Device {
    /// A phone whose data is in `dir`, syncing with `server_url`.
    pub fn open(dir: &Path, server_url: &str) -> Device {
        Self::open_with_clock(dir, server_url, clock::system())
    }

    /// `open`, the phone's clock being `clock`.
    pub fn open_with_clock(dir: &Path, server_url: &str, clock: SharedClock) -> Device {
        // What a phone carries: the compact boundaries, until the server sends its own.
        let city = City::hue_compact().expect("Huế");
        let civic = Civic::open_with_clock(dir, city, clock).expect("open device store");
        let tokens = Arc::new(FileTokenStore::new(dir.join("token")));
        let syncer = civic.syncer(server_url, tokens, quick_sync()).expect("syncer");
        Device { civic, syncer }
    }

    /// Captures and sends (to the outbox) a complete litter report with one photo.
    pub fn capture(&self, seed: u32) -> ReportId {
        self.capture_at(seed, CITADEL)
    }

    /// Like `capture`, at a given place.
    pub fn capture_at(&self, seed: u32, at: (f64, f64)) -> ReportId {
        let c = &self.civic;
        let id = c.start_draft().expect("draft").id;
        c.attach_photo(id, &photo(seed)).expect("photo");
        let fix = GeoFix { lat: at.0, lon: at.1, accuracy_m: 7.0, source: FixSource::Gps, fixed_at: c.now() };
        c.set_location(id, fix).expect("location");
        c.set_category(id, "litter").expect("category");
        c.set_answer(id, "amount", Some(AnswerValue::Choice("bag".into()))).expect("answer");
        c.set_description(id, &format!("Rác ở điểm số {seed}")).expect("description");
        c.send(id).expect("send").id
    }
}

/// A time as RFC 3339 in Huế's offset, as a phone or an operator in Huế writes it.
pub fn hue_time(t: time::OffsetDateTime) -> String {
    t.to_offset(time::macros::offset!(+7)).format(&time::format_description::well_known::Rfc3339).expect("format a time")
}

/// A small camera-like JPEG, different for every seed.
pub fn photo(seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(320, 240, |x, y| {
        image::Rgb([((x * 7 + seed * 13) % 256) as u8, ((y * 3 + seed) % 256) as u8, ((x ^ y ^ seed) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).expect("encode");
    out.into_inner()
}
