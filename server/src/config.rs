//! Configuration: command-line flags, each also a `CIVIC_*` environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;

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

    /// Database: `sqlite://PATH` (default: `civic.sqlite3` in the data directory).
    #[arg(long, env = "CIVIC_DATABASE_URL")]
    pub database_url: Option<String>,

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

    /// Log as JSON lines instead of text.
    #[arg(long, env = "CIVIC_LOG_JSON")]
    pub log_json: bool,
}

impl Config {
    /// The SQLite file to use.
    pub fn database_path(&self) -> Result<PathBuf, String> {
        match self.database_url.as_deref() {
            None => Ok(self.data_dir.join("civic.sqlite3")),
            Some(url) => match url.strip_prefix("sqlite://") {
                Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
                _ => Err(format!("unsupported --database-url {url:?}: use sqlite://PATH")),
            },
        }
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
            ..Limits::default()
        }
    }
}
