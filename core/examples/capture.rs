//! Captures a report offline into a device store and shows the outbox: what the phone
//! does when the citizen taps "send" with no signal.
//!
//! `cargo run -p civic-core --example capture -- DATA_DIR [PHOTO.jpg]`

use std::path::PathBuf;

use civic_core::model::{AnswerValue, FixSource, GeoFix, Lang};
use civic_core::{City, Civic};

fn main() {
    if let Err(e) = run() {
        eprintln!("{} / {}", e.message(Lang::Vi), e.message(Lang::En));
        eprintln!("({e})");
        std::process::exit(1);
    }
}

fn run() -> civic_core::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "./data/device".into()));
    let civic = Civic::open(&dir, City::hue()?)?;
    let draft = civic.start_draft()?;
    let attached = match args.next() {
        Some(photo) => civic.attach_photo_file(draft.id, photo.as_ref())?,
        None => civic.attach_photo(draft.id, &sample_photo())?,
    };
    println!(
        "photo {} ({}x{}, {} bytes, metadata stripped)",
        attached.photo.hash, attached.photo.width, attached.photo.height, attached.photo.bytes
    );
    let fix = GeoFix { lat: 16.4698, lon: 107.5786, accuracy_m: 12.0, source: FixSource::Gps, fixed_at: time::OffsetDateTime::now_utc() };
    let placed = civic.set_location(draft.id, fix)?;
    civic.set_category(draft.id, "litter")?;
    civic.set_answer(draft.id, "amount", Some(AnswerValue::Choice("bag".into())))?;
    civic.set_description(draft.id, "Rác thải tập kết sai nơi quy định trên đường Lê Duẩn")?;
    let report = civic.send(draft.id)?;
    println!("queued report {} in {} — {}", report.id, placed.ward.name.vi, report.status.label(Lang::Vi));
    let outbox = civic.outbox()?;
    println!("outbox: {} report(s), {} photo bytes, store {}", outbox.waiting, outbox.photo_bytes, civic.store().path().display());
    Ok(())
}

fn sample_photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(2000, 1500, |x, y| image::Rgb([(x / 8) as u8, (y / 6) as u8, ((x ^ y) & 0xff) as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    // An in-memory encode of a generated image cannot fail; fall back to nothing if it does.
    let _ = img.write_to(&mut out, image::ImageFormat::Jpeg);
    out.into_inner()
}
