//! Placing a point in its ward or commune: Huế's 40 units of 2025 at full resolution
//! (config/hue/wards.geojson, ~130,000 vertices; goal: under 50 µs per point on this machine),
//! the same on the phone's compact copy, and a point outside every unit, whose distance to the
//! city is measured.
//! `cargo bench -p civic-core --bench core -- area:`

use std::hint::black_box;

use civic_core::area::ServiceArea;
use criterion::{Criterion, criterion_group};

fn hue_2025() -> ServiceArea {
    civic_core::City::hue().expect("the 2025 boundaries load").area
}

fn locating(c: &mut Criterion) {
    let area = hue_2025();
    // Points spread over the city's box: those inside, and a few outside (the East Sea, Laos).
    let mut s = 7u64;
    let mut rand = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s % 1_000_000) as f64 / 1_000_000.0
    };
    let points: Vec<(f64, f64)> = (0..300).map(|_| (15.99 + rand() * 0.75, 107.03 + rand() * 1.18)).collect();
    type Points = Vec<(f64, f64)>;
    let (inside, outside): (Points, Points) = points.iter().partition(|&&(lat, lon)| area.locate(lat, lon).is_ok_and(|m| !m.near_edge));
    let outside = &outside[..outside.len().min(20)];
    c.bench_function("area: place a point inside Huế in its ward (40 units, full resolution)", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % inside.len();
            let (lat, lon) = inside[i];
            black_box(area.locate(black_box(lat), black_box(lon)).ok())
        })
    });
    let phone = civic_core::City::hue_compact().expect("the phone's copy loads").area;
    let full = include_bytes!("../../../config/hue/wards.geojson").len();
    let compact = area.compact().len();
    println!("area: the wards the phone carries: {compact} bytes (compact, 15 m) for {full} bytes of GeoJSON at full resolution");
    c.bench_function("area: place a point inside Huế on the phone (compact copy, 15 m simplified)", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % inside.len();
            let (lat, lon) = inside[i];
            black_box(phone.locate(black_box(lat), black_box(lon)).ok())
        })
    });
    c.bench_function("area: a point outside every unit (the sea, abroad): its distance to the city", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % outside.len();
            let (lat, lon) = outside[i];
            black_box(area.locate(black_box(lat), black_box(lon)).ok())
        })
    });
}

criterion_group!(benches, locating);
