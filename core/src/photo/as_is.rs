//! The fast path: a JPEG that is already what [`super::process`] would make (no bigger than
//! `max_long_edge`, upright, 8-bit grey or YCbCr in a baseline, extended or progressive
//! frame) is kept as it is, only stripped of its metadata, instead of being decoded,
//! resized and compressed a second time.
//!
//! The file is walked marker by marker to EOI (segment lengths, one frame, every scan's
//! entropy-coded data and its restart markers) with checked slicing only, and copied
//! without the segments that carry metadata: every APPn but the JFIF APP0 and the Adobe
//! APP14 (whose colour transform says how the samples read), every COM, and whatever
//! follows EOI. Tables, frame, scans and entropy-coded data are copied byte for byte.
//! The copy's entropy-coded data is then checked whole: code by code for one sequential
//! scan (`entropy`), by a 1/8-scale decode otherwise.

use super::container::{self, Kind};
use super::{PhotoError, PhotoOptions, ProcessedPhoto, decode, exif};

/// Why the walk stopped: the file is broken (the same error the full pipeline gives), or
/// it is something the fast path leaves to the full pipeline.
enum Stop {
    Broken(PhotoError),
    NotEligible,
}

impl From<PhotoError> for Stop {
    fn from(e: PhotoError) -> Stop {
        Stop::Broken(e)
    }
}

fn corrupt(what: &str) -> Stop {
    Stop::Broken(PhotoError::Corrupt(what.to_owned()))
}

fn truncated() -> Stop {
    corrupt("the file is truncated")
}

/// The photo as it is, stripped of its metadata, when it is a JPEG the full pipeline would
/// only compress again: `Ok(None)` for any other photo (bigger, PNG, turned by its EXIF
/// orientation, CMYK, 12-bit, lossless, arithmetic-coded, unusual structure), which then
/// goes through [`super::process`]. Broken input gets the errors `process` gives it.
/// Never panics, whatever the bytes; allocates the output copy and a 1/8-scale decode.
pub fn accept_as_is(input: &[u8], opts: &PhotoOptions) -> Result<Option<ProcessedPhoto>, PhotoError> {
    accept(input, None, opts)
}

/// [`accept_as_is`] for a caller that has already hashed the input (the server checks an
/// upload's name): `input_sha256` is its lowercase hex SHA-256, the kept photo's name when
/// nothing was stripped, so the bytes are not hashed a second time.
pub fn accept_as_is_hashed(input: &[u8], input_sha256: &str, opts: &PhotoOptions) -> Result<Option<ProcessedPhoto>, PhotoError> {
    accept(input, Some(input_sha256), opts)
}

fn accept(input: &[u8], input_sha256: Option<&str>, opts: &PhotoOptions) -> Result<Option<ProcessedPhoto>, PhotoError> {
    if container::sniff(input) != Some(container::Format::Jpeg) {
        // Empty, PNG, or not a photo: the full pipeline says which.
        return Ok(None);
    }
    let admitted = super::admit(input, opts)?;
    let Kind::Jpeg(frame) = &admitted.header.kind else { return Ok(None) };
    let (width, height) = (admitted.header.width, admitted.header.height);
    let eight_bit_colour = frame.precision == 8 && matches!(frame.sampling.len(), 1 | 3);
    if !matches!(frame.sof, 0..=2) || !eight_bit_colour || (width, height) != (admitted.out_w, admitted.out_h) {
        return Ok(None);
    }
    let info = exif::read(admitted.header.exif);
    if info.orientation != 1 {
        // The pixels must be turned: only a decode can do that.
        return Ok(None);
    }
    let jpeg = match strip(input) {
        Ok(jpeg) => jpeg,
        Err(Stop::Broken(e)) => return Err(e),
        Err(Stop::NotEligible) => return Ok(None),
    };
    // The entropy-coded data must decode whole. The app's layout (one sequential scan) is
    // checked code by code without decoding pixels; any other is decoded at 1/8, which
    // still reads every coefficient. One that does not check goes to the full pipeline.
    match super::entropy::single_scan_decodes(&jpeg) {
        Some(true) => {}
        Some(false) => return Ok(None),
        None => {
            super::guarded(|| decode::jpeg(&jpeg, frame, (width, height), 1, opts.max_alloc_bytes, &admitted.too_large()))?;
        }
    }
    // The copy only ever leaves segments out: the same length is the same bytes.
    let sha256 = match input_sha256 {
        Some(known) if jpeg.len() == input.len() => known.to_owned(),
        _ => super::sha256_hex(&jpeg),
    };
    Ok(Some(ProcessedPhoto { jpeg, width, height, sha256, hints: info.hints }))
}

/// What a segment is to the copy.
enum Segment {
    Keep,
    Drop,
    Frame,
    Scan,
}

fn classify(marker: u8, payload: &[u8], jfif_kept: bool) -> Result<Segment, Stop> {
    Ok(match marker {
        0xE0 if !jfif_kept && payload.starts_with(b"JFIF\0") => Segment::Keep,
        0xEE if payload.starts_with(b"Adobe") => Segment::Keep,
        // APPn (EXIF, XMP, ICC, IPTC, JFXX thumbnails, vendors'), COM.
        0xE0..=0xEF | 0xFE => Segment::Drop,
        // DHT, DQT, DRI.
        0xC4 | 0xDB | 0xDD => Segment::Keep,
        // SOF0 baseline, SOF1 extended, SOF2 progressive (Huffman-coded).
        0xC0..=0xC2 => Segment::Frame,
        0xDA => Segment::Scan,
        // Other frame kinds, arithmetic conditioning, DNL, hierarchical, reserved.
        _ => return Err(Stop::NotEligible),
    })
}

/// The JPEG without its metadata segments nor anything after EOI.
fn strip(input: &[u8]) -> Result<Vec<u8>, Stop> {
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(input.get(..2).ok_or_else(truncated)?);
    let mut pos = 2;
    let (mut frames, mut scans, mut jfif_kept) = (0u32, 0u32, false);
    loop {
        // A marker, maybe after fill bytes; anything else between segments (which libjpeg
        // tolerates) is left to the full pipeline.
        if *input.get(pos).ok_or_else(truncated)? != 0xFF {
            return Err(Stop::NotEligible);
        }
        let mut at = pos + 1;
        while *input.get(at).ok_or_else(truncated)? == 0xFF {
            at += 1;
        }
        let marker = *input.get(at).ok_or_else(truncated)?;
        match marker {
            0xD9 if scans > 0 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Ok(out);
            }
            0xD9 => return Err(corrupt("the image ends before its data")),
            0xD8 => return Err(corrupt("a second start-of-image marker")),
            // Stray restart markers, TEM, or a zero after 0xFF outside a scan.
            _ if marker == 0x00 || marker == 0x01 || (0xD0..=0xD7).contains(&marker) => return Err(Stop::NotEligible),
            _ => {}
        }
        let len = usize::from(container::be16(input, at + 1).ok_or_else(truncated)?);
        if len < 2 {
            return Err(corrupt("a marker segment has an invalid length"));
        }
        let end = (at + 1).checked_add(len).ok_or_else(truncated)?;
        let payload = input.get(at + 3..end).ok_or_else(truncated)?;
        let segment = input.get(at - 1..end).ok_or_else(truncated)?;
        match classify(marker, payload, jfif_kept)? {
            Segment::Drop => {}
            Segment::Keep => {
                jfif_kept |= marker == 0xE0;
                out.extend_from_slice(segment);
            }
            Segment::Frame => {
                frames += 1;
                if frames > 1 {
                    return Err(corrupt("more than one frame header"));
                }
                out.extend_from_slice(segment);
            }
            Segment::Scan => {
                if frames == 0 {
                    return Err(corrupt("image data before the frame header"));
                }
                scans += 1;
                out.extend_from_slice(segment);
                let data_end = entropy_coded_end(input, end)?;
                out.extend_from_slice(input.get(end..data_end).ok_or_else(truncated)?);
                pos = data_end;
                continue;
            }
        }
        pos = end;
    }
}

/// Where a scan's entropy-coded data, starting at `from`, ends: the first 0xFF that is not
/// a stuffed zero (FF 00), a restart marker (FF D0..D7; out of their cyclic order, the
/// file is left to the full pipeline) nor a fill byte before a marker.
fn entropy_coded_end(input: &[u8], from: usize) -> Result<usize, Stop> {
    let mut i = from;
    let mut next_restart = 0u8;
    loop {
        let rest = input.get(i..).ok_or_else(truncated)?;
        i += rest.iter().position(|&b| b == 0xFF).ok_or_else(truncated)?;
        match *input.get(i + 1).ok_or_else(truncated)? {
            0x00 => i += 2,
            m @ 0xD0..=0xD7 => {
                if m - 0xD0 != next_restart {
                    // Decoders differ on what they forgive here: the full pipeline judges.
                    return Err(Stop::NotEligible);
                }
                next_restart = (next_restart + 1) % 8;
                i += 2;
            }
            // Fill byte: the marker is at the last 0xFF.
            0xFF => i += 1,
            _ => return Ok(i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_never_panics_on_garbage() {
        for n in 0..96u8 {
            let mut v = vec![0xFF, 0xD8];
            v.extend((0..n).map(|i| i.wrapping_mul(29).wrapping_add(n) | if i % 3 == 0 { 0xF0 } else { 0 }));
            let _ = strip(&v);
            let _ = accept_as_is(&v, &PhotoOptions::default());
        }
    }

    #[test]
    fn entropy_data_ends_at_the_first_real_marker() {
        let data = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD1, 0xFF, 0xFF, 0xD9];
        assert!(matches!(entropy_coded_end(&data, 0), Ok(10)));
        assert!(matches!(entropy_coded_end(&data[..9], 0), Err(Stop::Broken(_))));
        let skipped = [0x12, 0xFF, 0xD1, 0xFF, 0xD9];
        assert!(matches!(entropy_coded_end(&skipped, 0), Err(Stop::NotEligible)));
    }
}
