//! The server's fast path for photos the app already made (`photo::accept_as_is`): kept
//! byte for byte but for their metadata, which is removed whatever kind it is; anything the
//! full pipeline must redo (bigger, turned, CMYK, PNG) is left to it; broken files refused.

use civic_core::photo::sample::{self, Ifd, Tiff};
use civic_core::photo::{PhotoError, PhotoOptions, ProcessedPhoto, accept_as_is, accept_as_is_hashed, process};
use sha2::{Digest, Sha256};

use super::photo::{HUE_LAT, HUE_LON, camera, decode, encode_with, hue_gps, measured, segments};

fn opts() -> PhotoOptions {
    PhotoOptions::default()
}

/// A photo as the app sends it: a camera JPEG with EXIF, through the app's pipeline.
fn phone_photo() -> ProcessedPhoto {
    let exif = hue_gps(Tiff::new().short(Ifd::Primary, 0x0112, 1)).app1();
    process(&camera(2000, 1500, &[&exif]), &opts()).expect("the app's pipeline")
}

fn kept(input: &[u8]) -> ProcessedPhoto {
    match accept_as_is(input, &opts()) {
        Ok(Some(p)) => p,
        other => panic!("expected the photo kept as it is, got {other:?}"),
    }
}

/// A marker segment: FF, marker, length, payload.
fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&u16::try_from(payload.len() + 2).expect("short segment").to_be_bytes());
    s.extend_from_slice(payload);
    s
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Each kind of metadata a photo may carry, with a word that must not survive.
fn metadata() -> Vec<(&'static str, Vec<u8>, &'static [u8])> {
    let gps = hue_gps(Tiff::new().short(Ifd::Primary, 0x0112, 1)).ascii(Ifd::Primary, 0x010F, "EXIF-SECRET").app1();
    let xmp = [&b"http://ns.adobe.com/xap/1.0/\0"[..], b"<x:xmpmeta><exif:GPSLatitude>XMP-SECRET</exif:GPSLatitude></x:xmpmeta>"].concat();
    let icc = [&b"ICC_PROFILE\0\x01\x01"[..], b"\0\0\x02\x0cappl ICC-SECRET mntrRGB XYZ "].concat();
    let iptc = [&b"Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x10"[..], b"\x1c\x02\x78\0\x0bIPTC-SECRET"].concat();
    vec![
        ("EXIF with GPS (APP1)", gps, b"EXIF-SECRET"),
        ("XMP (APP1)", segment(0xE1, &xmp), b"XMP-SECRET"),
        ("ICC profile (APP2)", segment(0xE2, &icc), b"ICC-SECRET"),
        ("IPTC (APP13)", segment(0xED, &iptc), b"IPTC-SECRET"),
        ("vendor APP15", segment(0xEF, b"VENDOR-SECRET and more"), b"VENDOR-SECRET"),
        ("JFXX thumbnail (second APP0)", segment(0xE0, b"JFXX\0\x13JFXX-SECRET"), b"JFXX-SECRET"),
        ("comment (COM)", segment(0xFE, b"COMMENT-SECRET"), b"COMMENT-SECRET"),
    ]
}

#[test]
fn the_apps_own_output_is_kept_unchanged() {
    let phone = phone_photo();
    assert_eq!((phone.width, phone.height), (1600, 1200));
    let p = kept(&phone.jpeg);
    assert_eq!(p.jpeg, phone.jpeg, "nothing to strip: the same bytes");
    assert_eq!(p.sha256, phone.sha256);
    assert_eq!((p.width, p.height), (1600, 1200));
}

#[test]
fn each_kind_of_metadata_is_removed_and_the_image_data_kept() {
    let phone = phone_photo();
    let pixels = decode(&phone.jpeg);
    let mut all = Vec::new();
    for (what, seg, secret) in metadata() {
        let input = sample::insert_segments(&phone.jpeg, &[&seg]);
        assert!(contains(&input, secret), "{what}: fixture carries it");
        let p = kept(&input);
        assert!(!contains(&p.jpeg, secret), "{what} survived");
        // Everything else copied byte for byte: exactly the app's output again.
        assert_eq!(p.jpeg, phone.jpeg, "{what}");
        assert_eq!(p.sha256, format!("{:x}", Sha256::digest(&p.jpeg)), "{what}");
        assert_eq!(decode(&p.jpeg), pixels, "{what}: same pixels");
        all.push(seg);
    }
    // Trailing data after EOI.
    let mut trailing = phone.jpeg.clone();
    trailing.extend_from_slice(b"TRAILING-SECRET\xFF\xD8\xFF\xE1 a second file");
    assert_eq!(kept(&trailing).jpeg, phone.jpeg, "trailing data");
    // All at once, and around the tables too.
    let refs: Vec<&[u8]> = all.iter().map(Vec::as_slice).collect();
    let mut everything = sample::insert_segments(&phone.jpeg, &refs);
    let sos = everything.windows(2).position(|m| m == [0xFF, 0xDA]).expect("SOS");
    everything.splice(sos..sos, segment(0xFE, b"COMMENT-SECRET before the scan"));
    everything.extend_from_slice(b"TRAILING-SECRET");
    let p = kept(&everything);
    assert_eq!(p.jpeg, phone.jpeg);
    let location = p.hints.location.expect("the EXIF's GPS read as a hint before it went");
    assert!((location.lat - HUE_LAT).abs() < 1e-4 && (location.lon - HUE_LON).abs() < 1e-4);
}

#[test]
fn a_known_hash_names_the_photo_only_when_nothing_was_stripped() {
    let phone = phone_photo();
    let with_exif = sample::insert_segments(&phone.jpeg, &[&metadata()[0].1]);
    for (what, input) in [("nothing to strip", phone.jpeg.clone()), ("EXIF stripped", with_exif)] {
        let given = format!("{:x}", Sha256::digest(&input));
        let p = accept_as_is_hashed(&input, &given, &opts()).expect("not broken").expect("kept");
        assert_eq!(p.jpeg, phone.jpeg, "{what}");
        assert_eq!(p.sha256, format!("{:x}", Sha256::digest(&p.jpeg)), "{what}: named by what is kept");
    }
}

#[test]
fn adobe_colour_transform_is_kept() {
    let phone = phone_photo();
    let adobe = segment(0xEE, b"Adobe\0\x64\0\0\0\0\x01");
    let p = kept(&sample::insert_segments(&phone.jpeg, &[&adobe]));
    assert!(segments(&p.jpeg).iter().any(|(m, s)| *m == 0xEE && s.starts_with(b"Adobe")), "APP14 kept");
    assert_eq!(decode(&p.jpeg), decode(&phone.jpeg));
}

#[test]
fn a_turned_photo_goes_to_the_full_pipeline_and_comes_out_upright() {
    let phone = phone_photo();
    let turned = sample::insert_segments(&phone.jpeg, &[&Tiff::new().short(Ifd::Primary, 0x0112, 6).app1()]);
    assert!(accept_as_is(&turned, &opts()).expect("not broken").is_none());
    let p = process(&turned, &opts()).expect("full pipeline");
    assert_eq!((p.width, p.height), (1200, 1600), "rotated");
}

#[test]
fn what_the_app_would_not_have_made_goes_to_the_full_pipeline() {
    let none = |what: &str, input: &[u8]| {
        assert!(matches!(accept_as_is(input, &opts()), Ok(None)), "{what}");
        assert!(process(input, &opts()).is_ok(), "{what}: the full pipeline takes it");
    };
    none("a 2000x1500 camera photo", &camera(2000, 1500, &[]));
    let rgb = sample::camera_rgb(64, 48, 4);
    let cmyk: Vec<u8> = rgb.chunks(3).flat_map(|p| [p[0], p[1], p[2], 30]).collect();
    none("CMYK", &encode_with(&cmyk, 64, 48, jpeg_encoder::ColorType::Cmyk, |_| {}));
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, 64, 48);
        enc.set_color(png::ColorType::Rgb);
        let mut w = enc.write_header().expect("png");
        w.write_image_data(&rgb).expect("png");
    }
    none("PNG", &png);
    // Bytes between segments, which libjpeg tolerates.
    let phone = phone_photo();
    none("stray bytes", &sample::insert_segments(&phone.jpeg, &[b"\0\0junk"]));
    assert!(matches!(accept_as_is(b"<html>", &opts()), Ok(None)));
    assert!(matches!(process(b"<html>", &opts()), Err(PhotoError::UnsupportedFormat)));
}

#[test]
fn progressive_grey_and_restart_interval_jpegs_are_kept() {
    let (w, h) = (960u16, 640u16);
    let rgb = sample::camera_rgb(w.into(), h.into(), 9);
    let grey: Vec<u8> = rgb.chunks(3).map(|p| p[1]).collect();
    for (what, input) in [
        ("progressive", encode_with(&rgb, w, h, jpeg_encoder::ColorType::Rgb, |e| e.set_progressive(true))),
        ("restart markers", encode_with(&rgb, w, h, jpeg_encoder::ColorType::Rgb, |e| e.set_restart_interval(4))),
        ("grey", encode_with(&grey, w, h, jpeg_encoder::ColorType::Luma, |_| {})),
    ] {
        let with_com = sample::insert_segments(&input, &[&segment(0xFE, b"COMMENT-SECRET")]);
        let p = kept(&with_com);
        assert_eq!(p.jpeg, input, "{what}");
        assert_eq!((p.width, p.height), (960, 640), "{what}");
        assert_eq!(decode(&p.jpeg), decode(&input), "{what}");
    }
}

#[test]
fn broken_files_are_refused_never_kept() {
    let phone = phone_photo().jpeg;
    let corrupt = |what: &str, input: &[u8]| match accept_as_is(input, &opts()) {
        Err(PhotoError::Corrupt(msg)) => assert!(!msg.is_empty(), "{what}"),
        other => panic!("{what}: {other:?}"),
    };
    corrupt("scan cut in the middle", &phone[..phone.len() * 3 / 5]);
    corrupt("missing EOI", &phone[..phone.len() - 2]);
    let e = accept_as_is(&phone[..phone.len() / 2], &opts()).unwrap_err();
    assert!(e.to_string().contains("truncated"), "{e}");
    // A segment length too short to be one, one past the end of the file, and one that
    // runs into the scan (left to the full pipeline, which refuses it).
    let dqt = phone.windows(2).position(|m| m == [0xFF, 0xDB]).expect("DQT");
    let mut v = phone.clone();
    v[dqt + 2..dqt + 4].copy_from_slice(&1u16.to_be_bytes());
    corrupt("segment length 1", &v);
    corrupt("segment length past the end", &v[..dqt + 4].iter().copied().chain([0xFF, 0xC4, 0xFF, 0xFF, 0, 0]).collect::<Vec<_>>());
    v[dqt + 2..dqt + 4].copy_from_slice(&0xFFFFu16.to_be_bytes());
    assert!(matches!(accept_as_is(&v, &opts()), Ok(None) | Err(PhotoError::Corrupt(_))));
    assert!(process(&v, &opts()).is_err());
    // Two frame headers, before and after the scan.
    let sof: Vec<u8> = {
        let at = phone.windows(2).position(|m| m == [0xFF, 0xC0]).expect("SOF0");
        let len = usize::from(u16::from_be_bytes([phone[at + 2], phone[at + 3]]));
        phone[at..at + 2 + len].to_vec()
    };
    corrupt("second frame header", &sample::insert_segments(&phone, &[&sof]));
    let mut late = phone.clone();
    late.splice(late.len() - 2..late.len() - 2, sof.iter().copied());
    corrupt("frame header after the scan", &late);
    // Garbage in the entropy-coded data: a marker that cannot be there.
    let mut bad_marker = phone.clone();
    let mid = bad_marker.len() / 2;
    bad_marker[mid..mid + 2].copy_from_slice(&[0xFF, 0xD8]);
    corrupt("start of image inside the data", &bad_marker);
    // A frame claiming 65535 x 65535 (no side can say 100,000): refused from the header.
    let mut huge = phone.clone();
    let at = phone.windows(2).position(|m| m == [0xFF, 0xC0]).expect("SOF0") + 5;
    huge[at..at + 4].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    assert!(matches!(accept_as_is(&huge, &opts()), Err(PhotoError::TooLarge { width: 65535, .. })));
    // 30000 x 40: within the limits, but longer than the app makes: the full pipeline's.
    huge[at..at + 4].copy_from_slice(&[0x00, 0x28, 0x75, 0x30]);
    assert!(matches!(accept_as_is(&huge, &opts()), Ok(None)));
    assert!(matches!(accept_as_is(b"", &opts()), Ok(None)));
    let small = PhotoOptions { max_input_bytes: 1000, ..opts() };
    assert!(matches!(accept_as_is(&phone, &small), Err(PhotoError::TooManyBytes { .. })));
}

#[test]
fn truncations_and_byte_flips_never_panic_nor_keep_what_does_not_decode() {
    let (w, h) = (48u16, 32u16);
    let rgb = sample::camera_rgb(w.into(), h.into(), 5);
    let com = segment(0xFE, b"note");
    let inputs = [
        sample::encode_jpeg(&rgb, w, h, 85, &[&com]),
        sample::insert_segments(&encode_with(&rgb, w, h, jpeg_encoder::ColorType::Rgb, |e| e.set_progressive(true)), &[&com]),
        encode_with(&rgb, w, h, jpeg_encoder::ColorType::Rgb, |e| e.set_restart_interval(1)),
    ];
    let mut kept_count = 0;
    for input in &inputs {
        let mut try_one = |bytes: &[u8]| {
            if let Ok(Some(p)) = accept_as_is(bytes, &opts()) {
                let mut d = jpeg_decoder::Decoder::new(&p.jpeg[..]);
                assert!(d.decode().is_ok(), "kept a JPEG that does not decode");
                assert!(!contains(&p.jpeg, b"note"));
                kept_count += 1;
            }
        };
        for cut in 0..input.len() {
            try_one(&input[..cut]);
        }
        for i in 0..input.len() {
            let mut v = input.clone();
            v[i] ^= 0xFF;
            try_one(&v);
        }
    }
    assert!(kept_count > 100, "flips in the entropy data still decode: {kept_count}");
}

#[test]
fn memory_is_the_copy_and_a_small_decode() {
    // 4 MB of metadata in 64 KB segments around the app's 1600x1200 output.
    let phone = phone_photo().jpeg;
    let filler = segment(0xEF, &vec![0x55; 65_000]);
    let refs: Vec<&[u8]> = std::iter::repeat_n(filler.as_slice(), 64).collect();
    let input = sample::insert_segments(&phone, &refs);
    let (result, peak, _) = measured(|| accept_as_is(&input, &opts()));
    assert_eq!(result.expect("ok").expect("kept").jpeg, phone);
    // The output buffer is sized for the input; the 1/8 decode needs little.
    assert!(peak < input.len() + 2 * 1024 * 1024, "peak {} KiB for {} KiB in", peak >> 10, input.len() >> 10);
}
