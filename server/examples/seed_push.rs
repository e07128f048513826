//! Bench only (`bench/push.sh`): fills a fresh data directory with devices that registered
//! for push, as if each had signed up and sent `PUT /api/v1/devices/me/push`, but written
//! straight into the database with the server's own store functions, many to a transaction.
//!
//! ```text
//! seed_push DATA_DIR [--devices N] [--unified-push BASE] [--area LAT,LON;LAT,LON;…] [--severity S]
//! ```
//!
//! The devices are `benches/common/push_devices.rs`'s (N, default 1,000,000, over Huế and
//! its region; FCM and APNs, and UnifiedPush at `BASE/up…` with `--unified-push`, else
//! those are FCM too). With `--area` (a polygon) and `--severity` (default Extreme), also
//! counts the devices a warning over that polygon wakes, by the planner's rule (a cell in
//! common, or `anywhere`; a severity at least the device's minimum).
//!
//! Prints one line: `devices=… fcm=… apns=… unifiedpush=… seconds=… targeted=…`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

use civic_core::protocol::{PushProvider, PushRegistration};
use civic_core::warning::cells::{CellCover, cells_for_areas};
use civic_core::warning::{Area, Severity};
use civic_server::db::{Db, DbError, devices};
use civic_server::service::warnings::to_stored;

#[path = "../benches/common/push_devices.rs"]
mod push_devices;

/// Devices written per transaction.
const PER_TRANSACTION: usize = 50_000;

struct Args {
    data_dir: PathBuf,
    devices: usize,
    unified_push: Option<String>,
    area: Option<Area>,
    severity: Severity,
}

fn usage(why: &str) -> ! {
    eprintln!("seed_push: {why}\nusage: seed_push DATA_DIR [--devices N] [--unified-push BASE] [--area LAT,LON;…] [--severity S]");
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut args = std::env::args().skip(1);
    let mut out = Args { data_dir: PathBuf::new(), devices: 1_000_000, unified_push: None, area: None, severity: Severity::Extreme };
    let mut dir = None;
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage(&format!("{a} needs a value")));
        match a.as_str() {
            "--devices" => out.devices = value().parse().unwrap_or_else(|_| usage("--devices takes a number")),
            "--unified-push" => out.unified_push = Some(value().trim_end_matches('/').to_owned()),
            "--area" => out.area = Some(polygon(&value())),
            "--severity" => {
                out.severity = serde_json::from_value(serde_json::Value::String(value())).unwrap_or_else(|_| usage("bad --severity"))
            }
            _ if dir.is_none() && !a.starts_with("--") => dir = Some(PathBuf::from(a)),
            _ => usage(&format!("unexpected {a:?}")),
        }
    }
    out.data_dir = dir.unwrap_or_else(|| usage("no DATA_DIR"));
    out
}

/// `LAT,LON;LAT,LON;…`, a closed ring.
fn polygon(s: &str) -> Area {
    let point = |p: &str| -> Option<(f64, f64)> {
        let (lat, lon) = p.trim().split_once(',')?;
        Some((lat.trim().parse().ok()?, lon.trim().parse().ok()?))
    };
    let points = s.split(';').map(|p| point(p).unwrap_or_else(|| usage(&format!("{p:?} is not LAT,LON")))).collect();
    Area::Polygon { points }
}

/// Whether a warning over `cover` at `severity` wakes this device (`PushPlanner::plan`'s rule).
fn woken(reg: &PushRegistration, cover: &CellCover, ids: &HashSet<String>, severity: Severity) -> bool {
    severity >= reg.min_severity && (reg.anywhere || matches!(cover, CellCover::All) || reg.cells.iter().any(|c| ids.contains(c.as_str())))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = parse_args();
    if let Err(e) = std::fs::create_dir_all(&args.data_dir) {
        usage(&format!("{}: {e}", args.data_dir.display()));
    }
    let db = Db::open(&args.data_dir.join("civic.sqlite3")).unwrap_or_else(|e| {
        eprintln!("seed_push: {e}");
        std::process::exit(1)
    });
    let cover = args.area.as_ref().map(|a| cells_for_areas(std::slice::from_ref(a)));
    let ids: HashSet<String> = match &cover {
        Some(CellCover::Cells(cells)) => cells.iter().map(|c| c.id()).collect(),
        _ => HashSet::new(),
    };
    let started = Instant::now();
    let (mut by_provider, mut targeted) = ([0usize; 3], 0usize);
    let mut regs = push_devices::registrations(args.devices, args.unified_push.as_deref());
    let now = time::OffsetDateTime::now_utc();
    loop {
        let chunk: Vec<(String, PushRegistration)> = regs.by_ref().take(PER_TRANSACTION).collect();
        if chunk.is_empty() {
            break;
        }
        for (_, reg) in &chunk {
            by_provider[reg.provider as usize] += 1;
            if let Some(cover) = &cover {
                targeted += usize::from(woken(reg, cover, &ids, args.severity));
            }
        }
        let written = db
            .write(move |tx| -> Result<(), DbError> {
                for (id, reg) in chunk {
                    let platform = if reg.provider == PushProvider::Apns { "ios" } else { "android" };
                    // Not a hash of any token: nobody signs in as these devices.
                    devices::insert(tx, &id, &format!("bench:{id}"), Some(platform), Some("bench"), now)?;
                    let stored = to_stored(id, &reg).map_err(|e| DbError::Other(e.to_string()))?;
                    devices::save_push_registration(tx, &stored, now)?;
                }
                Ok(())
            })
            .await;
        if let Err(e) = written {
            eprintln!("seed_push: {e}");
            std::process::exit(1);
        }
    }
    let [fcm, apns, unified_push] = by_provider;
    print!("devices={} fcm={fcm} apns={apns} unifiedpush={unified_push} seconds={:.1}", args.devices, started.elapsed().as_secs_f64());
    if cover.is_some() {
        print!(" targeted={targeted}");
    }
    println!();
}
