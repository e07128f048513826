//! The service area: is a point inside the city, and which ward or commune is it in?
//!
//! Loaded from GeoJSON so any city can configure its own units (each feature one unit: its
//! code from `code`/`gso_code`/`id`, its names from `name` or `name_vi`, and `name_en`), or
//! from their compact form (`pack`) on the phone. The units together are the city: a point
//! in none of them is outside, except within a tolerance (boundaries are generalised), where
//! it is accepted, routed to the nearest unit and flagged `near_edge` for the operators.

mod edges;
pub mod pack;

use geo::{BoundingRect, Contains, Coord, Distance, Haversine, Intersects, LineString, MultiPolygon, Point, Polygon, Rect};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Localized, Place};
use edges::Edges;

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
    /// The ward or commune whose People's Committee answers for the place.
    pub ward: Place,
    /// In no unit but within the tolerance: accepted, routed to the nearest, flagged for review.
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

/// The city's wards and communes.
#[derive(Debug, Clone)]
pub struct ServiceArea {
    name: Localized,
    wards: Vec<Zone>,
    bbox: Rect,
    edges: Edges,
    tolerance_m: f64,
}

impl ServiceArea {
    /// The area from a GeoJSON FeatureCollection of its units (wards and communes).
    pub fn from_geojson(name: Localized, wards: &str, tolerance_m: f64) -> Result<Self, BoundaryError> {
        Self::from_units(name, parse_units(wards)?, tolerance_m)
    }

    /// The area from the compact form of its units ([`ServiceArea::compact`]).
    pub fn from_compact(name: Localized, bytes: &[u8], tolerance_m: f64) -> Result<Self, BoundaryError> {
        Self::from_units(name, pack::decode(bytes)?, tolerance_m)
    }

    /// The area from its units, each with a code of its own, which receipts, statistics and
    /// warnings name it by.
    pub fn from_units(name: Localized, units: Vec<(Place, MultiPolygon)>, tolerance_m: f64) -> Result<Self, BoundaryError> {
        let mut seen = std::collections::HashSet::new();
        for (place, _) in &units {
            if place.code.is_empty() {
                return Err(BoundaryError::Shape(format!("wards: {:?} has no code", place.name.vi)));
            }
            if !seen.insert(place.code.clone()) {
                return Err(BoundaryError::Shape(format!("wards: the code {} is given twice", place.code)));
            }
        }
        let wards = units.into_iter().map(|(place, shape)| zone(place, shape)).collect::<Result<Vec<_>, _>>()?;
        let bbox = wards
            .iter()
            .map(|z| z.bbox)
            .reduce(|a, b| {
                Rect::new(
                    geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                    geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
                )
            })
            .ok_or_else(|| BoundaryError::Shape("the city has no wards or communes: routing needs them".into()))?;
        let edges = Edges::new(wards.iter().map(|z| &z.shape));
        Ok(ServiceArea { name, wards, bbox, edges, tolerance_m })
    }

    /// The units in the compact form, simplified for the phone ([`pack`]).
    pub fn compact(&self) -> Vec<u8> {
        pack::encode(self.wards.iter().map(|z| (&z.place, &z.shape)))
    }

    /// How far outside every unit a point is still accepted, in metres.
    pub fn tolerance_m(&self) -> f64 {
        self.tolerance_m
    }

    /// The area's name, e.g. "Thành phố Huế".
    pub fn name(&self) -> &Localized {
        &self.name
    }

    /// The city's bounding box: `(min_lat, min_lon, max_lat, max_lon)` (where a map opens).
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        let b = self.bbox;
        (b.min().y, b.min().x, b.max().y, b.max().x)
    }

    /// The wards and communes, in file order.
    pub fn wards(&self) -> impl Iterator<Item = &Place> {
        self.wards.iter().map(|z| &z.place)
    }

    /// The wards and communes in alphabetical order of their names in `lang` (diacritics
    /// folded), as pickers list them.
    pub fn wards_by_name(&self, lang: crate::model::Lang) -> Vec<&Place> {
        let mut wards: Vec<&Place> = self.wards().collect();
        wards.sort_by_cached_key(|w| crate::catalog::fold(w.name.get(lang)));
        wards
    }

    /// The ward or commune with this code, and its boundary.
    pub fn zone(&self, code: &str) -> Option<(&Place, &MultiPolygon)> {
        self.wards.iter().find(|z| z.place.code == code).map(|z| (&z.place, &z.shape))
    }

    /// A ward's boundary as CAP polygons: closed rings of `(lat, lon)`, one per part (holes
    /// left out, as CAP has no holes).
    pub fn cap_polygons(&self, code: &str) -> Option<Vec<Vec<(f64, f64)>>> {
        let (_, shape) = self.zone(code)?;
        Some(
            shape
                .0
                .iter()
                .map(|poly| {
                    let mut ring: Vec<(f64, f64)> = poly.exterior().coords().map(|c| (c.y, c.x)).collect();
                    if ring.first() != ring.last() {
                        ring.extend(ring.first().copied());
                    }
                    ring
                })
                .collect(),
        )
    }

    /// Checks a point and routes it to its ward or commune.
    pub fn locate(&self, lat: f64, lon: f64) -> Result<AreaMatch, AreaError> {
        if !lat.is_finite() || !lon.is_finite() || !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(AreaError::InvalidCoordinates { lat, lon });
        }
        let p = Point::new(lon, lat);
        if let Some(z) = covering(&self.wards, p) {
            return Ok(AreaMatch { ward: z.place.clone(), near_edge: false });
        }
        let nearest = self.edges.nearest(lon, lat).and_then(|n| Some((n.distance_m, self.wards.get(n.unit)?)));
        match nearest {
            Some((distance_m, z)) if distance_m <= self.tolerance_m => Ok(AreaMatch { ward: z.place.clone(), near_edge: true }),
            found => Err(AreaError::Outside { distance_m: found.map_or(f64::INFINITY, |f| f.0), area: self.name.clone() }),
        }
    }
}

/// An area drawn on a map (a campaign's streets), checked against the city.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnArea {
    /// The closed ring of `(lat, lon)` corners.
    pub ring: Vec<(f64, f64)>,
    /// The wards and communes it touches (by its corners and its middle), for "near my places".
    pub wards: Vec<String>,
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
        let mut wards = Vec::new();
        for (index, &(lat, lon)) in ring.iter().enumerate() {
            let found = city.locate(lat, lon).map_err(|error| DrawnAreaError::Corner { index, error })?;
            wards.push(found.ward.code);
        }
        let shape = Polygon::new(LineString::from(ring.iter().map(|&(lat, lon)| (lon, lat)).collect::<Vec<_>>()), Vec::new());
        if geo::Area::unsigned_area(&shape) <= 0.0 {
            return Err(DrawnAreaError::Flat);
        }
        if let Some(middle) = geo::Centroid::centroid(&shape) {
            wards.extend(city.locate(middle.y(), middle.x()).ok().map(|m| m.ward.code));
        }
        wards.sort();
        wards.dedup();
        Ok(DrawnArea { ring, wards, shape })
    }

    /// An area checked when it was drawn, as stored since (its wards are not needed).
    pub fn checked(ring: Vec<(f64, f64)>) -> DrawnArea {
        let shape = Polygon::new(LineString::from(ring.iter().map(|&(lat, lon)| (lon, lat)).collect::<Vec<_>>()), Vec::new());
        DrawnArea { ring, wards: Vec::new(), shape }
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
}

/// The zone covering `p`. A point on a border two zones share (both cover it) goes to the one
/// with the smallest code, whatever the order of the file.
fn covering(zones: &[Zone], p: Point) -> Option<&Zone> {
    zones.iter().filter(|z| z.covers(p)).min_by(|a, b| a.place.code.cmp(&b.place.code))
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

fn parse_units(geojson: &str) -> Result<Vec<(Place, MultiPolygon)>, BoundaryError> {
    let v: Value = serde_json::from_str(geojson)?;
    let features =
        v.get("features").and_then(Value::as_array).ok_or_else(|| BoundaryError::Shape("expected a FeatureCollection".into()))?;
    features.iter().map(parse_feature).collect()
}

fn parse_feature(f: &Value) -> Result<(Place, MultiPolygon), BoundaryError> {
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
    Ok((place, MultiPolygon::new(polygons)))
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
