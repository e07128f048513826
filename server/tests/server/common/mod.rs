//! A real civic-server on a random loopback port with its own data directory, and a
//! small client that speaks its API.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use civic_core::model::{AnswerValue, Answers, FixSource, GeoFix, ReportId};
use civic_core::protocol::{ReportReceipt, SubmitReport};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";
/// Huế citadel.
pub const CITADEL: (f64, f64) = (16.4698, 107.5786);
/// The People's Committee of Phú Xuân, the citadel's ward: who handles litter there.
pub const PHU_XUAN_COMMITTEE: &str = "ubnd-19753";

/// With `CIVIC_TEST_DATABASE_URL` (a PostgreSQL admin URL, see `scripts/postgres`), the
/// database of a data directory: one per directory, created on first use, so that a test
/// restarting its server on the same directory finds its data again. Without it: None, and
/// the server uses SQLite in the directory.
pub fn test_database(data_dir: &Path) -> Option<String> {
    let admin = std::env::var("CIVIC_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    let name = format!("civic_t_{}", &sha256(data_dir.to_string_lossy().as_bytes())[..20]);
    Some(civic_server::db::ensure_postgres_database(&admin, &name).expect("the test database"))
}

pub struct TestServer {
    pub child: Child,
    pub base: String,
    pub data_dir: PathBuf,
    pub http: Client,
}

impl TestServer {
    /// Starts the server binary on `data_dir` with extra flags.
    pub fn start(data_dir: &Path, extra: &[&str]) -> Self {
        Self::start_with_env(data_dir, extra, &[])
    }

    /// `start`, with these environment variables set for the server.
    pub fn start_with_env(data_dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_civic-server"));
        cmd.envs(env.iter().copied());
        if let Some(url) = test_database(data_dir) {
            cmd.args(["--database-url", &url]);
        }
        let mut child = cmd
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .arg("--clock-offset-file")
            .arg(clock_file(data_dir))
            .args(["--admin-username", ADMIN, "--admin-password", ADMIN_PASSWORD])
            .args(extra)
            .env("CIVIC_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start civic-server");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read the listening line");
        let base = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected first line {line:?}")).to_owned();
        TestServer { child, base, data_dir: data_dir.to_owned(), http: Client::new() }
    }

    /// Now by the server's clock: the system's, shifted by what this test moved it.
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + Duration::seconds(clock_offset(&self.data_dir))
    }

    /// Moves the server's clock by `by` (it runs on from there), to place the test after
    /// (or before) a moment: a campaign's end, a session's, a warning's expiry.
    pub fn advance_clock(&self, by: Duration) {
        let offset = clock_offset(&self.data_dir) + by.whole_seconds();
        std::fs::write(clock_file(&self.data_dir), offset.to_string()).expect("write the clock's offset");
    }

    /// Runs one statement on the server's own database, behind its back: the SQLite file in
    /// the data directory, or its PostgreSQL database.
    pub fn exec_sql(&self, sql: &str) {
        exec_sql_at(&self.data_dir, sql);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Kills the process at once (SIGKILL): no graceful anything.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Registers a citizen's device and returns its token.
    pub async fn device(&self) -> String {
        let r = self.http.post(self.url("/api/v1/devices")).json(&json!({"platform": "test"})).send().await.expect("register");
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json::<Value>().await.expect("json")["token"].as_str().expect("token").to_owned()
    }

    /// Signs in an official.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let r = self
            .http
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), StatusCode::OK, "login {username}");
        r.json::<Value>().await.expect("json")["token"].as_str().expect("token").to_owned()
    }

    /// Creates a unit officer through the admin API and signs them in; their password is
    /// `{username}-password-long`.
    pub async fn officer(&self, username: &str, units: &[&str]) -> String {
        self.official(username, "unit_officer", units).await
    }

    /// Creates an operator of the operations centre, as `officer` does.
    pub async fn operator(&self, username: &str) -> String {
        self.official(username, "operator", &[]).await
    }

    async fn official(&self, username: &str, role: &str, units: &[&str]) -> String {
        let admin = self.login(ADMIN, ADMIN_PASSWORD).await;
        let password = format!("{username}-password-long");
        let r = self
            .http
            .post(self.url("/api/v1/admin/officials"))
            .bearer_auth(&admin)
            .json(&json!({"username": username, "password": password, "roles": [role], "units": units}))
            .send()
            .await
            .expect("create official");
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap_or_default());
        self.login(username, &password).await
    }

    /// Uploads a photo; returns its hash.
    pub async fn upload(&self, token: &str, bytes: &[u8]) -> String {
        let hash = sha256(bytes);
        let r = self.put_photo(token, &hash, bytes.to_vec()).await;
        assert!(r.status().is_success(), "upload: {}", r.status());
        hash
    }

    pub async fn put_photo(&self, token: &str, hash: &str, bytes: Vec<u8>) -> Response {
        self.http
            .put(self.url(&format!("/api/v1/photos/{hash}")))
            .bearer_auth(token)
            .header("content-type", "image/jpeg")
            .body(bytes)
            .send()
            .await
            .expect("put photo")
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> Response {
        self.http.post(self.url(path)).bearer_auth(token).json(body).send().await.expect("post")
    }

    pub async fn get(&self, token: Option<&str>, path: &str) -> Response {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("get")
    }

    /// Submits a report and returns the receipt.
    pub async fn submit(&self, token: &str, report: &SubmitReport) -> ReportReceipt {
        let r = self.http.post(self.url("/api/v1/reports")).bearer_auth(token).json(report).send().await.expect("submit");
        assert!(r.status().is_success(), "submit: {} {}", r.status(), r.text().await.unwrap_or_default());
        r.json().await.expect("receipt")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The file the server reads its clock's offset from (`--clock-offset-file`): in the data
/// directory, so a server restarted on it keeps the time the test gave it.
fn clock_file(data_dir: &Path) -> PathBuf {
    data_dir.join("test-clock-offset")
}

fn clock_offset(data_dir: &Path) -> i64 {
    std::fs::read_to_string(clock_file(data_dir)).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0)
}

/// A time as RFC 3339 in Huế's offset, as a phone or an operator in Huế writes it.
pub fn hue_time(t: OffsetDateTime) -> String {
    t.to_offset(time::macros::offset!(+7)).format(&time::format_description::well_known::Rfc3339).expect("format a time")
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A camera-like JPEG.
pub fn jpeg(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([((x * 3 + seed) % 256) as u8, ((y * 5) % 256) as u8, (((x ^ y) + seed * 7) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).expect("encode");
    out.into_inner()
}

/// A litter report at `at` with these photos.
pub fn litter_report(at: (f64, f64), photos: Vec<String>) -> SubmitReport {
    let mut answers = Answers::new();
    answers.insert("amount".into(), AnswerValue::Choice("bag".into()));
    let now = time::OffsetDateTime::now_utc();
    SubmitReport {
        id: ReportId::new(),
        category: "litter".into(),
        location: GeoFix { lat: at.0, lon: at.1, accuracy_m: 6.0, source: FixSource::Gps, fixed_at: now },
        description: "Rác đổ trên vỉa hè đường Lê Duẩn".into(),
        anonymous: false,
        answers,
        photos,
        captured_at: now,
        alerts: Vec::new(),
    }
}

/// Checks a response is a problem document with this status and type suffix.
pub async fn assert_problem(r: Response, status: StatusCode, kind: &str) -> Value {
    assert_eq!(r.status(), status);
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(ct, "application/problem+json");
    let body: Value = r.json().await.expect("problem json");
    let t = body["type"].as_str().unwrap_or_default();
    assert!(t.ends_with(&format!("/{kind}")), "type {t} is not {kind}: {body}");
    assert_eq!(body["status"], status.as_u16());
    body
}

/// Runs statements on the database of the server of `data_dir` (running or not): the SQLite
/// file in the data directory, or its PostgreSQL database.
pub fn exec_sql_at(data_dir: &Path, sql: &str) {
    match test_database(data_dir) {
        Some(url) => {
            let sql = sql.to_owned();
            std::thread::spawn(move || {
                let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
                c.batch_execute(&sql).expect("statement");
            })
            .join()
            .expect("run the statement");
        }
        None => {
            let db = rusqlite::Connection::open(data_dir.join("civic.sqlite3")).expect("open the database");
            db.execute_batch(sql).expect("statement");
        }
    }
}

/// Takes the schema of the database of `data_dir` back to `version`, undoing each later
/// migration (newest first), as a release that only knew `version` left it. The data the
/// later migrations would have written is the caller's to set.
pub fn downgrade_schema(data_dir: &Path, version: u32) {
    // What only PostgreSQL's migrations did.
    let undo_postgres: &[(u32, &str)] = &[(13, "DROP FUNCTION civic_report_number;"), (12, "DROP INDEX change_by_position;")];
    let undo: &[(u32, &str)] = &[
        (12, "ALTER TABLE change_log DROP COLUMN tx;"),
        (11, "ALTER TABLE push_registration DROP COLUMN p256dh; ALTER TABLE push_registration DROP COLUMN auth;"),
        (10, "DROP TABLE idempotency;"),
        (9, "ALTER TABLE timeline_event DROP COLUMN rating;"),
        (
            8,
            "DROP INDEX report_by_ward;
             ALTER TABLE report DROP COLUMN ward_code;
             ALTER TABLE report DROP COLUMN ward_vi;
             ALTER TABLE report DROP COLUMN ward_en;",
        ),
    ];
    let postgres = test_database(data_dir).is_some();
    let undo_here = undo_postgres.iter().filter(|_| postgres).chain(undo);
    let mut sql: String = undo_here.filter(|(v, _)| *v > version).map(|(_, s)| *s).collect::<Vec<_>>().join("\n");
    sql.push_str(&if postgres {
        format!("UPDATE schema_version SET version = {version};")
    } else {
        format!("PRAGMA user_version = {version};")
    });
    exec_sql_at(data_dir, &sql);
}
