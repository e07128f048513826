//! Huế as governed since 1 July 2025: its 40 wards and communes (config/hue/wards.geojson, at
//! full resolution) placing real places in the unit that handles them.

use civic_core::area::{AreaError, ServiceArea};
use civic_core::model::Localized;

fn hue_2025() -> ServiceArea {
    // The wards together are the city's outline.
    civic_core::City::hue().expect("the 2025 boundaries load").area
}

fn ward_at(area: &ServiceArea, lat: f64, lon: f64) -> (String, String, String) {
    let m = area.locate(lat, lon).expect("inside Huế");
    let w = m.ward;
    (w.code, w.name.vi, w.name.en)
}

#[test]
fn the_forty_units_are_loaded_with_their_official_codes_and_names() {
    let area = hue_2025();
    let wards: Vec<_> = area.wards().collect();
    assert_eq!(wards.len(), 40);
    assert!(wards.iter().all(|w| w.code.len() == 5 && w.code.bytes().all(|b| b.is_ascii_digit())));
    assert_eq!(wards.iter().filter(|w| w.name.vi.starts_with("Phường ")).count(), 21);
    assert_eq!(wards.iter().filter(|w| w.name.vi.starts_with("Xã ")).count(), 19);
}

#[test]
fn real_places_land_in_the_unit_that_handles_them() {
    let area = hue_2025();
    // The Imperial Citadel (Đại Nội): no longer "Phường Đông Ba", but Phú Xuân.
    assert_eq!(ward_at(&area, 16.4690, 107.5780), ("19753".into(), "Phường Phú Xuân".into(), "Phu Xuan Ward".into()));
    // Huế railway station.
    assert_eq!(ward_at(&area, 16.4566, 107.5786).0, "19789");
    // Phú Bài airport.
    assert_eq!(ward_at(&area, 16.4010, 107.7030).0, "19960");
    // Lăng Cô.
    assert_eq!(ward_at(&area, 16.2480, 108.0620), ("20137".into(), "Xã Chân Mây - Lăng Cô".into(), "Chan May - Lang Co Commune".into()));
    // A Lưới's old town centre.
    assert_eq!(ward_at(&area, 16.2850, 107.2350).0, "20044");
    // The Tam Giang lagoon's water belongs to the commune around it.
    assert_eq!(ward_at(&area, 16.6000, 107.5200).0, "19867");
}

#[test]
fn a_point_outside_the_city_is_refused_and_one_just_outside_goes_to_the_nearest_unit_flagged() {
    let area = hue_2025();
    // The East Sea, 30 km out; and Laos, west of A Lưới.
    assert!(matches!(area.locate(16.6, 107.9), Err(AreaError::Outside { .. })));
    assert!(matches!(area.locate(16.45, 106.95), Err(AreaError::Outside { .. })));
    // On the beach just past Thuận An's shoreline (within the tolerance): accepted, flagged.
    let (lat, lon) = just_outside(&area, 16.5600, 107.6300, (0.0003, 0.0003));
    let m = area.locate(lat, lon).expect("within the tolerance");
    assert!(m.near_edge, "flagged for the operations centre");
    assert_eq!(m.ward.code, "19900", "the nearest unit: Thuận An");
}

#[test]
fn a_point_on_a_shared_border_goes_to_one_unit_whatever_the_file_order() {
    let text = std::fs::read_to_string("../config/hue/wards.geojson").expect("wards");
    let mut collection: serde_json::Value = serde_json::from_str(&text).expect("json");
    // A vertex of Phú Xuân's boundary that Kim Long's boundary also has: on both borders.
    let features = collection["features"].as_array().expect("features").clone();
    let ring = |code: &str| -> Vec<(f64, f64)> {
        let f = features.iter().find(|f| f["properties"]["code"] == code).expect("unit");
        f["geometry"]["coordinates"][0][0]
            .as_array()
            .expect("ring")
            .iter()
            .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
            .collect()
    };
    let kim_long = ring("19774");
    let (lon, lat) = *ring("19753").iter().find(|c| kim_long.contains(c)).expect("a shared vertex");

    let forward = hue_2025();
    collection["features"].as_array_mut().expect("features").reverse();
    let reversed = collection.to_string();
    let backward = ServiceArea::from_geojson(Localized { vi: "Huế".into(), en: "Hue".into() }, &reversed, 1500.0).expect("loads");
    let a = ward_at(&forward, lat, lon).0;
    let b = ward_at(&backward, lat, lon).0;
    assert_eq!(a, b, "the same unit in both orders");
    assert_eq!(a, "19753", "the smaller code of the two");
}

/// A point found by stepping from `(lat, lon)` by `step` until it leaves every unit.
fn just_outside(area: &ServiceArea, mut lat: f64, mut lon: f64, step: (f64, f64)) -> (f64, f64) {
    for _ in 0..10_000 {
        match area.locate(lat, lon) {
            Ok(m) if !m.near_edge => {
                lat += step.0;
                lon += step.1;
            }
            _ => return (lat + step.0 * 10.0, lon + step.1 * 10.0),
        }
    }
    panic!("never left the city");
}

#[test]
fn a_boundary_file_with_a_unit_without_code_or_a_code_twice_is_refused_clearly() {
    let text = std::fs::read_to_string("../config/hue/wards.geojson").expect("wards");
    let load = |wards: &serde_json::Value| {
        let wards = wards.to_string();
        ServiceArea::from_geojson(Localized { vi: "Huế".into(), en: "Hue".into() }, &wards, 1500.0).err().map(|e| e.to_string())
    };
    let original: serde_json::Value = serde_json::from_str(&text).expect("json");

    let mut twice = original.clone();
    twice["features"][1]["properties"]["code"] = "19753".into();
    assert_eq!(load(&twice).as_deref(), Some("boundary file is not usable GeoJSON: wards: the code 19753 is given twice"));

    let mut without = original.clone();
    // Neither a `code` nor the feature's `id` (which the shipped file repeats).
    without["features"][2]["properties"].as_object_mut().expect("properties").remove("code");
    without["features"][2].as_object_mut().expect("feature").remove("id");
    let message = load(&without).expect("refused");
    assert!(message.contains("has no code"), "{message}");

    assert_eq!(load(&original), None, "the shipped file loads");
}
