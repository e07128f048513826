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

#[path = "common/push_devices.rs"]
mod push_devices;

/// The devices, UnifiedPush ones at a distributor on the internet.
fn registrations(n: usize) -> impl Iterator<Item = (String, PushRegistration)> {
    push_devices::registrations(n, Some("https://ntfy.example.org"))
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
