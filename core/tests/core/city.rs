//! The city's configuration: Huế's 40 wards and communes route points (on the server at full
//! resolution, on the phone in a compact copy that agrees with it); the catalog is complete
//! and consistent, with a People's Committee for each ward; another city can bring its own files.

use crate::common::*;
use civic_core::City;
use civic_core::area::AreaError;
use civic_core::catalog::{AnswerError, Datatype, Level};
use civic_core::model::{AnswerValue, Answers, Lang};

fn hue() -> City {
    City::hue().unwrap()
}

const PLACES: [(&str, (f64, f64), &str); 5] = [
    ("Huế citadel", CITADEL, "19753"),
    ("Phú Bài airport", PHU_BAI, "19960"),
    ("Khe Tre, Nam Đông", (16.1720, 107.7200), "20161"),
    ("A Lưới town", (16.2850, 107.2350), "20044"),
    ("Sịa, Quảng Điền", (16.5930, 107.5080), "19867"),
];

#[test]
fn points_in_hue_route_to_their_ward_or_commune() {
    let city = hue();
    assert_eq!((city.name.vi.as_str(), city.name.en.as_str()), ("Thành phố Huế", "Hue City"));
    for (name, at, ward) in PLACES {
        let placed = city.area.locate(at.0, at.1).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(placed.ward.code, ward, "{name}");
        assert!(!placed.near_edge, "{name} is well inside");
    }
}

#[test]
fn the_phone_copy_is_small_and_places_points_as_the_server_does() {
    let full = hue();
    let phone = City::hue_compact().unwrap();
    let built_in = include_bytes!("../../../config/hue/wards.civb");
    assert_eq!(
        &full.area.compact()[..],
        &built_in[..],
        "config/hue/wards.civb is out of date: cargo run -p civic-core --example pack_wards"
    );
    assert!(built_in.len() < 100_000, "the phone carries {} bytes of boundaries", built_in.len());
    assert_eq!(phone.area.wards().collect::<Vec<_>>(), full.area.wards().collect::<Vec<_>>());
    for (name, at, ward) in PLACES {
        assert_eq!(phone.area.locate(at.0, at.1).map(|m| m.ward.code).ok().as_deref(), Some(ward), "{name}");
    }
    // Over the whole city, the phone names the server's ward for all but points within metres
    // of a border.
    let (mut same, mut inside) = (0, 0);
    let mut s = 11u64;
    for _ in 0..2000 {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let (lat, lon) =
            (15.99 + (s >> 40) as f64 / (1u64 << 24) as f64 * 0.75, 107.03 + (s & 0xffffff) as f64 / (1u64 << 24) as f64 * 1.18);
        if let Some(server) = full.area.locate(lat, lon).ok().filter(|m| !m.near_edge) {
            inside += 1;
            same += usize::from(phone.area.locate(lat, lon).is_ok_and(|m| m.ward == server.ward));
        }
    }
    assert!(inside > 500, "{inside} points inside");
    assert!(same * 1000 >= inside * 995, "{same} of {inside} placed alike");
}

#[test]
fn each_ward_has_a_peoples_committee_that_handles_the_ward_level_categories() {
    let city = hue();
    let committees: Vec<_> = city.catalog.units.iter().filter(|u| u.ward.is_some()).collect();
    assert_eq!(committees.len(), 40);
    let phu_xuan = city.catalog.unit("ubnd-19753").expect("Phú Xuân's committee");
    assert_eq!(phu_xuan.name.vi, "Ủy ban nhân dân Phường Phú Xuân");
    assert_eq!(phu_xuan.name.en, "Phu Xuan Ward People's Committee");
    let litter = city.catalog.get("litter").unwrap();
    assert_eq!(litter.level, Level::Ward);
    assert_eq!(litter.unit_for(Some("19753")), "ubnd-19753");
    let pothole = city.catalog.get("pothole").unwrap();
    assert_eq!(pothole.level, Level::City);
    assert_eq!(pothole.unit_for(Some("19753")), "giao-thong");
    assert_eq!(city.catalog.get("dangerous-wires").unwrap().unit_for(Some("20044")), "dien-luc");
    // Every category names its level, and a city-level one a unit that exists.
    let raw: serde_json::Value = serde_json::from_str(include_str!("../../../config/hue/catalog.json")).unwrap();
    for c in raw["categories"].as_array().unwrap() {
        assert!(matches!(c["level"].as_str(), Some("ward" | "city")), "{}", c["code"]);
    }
}

#[test]
fn a_former_district_stands_for_the_wards_it_became() {
    let city = hue();
    let codes = |code: &str| city.current_units(code).into_iter().map(|p| p.code.clone()).collect::<Vec<_>>();
    // The old Huế city district (474) became, among others, Phú Xuân and Thuận Hóa.
    assert!(codes("474").contains(&"19753".to_owned()) && codes("474").contains(&"19789".to_owned()));
    assert_eq!(codes("481").len(), 5, "A Lưới became five communes");
    assert_eq!(codes("19753"), ["19753"], "a ward of today stands for itself");
    assert!(codes("999").is_empty());
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
                assert_eq!(area.en, "Hue City");
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
                assert!(!m.ward.code.is_empty(), "an edge point is still routed");
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
    std::fs::write(
        dir.path().join("wards.geojson"),
        fc(vec![feature("W1", "Phường Tây", square(10.0, 10.0, 0.5)), feature("E1", "Phường 1", square(10.5, 10.0, 0.5))]),
    )
    .unwrap();
    std::fs::copy("../config/hue/catalog.json", dir.path().join("catalog.json")).unwrap();
    let city_json = |wards: &str| {
        format!(
            r#"{{"code":"XOM","name":{{"vi":"Xóm","en":"Xom"}},"utc_offset":"+07:00",{wards}"edge_tolerance_m":100,"catalog":"catalog.json"}}"#
        )
    };
    std::fs::write(dir.path().join("city.json"), city_json(r#""wards":"wards.geojson","#)).unwrap();
    let city = City::load(dir.path()).unwrap();
    let m = city.area.locate(10.1, 10.6).unwrap();
    assert_eq!((m.ward.code.as_str(), m.ward.name.vi.as_str()), ("E1", "Phường 1"));
    assert!(matches!(city.area.locate(12.0, 10.5), Err(AreaError::Outside { .. })));
    assert!(city.catalog.unit("ubnd-E1").is_some());
    // Its compact copy loads like the GeoJSON.
    std::fs::write(dir.path().join("wards.civb"), city.area.compact()).unwrap();
    std::fs::write(dir.path().join("city.json"), city_json(r#""wards":"wards.civb","#)).unwrap();
    assert_eq!(City::load(dir.path()).unwrap().area.locate(10.1, 10.6).unwrap().ward.code, "E1");
    // Without wards, a clear configuration error.
    std::fs::write(dir.path().join("city.json"), city_json("")).unwrap();
    let error = City::load(dir.path()).unwrap_err().to_string();
    assert!(error.contains("names no wards"), "{error}");
    // A broken file is a clear configuration error, not a panic.
    std::fs::write(dir.path().join("city.json"), city_json(r#""wards":"wards.geojson","#)).unwrap();
    std::fs::write(dir.path().join("wards.geojson"), "{\"type\":\"FeatureCollection\"").unwrap();
    assert!(City::load(dir.path()).is_err());
    std::fs::write(dir.path().join("wards.geojson"), fc(vec![])).unwrap();
    let error = City::load(dir.path()).unwrap_err().to_string();
    assert!(error.contains("no wards or communes"), "{error}");
}

#[test]
fn a_configuration_served_to_phones_rebuilds_the_city_and_a_damaged_one_is_refused() {
    use civic_core::protocol::CityConfig;
    let city = hue();
    let wards = city.area.compact();
    let sha = civic_core::area::pack::sha256_hex(&wards);
    let config = CityConfig::of(&city, &city.catalog, "https://tiles.example/{z}/{x}/{y}.png", &sha);
    let back = config.to_city(&wards, city.former_units.clone()).expect("the city again");
    assert_eq!(
        (back.name.vi.as_str(), back.utc_offset, back.tile_url.as_str()),
        ("Thành phố Huế", city.utc_offset, "https://tiles.example/{z}/{x}/{y}.png")
    );
    assert_eq!(back.area.locate(CITADEL.0, CITADEL.1).unwrap().ward.code, "19753");
    assert_eq!(back.catalog.categories().len(), city.catalog.categories().len());
    assert_eq!(back.catalog.units.len(), city.catalog.units.len(), "no committee twice");
    // The version follows the content.
    let other = CityConfig::of(&city, &city.catalog, "https://other.example/{z}/{x}/{y}.png", &sha);
    assert_ne!(other.version, config.version);
    // Bytes that are not what the hash says, or an offset that is not one: refused, no panic.
    let mut damaged = wards.clone();
    damaged[40] ^= 0xff;
    assert!(config.to_city(&damaged, vec![]).is_err());
    assert!(CityConfig { utc_offset: "seven".into(), ..config.clone() }.to_city(&wards, vec![]).is_err());
    assert!(CityConfig { wards_sha256: String::new(), ..config }.to_city(&wards, vec![]).is_err());
}
