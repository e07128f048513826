//! Capture scenarios: a citizen with no signal writes reports; they are safe on the phone.

use crate::common::*;
use civic_core::error::{Error, Missing};
use civic_core::model::{AnswerValue, FixSource, GeoFix, Status};
use civic_core::photo::PhotoError;
use tempfile::tempdir;
use time::OffsetDateTime;

#[test]
fn three_reports_captured_offline_survive_a_reopen_of_the_store() {
    let dir = tempdir().unwrap();
    let mut sent = Vec::new();
    {
        let civic = civic(dir.path());
        for seed in 0..3 {
            let id = complete_draft(&civic, seed);
            civic.attach_photo(id, &jpeg(800, 600, seed + 100)).unwrap();
            let report = civic.send(id).unwrap();
            assert_eq!(report.status, Status::Queued);
            sent.push((report, civic.report(id).unwrap()));
        }
    } // the app is closed
    let civic = civic(dir.path());
    let page = civic.my_reports(&[], 50, None).unwrap();
    assert_eq!(page.reports.len(), 3);
    // Newest first.
    let listed: Vec<_> = page.reports.iter().map(|r| r.id).collect();
    let expected: Vec<_> = sent.iter().rev().map(|(r, _)| r.id).collect();
    assert_eq!(listed, expected);
    for (report, detail) in &sent {
        let again = civic.report(report.id).unwrap();
        assert_eq!(&again, detail, "report comes back exactly as it was sent");
        assert_eq!(again.report.photos.len(), 2);
        for p in &again.report.photos {
            let bytes = civic.photo(&p.hash).unwrap();
            assert_eq!(bytes.len() as u64, p.bytes);
            assert_eq!(image::load_from_memory(&bytes).unwrap().width(), p.width);
        }
        assert_eq!(again.report.ward.as_ref().map(|d| d.code.as_str()), Some("19753"));
        assert_eq!(again.timeline.len(), 1);
        assert_eq!(again.timeline[0].status, Some(Status::Queued));
    }
    let outbox = civic.outbox().unwrap();
    assert_eq!(outbox.waiting, 3);
    assert!(outbox.photo_bytes > 0);
    assert!(civic.drafts().unwrap().is_empty(), "sent drafts are gone from the drafts list");
}

#[test]
fn a_draft_is_saved_as_it_is_written_and_comes_back_after_a_restart() {
    let dir = tempdir().unwrap();
    let id = {
        let civic = civic(dir.path());
        let id = civic.start_draft().unwrap().id;
        civic.set_category(id, "street-light-out").unwrap();
        civic.set_answer(id, "lights_out", Some(AnswerValue::Number(3.0))).unwrap();
        civic.set_description(id, "Ba bóng đèn trên đường Lê Lợi không sáng").unwrap();
        civic.set_anonymous(id, true).unwrap();
        id
    };
    let civic = civic(dir.path());
    let draft = civic.draft(id).unwrap();
    assert_eq!(draft.category.as_deref(), Some("street-light-out"));
    assert_eq!(draft.answers.get("lights_out"), Some(&AnswerValue::Number(3.0)));
    assert!(draft.anonymous);
    assert_eq!(draft.description, "Ba bóng đèn trên đường Lê Lợi không sáng");
    assert_eq!(civic.missing(id).unwrap(), vec![Missing::Photo, Missing::Location, Missing::Answer("problem".into())]);
}

#[test]
fn editing_a_draft_never_touches_a_queued_report() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let sent_id = complete_draft(&civic, 1);
    let sent = civic.send(sent_id).unwrap();
    let before = civic.report(sent_id).unwrap();

    // The sent report is no longer a draft: every edit with its id is refused.
    assert!(matches!(civic.set_description(sent_id, "changed"), Err(Error::DraftNotFound(_))));
    assert!(matches!(civic.set_category(sent_id, "pothole"), Err(Error::DraftNotFound(_))));
    assert!(matches!(civic.set_location(sent_id, fix(PHU_BAI)), Err(Error::DraftNotFound(_))));
    assert!(matches!(civic.attach_photo(sent_id, &jpeg(64, 64, 9)), Err(Error::DraftNotFound(_))));
    assert!(matches!(civic.remove_photo(sent_id, &sent.photos[0].hash), Err(Error::PhotoNotFound(_))));
    assert!(matches!(civic.discard_draft(sent_id), Err(Error::DraftNotFound(_))));
    assert!(matches!(civic.send(sent_id), Err(Error::DraftNotFound(_))));

    // Another draft using the very same photo, edited and discarded, leaves it alone too.
    let other = civic.start_draft().unwrap().id;
    civic.attach_photo(other, &jpeg(640, 480, 1)).unwrap();
    civic.set_description(other, "a different report").unwrap();
    civic.remove_photo(other, &sent.photos[0].hash).unwrap();
    civic.discard_draft(other).unwrap();

    assert_eq!(civic.report(sent_id).unwrap(), before);
    assert!(civic.photo(&sent.photos[0].hash).is_ok(), "the queued report's photo is still stored");
}

#[test]
fn a_report_outside_the_city_is_refused_with_the_reason() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let id = complete_draft(&civic, 2);
    for place in [EAST_SEA, DA_NANG] {
        match civic.set_location(id, fix(place)) {
            Err(Error::Area(civic_core::area::AreaError::Outside { distance_m, area })) => {
                assert!(distance_m > 1500.0, "{place:?} is {distance_m} m out");
                assert_eq!(area.vi, "Thành phố Huế");
                let msg = Error::Area(civic_core::area::AreaError::Outside { distance_m, area }).message(Default::default());
                assert!(msg.contains("ngoài địa bàn Thành phố Huế"), "{msg}");
            }
            other => panic!("{place:?} accepted: {other:?}"),
        }
    }
    // The draft keeps the good location it had.
    let draft = civic.draft(id).unwrap();
    assert_eq!(draft.location.map(|l| (l.lat, l.lon)), Some(CITADEL));
    let bad = GeoFix { lat: f64::NAN, ..fix(CITADEL) };
    assert!(matches!(civic.set_location(id, bad), Err(Error::Area(_))));
}

#[test]
fn bad_input_is_refused_with_a_typed_error_and_nothing_is_stored_half() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let id = complete_draft(&civic, 3);
    let before = civic.draft(id).unwrap();

    assert!(matches!(civic.attach_photo(id, b"<html>not a photo</html>"), Err(Error::Photo(PhotoError::UnsupportedFormat))));
    assert!(matches!(civic.attach_photo(id, &[]), Err(Error::Photo(PhotoError::Empty))));
    let good = jpeg(640, 480, 77);
    assert!(matches!(civic.attach_photo(id, &good[..good.len() / 2]), Err(Error::Photo(_))));
    assert!(matches!(civic.set_category(id, "unicorns"), Err(Error::UnknownCategory(c)) if c == "unicorns"));
    assert!(matches!(civic.set_answer(id, "amount", Some(AnswerValue::Choice("mountain".into()))), Err(Error::Answer(_))));
    assert!(matches!(civic.set_answer(id, "amount", Some(AnswerValue::Number(2.0))), Err(Error::Answer(_))));
    assert!(matches!(civic.set_answer(id, "colour", Some(AnswerValue::Text("x".into()))), Err(Error::Answer(_))));
    let long = "ổ gà ".repeat(1000); // 5,000 characters
    assert_eq!(long.chars().count(), 5000);
    assert!(matches!(civic.set_description(id, &long), Err(Error::DescriptionTooLong { chars: 5000, max: 4000 })));
    assert_eq!(civic.draft(id).unwrap(), before, "failed edits changed nothing");

    // A missing required answer blocks sending, and the draft stays a draft.
    civic.set_answer(id, "amount", None).unwrap();
    match civic.send(id) {
        Err(Error::Incomplete(missing)) => assert_eq!(missing, vec![Missing::Answer("amount".into())]),
        other => panic!("sent without a required answer: {other:?}"),
    }
    assert!(civic.my_reports(&[], 10, None).unwrap().reports.is_empty());
    assert_eq!(civic.outbox().unwrap().waiting, 0);
    assert!(civic.draft(id).is_ok());

    // An empty draft lists everything it needs.
    let empty = civic.start_draft().unwrap().id;
    assert!(matches!(civic.send(empty), Err(Error::Incomplete(m)) if m == vec![Missing::Photo, Missing::Location, Missing::Category]));
}

#[test]
fn a_report_has_one_to_five_photos_and_the_same_photo_counts_once() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let id = civic.start_draft().unwrap().id;
    let first = civic.attach_photo(id, &jpeg(320, 240, 0)).unwrap();
    civic.attach_photo(id, &jpeg(320, 240, 0)).unwrap();
    assert_eq!(civic.draft(id).unwrap().photos.len(), 1, "picking the same photo twice adds it once");
    for seed in 1..5 {
        civic.attach_photo(id, &jpeg(320, 240, seed)).unwrap();
    }
    assert!(matches!(civic.attach_photo(id, &jpeg(320, 240, 9)), Err(Error::TooManyPhotos { max: 5 })));
    civic.remove_photo(id, &first.photo.hash).unwrap();
    assert!(matches!(civic.photo(&first.photo.hash), Err(Error::PhotoNotFound(_))), "an unused photo is deleted");
    assert_eq!(civic.draft(id).unwrap().photos.len(), 4);
}

#[test]
fn changing_category_keeps_only_answers_the_new_category_asks() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let id = civic.start_draft().unwrap().id;
    civic.set_category(id, "pothole").unwrap();
    civic.set_answer(id, "size", Some(AnswerValue::Choice("large".into()))).unwrap();
    civic.set_answer(id, "danger", Some(AnswerValue::Choice("yes".into()))).unwrap();
    civic.set_category(id, "dead-animal").unwrap();
    // dead-animal asks "size" too, with the same key "large": kept. "danger" is dropped.
    let answers = civic.draft(id).unwrap().answers;
    assert_eq!(answers.keys().collect::<Vec<_>>(), vec!["size"]);
    civic.set_category(id, "litter").unwrap();
    assert!(civic.draft(id).unwrap().answers.is_empty());
}

#[test]
fn my_reports_page_newest_first_and_filter_by_status() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let mut ids = Vec::new();
    for seed in 0..7 {
        let id = complete_draft(&civic, seed);
        civic.send(id).unwrap();
        ids.push(id);
    }
    ids.reverse();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = civic.my_reports(&[Status::Queued], 3, after.as_deref()).unwrap();
        seen.extend(page.reports.iter().map(|r| r.id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ids);
    assert!(civic.my_reports(&[Status::Resolved], 10, None).unwrap().reports.is_empty());
    let page = civic.my_reports(&[], 10, None).unwrap();
    assert!(page.reports.iter().all(|r| r.cover_photo.is_some() && r.status == Status::Queued));
}

#[test]
fn a_photo_with_its_own_gps_can_place_the_report() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let id = civic.start_draft().unwrap().id;
    let plain = civic.attach_photo(id, &jpeg(320, 240, 5)).unwrap();
    assert_eq!(plain.hints.location, None);
    // A photo without a position cannot place the report, and says so.
    assert!(matches!(civic.use_photo_location(id, &plain.photo.hash), Err(Error::Incomplete(_))));
    assert!(civic.draft(id).unwrap().location.is_none());
    let manual = GeoFix { source: FixSource::Pin, fixed_at: OffsetDateTime::now_utc(), ..fix(PHU_BAI) };
    let placed = civic.set_location(id, manual).unwrap();
    assert_eq!(placed.ward.name.vi, "Phường Phú Bài");
    assert_eq!(civic.draft(id).unwrap().location.map(|l| l.source), Some(FixSource::Pin));
}

#[test]
fn the_cameras_own_gps_places_the_report_and_never_leaves_in_the_photo() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let id = civic.start_draft().unwrap().id;
    // A phone photo with EXIF: GPS at the citadel, time taken, orientation.
    let attached = civic.attach_photo(id, &civic_core::photo::sample::camera_jpeg(1200, 900)).unwrap();
    let loc = attached.hints.location.expect("the photo's position is offered");
    assert!((loc.lat - CITADEL.0).abs() < 1e-3 && (loc.lon - CITADEL.1).abs() < 1e-3, "{loc:?}");
    assert!(attached.hints.taken_at.is_some());
    // The draft had no place: the photo's position became it, at once.
    let placed = attached.placed.clone().expect("a draft without a place takes the photo's").unwrap();
    assert_eq!(placed.ward.code, "19753", "the citadel is in Phú Xuân");
    let fix = civic.draft(id).unwrap().location.unwrap();
    assert_eq!(fix.source, FixSource::PhotoExif);
    assert_eq!(Some(fix), attached.location_hint);
    // Where it already is: nothing to offer.
    assert_eq!(civic.photo_location_offer(id).unwrap(), None);
    // What is stored (and later uploaded) carries no EXIF: no position, no time, no device.
    let stored = civic.photo(&attached.photo.hash).unwrap();
    assert!(!stored.windows(6).any(|w| w == b"Exif\0\0"), "stored photo still has EXIF");
    assert!(civic_core::photo::read_hints(&stored).location.is_none());
}

/// A camera JPEG recording a GPS position (degrees north and east).
fn photo_taken_at(lat: f64, lon: f64, seed: u32) -> Vec<u8> {
    use civic_core::photo::sample::{self, Ifd, Tiff};
    let dms = |deg: f64| {
        let (d, m) = (deg.trunc(), ((deg - deg.trunc()) * 60.0).trunc());
        let s = ((deg - d) * 60.0 - m) * 60.0;
        [(d as u32, 1), (m as u32, 1), ((s * 100.0).round() as u32, 100)]
    };
    let exif = Tiff::new()
        .ascii(Ifd::Gps, 0x0001, "N")
        .rationals(Ifd::Gps, 0x0002, &dms(lat))
        .ascii(Ifd::Gps, 0x0003, "E")
        .rationals(Ifd::Gps, 0x0004, &dms(lon))
        .app1();
    sample::encode_jpeg(&sample::camera_rgb(640, 480, seed), 640, 480, 90, &[&exif])
}

#[test]
fn a_photos_position_places_only_a_draft_with_no_place_and_is_offered_when_it_differs() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let id = civic.start_draft().unwrap().id;
    // The citizen set the place by hand first: a photo taken elsewhere does not move it...
    let pin = GeoFix { source: FixSource::Pin, fixed_at: OffsetDateTime::now_utc(), ..fix(PHU_BAI) };
    civic.set_location(id, pin).unwrap();
    let elsewhere = civic.attach_photo(id, &photo_taken_at(CITADEL.0, CITADEL.1, 1)).unwrap();
    assert_eq!(elsewhere.placed, None);
    assert_eq!(civic.draft(id).unwrap().location.map(|l| l.source), Some(FixSource::Pin));
    // ...but is offered, as that photo's position.
    let (hash, offered) = civic.photo_location_offer(id).unwrap().expect("the photo's position is offered");
    assert_eq!(hash, elsewhere.photo.hash);
    assert_eq!(civic.photo_location_offer(id).unwrap(), Some((hash.clone(), offered)), "the same offer each time it is asked");
    assert!((offered.lat - CITADEL.0).abs() < 1e-3, "{offered:?}");
    // Taken up, it is where the draft is: nothing left to offer.
    civic.use_photo_location(id, &hash).unwrap();
    assert_eq!(civic.photo_location_offer(id).unwrap(), None);
}

#[test]
fn a_photo_taken_outside_the_area_leaves_a_new_draft_without_a_place_and_says_why() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let id = civic.start_draft().unwrap().id;
    let attached = civic.attach_photo(id, &photo_taken_at(DA_NANG.0, DA_NANG.1, 2)).unwrap();
    assert!(matches!(attached.placed, Some(Err(civic_core::area::AreaError::Outside { .. }))), "{:?}", attached.placed);
    let draft = civic.draft(id).unwrap();
    assert_eq!(draft.location, None, "a point outside never becomes the place");
    assert_eq!(draft.photos.len(), 1, "the photo is kept");
    // A plain photo says nothing about the place.
    let plain = civic.attach_photo(id, &jpeg(320, 240, 9)).unwrap();
    assert_eq!((plain.placed, plain.location_hint), (None, None));
}

#[test]
fn a_draft_is_blank_until_something_is_entered() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let id = civic.start_draft().unwrap().id;
    assert!(civic.draft(id).unwrap().is_blank());
    civic.set_description(id, "   ").unwrap();
    assert!(civic.draft(id).unwrap().is_blank(), "spaces are not words");
    civic.set_description(id, "Rác ở góc đường").unwrap();
    assert!(!civic.draft(id).unwrap().is_blank());
    let other = civic.start_draft().unwrap().id;
    civic.set_category(other, "litter").unwrap();
    assert!(!civic.draft(other).unwrap().is_blank());
    let third = civic.start_draft().unwrap().id;
    civic.attach_photo(third, &jpeg(320, 240, 3)).unwrap();
    assert!(!civic.draft(third).unwrap().is_blank());
}

#[test]
fn what_a_draft_still_needs_is_said_in_the_citizens_words_naming_a_question_by_its_prompt() {
    use civic_core::error::missing_line;
    use civic_core::model::Lang;
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let id = civic.start_draft().unwrap().id;
    let missing = civic.missing(id).unwrap();
    assert_eq!(missing_line(&missing, None, Lang::Vi).as_deref(), Some("Còn thiếu: ít nhất một ảnh, vị trí, loại vấn đề"));
    assert_eq!(
        missing_line(&missing, None, Lang::En).as_deref(),
        Some("Still needed: at least one photo, the location, what kind of problem it is")
    );
    // A category with a required question: the question is named by its prompt.
    let city = civic.city();
    let asking = city.catalog.categories().iter().find(|c| c.questions.iter().any(|q| q.required)).expect("a category that asks");
    let question = asking.questions.iter().find(|q| q.required).unwrap();
    let answer = Missing::Answer(question.code.clone());
    assert_eq!(answer.describe(Some(asking), Lang::En), format!("“{}”", question.prompt.en));
    assert_eq!(answer.describe(None, Lang::Vi), "một câu hỏi bắt buộc");
    assert_eq!(missing_line(&[], None, Lang::Vi), None, "nothing missing, nothing said");
}

#[test]
fn spans_deadlines_and_expected_times_are_said_the_same_way_everywhere() {
    use civic_core::catalog::expected_text;
    use civic_core::model::{Lang, due_text, is_overdue, span_text};
    assert_eq!(span_text(0.5, Lang::Vi), "30 phút");
    assert_eq!(span_text(3.9, Lang::En), "3 h");
    assert_eq!(span_text(48.0, Lang::Vi), "2 ngày");
    assert_eq!(span_text(52.0, Lang::En), "2 d 4 h");
    assert_eq!(span_text(f64::NAN, Lang::Vi), "0 phút", "a strange value is no time, not a crash");
    let now = OffsetDateTime::now_utc();
    let due = now + time::Duration::hours(5);
    assert!(!is_overdue(due, now));
    assert_eq!(due_text(due, now, Lang::Vi), "Còn 5 giờ");
    assert_eq!(due_text(now - time::Duration::hours(27), now, Lang::En), "Overdue by 1 d 3 h");
    assert!(is_overdue(now - time::Duration::seconds(1), now));
    assert_eq!(expected_text(24, Lang::Vi), "khoảng 24 giờ");
    assert_eq!(expected_text(48, Lang::En), "about 48 hours");
    assert_eq!(expected_text(72, Lang::Vi), "khoảng 3 ngày");
    assert_eq!(expected_text(60, Lang::En), "about 60 hours");
}
