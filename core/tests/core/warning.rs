//! Warnings on the phone: the device alone decides whether an alert concerns its resident.

use std::collections::BTreeSet;

use civic_core::warning::*;

/// A square "ward" of about 1 km around (lat, lon), as a closed CAP polygon.
fn ward(lat: f64, lon: f64) -> Area {
    let d = 0.0045;
    Area::Polygon { points: vec![(lat - d, lon - d), (lat - d, lon + d), (lat + d, lon + d), (lat + d, lon - d), (lat - d, lon - d)] }
}

fn alert(id: &str, severity: Severity, topic: &str, areas: Vec<Area>) -> AlertTarget {
    AlertTarget { id: id.into(), severity, topics: vec![topic.into()], areas }
}

fn home(lat: f64, lon: f64) -> Subscription {
    Subscription {
        places: vec![SavedPlace::circle("Nhà", lat, lon, 100.0)],
        current_position: false,
        topics: BTreeSet::new(),
        min_severity: Severity::Minor,
        quiet_hours: None,
        language: Default::default(),
    }
}

const PHU_HOI: (f64, f64) = (16.4610, 107.5960);
const VY_DA: (f64, f64) = (16.4700, 107.6100);
const KIM_LONG: (f64, f64) = (16.4560, 107.5560);

#[test]
fn a_flood_warning_for_two_wards_reaches_the_residents_of_those_wards_only() {
    let index =
        AlertIndex::new(vec![alert("flood-1", Severity::Severe, "flood", vec![ward(PHU_HOI.0, PHU_HOI.1), ward(VY_DA.0, VY_DA.1)])])
            .unwrap();
    assert_eq!(index.decide("flood-1", &home(PHU_HOI.0 + 0.001, PHU_HOI.1), &NoRegions, None, 600), Delivery::Notify);
    assert_eq!(index.decide("flood-1", &home(VY_DA.0, VY_DA.1 - 0.002), &NoRegions, None, 600), Delivery::Notify);
    assert_eq!(index.decide("flood-1", &home(KIM_LONG.0, KIM_LONG.1), &NoRegions, None, 600), Delivery::NotForMe);
    // A place just outside the ward whose radius reaches into it is concerned.
    let mut near = home(PHU_HOI.0 + 0.0050, PHU_HOI.1);
    assert_eq!(index.decide("flood-1", &near, &NoRegions, None, 600), Delivery::Notify, "55 m out, 100 m radius");
    near.places[0] = SavedPlace::circle("Nhà", PHU_HOI.0 + 0.0050, PHU_HOI.1, 10.0);
    assert_eq!(index.decide("flood-1", &near, &NoRegions, None, 600), Delivery::NotForMe);
}

#[test]
fn quiet_hours_hold_back_all_but_extreme_alerts() {
    let index = AlertIndex::new(vec![
        alert("dam-release", Severity::Extreme, "flood", vec![ward(PHU_HOI.0, PHU_HOI.1)]),
        alert("road-works", Severity::Minor, "traffic", vec![ward(PHU_HOI.0, PHU_HOI.1)]),
    ])
    .unwrap();
    let mut sub = home(PHU_HOI.0, PHU_HOI.1);
    sub.quiet_hours = Some((22 * 60, 6 * 60)); // 22:00 to 06:00, across midnight
    for minute in [23 * 60, 2 * 60, 5 * 60 + 59] {
        assert_eq!(index.decide("dam-release", &sub, &NoRegions, None, minute), Delivery::Notify);
        assert_eq!(index.decide("road-works", &sub, &NoRegions, None, minute), Delivery::Silent);
    }
    assert_eq!(index.decide("road-works", &sub, &NoRegions, None, 6 * 60), Delivery::Notify, "quiet hours are over at 06:00");
}

#[test]
fn topics_severity_and_where_i_am_now_filter_alerts() {
    let index = AlertIndex::new(vec![
        alert("storm", Severity::Moderate, "storm", vec![Area::Circle { lat: KIM_LONG.0, lon: KIM_LONG.1, radius_m: 800.0 }]),
        alert("outage", Severity::Minor, "outage", vec![Area::Circle { lat: KIM_LONG.0, lon: KIM_LONG.1, radius_m: 800.0 }]),
    ])
    .unwrap();
    let mut sub = home(PHU_HOI.0, PHU_HOI.1);
    // Home is far away; the resident is in Kim Long now.
    let here = Some((KIM_LONG.0 + 0.003, KIM_LONG.1));
    assert_eq!(index.decide("storm", &sub, &NoRegions, here, 600), Delivery::NotForMe, "not subscribed to where I am");
    sub.current_position = true;
    assert_eq!(index.decide("storm", &sub, &NoRegions, here, 600), Delivery::Notify);
    sub.topics = ["flood".to_owned(), "storm".to_owned()].into();
    assert_eq!(index.decide("outage", &sub, &NoRegions, here, 600), Delivery::NotForMe, "topic not chosen");
    sub.topics.clear();
    sub.min_severity = Severity::Moderate;
    assert_eq!(index.decide("outage", &sub, &NoRegions, here, 600), Delivery::NotForMe, "below the minimum severity");
    assert_eq!(index.decide("storm", &sub, &NoRegions, here, 600), Delivery::Notify);
    assert_eq!(index.decide("unknown-alert", &sub, &NoRegions, here, 600), Delivery::NotForMe);
}

#[test]
fn bad_areas_are_refused_with_the_alert_named() {
    let open = Area::Polygon { points: vec![(16.0, 107.0), (16.1, 107.0), (16.1, 107.1), (16.0, 107.1)] };
    let negative = Area::Circle { lat: 16.4, lon: 107.6, radius_m: -5.0 };
    let nowhere = Area::Circle { lat: 95.0, lon: 107.6, radius_m: 5.0 };
    for (area, expected) in [(open, AreaError::OpenPolygon), (negative, AreaError::BadRadius), (nowhere, AreaError::BadPoint(95.0, 107.6))]
    {
        match AlertIndex::new(vec![alert("bad", Severity::Minor, "flood", vec![area])]) {
            Err((id, e)) => assert_eq!((id.as_str(), e), ("bad", expected)),
            Ok(_) => panic!("a bad area was accepted"),
        }
    }
}

#[test]
fn the_index_finds_exactly_what_checking_every_area_would() {
    // 2,000 areas scattered over the province; compare with a brute-force check.
    let mut s = 12345u64;
    let mut rand = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s % 1_000_000) as f64 / 1_000_000.0
    };
    let mut alerts = Vec::new();
    for i in 0..2000 {
        let (lat, lon) = (16.0 + rand() * 0.8, 107.0 + rand() * 0.9);
        let area = if i % 2 == 0 { Area::Circle { lat, lon, radius_m: 200.0 + rand() * 3000.0 } } else { ward(lat, lon) };
        alerts.push(alert(&format!("a{i}"), Severity::Moderate, "flood", vec![area]));
    }
    let index = AlertIndex::new(alerts.clone()).unwrap();
    for _ in 0..200 {
        let (lat, lon, r) = (16.0 + rand() * 0.8, 107.0 + rand() * 0.9, rand() * 500.0);
        let found: BTreeSet<_> = index.near(lat, lon, r).iter().map(|a| a.id.clone()).collect();
        let expected: BTreeSet<_> = alerts.iter().filter(|a| reaches(&a.areas[0], lat, lon, r)).map(|a| a.id.clone()).collect();
        assert_eq!(found, expected, "at ({lat}, {lon}) r={r}");
    }
}

/// The exact test, without any index: does `area` come within `r` metres of the point?
fn reaches(area: &Area, lat: f64, lon: f64, r: f64) -> bool {
    use geo::{Contains, Distance, Haversine, HaversineClosestPoint, LineString, Point, Polygon};
    let p = Point::new(lon, lat);
    match area {
        Area::Circle { lat: clat, lon: clon, radius_m } => Haversine.distance(Point::new(*clon, *clat), p) <= radius_m + r,
        Area::Polygon { points } => {
            let poly = Polygon::new(points.iter().map(|&(la, lo)| (lo, la)).collect::<LineString>(), vec![]);
            poly.contains(&p)
                || match poly.haversine_closest_point(&p) {
                    geo::Closest::SinglePoint(q) | geo::Closest::Intersection(q) => Haversine.distance(p, q) <= r,
                    geo::Closest::Indeterminate => false,
                }
        }
    }
}

/// Two square "wards" side by side, sharing the border at longitude 107.60.
struct TwoWards {
    west: geo::MultiPolygon,
    east: geo::MultiPolygon,
}

impl Regions for TwoWards {
    fn boundary(&self, code: &str) -> Option<&geo::MultiPolygon> {
        match code {
            "west" => Some(&self.west),
            "east" => Some(&self.east),
            _ => None,
        }
    }
}

fn square(lon0: f64, lon1: f64) -> geo::MultiPolygon {
    geo::MultiPolygon::new(vec![geo::Polygon::new(
        vec![(lon0, 16.45), (lon1, 16.45), (lon1, 16.47), (lon0, 16.47), (lon0, 16.45)].into(),
        vec![],
    )])
}

#[test]
fn a_ward_place_is_concerned_by_what_reaches_into_it_not_by_its_neighbours_warnings() {
    let wards = TwoWards { west: square(107.58, 107.60), east: square(107.60, 107.62) };
    let west_ring = |r: &geo::MultiPolygon| -> Area { Area::Polygon { points: r.0[0].exterior().coords().map(|c| (c.y, c.x)).collect() } };
    let index = AlertIndex::new(vec![
        alert("west-flood", Severity::Severe, "flood", vec![west_ring(&wards.west)]),
        alert("tree-down", Severity::Minor, "traffic", vec![Area::Circle { lat: 16.46, lon: 107.6005, radius_m: 200.0 }]),
        alert("point", Severity::Minor, "traffic", vec![Area::Circle { lat: 16.46, lon: 107.61, radius_m: 1.0 }]),
    ])
    .unwrap();
    let follows = |code: &str| Subscription { places: vec![SavedPlace::area("Phường", code)], ..Subscription::default() };
    assert_eq!(index.decide("west-flood", &follows("west"), &wards, None, 600), Delivery::Notify);
    assert_eq!(index.decide("west-flood", &follows("east"), &wards, None, 600), Delivery::NotForMe, "sharing a border is not overlapping");
    // A circle across the border reaches both; a point inside one reaches that one.
    assert_eq!(index.decide("tree-down", &follows("west"), &wards, None, 600), Delivery::Notify);
    assert_eq!(index.decide("tree-down", &follows("east"), &wards, None, 600), Delivery::Notify);
    assert_eq!(index.decide("point", &follows("east"), &wards, None, 600), Delivery::Notify);
    assert_eq!(index.decide("point", &follows("west"), &wards, None, 600), Delivery::NotForMe);
    // Without the regions, a named place matches nothing (and a subscription naming an
    // unknown one is refused).
    assert_eq!(index.decide("west-flood", &follows("west"), &NoRegions, None, 600), Delivery::NotForMe);
    assert_eq!(follows("north").check(&wards), Err(SubscriptionError::UnknownArea("north".into())));
}
