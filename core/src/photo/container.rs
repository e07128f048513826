//! Reading a file's header without decoding it: which format, how big, where the EXIF is.
//!
//! Everything here works on the borrowed input with checked slicing only, so any byte string
//! is safe to feed it; it allocates nothing proportional to the image.

use super::PhotoError;

const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// What the header of a JPEG or PNG says, before any pixel is decoded.
#[derive(Debug, Clone)]
pub(crate) struct Header<'a> {
    pub width: u32,
    pub height: u32,
    /// The TIFF structure of the EXIF block (after JPEG's "Exif\0\0", or a PNG eXIf chunk).
    pub exif: Option<&'a [u8]>,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Jpeg(JpegFrame),
    Png(PngHeader),
}

/// A JPEG frame header (SOFn) and the markers that change how its samples read.
#[derive(Debug, Clone)]
pub(crate) struct JpegFrame {
    /// SOF marker number (0 baseline, 1 extended, 2 progressive, 3 lossless, ...).
    pub sof: u8,
    pub precision: u8,
    /// (horizontal, vertical) sampling factors of each component.
    pub sampling: Vec<(u8, u8)>,
    /// Adobe APP14 colour transform byte, if an Adobe segment is present
    /// (its presence means CMYK samples are stored inverted).
    pub adobe_transform: Option<u8>,
}

impl JpegFrame {
    pub fn is_progressive(&self) -> bool {
        matches!(self.sof, 2 | 6 | 10 | 14)
    }
    pub fn is_lossless(&self) -> bool {
        matches!(self.sof, 3 | 7 | 11 | 15)
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct PngHeader {
    pub color_type: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Jpeg,
    Png,
}

/// The format by magic bytes. A prefix of a known signature counts as that format
/// (so a cut-off upload reads as damaged, not as "unsupported").
pub(crate) fn sniff(input: &[u8]) -> Option<Format> {
    if input.starts_with(&[0xFF, 0xD8]) || input == [0xFF] {
        Some(Format::Jpeg)
    } else if input.starts_with(PNG_SIGNATURE) || (!input.is_empty() && PNG_SIGNATURE.starts_with(input)) {
        Some(Format::Png)
    } else {
        None
    }
}

fn corrupt(what: &str) -> PhotoError {
    PhotoError::Corrupt(what.to_owned())
}

fn truncated() -> PhotoError {
    corrupt("the file is truncated")
}

pub(crate) fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([*s.first()?, *s.get(1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    let a: [u8; 4] = s.try_into().ok()?;
    Some(u32::from_be_bytes(a))
}

/// Parses the header of a JPEG or PNG. Errors: `UnsupportedFormat`, `Corrupt`.
pub(crate) fn parse(input: &[u8]) -> Result<Header<'_>, PhotoError> {
    match sniff(input) {
        Some(Format::Jpeg) => parse_jpeg(input),
        Some(Format::Png) => parse_png(input),
        None => Err(PhotoError::UnsupportedFormat),
    }
}

/// Only the EXIF block, as far as the header can be read (never fails).
pub(crate) fn exif_block(input: &[u8]) -> Option<&[u8]> {
    match sniff(input)? {
        Format::Jpeg => {
            let mut exif = None;
            // A broken frame header must not hide an EXIF block read before it.
            let _ = walk_jpeg(input, &mut |marker, seg| {
                if marker == 0xE1 && exif.is_none() {
                    exif = exif_payload(seg);
                }
                Ok(marker != 0xDA)
            });
            exif
        }
        Format::Png => {
            let mut exif = None;
            let _ = walk_png(input, &mut |ty, data| {
                if &ty == b"eXIf" && exif.is_none() {
                    exif = Some(data);
                }
                Ok(&ty != b"IEND")
            });
            exif
        }
    }
}

fn exif_payload(seg: &[u8]) -> Option<&[u8]> {
    // "Exif\0\0" is the standard; a few writers put "Exif\0\xFF".
    if seg.len() > 6 && seg.starts_with(b"Exif\0") { seg.get(6..) } else { None }
}

/// Calls `f(marker, segment payload)` for each marker segment from SOI up to and including
/// the first SOS; `f` returns whether to go on.
fn walk_jpeg<'a>(input: &'a [u8], f: &mut dyn FnMut(u8, &'a [u8]) -> Result<bool, PhotoError>) -> Result<(), PhotoError> {
    if input.len() < 4 {
        return Err(truncated());
    }
    let mut pos = 2;
    loop {
        // Markers may be preceded by fill bytes (0xFF); stray bytes between segments are
        // tolerated, as libjpeg does.
        let mut marker;
        loop {
            let b = *input.get(pos).ok_or_else(truncated)?;
            pos += 1;
            if b != 0xFF {
                continue;
            }
            marker = *input.get(pos).ok_or_else(truncated)?;
            while marker == 0xFF {
                pos += 1;
                marker = *input.get(pos).ok_or_else(truncated)?;
            }
            pos += 1;
            if marker != 0x00 {
                break;
            }
        }
        match marker {
            0xD8 => return Err(corrupt("a second start-of-image marker")),
            0xD9 => return Err(corrupt("the image ends before its frame")),
            0x01 | 0xD0..=0xD7 => continue, // standalone markers
            _ => {}
        }
        let len = usize::from(be16(input, pos).ok_or_else(truncated)?);
        if len < 2 {
            return Err(corrupt("a marker segment has an invalid length"));
        }
        let seg = input.get(pos + 2..pos + len).ok_or_else(truncated)?;
        if !f(marker, seg)? {
            return Ok(());
        }
        if marker == 0xDA {
            return Ok(());
        }
        pos += len;
    }
}

fn parse_jpeg(input: &[u8]) -> Result<Header<'_>, PhotoError> {
    let mut exif = None;
    let mut adobe = None;
    let mut frame: Option<(u32, u32, JpegFrame)> = None;
    walk_jpeg(input, &mut |marker, seg| {
        match marker {
            0xE1 if exif.is_none() => exif = exif_payload(seg),
            0xEE if seg.starts_with(b"Adobe") => adobe = Some(seg.get(11).copied().unwrap_or(0)),
            // SOFn (not DHT C4, JPG C8, DAC CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if frame.is_some() {
                    return Err(corrupt("more than one frame header"));
                }
                frame = Some(parse_sof(marker - 0xC0, seg)?);
            }
            0xDA if frame.is_none() => return Err(corrupt("image data before the frame header")),
            _ => {}
        }
        Ok(true)
    })?;
    let (width, height, mut frame) = frame.ok_or_else(|| corrupt("no frame header"))?;
    frame.adobe_transform = adobe;
    Ok(Header { width, height, exif, kind: Kind::Jpeg(frame) })
}

fn parse_sof(sof: u8, seg: &[u8]) -> Result<(u32, u32, JpegFrame), PhotoError> {
    let bad = || corrupt("invalid frame header");
    let precision = *seg.first().ok_or_else(bad)?;
    let height = u32::from(be16(seg, 1).ok_or_else(bad)?);
    let width = u32::from(be16(seg, 3).ok_or_else(bad)?);
    let count = usize::from(*seg.get(5).ok_or_else(bad)?);
    if width == 0 || height == 0 {
        return Err(corrupt("the frame header gives a zero width or height"));
    }
    if !matches!(count, 1 | 3 | 4) {
        return Err(PhotoError::UnsupportedFormat);
    }
    let mut sampling = Vec::with_capacity(count);
    for i in 0..count {
        let hv = *seg.get(6 + i * 3 + 1).ok_or_else(bad)?;
        let (h, v) = (hv >> 4, hv & 0x0F);
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
            return Err(bad());
        }
        sampling.push((h, v));
    }
    Ok((width, height, JpegFrame { sof, precision, sampling, adobe_transform: None }))
}

/// Calls `f(chunk type, chunk data)` for each chunk after the signature; `f` returns
/// whether to go on. CRCs are not checked here (the decoder checks them).
fn walk_png<'a>(input: &'a [u8], f: &mut dyn FnMut([u8; 4], &'a [u8]) -> Result<bool, PhotoError>) -> Result<(), PhotoError> {
    let mut pos = PNG_SIGNATURE.len();
    loop {
        let len = be32(input, pos).ok_or_else(truncated)? as usize;
        let ty: [u8; 4] = input.get(pos + 4..pos + 8).and_then(|t| t.try_into().ok()).ok_or_else(truncated)?;
        let data_end = (pos + 8).checked_add(len).ok_or_else(truncated)?;
        let data = input.get(pos + 8..data_end).ok_or_else(truncated)?;
        if !f(ty, data)? {
            return Ok(());
        }
        pos = data_end.checked_add(4).ok_or_else(truncated)?;
    }
}

fn parse_png(input: &[u8]) -> Result<Header<'_>, PhotoError> {
    let mut ihdr = None;
    let mut exif = None;
    let mut first = true;
    walk_png(input, &mut |ty, data| {
        if first {
            first = false;
            if &ty != b"IHDR" || data.len() != 13 {
                return Err(corrupt("the PNG does not start with a valid IHDR chunk"));
            }
            let w = be32(data, 0).unwrap_or(0);
            let h = be32(data, 4).unwrap_or(0);
            let color = data.get(9).copied().unwrap_or(0);
            ihdr = Some((w, h, PngHeader { color_type: color }));
            return Ok(true);
        }
        match &ty {
            b"eXIf" if exif.is_none() => exif = Some(data),
            // eXIf may follow the image data, so walk to the end (chunk headers only).
            b"IEND" => return Ok(false),
            _ => {}
        }
        Ok(true)
    })
    // A cut-off file with a readable IHDR is reported by the decoder, which says more.
    .or_else(|e| if ihdr.is_some() { Ok(()) } else { Err(e) })?;
    let (width, height, png) = ihdr.ok_or_else(truncated)?;
    if width == 0 || height == 0 {
        return Err(corrupt("the PNG header gives a zero width or height"));
    }
    Ok(Header { width, height, exif, kind: Kind::Png(png) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_prefixes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some(Format::Jpeg));
        assert_eq!(sniff(b"\x89PN"), Some(Format::Png));
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn walks_never_panic_on_garbage() {
        for n in 0..64u8 {
            let mut v = vec![0xFF, 0xD8];
            v.extend((0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)));
            let _ = parse(&v);
            let _ = exif_block(&v);
            let mut p = PNG_SIGNATURE.to_vec();
            p.extend((0..n).map(|i| i.wrapping_mul(91)));
            let _ = parse(&p);
            let _ = exif_block(&p);
        }
    }
}
