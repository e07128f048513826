//! Coarse cells: what a device tells the push service about where it cares, and how an
//! alert's areas are turned into the same cells.
//!
//! The resident's places never leave the phone. To be woken when a warning is published
//! near them, the phone sends the server only the ids of the coarse cells its places touch
//! ([`cells_for_place`]); the server turns each alert's areas into cells the same way
//! ([`cells_for_area`]) and wakes the devices that share a cell. The phone then syncs and
//! decides precisely, on its own, whether the warning concerns its resident
//! ([`super::AlertIndex::decide`]).
//!
//! # The grid
//!
//! A cell is 0.1° of latitude by 0.1° of longitude (about 11 km × 11 km at Huế, narrower
//! toward the poles). Its id is `c:{floor(lat × 10)}:{floor(lon × 10)}`: Huế's citadel
//! (16.4698, 107.5786) is in `c:164:1075`. Latitude indices run from −900 to 899 (the north
//! pole belongs to the last row), longitude indices from −1800 to 1799 (180° E is the same
//! meridian as 180° W, so it is −1800).
//!
//! # Covering shapes
//!
//! A place or an area is covered by every cell its bounding box touches. Bounding boxes are
//! generous (a shorter metre-per-degree than the real one, a circle's longitude span taken
//! at its latitude farthest from the equator, a small margin around polygons), so whenever
//! a place and an area overlap their covers share a cell: the server may wake a device for
//! nothing, never miss one. A box crossing 180° wraps around; one reaching a pole spans
//! every longitude.
//!
//! An area so large that it would touch more than [`MAX_CELLS`] cells (a whole province or
//! country) is covered by [`CellCover::All`]: every device is concerned.
//!
//! Input is never trusted: NaN, infinite or out-of-range coordinates never panic. A place or
//! an area without a single valid position covers nothing; a negative or NaN radius counts
//! as zero; an infinite one covers everything.

use std::fmt;
use std::str::FromStr;

use super::Area;

/// The size of a cell side, in degrees.
pub const CELL_DEG: f64 = 0.1;

/// The most cells a cover lists; anything larger is [`CellCover::All`]. 4,096 cells are
/// about 700 km × 700 km at Huế's latitude.
pub const MAX_CELLS: usize = 4096;

/// Metres per degree, on the short side (a degree of latitude is 110,574 m at the equator
/// and more elsewhere) so that boxes come out larger than the shapes, never smaller.
const M_PER_DEG: f64 = 110_000.0;

const LAT_ROWS: i64 = 1800; // −900 ..= 899
const LON_COLS: i64 = 3600; // −1800 ..= 1799

/// One cell of the grid, by its latitude and longitude indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell {
    /// floor(lat × 10), −900 to 899.
    pub lat: i16,
    /// floor(lon × 10), −1800 to 1799.
    pub lon: i16,
}

impl Cell {
    /// The cell a position is in, if the position is valid (finite, |lat| ≤ 90, |lon| ≤ 180).
    pub fn containing(lat: f64, lon: f64) -> Option<Cell> {
        if !valid(lat, lon) {
            return None;
        }
        Some(Cell { lat: lat_index(lat) as i16, lon: wrap_lon(lon_index(lon)) as i16 })
    }

    /// The cell with these indices, if they are on the grid.
    pub fn new(lat: i16, lon: i16) -> Option<Cell> {
        ((-900..900).contains(&lat) && (-1800..1800).contains(&lon)).then_some(Cell { lat, lon })
    }

    /// Its id, `c:{lat}:{lon}`.
    pub fn id(&self) -> String {
        self.to_string()
    }

    /// A dense number for the cell, 0 to 6,479,999: a cheap key for indexes.
    pub fn key(&self) -> u32 {
        (i32::from(self.lat) + 900) as u32 * LON_COLS as u32 + (i32::from(self.lon) + 1800) as u32
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c:{}:{}", self.lat, self.lon)
    }
}

/// A string that is not a cell id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a cell id (expected c:LAT:LON, e.g. c:164:1075)")]
pub struct BadCellId;

impl FromStr for Cell {
    type Err = BadCellId;
    /// Parses `c:{lat}:{lon}` with indices on the grid.
    fn from_str(s: &str) -> Result<Cell, BadCellId> {
        let rest = s.strip_prefix("c:").ok_or(BadCellId)?;
        let (lat, lon) = rest.split_once(':').ok_or(BadCellId)?;
        let number = |t: &str| -> Result<i16, BadCellId> {
            let digits = t.strip_prefix('-').unwrap_or(t);
            if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(BadCellId);
            }
            t.parse().map_err(|_| BadCellId)
        };
        Cell::new(number(lat)?, number(lon)?).ok_or(BadCellId)
    }
}

/// The cells a place or an area touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellCover {
    /// More than [`MAX_CELLS`] cells: everywhere.
    All,
    /// These cells, sorted, each once (empty for a shape without a valid position).
    Cells(Vec<Cell>),
}

impl CellCover {
    /// The cell ids, or `None` for [`CellCover::All`].
    pub fn ids(&self) -> Option<Vec<String>> {
        match self {
            CellCover::All => None,
            CellCover::Cells(cells) => Some(cells.iter().map(Cell::id).collect()),
        }
    }

    /// Whether the cover lists no cell at all.
    pub fn is_empty(&self) -> bool {
        matches!(self, CellCover::Cells(c) if c.is_empty())
    }
}

/// The cell ids a saved place (a point and a radius in metres) touches: what the phone sends
/// in `PushRegistration::cells`.
///
/// Empty for an invalid position, and also for a place wider than [`MAX_CELLS`] cells (a
/// radius of hundreds of kilometres): use [`cover_place`] to tell that case apart, and
/// register with `anywhere` instead.
pub fn cells_for_place(lat: f64, lon: f64, radius_m: f64) -> Vec<String> {
    cover_place(lat, lon, radius_m).ids().unwrap_or_default()
}

/// The cells a saved place (a point and a radius in metres) touches.
pub fn cover_place(lat: f64, lon: f64, radius_m: f64) -> CellCover {
    cover_circle(lat, lon, radius_m)
}

/// The cells an alert's area touches: its polygon's or circle's bounding box, or
/// [`CellCover::All`] past [`MAX_CELLS`].
pub fn cells_for_area(area: &Area) -> CellCover {
    match area {
        Area::Polygon { points } => {
            let (mut s, mut w, mut n, mut e) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
            for &(lat, lon) in points.iter().filter(|&&(lat, lon)| valid(lat, lon)) {
                (s, n, w, e) = (s.min(lat), n.max(lat), w.min(lon), e.max(lon));
            }
            if s > n {
                return CellCover::Cells(Vec::new());
            }
            // Edges run straight in degrees here but along great circles on the phone's
            // distance checks, which bow out a little on long edges: pad the box.
            let pad = 0.0005 + 0.01 * (n - s).max(e - w);
            cover_box(s - pad, w - pad, n + pad, e + pad)
        }
        &Area::Circle { lat, lon, radius_m } => cover_circle(lat, lon, radius_m),
    }
}

/// The most cells one device registers; past it, the device asks to be woken for any
/// warning of the region (`anywhere`).
pub const MAX_REGISTERED_CELLS: usize = 256;

/// The coarse cells a device asks to be woken for: those its resident's saved places touch
/// (a ward or commune place by its boundary), never the places themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WakeCells {
    /// Cell ids (`Cell::id`), sorted; empty when `anywhere`.
    pub cells: Vec<String>,
    /// Following "where I am now", or places too wide to list: any warning of the region.
    pub anywhere: bool,
}

/// The cells the resident's saved places touch (see [`WakeCells`]).
pub fn wake_cells(sub: &super::Subscription, regions: &crate::area::ServiceArea) -> WakeCells {
    let mut anywhere = sub.current_position;
    let mut cells: Vec<Cell> = Vec::new();
    for place in &sub.places {
        let covers: Vec<CellCover> = match &place.shape {
            &super::PlaceShape::Circle { lat, lon, radius_m } => vec![cover_place(lat, lon, radius_m)],
            super::PlaceShape::Area { code } => {
                regions.cap_polygons(code).unwrap_or_default().into_iter().map(|points| cells_for_area(&Area::Polygon { points })).collect()
            }
        };
        for cover in covers {
            match cover {
                CellCover::All => anywhere = true,
                CellCover::Cells(c) => cells.extend(c),
            }
        }
    }
    cells.sort_unstable();
    cells.dedup();
    if cells.len() > MAX_REGISTERED_CELLS {
        anywhere = true;
    }
    let cells = if anywhere { Vec::new() } else { cells.iter().map(Cell::id).collect() };
    WakeCells { cells, anywhere }
}

/// The cells all of an alert's areas touch together.
pub fn cells_for_areas(areas: &[Area]) -> CellCover {
    let mut all = Vec::new();
    for area in areas {
        match cells_for_area(area) {
            CellCover::All => return CellCover::All,
            CellCover::Cells(cells) => all.extend(cells),
        }
    }
    all.sort_unstable();
    all.dedup();
    if all.len() > MAX_CELLS { CellCover::All } else { CellCover::Cells(all) }
}

fn cover_circle(lat: f64, lon: f64, radius_m: f64) -> CellCover {
    if !valid(lat, lon) {
        return CellCover::Cells(Vec::new());
    }
    // NaN and negative radii count as zero (`max` ignores NaN).
    let r = radius_m.max(0.0);
    if r.is_infinite() {
        return CellCover::All;
    }
    let dlat = r / M_PER_DEG;
    let (s, n) = (lat - dlat, lat + dlat);
    if s <= -90.0 || n >= 90.0 {
        // Around a pole: every longitude.
        return cover_box(s, -180.0, n, 180.0);
    }
    // A circle is widest in longitude away from the equator: take the farthest latitude.
    let cos = s.abs().max(n.abs()).to_radians().cos().max(1e-9);
    let dlon = dlat / cos;
    cover_box(s, lon - dlon, n, lon + dlon)
}

/// Cells touched by the box from (s, w) to (n, e), in degrees. Latitudes are clamped to the
/// grid; longitudes may run past ±180 and wrap.
fn cover_box(s: f64, w: f64, n: f64, e: f64) -> CellCover {
    if [s, w, n, e].iter().any(|v| v.is_nan()) {
        return CellCover::Cells(Vec::new());
    }
    let (s, n) = (s.clamp(-90.0, 90.0), n.clamp(-90.0, 90.0));
    if !(w.is_finite() && e.is_finite()) || e - w >= 360.0 {
        return cover_rows(lat_index(s), lat_index(n), -1800, -1800 + LON_COLS - 1);
    }
    cover_rows(lat_index(s), lat_index(n), lon_index(w), lon_index(e))
}

/// Cells of rows `lat0..=lat1` and unwrapped columns `lon0..=lon1`.
fn cover_rows(lat0: i64, lat1: i64, lon0: i64, lon1: i64) -> CellCover {
    let rows = lat1 - lat0 + 1;
    let cols = (lon1 - lon0 + 1).min(LON_COLS);
    if rows <= 0 || cols <= 0 {
        return CellCover::Cells(Vec::new());
    }
    if rows.saturating_mul(cols) > MAX_CELLS as i64 {
        return CellCover::All;
    }
    let mut cells = Vec::with_capacity((rows * cols) as usize);
    for lat in lat0..=lat1 {
        for lon in lon0..lon0 + cols {
            cells.push(Cell { lat: lat as i16, lon: wrap_lon(lon) as i16 });
        }
    }
    cells.sort_unstable();
    CellCover::Cells(cells)
}

fn valid(lat: f64, lon: f64) -> bool {
    lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0
}

/// Row of a latitude already within ±90.
fn lat_index(lat: f64) -> i64 {
    ((lat * 10.0).floor() as i64).clamp(-LAT_ROWS / 2, LAT_ROWS / 2 - 1)
}

/// Unwrapped column of a finite longitude (a few turns either way at most).
fn lon_index(lon: f64) -> i64 {
    (lon * 10.0).floor() as i64
}

fn wrap_lon(col: i64) -> i64 {
    (col + 1800).rem_euclid(LON_COLS) - 1800
}

#[cfg(test)]
mod tests {
    use super::*;

    const CITADEL: (f64, f64) = (16.4698, 107.5786);

    fn ids(cover: CellCover) -> Vec<String> {
        cover.ids().expect("a list of cells")
    }

    #[test]
    fn ids_are_the_floor_of_tenths_of_a_degree() {
        assert_eq!(Cell::containing(CITADEL.0, CITADEL.1).unwrap().id(), "c:164:1075");
        assert_eq!(Cell::containing(16.3, 107.0).unwrap().id(), "c:163:1070");
        assert_eq!(Cell::containing(-33.87, -151.21).unwrap().id(), "c:-339:-1513");
        assert_eq!(Cell::containing(90.0, 180.0).unwrap().id(), "c:899:-1800");
        assert_eq!(Cell::containing(-90.0, -180.0).unwrap().id(), "c:-900:-1800");
        assert_eq!(Cell::containing(f64::NAN, 107.0), None);
        assert_eq!(Cell::containing(91.0, 107.0), None);
        assert_eq!(Cell::containing(16.0, 180.5), None);
    }

    #[test]
    fn ids_round_trip_and_junk_is_refused() {
        for cell in [Cell::new(164, 1075).unwrap(), Cell::new(-900, -1800).unwrap(), Cell::new(899, 1799).unwrap()] {
            assert_eq!(cell.id().parse::<Cell>(), Ok(cell));
        }
        for junk in [
            "",
            "c:",
            "c:164",
            "c:164:",
            "c::1075",
            "x:164:1075",
            "c:164:1075:1",
            "c:900:0",
            "c:0:1800",
            "c:+1:2",
            "c:1:2 ",
            "c:99999999999:1",
            "c:--1:2",
            "c:٣:1",
        ] {
            assert_eq!(junk.parse::<Cell>(), Err(BadCellId), "{junk:?}");
        }
    }

    #[test]
    fn keys_are_dense_and_distinct() {
        assert_eq!(Cell::new(-900, -1800).unwrap().key(), 0);
        assert_eq!(Cell::new(899, 1799).unwrap().key(), 1800 * 3600 - 1);
        assert_ne!(Cell::new(164, 1075).unwrap().key(), Cell::new(164, 1076).unwrap().key());
    }

    #[test]
    fn a_small_place_is_one_cell_and_a_place_on_a_border_two() {
        assert_eq!(cells_for_place(CITADEL.0, CITADEL.1, 200.0), ["c:164:1075"]);
        // 16.4995 is 55 m south of the 16.5 line: 500 m reach over it.
        assert_eq!(cells_for_place(16.4995, 107.55, 500.0), ["c:164:1075", "c:165:1075"]);
        // A corner: four cells.
        assert_eq!(cells_for_place(16.5, 107.6, 100.0).len(), 4);
    }

    #[test]
    fn a_larger_place_touches_every_cell_of_its_box() {
        // 15 km around the citadel: ±0.136° of latitude, ±0.142° of longitude.
        let cells = cells_for_place(CITADEL.0, CITADEL.1, 15_000.0);
        assert_eq!(cells.len(), 4 * 4);
        assert!(cells.contains(&"c:163:1074".to_owned()) && cells.contains(&"c:166:1077".to_owned()));
        assert!(!cells.contains(&"c:167:1075".to_owned()));
    }

    #[test]
    fn junk_input_covers_nothing_and_never_panics() {
        for (lat, lon, r) in
            [(f64::NAN, 107.0, 100.0), (16.0, f64::NAN, 100.0), (f64::INFINITY, 107.0, 100.0), (95.0, 107.0, 100.0), (16.0, -181.0, 100.0)]
        {
            assert!(cells_for_place(lat, lon, r).is_empty(), "{lat} {lon} {r}");
        }
        // A NaN or negative radius is zero; an infinite one is everywhere.
        assert_eq!(cells_for_place(CITADEL.0, CITADEL.1, f64::NAN), ["c:164:1075"]);
        assert_eq!(cells_for_place(CITADEL.0, CITADEL.1, -5.0), ["c:164:1075"]);
        assert_eq!(cover_place(CITADEL.0, CITADEL.1, f64::INFINITY), CellCover::All);
        assert_eq!(cover_place(CITADEL.0, CITADEL.1, f64::MAX), CellCover::All);
        assert!(cells_for_place(CITADEL.0, CITADEL.1, f64::MAX).is_empty());
        let junk = Area::Polygon { points: vec![(f64::NAN, 1.0), (1.0, f64::INFINITY), (200.0, 0.0)] };
        assert!(cells_for_area(&junk).is_empty());
        assert!(cells_for_area(&Area::Polygon { points: vec![] }).is_empty());
        let junk = Area::Circle { lat: f64::NAN, lon: 0.0, radius_m: 1.0 };
        assert!(cells_for_area(&junk).is_empty());
    }

    #[test]
    fn a_polygon_is_covered_by_its_box() {
        // Two districts of Huế, roughly.
        let flood = Area::Polygon { points: vec![(16.42, 107.55), (16.42, 107.62), (16.48, 107.62), (16.48, 107.55), (16.42, 107.55)] };
        assert_eq!(ids(cells_for_area(&flood)), ["c:164:1075", "c:164:1076"]);
        // The circle of the same cells.
        let circle = Area::Circle { lat: CITADEL.0, lon: CITADEL.1, radius_m: 1000.0 };
        assert_eq!(ids(cells_for_area(&circle)), ["c:164:1075"]);
    }

    #[test]
    fn a_country_is_everywhere() {
        let vietnam = Area::Polygon { points: vec![(8.5, 102.1), (8.5, 109.5), (23.4, 109.5), (23.4, 102.1), (8.5, 102.1)] };
        assert_eq!(cells_for_area(&vietnam), CellCover::All);
        let wide = Area::Circle { lat: 16.0, lon: 107.0, radius_m: 1_000_000.0 };
        assert_eq!(cells_for_area(&wide), CellCover::All);
        // Together, many small areas can be everywhere too.
        let many: Vec<Area> = (0..100)
            .map(|i| {
                let (lat, lon) = (-40.0 + i as f64 * 0.8, 100.0);
                Area::Polygon { points: vec![(lat, lon), (lat, lon + 6.0), (lat + 0.5, lon + 6.0), (lat, lon)] }
            })
            .collect();
        assert_eq!(cells_for_areas(&many), CellCover::All);
    }

    #[test]
    fn covers_wrap_at_the_antimeridian_and_span_the_globe_at_the_poles() {
        let cells = ids(cover_place(-17.8, 179.99, 5_000.0));
        assert!(cells.contains(&"c:-179:1799".to_owned()) && cells.contains(&"c:-179:-1800".to_owned()), "{cells:?}");
        assert!(cells.iter().all(|c| c.parse::<Cell>().is_ok()));
        // Near the pole every longitude is touched: 3 rows × 3,600 columns is too many.
        assert_eq!(cover_place(89.99, 0.0, 20_000.0), CellCover::All);
        let cells = ids(cover_place(89.9995, 0.0, 100.0));
        assert_eq!(cells.len(), 3600);
    }

    #[test]
    fn overlapping_shapes_share_a_cell() {
        // A place and a circle that overlap by a few metres across a cell border.
        let place = cells_for_place(16.4990, 107.5999, 120.0);
        let area = cells_for_area(&Area::Circle { lat: 16.5012, lon: 107.6003, radius_m: 120.0 });
        let area = ids(area);
        assert!(place.iter().any(|c| area.contains(c)), "{place:?} {area:?}");
        // Far apart: nothing in common.
        let far = ids(cells_for_area(&Area::Circle { lat: 16.0, lon: 107.0, radius_m: 100.0 }));
        assert!(!place.iter().any(|c| far.contains(c)));
    }
}
