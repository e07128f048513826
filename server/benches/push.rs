//! Which devices to wake for a flood warning over two districts of Huế, among 1,000,000
//! registered over the region, and handing the wake-ups to a (recording) gateway.
//!
//! `cargo bench -p civic-server --bench push`. Prints the devices woken, the index's size
//! and the process's memory; never asserts a time. Without `--bench` (`cargo test
//! --benches`) it runs once on 10,000 devices.

use std::hint::black_box;
use std::time::Instant;

use civic_core::protocol::{PushProvider, PushRegistration};
use civic_core::warning::cells::cells_for_place;
use civic_core::warning::{Area, Severity};
use civic_server::push::{PushGateway, PushPlanner, RecordingGateway};
use criterion::{Criterion, criterion_group, criterion_main};

/// xorshift64: the same devices every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chars(&mut self, n: usize, alphabet: &[u8]) -> String {
        (0..n).map(|_| alphabet[self.below(alphabet.len() as u64) as usize] as char).collect()
    }
}

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX: &[u8] = b"0123456789abcdef";

/// A place: 60% in and around the city (16.46, 107.59), the rest anywhere in the region
/// (lat 16.0–16.8, lon 107.0–108.0).
fn place(rng: &mut Rng) -> (f64, f64, f64) {
    let radius = 200.0 + rng.unit() * 1800.0;
    if rng.below(10) < 6 {
        let spread = |rng: &mut Rng| rng.unit() + rng.unit() - 1.0;
        let lat = (16.46 + spread(rng) * 0.08).clamp(16.0, 16.8);
        let lon = (107.59 + spread(rng) * 0.09).clamp(107.0, 108.0);
        (lat, lon, radius)
    } else {
        (16.0 + rng.unit() * 0.8, 107.0 + rng.unit(), radius)
    }
}

/// `n` devices: 70% FCM, 25% APNs, 5% UnifiedPush; 1 place (55%), 2 (30%) or 3 (15%);
/// 5% `anywhere`; minimum severities Unknown 40%, Minor 10%, Moderate 25%, Severe 20%,
/// Extreme 5%.
fn registrations(n: usize) -> impl Iterator<Item = (String, PushRegistration)> {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    (0..n).map(move |i| {
        let (provider, token) = match rng.below(100) {
            0..70 => (PushProvider::Fcm, format!("{}:APA91b{}", rng.chars(22, B64), rng.chars(134, B64))),
            70..95 => (PushProvider::Apns, rng.chars(64, HEX)),
            _ => (PushProvider::UnifiedPush, format!("https://ntfy.example.org/up{}?up=1", rng.chars(12, B64))),
        };
        let places = match rng.below(100) {
            0..55 => 1,
            55..85 => 2,
            _ => 3,
        };
        let mut cells = Vec::new();
        for _ in 0..places {
            let (lat, lon, r) = place(&mut rng);
            cells.extend(cells_for_place(lat, lon, r));
        }
        let min_severity = match rng.below(100) {
            0..40 => Severity::Unknown,
            40..50 => Severity::Minor,
            50..75 => Severity::Moderate,
            75..95 => Severity::Severe,
            _ => Severity::Extreme,
        };
        let anywhere = rng.below(100) < 5;
        // A UUID-sized device id, as the server's are.
        let id = format!("{:08x}-0000-7000-8000-{:012x}", i, rng.next() & 0xffff_ffff_ffff);
        // UnifiedPush devices give their Web Push keys (here all the same: RFC 8291's example).
        let (p256dh, auth) = match provider {
            PushProvider::UnifiedPush => (
                Some("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4".to_owned()),
                Some("BTBZMqHH6r4Tts7J_aSIgg".to_owned()),
            ),
            _ => (None, None),
        };
        (id, PushRegistration { provider, token, cells, anywhere, min_severity, p256dh, auth })
    })
}

/// Resident memory of this process, in MiB (Linux; 0 elsewhere).
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// Flood along the Perfume River: most of Phú Xuân and Thuận Hóa, around (16.45, 107.58).
fn flood() -> Vec<Area> {
    vec![Area::Polygon {
        points: vec![(16.425, 107.548), (16.428, 107.612), (16.470, 107.625), (16.492, 107.585), (16.470, 107.552), (16.425, 107.548)],
    }]
}

fn push(c: &mut Criterion) {
    let n = if std::env::args().any(|a| a == "--bench") { 1_000_000 } else { 10_000 };
    let before = rss_mib();
    let started = Instant::now();
    let regs: Vec<(String, PushRegistration)> = registrations(n).collect();
    let generated = started.elapsed();
    let started = Instant::now();
    let mut planner = PushPlanner::new();
    for (id, reg) in regs {
        planner.upsert(&id, reg).expect("valid registration");
    }
    let loaded = started.elapsed();
    let after = rss_mib();
    println!(
        "{} devices: registrations made in {:.2?}, indexed in {:.2?}; index ≈ {:.0} MiB (counted), process RSS {:.0} → {:.0} MiB",
        planner.len(),
        generated,
        loaded,
        planner.approx_bytes() as f64 / (1024.0 * 1024.0),
        before,
        after,
    );

    let areas = flood();
    let started = Instant::now();
    let plan = planner.plan("flood-hue-1", &areas, Severity::Severe);
    let took = started.elapsed();
    let by = |p: PushProvider| plan.iter().filter(|m| m.provider == p).count();
    println!(
        "flood (Severe) over two districts: {} devices woken ({} FCM, {} APNs, {} UnifiedPush) in {:.2?} (first plan)",
        plan.len(),
        by(PushProvider::Fcm),
        by(PushProvider::Apns),
        by(PushProvider::UnifiedPush),
        took
    );
    drop(plan);

    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let gateway = RecordingGateway::new();
    let started = Instant::now();
    let plan = planner.plan("flood-hue-1", &areas, Severity::Severe);
    let outcome = rt.block_on(gateway.send(&plan)).expect("recording never fails");
    println!("plan + RecordingGateway::send: {} sent in {:.2?} (first run)", outcome.sent, started.elapsed());
    gateway.clear();
    drop(plan);

    let mut group = c.benchmark_group(format!("push ({n} devices)"));
    group.sample_size(20);
    group.bench_function("plan a flood over two districts", |b| {
        b.iter(|| black_box(planner.plan(black_box("flood-hue-1"), &areas, Severity::Severe).len()))
    });
    group.bench_function("plan + RecordingGateway::send", |b| {
        b.iter(|| {
            let plan = planner.plan("flood-hue-1", &areas, Severity::Severe);
            let outcome = rt.block_on(gateway.send(&plan)).expect("recording never fails");
            gateway.clear();
            black_box(outcome.sent)
        })
    });
    // Re-registering a device of the crowded city cells: with the same cells (a new token,
    // the usual case) and moving between two of them (scans those cells' lists).
    let (id, reg) = registrations(1).next().expect("one");
    let city = PushRegistration { cells: cells_for_place(16.46, 107.59, 1500.0), anywhere: false, ..reg };
    let beach = PushRegistration { cells: cells_for_place(16.556, 107.642, 1500.0), ..city.clone() };
    planner.upsert(&id, city.clone()).expect("valid");
    group.bench_function("re-register a city device (same cells, new token)", |b| {
        b.iter(|| planner.upsert(&id, city.clone()).expect("valid"))
    });
    let mut flip = false;
    group.bench_function("move a device between two crowded cells", |b| {
        b.iter(|| {
            flip = !flip;
            planner.upsert(&id, if flip { beach.clone() } else { city.clone() }).expect("valid")
        })
    });
    group.finish();
}

criterion_group!(benches, push);
criterion_main!(benches);
