//! The city's configuration: Huế's boundaries route points to districts; the catalog is
//! complete and consistent; another city can bring its own files.

use crate::common::*;
use civic_core::City;
use civic_core::area::AreaError;
use civic_core::catalog::{AnswerError, Datatype};
use civic_core::model::{AnswerValue, Answers, Lang};

fn hue() -> City {
    City::hue().unwrap()
}

#[test]
fn points_in_hue_route_to_their_district() {
    let area = &hue().area;
    for (name, at, district) in [
        ("Huế citadel", CITADEL, "474"),
        ("Phú Bài airport", PHU_BAI, "479"),
        ("Khe Tre, Nam Đông", (16.1720, 107.7200), "483"),
        ("A Lưới town", (16.2720, 107.2330), "481"),
        ("Sịa, Quảng Điền", (16.5930, 107.5080), "477"),
    ] {
        let placed = area.locate(at.0, at.1).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(placed.district.map(|d| d.code), Some(district.to_owned()), "{name}");
        assert!(!placed.near_edge, "{name} is well inside");
        assert_eq!(placed.ward, None, "Huế's data has no wards");
    }
}

#[test]
fn points_outside_hue_are_refused_with_how_far_out_they_are() {
    let area = &hue().area;
    for (name, at, at_least_km) in [
        ("East Sea offshore", EAST_SEA, 2.0),
        ("Đà Nẵng", DA_NANG, 10.0),
        ("Đông Hà, Quảng Trị", (16.8163, 107.1003), 2.0),
        ("Hà Nội", (21.0285, 105.8542), 400.0),
        ("Null Island", (0.0, 0.0), 1000.0),
    ] {
        match area.locate(at.0, at.1) {
            Err(AreaError::Outside { distance_m, area }) => {
                assert!(distance_m > at_least_km * 1000.0, "{name}: {distance_m}");
                assert_eq!(area.en, "Thua Thien Hue");
            }
            other => panic!("{name} accepted: {other:?}"),
        }
    }
    for (lat, lon) in [(91.0, 107.0), (16.0, 181.0), (f64::NAN, 107.0), (16.0, f64::INFINITY)] {
        assert!(matches!(area.locate(lat, lon), Err(AreaError::InvalidCoordinates { .. })));
    }
}

#[test]
fn a_point_just_off_the_generalised_outline_is_accepted_and_flagged() {
    let area = &hue().area;
    // Thuận An beach: the simplified coastline runs a few hundred metres inland of it here.
    let mut flagged = 0;
    for i in 0..40 {
        let lat = 16.55 + f64::from(i) * 0.001;
        let lon = 107.64 + f64::from(i) * 0.001;
        match area.locate(lat, lon) {
            Ok(m) if m.near_edge => {
                flagged += 1;
                assert!(m.district.is_some(), "an edge point is still routed");
            }
            Ok(_) | Err(AreaError::Outside { .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert!(flagged > 0, "some point of the walk across the coast lies in the tolerance band");
}

#[test]
fn the_hue_catalog_covers_the_citys_problems_in_both_languages() {
    let city = hue();
    let catalog = &city.catalog;
    assert_eq!(catalog.city, "HUE");
    for code in [
        "litter",
        "illegal-dumping",
        "pavement-encroachment",
        "pothole",
        "street-light-out",
        "fallen-tree",
        "flooded-street",
        "blocked-drain",
        "illegal-advertising",
        "noise",
        "other",
    ] {
        let c = catalog.get(code).unwrap_or_else(|| panic!("{code} missing"));
        assert!(catalog.unit(&c.unit).is_some());
        assert!(c.expected_hours > 0);
        assert!(!c.name.vi.is_empty() && !c.name.en.is_empty());
    }
    let used: std::collections::BTreeSet<_> =
        catalog.categories().iter().flat_map(|c| c.questions.iter().map(|q| format!("{:?}", q.datatype))).collect();
    assert_eq!(used.len(), 6, "every Open311 datatype is used: {used:?}");
}

#[test]
fn searching_categories_ignores_diacritics_and_language() {
    let catalog = hue().catalog;
    let first = |q: &str, lang| catalog.search(q, lang).first().map(|c| c.code.clone());
    assert_eq!(first("đèn đường", Lang::Vi).as_deref(), Some("street-light-out"));
    assert_eq!(first("den duong", Lang::Vi).as_deref(), Some("street-light-out"));
    assert_eq!(first("pothole", Lang::En).as_deref(), Some("pothole"));
    assert_eq!(first("ngap", Lang::Vi).as_deref(), Some("flooded-street"));
    assert!(catalog.search("zzzz", Lang::Vi).is_empty());
    assert_eq!(catalog.search("", Lang::En).len(), catalog.categories().iter().filter(|c| c.active).count());
}

#[test]
fn answers_are_checked_against_the_question_types() {
    let catalog = hue().catalog;
    let light = catalog.get("street-light-out").unwrap();
    assert_eq!(light.question("lights_out").map(|q| q.datatype), Some(Datatype::Number));
    assert!(light.check_answer("lights_out", &AnswerValue::Number(2.0)).is_ok());
    assert!(light.check_answer("lights_out", &AnswerValue::Number(f64::NAN)).is_err());
    assert!(light.check_answer("pole_number", &AnswerValue::Text("  ".into())).is_err());
    assert!(matches!(light.check_answer("pole_number", &AnswerValue::Text("x".repeat(201))), Err(AnswerError::TooLong { max: 200, .. })));
    let ads = catalog.get("illegal-advertising").unwrap();
    assert!(ads.check_answer("kind", &AnswerValue::Choices(vec!["poster".into(), "banner".into()])).is_ok());
    assert!(ads.check_answer("kind", &AnswerValue::Choices(vec![])).is_err());
    assert!(ads.check_answer("kind", &AnswerValue::Choice("poster".into())).is_err());
    let mut answers = Answers::new();
    assert!(matches!(ads.check_answers(&answers), Err(AnswerError::Missing { question }) if question == "kind"));
    answers.insert("kind".into(), AnswerValue::Choices(vec!["sign".into()]));
    assert!(ads.check_answers(&answers).is_ok());
}

#[test]
fn another_city_brings_its_own_files_and_wards() {
    let dir = tempfile::tempdir().unwrap();
    let square =
        |x0: f64, y0: f64, d: f64| format!("[[[{x0},{y0}],[{},{y0}],[{},{}],[{x0},{}],[{x0},{y0}]]]", x0 + d, x0 + d, y0 + d, y0 + d);
    let fc = |features: Vec<String>| format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","));
    let feature = |code: &str, name: &str, ring: String| {
        format!(
            r#"{{"type":"Feature","properties":{{"code":"{code}","name":"{name}"}},"geometry":{{"type":"Polygon","coordinates":{ring}}}}}"#
        )
    };
    std::fs::write(dir.path().join("outline.geojson"), fc(vec![feature("X", "Xóm", square(10.0, 10.0, 1.0))])).unwrap();
    std::fs::write(
        dir.path().join("districts.geojson"),
        fc(vec![feature("W", "Tây", square(10.0, 10.0, 0.5)), feature("E", "Đông", square(10.5, 10.0, 0.5))]),
    )
    .unwrap();
    std::fs::write(dir.path().join("wards.geojson"), fc(vec![feature("E1", "Phường 1", square(10.5, 10.0, 0.25))])).unwrap();
    std::fs::copy("../config/hue/catalog.json", dir.path().join("catalog.json")).unwrap();
    std::fs::write(
        dir.path().join("city.json"),
        r#"{"code":"XOM","name":{"vi":"Xóm","en":"Xom"},"utc_offset":"+07:00","outline":"outline.geojson",
            "districts":"districts.geojson","wards":"wards.geojson","edge_tolerance_m":100,"catalog":"catalog.json"}"#,
    )
    .unwrap();
    let city = City::load(dir.path()).unwrap();
    let m = city.area.locate(10.1, 10.6).unwrap();
    assert_eq!(m.district.map(|d| d.code).as_deref(), Some("E"));
    assert_eq!(m.ward.map(|w| w.name.vi).as_deref(), Some("Phường 1"));
    assert!(matches!(city.area.locate(12.0, 10.5), Err(AreaError::Outside { .. })));
    // A broken file is a clear configuration error, not a panic.
    std::fs::write(dir.path().join("wards.geojson"), "{\"type\":\"FeatureCollection\"").unwrap();
    assert!(City::load(dir.path()).is_err());
}
