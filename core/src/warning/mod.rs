//! Warnings on the phone: does an alert concern this resident, and should it ring now?
//!
//! The resident's places never leave the phone: the server sends every active alert of the
//! region and the device decides here. Alert areas (CAP polygons and circles) sit in an
//! R-tree so a check against thousands of them costs microseconds.

use std::collections::BTreeSet;

use geo::{
    BooleanOps, BoundingRect, ChamberlainDuquetteArea, Contains, Distance, Haversine, HaversineClosestPoint, Intersects, LineString,
    MultiPolygon, Point, Polygon,
};
use rstar::{AABB, RTree, RTreeObject};

pub mod cells;
use serde::{Deserialize, Serialize};

use crate::area::ServiceArea;
use crate::model::{Lang, UnknownName};

/// CAP 1.2 severity, least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Severity {
    Unknown,
    Minor,
    Moderate,
    Severe,
    Extreme,
}

impl Severity {
    /// The severity in the resident's words (the four CAP levels as Vietnamese warnings
    /// name them).
    pub fn label(self, lang: crate::model::Lang) -> &'static str {
        use crate::model::Lang::{En, Vi};
        match (self, lang) {
            (Severity::Extreme, Vi) => "Đặc biệt nguy hiểm",
            (Severity::Extreme, En) => "Extreme",
            (Severity::Severe, Vi) => "Nguy hiểm",
            (Severity::Severe, En) => "Severe",
            (Severity::Moderate, Vi) => "Trung bình",
            (Severity::Moderate, En) => "Moderate",
            (Severity::Minor, Vi) => "Nhẹ",
            (Severity::Minor, En) => "Minor",
            (Severity::Unknown, Vi) => "Chưa rõ mức độ",
            (Severity::Unknown, En) => "Unknown severity",
        }
    }

    /// Stable name used in storage (CAP's own word).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "Unknown",
            Severity::Minor => "Minor",
            Severity::Moderate => "Moderate",
            Severity::Severe => "Severe",
            Severity::Extreme => "Extreme",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "Unknown" => Ok(Severity::Unknown),
            "Minor" => Ok(Severity::Minor),
            "Moderate" => Ok(Severity::Moderate),
            "Severe" => Ok(Severity::Severe),
            "Extreme" => Ok(Severity::Extreme),
            other => Err(UnknownName(other.to_owned())),
        }
    }
}

/// An alert's area: a CAP polygon (closed ring of lat/lon) or circle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Area {
    Polygon { points: Vec<(f64, f64)> },
    Circle { lat: f64, lon: f64, radius_m: f64 },
}

/// Why an area was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AreaError {
    #[error("a polygon needs at least 4 points, the last equal to the first (closed)")]
    OpenPolygon,
    #[error("a circle's radius must be a positive number of metres")]
    BadRadius,
    #[error("({0}, {1}) is not a valid position")]
    BadPoint(f64, f64),
}

impl Area {
    /// Checks the area the way CAP requires.
    pub fn check(&self) -> Result<(), AreaError> {
        let valid = |lat: f64, lon: f64| lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0;
        match self {
            Area::Polygon { points } => {
                if points.len() < 4 || points.first() != points.last() {
                    return Err(AreaError::OpenPolygon);
                }
                match points.iter().find(|(lat, lon)| !valid(*lat, *lon)) {
                    Some(&(lat, lon)) => Err(AreaError::BadPoint(lat, lon)),
                    None => Ok(()),
                }
            }
            Area::Circle { lat, lon, radius_m } => {
                if !valid(*lat, *lon) {
                    Err(AreaError::BadPoint(*lat, *lon))
                } else if !(radius_m.is_finite() && *radius_m > 0.0) {
                    Err(AreaError::BadRadius)
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// The topics a resident can follow, with their names (codes as in `Alert::topics`).
pub const TOPICS: &[(&str, &str, &str)] = &[
    ("flood", "Lũ lụt, ngập", "Floods"),
    ("storm", "Bão, mưa lớn", "Storms, heavy rain"),
    ("outage", "Mất điện, mất nước", "Power and water cuts"),
    ("traffic", "Giao thông", "Traffic"),
    ("health", "Y tế", "Health"),
    ("environment", "Môi trường", "Environment"),
    ("fire", "Cháy nổ", "Fire"),
    ("security", "An ninh", "Security"),
    ("other", "Khác", "Other"),
];

/// The topics a resident can follow, each with its name in `lang`.
pub fn topics(lang: crate::model::Lang) -> Vec<(&'static str, &'static str)> {
    TOPICS.iter().map(|&(code, vi, en)| (code, if lang == crate::model::Lang::Vi { vi } else { en })).collect()
}

/// What the device needs of an alert to decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertTarget {
    pub id: String,
    pub severity: Severity,
    /// Our topic codes ("flood", "storm", "outage", "traffic", "health", "environment"…).
    pub topics: Vec<String>,
    pub areas: Vec<Area>,
}

/// A place the resident cares about, by name ("Nhà", "Trường của con").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlace {
    pub name: String,
    pub shape: PlaceShape,
}

/// Where a saved place is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlaceShape {
    /// A point and the distance around it that matters.
    Circle { lat: f64, lon: f64, radius_m: f64 },
    /// A ward or commune of the city by its code; an alert concerns it when the alert's
    /// area overlaps the unit's boundary (more than touching its border).
    Area { code: String },
}

impl SavedPlace {
    /// A point and a radius.
    pub fn circle(name: &str, lat: f64, lon: f64, radius_m: f64) -> Self {
        SavedPlace { name: name.to_owned(), shape: PlaceShape::Circle { lat, lon, radius_m } }
    }

    /// A ward or commune by code.
    pub fn area(name: &str, code: &str) -> Self {
        SavedPlace { name: name.to_owned(), shape: PlaceShape::Area { code: code.to_owned() } }
    }
}

/// Longest name of a saved place, in characters.
pub const MAX_PLACE_NAME_CHARS: usize = 60;
/// Most saved places.
pub const MAX_PLACES: usize = 20;
/// Largest radius around a saved point.
pub const MAX_PLACE_RADIUS_M: f64 = 50_000.0;

/// Why a subscription (or one of its places) was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SubscriptionError {
    #[error("a place needs a name of 1 to {MAX_PLACE_NAME_CHARS} characters")]
    PlaceName,
    #[error("two places are named {0:?}")]
    DuplicatePlace(String),
    #[error("at most {MAX_PLACES} places can be saved")]
    TooManyPlaces,
    #[error("({0}, {1}) is not a valid position")]
    BadPoint(f64, f64),
    #[error("a place's radius must be more than 0 and at most {MAX_PLACE_RADIUS_M} m")]
    BadRadius,
    #[error("the city has no ward or commune {0:?}")]
    UnknownArea(String),
    #[error("quiet hours are minutes of the day, 0 to 1439")]
    BadQuietHours,
}

/// What the resident subscribed to. It stays on the phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub places: Vec<SavedPlace>,
    /// Also "where I am now".
    pub current_position: bool,
    /// Topics wanted; empty means every topic.
    pub topics: BTreeSet<String>,
    pub min_severity: Severity,
    /// Local minutes since midnight [start, end) when only Extreme alerts ring; may wrap
    /// past midnight (22:00–06:00).
    pub quiet_hours: Option<(u16, u16)>,
    /// The language warnings are shown in (the matching CAP info block).
    #[serde(default)]
    pub language: Lang,
}

impl Default for Subscription {
    /// No places, not following the position, every topic from Minor up, no quiet hours,
    /// Vietnamese.
    fn default() -> Self {
        Subscription {
            places: Vec::new(),
            current_position: false,
            topics: BTreeSet::new(),
            min_severity: Severity::Minor,
            quiet_hours: None,
            language: Lang::Vi,
        }
    }
}

impl Subscription {
    /// Checks every place (names unique, positions valid, areas known to `regions`) and the
    /// quiet hours.
    pub fn check(&self, regions: &dyn Regions) -> Result<(), SubscriptionError> {
        if self.places.len() > MAX_PLACES {
            return Err(SubscriptionError::TooManyPlaces);
        }
        let mut names = BTreeSet::new();
        for place in &self.places {
            place.check(regions)?;
            if !names.insert(place.name.as_str()) {
                return Err(SubscriptionError::DuplicatePlace(place.name.clone()));
            }
        }
        if self.quiet_hours.is_some_and(|(start, end)| start >= 24 * 60 || end >= 24 * 60) {
            return Err(SubscriptionError::BadQuietHours);
        }
        Ok(())
    }

    /// Whether `minute` (local, since midnight) is in the quiet hours.
    pub fn is_quiet(&self, minute: u16) -> bool {
        self.quiet_hours.is_some_and(
            |(start, end)| {
                if start <= end { (start..end).contains(&minute) } else { minute >= start || minute < end }
            },
        )
    }
}

impl SavedPlace {
    /// Checks the name and the shape.
    pub fn check(&self, regions: &dyn Regions) -> Result<(), SubscriptionError> {
        let chars = self.name.chars().count();
        if self.name.trim().is_empty() || chars > MAX_PLACE_NAME_CHARS || self.name.chars().any(char::is_control) {
            return Err(SubscriptionError::PlaceName);
        }
        match &self.shape {
            &PlaceShape::Circle { lat, lon, radius_m } => {
                if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
                    return Err(SubscriptionError::BadPoint(lat, lon));
                }
                if !(radius_m.is_finite() && radius_m > 0.0 && radius_m <= MAX_PLACE_RADIUS_M) {
                    return Err(SubscriptionError::BadRadius);
                }
            }
            PlaceShape::Area { code } => {
                if regions.boundary(code).is_none() {
                    return Err(SubscriptionError::UnknownArea(code.clone()));
                }
            }
        }
        Ok(())
    }
}

/// Resolves the code of a ward or commune to its boundary (lon/lat, as `geo` has it).
pub trait Regions {
    fn boundary(&self, code: &str) -> Option<&MultiPolygon>;
}

impl Regions for ServiceArea {
    fn boundary(&self, code: &str) -> Option<&MultiPolygon> {
        self.zone(code).map(|(_, shape)| shape)
    }
}

/// No named regions: only places given as a point match anything.
pub struct NoRegions;

impl Regions for NoRegions {
    fn boundary(&self, _code: &str) -> Option<&MultiPolygon> {
        None
    }
}

/// What to do with an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delivery {
    /// Not for this resident.
    NotForMe,
    /// For them, into the inbox without a sound (quiet hours).
    Silent,
    /// For them, now.
    Notify,
}

struct Indexed {
    envelope: AABB<[f64; 2]>,
    alert: usize,
    shape: Shape,
}

enum Shape {
    Polygon(Polygon),
    Circle(Point, f64),
}

impl RTreeObject for Indexed {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// Active alerts' areas, indexed for matching places against them.
pub struct AlertIndex {
    alerts: Vec<AlertTarget>,
    tree: RTree<Indexed>,
}

/// Metres per degree of latitude (and of longitude at the equator).
const M_PER_DEG: f64 = 111_320.0;

impl AlertIndex {
    /// Indexes the alerts; an alert with a bad area is refused whole.
    pub fn new(alerts: Vec<AlertTarget>) -> Result<Self, (String, AreaError)> {
        let mut items = Vec::new();
        for (i, alert) in alerts.iter().enumerate() {
            for area in &alert.areas {
                area.check().map_err(|e| (alert.id.clone(), e))?;
                items.push(indexed(i, area));
            }
        }
        Ok(AlertIndex { alerts, tree: RTree::bulk_load(items) })
    }

    /// The alerts whose areas reach within `radius_m` of (lat, lon), each once, in index order.
    pub fn near(&self, lat: f64, lon: f64, radius_m: f64) -> Vec<&AlertTarget> {
        let p = Point::new(lon, lat);
        let dlat = radius_m / M_PER_DEG;
        let dlon = dlat / lat.to_radians().cos().max(0.01);
        let query = AABB::from_corners([lon - dlon, lat - dlat], [lon + dlon, lat + dlat]);
        let mut hits: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&query)
            .filter(|item| match &item.shape {
                Shape::Circle(c, r) => Haversine.distance(*c, p) <= r + radius_m,
                Shape::Polygon(poly) => poly.contains(&p) || distance_to(poly, p) <= radius_m,
            })
            .map(|item| item.alert)
            .collect();
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter().filter_map(|i| self.alerts.get(i)).collect()
    }

    /// The alerts whose areas overlap `region` (a ward's or commune's boundary), each once,
    /// in index order. Sharing a border is not overlapping: a warning for one ward does
    /// not reach the residents of its neighbours.
    pub fn overlapping(&self, region: &MultiPolygon) -> Vec<&AlertTarget> {
        let Some(rect) = region.bounding_rect() else { return Vec::new() };
        let query = AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        let mut hits: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&query)
            .filter(|item| match &item.shape {
                Shape::Circle(c, r) => region.contains(c) || distance_to_multi(region, *c) < *r,
                Shape::Polygon(poly) => {
                    // A tiny area wholly inside counts too.
                    let enough = MIN_OVERLAP_M2.min(poly.chamberlain_duquette_unsigned_area() / 2.0);
                    poly.intersects(region) && poly.intersection(region).chamberlain_duquette_unsigned_area() > enough
                }
            })
            .map(|item| item.alert)
            .collect();
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter().filter_map(|i| self.alerts.get(i)).collect()
    }

    /// Whether alert `id` concerns this subscription at `position` (if known): its topic
    /// and severity are wanted and its area reaches one of the places (or where the resident
    /// is now, if they follow that). Wards and communes are resolved by `regions`.
    pub fn concerns(&self, id: &str, sub: &Subscription, regions: &dyn Regions, position: Option<(f64, f64)>) -> bool {
        let Some(alert) = self.alerts.iter().find(|a| a.id == id) else { return false };
        let topic_ok = sub.topics.is_empty() || alert.topics.iter().any(|t| sub.topics.contains(t));
        if !topic_ok || alert.severity < sub.min_severity {
            return false;
        }
        let hit = |found: Vec<&AlertTarget>| found.iter().any(|a| a.id == id);
        let here = position.filter(|_| sub.current_position);
        sub.places.iter().any(|p| match &p.shape {
            &PlaceShape::Circle { lat, lon, radius_m } => hit(self.near(lat, lon, radius_m)),
            PlaceShape::Area { code } => regions.boundary(code).is_some_and(|b| hit(self.overlapping(b))),
        }) || here.is_some_and(|(lat, lon)| hit(self.near(lat, lon, 0.0)))
    }

    /// What to do with alert `id` for this subscription, at `position` (if known) and at
    /// local minute `now_minute` of the day.
    pub fn decide(&self, id: &str, sub: &Subscription, regions: &dyn Regions, position: Option<(f64, f64)>, now_minute: u16) -> Delivery {
        if !self.concerns(id, sub, regions, position) {
            return Delivery::NotForMe;
        }
        let extreme = self.alerts.iter().any(|a| a.id == id && a.severity == Severity::Extreme);
        if sub.is_quiet(now_minute) && !extreme { Delivery::Silent } else { Delivery::Notify }
    }
}

/// Overlap below this many square metres is taken as touching (float noise on a shared
/// border), not as an alert reaching into a ward or commune.
const MIN_OVERLAP_M2: f64 = 100.0;

fn indexed(alert: usize, area: &Area) -> Indexed {
    match area {
        Area::Polygon { points } => {
            let ring: LineString = points.iter().map(|&(lat, lon)| (lon, lat)).collect();
            let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
            for &(lat, lon) in points {
                min = [min[0].min(lon), min[1].min(lat)];
                max = [max[0].max(lon), max[1].max(lat)];
            }
            Indexed { envelope: AABB::from_corners(min, max), alert, shape: Shape::Polygon(Polygon::new(ring, vec![])) }
        }
        &Area::Circle { lat, lon, radius_m } => {
            let dlat = radius_m / M_PER_DEG;
            let dlon = dlat / lat.to_radians().cos().max(0.01);
            Indexed {
                envelope: AABB::from_corners([lon - dlon, lat - dlat], [lon + dlon, lat + dlat]),
                alert,
                shape: Shape::Circle(Point::new(lon, lat), radius_m),
            }
        }
    }
}

fn distance_to(poly: &Polygon, p: Point) -> f64 {
    match poly.haversine_closest_point(&p) {
        geo::Closest::Intersection(_) => 0.0,
        geo::Closest::SinglePoint(q) => Haversine.distance(p, q),
        geo::Closest::Indeterminate => f64::INFINITY,
    }
}

fn distance_to_multi(region: &MultiPolygon, p: Point) -> f64 {
    match region.haversine_closest_point(&p) {
        geo::Closest::Intersection(_) => 0.0,
        geo::Closest::SinglePoint(q) => Haversine.distance(p, q),
        geo::Closest::Indeterminate => f64::INFINITY,
    }
}
