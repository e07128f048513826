//! Placing a point in its ward or commune: Huế's 40 units of 2025 at full resolution
//! (config/hue/wards.geojson, ~130,000 vertices; goal: under 50 µs per point on this machine),
//! and a point outside every unit, whose distance to the city is measured.
//! `cargo bench -p civic-core --bench core -- area:`

use std::hint::black_box;

use civic_core::area::ServiceArea;
use civic_core::model::Localized;
use criterion::{Criterion, criterion_group};

fn hue_2025() -> ServiceArea {
    let read = |name: &str| std::fs::read_to_string(format!("{}/../config/hue/{name}", env!("CARGO_MANIFEST_DIR"))).expect("config file");
    let wards = read("wards.geojson");
    ServiceArea::from_geojson(
        Localized { vi: "Thành phố Huế".into(), en: "Hue City".into() },
        &wards,
        &read("districts.geojson"),
        Some(&wards),
        1500.0,
    )
    .expect("the 2025 boundaries load")
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
