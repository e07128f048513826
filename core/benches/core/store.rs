//! Store figures: queueing a report (the durable "send"), and listing 10,000 reports.
//!
//! `cargo bench -p civic-core --bench core -- store`

use std::hint::black_box;

use civic_core::model::{AnswerValue, Answers, FixSource, GeoFix, ReportId};
use civic_core::photo::{PhotoOptions, process};
use civic_core::store::{self, DraftChange, Durability, Store};
use civic_core::{City, Civic};
use criterion::{BatchSize, Criterion, criterion_group};
use image::{ImageFormat, Rgb, RgbImage};
use time::OffsetDateTime;

fn sample_jpeg(seed: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(1200, 900, |x, y| Rgb([(x ^ seed) as u8, (y * 3) as u8, ((x + y) / 7) as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Jpeg).expect("encode sample");
    out.into_inner()
}

fn hue_fix() -> GeoFix {
    GeoFix { lat: 16.4698, lon: 107.5786, accuracy_m: 8.0, source: FixSource::Gps, fixed_at: OffsetDateTime::now_utc() }
}

fn queue_report(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let civic = Civic::open(dir.path(), City::hue().expect("Huế")).expect("open");
    let photo = sample_jpeg(1);
    let mut seed = 0;
    c.bench_function("send: queue one complete report durably (fsync)", |b| {
        b.iter_batched(
            || {
                seed += 1;
                let id = civic.start_draft().expect("draft").id;
                civic.attach_photo(id, &photo).expect("photo");
                civic.set_location(id, hue_fix()).expect("fix");
                civic.set_category(id, "litter").expect("category");
                civic.set_answer(id, "amount", Some(AnswerValue::Choice("bag".into()))).expect("answer");
                civic.set_description(id, &format!("Bãi rác số {seed}")).expect("description");
                id
            },
            |id| black_box(civic.send(id).expect("send")),
            BatchSize::PerIteration,
        )
    });
}

fn list_reports(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = City::hue().expect("Huế");
    let placed = city.area.locate(16.4698, 107.5786).expect("inside");
    let store = Store::open(dir.path()).expect("open");
    let photo = process(&sample_jpeg(2), &PhotoOptions::default()).expect("photo");
    let mut answers = Answers::new();
    answers.insert("amount".into(), AnswerValue::Choice("bag".into()));
    store
        .write(Durability::AppCrash, |tx| {
            let now = OffsetDateTime::now_utc();
            let photo = store::put_photo(tx, &photo, now)?;
            for i in 0..10_000 {
                let id = ReportId::new();
                store::insert_draft(tx, id, now)?;
                store::attach_draft_photo(tx, id, &photo.hash, &Default::default(), now)?;
                store::update_draft(tx, id, DraftChange::Category("litter", &answers), now)?;
                store::update_draft(tx, id, DraftChange::Description(&format!("Phản ánh số {i}")), now)?;
                let draft = store::load_draft(tx, id)?;
                let at = OffsetDateTime::now_utc() + time::Duration::milliseconds(i);
                store::queue_report(tx, &draft, "litter", &hue_fix(), &placed, at)?;
            }
            Ok(())
        })
        .expect("fill");
    c.bench_function("my reports: first page of 50 of 10,000", |b| {
        b.iter(|| black_box(store.read(|conn| store::list_reports(conn, &[], 50, None)).expect("list")))
    });
    c.bench_function("my reports: page through all 10,000 (100 a page)", |b| {
        b.iter(|| {
            let mut after: Option<String> = None;
            let mut n = 0;
            loop {
                let page = store.read(|conn| store::list_reports(conn, &[], 100, after.as_deref())).expect("list");
                n += page.reports.len();
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            assert_eq!(n, 10_000);
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = queue_report, list_reports
}
