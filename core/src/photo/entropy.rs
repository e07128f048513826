//! Whether a baseline JPEG's entropy-coded data decodes whole, without decoding the image:
//! every Huffman code read against its table, every block's 64 coefficients accounted for,
//! restart markers where the interval puts them, nothing left over. No dequantisation,
//! IDCT, upsampling nor colour conversion, and nothing allocated in proportion to the image:
//! the check the fast path makes of the app's own photos (baseline, as the app's encoder
//! writes them). Progressive files are not judged here.
//!
//! Checked slicing only: any bytes are safe to give it.

/// A Huffman table (ITU T.81 Annex C), with a 9-bit look-up for the short codes.
struct Table {
    /// For each 9-bit prefix: the code's length (0: longer than 9) and its symbol.
    fast: [(u8, u8); 1 << FAST_BITS],
    maxcode: [i32; 18],
    valptr: [i32; 17],
    mincode: [i32; 17],
    values: Vec<u8>,
}

const FAST_BITS: u32 = 9;

impl Table {
    /// From a DHT table's 16 counts and its symbols; None when the counts do not fit.
    fn new(counts: &[u8], values: &[u8]) -> Option<Table> {
        let mut t = Table { fast: [(0, 0); 1 << FAST_BITS], maxcode: [-1; 18], valptr: [0; 17], mincode: [0; 17], values: values.to_vec() };
        let (mut code, mut k) = (0i32, 0i32);
        for len in 1..=16usize {
            let n = i32::from(*counts.get(len - 1)?);
            t.valptr[len] = k;
            t.mincode[len] = code;
            for i in 0..n {
                if len as u32 <= FAST_BITS {
                    let c = (code + i) as usize;
                    let shift = FAST_BITS - len as u32;
                    let symbol = *values.get((k + i) as usize)?;
                    for fill in 0..(1usize << shift) {
                        *t.fast.get_mut((c << shift) | fill)? = (len as u8, symbol);
                    }
                }
            }
            code += n;
            k += n;
            if n > 0 {
                t.maxcode[len] = code - 1;
            }
            if code > (1 << len) {
                return None;
            }
            code <<= 1;
        }
        t.maxcode[17] = i32::MAX;
        (k as usize == values.len()).then_some(t)
    }

    fn decode(&self, bits: &mut Bits) -> Option<u8> {
        let peek = bits.peek(FAST_BITS);
        let (len, symbol) = self.fast[peek as usize];
        if len > 0 {
            bits.skip(u32::from(len))?;
            return Some(symbol);
        }
        let code = i32::try_from(bits.peek(16)).ok()?;
        for len in 1..=16usize {
            let c = code >> (16 - len);
            if c <= self.maxcode[len] {
                bits.skip(len as u32)?;
                let at = self.valptr[len] + c - self.mincode[len];
                return self.values.get(usize::try_from(at).ok()?).copied();
            }
        }
        None
    }
}

/// Bits of entropy-coded data: stuffed 0xFF 0x00 read as 0xFF; at a marker, zeros follow,
/// and reading into them means the data stopped short.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    /// Bits held in `acc` (from its top).
    held: u32,
    /// How many of the last held bits are the zeros put after a marker.
    fake: u32,
    at_marker: bool,
}

impl<'a> Bits<'a> {
    fn new(data: &'a [u8], pos: usize) -> Self {
        Bits { data, pos, acc: 0, held: 0, fake: 0, at_marker: false }
    }

    fn fill(&mut self) {
        while self.held <= 56 {
            let byte = if self.at_marker {
                self.fake += 8;
                0
            } else {
                match (self.data.get(self.pos), self.data.get(self.pos + 1)) {
                    (Some(0xFF), Some(0x00)) => {
                        self.pos += 2;
                        0xFF
                    }
                    (Some(0xFF), _) | (None, _) => {
                        self.at_marker = true;
                        self.fake += 8;
                        0
                    }
                    (Some(&b), _) => {
                        self.pos += 1;
                        b
                    }
                }
            };
            self.acc |= u64::from(byte) << (56 - self.held);
            self.held += 8;
        }
    }

    /// The next `n` (at most 16) bits, without taking them.
    fn peek(&mut self, n: u32) -> u64 {
        if self.held < 16 {
            self.fill();
        }
        self.acc >> (64 - n)
    }

    /// Drops `n` (at most 16) bits; None when they were not in the data.
    fn skip(&mut self, n: u32) -> Option<()> {
        if n == 0 {
            return Some(());
        }
        if self.held < n {
            self.fill();
        }
        self.acc <<= n;
        self.held -= n;
        (self.held >= self.fake).then_some(())
    }

    /// At the end of an interval or the scan: only the last byte's padding may be left, then
    /// a marker. Returns where the marker is.
    fn finish(&mut self) -> Option<usize> {
        self.fill();
        (self.at_marker && self.held - self.fake < 8).then_some(self.pos)
    }
}

/// A frame component: its id and sampling factors.
#[derive(Clone, Copy)]
struct Component {
    id: u8,
    h: u8,
    v: u8,
    /// Its quantisation table.
    tq: u8,
}

/// `Some(true)` when this is a sequential Huffman JPEG whose scans (one for all components,
/// or one each) decode whole; `Some(false)` when it is one and does not; `None` for any other
/// layout (progressive), which this does not judge.
pub(crate) fn single_scan_decodes(jpeg: &[u8]) -> Option<bool> {
    let mut dc: [Option<Table>; 4] = Default::default();
    let mut ac: [Option<Table>; 4] = Default::default();
    let (mut width, mut height, mut restart) = (0usize, 0usize, 0usize);
    let mut components: Vec<Component> = Vec::new();
    let mut scanned: Vec<u8> = Vec::new();
    let mut quant = [false; 4];
    let mut pos = 2;
    loop {
        let (&ff, &marker) = (jpeg.get(pos)?, jpeg.get(pos + 1)?);
        if ff != 0xFF {
            return None;
        }
        if marker == 0xD9 {
            return Some(!components.is_empty() && components.iter().all(|c| scanned.contains(&c.id)));
        }
        let len = usize::from(u16::from_be_bytes([*jpeg.get(pos + 2)?, *jpeg.get(pos + 3)?]));
        let payload = jpeg.get(pos + 4..pos + 2 + len)?;
        match marker {
            0xC0 | 0xC1 => {
                height = usize::from(u16::from_be_bytes([*payload.get(1)?, *payload.get(2)?]));
                width = usize::from(u16::from_be_bytes([*payload.get(3)?, *payload.get(4)?]));
                let n = usize::from(*payload.get(5)?);
                components = (0..n)
                    .map(|i| {
                        let c = payload.get(6 + 3 * i..9 + 3 * i)?;
                        Some(Component { id: c[0], h: c[1] >> 4, v: c[1] & 15, tq: c[2] })
                    })
                    .collect::<Option<Vec<_>>>()?;
            }
            0xC4 => {
                let mut rest = payload;
                while let Some((&class_id, after)) = rest.split_first() {
                    let counts = after.get(..16)?;
                    let n: usize = counts.iter().map(|&c| usize::from(c)).sum();
                    let values = after.get(16..16 + n)?;
                    let table = Table::new(counts, values);
                    let slot = usize::from(class_id & 15);
                    match class_id >> 4 {
                        0 => *dc.get_mut(slot)? = Some(table?),
                        1 => *ac.get_mut(slot)? = Some(table?),
                        _ => return None,
                    }
                    rest = after.get(16 + n..)?;
                }
            }
            0xDB => {
                let mut rest = payload;
                while let Some((&pq_tq, after)) = rest.split_first() {
                    let size = match pq_tq >> 4 {
                        0 => 64,
                        1 => 128,
                        _ => return Some(false),
                    };
                    *quant.get_mut(usize::from(pq_tq & 15))? = true;
                    rest = after.get(size..)?;
                }
            }
            0xDD => restart = usize::from(u16::from_be_bytes([*payload.first()?, *payload.get(1)?])),
            0xDA => {
                // Every component's quantisation table is known before its scan.
                if !components.iter().all(|c| quant.get(usize::from(c.tq)).copied().unwrap_or(false)) {
                    return Some(false);
                }
                let Some(end) = scan(jpeg, pos + 2 + len, payload, width, height, &components, restart, &dc, &ac) else {
                    return Some(false);
                };
                // Each component in one scan only (a sequential frame).
                for id in payload.get(1..1 + 2 * usize::from(*payload.first()?))?.iter().step_by(2) {
                    if scanned.contains(id) {
                        return Some(false);
                    }
                    scanned.push(*id);
                }
                pos = end;
                continue;
            }
            0xC2 => return None,
            _ => {}
        }
        pos += 2 + len;
    }
}

/// Decodes one scan's Huffman codes: where the marker after its data is, or None when they
/// do not decode whole.
#[allow(clippy::too_many_arguments)]
fn scan(
    jpeg: &[u8],
    data: usize,
    header: &[u8],
    width: usize,
    height: usize,
    frame: &[Component],
    restart: usize,
    dc: &[Option<Table>; 4],
    ac: &[Option<Table>; 4],
) -> Option<usize> {
    let n = usize::from(*header.first()?);
    if n > frame.len() || n == 0 || width == 0 || height == 0 || header.get(1 + 2 * n..4 + 2 * n)? != [0, 63, 0] {
        return None;
    }
    // Per scan component: its sampling and its tables.
    let mut parts = Vec::with_capacity(n);
    for i in 0..n {
        let (id, tables) = (*header.get(1 + 2 * i)?, *header.get(2 + 2 * i)?);
        let c = frame.iter().find(|c| c.id == id)?;
        let dc = dc.get(usize::from(tables >> 4))?.as_ref()?;
        let ac = ac.get(usize::from(tables & 15))?.as_ref()?;
        if !(1..=4).contains(&c.h) || !(1..=4).contains(&c.v) {
            return None;
        }
        parts.push((*c, dc, ac));
    }
    let hmax = usize::from(frame.iter().map(|c| c.h).max()?);
    let vmax = usize::from(frame.iter().map(|c| c.v).max()?);
    // One component: blocks in its own raster; several: MCUs of every component's blocks.
    let (mcus, blocks_per_mcu): (usize, Vec<usize>) = if n == 1 {
        let c = parts[0].0;
        let bw = (width * usize::from(c.h)).div_ceil(hmax).div_ceil(8);
        let bh = (height * usize::from(c.v)).div_ceil(vmax).div_ceil(8);
        (bw * bh, vec![1])
    } else {
        let mcus = width.div_ceil(8 * hmax) * height.div_ceil(8 * vmax);
        (mcus, parts.iter().map(|(c, _, _)| usize::from(c.h) * usize::from(c.v)).collect())
    };
    let mut bits = Bits::new(jpeg, data);
    let mut next_restart = 0u8;
    for mcu in 0..mcus {
        if restart > 0 && mcu > 0 && mcu % restart == 0 {
            let at = bits.finish()?;
            if *jpeg.get(at + 1)? != 0xD0 + next_restart {
                return None;
            }
            next_restart = (next_restart + 1) % 8;
            bits = Bits::new(jpeg, at + 2);
        }
        for ((_, dc, ac), &blocks) in parts.iter().zip(&blocks_per_mcu) {
            for _ in 0..blocks {
                block(&mut bits, dc, ac)?;
            }
        }
    }
    bits.finish()
}

/// One block's DC difference and AC run-lengths.
fn block(bits: &mut Bits, dc: &Table, ac: &Table) -> Option<()> {
    let size = dc.decode(bits)?;
    if size > 11 {
        return None;
    }
    bits.skip(u32::from(size))?;
    let mut k = 1;
    while k < 64 {
        let rs = ac.decode(bits)?;
        let (run, size) = (usize::from(rs >> 4), rs & 15);
        if size == 0 {
            if run != 15 {
                return Some(());
            }
            k += 16;
            continue;
        }
        k += run;
        if k > 63 || size > 10 {
            return None;
        }
        bits.skip(u32::from(size))?;
        k += 1;
    }
    (k == 64).then_some(())
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::*;

    fn app_photo() -> Vec<u8> {
        super::super::process(&sample::camera_jpeg(2000, 1500), &Default::default()).unwrap().jpeg
    }

    #[test]
    fn the_apps_photo_decodes_whole_scan_by_scan() {
        assert_eq!(single_scan_decodes(&app_photo()), Some(true));
    }

    #[test]
    fn data_cut_short_or_left_over_does_not() {
        let jpeg = app_photo();
        let body = &jpeg[..jpeg.len() - 2];
        for cut in [1, 7, 100, 5000] {
            let short = [&body[..body.len() - cut], &[0xFF, 0xD9][..]].concat();
            assert_eq!(single_scan_decodes(&short), Some(false), "{cut} bytes short");
        }
        let longer = [body, &[0x12, 0x34, 0xFF, 0xD9][..]].concat();
        assert_eq!(single_scan_decodes(&longer), Some(false), "bytes left over");
        for end in [0, 3, 200, jpeg.len() / 2] {
            assert_ne!(single_scan_decodes(&jpeg[..end]), Some(true), "the first {end} bytes");
        }
    }
}
