//! Every edge of the city's units, in short runs with a box each, for the distance from a
//! point to the city: a point in the sea is refused after measuring a few runs near it, not
//! the 130,000 edges of Huế's 40 units.

use geo::{Coord, MultiPolygon};

/// Edges per run: small enough that a run's box is tight, large enough that there are few.
const RUN: usize = 16;
/// Mean Earth radius (m), as `geo`'s haversine uses.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

#[derive(Debug, Clone)]
struct Run {
    /// `(min_lon, min_lat, max_lon, max_lat)` of the run's points.
    bbox: [f64; 4],
    /// The unit the run belongs to (index in the area's list).
    unit: usize,
    /// The run's points in `points`: `start..end`, consecutive points are edges.
    start: usize,
    end: usize,
}

/// The edges of a list of units' boundaries (outer rings and holes).
#[derive(Debug, Clone, Default)]
pub(super) struct Edges {
    points: Vec<Coord>,
    runs: Vec<Run>,
}

/// The nearest edge found: how far, and whose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Nearest {
    pub distance_m: f64,
    pub unit: usize,
}

impl Edges {
    pub(super) fn new<'a>(shapes: impl IntoIterator<Item = &'a MultiPolygon>) -> Edges {
        let mut edges = Edges::default();
        for (unit, shape) in shapes.into_iter().enumerate() {
            for poly in &shape.0 {
                for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    edges.add_ring(unit, &ring.0);
                }
            }
        }
        edges
    }

    fn add_ring(&mut self, unit: usize, ring: &[Coord]) {
        let mut from = 0;
        while from + 1 < ring.len() {
            let to = (from + RUN).min(ring.len() - 1);
            let start = self.points.len();
            self.points.extend_from_slice(&ring[from..=to]);
            let run = &self.points[start..];
            let bbox = run.iter().fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, c| {
                [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)]
            });
            self.runs.push(Run { bbox, unit, start, end: self.points.len() });
            from = to;
        }
    }

    /// The nearest edge to `(lon, lat)`; none when there are no edges. Distances are measured
    /// on the plane tangent at the point, within a fraction of a percent of the great-circle
    /// distance over a city's extent. Runs are measured nearest box first, and the search
    /// stops at the first box farther than the best edge found.
    pub(super) fn nearest(&self, lon: f64, lat: f64) -> Option<Nearest> {
        let plane = Plane::at(lon, lat);
        let mut order: Vec<(f64, usize)> = self.runs.iter().enumerate().map(|(i, r)| (plane.box_distance(&r.bbox), i)).collect();
        order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut best: Option<Nearest> = None;
        for (lower_bound, i) in order {
            if best.is_some_and(|b| lower_bound > b.distance_m) {
                break;
            }
            let run = &self.runs[i];
            for edge in self.points[run.start..run.end].windows(2) {
                let d = plane.segment_distance(edge[0], edge[1]);
                let better = match best {
                    None => true,
                    // Ties go to the unit first in the list, whatever the run order.
                    Some(b) => d < b.distance_m || (d == b.distance_m && run.unit < b.unit),
                };
                if better {
                    best = Some(Nearest { distance_m: d, unit: run.unit });
                }
            }
        }
        best
    }
}

/// A plane tangent to the Earth at a point, in metres east and north of it.
struct Plane {
    lon: f64,
    lat: f64,
    metres_per_lon: f64,
    metres_per_lat: f64,
}

impl Plane {
    fn at(lon: f64, lat: f64) -> Plane {
        let metres_per_lat = EARTH_RADIUS_M.to_radians();
        Plane { lon, lat, metres_per_lon: metres_per_lat * lat.to_radians().cos(), metres_per_lat }
    }

    fn project(&self, c: Coord) -> (f64, f64) {
        ((c.x - self.lon) * self.metres_per_lon, (c.y - self.lat) * self.metres_per_lat)
    }

    /// The distance from the point to the nearest point of a box.
    fn box_distance(&self, b: &[f64; 4]) -> f64 {
        let nearest = Coord { x: self.lon.clamp(b[0], b[2]), y: self.lat.clamp(b[1], b[3]) };
        let (x, y) = self.project(nearest);
        x.hypot(y)
    }

    /// The distance from the point (the origin) to the segment `a`–`b`.
    fn segment_distance(&self, a: Coord, b: Coord) -> f64 {
        let (ax, ay) = self.project(a);
        let (bx, by) = self.project(b);
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 { (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
        (ax + t * dx).hypot(ay + t * dy)
    }
}

#[cfg(test)]
mod tests {
    use geo::{Distance, Haversine, Point, polygon};

    use super::*;

    #[test]
    fn the_nearest_edge_is_found_and_measured_like_the_great_circle() {
        let square = MultiPolygon::new(vec![polygon![(x: 107.5, y: 16.4), (x: 107.6, y: 16.4), (x: 107.6, y: 16.5), (x: 107.5, y: 16.5)]]);
        let far = MultiPolygon::new(vec![polygon![(x: 108.0, y: 16.0), (x: 108.1, y: 16.0), (x: 108.1, y: 16.1), (x: 108.0, y: 16.1)]]);
        let edges = Edges::new([&far, &square]);
        let found = edges.nearest(107.7, 16.45).expect("edges");
        assert_eq!(found.unit, 1);
        let exact = Haversine.distance(Point::new(107.7, 16.45), Point::new(107.6, 16.45));
        assert!((found.distance_m - exact).abs() < exact * 0.003, "{} vs {exact}", found.distance_m);
        assert_eq!(Edges::new(std::iter::empty()).nearest(107.0, 16.0), None);
    }
}
