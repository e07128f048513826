//! Photo pipeline: a citizen's camera photo in, a small clean JPEG out.
//!
//! [`process`] runs, in this order:
//! 1. limits on the raw bytes, then on the dimensions read from the header alone (JPEG SOF /
//!    PNG IHDR) and on the memory the decode would need: nothing big is allocated before
//!    the photo is known to fit [`PhotoOptions`];
//! 2. EXIF: orientation and the hints (GPS position, time taken). Broken EXIF only costs
//!    the hints;
//! 3. decode: JPEG (baseline, progressive, any chroma subsampling, grey, CMYK/YCCK) is
//!    decoded directly at 1/2, 1/4 or 1/8 scale in the DCT domain when the result still
//!    covers the target size, which is most of the speed and memory win on 12 MP photos;
//!    PNG (any depth, palette, alpha composited on white);
//! 4. Lanczos3 resize (SIMD) to `max_long_edge` (never upscaling), then the EXIF orientation
//!    applied to the small image;
//! 5. baseline JPEG encode at `jpeg_quality` with no metadata at all: the output's only
//!    APPn segment is the JFIF APP0 header (no EXIF, XMP, ICC or comment).
//!
//! [`accept_as_is`] is the server's fast path for what the app already made: a JPEG that
//! fits `max_long_edge`, upright, 8-bit, checked whole (structure to EOI, every Huffman code
//! of a sequential file, a 1/8-scale decode of a progressive one) and kept byte for byte but
//! for its metadata segments, which it removes.
//!
//! Pure Rust: jpeg-decoder, png, fast_image_resize, jpeg-encoder, kamadak-exif. On one x86
//! core a 4000x3000 camera JPEG takes ~0.1 s and ~23 MiB of heap (`benches/photo.rs`;
//! `bench/photo_peers.sh` compares libvips and Pillow).

mod as_is;
mod container;
mod decode;
mod entropy;
mod exif;
mod transform;

#[doc(hidden)]
pub mod sample;

use std::panic::{AssertUnwindSafe, catch_unwind};

use sha2::{Digest, Sha256};

pub use as_is::{accept_as_is, accept_as_is_hashed};
use container::{Header, Kind};
use decode::Raster;

/// What the pipeline accepts and produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoOptions {
    /// Longest side of the output, in pixels (smaller photos are not upscaled).
    pub max_long_edge: u32,
    /// JPEG quality of the output, 1..=100.
    pub jpeg_quality: u8,
    /// Largest input accepted, in bytes.
    pub max_input_bytes: usize,
    /// Most pixels (width × height) an input may declare.
    pub max_pixels: u64,
    /// Longest side, in pixels, an input may declare.
    pub max_side: u32,
    /// Most bytes the decoder may need to hold at once (estimated from the header first,
    /// and enforced in the decoders).
    pub max_alloc_bytes: u64,
}

impl Default for PhotoOptions {
    fn default() -> Self {
        PhotoOptions {
            // Enough to read a street sign or judge a pothole, ~200-400 KB: cheap on 3G data.
            max_long_edge: 1600,
            // Clean for evidence photos at about a quarter of a camera's q92 size.
            jpeg_quality: 80,
            // Same cap as the app's file read: a 108 MP camera JPEG is about 30 MB.
            max_input_bytes: 40 * 1024 * 1024,
            // Covers the 108 MP sensors of mid-range phones; bigger is not a phone photo.
            max_pixels: 110_000_000,
            // Phone panoramas fit; longer is a stripe or a forged header.
            max_side: 32_768,
            // A 48 MP progressive JPEG needs ~150 MiB; more risks the app being killed on a 3 GB phone.
            max_alloc_bytes: 256 * 1024 * 1024,
        }
    }
}

/// A photo ready to store and upload.
#[derive(Clone, PartialEq)]
pub struct ProcessedPhoto {
    /// Baseline JFIF JPEG, no metadata.
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Lowercase hex SHA-256 of `jpeg`.
    pub sha256: String,
    /// What the original's EXIF said about place and time.
    pub hints: PhotoHints,
}

impl std::fmt::Debug for ProcessedPhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessedPhoto")
            .field("jpeg", &format_args!("[{} bytes]", self.jpeg.len()))
            .field("width", &self.width)
            .field("height", &self.height)
            .field("sha256", &self.sha256)
            .field("hints", &self.hints)
            .finish()
    }
}

/// Where and when the photo says it was taken. Hints only: the app confirms them.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct PhotoHints {
    pub location: Option<ExifLocation>,
    /// DateTimeOriginal in the offset the camera recorded (OffsetTimeOriginal). EXIF without
    /// an offset is read as UTC: the phone's zone at capture time is unknown, and guessing
    /// +07:00 would be wrong for every photo taken or set elsewhere.
    #[serde(with = "time::serde::rfc3339::option")]
    pub taken_at: Option<time::OffsetDateTime>,
}

/// A position from the photo's EXIF GPS tags (WGS 84 degrees).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExifLocation {
    pub lat: f64,
    pub lon: f64,
    /// GPSHPositioningError, in metres, when the camera recorded it.
    pub accuracy_m: Option<f64>,
}

/// Why a photo was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PhotoError {
    #[error("the photo is empty")]
    Empty,
    #[error("the photo is {bytes} bytes; at most {max} are accepted")]
    TooManyBytes { bytes: usize, max: usize },
    #[error("unsupported image format: send a JPEG or PNG (HEIC/HEIF must be converted to JPEG by the app)")]
    UnsupportedFormat,
    #[error(
        "the photo is too large to process: {width}x{height} pixels \
         (at most {max_pixels} pixels, {max_side} per side, within the decoder's memory limit)"
    )]
    TooLarge { width: u32, height: u32, max_pixels: u64, max_side: u32 },
    #[error("the photo is damaged or incomplete: {0}")]
    Corrupt(String),
}

/// A photo whose size is known to fit the options, and the size it will be made.
struct Admitted<'a> {
    header: Header<'a>,
    /// The long edge asked for, within JPEG's limits.
    target: u32,
    out_w: u32,
    out_h: u32,
    max_pixels: u64,
    max_side: u32,
}

impl Admitted<'_> {
    fn too_large(&self) -> impl Fn() -> PhotoError + use<> {
        let (width, height, max_pixels, max_side) = (self.header.width, self.header.height, self.max_pixels, self.max_side);
        move || PhotoError::TooLarge { width, height, max_pixels, max_side }
    }
}

/// The limits on the raw bytes, then on the dimensions from the header alone and on the
/// memory the full pipeline's decode would need.
fn admit<'a>(input: &'a [u8], opts: &PhotoOptions) -> Result<Admitted<'a>, PhotoError> {
    if input.is_empty() {
        return Err(PhotoError::Empty);
    }
    if input.len() > opts.max_input_bytes {
        return Err(PhotoError::TooManyBytes { bytes: input.len(), max: opts.max_input_bytes });
    }
    let header = container::parse(input)?;
    let (width, height) = (header.width, header.height);
    // JPEG's own limit is 65535 per side; 0 would mean no image.
    let target = opts.max_long_edge.clamp(1, u32::from(u16::MAX));
    let (out_w, out_h) = transform::fit(width, height, target);
    let admitted = Admitted { header, target, out_w, out_h, max_pixels: opts.max_pixels, max_side: opts.max_side };
    if width > opts.max_side || height > opts.max_side || u64::from(width) * u64::from(height) > opts.max_pixels {
        return Err(admitted.too_large()());
    }
    // The decode's working set, plus the resized and re-oriented copies.
    let after = u64::from(out_w) * u64::from(out_h) * 3 * 2;
    let working = match &admitted.header.kind {
        Kind::Jpeg(frame) => {
            let idct = if frame.is_lossless() { 8 } else { decode::jpeg_idct_size(width, height, target) };
            decode::jpeg_working_bytes(width, height, frame, idct)
        }
        Kind::Png(png) => decode::png_working_bytes(width, height, png),
    };
    if working.saturating_add(after) > opts.max_alloc_bytes {
        return Err(admitted.too_large()());
    }
    Ok(admitted)
}

/// Runs third-party decoding code fed untrusted bytes: a panic in it becomes an error for
/// this photo, not a crash.
fn guarded<T>(f: impl FnOnce() -> Result<T, PhotoError>) -> Result<T, PhotoError> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| PhotoError::Corrupt("the image data could not be decoded".to_owned()))?
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Runs a photo through the pipeline: limits, EXIF hints, decode, resize, orientation,
/// metadata-free JPEG. Never panics, whatever the bytes.
pub fn process(input: &[u8], opts: &PhotoOptions) -> Result<ProcessedPhoto, PhotoError> {
    let admitted = admit(input, opts)?;
    let (header, too_large) = (&admitted.header, admitted.too_large());
    let (width, height, target) = (header.width, header.height, admitted.target);
    let info = exif::read(header.exif);

    // Everything below is written not to panic; a panic in a decoder still becomes an error.
    let raster = guarded(|| {
        let raster = match &header.kind {
            Kind::Jpeg(frame) => decode::jpeg(input, frame, (width, height), target, opts.max_alloc_bytes, &too_large)?,
            Kind::Png(_) => decode::png(input, opts.max_alloc_bytes, &too_large)?,
        };
        let raster = transform::resize(raster, admitted.out_w, admitted.out_h)?;
        Ok(transform::orient(raster, info.orientation))
    })?;
    let jpeg = encode(&raster, opts.jpeg_quality)?;
    let sha256 = sha256_hex(&jpeg);
    Ok(ProcessedPhoto { jpeg, width: raster.width, height: raster.height, sha256, hints: info.hints })
}

/// The place and time a photo's EXIF records, without decoding it. Never fails: a file
/// without EXIF, or with broken EXIF, gives empty hints.
pub fn read_hints(input: &[u8]) -> PhotoHints {
    exif::read(container::exif_block(input)).hints
}

/// A JPEG's or PNG's size in pixels, read from its header alone.
pub fn dimensions(input: &[u8]) -> Result<(u32, u32), PhotoError> {
    container::parse(input).map(|h| (h.width, h.height))
}

/// Baseline JFIF JPEG with Huffman tables optimised for the image, nothing else: the encoder
/// writes SOI, APP0 JFIF, DQT, SOF0, DHT, SOS, EOI and is given no other segment.
fn encode(raster: &Raster, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let failed = |e: &dyn std::fmt::Display| PhotoError::Corrupt(format!("JPEG encoding failed: {e}"));
    let w = u16::try_from(raster.width).map_err(|e| failed(&e))?;
    let h = u16::try_from(raster.height).map_err(|e| failed(&e))?;
    let color = if raster.channels == 1 { jpeg_encoder::ColorType::Luma } else { jpeg_encoder::ColorType::Rgb };
    let mut out = Vec::with_capacity(raster.data.len() / 8);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.set_optimized_huffman_tables(true);
    encoder.encode(&raster.data, w, h, color).map_err(|e| failed(&e))?;
    Ok(out)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Accuracy assumed for a camera's EXIF position that does not state its own.
pub const EXIF_DEFAULT_ACCURACY_M: f64 = 50.0;

/// The fix a photo's EXIF GPS gives: its accuracy when the camera wrote one, else a cautious
/// default; taken when the photo was, else `now`.
pub fn photo_fix(hints: &PhotoHints, now: time::OffsetDateTime) -> Option<crate::model::GeoFix> {
    let loc = hints.location?;
    Some(crate::model::GeoFix {
        lat: loc.lat,
        lon: loc.lon,
        accuracy_m: loc.accuracy_m.unwrap_or(EXIF_DEFAULT_ACCURACY_M),
        source: crate::model::FixSource::PhotoExif,
        fixed_at: hints.taken_at.unwrap_or(now),
    })
}
