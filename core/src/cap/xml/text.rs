//! The text forms of CAP's simple values, both ways: code lists, times, polygons, circles and
//! references. Reading and writing share these so that a value written always reads back equal.

use std::fmt::Write as _;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::super::{AlertStatus, CapError, Category, Certainty, Circle, MsgType, Reference, ResponseType, Scope, Urgency};
use crate::warning::Severity;

/// One CAP code list: the element's text for each variant, and back. A macro keeps the two
/// directions from drifting apart.
macro_rules! code_list {
    ($ty:ident, $write:ident, $read:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        pub(super) fn $write(v: $ty) -> &'static str {
            match v { $($ty::$variant => $text),+ }
        }
        pub(super) fn $read(s: &str) -> Option<$ty> {
            match s { $($text => Some($ty::$variant),)+ _ => None }
        }
    };
}

code_list!(AlertStatus, status_text, read_status {
    Actual = "Actual", Exercise = "Exercise", System = "System", Test = "Test", Draft = "Draft",
});
code_list!(MsgType, msg_type_text, read_msg_type {
    Alert = "Alert", Update = "Update", Cancel = "Cancel", Ack = "Ack", Error = "Error",
});
code_list!(Scope, scope_text, read_scope { Public = "Public", Restricted = "Restricted", Private = "Private" });
code_list!(Category, category_text, read_category {
    Geo = "Geo", Met = "Met", Safety = "Safety", Security = "Security", Rescue = "Rescue", Fire = "Fire",
    Health = "Health", Env = "Env", Transport = "Transport", Infra = "Infra", Cbrne = "CBRNE", Other = "Other",
});
code_list!(ResponseType, response_type_text, read_response_type {
    Shelter = "Shelter", Evacuate = "Evacuate", Prepare = "Prepare", Execute = "Execute", Avoid = "Avoid",
    Monitor = "Monitor", Assess = "Assess", AllClear = "AllClear", None = "None",
});
code_list!(Urgency, urgency_text, read_urgency {
    Immediate = "Immediate", Expected = "Expected", Future = "Future", Past = "Past", Unknown = "Unknown",
});
code_list!(Severity, severity_text, read_severity {
    Extreme = "Extreme", Severe = "Severe", Moderate = "Moderate", Minor = "Minor", Unknown = "Unknown",
});
code_list!(Certainty, certainty_text, read_certainty_1_2 {
    Observed = "Observed", Likely = "Likely", Possible = "Possible", Unlikely = "Unlikely", Unknown = "Unknown",
});

/// CAP 1.1 had "Very Likely", deprecated as "treat as Likely"; some publishers still send it.
pub(super) fn read_certainty(s: &str) -> Option<Certainty> {
    read_certainty_1_2(s).or((s == "Very Likely").then_some(Certainty::Likely))
}

/// An `Invalid` error naming the element, with the value cut short: a bad polygon can be most
/// of a megabyte, and an error message is read by people.
pub(super) fn invalid(element: &'static str, value: &str, why: impl Into<String>) -> CapError {
    const MAX: usize = 120;
    let value = match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    };
    CapError::Invalid { element, value, why: why.into() }
}

// --- times ---

/// Reads a CAP time: `YYYY-MM-DDThh:mm:ss` and a numeric offset, as the schema has it. Real feeds
/// also send `Z` and fractions of a second, so both are accepted; the offset is kept as written
/// (`-00:00` and `Z` both read as UTC), and fractions are dropped, as `write_time` can't carry
/// them.
pub(super) fn read_time(element: &'static str, s: &str) -> Result<OffsetDateTime, CapError> {
    let bad = |why: &str| invalid(element, s, why);
    const SHAPE: &str = "expected a time like 2026-11-27T09:00:00+07:00";
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return Err(bad(SHAPE));
    }
    let num = |from: usize, to: usize| -> Result<u32, CapError> {
        let part = s.get(from..to).filter(|p| p.bytes().all(|c| c.is_ascii_digit())).ok_or_else(|| bad(SHAPE))?;
        part.parse().map_err(|_| bad(SHAPE))
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    // Fractions of a second: digits after a dot, dropped.
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad(SHAPE));
        }
        rest = &frac[digits..];
    }
    let offset = match rest.as_bytes() {
        [b'Z'] => UtcOffset::UTC,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] if [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()) => {
            let hours = i8::try_from((h1 - b'0') * 10 + (h2 - b'0')).map_err(|_| bad(SHAPE))?;
            let minutes = i8::try_from((m1 - b'0') * 10 + (m2 - b'0')).map_err(|_| bad(SHAPE))?;
            let sign = if *sign == b'-' { -1 } else { 1 };
            UtcOffset::from_hms(sign * hours, sign * minutes, 0).map_err(|e| bad(&format!("bad offset: {e}")))?
        }
        _ => return Err(bad("expected an offset like +07:00 after the time")),
    };
    let month = u8::try_from(month).ok().and_then(|m| Month::try_from(m).ok()).ok_or_else(|| bad("no such month"))?;
    let year = i32::try_from(year).map_err(|_| bad(SHAPE))?;
    let day = u8::try_from(day).map_err(|_| bad(SHAPE))?;
    let date = Date::from_calendar_date(year, month, day).map_err(|e| bad(&format!("no such date: {e}")))?;
    let [hour, minute, second] = [hour, minute, second].map(|v| u8::try_from(v).unwrap_or(u8::MAX));
    let time = Time::from_hms(hour, minute, second).map_err(|e| bad(&format!("no such time: {e}")))?;
    Ok(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

/// Writes a time as CAP requires: `YYYY-MM-DDThh:mm:ss±hh:mm`, never `Z` (UTC is `+00:00`),
/// without fractions of a second. An offset with seconds can't be written, so such a time is
/// written in UTC: the instant stays right.
pub(super) fn write_time(out: &mut String, t: OffsetDateTime) {
    let t = if t.offset().seconds_past_minute() != 0 { t.to_offset(UtcOffset::UTC) } else { t };
    let (h, m, _) = t.offset().as_hms();
    let sign = if t.offset().is_negative() { '-' } else { '+' };
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        h.unsigned_abs(),
        m.unsigned_abs()
    );
}

// --- numbers and geometry ---

/// A finite decimal number. Rust's `{}` for f64 writes the shortest text that reads back to the
/// same value, and never an exponent, so `write` needs nothing more.
pub(super) fn read_number(element: &'static str, s: &str) -> Result<f64, CapError> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(invalid(element, s, "expected a decimal number")),
    }
}

fn read_point(element: &'static str, whole: &str, pair: &str) -> Result<(f64, f64), CapError> {
    let mut parts = pair.split(',');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(lat), Some(lon), None) => {
            let num = |v: &str| v.parse::<f64>().map_err(|_| invalid(element, whole, format!("{pair:?} is not a lat,lon pair")));
            Ok((num(lat)?, num(lon)?))
        }
        _ => Err(invalid(element, whole, format!("{pair:?} is not a lat,lon pair"))),
    }
}

/// A polygon: `lat,lon` pairs separated by whitespace. Whether it is closed and on Earth is for
/// `Alert::check` to say, with its own errors.
pub(super) fn read_polygon(s: &str) -> Result<Vec<(f64, f64)>, CapError> {
    s.split_ascii_whitespace().map(|pair| read_point("polygon", s, pair)).collect()
}

pub(super) fn write_polygon(out: &mut String, ring: &[(f64, f64)]) {
    for (i, (lat, lon)) in ring.iter().enumerate() {
        let _ = write!(out, "{}{lat},{lon}", if i == 0 { "" } else { " " });
    }
}

/// A circle: `lat,lon radius_km`.
pub(super) fn read_circle(s: &str) -> Result<Circle, CapError> {
    let mut parts = s.split_ascii_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(centre), Some(radius), None) => {
            let (lat, lon) = read_point("circle", s, centre)?;
            let radius_km = radius.parse::<f64>().map_err(|_| invalid("circle", s, format!("radius {radius:?} is not a number")))?;
            Ok(Circle { lat, lon, radius_km })
        }
        _ => Err(invalid("circle", s, "expected \"lat,lon radius_km\"")),
    }
}

pub(super) fn write_circle(out: &mut String, c: &Circle) {
    let _ = write!(out, "{},{} {}", c.lat, c.lon, c.radius_km);
}

// --- references ---

/// `sender,identifier,sent` triplets separated by whitespace. An empty element is no reference.
pub(super) fn read_references(s: &str) -> Result<Vec<Reference>, CapError> {
    s.split_ascii_whitespace()
        .map(|triplet| {
            let mut parts = triplet.split(',');
            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some(sender), Some(identifier), Some(sent), None) if !sender.is_empty() && !identifier.is_empty() => {
                    Ok(Reference { sender: sender.to_owned(), identifier: identifier.to_owned(), sent: read_time("references", sent)? })
                }
                _ => Err(invalid("references", s, format!("{triplet:?} is not a sender,identifier,sent triplet"))),
            }
        })
        .collect()
}

pub(super) fn write_references(out: &mut String, refs: &[Reference]) {
    for (i, r) in refs.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{},{},", r.sender, r.identifier);
        write_time(out, r.sent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn written(t: OffsetDateTime) -> String {
        let mut s = String::new();
        write_time(&mut s, t);
        s
    }

    #[test]
    fn times_keep_their_offset_and_utc_is_written_as_plus_zero() {
        let t = read_time("sent", "2003-04-02T14:39:01-05:00").unwrap();
        assert_eq!(t, datetime!(2003-04-02 14:39:01 -05:00));
        assert_eq!(t.offset(), UtcOffset::from_hms(-5, 0, 0).unwrap());
        assert_eq!(written(t), "2003-04-02T14:39:01-05:00");
        for utc in ["2019-07-12T17:59:29-00:00", "2019-07-12T17:59:29Z", "2019-07-12T17:59:29+00:00"] {
            assert_eq!(written(read_time("sent", utc).unwrap()), "2019-07-12T17:59:29+00:00", "{utc}");
        }
        assert_eq!(written(read_time("sent", "2026-11-27T09:00:00.250+07:00").unwrap()), "2026-11-27T09:00:00+07:00");
        assert_eq!(written(datetime!(2026-11-27 09:00:00.999 +05:45)), "2026-11-27T09:00:00+05:45");
        assert_eq!(written(datetime!(2026-11-27 09:00:00 -03:30)), "2026-11-27T09:00:00-03:30");
    }

    #[test]
    fn malformed_times_are_refused_with_the_element_named() {
        for bad in [
            "",
            "2026-11-27",
            "2026-11-27T09:00:00",
            "2026-11-27 09:00:00+07:00",
            "2026-13-01T00:00:00+07:00",
            "2026-02-30T00:00:00+07:00",
            "2026-11-27T25:00:00+07:00",
            "2026-11-27T09:00:00+0700",
            "2026-11-27T09:00:00.+07:00",
            "２０２６-11-27T09:00:00+07:00",
            "2026-11-27T09:00:00+07:00x",
            "-026-11-27T09:00:00+07:00",
        ] {
            match read_time("onset", bad) {
                Err(CapError::Invalid { element: "onset", .. }) => {}
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn every_code_reads_back_from_its_text() {
        use Category::*;
        for c in [Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, Cbrne, Other] {
            assert_eq!(read_category(category_text(c)), Some(c));
        }
        assert_eq!(category_text(Cbrne), "CBRNE");
        assert_eq!(read_certainty("Very Likely"), Some(Certainty::Likely));
        assert_eq!(read_severity("severe"), None, "CAP's codes are case-sensitive");
    }

    #[test]
    fn geometry_reads_back_exactly() {
        let ring = vec![(16.4637, 107.5909), (16.47, 107.6), (-0.000001, 179.99999999999997), (16.4637, 107.5909)];
        let mut s = String::new();
        write_polygon(&mut s, &ring);
        assert_eq!(read_polygon(&s).unwrap(), ring);
        assert!(read_polygon("16.4,107.5 16.5;107.6").is_err());
        assert!(read_polygon("16.4,107.5,3").is_err());
        let c = Circle { lat: 16.4637, lon: 107.5909, radius_km: 2.5 };
        let mut s = String::new();
        write_circle(&mut s, &c);
        assert_eq!(s, "16.4637,107.5909 2.5");
        assert_eq!(read_circle(&s).unwrap(), c);
        assert!(read_circle("16.4637,107.5909").is_err());
    }
}
