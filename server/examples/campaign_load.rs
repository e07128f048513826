//! Green Sunday's live map under load: thousands of phones following one campaign's map
//! by cursor while teams claim and clean spots.
//!
//! ```text
//! campaign_load URL ADMIN_PASSWORD [--devices 5000] [--spots 20000] [--seconds 60]
//!               [--poll-secs 30] [--changes-per-sec 10] [--server-pid PID]
//! ```
//!
//! Seeds one campaign with `--spots` spots (10 m apart, so none merge) through the API,
//! registers `--devices` devices that join it, then for `--seconds` each device asks for
//! the spots changed since its cursor every `--poll-secs` (staggered), while team members
//! claim and clean `--changes-per-sec` spots. Prints the first full download of the map,
//! the steady state per device (bytes per minute, requests), poll latency, and the
//! server's CPU over the window (from /proc, with `--server-pid`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn usage() -> ! {
    eprintln!(
        "usage: campaign_load URL ADMIN_PASSWORD [--devices N] [--spots N] [--seconds S] [--poll-secs S] [--changes-per-sec N] [--server-pid PID]"
    );
    std::process::exit(2)
}

struct Args {
    url: String,
    password: String,
    devices: usize,
    spots: usize,
    seconds: u64,
    poll_secs: u64,
    changes_per_sec: u64,
    server_pid: Option<u32>,
}

fn args() -> Args {
    let mut it = std::env::args().skip(1);
    let url = it.next().unwrap_or_else(|| usage()).trim_end_matches('/').to_owned();
    let password = it.next().unwrap_or_else(|| usage());
    let mut a = Args { url, password, devices: 5000, spots: 20_000, seconds: 60, poll_secs: 30, changes_per_sec: 10, server_pid: None };
    while let Some(flag) = it.next() {
        let mut num = || it.next().and_then(|v| v.parse::<u64>().ok()).unwrap_or_else(|| usage());
        match flag.as_str() {
            "--devices" => a.devices = num() as usize,
            "--spots" => a.spots = num() as usize,
            "--seconds" => a.seconds = num(),
            "--poll-secs" => a.poll_secs = num().max(1),
            "--changes-per-sec" => a.changes_per_sec = num(),
            "--server-pid" => a.server_pid = Some(num() as u32),
            _ => usage(),
        }
    }
    a
}

/// The server's user + system CPU time so far, in seconds.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn now() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

async fn post(http: &reqwest::Client, url: &str, token: Option<&str>, body: &Value) -> Result<Value, String> {
    let mut req = http.post(url).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let text = r.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{url}: {status} {text}"));
    }
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

async fn device(http: &reqwest::Client, base: &str) -> Result<String, String> {
    let v = post(http, &format!("{base}/api/v1/devices"), None, &json!({})).await?;
    v["token"].as_str().map(str::to_owned).ok_or_else(|| "no token".into())
}

/// One page of the live map as a phone gets it, gzipped: the bytes on the wire and the page.
async fn map_page(http: &reqwest::Client, url: &str) -> Result<(usize, Value), String> {
    use std::io::Read;
    let r = http.get(url).header(reqwest::header::ACCEPT_ENCODING, "gzip").send().await.map_err(|e| e.to_string())?;
    let gzipped = r.headers().get(reqwest::header::CONTENT_ENCODING).is_some_and(|v| v == "gzip");
    let wire = r.bytes().await.map_err(|e| e.to_string())?;
    let mut json = Vec::new();
    if gzipped {
        flate2::read::GzDecoder::new(&wire[..]).read_to_end(&mut json).map_err(|e| e.to_string())?;
    } else {
        json.extend_from_slice(&wire);
    }
    Ok((wire.len(), serde_json::from_slice(&json).map_err(|e| e.to_string())?))
}

/// Runs `n` jobs, `width` at a time.
async fn in_parallel<F, Fut, T>(n: usize, width: usize, f: F) -> Result<Vec<T>, String>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    use futures_util::stream::{self, StreamExt, TryStreamExt};
    stream::iter(0..n).map(f).buffered(width).try_collect().await
}

#[tokio::main]
async fn main() {
    let a = args();
    if let Err(e) = run(a).await {
        eprintln!("campaign_load: {e}");
        std::process::exit(1);
    }
}

async fn run(a: Args) -> Result<(), String> {
    // Decompressing itself, to count what crosses the network (`map_page`).
    let http = reqwest::Client::builder()
        .no_gzip()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| e.to_string())?;
    let base = a.url.clone();
    let login = post(&http, &format!("{base}/api/v1/auth/login"), None, &json!({"username": "admin", "password": a.password})).await?;
    let operator = login["token"].as_str().ok_or("no operator token")?.to_owned();
    let start = time::OffsetDateTime::now_utc() - time::Duration::minutes(5);
    let fmt = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let campaign = post(
        &http,
        &format!("{base}/api/v1/campaigns"),
        Some(&operator),
        &json!({"name": {"vi": "Chủ nhật xanh (tải thử)", "en": "Green Sunday (load test)"}, "starts_at": fmt(start),
                "ends_at": fmt(start + time::Duration::hours(6)), "areas": ["474"], "categories": ["litter"]}),
    )
    .await?;
    let id = campaign["id"].as_str().ok_or("no campaign id")?.to_owned();

    // Teams of reporters: 50 members, each reporting its share of the spots.
    eprintln!("campaign_load: seeding {} spots", a.spots);
    let t0 = Instant::now();
    let reporters: Vec<String> = in_parallel(50, 16, |i| {
        let (http, base, id) = (http.clone(), base.clone(), id.clone());
        async move {
            let token = device(&http, &base).await?;
            post(&http, &format!("{base}/api/v1/campaigns/{id}/join"), Some(&token), &json!({"new_team": format!("Đội {}", i % 10)}))
                .await?;
            Ok(token)
        }
    })
    .await?;
    // One photo for every spot (the map never reads it).
    let photo = civic_core::photo::sample::camera_jpeg(640, 480);
    let hash = {
        use sha2::Digest;
        sha2::Sha256::digest(&photo).iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let r =
        http.put(format!("{base}/api/v1/photos/{hash}")).bearer_auth(&reporters[0]).body(photo).send().await.map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("photo: {}", r.status()));
    }
    let side = (a.spots as f64).sqrt().ceil() as usize;
    let spot_at = move |i: usize| {
        let (row, col) = (i / side, i % side);
        (16.455 + row as f64 * 10.0 / 111_000.0, 107.575 + col as f64 * 10.0 / (111_000.0 * 16.46_f64.to_radians().cos()))
    };
    let spot_ids: Vec<String> = in_parallel(a.spots, 16, |i| {
        let (http, base, id, hash) = (http.clone(), base.clone(), id.clone(), hash.clone());
        let token = reporters[i % reporters.len()].clone();
        let (lat, lon) = spot_at(i);
        async move {
            let sid = uuid::Uuid::now_v7().to_string();
            let body = json!({"id": sid, "category": "litter", "photo": hash,
                              "location": {"lat": lat, "lon": lon, "accuracy_m": 5.0, "source": "gps", "fixed_at": now()}});
            post(&http, &format!("{base}/api/v1/campaigns/{id}/spots"), Some(&token), &body).await?;
            Ok(sid)
        }
    })
    .await?;
    eprintln!("campaign_load: seeded in {:.1} s", t0.elapsed().as_secs_f64());

    // The followers.
    eprintln!("campaign_load: registering {} devices", a.devices);
    let followers: Vec<String> = in_parallel(a.devices, 32, |_| {
        let (http, base, id) = (http.clone(), base.clone(), id.clone());
        async move {
            let token = device(&http, &base).await?;
            post(&http, &format!("{base}/api/v1/campaigns/{id}/join"), Some(&token), &json!({})).await?;
            Ok(token)
        }
    })
    .await?;

    // A phone joining late downloads the whole map once.
    let t0 = Instant::now();
    let (mut since, mut first_bytes, mut pages) = (0i64, 0usize, 0);
    loop {
        let (wire, v) = map_page(&http, &format!("{base}/api/v1/campaigns/{id}/spots?since={since}")).await?;
        first_bytes += wire;
        pages += 1;
        since = v["cursor"].as_i64().unwrap_or(since);
        if !v["more"].as_bool().unwrap_or(false) {
            break;
        }
    }
    let first_secs = t0.elapsed().as_secs_f64();

    // The window: every follower polls from the current cursor; teams claim and clean.
    let bytes = Arc::new(AtomicU64::new(0));
    let polls = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let latencies = Arc::new(std::sync::Mutex::new(Vec::<f64>::new()));
    let cpu0 = a.server_pid.and_then(cpu_seconds);
    let window = Duration::from_secs(a.seconds);
    let began = Instant::now();
    let mut tasks = Vec::new();
    for (i, _token) in followers.iter().enumerate() {
        let (http, base, id) = (http.clone(), base.clone(), id.clone());
        let (bytes, polls, errors, latencies) = (bytes.clone(), polls.clone(), errors.clone(), latencies.clone());
        let offset = Duration::from_secs_f64(a.poll_secs as f64 * i as f64 / followers.len().max(1) as f64);
        let every = Duration::from_secs(a.poll_secs);
        tasks.push(tokio::spawn(async move {
            let mut cursor = since;
            tokio::time::sleep(offset).await;
            while began.elapsed() < window {
                let t = Instant::now();
                match map_page(&http, &format!("{base}/api/v1/campaigns/{id}/spots?since={cursor}")).await {
                    Ok((wire, v)) => {
                        bytes.fetch_add(wire as u64, Ordering::Relaxed);
                        polls.fetch_add(1, Ordering::Relaxed);
                        cursor = v["cursor"].as_i64().unwrap_or(cursor);
                        if let Ok(mut l) = latencies.lock() {
                            l.push(t.elapsed().as_secs_f64() * 1000.0);
                        }
                    }
                    Err(_) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                tokio::time::sleep(every.saturating_sub(t.elapsed())).await;
            }
        }));
    }
    // Changes: claims and cleans, one every 1/changes_per_sec seconds.
    let changes = Arc::new(AtomicU64::new(0));
    if a.changes_per_sec > 0 {
        let (http, base, id, hash, changes) = (http.clone(), base.clone(), id.clone(), hash.clone(), changes.clone());
        let reporters = reporters.clone();
        let spot_ids = spot_ids.clone();
        let every = Duration::from_secs_f64(1.0 / a.changes_per_sec as f64);
        tasks.push(tokio::spawn(async move {
            let mut n = 0usize;
            while began.elapsed() < window && n < spot_ids.len() {
                let token = &reporters[n % reporters.len()];
                let spot = &spot_ids[n];
                let (lat, lon) = spot_at(n);
                let ok = if n % 2 == 0 {
                    http.post(format!("{base}/api/v1/campaigns/{id}/spots/{spot}/claim")).bearer_auth(token).send().await
                } else {
                    let body = json!({"photo": hash, "photo_location": {"lat": lat, "lon": lon, "accuracy_m": 5.0, "source": "gps", "fixed_at": now()}, "kg": 1.5});
                    http.post(format!("{base}/api/v1/campaigns/{id}/spots/{spot}/clean")).bearer_auth(token).json(&body).send().await
                };
                if ok.map(|r| r.status().is_success()).unwrap_or(false) {
                    changes.fetch_add(1, Ordering::Relaxed);
                }
                n += 1;
                tokio::time::sleep(every).await;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = began.elapsed().as_secs_f64();
    let cpu = match (cpu0, a.server_pid.and_then(cpu_seconds)) {
        (Some(c0), Some(c1)) => format!("{:.1}", (c1 - c0) / elapsed * 100.0),
        _ => "?".into(),
    };
    let mut l = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    l.sort_by(f64::total_cmp);
    let pct = |p: f64| l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1))).copied().unwrap_or(0.0);
    let total = bytes.load(Ordering::Relaxed) as f64;
    let minutes = elapsed / 60.0;
    println!(
        "devices={} spots={} window_s={elapsed:.0} poll_every_s={} changes_made={} polls={} errors={} \
         bytes_per_device_per_min={:.0} polls_per_s={:.1} poll_p50_ms={:.2} poll_p99_ms={:.2} server_cpu_pct_of_one_core={cpu} \
         first_map_bytes={first_bytes} first_map_pages={pages} first_map_s={first_secs:.2}",
        a.devices,
        a.spots,
        a.poll_secs,
        changes.load(Ordering::Relaxed),
        polls.load(Ordering::Relaxed),
        errors.load(Ordering::Relaxed),
        total / a.devices.max(1) as f64 / minutes.max(1e-9),
        polls.load(Ordering::Relaxed) as f64 / elapsed,
        pct(0.5),
        pct(0.99),
    );
    Ok(())
}
