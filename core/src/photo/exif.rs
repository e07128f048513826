//! What the camera wrote in EXIF and the pipeline uses: orientation, position, time.
//!
//! Broken, truncated or nonsensical EXIF never fails a photo: each value that cannot be
//! read sensibly is simply absent (orientation 1, no location, no time).

use exif::{In, Reader, Tag, Value};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::{ExifLocation, PhotoHints};

/// Largest EXIF block looked at (a JPEG's APP1 holds at most 64 KiB; a PNG eXIf chunk
/// could claim more, and nothing useful needs it).
const MAX_EXIF_BYTES: usize = 1024 * 1024;

/// What the EXIF block says that matters here.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ExifInfo {
    /// EXIF orientation, 1..=8 (1 when absent or invalid).
    pub orientation: u8,
    pub hints: PhotoHints,
}

/// Reads orientation and hints from a TIFF-structured EXIF block.
pub(crate) fn read(tiff: Option<&[u8]>) -> ExifInfo {
    let none = ExifInfo { orientation: 1, hints: PhotoHints::default() };
    let Some(tiff) = tiff.filter(|t| t.len() <= MAX_EXIF_BYTES) else { return none };
    // The EXIF parser is third-party code fed untrusted bytes: a panic in it must cost the
    // hints, never the photo.
    let parsed = std::panic::catch_unwind(|| {
        Reader::new().continue_on_error(true).read_raw(tiff.to_vec()).or_else(|e| e.distill_partial_result(|_| {})).ok().map(|exif| {
            ExifInfo { orientation: orientation(&exif), hints: PhotoHints { location: location(&exif), taken_at: taken_at(&exif) } }
        })
    });
    parsed.ok().flatten().unwrap_or(none)
}

fn field(exif: &exif::Exif, tag: Tag) -> Option<&Value> {
    exif.get_field(tag, In::PRIMARY).map(|f| &f.value)
}

fn ascii(exif: &exif::Exif, tag: Tag) -> Option<&[u8]> {
    match field(exif, tag)? {
        Value::Ascii(v) => v.first().map(Vec::as_slice),
        _ => None,
    }
}

fn orientation(exif: &exif::Exif) -> u8 {
    field(exif, Tag::Orientation)
        .and_then(|v| v.get_uint(0))
        .and_then(|o| u8::try_from(o).ok())
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1)
}

/// A rational as f64; `None` for a zero denominator.
fn ratio(r: &exif::Rational) -> Option<f64> {
    (r.denom != 0).then(|| f64::from(r.num) / f64::from(r.denom))
}

/// Degrees from EXIF's degrees/minutes/seconds rationals.
fn degrees(value: &Value) -> Option<f64> {
    let Value::Rational(parts) = value else { return None };
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let mut dms = [0.0f64; 3];
    for (slot, part) in dms.iter_mut().zip(parts) {
        *slot = ratio(part)?;
    }
    let [d, m, s] = dms;
    if !(m < 60.0 && s < 60.0) {
        return None;
    }
    Some(d + m / 60.0 + s / 3600.0)
}

fn location(exif: &exif::Exif) -> Option<ExifLocation> {
    // 'V' = measurement void: the receiver had no fix.
    if ascii(exif, Tag::GPSStatus).and_then(|s| s.first()) == Some(&b'V') {
        return None;
    }
    let lat = degrees(field(exif, Tag::GPSLatitude)?)?;
    let lon = degrees(field(exif, Tag::GPSLongitude)?)?;
    let lat = match ascii(exif, Tag::GPSLatitudeRef)?.first()? {
        b'N' | b'n' => lat,
        b'S' | b's' => -lat,
        _ => return None,
    };
    let lon = match ascii(exif, Tag::GPSLongitudeRef)?.first()? {
        b'E' | b'e' => lon,
        b'W' | b'w' => -lon,
        _ => return None,
    };
    if !(lat.abs() <= 90.0 && lon.abs() <= 180.0) {
        return None;
    }
    // Exactly 0/0 is what phones write when they had no fix, not a place in the Atlantic.
    if lat == 0.0 && lon == 0.0 {
        return None;
    }
    let accuracy_m = match field(exif, Tag::GPSHPositioningError) {
        Some(Value::Rational(r)) => r.first().and_then(ratio).filter(|a| a.is_finite()),
        _ => None,
    };
    Some(ExifLocation { lat, lon, accuracy_m })
}

/// When the photo was taken: DateTimeOriginal (else DateTimeDigitized) with its
/// sub-seconds, in the offset the camera recorded (OffsetTimeOriginal / Digitized).
/// EXIF times carry no zone of their own; without a recorded offset the time is taken
/// as UTC: a documented, predictable reading, rather than guessing the phone's zone.
fn taken_at(exif: &exif::Exif) -> Option<OffsetDateTime> {
    [
        (Tag::DateTimeOriginal, Tag::SubSecTimeOriginal, Tag::OffsetTimeOriginal),
        (Tag::DateTimeDigitized, Tag::SubSecTimeDigitized, Tag::OffsetTimeDigitized),
    ]
    .into_iter()
    .find_map(|(when, subsec, offset)| {
        let mut dt = exif::DateTime::from_ascii(ascii(exif, when)?).ok()?;
        if let Some(s) = ascii(exif, subsec) {
            // Unreadable sub-seconds are just dropped.
            if dt.parse_subsec(s).is_err() {
                dt.nanosecond = None;
            }
        }
        if let Some(o) = ascii(exif, offset) {
            if dt.parse_offset(o).is_err() {
                dt.offset = None;
            }
        }
        to_offset_date_time(&dt)
    })
}

fn to_offset_date_time(dt: &exif::DateTime) -> Option<OffsetDateTime> {
    let month = Month::try_from(dt.month).ok()?;
    let date = Date::from_calendar_date(i32::from(dt.year), month, dt.day).ok()?;
    // A leap second (":60") reads as the last second of the minute.
    let time = Time::from_hms_nano(dt.hour, dt.minute, dt.second.min(59), dt.nanosecond.unwrap_or(0)).ok()?;
    let offset = match dt.offset {
        Some(minutes) => UtcOffset::from_whole_seconds(i32::from(minutes) * 60).ok()?,
        None => UtcOffset::UTC,
    };
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
}
