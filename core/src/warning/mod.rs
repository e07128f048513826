//! Warnings on the phone: does an alert concern this resident, and should it ring now?
//!
//! The resident's places never leave the phone: the server sends every active alert of the
//! region and the device decides here. Alert areas (CAP polygons and circles) sit in an
//! R-tree so a check against thousands of them costs microseconds.

use std::collections::BTreeSet;

use geo::{Contains, Distance, Haversine, HaversineClosestPoint, LineString, Point, Polygon};
use rstar::{AABB, RTree, RTreeObject};

pub mod cells;
use serde::{Deserialize, Serialize};

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

/// What the device needs of an alert to decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertTarget {
    pub id: String,
    pub severity: Severity,
    /// Our topic codes ("flood", "storm", "outage", "traffic", "health", "environment"…).
    pub topics: Vec<String>,
    pub areas: Vec<Area>,
}

/// A place the resident cares about: a point and a radius.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlace {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub radius_m: f64,
}

/// What the resident subscribed to.
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

    /// What to do with alert `id` for this subscription, at `position` (if known) and at
    /// local minute `now_minute` of the day.
    pub fn decide(&self, id: &str, sub: &Subscription, position: Option<(f64, f64)>, now_minute: u16) -> Delivery {
        let Some(alert) = self.alerts.iter().find(|a| a.id == id) else { return Delivery::NotForMe };
        let topic_ok = sub.topics.is_empty() || alert.topics.iter().any(|t| sub.topics.contains(t));
        if !topic_ok || alert.severity < sub.min_severity {
            return Delivery::NotForMe;
        }
        let here = position.filter(|_| sub.current_position).map(|(lat, lon)| (lat, lon, 0.0));
        let places = sub.places.iter().map(|p| (p.lat, p.lon, p.radius_m)).chain(here);
        let mut concerned = false;
        for (lat, lon, r) in places {
            if self.near(lat, lon, r).iter().any(|a| a.id == id) {
                concerned = true;
                break;
            }
        }
        if !concerned {
            return Delivery::NotForMe;
        }
        let quiet = sub.quiet_hours.is_some_and(|(start, end)| {
            if start <= end { (start..end).contains(&now_minute) } else { now_minute >= start || now_minute < end }
        });
        if quiet && alert.severity != Severity::Extreme { Delivery::Silent } else { Delivery::Notify }
    }
}

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
