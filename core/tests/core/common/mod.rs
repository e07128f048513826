//! Helpers shared by the core's scenario tests.
#![allow(dead_code)]

use std::io::Cursor;
use std::path::Path;

use civic_core::model::{AnswerValue, FixSource, GeoFix, ReportId};
use civic_core::{City, Civic};
use image::{ImageFormat, Rgb, RgbImage};
use time::OffsetDateTime;

/// Huế's citadel: well inside the city.
pub const CITADEL: (f64, f64) = (16.4698, 107.5786);
/// Phú Bài airport, in Hương Thủy.
pub const PHU_BAI: (f64, f64) = (16.4015, 107.7026);
/// Offshore in the East Sea.
pub const EAST_SEA: (f64, f64) = (16.60, 107.80);
/// Đà Nẵng city centre: another province.
pub const DA_NANG: (f64, f64) = (16.0544, 108.2022);

/// A device's Civic for Huế on `dir`.
pub fn civic(dir: &Path) -> Civic {
    let city = City::hue().unwrap_or_else(|e| panic!("Huế config: {e}"));
    Civic::open(dir, city).unwrap_or_else(|e| panic!("open store: {e}"))
}

/// A camera-like JPEG, `seed` making each one different.
pub fn jpeg(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        let n = (x.wrapping_mul(31) ^ y.wrapping_mul(17) ^ seed.wrapping_mul(2_654_435_761)) % 64;
        Rgb([(x * 255 / width) as u8 ^ n as u8, (y * 255 / height) as u8, (seed % 251) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Jpeg).unwrap_or_else(|e| panic!("encode: {e}"));
    out.into_inner()
}

/// A GPS fix at (lat, lon).
pub fn fix(at: (f64, f64)) -> GeoFix {
    GeoFix { lat: at.0, lon: at.1, accuracy_m: 8.0, source: FixSource::Gps, fixed_at: OffsetDateTime::now_utc() }
}

/// A draft filled in completely: a litter report at the citadel with one photo.
pub fn complete_draft(civic: &Civic, seed: u32) -> ReportId {
    let draft = civic.start_draft().unwrap_or_else(|e| panic!("start: {e}"));
    let id = draft.id;
    civic.attach_photo(id, &jpeg(640, 480, seed)).unwrap_or_else(|e| panic!("photo: {e}"));
    civic.set_location(id, fix(CITADEL)).unwrap_or_else(|e| panic!("location: {e}"));
    civic.set_category(id, "litter").unwrap_or_else(|e| panic!("category: {e}"));
    civic.set_answer(id, "amount", Some(AnswerValue::Choice("bag".into()))).unwrap_or_else(|e| panic!("answer: {e}"));
    civic.set_description(id, &format!("Rác đổ bên bờ sông Hương, đoạn {seed}")).unwrap_or_else(|e| panic!("description: {e}"));
    id
}
