//! The service area: is a point inside the city, and which district (and ward) is it in?
//!
//! Loaded from GeoJSON so any city can configure its own boundaries. Boundaries are
//! generalised (Huế's are simplified upstream), so a point a little outside the outline is
//! accepted within a tolerance and flagged `near_edge` for the operators to review.

use geo::{
    BoundingRect, Closest, Contains, Coord, Distance, Haversine, HaversineClosestPoint, Intersects, LineString, MultiPolygon, Point,
    Polygon, Rect,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Localized, Place};

/// Why a point was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AreaError {
    #[error("({lat}, {lon}) is not a valid position")]
    InvalidCoordinates { lat: f64, lon: f64 },
    #[error("the point is {:.1} km outside {} (the service area)", distance_m / 1000.0, area.en)]
    Outside { distance_m: f64, area: Localized },
}

/// Why a boundary file was refused.
#[derive(Debug, thiserror::Error)]
pub enum BoundaryError {
    #[error("boundary file is not JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("boundary file is not usable GeoJSON: {0}")]
    Shape(String),
}

/// Where a point inside the service area belongs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaMatch {
    pub district: Option<Place>,
    pub ward: Option<Place>,
    /// Outside the drawn outline but within the tolerance: accepted, flagged for review.
    pub near_edge: bool,
}

#[derive(Debug, Clone)]
struct Zone {
    place: Place,
    shape: MultiPolygon,
    bbox: Rect,
    /// Each part's box, in the order of `shape`'s polygons: most parts are skipped on them.
    part_boxes: Vec<Rect>,
}

/// The city's outline and its districts and wards.
#[derive(Debug, Clone)]
pub struct ServiceArea {
    name: Localized,
    outline: Zone,
    districts: Vec<Zone>,
    wards: Vec<Zone>,
    tolerance_m: f64,
}

impl ServiceArea {
    /// Builds the area from GeoJSON FeatureCollections: the outline (all its features
    /// together), the districts and optionally the wards (each feature one unit, its code
    /// from `code`/`gso_code`/`id` and its names from `name` or `name_vi`, and `name_en`).
    pub fn from_geojson(
        name: Localized,
        outline: &str,
        districts: &str,
        wards: Option<&str>,
        tolerance_m: f64,
    ) -> Result<Self, BoundaryError> {
        let outline_zones = parse_zones(outline)?;
        let shape = MultiPolygon::new(outline_zones.into_iter().flat_map(|z| z.shape.0).collect());
        let outline = zone(Place { code: String::new(), name: name.clone() }, shape)?;
        Ok(ServiceArea {
            name,
            outline,
            districts: units(districts, "districts")?,
            wards: wards.map(|w| units(w, "wards")).transpose()?.unwrap_or_default(),
            tolerance_m,
        })
    }

    /// The area's name, e.g. "Thừa Thiên Huế".
    pub fn name(&self) -> &Localized {
        &self.name
    }

    /// The outline's bounding box: `(min_lat, min_lon, max_lat, max_lon)` (where a map opens).
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        let b = self.outline.bbox;
        (b.min().y, b.min().x, b.max().y, b.max().x)
    }

    /// The districts, in file order.
    pub fn districts(&self) -> impl Iterator<Item = &Place> {
        self.districts.iter().map(|z| &z.place)
    }

    /// The wards, in file order (none when the city's data has no wards).
    pub fn wards(&self) -> impl Iterator<Item = &Place> {
        self.wards.iter().map(|z| &z.place)
    }

    /// The district or ward with this code, and its boundary.
    pub fn zone(&self, code: &str) -> Option<(&Place, &MultiPolygon)> {
        self.districts.iter().chain(&self.wards).find(|z| z.place.code == code).map(|z| (&z.place, &z.shape))
    }

    /// A district's or ward's boundary as CAP polygons: closed rings of `(lat, lon)`, one per
    /// part (holes left out, as CAP has no holes).
    pub fn cap_polygons(&self, code: &str) -> Option<Vec<Vec<(f64, f64)>>> {
        let (_, shape) = self.zone(code)?;
        Some(
            shape
                .0
                .iter()
                .map(|poly| {
                    let mut ring: Vec<(f64, f64)> = poly.exterior().coords().map(|c| (c.y, c.x)).collect();
                    if ring.first() != ring.last() {
                        ring.push(ring[0]);
                    }
                    ring
                })
                .collect(),
        )
    }

    /// Checks a point and routes it to its district and ward.
    pub fn locate(&self, lat: f64, lon: f64) -> Result<AreaMatch, AreaError> {
        if !lat.is_finite() || !lon.is_finite() || !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(AreaError::InvalidCoordinates { lat, lon });
        }
        let p = Point::new(lon, lat);
        // The wards, where the city has them, are its finest complete partition: a point in one
        // is inside, without walking the whole outline (130,000 vertices for Huế's 40 units).
        let ward = covering(&self.wards, p);
        let inside = ward.is_some() || self.outline.covers(p);
        if !inside {
            let distance_m = self.outline.distance_m(p);
            if distance_m > self.tolerance_m {
                return Err(AreaError::Outside { distance_m, area: self.name.clone() });
            }
        }
        let ward = ward.map(|z| z.place.clone()).or_else(|| nearest(&self.wards, p));
        Ok(AreaMatch { district: route(&self.districts, p), ward, near_edge: !inside })
    }
}

/// An area drawn on a map (a campaign's streets), checked against the city.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnArea {
    /// The closed ring of `(lat, lon)` corners.
    pub ring: Vec<(f64, f64)>,
    /// The districts it touches (by its corners and its middle), for "near my places".
    pub districts: Vec<String>,
    shape: Polygon,
}

/// Why a drawn area was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DrawnAreaError {
    #[error("a drawn area needs 3 to {max} corners, not {found}")]
    Corners { found: usize, max: usize },
    #[error("corner {index} of the drawn area: {error}")]
    Corner { index: usize, error: AreaError },
    #[error("the drawn area has no surface (its corners are on one line)")]
    Flat,
}

impl DrawnArea {
    pub const MAX_CORNERS: usize = 1000;

    /// A ring of `(lat, lon)` corners (closed here if it is not), every corner in the city.
    pub fn new(city: &ServiceArea, points: &[(f64, f64)]) -> Result<DrawnArea, DrawnAreaError> {
        let mut ring = points.to_vec();
        if ring.first() != ring.last() {
            ring.extend(ring.first().copied());
        }
        if ring.len() < 4 || ring.len() > Self::MAX_CORNERS + 1 {
            return Err(DrawnAreaError::Corners { found: points.len(), max: Self::MAX_CORNERS });
        }
        let mut districts = Vec::new();
        for (index, &(lat, lon)) in ring.iter().enumerate() {
            let found = city.locate(lat, lon).map_err(|error| DrawnAreaError::Corner { index, error })?;
            districts.extend(found.district.map(|d| d.code));
        }
        let shape = Polygon::new(LineString::from(ring.iter().map(|&(lat, lon)| (lon, lat)).collect::<Vec<_>>()), Vec::new());
        if geo::Area::unsigned_area(&shape) <= 0.0 {
            return Err(DrawnAreaError::Flat);
        }
        if let Some(middle) = geo::Centroid::centroid(&shape) {
            districts.extend(city.locate(middle.y(), middle.x()).ok().and_then(|m| m.district).map(|d| d.code));
        }
        districts.sort();
        districts.dedup();
        Ok(DrawnArea { ring, districts, shape })
    }

    /// An area checked when it was drawn, as stored since (its districts are not needed).
    pub fn checked(ring: Vec<(f64, f64)>) -> DrawnArea {
        let shape = Polygon::new(LineString::from(ring.iter().map(|&(lat, lon)| (lon, lat)).collect::<Vec<_>>()), Vec::new());
        DrawnArea { ring, districts: Vec::new(), shape }
    }

    /// Whether a point is inside (or on the edge of) the area.
    pub fn covers(&self, lat: f64, lon: f64) -> bool {
        let p = Point::new(lon, lat);
        self.shape.contains(&p) || self.shape.intersects(&p)
    }
}

/// Great-circle distance between two (lat, lon) points, in metres.
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine.distance(Point::new(a.1, a.0), Point::new(b.1, b.0))
}

impl Zone {
    fn parts(&self) -> impl Iterator<Item = (&Rect, &Polygon)> {
        self.part_boxes.iter().zip(&self.shape.0)
    }

    fn covers(&self, p: Point) -> bool {
        // `intersects` is boundary-inclusive: a point on a shared border belongs somewhere.
        self.bbox.intersects(&p) && self.parts().any(|(b, poly)| b.intersects(&p) && (poly.contains(&p) || poly.intersects(&p)))
    }

    /// The distance to the zone's nearest edge. The parts are taken nearest box first, and a
    /// part whose box is already farther than the best distance found is skipped: a point in
    /// the sea measures a few parts of Huế's 130,000 vertices, not all of them.
    fn distance_m(&self, p: Point) -> f64 {
        let mut parts: Vec<(f64, &Polygon)> = self.parts().map(|(b, poly)| (box_distance_m(b, p), poly)).collect();
        parts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut best = f64::INFINITY;
        for (lower_bound, poly) in parts {
            if lower_bound >= best {
                break;
            }
            let d = match poly.haversine_closest_point(&p) {
                Closest::Intersection(_) => 0.0,
                Closest::SinglePoint(q) => Haversine.distance(p, q),
                Closest::Indeterminate => f64::INFINITY,
            };
            best = best.min(d);
        }
        best
    }
}

/// A lower bound of the distance from `p` to anything in the box: the distance to the box's
/// nearest point, less 1 % for the curvature a box in degrees ignores (a city is small).
fn box_distance_m(b: &Rect, p: Point) -> f64 {
    let q = Point::new(p.x().clamp(b.min().x, b.max().x), p.y().clamp(b.min().y, b.max().y));
    Haversine.distance(p, q) * 0.99
}

/// The zone covering `p`; failing that (a point in a gap of generalised borders, or in the
/// tolerance band), the nearest one.
fn route(zones: &[Zone], p: Point) -> Option<Place> {
    covering(zones, p).map(|z| z.place.clone()).or_else(|| nearest(zones, p))
}

/// The zone covering `p`. A point on a border two zones share (both cover it) goes to the one
/// with the smallest code, whatever the order of the file.
fn covering(zones: &[Zone], p: Point) -> Option<&Zone> {
    zones.iter().filter(|z| z.covers(p)).min_by(|a, b| a.place.code.cmp(&b.place.code))
}

/// The zone nearest to `p` (ties: the smallest code).
fn nearest(zones: &[Zone], p: Point) -> Option<Place> {
    zones
        .iter()
        .map(|z| (z.distance_m(p), z))
        .min_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.place.code.cmp(&b.1.place.code)))
        .map(|(_, z)| z.place.clone())
}

fn zone(place: Place, shape: MultiPolygon) -> Result<Zone, BoundaryError> {
    let bbox = shape.bounding_rect().ok_or_else(|| BoundaryError::Shape(format!("{} has no coordinates", place.name.en)))?;
    let part_boxes = shape
        .0
        .iter()
        .map(|poly| poly.bounding_rect().ok_or_else(|| BoundaryError::Shape(format!("{} has an empty part", place.name.en))))
        .collect::<Result<_, _>>()?;
    Ok(Zone { place, shape, bbox, part_boxes })
}

/// The units a report is routed to: each with a code of its own, which receipts, statistics and
/// warnings name it by.
fn units(geojson: &str, what: &str) -> Result<Vec<Zone>, BoundaryError> {
    let zones = parse_zones(geojson)?;
    let mut seen = std::collections::HashSet::new();
    for z in &zones {
        if z.place.code.is_empty() {
            return Err(BoundaryError::Shape(format!("{what}: {:?} has no code", z.place.name.vi)));
        }
        if !seen.insert(z.place.code.as_str()) {
            return Err(BoundaryError::Shape(format!("{what}: the code {} is given twice", z.place.code)));
        }
    }
    Ok(zones)
}

fn parse_zones(geojson: &str) -> Result<Vec<Zone>, BoundaryError> {
    let v: Value = serde_json::from_str(geojson)?;
    let features =
        v.get("features").and_then(Value::as_array).ok_or_else(|| BoundaryError::Shape("expected a FeatureCollection".into()))?;
    features.iter().map(parse_feature).collect()
}

fn parse_feature(f: &Value) -> Result<Zone, BoundaryError> {
    let props = f.get("properties").cloned().unwrap_or(Value::Null);
    let text = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| props.get(*k).or_else(|| if *k == "id" { f.get("id") } else { None }))
            .and_then(|v| v.as_str().map(str::to_owned).or_else(|| v.as_i64().map(|n| n.to_string())))
            .unwrap_or_default()
    };
    // `name`, or `name_vi` as in the 2025 commune-level data (config/hue/wards.geojson).
    let vi = text(&["name", "name_vi"]);
    let en = text(&["name_en", "name", "name_vi"]);
    let place = Place { code: text(&["code", "gso_code", "id"]), name: Localized { vi, en } };
    let geometry = f.get("geometry").ok_or_else(|| BoundaryError::Shape("feature without geometry".into()))?;
    let coords = geometry.get("coordinates").unwrap_or(&Value::Null);
    let polygons = match geometry.get("type").and_then(Value::as_str) {
        Some("Polygon") => vec![polygon(coords)?],
        Some("MultiPolygon") => coords
            .as_array()
            .ok_or_else(|| BoundaryError::Shape("MultiPolygon without coordinates".into()))?
            .iter()
            .map(polygon)
            .collect::<Result<_, _>>()?,
        other => return Err(BoundaryError::Shape(format!("unsupported geometry {other:?}"))),
    };
    zone(place, MultiPolygon::new(polygons))
}

fn polygon(rings: &Value) -> Result<Polygon, BoundaryError> {
    let rings = rings.as_array().ok_or_else(|| BoundaryError::Shape("polygon is not a list of rings".into()))?;
    let mut rings = rings.iter().map(ring);
    let exterior = rings.next().ok_or_else(|| BoundaryError::Shape("polygon without rings".into()))??;
    Ok(Polygon::new(exterior, rings.collect::<Result<_, _>>()?))
}

fn ring(v: &Value) -> Result<LineString, BoundaryError> {
    let points = v.as_array().ok_or_else(|| BoundaryError::Shape("ring is not a list".into()))?;
    let coords = points
        .iter()
        .map(|p| match (p.get(0).and_then(Value::as_f64), p.get(1).and_then(Value::as_f64)) {
            (Some(x), Some(y)) => Ok(Coord { x, y }),
            _ => Err(BoundaryError::Shape("position is not [lon, lat]".into())),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if coords.len() < 4 {
        return Err(BoundaryError::Shape("a ring needs at least 4 positions".into()));
    }
    Ok(LineString::new(coords))
}
