//! Resizing (SIMD Lanczos3) and EXIF orientation on decoded rasters.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use super::PhotoError;
use super::decode::Raster;

/// The size whose long edge is `min(long edge, max_long)`, aspect kept (never upscales).
pub(crate) fn fit(width: u32, height: u32, max_long: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max_long {
        return (width, height);
    }
    let scale = |side: u32| -> u32 {
        let v = (u64::from(side) * u64::from(max_long) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(v).unwrap_or(u32::MAX).max(1)
    };
    if width >= height { (max_long, scale(height)) } else { (scale(width), max_long) }
}

/// Resizes to exactly `width` x `height` with Lanczos3 (a no-op when already that size).
pub(crate) fn resize(src: Raster, width: u32, height: u32) -> Result<Raster, PhotoError> {
    if (src.width, src.height) == (width, height) {
        return Ok(src);
    }
    let pixel_type = if src.channels == 1 { PixelType::U8 } else { PixelType::U8x3 };
    let internal = |e: &dyn std::fmt::Display| PhotoError::Corrupt(format!("resize failed: {e}"));
    let from = ImageRef::new(src.width, src.height, &src.data, pixel_type).map_err(|e| internal(&e))?;
    let mut to = Image::new(width, height, pixel_type);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new().resize(&from, &mut to, &options).map_err(|e| internal(&e))?;
    let channels = src.channels;
    drop(src);
    Raster::new(width, height, channels, to.into_vec())
}

/// Applies EXIF orientation `o` (1..=8) so the raster reads upright.
pub(crate) fn orient(src: Raster, o: u8) -> Raster {
    let (w, h, c) = (src.width as usize, src.height as usize, usize::from(src.channels));
    if !(2..=8).contains(&o) || w == 0 || h == 0 || c == 0 {
        return src;
    }
    let (w, h, c) = (src.width as usize, src.height as usize, usize::from(src.channels));
    let swap = o >= 5;
    let (dw, dh) = if swap { (h, w) } else { (w, h) };
    let mut out = vec![0u8; src.data.len()];
    // For every source pixel (x, y), where it lands in the upright image.
    let place = |x: usize, y: usize| -> (usize, usize) {
        match o {
            2 => (w - 1 - x, y),         // mirrored horizontally
            3 => (w - 1 - x, h - 1 - y), // rotated 180°
            4 => (x, h - 1 - y),         // mirrored vertically
            5 => (y, x),                 // transposed
            6 => (h - 1 - y, x),         // needs 90° clockwise
            7 => (h - 1 - y, w - 1 - x), // transversed
            _ => (y, w - 1 - x),         // 8: needs 90° counter-clockwise
        }
    };
    for (y, row) in src.data.chunks_exact(w * c).enumerate() {
        for (x, px) in row.chunks_exact(c).enumerate() {
            let (dx, dy) = place(x, y);
            let at = (dy * dw + dx) * c;
            if let Some(d) = out.get_mut(at..at + c) {
                d.copy_from_slice(px);
            }
        }
    }
    Raster { width: dw as u32, height: dh as u32, channels: src.channels, data: out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_aspect_and_never_upscales() {
        assert_eq!(fit(4000, 3000, 1600), (1600, 1200));
        assert_eq!(fit(3000, 4000, 1600), (1200, 1600));
        assert_eq!(fit(800, 600, 1600), (800, 600));
        assert_eq!(fit(100_000, 10, 1600), (1600, 1));
    }

    #[test]
    fn orientations_move_the_corner() {
        // 3x2 grey raster, value = index; top-left is 0.
        let r = || Raster { width: 3, height: 2, channels: 1, data: vec![0, 1, 2, 3, 4, 5] };
        let upright = |o| orient(r(), o).data;
        assert_eq!(upright(2), vec![2, 1, 0, 5, 4, 3]);
        assert_eq!(upright(3), vec![5, 4, 3, 2, 1, 0]);
        assert_eq!(upright(4), vec![3, 4, 5, 0, 1, 2]);
        assert_eq!(upright(5), vec![0, 3, 1, 4, 2, 5]);
        assert_eq!(upright(6), vec![3, 0, 4, 1, 5, 2]);
        assert_eq!(upright(7), vec![5, 2, 4, 1, 3, 0]);
        assert_eq!(upright(8), vec![2, 5, 1, 4, 0, 3]);
    }
}
