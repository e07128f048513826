//! Generated camera-like photos and hand-built EXIF, for tests, benchmarks and the example.
//! Not part of the API the apps use.

/// A camera-like RGB raster: smooth sky, a textured street with edges (kerbs, walls,
/// windows), sensor noise; compresses like a phone photo (a 4000x3000 one is ~4 MB at q92).
pub fn camera_rgb(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let (w, h) = (width as usize, height as usize);
    let mut out = vec![0u8; w * h * 3];
    let mut s = seed.wrapping_mul(0x9E37_79B9) | 1;
    let horizon = h * 2 / 5;
    // Separable low-frequency light, integer maths per pixel: cheap even in debug builds.
    let col: Vec<i32> = (0..w).map(|x| (30.0 * (x as f32 / w.max(1) as f32 * 6.3).sin()) as i32).collect();
    let row: Vec<i32> = (0..h).map(|y| (32.0 * (y as f32 / h.max(1) as f32 * 4.1).cos()) as i32).collect();
    for ((y, ry), line) in row.iter().enumerate().zip(out.chunks_exact_mut(w * 3)) {
        let sky = y < horizon;
        for ((x, cx), px) in col.iter().enumerate().zip(line.chunks_exact_mut(3)) {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            let light = cx * ry / 32;
            let (base, noise) = if sky {
                ([135 + light, 170 + light, 215], 5)
            } else {
                // Street: walls and windows every few dozen pixels, asphalt texture.
                let wall = ((x / 97) + (y / 61)) % 4 == 0;
                let window = (x % 53 < 20) && (y % 41 < 14) && y < horizon + h / 5;
                let v = if window {
                    60
                } else if wall {
                    170
                } else {
                    105
                };
                ([v + light, v * 19 / 20 + light, v * 17 / 20], 25)
            };
            for (k, (o, c)) in px.iter_mut().zip(base).enumerate() {
                let n = ((s >> (k * 8)) % noise) as i32 - (noise / 2) as i32;
                *o = (c + n).clamp(0, 255) as u8;
            }
        }
    }
    out
}

/// A 4000x3000-style camera JPEG: q92, 4:2:0, with an EXIF block like a phone's
/// (orientation 1, GPS at Huế citadel, DateTimeOriginal +07:00).
pub fn camera_jpeg(width: u16, height: u16) -> Vec<u8> {
    let exif = Tiff::new()
        .short(Ifd::Primary, 0x0112, 1)
        .ascii(Ifd::Exif, 0x9003, "2025:03:14 09:26:53")
        .ascii(Ifd::Exif, 0x9011, "+07:00")
        .ascii(Ifd::Gps, 0x0001, "N")
        .rationals(Ifd::Gps, 0x0002, &[(16, 1), (28, 1), (1128, 100)])
        .ascii(Ifd::Gps, 0x0003, "E")
        .rationals(Ifd::Gps, 0x0004, &[(107, 1), (34, 1), (4296, 100)])
        .app1();
    let rgb = camera_rgb(u32::from(width), u32::from(height), 7);
    encode_jpeg(&rgb, width, height, 92, &[&exif])
}

/// Encodes RGB as a baseline 4:2:0 JPEG with the given raw APPn segments (marker included,
/// e.g. the output of [`Tiff::app1`]) right after the JFIF header.
pub fn encode_jpeg(rgb: &[u8], width: u16, height: u16, quality: u8, segments: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    if enc.encode(rgb, width, height, jpeg_encoder::ColorType::Rgb).is_err() {
        return Vec::new();
    }
    insert_segments(&out, segments)
}

/// Inserts raw marker segments after SOI and the APP0 JFIF header.
pub fn insert_segments(jpeg: &[u8], segments: &[&[u8]]) -> Vec<u8> {
    let after_app0 = match (jpeg.get(2..4), jpeg.get(4..6)) {
        (Some([0xFF, 0xE0]), Some(&[a, b])) => 4 + usize::from(u16::from_be_bytes([a, b])),
        _ => 2,
    };
    let (head, tail) = jpeg.split_at(after_app0.min(jpeg.len()));
    let mut out = Vec::with_capacity(jpeg.len() + segments.iter().map(|s| s.len()).sum::<usize>());
    out.extend_from_slice(head);
    for s in segments {
        out.extend_from_slice(s);
    }
    out.extend_from_slice(tail);
    out
}

/// Which IFD an EXIF entry goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ifd {
    Primary,
    Exif,
    Gps,
}

#[derive(Debug, Clone)]
struct Entry {
    ifd: Ifd,
    tag: u16,
    kind: u16,
    count: u32,
    bytes: Vec<u8>,
}

/// A little-endian TIFF/EXIF structure built by hand: IFD0, with pointers to an Exif IFD and
/// a GPS IFD when they have entries.
#[derive(Debug, Clone, Default)]
pub struct Tiff {
    entries: Vec<Entry>,
}

impl Tiff {
    pub fn new() -> Tiff {
        Tiff::default()
    }

    fn push(mut self, ifd: Ifd, tag: u16, kind: u16, count: u32, bytes: Vec<u8>) -> Tiff {
        self.entries.push(Entry { ifd, tag, kind, count, bytes });
        self
    }

    pub fn short(self, ifd: Ifd, tag: u16, v: u16) -> Tiff {
        self.push(ifd, tag, 3, 1, v.to_le_bytes().to_vec())
    }

    pub fn ascii(self, ifd: Ifd, tag: u16, s: &str) -> Tiff {
        let mut b = s.as_bytes().to_vec();
        b.push(0);
        let n = b.len() as u32;
        self.push(ifd, tag, 2, n, b)
    }

    pub fn rationals(self, ifd: Ifd, tag: u16, v: &[(u32, u32)]) -> Tiff {
        let b = v.iter().flat_map(|(n, d)| n.to_le_bytes().into_iter().chain(d.to_le_bytes())).collect();
        self.push(ifd, tag, 5, v.len() as u32, b)
    }

    /// The TIFF bytes ("II*\0" ...).
    pub fn build(&self) -> Vec<u8> {
        let of = |ifd| {
            let mut e: Vec<&Entry> = self.entries.iter().filter(|e| e.ifd == ifd).collect();
            e.sort_by_key(|e| e.tag);
            e
        };
        let (primary, exif, gps) = (of(Ifd::Primary), of(Ifd::Exif), of(Ifd::Gps));
        // Sizes: IFD = 2 + 12n + 4, values over 4 bytes go after all IFDs.
        let ifd_len = |n: usize| 2 + 12 * n + 4;
        let n0 = primary.len() + usize::from(!exif.is_empty()) + usize::from(!gps.is_empty());
        let off0 = 8;
        let off_exif = off0 + ifd_len(n0);
        let off_gps = off_exif + if exif.is_empty() { 0 } else { ifd_len(exif.len()) };
        let mut data_at = off_gps + if gps.is_empty() { 0 } else { ifd_len(gps.len()) };
        let mut out = b"II*\0".to_vec();
        out.extend_from_slice(&(off0 as u32).to_le_bytes());
        let mut tail = Vec::new();
        let mut write_ifd = |out: &mut Vec<u8>, entries: Vec<Entry>| {
            out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
            for e in entries {
                out.extend_from_slice(&e.tag.to_le_bytes());
                out.extend_from_slice(&e.kind.to_le_bytes());
                out.extend_from_slice(&e.count.to_le_bytes());
                if e.bytes.len() <= 4 {
                    let mut v = e.bytes.clone();
                    v.resize(4, 0);
                    out.extend_from_slice(&v);
                } else {
                    out.extend_from_slice(&(data_at as u32).to_le_bytes());
                    tail.extend_from_slice(&e.bytes);
                    if e.bytes.len() % 2 == 1 {
                        tail.push(0);
                    }
                    data_at += e.bytes.len().div_ceil(2) * 2;
                }
            }
            out.extend_from_slice(&0u32.to_le_bytes());
        };
        let mut ifd0: Vec<Entry> = primary.into_iter().cloned().collect();
        let pointer = |tag, off: usize| Entry { ifd: Ifd::Primary, tag, kind: 4, count: 1, bytes: (off as u32).to_le_bytes().to_vec() };
        if !exif.is_empty() {
            ifd0.push(pointer(0x8769, off_exif));
        }
        if !gps.is_empty() {
            ifd0.push(pointer(0x8825, off_gps));
        }
        ifd0.sort_by_key(|e| e.tag);
        write_ifd(&mut out, ifd0);
        if !exif.is_empty() {
            write_ifd(&mut out, exif.into_iter().cloned().collect());
        }
        if !gps.is_empty() {
            write_ifd(&mut out, gps.into_iter().cloned().collect());
        }
        out.extend_from_slice(&tail);
        out
    }

    /// A complete JPEG APP1 segment: FF E1, length, "Exif\0\0", TIFF.
    pub fn app1(&self) -> Vec<u8> {
        app1(&self.build())
    }
}

/// Wraps TIFF bytes (possibly broken on purpose) in a JPEG APP1 "Exif" segment.
pub fn app1(tiff: &[u8]) -> Vec<u8> {
    let len = (2 + 6 + tiff.len()).min(usize::from(u16::MAX)) as u16;
    let mut out = vec![0xFF, 0xE1];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(tiff.get(..usize::from(len) - 8).unwrap_or(tiff));
    out
}
