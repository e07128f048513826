//! Decoding JPEG (scaled in the DCT domain) and PNG into an 8-bit grey or RGB raster.

use std::io::ErrorKind;

use super::PhotoError;
use super::container::{JpegFrame, PngHeader};

/// Decoded pixels: `channels` is 1 (grey) or 3 (RGB), rows packed, no padding.
pub(crate) struct Raster {
    pub width: u32,
    pub height: u32,
    pub channels: u8,
    pub data: Vec<u8>,
}

impl Raster {
    pub fn new(width: u32, height: u32, channels: u8, data: Vec<u8>) -> Result<Raster, PhotoError> {
        let expected = u64::from(width) * u64::from(height) * u64::from(channels);
        if data.len() as u64 != expected || width == 0 || height == 0 {
            return Err(PhotoError::Corrupt(format!("the decoder returned {} bytes for {width}x{height}x{channels}", data.len())));
        }
        Ok(Raster { width, height, channels, data })
    }
}

/// The DCT scale (1, 2, 4 or 8 → 1/8 .. 8/8) jpeg-decoder will pick for a long edge of
/// at least `target`: the smallest whose result is still ≥ the target, so only the final
/// resize has to filter. Mirrors `jpeg_decoder::idct::choose_idct_size`.
pub(crate) fn jpeg_idct_size(width: u32, height: u32, target: u32) -> u32 {
    let long = u64::from(width.max(height));
    [1u32, 2, 4].into_iter().find(|&s| (long * u64::from(s)).div_ceil(8) >= u64::from(target)).unwrap_or(8)
}

/// Bytes jpeg-decoder allocates for this frame at this DCT scale: the coefficient store of a
/// progressive image (full size, 2 bytes per coefficient), the component planes at the
/// decoded size, and the interleaved output.
pub(crate) fn jpeg_working_bytes(width: u32, height: u32, frame: &JpegFrame, idct: u32) -> u64 {
    let hmax = u64::from(frame.sampling.iter().map(|s| s.0).max().unwrap_or(1));
    let vmax = u64::from(frame.sampling.iter().map(|s| s.1).max().unwrap_or(1));
    let mcus_x = u64::from(width).div_ceil(8 * hmax);
    let mcus_y = u64::from(height).div_ceil(8 * vmax);
    let blocks: u64 = frame.sampling.iter().map(|&(h, v)| mcus_x * u64::from(h) * mcus_y * u64::from(v)).sum();
    let coefficients = if frame.is_progressive() { blocks * 64 * 2 } else { 0 };
    let idct = u64::from(idct);
    let (ow, oh) = ((u64::from(width) * idct).div_ceil(8), (u64::from(height) * idct).div_ceil(8));
    let channels = frame.sampling.len() as u64;
    if frame.is_lossless() {
        // 16-bit planes and, above 8 bits, 16-bit output.
        let pixels = u64::from(width) * u64::from(height) * channels;
        return pixels * 2 + pixels * 2;
    }
    let planes = blocks * idct * idct;
    // CMYK is converted to RGB in a second buffer.
    let output = ow * oh * channels + if channels == 4 { ow * oh * 3 } else { 0 };
    coefficients + planes + output
}

fn jpeg_error(e: jpeg_decoder::Error, too_large: &dyn Fn() -> PhotoError) -> PhotoError {
    match e {
        jpeg_decoder::Error::Format(s) if s.contains("exceeds maximum") => too_large(),
        jpeg_decoder::Error::Format(s) => PhotoError::Corrupt(s),
        jpeg_decoder::Error::Unsupported(_) => PhotoError::UnsupportedFormat,
        jpeg_decoder::Error::Io(e) if e.kind() == ErrorKind::UnexpectedEof => PhotoError::Corrupt("the file is truncated".to_owned()),
        other => PhotoError::Corrupt(other.to_string()),
    }
}

/// Decodes a JPEG, scaled by 1/2, 1/4 or 1/8 in the DCT domain when its long edge stays
/// ≥ `target_long`. CMYK/YCCK is converted to RGB (Adobe files store CMYK inverted).
pub(crate) fn jpeg(
    input: &[u8],
    frame: &JpegFrame,
    (width, height): (u32, u32),
    target_long: u32,
    max_alloc: u64,
    too_large: &dyn Fn() -> PhotoError,
) -> Result<Raster, PhotoError> {
    let err = |e| jpeg_error(e, too_large);
    let mut decoder = jpeg_decoder::Decoder::new(input);
    decoder.set_max_decoding_buffer_size(usize::try_from(max_alloc).unwrap_or(usize::MAX));
    if frame.is_lossless() {
        decoder.read_info().map_err(err)?;
    } else {
        let t = u16::try_from(target_long).unwrap_or(u16::MAX).max(1);
        // Ask on the long axis only; the other axis follows the aspect ratio.
        let (rw, rh) = if width >= height { (t, u16::MAX) } else { (u16::MAX, t) };
        decoder.scale(rw, rh).map_err(err)?;
    }
    let info = decoder.info().ok_or_else(|| PhotoError::Corrupt("no frame header".to_owned()))?;
    let data = decoder.decode().map_err(err)?;
    drop(decoder);
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    use jpeg_decoder::PixelFormat;
    match info.pixel_format {
        PixelFormat::L8 => Raster::new(w, h, 1, data),
        PixelFormat::RGB24 => Raster::new(w, h, 3, data),
        PixelFormat::L16 => {
            // Lossless JPEG with more than 8 bits: keep the top 8.
            let shift = u32::from(frame.precision.saturating_sub(8)).min(8);
            let grey = data
                .chunks_exact(2)
                .map(|p| <[u8; 2]>::try_from(p).map_or(0, |p| (u16::from_ne_bytes(p) >> shift).min(255) as u8))
                .collect();
            Raster::new(w, h, 1, grey)
        }
        PixelFormat::CMYK32 => {
            // jpeg-decoder hands back 255 - stored. With an Adobe segment the stored samples
            // are inverted (Photoshop's convention), so that is the ink amount; without one
            // the stored samples are ink amounts and it hands back the light (as Pillow and
            // libvips read these files).
            let inverted = frame.adobe_transform.is_some();
            let rgb = data
                .chunks_exact(4)
                .flat_map(|p| {
                    let [c, m, y, k] = <[u8; 4]>::try_from(p).unwrap_or([0; 4]);
                    // How much light each ink lets through (255 = no ink).
                    let clear = |ink: u8| if inverted { 255 - ink } else { ink };
                    let white = u16::from(clear(k));
                    let mix = |ink: u8| ((u16::from(clear(ink)) * white + 127) / 255) as u8;
                    [mix(c), mix(m), mix(y)]
                })
                .collect();
            drop(data);
            Raster::new(w, h, 3, rgb)
        }
    }
}

/// Bytes the PNG decode holds: the 8-bit expanded frame (at most 4 bytes per pixel),
/// then converted in place.
pub(crate) fn png_working_bytes(width: u32, height: u32, header: &PngHeader) -> u64 {
    let per_pixel: u64 = match header.color_type {
        0 | 4 => 2, // grey (+ tRNS or alpha)
        _ => 4,     // RGB, palette (+ tRNS), RGBA
    };
    u64::from(width) * u64::from(height) * per_pixel
}

fn png_error(e: png::DecodingError, too_large: &dyn Fn() -> PhotoError) -> PhotoError {
    match e {
        png::DecodingError::LimitsExceeded => too_large(),
        png::DecodingError::IoError(e) if e.kind() == ErrorKind::UnexpectedEof => PhotoError::Corrupt("the file is truncated".to_owned()),
        other => PhotoError::Corrupt(other.to_string()),
    }
}

/// Alpha-composites `v` over white.
fn over_white(v: u8, a: u8) -> u8 {
    let (v, a) = (u32::from(v), u32::from(a));
    ((v * a + 255 * (255 - a) + 127) / 255) as u8
}

/// Decodes a PNG (any bit depth, palette, transparency) to 8-bit grey or RGB, with
/// transparent pixels composited on white.
pub(crate) fn png(input: &[u8], max_alloc: u64, too_large: &dyn Fn() -> PhotoError) -> Result<Raster, PhotoError> {
    let err = |e| png_error(e, too_large);
    let limits = png::Limits { bytes: usize::try_from(max_alloc).unwrap_or(usize::MAX) };
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(input), limits);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    let mut reader = decoder.read_info().map_err(err)?;
    let size = reader.output_buffer_size().ok_or_else(too_large)?;
    if size as u64 > max_alloc {
        return Err(too_large());
    }
    let mut buf = Vec::new();
    buf.try_reserve_exact(size).map_err(|_| too_large())?;
    buf.resize(size, 0);
    let frame = reader.next_frame(&mut buf).map_err(err)?;
    drop(reader);
    buf.truncate(frame.buffer_size());
    let (w, h) = (frame.width, frame.height);
    if frame.bit_depth != png::BitDepth::Eight {
        return Err(PhotoError::Corrupt("unexpected PNG bit depth after expansion".to_owned()));
    }
    // Convert in place: each output pixel is no wider than its input pixel, so writing
    // position never overtakes reading position.
    let (in_bpp, out_bpp, channels) = match frame.color_type {
        png::ColorType::Grayscale => return Raster::new(w, h, 1, buf),
        png::ColorType::Rgb => return Raster::new(w, h, 3, buf),
        png::ColorType::GrayscaleAlpha => (2, 1, 1u8),
        png::ColorType::Rgba => (4, 3, 3u8),
        png::ColorType::Indexed => return Err(PhotoError::Corrupt("palette not expanded".to_owned())),
    };
    let pixels = buf.len() / in_bpp;
    for i in 0..pixels {
        let (src, dst) = (i * in_bpp, i * out_bpp);
        let Some(px) = buf.get(src..src + in_bpp) else { break };
        let a = px.last().copied().unwrap_or(255);
        let mut out = [0u8; 3];
        for (o, &v) in out.iter_mut().zip(px.iter().take(out_bpp)) {
            *o = over_white(v, a);
        }
        if let Some(d) = buf.get_mut(dst..dst + out_bpp) {
            d.iter_mut().zip(out).for_each(|(d, o)| *d = o);
        }
    }
    buf.truncate(pixels * out_bpp);
    Raster::new(w, h, channels, buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idct_size_keeps_long_edge_at_least_target() {
        assert_eq!(jpeg_idct_size(4000, 3000, 1600), 4); // 2000 px
        assert_eq!(jpeg_idct_size(3200, 2400, 1600), 4); // exactly 1600
        assert_eq!(jpeg_idct_size(12000, 9000, 1600), 2); // 3000 px
        assert_eq!(jpeg_idct_size(1600, 1200, 1600), 8);
        assert_eq!(jpeg_idct_size(20000, 100, 1600), 1); // 2500 px
    }

    #[test]
    fn white_compositing() {
        assert_eq!(over_white(0, 0), 255);
        assert_eq!(over_white(0, 255), 0);
        assert_eq!(over_white(100, 128), 177);
    }
}
