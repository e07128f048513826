//! Infrastructure below every layer: the running server's parts that hold no rules: the
//! limits a deployment tunes, where photos are kept, the metrics, the rate limiter and the
//! clock tests move. The services' shared state (`service::AppState`) is made of these.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use civic_core::clock::Clock;
use time::OffsetDateTime;

/// Limits a deployment may tune.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body, in bytes (a photo upload is the largest).
    pub max_body_bytes: usize,
    /// Largest photo, in pixels, before decoding.
    pub max_photo_pixels: u64,
    /// Requests per minute per token (or per address without one).
    pub requests_per_minute: u32,
    /// How far from the report an after-photo may be taken, in metres.
    pub after_photo_radius_m: f64,
    /// How long after an outcome the citizen may reopen, in days.
    pub reopen_days: i64,
    /// Ratings at or below this flag the report for the operations centre.
    pub low_rating: u8,
    /// Photos decoded at once (each may take tens of MiB while it is).
    pub photo_workers: usize,
    /// How long an upload may wait for a decoding slot before the server answers 503.
    pub photo_queue_wait_ms: u64,
    /// The address the public reaches this server at, for links in feeds (default: the
    /// request's Host).
    pub public_url: Option<String>,
    /// Keys Open311 clients may submit with (`api_key`); none: Open311 is read-only.
    pub open311_api_keys: Vec<String>,
    /// `jurisdiction_id`s Open311 accepts besides the city's code and the public host.
    pub open311_jurisdiction_ids: Vec<String>,
    /// A Nominatim-compatible `/search` URL for Open311's `address_string` (none: refused).
    pub geocoder_url: Option<String>,
    /// Let Open311's `media_url` reach loopback and private addresses (tests only).
    pub media_fetch_private: bool,
    /// How often ended campaigns are checked for spots to hand over, in seconds.
    pub campaign_sweep_secs: u64,
    /// The web pages' map tiles: an `{z}/{x}/{y}` URL template (OpenStreetMap's by default).
    pub tile_url: String,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 20 * 1024 * 1024,
            max_photo_pixels: 50_000_000,
            requests_per_minute: 600,
            after_photo_radius_m: 200.0,
            reopen_days: 14,
            low_rating: 2,
            photo_workers: std::thread::available_parallelism().map_or(2, |n| n.get()) * 2,
            photo_queue_wait_ms: 10_000,
            public_url: None,
            open311_api_keys: Vec::new(),
            geocoder_url: None,
            campaign_sweep_secs: 60,
            open311_jurisdiction_ids: Vec::new(),
            media_fetch_private: false,
            tile_url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".to_owned(),
        }
    }
}

/// The system's clock shifted by the seconds written in a file, read at each look (tests
/// move the server's time by writing it: `--clock-offset-file`).
#[derive(Debug)]
pub struct FileOffsetClock {
    path: PathBuf,
}

impl FileOffsetClock {
    pub fn new(path: PathBuf) -> Self {
        FileOffsetClock { path }
    }
}

impl Clock for FileOffsetClock {
    fn now(&self) -> OffsetDateTime {
        let seconds = std::fs::read_to_string(&self.path).ok().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or(0);
        OffsetDateTime::now_utc() + time::Duration::seconds(seconds)
    }
}

/// Where the stored photos (stripped JPEGs, named by their SHA-256) live: a local folder
/// (the default), or an S3-compatible bucket that every server process shares.
#[derive(Clone)]
pub enum PhotoStore {
    Local(PhotoDir),
    Object { store: Arc<dyn object_store::ObjectStore>, prefix: String },
}

impl PhotoStore {
    /// `s3://BUCKET[/PREFIX]` (credentials, region and endpoint from the usual `AWS_*`
    /// variables), or None for the folder under the data directory.
    pub fn open(url: Option<&str>, data_dir: &Path) -> Result<Self, String> {
        let Some(url) = url else {
            return PhotoDir::new(data_dir.join("photos")).map(PhotoStore::Local).map_err(|e| format!("photo folder: {e}"));
        };
        let rest = url.strip_prefix("s3://").ok_or_else(|| format!("unsupported --photo-store {url:?}: use s3://BUCKET/PREFIX"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!("--photo-store {url:?} names no bucket"));
        }
        let store = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| format!("photo store {url}: {e}"))?;
        Ok(PhotoStore::Object { store: Arc::new(store), prefix: prefix.trim_matches('/').to_owned() })
    }

    fn key(prefix: &str, hash: &str) -> Option<object_store::path::Path> {
        valid_hash(hash).then(|| {
            let name = format!("{}/{hash}.jpg", &hash[..2]);
            object_store::path::Path::from(if prefix.is_empty() { name } else { format!("{prefix}/{name}") })
        })
    }

    /// Stores the photo (durably, before this returns) unless it is there already.
    pub async fn put(&self, hash: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        match self {
            PhotoStore::Local(dir) => {
                let (dir, hash) = (dir.clone(), hash.to_owned());
                tokio::task::spawn_blocking(move || dir.put(&hash, &bytes)).await.map_err(std::io::Error::other)?
            }
            PhotoStore::Object { store, prefix } => {
                let key = Self::key(prefix, hash).ok_or_else(|| std::io::Error::other("bad photo hash"))?;
                // Content-addressed: writing the same name again writes the same bytes.
                store.put(&key, bytes.into()).await.map(|_| ()).map_err(std::io::Error::other)
            }
        }
    }

    /// The photo's bytes, if stored.
    pub async fn get(&self, hash: &str) -> std::io::Result<Option<Vec<u8>>> {
        match self {
            PhotoStore::Local(dir) => {
                let (dir, hash) = (dir.clone(), hash.to_owned());
                tokio::task::spawn_blocking(move || dir.get(&hash)).await.map_err(std::io::Error::other)?
            }
            PhotoStore::Object { store, prefix } => {
                let Some(key) = Self::key(prefix, hash) else { return Ok(None) };
                match store.get(&key).await {
                    Ok(found) => Ok(Some(found.bytes().await.map_err(std::io::Error::other)?.to_vec())),
                    Err(object_store::Error::NotFound { .. }) => Ok(None),
                    Err(e) => Err(std::io::Error::other(e)),
                }
            }
        }
    }
}

/// Only ever a 64-hex-digit name: nothing a client sends can walk a file system or a bucket.
fn valid_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Photos on local disk, content-addressed: `photos/ab/abcdef….jpg`.
#[derive(Clone)]
pub struct PhotoDir {
    root: PathBuf,
}

impl PhotoDir {
    pub fn new(root: PathBuf) -> std::io::Result<Self> {
        std::fs::create_dir_all(&root)?;
        Ok(PhotoDir { root })
    }

    fn path(&self, hash: &str) -> Option<PathBuf> {
        if !valid_hash(hash) {
            return None;
        }
        Some(self.root.join(&hash[..2]).join(format!("{hash}.jpg")))
    }

    /// Writes the photo durably (temp file, fsync, rename) unless it is there already.
    pub fn put(&self, hash: &str, bytes: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        let path = self.path(hash).ok_or_else(|| std::io::Error::other("bad photo hash"))?;
        if path.exists() {
            return Ok(());
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        // A name of its own: the same photo may be arriving on several connections at once
        // (a phone retrying on a flaky link), each writing its own copy; renaming one over
        // another leaves the same bytes.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!(".{hash}.{}.{n}.tmp", std::process::id()));
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        std::fs::File::open(dir)?.sync_all()
    }

    /// The photo's bytes, if stored.
    pub fn get(&self, hash: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Some(path) = self.path(hash) else { return Ok(None) };
        match std::fs::read(path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Counters for `/metrics` (Prometheus text format).
#[derive(Default)]
pub struct Metrics {
    pub requests: AtomicU64,
    pub responses_4xx: AtomicU64,
    pub responses_5xx: AtomicU64,
    pub rate_limited: AtomicU64,
    pub reports_created: AtomicU64,
    pub reports_replayed: AtomicU64,
    pub photos_stored: AtomicU64,
    pub status_changes: AtomicU64,
    /// Wake-ups per push service (sent, retried, failed, gone).
    pub push: Arc<crate::push::PushMetrics>,
}

impl Metrics {
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus exposition.
    pub fn render(&self) -> String {
        let rows = [
            ("civic_http_requests_total", "HTTP requests received", &self.requests),
            ("civic_http_responses_4xx_total", "Responses with a 4xx status", &self.responses_4xx),
            ("civic_http_responses_5xx_total", "Responses with a 5xx status", &self.responses_5xx),
            ("civic_rate_limited_total", "Requests refused with 429", &self.rate_limited),
            ("civic_reports_created_total", "Reports created", &self.reports_created),
            ("civic_reports_replayed_total", "Report submissions answered from an earlier identical one", &self.reports_replayed),
            ("civic_photos_stored_total", "Photos stored", &self.photos_stored),
            ("civic_status_changes_total", "Status changes by officials", &self.status_changes),
        ];
        let mut out = String::new();
        for (name, help, v) in rows {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n", v.load(Ordering::Relaxed)));
        }
        self.push.render(&mut out);
        out
    }
}

/// A token bucket per caller: `requests_per_minute`, with a burst of a tenth of it.
pub struct RateLimiter {
    per_minute: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        RateLimiter { per_minute: f64::from(per_minute.max(1)), buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one request from `key`'s bucket, or says how many seconds to wait.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let burst = (self.per_minute / 10.0).max(10.0);
        let rate = self.per_minute / 60.0;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > 100_000 {
            // Forget idle callers rather than grow without bound.
            buckets.retain(|_, (_, at)| now.duration_since(*at).as_secs() < 120);
        }
        let (tokens, at) = buckets.entry(key.to_owned()).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}
