//! Matching one position against 1,000 and 10,000 active alert areas (goal: under 50 µs for
//! 10,000 on this machine). `cargo bench -p civic-core --bench core -- warning`

use std::hint::black_box;

use civic_core::warning::{AlertIndex, AlertTarget, Area, Severity};
use criterion::{Criterion, criterion_group};

fn alerts(n: usize) -> Vec<AlertTarget> {
    let mut s = 99u64;
    let mut rand = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s % 1_000_000) as f64 / 1_000_000.0
    };
    (0..n)
        .map(|i| {
            let (lat, lon) = (16.0 + rand() * 0.8, 107.0 + rand() * 0.9);
            let area = if i % 2 == 0 {
                Area::Circle { lat, lon, radius_m: 300.0 + rand() * 2000.0 }
            } else {
                let d = 0.002 + rand() * 0.01;
                Area::Polygon {
                    points: vec![(lat - d, lon - d), (lat - d, lon + d), (lat + d, lon + d), (lat + d, lon - d), (lat - d, lon - d)],
                }
            };
            AlertTarget { id: format!("a{i}"), severity: Severity::Moderate, topics: vec!["flood".into()], areas: vec![area] }
        })
        .collect()
}

fn matching(c: &mut Criterion) {
    for n in [1_000, 10_000] {
        let index = AlertIndex::new(alerts(n)).expect("valid areas");
        c.bench_function(&format!("match one position (100 m radius) against {n} alert areas"), |b| {
            b.iter(|| black_box(index.near(black_box(16.4698), black_box(107.5786), 100.0).len()))
        });
    }
}

criterion_group!(benches, matching);
