//! The compact form of a city's units, for the phone: each boundary simplified (no corner
//! moves more than [`SIMPLIFY_M`]), coordinates rounded to 1e-5° (about a metre), and each
//! point written as the varint difference from the one before. Huế's 40 units, 3 MB as
//! GeoJSON at full resolution, take about a tenth of that; the server stays exact.
//!
//! Layout: `CIVB` `1`, then the unit count, then per unit its code, Vietnamese and English
//! names (length-prefixed UTF-8), its polygon count, and per polygon its ring count and
//! per ring its point count and points. Counts are unsigned LEB128; points are zigzag
//! LEB128 differences of `(lon, lat)` in 1e-5°, running on from ring to ring.

use geo::{Coord, LineString, MultiPolygon, Polygon, Simplify};

use super::BoundaryError;
use crate::model::{Localized, Place};

const MAGIC: &[u8; 5] = b"CIVB1";
const SCALE: f64 = 1e5;
/// The most a simplified boundary departs from the exact one, in metres.
pub const SIMPLIFY_M: f64 = 15.0;
/// Limits a decoder holds a file to, so a corrupt count cannot make it allocate without end.
const MAX_UNITS: u64 = 10_000;
const MAX_POINTS: u64 = 10_000_000;

/// Writes units in the compact form.
pub fn encode<'a>(units: impl IntoIterator<Item = (&'a Place, &'a MultiPolygon)>) -> Vec<u8> {
    let units: Vec<_> = units.into_iter().collect();
    let mut out = MAGIC.to_vec();
    uint(&mut out, units.len() as u64);
    let epsilon = SIMPLIFY_M / 111_000.0;
    let mut last = (0i64, 0i64);
    for (place, shape) in units {
        for text in [&place.code, &place.name.vi, &place.name.en] {
            uint(&mut out, text.len() as u64);
            out.extend_from_slice(text.as_bytes());
        }
        uint(&mut out, shape.0.len() as u64);
        for poly in &shape.0 {
            let rings: Vec<&LineString> = std::iter::once(poly.exterior()).chain(poly.interiors()).collect();
            uint(&mut out, rings.len() as u64);
            for ring in rings {
                let simple = ring.simplify(epsilon);
                // A small ring (an islet) simplified away keeps its own points.
                let ring = if simple.0.len() >= 4 { &simple } else { ring };
                uint(&mut out, ring.0.len() as u64);
                for c in &ring.0 {
                    let q = ((c.x * SCALE).round() as i64, (c.y * SCALE).round() as i64);
                    int(&mut out, q.0 - last.0);
                    int(&mut out, q.1 - last.1);
                    last = q;
                }
            }
        }
    }
    out
}

/// The hash a phone checks the compact bytes against: lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    crate::photo::hex(&Sha256::digest(bytes))
}

/// Reads units written by [`encode`].
pub fn decode(bytes: &[u8]) -> Result<Vec<(Place, MultiPolygon)>, BoundaryError> {
    let mut r = Reader { bytes, at: 0 };
    if !bytes.starts_with(MAGIC) {
        return Err(BoundaryError::Shape("not a compact boundary file (CIVB1)".into()));
    }
    r.at = MAGIC.len();
    let count = r.count(MAX_UNITS)?;
    let mut last = (0i64, 0i64);
    let mut points_left = MAX_POINTS;
    let mut units = Vec::new();
    for _ in 0..count {
        let code = r.text()?;
        let name = Localized { vi: r.text()?, en: r.text()? };
        let mut polygons = Vec::new();
        for _ in 0..r.count(MAX_POINTS)? {
            let mut rings = Vec::new();
            for _ in 0..r.count(MAX_POINTS)? {
                let n = r.count(points_left)?;
                points_left -= n;
                let mut coords = Vec::new();
                for _ in 0..n {
                    let (dx, dy) = (r.int()?, r.int()?);
                    last = match (last.0.checked_add(dx), last.1.checked_add(dy)) {
                        (Some(x), Some(y)) => (x, y),
                        _ => return Err(BoundaryError::Shape("compact boundary file: a point out of range".into())),
                    };
                    coords.push(Coord { x: last.0 as f64 / SCALE, y: last.1 as f64 / SCALE });
                }
                if coords.len() < 4 {
                    return Err(BoundaryError::Shape(format!("{code}: a ring needs at least 4 positions")));
                }
                rings.push(LineString::new(coords));
            }
            let mut rings = rings.into_iter();
            let exterior = rings.next().ok_or_else(|| BoundaryError::Shape(format!("{code}: a polygon without rings")))?;
            polygons.push(Polygon::new(exterior, rings.collect()));
        }
        units.push((Place { code, name }, MultiPolygon::new(polygons)));
    }
    if r.at != bytes.len() {
        return Err(BoundaryError::Shape("compact boundary file: bytes after the last unit".into()));
    }
    Ok(units)
}

fn uint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn int(out: &mut Vec<u8>, v: i64) {
    uint(out, ((v << 1) ^ (v >> 63)) as u64);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn truncated() -> BoundaryError {
        BoundaryError::Shape("compact boundary file is cut short".into())
    }

    fn uint(&mut self) -> Result<u64, BoundaryError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at).ok_or_else(Self::truncated)?;
            self.at += 1;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(BoundaryError::Shape("compact boundary file: a number is too long".into()))
    }

    fn int(&mut self) -> Result<i64, BoundaryError> {
        let v = self.uint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn count(&mut self, max: u64) -> Result<u64, BoundaryError> {
        let n = self.uint()?;
        if n > max {
            return Err(BoundaryError::Shape(format!("compact boundary file: a count of {n} is more than {max}")));
        }
        Ok(n)
    }

    fn text(&mut self) -> Result<String, BoundaryError> {
        let len = self.count(1024)? as usize;
        let end = self.at.checked_add(len).filter(|&e| e <= self.bytes.len()).ok_or_else(Self::truncated)?;
        let text = std::str::from_utf8(&self.bytes[self.at..end])
            .map_err(|_| BoundaryError::Shape("compact boundary file: a name is not UTF-8".into()))?;
        self.at = end;
        Ok(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use geo::polygon;

    use super::*;

    fn unit() -> (Place, MultiPolygon) {
        let place = Place { code: "19753".into(), name: Localized { vi: "Phường Phú Xuân".into(), en: "Phu Xuan Ward".into() } };
        let shape = MultiPolygon::new(vec![polygon![
            (x: 107.57, y: 16.46), (x: 107.58, y: 16.46), (x: 107.58, y: 16.47), (x: 107.57, y: 16.47), (x: 107.57, y: 16.46)
        ]]);
        (place, shape)
    }

    #[test]
    fn units_come_back_as_written() {
        let (place, shape) = unit();
        let bytes = encode([(&place, &shape)]);
        let back = decode(&bytes).expect("decodes");
        assert_eq!(back, vec![(place, shape)]);
    }

    #[test]
    fn a_damaged_file_is_refused_not_trusted() {
        let (place, shape) = unit();
        let bytes = encode([(&place, &shape)]);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(decode(&extra).is_err());
        let mut huge = MAGIC.to_vec();
        uint(&mut huge, u64::MAX);
        assert!(decode(&huge).is_err());
    }
}
