//! A closed-loop load generator for civic-server (and the `hello` example, its ceiling).
//!
//! ```text
//! loadgen URL[,URL…] SCENARIO --concurrency N --seconds S [--ops N] [--photos DIR] [--pool N]
//! loadgen gen-photos DIR --count N [--phone]
//! ```
//!
//! Scenarios:
//! - `create-report`: each operation is one new report with its own new camera-like JPEG
//!   (~300 KB, 2000×1500): `PUT /api/v1/photos/{sha256}`, then `POST /api/v1/reports`.
//!   The pair counts as one operation; the two latencies are also recorded apart.
//! - `create-report-nophoto`: each operation is `POST /api/v1/reports` alone, naming one
//!   photo uploaded once before the timed window: the database's write path without
//!   the photo pipeline's CPU work.
//! - `create-phone`: the same with photos as the app sends them: each camera-like JPEG
//!   first run through the core's pipeline (`civic_core::photo::process`, default options:
//!   1600×1200, q80, JFIF only, ~100-200 KB), as `gen-photos --phone` writes them.
//! - `public-list`: `GET /api/v1/public/reports?limit=50`, anonymous.
//! - `public-list-304`: the same with `If-None-Match` set to the list's ETag (as a CDN or a
//!   phone revalidates): 304, no body.
//! - `empty-sync`: `GET /api/v1/sync?cursor=…` by a device already up to date.
//! - `hello`: `GET /`.
//!
//! N workers each run one request after another (closed loop) over a shared, reused
//! connection pool, for S seconds (or until `--ops` operations were started). Devices are
//! registered and connections opened before the timed window; so are the photos made
//! (`--pool`, or read from a folder written by `gen-photos`). Photos are all different,
//! but only per run: a fresh server may get the same pool again.
//!
//! Prints one line: `scenario=… concurrency=… ops_per_s=… p50_ms=… p99_ms=… errors=…`
//! then more `key=value` pairs. Details of the first errors go to stderr.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use civic_core::model::{AnswerValue, Answers, FixSource, GeoFix, ReportId};
use civic_core::protocol::SubmitReport;
use hdrhistogram::Histogram;
use image::RgbImage;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

/// Huế citadel.
const CITADEL: (f64, f64) = (16.4698, 107.5786);
const PHOTO_W: u32 = 2000;
const PHOTO_H: u32 = 1500;
const PHOTO_QUALITY: u8 = 80;

fn usage() -> ! {
    eprintln!(
        "usage: loadgen URL (create-report|create-phone|create-report-nophoto|public-list|public-list-304|empty-sync|hello) --concurrency N --seconds S [--ops N] [--photos DIR] [--pool N]\n       \
         loadgen gen-photos DIR --count N [--phone]"
    );
    std::process::exit(2)
}

fn parse<T: std::str::FromStr>(flag: &str, v: Option<String>) -> T {
    v.and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        eprintln!("loadgen: {flag} needs a number");
        usage()
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scenario {
    CreateReport,
    /// create-report with photos made by the app's pipeline.
    CreatePhone,
    CreateReportNoPhoto,
    PublicList,
    PublicList304,
    EmptySync,
    Hello,
}

impl Scenario {
    fn creates(self) -> bool {
        matches!(self, Scenario::CreateReport | Scenario::CreatePhone)
    }

    fn name(self) -> &'static str {
        match self {
            Scenario::CreateReport => "create-report",
            Scenario::CreatePhone => "create-phone",
            Scenario::CreateReportNoPhoto => "create-report-nophoto",
            Scenario::PublicList => "public-list",
            Scenario::PublicList304 => "public-list-304",
            Scenario::EmptySync => "empty-sync",
            Scenario::Hello => "hello",
        }
    }
}

struct Args {
    url: String,
    scenario: Scenario,
    concurrency: usize,
    seconds: f64,
    ops: Option<u64>,
    photos: Option<PathBuf>,
    pool: Option<usize>,
}

fn main() {
    let mut argv = std::env::args().skip(1);
    let first = argv.next().unwrap_or_else(|| usage());
    if first == "gen-photos" {
        let dir = PathBuf::from(argv.next().unwrap_or_else(|| usage()));
        let mut count = 0usize;
        let mut phone = false;
        while let Some(flag) = argv.next() {
            match flag.as_str() {
                "--count" => count = parse("--count", argv.next()),
                "--phone" => phone = true,
                _ => usage(),
            }
        }
        let t = std::time::Instant::now();
        let photos = make_photos(0, count, phone);
        std::fs::create_dir_all(&dir).expect("photo folder");
        let mut total = 0;
        for (i, (hash, bytes)) in photos.iter().enumerate() {
            total += bytes.len();
            std::fs::write(dir.join(format!("{i:06}-{hash}.jpg")), bytes).expect("write photo");
        }
        eprintln!(
            "loadgen: wrote {count} photos ({}, mean {} KB) to {} in {:.1} s",
            if phone { "as the app makes them" } else { "2000x1500" },
            total / count.max(1) / 1024,
            dir.display(),
            t.elapsed().as_secs_f64()
        );
        return;
    }
    let scenario = match argv.next().as_deref() {
        Some("create-report") => Scenario::CreateReport,
        Some("create-phone") => Scenario::CreatePhone,
        Some("create-report-nophoto") => Scenario::CreateReportNoPhoto,
        Some("public-list") => Scenario::PublicList,
        Some("public-list-304") => Scenario::PublicList304,
        Some("empty-sync") => Scenario::EmptySync,
        Some("hello") => Scenario::Hello,
        _ => usage(),
    };
    let mut args =
        Args { url: first.trim_end_matches('/').to_owned(), scenario, concurrency: 1, seconds: 10.0, ops: None, photos: None, pool: None };
    while let Some(flag) = argv.next() {
        match flag.as_str() {
            "--concurrency" => args.concurrency = parse::<usize>(&flag, argv.next()).max(1),
            "--seconds" => args.seconds = parse(&flag, argv.next()),
            "--ops" => args.ops = Some(parse(&flag, argv.next())),
            "--photos" => args.photos = Some(PathBuf::from(argv.next().unwrap_or_else(|| usage()))),
            "--pool" => args.pool = Some(parse(&flag, argv.next())),
            _ => usage(),
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    std::process::exit(runtime.block_on(run(args)));
}

// ---------------------------------------------------------------------------------------
// Photos

/// A camera-like scene: soft light, a few edges, sensor noise. Deterministic.
fn base_image() -> RgbImage {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 56) as i32 - 128
    };
    RgbImage::from_fn(PHOTO_W, PHOTO_H, |x, y| {
        let (fx, fy) = (x as f32 / PHOTO_W as f32, y as f32 / PHOTO_H as f32);
        // Sky above, pavement below, a kerb line and some "bricks".
        let (mut r, mut g, mut b) = if fy < 0.35 {
            (120.0 + 60.0 * fy, 160.0 + 40.0 * fy, 220.0 - 30.0 * fx)
        } else {
            let brick = if ((x / 40) + (y / 20)) % 2 == 0 { 18.0 } else { -12.0 };
            (110.0 + brick + 30.0 * fx, 100.0 + brick * 0.8, 90.0 + 20.0 * fy)
        };
        if (0.35..0.37).contains(&fy) {
            (r, g, b) = (200.0, 200.0, 190.0);
        }
        let wave = 14.0 * ((x as f32 * 0.031).sin() * (y as f32 * 0.017).cos());
        let n = [noise(), noise(), noise()];
        let px = |v: f32, n: i32| (v + wave + (n as f32) * 0.05).clamp(0.0, 255.0) as u8;
        image::Rgb([px(r, n[0]), px(g, n[1]), px(b, n[2])])
    })
}

/// Photo number `i`: the base scene with a few pixels changed to spell `i`, as a JPEG;
/// with `phone`, as the app sends it (through the core's pipeline).
fn photo(base: &RgbImage, i: u64, phone: bool) -> (String, Bytes) {
    let mut img = base.clone();
    // 64 bits, each a 6×6 square near the top-left corner.
    for bit in 0..64u32 {
        let on = (i >> bit) & 1 == 1;
        let (bx, by) = (16 + (bit % 16) * 8, 16 + (bit / 16) * 8);
        for dy in 0..6 {
            for dx in 0..6 {
                let v = if on { 250 } else { 5 };
                img.put_pixel(bx + dx, by + dy, image::Rgb([v, v, v]));
            }
        }
    }
    if phone {
        // The camera's JPEG by the core's (faster) encoder, then the app's pipeline.
        let camera = civic_core::photo::sample::encode_jpeg(img.as_raw(), PHOTO_W as u16, PHOTO_H as u16, 92, &[]);
        let made = civic_core::photo::process(&camera, &civic_core::photo::PhotoOptions::default()).expect("the app's pipeline");
        return (made.sha256, Bytes::from(made.jpeg));
    }
    let mut out = Vec::with_capacity(400 * 1024);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, PHOTO_QUALITY).encode_image(&img).expect("encode jpeg");
    let hash = Sha256::digest(&out).iter().map(|b| format!("{b:02x}")).collect();
    (hash, Bytes::from(out))
}

/// Photos `start..start+count`, made on all cores.
fn make_photos(start: usize, count: usize, phone: bool) -> Vec<(String, Bytes)> {
    let base = base_image();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(count.max(1));
    let made = Mutex::new(Vec::with_capacity(count));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let p = photo(&base, (start + i) as u64, phone);
                    made.lock().expect("lock").push((i, p));
                }
            });
        }
    });
    let mut made = made.into_inner().expect("lock");
    made.sort_by_key(|(i, _)| *i);
    made.into_iter().map(|(_, p)| p).collect()
}

fn read_photos(dir: &Path) -> Vec<(String, Bytes)> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("photo folder {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            let hash = stem.rsplit('-').next().unwrap_or_default().to_owned();
            (hash, Bytes::from(std::fs::read(&p).expect("read photo")))
        })
        .collect()
}

/// The photos of a run: a pool made before the timed window, then (if it runs out) new
/// ones made on the spot, which is counted and reported.
struct Photos {
    pool: Vec<(String, Bytes)>,
    next: AtomicUsize,
    base: Arc<RgbImage>,
    phone: bool,
    made_late: AtomicU64,
}

impl Photos {
    async fn take(&self) -> (String, Bytes) {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        if let Some(p) = self.pool.get(i) {
            return p.clone();
        }
        self.made_late.fetch_add(1, Ordering::Relaxed);
        let (base, phone) = (self.base.clone(), self.phone);
        tokio::task::spawn_blocking(move || photo(&base, i as u64, phone)).await.expect("photo task")
    }
}

// ---------------------------------------------------------------------------------------
// The load

struct Ctx {
    /// One or more servers (processes on one database); worker `i` uses `urls[i % n]`.
    urls: Vec<String>,
    scenario: Scenario,
    http: reqwest::Client,
    photos: Option<Photos>,
    ops_limit: Option<u64>,
    started: AtomicU64,
    errors: Mutex<Vec<String>>,
    photo_known: AtomicU64,
    /// create-report-nophoto: the one photo every report names (uploaded at setup).
    shared_photo: Option<(String, Bytes)>,
}

struct Stats {
    total: Histogram<u64>,
    photo: Histogram<u64>,
    report: Histogram<u64>,
    ok: u64,
    errors: u64,
}

impl Stats {
    fn new() -> Self {
        let h = || Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("histogram");
        Stats { total: h(), photo: h(), report: h(), ok: 0, errors: 0 }
    }
    fn merge(&mut self, o: &Stats) {
        self.total.add(&o.total).expect("merge");
        self.photo.add(&o.photo).expect("merge");
        self.report.add(&o.report).expect("merge");
        self.ok += o.ok;
        self.errors += o.errors;
    }
}

fn us(d: Duration) -> u64 {
    (d.as_micros() as u64).clamp(1, 3_600_000_000)
}

/// What one successful operation took: in all, and (create-report) its two requests.
struct Timing {
    total: Duration,
    parts: Option<(Duration, Duration)>,
}

async fn send(req: reqwest::RequestBuilder, what: &str, ok: &[u16]) -> Result<(u16, Bytes), String> {
    let r = req.send().await.map_err(|e| format!("{what}: {e}"))?;
    let status = r.status().as_u16();
    let body = r.bytes().await.map_err(|e| format!("{what}: body: {e}"))?;
    if ok.contains(&status) {
        Ok((status, body))
    } else {
        Err(format!("{what}: HTTP {status}: {}", String::from_utf8_lossy(&body[..body.len().min(300)])))
    }
}

fn new_report(photo: String) -> SubmitReport {
    let now = time::OffsetDateTime::now_utc();
    let jitter = || (rand::random::<f64>() * 2.0 - 1.0) * 0.002;
    let mut answers = Answers::new();
    answers.insert("amount".into(), AnswerValue::Choice("bag".into()));
    SubmitReport {
        id: ReportId::new(),
        category: "litter".into(),
        location: GeoFix { lat: CITADEL.0 + jitter(), lon: CITADEL.1 + jitter(), accuracy_m: 6.0, source: FixSource::Gps, fixed_at: now },
        description: "Rác đổ trên vỉa hè gần cửa Thượng Tứ (load test)".into(),
        anonymous: false,
        answers,
        photos: vec![photo],
        captured_at: now,
        alerts: Vec::new(),
    }
}

/// What a worker holds from its setup: a device's token, and where its sync stands.
#[derive(Default)]
struct Session {
    token: Option<String>,
    cursor: Option<String>,
}

const PUBLIC_LIST: &str = "/api/v1/public/reports?limit=50";

async fn operation(ctx: &Ctx, url: &str, session: &Session) -> Result<Timing, String> {
    let token = session.token.as_deref();
    match ctx.scenario {
        Scenario::Hello => {
            let t0 = Instant::now();
            send(ctx.http.get(format!("{url}/")), "GET /", &[200]).await?;
            Ok(Timing { total: t0.elapsed(), parts: None })
        }
        Scenario::PublicList => {
            let t0 = Instant::now();
            send(ctx.http.get(format!("{url}{PUBLIC_LIST}")), "public list", &[200]).await?;
            Ok(Timing { total: t0.elapsed(), parts: None })
        }
        Scenario::PublicList304 => {
            let etag = session.cursor.as_deref().expect("the list's ETag");
            let t0 = Instant::now();
            let get = ctx.http.get(format!("{url}{PUBLIC_LIST}")).header(reqwest::header::IF_NONE_MATCH, etag);
            send(get, "public list revalidated", &[304]).await?;
            Ok(Timing { total: t0.elapsed(), parts: None })
        }
        Scenario::EmptySync => {
            let (token, cursor) = (token.expect("device token"), session.cursor.as_deref().expect("cursor"));
            let t0 = Instant::now();
            let (_, body) = send(ctx.http.get(format!("{url}/api/v1/sync?cursor={cursor}")).bearer_auth(token), "sync", &[200]).await?;
            if !body.starts_with(b"{\"changes\":[]") {
                return Err(format!("sync: not empty: {}", String::from_utf8_lossy(&body[..body.len().min(200)])));
            }
            Ok(Timing { total: t0.elapsed(), parts: None })
        }
        Scenario::CreateReport | Scenario::CreatePhone => {
            let token = token.expect("device token");
            let (hash, bytes) = ctx.photos.as_ref().expect("photos").take().await;
            let report = new_report(hash.clone());
            let t0 = Instant::now();
            let put = ctx
                .http
                .put(format!("{url}/api/v1/photos/{hash}"))
                .bearer_auth(token)
                .header(reqwest::header::CONTENT_TYPE, "image/jpeg")
                .body(bytes);
            let (status, _) = send(put, "photo upload", &[200, 201]).await?;
            if status == 200 {
                ctx.photo_known.fetch_add(1, Ordering::Relaxed);
            }
            let t1 = Instant::now();
            let post = ctx.http.post(format!("{url}/api/v1/reports")).bearer_auth(token).json(&report);
            send(post, "report", &[201]).await?;
            let t2 = Instant::now();
            Ok(Timing { total: t2 - t0, parts: Some((t1 - t0, t2 - t1)) })
        }
        Scenario::CreateReportNoPhoto => {
            let token = token.expect("device token");
            let (hash, _) = ctx.shared_photo.as_ref().expect("shared photo");
            let report = new_report(hash.clone());
            let t0 = Instant::now();
            let post = ctx.http.post(format!("{url}/api/v1/reports")).bearer_auth(token).json(&report);
            send(post, "report", &[201]).await?;
            Ok(Timing { total: t0.elapsed(), parts: None })
        }
    }
}

/// Registers a device (create-report, empty-sync) and brings its sync up to date, or learns
/// the list's ETag, or makes one untimed request: each opens a connection.
async fn setup(ctx: Arc<Ctx>, url: String) -> Result<Session, String> {
    let json = |body: &[u8], what: &str| serde_json::from_slice::<serde_json::Value>(body).map_err(|e| format!("{what}: {e}"));
    let mut session = Session::default();
    if matches!(ctx.scenario, Scenario::CreateReport | Scenario::CreatePhone | Scenario::CreateReportNoPhoto | Scenario::EmptySync) {
        let req = ctx.http.post(format!("{url}/api/v1/devices")).json(&serde_json::json!({}));
        let (_, body) = send(req, "register device", &[201]).await?;
        session.token = Some(json(&body, "register device")?["token"].as_str().ok_or("register device: no token")?.to_owned());
    }
    match ctx.scenario {
        Scenario::EmptySync => loop {
            let token = session.token.as_deref().unwrap_or_default();
            let cursor = session.cursor.as_deref().unwrap_or("");
            let (_, body) = send(ctx.http.get(format!("{url}/api/v1/sync?cursor={cursor}")).bearer_auth(token), "sync", &[200]).await?;
            let v = json(&body, "sync")?;
            session.cursor = Some(v["cursor"].as_str().ok_or("sync: no cursor")?.to_owned());
            if v["more"] != serde_json::Value::Bool(true) {
                return Ok(session);
            }
        },
        Scenario::PublicList304 => {
            let r = ctx.http.get(format!("{url}{PUBLIC_LIST}")).send().await.map_err(|e| format!("public list: {e}"))?;
            let etag = r.headers().get(reqwest::header::ETAG).and_then(|v| v.to_str().ok()).ok_or("public list: no ETag")?;
            session.cursor = Some(etag.to_owned());
            Ok(session)
        }
        Scenario::CreateReport | Scenario::CreatePhone | Scenario::CreateReportNoPhoto => Ok(session),
        _ => operation(&ctx, &url, &session).await.map(|_| session),
    }
}

async fn worker(ctx: Arc<Ctx>, url: String, session: Session, deadline: Instant) -> Stats {
    let mut stats = Stats::new();
    loop {
        if let Some(limit) = ctx.ops_limit {
            if ctx.started.fetch_add(1, Ordering::Relaxed) >= limit {
                break;
            }
        }
        if Instant::now() >= deadline {
            break;
        }
        // An operation still running at the deadline is not counted either way.
        match tokio::time::timeout_at(deadline, operation(&ctx, &url, &session)).await {
            Err(_) => break,
            Ok(Ok(t)) => {
                stats.ok += 1;
                stats.total.saturating_record(us(t.total));
                if let Some((photo, report)) = t.parts {
                    stats.photo.saturating_record(us(photo));
                    stats.report.saturating_record(us(report));
                }
            }
            Ok(Err(e)) => {
                stats.errors += 1;
                let transport = !e.contains("HTTP ");
                {
                    let mut errors = ctx.errors.lock().expect("lock");
                    if errors.len() < 5 {
                        errors.push(e);
                    }
                }
                if transport {
                    // Server gone or refusing: do not spin.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
    }
    stats
}

fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    if h.is_empty() { f64::NAN } else { h.value_at_quantile(q) as f64 / 1000.0 }
}

async fn run(args: Args) -> i32 {
    let c = args.concurrency;
    let phone = args.scenario == Scenario::CreatePhone;
    let photos = if args.scenario.creates() {
        let t = std::time::Instant::now();
        let pool = match (&args.photos, args.pool) {
            (Some(dir), _) => read_photos(dir),
            (None, pool) => {
                // Enough for a fast server on this machine; more are made on the spot.
                let n = pool.unwrap_or_else(|| args.ops.map_or(400, |n| n as usize));
                tokio::task::spawn_blocking(move || make_photos(0, n, phone)).await.expect("photos")
            }
        };
        eprintln!("loadgen: {} photos ready in {:.1} s", pool.len(), t.elapsed().as_secs_f64());
        let base = Arc::new(tokio::task::spawn_blocking(base_image).await.expect("base image"));
        Some(Photos { pool, next: AtomicUsize::new(0), base, phone, made_late: AtomicU64::new(0) })
    } else {
        None
    };
    let shared_photo = if args.scenario == Scenario::CreateReportNoPhoto {
        tokio::task::spawn_blocking(|| make_photos(0, 1, false).pop()).await.expect("photo")
    } else {
        None
    };
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(usize::MAX)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(120))
        .build()
        .expect("http client");
    let ctx = Arc::new(Ctx {
        urls: args.url.split(',').map(|u| u.trim().trim_end_matches('/').to_owned()).filter(|u| !u.is_empty()).collect(),
        scenario: args.scenario,
        http,
        photos,
        ops_limit: args.ops,
        started: AtomicU64::new(0),
        errors: Mutex::new(Vec::new()),
        photo_known: AtomicU64::new(0),
        shared_photo,
    });

    // Before the window: devices and connections, all at once.
    let url_of = |i: usize| ctx.urls[i % ctx.urls.len()].clone();
    let setups: Vec<_> = (0..c).map(|i| tokio::spawn(setup(ctx.clone(), url_of(i)))).collect();
    let mut tokens = Vec::with_capacity(c);
    for s in setups {
        match s.await.expect("setup task") {
            Ok(t) => tokens.push(t),
            Err(e) => {
                eprintln!("loadgen: setup failed: {e}");
                return 1;
            }
        }
    }

    // create-report-nophoto: the one photo, uploaded once (all processes share its store).
    if let (Some((hash, bytes)), Some(Session { token: Some(token), .. })) = (&ctx.shared_photo, tokens.first()) {
        let put = ctx
            .http
            .put(format!("{}/api/v1/photos/{hash}", url_of(0)))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "image/jpeg")
            .body(bytes.clone());
        if let Err(e) = send(put, "photo upload", &[200, 201]).await {
            eprintln!("loadgen: setup failed: {e}");
            return 1;
        }
    }

    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(args.seconds);
    let workers: Vec<_> = tokens.into_iter().enumerate().map(|(i, t)| tokio::spawn(worker(ctx.clone(), url_of(i), t, deadline))).collect();
    let mut stats = Stats::new();
    for w in workers {
        stats.merge(&w.await.expect("worker"));
    }
    let elapsed = start.elapsed().as_secs_f64();

    let mut line = format!(
        "scenario={} concurrency={c} ops_per_s={:.1} p50_ms={:.2} p99_ms={:.2} errors={} ops={} seconds={elapsed:.1}",
        args.scenario.name(),
        stats.ok as f64 / elapsed,
        ms(&stats.total, 0.5),
        ms(&stats.total, 0.99),
        stats.errors,
        stats.ok,
    );
    if args.scenario.creates() {
        line.push_str(&format!(
            " photo_p50_ms={:.2} photo_p99_ms={:.2} report_p50_ms={:.2} report_p99_ms={:.2} max_ms={:.2}",
            ms(&stats.photo, 0.5),
            ms(&stats.photo, 0.99),
            ms(&stats.report, 0.5),
            ms(&stats.report, 0.99),
            stats.total.max() as f64 / 1000.0,
        ));
        let photos = ctx.photos.as_ref().expect("photos");
        let late = photos.made_late.load(Ordering::Relaxed);
        let known = ctx.photo_known.load(Ordering::Relaxed);
        line.push_str(&format!(" photos_made_in_window={late} photos_already_known={known}"));
    } else {
        line.push_str(&format!(" max_ms={:.2}", stats.total.max() as f64 / 1000.0));
    }
    println!("{line}");
    let errors = ctx.errors.lock().expect("lock");
    for e in errors.iter() {
        eprintln!("loadgen: error: {e}");
    }
    if stats.errors > errors.len() as u64 {
        eprintln!("loadgen: … {} errors in all", stats.errors);
    }
    0
}
