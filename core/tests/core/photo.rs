//! The photo pipeline as a user of `civic_core::photo` sees it: camera photos in, small clean
//! JPEGs and hints out, and every bad input refused with the right error, fast, without
//! panicking or allocating much.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use civic_core::photo::sample::{self, Ifd, Tiff};
use civic_core::photo::{ExifLocation, PhotoError, PhotoHints, PhotoOptions, ProcessedPhoto, process, read_hints};
use sha2::{Digest, Sha256};
use time::macros::datetime;

// ---------------------------------------------------------------------------------------
// Per-thread allocation tracking (tests run in parallel threads).

struct Counting;

thread_local! {
    static TRACKING: Cell<bool> = const { Cell::new(false) };
    static CURRENT: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(delta: isize) {
    let _ = TRACKING.try_with(|t| {
        if t.get() {
            let now = CURRENT.get() + delta;
            CURRENT.set(now);
            PEAK.set(PEAK.get().max(now));
        }
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            note(l.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            note(l.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        note(-(l.size() as isize));
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            note(new as isize - l.size() as isize);
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result, the bytes it held at its peak, and how long it took.
pub(crate) fn measured<T>(f: impl FnOnce() -> T) -> (T, usize, Duration) {
    CURRENT.set(0);
    PEAK.set(0);
    TRACKING.set(true);
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    TRACKING.set(false);
    (out, PEAK.get().max(0) as usize, took)
}

// ---------------------------------------------------------------------------------------
// Fixtures, all generated.

pub(crate) const HUE_LAT: f64 = 16.4698;
pub(crate) const HUE_LON: f64 = 107.5786;

fn opts() -> PhotoOptions {
    PhotoOptions::default()
}

/// Degrees as EXIF degrees/minutes/seconds rationals (seconds to 1/100).
fn dms(deg: f64) -> [(u32, u32); 3] {
    let d = deg.trunc();
    let m = ((deg - d) * 60.0).trunc();
    let s = ((deg - d) * 60.0 - m) * 60.0;
    [(d as u32, 1), (m as u32, 1), ((s * 100.0).round() as u32, 100)]
}

pub(crate) fn hue_gps(t: Tiff) -> Tiff {
    t.ascii(Ifd::Gps, 0x0001, "N").rationals(Ifd::Gps, 0x0002, &dms(HUE_LAT)).ascii(Ifd::Gps, 0x0003, "E").rationals(
        Ifd::Gps,
        0x0004,
        &dms(HUE_LON),
    )
}

pub(crate) fn camera(w: u16, h: u16, segments: &[&[u8]]) -> Vec<u8> {
    sample::encode_jpeg(&sample::camera_rgb(w.into(), h.into(), 3), w, h, 92, segments)
}

pub(crate) fn encode_with(
    rgb: &[u8],
    w: u16,
    h: u16,
    color: jpeg_encoder::ColorType,
    set: impl FnOnce(&mut jpeg_encoder::Encoder<&mut Vec<u8>>),
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
    set(&mut enc);
    enc.encode(rgb, w, h, color).expect("encode fixture");
    out
}

fn png_bytes(
    w: u32,
    h: u32,
    color: png::ColorType,
    depth: png::BitDepth,
    data: &[u8],
    set: impl FnOnce(&mut png::Encoder<&mut Vec<u8>>),
) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(color);
        enc.set_depth(depth);
        set(&mut enc);
        let mut writer = enc.write_header().expect("png header");
        writer.write_image_data(data).expect("png data");
        writer.finish().expect("png finish");
    }
    out
}

/// Decodes an output JPEG for checking: (width, height, channels, pixels).
pub(crate) fn decode(jpeg: &[u8]) -> (u32, u32, usize, Vec<u8>) {
    let mut d = jpeg_decoder::Decoder::new(jpeg);
    let px = d.decode().expect("output decodes");
    let info = d.info().expect("info");
    let c = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => 1,
        jpeg_decoder::PixelFormat::RGB24 => 3,
        other => panic!("unexpected output format {other:?}"),
    };
    (info.width.into(), info.height.into(), c, px)
}

pub(crate) fn pixel(img: &(u32, u32, usize, Vec<u8>), x: u32, y: u32) -> [u8; 3] {
    let (w, _, c, px) = img;
    let i = ((y * w + x) as usize) * c;
    if *c == 1 { [px[i]; 3] } else { [px[i], px[i + 1], px[i + 2]] }
}

fn near(a: [u8; 3], b: [u8; 3], tol: u8) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tol)
}

/// The marker segments of a JPEG up to SOS, as (marker, payload).
pub(crate) fn segments(jpeg: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "starts with SOI");
    let mut out = Vec::new();
    let mut pos = 2;
    loop {
        assert_eq!(jpeg[pos], 0xFF, "marker at {pos}");
        let m = jpeg[pos + 1];
        let len = u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]) as usize;
        out.push((m, jpeg[pos + 4..pos + 2 + len].to_vec()));
        if m == 0xDA {
            return out;
        }
        pos += 2 + len;
    }
}

fn ok(input: &[u8]) -> ProcessedPhoto {
    process(input, &opts()).unwrap_or_else(|e| panic!("expected a photo, got: {e}"))
}

// ---------------------------------------------------------------------------------------
// Size.

#[test]
fn camera_photo_is_resized_to_1600_keeping_aspect() {
    let landscape = ok(&camera(2000, 1500, &[]));
    assert_eq!((landscape.width, landscape.height), (1600, 1200));
    let portrait = ok(&camera(1200, 1700, &[]));
    assert_eq!((portrait.width, portrait.height), (1129, 1600)); // 1200 * 1600 / 1700 = 1129.4
    let odd = ok(&camera(1700, 1001, &[]));
    assert_eq!((odd.width, odd.height), (1600, 942)); // 1001 * 1600 / 1700 = 942.1
    let d = decode(&odd.jpeg);
    assert_eq!((d.0, d.1), (1600, 942), "the JPEG itself has the reported size");
    // Scaled in the DCT domain (1/4 here), then resized: still the exact size.
    let scaled = process(&camera(1700, 1001, &[]), &PhotoOptions { max_long_edge: 300, ..opts() }).unwrap();
    assert_eq!((scaled.width, scaled.height), (300, 177));
}

#[test]
fn small_photo_is_not_upscaled() {
    let p = ok(&camera(640, 480, &[]));
    assert_eq!((p.width, p.height), (640, 480));
    let custom = process(&camera(640, 480, &[]), &PhotoOptions { max_long_edge: 320, ..opts() }).unwrap();
    assert_eq!((custom.width, custom.height), (320, 240));
}

#[test]
fn colours_survive_the_pipeline() {
    // Four flat quadrants; after a 1/2 DCT-scaled decode, Lanczos and q80 they stay put.
    let (w, h) = (1000u32, 750u32);
    let colours = [[200, 30, 40], [30, 160, 60], [40, 60, 190], [230, 220, 90]];
    let rgb: Vec<u8> =
        (0..h).flat_map(|y| (0..w).flat_map(move |x| colours[usize::from(x >= w / 2) + 2 * usize::from(y >= h / 2)])).collect();
    let p = process(&sample::encode_jpeg(&rgb, w as u16, h as u16, 92, &[]), &PhotoOptions { max_long_edge: 400, ..opts() }).unwrap();
    let d = decode(&p.jpeg);
    assert_eq!((d.0, d.1), (400, 300));
    for (i, (x, y)) in [(100, 75), (300, 75), (100, 225), (300, 225)].into_iter().enumerate() {
        assert!(near(pixel(&d, x, y), colours[i], 10), "quadrant {i}: {:?} vs {:?}", pixel(&d, x, y), colours[i]);
    }
}

// ---------------------------------------------------------------------------------------
// Orientation.

#[test]
fn each_exif_orientation_is_applied() {
    // Stored 480x320: red block top-left, green block top-right, grey elsewhere.
    let (w, h) = (480u32, 320u32);
    let rgb: Vec<u8> = (0..h)
        .flat_map(|y| {
            (0..w).flat_map(move |x| match (x < 120, x >= w - 120, y < 80) {
                (true, _, true) => [220, 20, 20],
                (_, true, true) => [20, 200, 20],
                _ => [128, 128, 128],
            })
        })
        .collect();
    const RED: [u8; 3] = [220, 20, 20];
    const GREEN: [u8; 3] = [20, 200, 20];
    // Where red and green land in the upright image, by orientation.
    #[derive(Clone, Copy, Debug)]
    enum C {
        TL,
        TR,
        BL,
        BR,
    }
    let expect = [
        (1, C::TL, C::TR),
        (2, C::TR, C::TL),
        (3, C::BR, C::BL),
        (4, C::BL, C::BR),
        (5, C::TL, C::BL),
        (6, C::TR, C::BR),
        (7, C::BR, C::TR),
        (8, C::BL, C::TL),
    ];
    for (o, red_at, green_at) in expect {
        let exif = Tiff::new().short(Ifd::Primary, 0x0112, o).app1();
        let p = ok(&sample::encode_jpeg(&rgb, w as u16, h as u16, 92, &[&exif]));
        let (ew, eh) = if o >= 5 { (h, w) } else { (w, h) };
        assert_eq!((p.width, p.height), (ew, eh), "orientation {o} size");
        let d = decode(&p.jpeg);
        let at = |c: C| {
            let (x, y) = match c {
                C::TL => (8, 8),
                C::TR => (ew - 9, 8),
                C::BL => (8, eh - 9),
                C::BR => (ew - 9, eh - 9),
            };
            pixel(&d, x, y)
        };
        assert!(near(at(red_at), RED, 24), "orientation {o}: red expected {red_at:?}, got {:?}", at(red_at));
        assert!(near(at(green_at), GREEN, 24), "orientation {o}: green expected {green_at:?}, got {:?}", at(green_at));
    }
}

#[test]
fn orientation_is_applied_after_resizing_a_big_photo() {
    let exif = Tiff::new().short(Ifd::Primary, 0x0112, 6).app1();
    let p = ok(&camera(1800, 1200, &[&exif]));
    assert_eq!((p.width, p.height), (1067, 1600));
}

// ---------------------------------------------------------------------------------------
// Hints.

#[test]
fn gps_and_time_hints_are_read() {
    let exif = hue_gps(Tiff::new())
        .rationals(Ifd::Gps, 0x001F, &[(8, 1)])
        .ascii(Ifd::Exif, 0x9003, "2025:03:14 09:26:53")
        .ascii(Ifd::Exif, 0x9011, "+07:00")
        .ascii(Ifd::Exif, 0x9291, "25")
        .app1();
    let jpeg = camera(800, 600, &[&exif]);
    let hints = ok(&jpeg).hints;
    let loc = hints.location.expect("location");
    assert!((loc.lat - HUE_LAT).abs() < 1e-5 && (loc.lon - HUE_LON).abs() < 1e-5, "{loc:?}");
    assert_eq!(loc.accuracy_m, Some(8.0));
    assert_eq!(hints.taken_at, Some(datetime!(2025-03-14 09:26:53.25 +07:00)));
    assert_eq!(read_hints(&jpeg), hints, "read_hints agrees with process");
}

#[test]
fn south_and_west_are_negative_and_accuracy_is_optional() {
    let exif = Tiff::new()
        .ascii(Ifd::Gps, 0x0001, "S")
        .rationals(Ifd::Gps, 0x0002, &[(33, 1), (52, 1), (0, 1)])
        .ascii(Ifd::Gps, 0x0003, "W")
        .rationals(Ifd::Gps, 0x0004, &[(70, 1), (30, 1), (0, 1)])
        .app1();
    let loc = read_hints(&camera(64, 48, &[&exif])).location.expect("location");
    assert_eq!(loc, ExifLocation { lat: -(33.0 + 52.0 / 60.0), lon: -70.5, accuracy_m: None });
}

#[test]
fn time_without_offset_is_read_as_utc() {
    let exif = Tiff::new().ascii(Ifd::Exif, 0x9003, "2024:12:31 23:59:59").app1();
    let hints = read_hints(&camera(64, 48, &[&exif]));
    assert_eq!(hints.taken_at, Some(datetime!(2024-12-31 23:59:59 UTC)));
    assert_eq!(hints.location, None);
    // DateTimeDigitized stands in when there is no DateTimeOriginal.
    let exif = Tiff::new().ascii(Ifd::Exif, 0x9004, "2024:06:01 08:00:00").ascii(Ifd::Exif, 0x9012, "-03:30").app1();
    assert_eq!(read_hints(&camera(64, 48, &[&exif])).taken_at, Some(datetime!(2024-06-01 08:00:00 -03:30)));
}

#[test]
fn nonsense_gps_and_time_give_no_hint() {
    let base = || Tiff::new().ascii(Ifd::Gps, 0x0001, "N").ascii(Ifd::Gps, 0x0003, "E");
    let cases = [
        ("latitude over 90", base().rationals(Ifd::Gps, 2, &[(95, 1), (0, 1), (0, 1)]).rationals(Ifd::Gps, 4, &dms(HUE_LON))),
        ("zero denominator", base().rationals(Ifd::Gps, 2, &[(16, 1), (27, 0), (0, 1)]).rationals(Ifd::Gps, 4, &dms(HUE_LON))),
        ("0/0 everywhere", base().rationals(Ifd::Gps, 2, &[(0, 0), (0, 0), (0, 0)]).rationals(Ifd::Gps, 4, &[(0, 0), (0, 0), (0, 0)])),
        ("null island", base().rationals(Ifd::Gps, 2, &[(0, 1), (0, 1), (0, 1)]).rationals(Ifd::Gps, 4, &[(0, 1), (0, 1), (0, 1)])),
        ("minutes over 60", base().rationals(Ifd::Gps, 2, &[(16, 1), (75, 1), (0, 1)]).rationals(Ifd::Gps, 4, &dms(HUE_LON))),
        ("no reference", Tiff::new().rationals(Ifd::Gps, 2, &dms(HUE_LAT)).rationals(Ifd::Gps, 4, &dms(HUE_LON))),
        ("bad reference", hue_gps(Tiff::new()).ascii(Ifd::Gps, 1, "Q")),
        ("void fix", hue_gps(Tiff::new()).ascii(Ifd::Gps, 9, "V")),
        ("no longitude", Tiff::new().ascii(Ifd::Gps, 1, "N").rationals(Ifd::Gps, 2, &dms(HUE_LAT))),
    ];
    for (what, tiff) in cases {
        let hints = read_hints(&camera(64, 48, &[&tiff.app1()]));
        assert_eq!(hints.location, None, "{what}");
    }
    for bad in ["0000:00:00 00:00:00", "    :  :     :  :  ", "2025:13:01 10:00:00", "2025:02:30 10:00:00", "2025-03-14T09:26", "garbage"] {
        let exif = Tiff::new().ascii(Ifd::Exif, 0x9003, bad).app1();
        assert_eq!(read_hints(&camera(64, 48, &[&exif])).taken_at, None, "{bad:?}");
    }
    // A broken offset is dropped, the time kept (as UTC).
    let exif = Tiff::new().ascii(Ifd::Exif, 0x9003, "2025:03:14 09:26:53").ascii(Ifd::Exif, 0x9011, "x7:00").app1();
    assert_eq!(read_hints(&camera(64, 48, &[&exif])).taken_at, Some(datetime!(2025-03-14 09:26:53 UTC)));
}

#[test]
fn broken_or_truncated_exif_keeps_the_photo() {
    let good = hue_gps(Tiff::new().short(Ifd::Primary, 0x0112, 6)).ascii(Ifd::Exif, 0x9003, "2025:03:14 09:26:53").build();
    let mut bad_offset = good.clone();
    bad_offset[4..8].copy_from_slice(&0xFFFF_FF00u32.to_le_bytes()); // IFD0 beyond the end
    let mut bad_order = good.clone();
    bad_order[..2].copy_from_slice(b"XX");
    let mut huge_count = good.clone();
    huge_count[8..10].copy_from_slice(&0xFFFFu16.to_le_bytes()); // 65535 entries claimed
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated in IFD0", sample::app1(&good[..20])),
        ("truncated in the GPS values", sample::app1(&good[..good.len() - 12])),
        ("just the header", sample::app1(&good[..8])),
        ("empty payload", sample::app1(&[])),
        ("IFD offset out of range", sample::app1(&bad_offset)),
        ("bad byte order", sample::app1(&bad_order)),
        ("entry count too big", sample::app1(&huge_count)),
        ("random bytes", sample::app1(&(0..200u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<_>>())),
        ("orientation 9", Tiff::new().short(Ifd::Primary, 0x0112, 9).app1()),
        ("orientation 0", Tiff::new().short(Ifd::Primary, 0x0112, 0).app1()),
    ];
    for (what, app1) in cases {
        let p = process(&camera(320, 240, &[&app1]), &opts()).unwrap_or_else(|e| panic!("{what}: {e}"));
        // Whatever could not be read is absent; the image is never rotated by garbage.
        // Entries that can still be read (a partial IFD) are used; nothing else is.
        if !matches!(what, "truncated in the GPS values" | "entry count too big") {
            assert_eq!((p.width, p.height), (320, 240), "{what}: orientation 1");
        }
        assert_eq!(p.hints, read_hints(&camera(320, 240, &[&app1])), "{what}");
        if what.starts_with("truncated in IFD0") || what == "bad byte order" || what == "IFD offset out of range" {
            assert_eq!(p.hints, PhotoHints::default(), "{what}");
        }
    }
    // A JPEG segment that claims to run past the end of the file is a damaged file.
    let mut cut = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x10, 0x00];
    cut.extend_from_slice(b"Exif\0\0II*\0");
    assert!(matches!(process(&cut, &opts()), Err(PhotoError::Corrupt(_))));
    assert_eq!(read_hints(&cut), PhotoHints::default());
}

#[test]
fn read_hints_never_fails() {
    for input in [&b""[..], b"hello", b"\xFF\xD8", b"\x89PNG\r\n\x1a\n", b"\xFF\xD8\xFF\xE1\x00\x02"] {
        assert_eq!(read_hints(input), PhotoHints::default());
    }
}

#[test]
fn png_exif_chunk_gives_hints_and_orientation() {
    let tiff = hue_gps(Tiff::new().short(Ifd::Primary, 0x0112, 8)).build();
    let rgb = sample::camera_rgb(300, 200, 1);
    let plain = png_bytes(300, 200, png::ColorType::Rgb, png::BitDepth::Eight, &rgb, |_| {});
    // An eXIf chunk right after IHDR (8-byte signature + 25-byte IHDR chunk).
    let mut chunk = (tiff.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(b"eXIf");
    chunk.extend_from_slice(&tiff);
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    let png = [&plain[..33], &chunk, &plain[33..]].concat();
    let p = ok(&png);
    assert_eq!((p.width, p.height), (200, 300));
    assert!(p.hints.location.is_some());
}

#[test]
fn hints_serialize_as_rfc3339() {
    let hints = PhotoHints {
        location: Some(ExifLocation { lat: HUE_LAT, lon: HUE_LON, accuracy_m: Some(5.0) }),
        taken_at: Some(datetime!(2025-03-14 09:26:53 +07:00)),
    };
    let json = serde_json::to_string(&hints).unwrap();
    assert!(json.contains("\"2025-03-14T09:26:53+07:00\""), "{json}");
    assert_eq!(serde_json::from_str::<PhotoHints>(&json).unwrap(), hints);
    let empty = serde_json::to_string(&PhotoHints::default()).unwrap();
    assert_eq!(serde_json::from_str::<PhotoHints>(&empty).unwrap(), PhotoHints::default());
}

// ---------------------------------------------------------------------------------------
// Output hygiene.

#[test]
fn output_has_no_metadata_at_all() {
    let exif = hue_gps(Tiff::new().short(Ifd::Primary, 0x0112, 1)).app1();
    let seg = |marker: u8, payload: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
        s.extend_from_slice(payload);
        s
    };
    let xmp = seg(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta secret/>");
    let icc = seg(0xE2, b"ICC_PROFILE\0\x01\x01abcdefgh");
    let photoshop = seg(0xED, b"Photoshop 3.0\0");
    let com = seg(0xFE, b"by Nguyen");
    let input = camera(800, 600, &[&exif, &xmp, &icc, &photoshop, &com]);
    assert!(segments(&input).iter().any(|(m, _)| *m == 0xE1), "fixture has EXIF");
    let p = ok(&input);
    for (marker, payload) in segments(&p.jpeg) {
        match marker {
            0xE0 => assert!(payload.starts_with(b"JFIF\0"), "APP0 is JFIF"),
            0xDB | 0xC4 | 0xC0 | 0xDA | 0xDD => {}
            other => panic!("unexpected segment FF{other:02X} in the output"),
        }
    }
    assert_eq!(&p.jpeg[p.jpeg.len() - 2..], &[0xFF, 0xD9], "ends with EOI");
    assert!(!p.jpeg.windows(4).any(|w| w == b"Exif" || w == b"xmpm" || w == b"Nguy"), "no metadata bytes anywhere");
    assert_eq!(read_hints(&p.jpeg), PhotoHints::default());
}

#[test]
fn sha256_is_of_the_output_bytes_and_output_is_deterministic() {
    let input = camera(1000, 750, &[]);
    let p = ok(&input);
    let hex: String = Sha256::digest(&p.jpeg).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(p.sha256, hex);
    assert_eq!(ok(&input).sha256, p.sha256, "same photo, same bytes");
    assert!(format!("{p:?}").contains("bytes]"), "Debug does not dump the JPEG");
}

// ---------------------------------------------------------------------------------------
// Input variants.

#[test]
fn progressive_444_and_restart_interval_jpegs() {
    // Small output, so these are also decoded scaled (1/2) in the DCT domain.
    let (w, h) = (960u16, 640u16);
    let rgb = sample::camera_rgb(w.into(), h.into(), 9);
    let progressive = encode_with(&rgb, w, h, jpeg_encoder::ColorType::Rgb, |e| e.set_progressive(true));
    assert!(segments(&progressive).iter().any(|(m, _)| *m == 0xC2), "fixture is progressive");
    let full_chroma =
        encode_with(&rgb, w, h, jpeg_encoder::ColorType::Rgb, |e| e.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4));
    let restarts = encode_with(&rgb, w, h, jpeg_encoder::ColorType::Rgb, |e| e.set_restart_interval(4));
    let small = PhotoOptions { max_long_edge: 300, ..opts() };
    let reference = decode(&process(&sample::encode_jpeg(&rgb, w, h, 90, &[]), &small).unwrap().jpeg);
    for (what, input) in [("progressive", progressive), ("4:4:4", full_chroma), ("restart markers", restarts)] {
        for o in [opts(), small] {
            let p = process(&input, &o).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(p.width.max(p.height), o.max_long_edge.min(960), "{what}");
        }
        let d = decode(&process(&input, &small).unwrap().jpeg);
        assert_eq!((d.0, d.1), (300, 200), "{what}");
        for (x, y) in [(20, 20), (150, 120), (280, 180)] {
            assert!(near(pixel(&d, x, y), pixel(&reference, x, y), 40), "{what} at {x},{y}");
        }
    }
}

#[test]
fn grayscale_jpeg_stays_grey() {
    let (w, h) = (2000u16, 1000u16);
    let grey: Vec<u8> = (0..u32::from(w) * u32::from(h)).map(|i| (i % u32::from(w) / 8) as u8).collect();
    let input = encode_with(&grey, w, h, jpeg_encoder::ColorType::Luma, |_| {});
    let p = ok(&input);
    assert_eq!((p.width, p.height), (1600, 800));
    let d = decode(&p.jpeg);
    assert_eq!(d.2, 1, "one channel out");
    assert!(pixel(&d, 1500, 400)[0] > pixel(&d, 100, 400)[0] + 150, "the ramp survives");
}

#[test]
fn cmyk_and_ycck_jpegs_become_rgb() {
    // Ink amounts (0 = no ink): cyan left, magenta right, black bottom stripe.
    let (w, h) = (400u16, 300u16);
    let cmyk: Vec<u8> = (0..h)
        .flat_map(|y| {
            (0..w).flat_map(move |x| {
                if y >= 240 {
                    [0, 0, 0, 255]
                } else if x < 200 {
                    [255, 0, 0, 0]
                } else {
                    [0, 255, 0, 0]
                }
            })
        })
        .collect();
    for (what, color) in [("Adobe CMYK (stored inverted)", jpeg_encoder::ColorType::Cmyk), ("YCCK", jpeg_encoder::ColorType::CmykAsYcck)] {
        let input = encode_with(&cmyk, w, h, color, |_| {});
        assert!(segments(&input).iter().any(|(m, p)| *m == 0xEE && p.starts_with(b"Adobe")), "{what} fixture has APP14");
        let d = decode(&ok(&input).jpeg);
        assert!(near(pixel(&d, 100, 100), [0, 255, 255], 30), "{what}: cyan, got {:?}", pixel(&d, 100, 100));
        assert!(near(pixel(&d, 300, 100), [255, 0, 255], 30), "{what}: magenta, got {:?}", pixel(&d, 300, 100));
        assert!(near(pixel(&d, 200, 280), [0, 0, 0], 30), "{what}: black, got {:?}", pixel(&d, 200, 280));
    }
}

#[test]
fn png_inputs_work() {
    let (w, h) = (2000u32, 1000u32);
    let rgb = sample::camera_rgb(w, h, 4);
    let p = ok(&png_bytes(w, h, png::ColorType::Rgb, png::BitDepth::Eight, &rgb, |_| {}));
    assert_eq!((p.width, p.height), (1600, 800));

    // 16-bit RGBA: left half opaque blue, right half fully transparent → white.
    let (w, h) = (200u32, 100u32);
    let rgba16: Vec<u8> = (0..h)
        .flat_map(|_| {
            (0..w).flat_map(move |x| if x < w / 2 { [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF] } else { [0x12, 0x34, 0, 0, 0, 0, 0, 0] })
        })
        .collect();
    let d = decode(&ok(&png_bytes(w, h, png::ColorType::Rgba, png::BitDepth::Sixteen, &rgba16, |_| {})).jpeg);
    assert!(near(pixel(&d, 30, 50), [0, 0, 255], 12), "{:?}", pixel(&d, 30, 50));
    assert!(near(pixel(&d, 170, 50), [255, 255, 255], 6), "{:?}", pixel(&d, 170, 50));

    // Palette with a transparent entry, 4-bit.
    let palette = [255, 0, 0, 0, 255, 0];
    let idx: Vec<u8> = (0..h).flat_map(|_| (0..w / 2).map(|x| if x < w / 4 { 0x00 } else { 0x11 })).collect();
    let png = png_bytes(w, h, png::ColorType::Indexed, png::BitDepth::Four, &idx, |e| {
        e.set_palette(palette.to_vec());
        e.set_trns(vec![255, 0]);
    });
    let d = decode(&ok(&png).jpeg);
    assert!(near(pixel(&d, 30, 50), [255, 0, 0], 12));
    assert!(near(pixel(&d, 170, 50), [255, 255, 255], 6), "transparent palette entry is white");

    // Grey + alpha, and plain grey: grey output.
    let ga: Vec<u8> = (0..w * h).flat_map(|i| [(i % 200) as u8, 255]).collect();
    let d = decode(&ok(&png_bytes(w, h, png::ColorType::GrayscaleAlpha, png::BitDepth::Eight, &ga, |_| {})).jpeg);
    assert_eq!(d.2, 1);
    let g: Vec<u8> = (0..w * h).map(|i| (i % 256) as u8).collect();
    assert_eq!(ok(&png_bytes(w, h, png::ColorType::Grayscale, png::BitDepth::Eight, &g, |_| {})).width, 200);
}

// ---------------------------------------------------------------------------------------
// Refusals.

#[test]
fn truncated_files_are_corrupt() {
    let jpeg = camera(800, 600, &[]);
    for cut in [jpeg.len() * 3 / 5, jpeg.len() - 2, 200, 3] {
        match process(&jpeg[..cut], &opts()) {
            Err(PhotoError::Corrupt(msg)) => assert!(!msg.is_empty()),
            other => panic!("JPEG cut at {cut}: {other:?}"),
        }
    }
    let rgb = sample::camera_rgb(300, 200, 2);
    let png = png_bytes(300, 200, png::ColorType::Rgb, png::BitDepth::Eight, &rgb, |_| {});
    for cut in [png.len() / 2, png.len() - 12, 40, 20, 4] {
        assert!(matches!(process(&png[..cut], &opts()), Err(PhotoError::Corrupt(_))), "PNG cut at {cut}");
    }
    let e = process(&jpeg[..jpeg.len() / 2], &opts()).unwrap_err();
    assert!(e.to_string().contains("truncated"), "{e}");
}

#[test]
fn things_that_are_not_photos_are_refused() {
    assert!(matches!(process(b"", &opts()), Err(PhotoError::Empty)));
    for input in [
        &b"<html><body>not a photo</body></html>"[..],
        b"just some text\n",
        b"GIF89a\x01\x00\x01\x00",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
        b"RIFF\x10\x00\x00\x00WEBPVP8 ",
        b"%PDF-1.7",
    ] {
        assert!(matches!(process(input, &opts()), Err(PhotoError::UnsupportedFormat)), "{:?}", String::from_utf8_lossy(input));
    }
    let msg = PhotoError::UnsupportedFormat.to_string();
    assert!(msg.contains("JPEG") && msg.contains("HEIC"), "{msg}");
}

#[test]
fn too_many_bytes_are_refused_before_reading() {
    let jpeg = camera(320, 240, &[]);
    let small = PhotoOptions { max_input_bytes: 1000, ..opts() };
    match process(&jpeg, &small) {
        Err(PhotoError::TooManyBytes { bytes, max }) => assert_eq!((bytes, max), (jpeg.len(), 1000)),
        other => panic!("{other:?}"),
    }
}

/// A JPEG whose frame header claims `w` x `h`, with a little scan data after it.
fn jpeg_claiming(w: u16, h: u16) -> Vec<u8> {
    let mut jpeg = camera(64, 48, &[]);
    let at = jpeg.windows(2).position(|m| m == [0xFF, 0xC0]).expect("SOF0") + 5;
    jpeg[at..at + 2].copy_from_slice(&h.to_be_bytes());
    jpeg[at + 2..at + 4].copy_from_slice(&w.to_be_bytes());
    jpeg
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A PNG made of a real (small) image whose IHDR is rewritten to claim `w` x `h`.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let zeros = vec![0u8; 1000 * 1000 * 3];
    let mut png = png_bytes(1000, 1000, png::ColorType::Rgb, png::BitDepth::Eight, &zeros, |_| {});
    png[16..20].copy_from_slice(&w.to_be_bytes());
    png[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

#[test]
fn huge_declared_dimensions_are_refused_from_the_header_alone() {
    let wide = png_claiming(100_000, 10);
    let (result, peak, took) = measured(|| process(&wide, &opts()));
    match result {
        Err(PhotoError::TooLarge { width: 100_000, height: 10, .. }) => {}
        other => panic!("{other:?}"),
    }
    assert!(peak < 64 * 1024, "allocated {peak} bytes");
    assert!(took < Duration::from_millis(50), "took {took:?}");

    // Within the JPEG format's 65535 but far over max_pixels.
    let big = jpeg_claiming(60_000, 40_000);
    let (result, peak, _) = measured(|| process(&big, &opts()));
    assert!(matches!(result, Err(PhotoError::TooLarge { width: 60_000, height: 40_000, .. })), "{result:?}");
    assert!(peak < 64 * 1024, "allocated {peak} bytes");
    let msg = result.unwrap_err().to_string();
    assert!(msg.contains("60000x40000"), "{msg}");
}

#[test]
fn png_decompression_bomb_is_refused() {
    // ~10 KB of file declaring 50000x50000 (7.5 GB of pixels).
    let bomb = png_claiming(50_000, 50_000);
    assert!(bomb.len() < 32 * 1024, "{} bytes", bomb.len());
    let (result, peak, took) = measured(|| process(&bomb, &opts()));
    assert!(matches!(result, Err(PhotoError::TooLarge { width: 50_000, height: 50_000, .. })), "{result:?}");
    assert!(peak < 64 * 1024 && took < Duration::from_millis(50), "{peak} bytes, {took:?}");

    // Within max_pixels and max_side, but over the decoder memory cap.
    let zeros = vec![0u8; 3000 * 3000];
    let flat = png_bytes(3000, 3000, png::ColorType::Grayscale, png::BitDepth::Eight, &zeros, |_| {});
    let tight = PhotoOptions { max_alloc_bytes: 4 * 1024 * 1024, ..opts() };
    let (result, peak, _) = measured(|| process(&flat, &tight));
    assert!(matches!(result, Err(PhotoError::TooLarge { .. })), "{result:?}");
    assert!(peak < 1024 * 1024, "refused before decoding: {peak} bytes");
    assert_eq!(ok(&flat).width, 1600, "fine with the default cap");
}

#[test]
fn decoder_memory_stays_bounded_for_a_camera_photo() {
    // 12 MP baseline JPEG: decoded at 1/2 scale, so well under the full 36 MB RGB raster.
    let input = camera(4000, 3000, &[]);
    let (result, peak, _) = measured(|| process(&input, &opts()));
    assert_eq!(result.expect("photo").width, 1600);
    assert!(peak < 32 * 1024 * 1024, "peak {} MiB", peak >> 20);
}

// ---------------------------------------------------------------------------------------
// Robustness.

#[test]
fn truncations_and_byte_flips_never_panic() {
    // `process` turns a panic deep in a decoder into an error; count them anyway, so this
    // test also proves the decoders themselves did not panic on these inputs.
    use std::sync::atomic::{AtomicUsize, Ordering};
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    let me = std::thread::current().id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == me {
            PANICS.fetch_add(1, Ordering::SeqCst);
        }
        previous(info);
    }));
    let exif = hue_gps(Tiff::new().short(Ifd::Primary, 0x0112, 6)).ascii(Ifd::Exif, 0x9003, "2025:03:14 09:26:53").app1();
    let (w, h) = (48u16, 32u16);
    let rgb = sample::camera_rgb(w.into(), h.into(), 5);
    let baseline = sample::encode_jpeg(&rgb, w, h, 85, &[&exif]);
    let progressive =
        sample::insert_segments(&encode_with(&rgb, w, h, jpeg_encoder::ColorType::Rgb, |e| e.set_progressive(true)), &[&exif]);
    let png = png_bytes(w.into(), h.into(), png::ColorType::Rgb, png::BitDepth::Eight, &rgb, |_| {});
    let default = opts();
    let small = PhotoOptions { max_long_edge: 16, ..opts() }; // exercises scaled decoding too
    let mut runs = 0;
    for input in [&baseline, &progressive, &png] {
        let mut try_one = |bytes: &[u8], o: &PhotoOptions| {
            if let Ok(p) = process(bytes, o) {
                assert!(p.width >= 1 && p.height >= 1 && !p.jpeg.is_empty());
            }
            let _ = read_hints(bytes);
            runs += 1;
        };
        for cut in 0..input.len() {
            try_one(&input[..cut], if cut % 2 == 0 { &default } else { &small });
        }
        let mut seed = 0x2545_F491u32;
        for i in 0..input.len() {
            let mut v = input.clone();
            v[i] ^= 0xFF;
            try_one(&v, &default);
            // And a random multi-byte corruption.
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let mut v = input.clone();
            for k in 0..4 {
                let at = (seed.rotate_left(k * 8) as usize) % v.len();
                v[at] = (seed >> k) as u8;
            }
            try_one(&v, &small);
        }
    }
    assert!(runs > 5_000, "{runs} inputs tried");
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "panics caught inside process");
}
