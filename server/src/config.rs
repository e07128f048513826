//! Configuration: command-line flags, each also a `CIVIC_*` environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;

use crate::state::Limits;

/// Civic's REST backend. Starts with an embedded SQLite database and a local photo folder
/// under the data directory: no setup needed.
#[derive(Debug, Clone, Parser)]
#[command(name = "civic-server", version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "CIVIC_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Where the database and photos live.
    #[arg(long, env = "CIVIC_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Database: `sqlite://PATH` (default: `civic.sqlite3` in the data directory), or
    /// `postgres://USER:PASSWORD@HOST/DB` for several server processes on one database
    /// (`?sslmode=require&sslrootcert=CA.pem` for TLS, the certificate always checked).
    #[arg(long, env = "CIVIC_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Where photos are kept: `s3://BUCKET/PREFIX` for an S3-compatible bucket every server
    /// process shares (credentials, region and endpoint from `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT`, `AWS_ALLOW_HTTP`); by default
    /// the `photos` folder in the data directory.
    #[arg(long, env = "CIVIC_PHOTO_STORE")]
    pub photo_store: Option<String>,

    /// PostgreSQL connections each server process keeps open.
    #[arg(long, env = "CIVIC_DATABASE_POOL", default_value_t = 8)]
    pub database_pool: usize,

    /// A city configuration folder (with city.json); Huế's is built in.
    #[arg(long, env = "CIVIC_CITY_DIR")]
    pub city_dir: Option<PathBuf>,

    /// Largest request body in bytes.
    #[arg(long, env = "CIVIC_MAX_BODY_BYTES", default_value_t = Limits::default().max_body_bytes)]
    pub max_body_bytes: usize,

    /// Largest photo in pixels (checked before decoding).
    #[arg(long, env = "CIVIC_MAX_PHOTO_PIXELS", default_value_t = Limits::default().max_photo_pixels)]
    pub max_photo_pixels: u64,

    /// Requests per minute per token (or per address without a token).
    #[arg(long, env = "CIVIC_REQUESTS_PER_MINUTE", default_value_t = Limits::default().requests_per_minute)]
    pub requests_per_minute: u32,

    /// Photos decoded at once (default: twice the cores).
    #[arg(long, env = "CIVIC_PHOTO_WORKERS")]
    pub photo_workers: Option<usize>,

    /// Milliseconds an upload may wait for a decoding slot before the answer is 503 busy.
    #[arg(long, env = "CIVIC_PHOTO_QUEUE_WAIT_MS", default_value_t = Limits::default().photo_queue_wait_ms)]
    pub photo_queue_wait_ms: u64,

    /// Create this admin (and operator) account at start-up if it does not exist.
    #[arg(long, env = "CIVIC_ADMIN_USERNAME", requires = "admin_password")]
    pub admin_username: Option<String>,

    /// The first admin's password (at least 12 characters). There is no default password.
    #[arg(long, env = "CIVIC_ADMIN_PASSWORD", hide_env_values = true, requires = "admin_username")]
    pub admin_password: Option<String>,

    /// Seed a handful of realistic Huế reports at different stages, and demo officials.
    #[arg(long, env = "CIVIC_DEMO")]
    pub demo: bool,

    /// The CAP `sender` of the warnings published here (default: `ioc.<city code>@civic.invalid`).
    #[arg(long, env = "CIVIC_ALERT_SENDER")]
    pub alert_sender: Option<String>,

    /// The address the public reaches this server at (e.g. `https://civic.example.org`), for
    /// links in the CAP feed; by default the request's Host.
    #[arg(long, env = "CIVIC_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// A key Open311 GeoReport v2 clients send as `api_key` to POST requests (repeat the flag,
    /// or separate with commas in the variable, for several clients). Without any, Open311
    /// is read-only.
    #[arg(long = "open311-api-key", env = "CIVIC_OPEN311_API_KEYS", value_delimiter = ',', hide_env_values = true)]
    pub open311_api_keys: Vec<String>,

    /// A `jurisdiction_id` Open311 clients may send besides the city's code (e.g. the
    /// city's domain, as listed in Open311 directories); repeat for several.
    #[arg(long = "open311-jurisdiction-id", env = "CIVIC_OPEN311_JURISDICTION_IDS", value_delimiter = ',')]
    pub open311_jurisdiction_ids: Vec<String>,

    /// A Nominatim-compatible search URL (e.g. `https://nominatim.example/search`) that
    /// Open311's `address_string` is looked up with, within the city's bounds. Without one, a
    /// request must give `lat` and `long`.
    #[arg(long, env = "CIVIC_GEOCODER_URL")]
    pub geocoder_url: Option<String>,

    /// Let Open311's `media_url` fetch from loopback and private addresses. For tests on one
    /// machine only: on a real server it would let clients reach inside the network.
    #[arg(long, hide = true)]
    pub media_fetch_private: bool,

    /// Shift the server's clock by the whole seconds written in this file (read at each
    /// look at the clock; missing or empty: no shift). For tests that place themselves
    /// before, during and after a moment: never on a real server.
    #[arg(long, hide = true)]
    pub clock_offset_file: Option<PathBuf>,

    /// How often (seconds) ended clean-up campaigns are checked: the spots left become reports.
    #[arg(long, env = "CIVIC_CAMPAIGN_SWEEP_SECS", default_value_t = Limits::default().campaign_sweep_secs)]
    pub campaign_sweep_secs: u64,

    /// Map tiles for the web pages: a `{z}/{x}/{y}` URL template. The default is
    /// OpenStreetMap's, whose tile usage policy suits a city's own site at modest traffic.
    #[arg(long, env = "CIVIC_TILE_URL", default_value_t = Limits::default().tile_url)]
    pub tile_url: String,

    /// The Firebase service account's JSON key (from the Firebase console: Project settings,
    /// Service accounts), whose Cloud Messaging wakes Android devices. Its `project_id` is
    /// the project sent to; the server gets and renews the access tokens itself with its
    /// `private_key`.
    #[arg(long, env = "CIVIC_FCM_SERVICE_ACCOUNT")]
    pub fcm_service_account: Option<PathBuf>,

    /// The APNs signing key (the `.p8` file from Apple's developer account) that wakes iOS
    /// devices; with `--apns-key-id`, `--apns-team-id` and `--apns-topic`. The server signs
    /// the provider tokens and renews them every 40 minutes.
    #[arg(long, env = "CIVIC_APNS_KEY", requires_all = ["apns_key_id", "apns_team_id", "apns_topic"])]
    pub apns_key: Option<PathBuf>,

    /// The APNs key's id (ten characters, shown with the key in Apple's developer account).
    #[arg(long, env = "CIVIC_APNS_KEY_ID", requires = "apns_key")]
    pub apns_key_id: Option<String>,

    /// The Apple developer team's id (ten characters).
    #[arg(long, env = "CIVIC_APNS_TEAM_ID", requires = "apns_key")]
    pub apns_team_id: Option<String>,

    /// The iOS app's bundle id, the APNs topic.
    #[arg(long, env = "CIVIC_APNS_TOPIC", requires = "apns_key")]
    pub apns_topic: Option<String>,

    /// Use APNs' development environment (apps built for debugging).
    #[arg(long, env = "CIVIC_APNS_SANDBOX")]
    pub apns_sandbox: bool,

    /// Send to FCM at this base URL instead of Google's: for tests against a local stand-in.
    #[arg(long, hide = true)]
    pub fcm_base: Option<String>,

    /// Send to APNs at this base URL instead of Apple's: for tests against a local stand-in.
    #[arg(long, hide = true)]
    pub apns_base: Option<String>,

    /// Send UnifiedPush wake-ups to plain `http` endpoints and private addresses too (a
    /// stand-in distributor on this machine, for benches): never on a real server.
    #[arg(long, hide = true)]
    pub unified_push_allow_http: bool,

    /// Log as JSON lines instead of text.
    #[arg(long, env = "CIVIC_LOG_JSON")]
    pub log_json: bool,
}

impl Config {
    /// The database to use: `sqlite://PATH` (by default `civic.sqlite3` in the data
    /// directory) or `postgres://USER:PASSWORD@HOST/DB`.
    pub fn database_url(&self) -> String {
        match self.database_url.as_deref() {
            Some(url) => url.to_owned(),
            None => format!("sqlite://{}", self.data_dir.join("civic.sqlite3").display()),
        }
    }

    /// The clock every rule that depends on time reads: the system's, or shifted by the
    /// test's file.
    pub fn clock(&self) -> civic_core::clock::SharedClock {
        match &self.clock_offset_file {
            Some(path) => Arc::new(crate::state::FileOffsetClock::new(path.clone())),
            None => civic_core::clock::system(),
        }
    }

    /// The push gateways these flags configure, on this clock (the credentials' times, the
    /// retries' deadlines). UnifiedPush needs no credentials and is always on; FCM and APNs
    /// only with their keys.
    pub fn gateways(&self, clock: civic_core::clock::SharedClock) -> Result<crate::push::Gateways, String> {
        use crate::push::gateway::{APNS_DEVELOPMENT, APNS_PRODUCTION, FCM_BASE};
        use crate::push::{ApnsGateway, ApnsKey, FcmGateway, RetryPolicy, ServiceAccount, UnifiedPushGateway};
        let retry = RetryPolicy::default().with_clock(clock.clone());
        let unified_push = UnifiedPushGateway::new().with_retry(retry).allow_http(self.unified_push_allow_http);
        let mut gateways = crate::push::Gateways { unified_push: Some(Arc::new(unified_push)), ..Default::default() };
        if let Some(path) = &self.fcm_service_account {
            let account = ServiceAccount::load(path).map_err(|e| format!("FCM: {e}"))?;
            let base = self.fcm_base.as_deref().unwrap_or(FCM_BASE);
            let fcm = FcmGateway::with_service_account(base, &account, clock.clone()).map_err(|e| format!("FCM: {e}"))?;
            gateways.fcm = Some(Arc::new(fcm));
        }
        if let (Some(path), Some(key_id), Some(team_id), Some(topic)) =
            (&self.apns_key, &self.apns_key_id, &self.apns_team_id, &self.apns_topic)
        {
            let key = ApnsKey::load(path, key_id, team_id).map_err(|e| format!("APNs: {e}"))?;
            let base = match &self.apns_base {
                Some(base) => base.as_str(),
                None if self.apns_sandbox => APNS_DEVELOPMENT,
                None => APNS_PRODUCTION,
            };
            gateways.apns = Some(Arc::new(ApnsGateway::with_key(base, topic, key, clock).map_err(|e| format!("APNs: {e}"))?));
        }
        Ok(gateways)
    }

    /// The limits these flags set.
    pub fn limits(&self) -> Limits {
        Limits {
            max_body_bytes: self.max_body_bytes,
            max_photo_pixels: self.max_photo_pixels,
            requests_per_minute: self.requests_per_minute,
            photo_workers: self.photo_workers.unwrap_or(Limits::default().photo_workers),
            photo_queue_wait_ms: self.photo_queue_wait_ms,
            public_url: self.public_url.clone(),
            open311_api_keys: self.open311_api_keys.iter().map(|k| k.trim().to_owned()).filter(|k| !k.is_empty()).collect(),
            tile_url: self.tile_url.clone(),
            geocoder_url: self.geocoder_url.clone(),
            campaign_sweep_secs: self.campaign_sweep_secs,
            open311_jurisdiction_ids: self.open311_jurisdiction_ids.iter().map(|k| k.trim().to_owned()).filter(|k| !k.is_empty()).collect(),
            media_fetch_private: self.media_fetch_private,
            ..Limits::default()
        }
    }
}
