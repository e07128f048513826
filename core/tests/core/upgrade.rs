//! A phone that held reports and followed places under Huế's old districts, upgraded: each
//! report is placed in its ward by its point, a followed district becomes the wards and
//! communes it became, and nothing else changes.

use crate::common::*;
use civic_core::warning::{PlaceShape, SavedPlace, Subscription};

/// Leaves the store as the release before the 2025 wards did: the report placed only in its
/// district (Huế city, 474), and a followed place naming a district (A Lưới, 481). The
/// schema is the same; only what was written differs.
fn as_the_previous_release_left_it(dir: &std::path::Path) {
    let db = rusqlite::Connection::open(dir.join("civic.sqlite3")).expect("the store's file");
    db.execute_batch(
        "UPDATE report SET district_code = '474', district_vi = 'Huế', district_en = 'Hue',
                           ward_code = NULL, ward_vi = NULL, ward_en = NULL;
         INSERT INTO alert_place (name, position, lat, lon, radius_m, area_code) VALUES ('Quê nội', 1, NULL, NULL, NULL, '481');",
    )
    .expect("written as before");
}

#[test]
fn an_upgraded_phone_places_its_reports_and_places_in_todays_wards() {
    let dir = tempfile::tempdir().unwrap();
    let (id, before) = {
        let civic = civic(dir.path());
        let id = complete_draft(&civic, 3);
        civic.set_location(id, fix(CITADEL)).unwrap();
        civic.send(id).unwrap();
        civic
            .set_subscription(&Subscription { places: vec![SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 300.0)], ..Default::default() })
            .unwrap();
        (id, civic.report(id).unwrap())
    };
    assert!(std::fs::read_dir(dir.path()).unwrap().any(|e| e.unwrap().file_name() == "civic.sqlite3"));
    as_the_previous_release_left_it(dir.path());

    let civic = civic(dir.path());
    let after = civic.report(id).unwrap();
    let ward = after.report.ward.clone().expect("placed again");
    assert_eq!((ward.code.as_str(), ward.name.vi.as_str()), ("19753", "Phường Phú Xuân"), "from its point, not its district");
    assert_eq!(after.report.location, before.report.location);
    assert_eq!((after.report.photos.len(), after.timeline.len()), (before.report.photos.len(), before.timeline.len()), "nothing lost");
    let listed = civic.my_reports(&[], 10, None).unwrap().reports;
    assert_eq!(listed[0].ward.as_ref().map(|w| w.name.en.as_str()), Some("Phu Xuan Ward"));

    let places = civic.subscription().unwrap().places;
    assert_eq!(places[0], SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 300.0), "a point stays as it was");
    let moved: Vec<(&str, &str)> = places[1..]
        .iter()
        .map(|p| match &p.shape {
            PlaceShape::Area { code } => (p.name.as_str(), code.as_str()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(moved.len(), 5, "A Lưới district became five communes: {moved:?}");
    assert!(moved.contains(&("Quê nội · Xã A Lưới 2", "20044")), "{moved:?}");
    assert!(civic.set_subscription(&civic.subscription().unwrap()).is_ok(), "what was moved is a valid subscription");

    // Opening again changes nothing more.
    drop(civic);
    let again = crate::common::civic(dir.path());
    assert_eq!(again.subscription().unwrap().places, places);
    assert_eq!(again.report(id).unwrap(), after);
}

#[test]
fn a_rating_kept_as_a_note_by_the_release_before_becomes_typed() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let civic = civic(dir.path());
        let id = complete_draft(&civic, 5);
        civic.send(id).unwrap();
        id
    };
    // As the release before typed ratings left it (schema 8): an outcome, then the citizen's
    // rating step with the stars only in its note.
    let db = rusqlite::Connection::open(dir.path().join("civic.sqlite3")).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    db.execute_batch(&format!(
        "INSERT INTO timeline_event (id, report_id, at, actor, status, note) VALUES
             ('{}', '{id}', {}, 'officer', 'resolved', 'Đã dọn'),
             ('{}', '{id}', {}, 'citizen', NULL, '3★ — tạm được');
         UPDATE report SET status = 'resolved' WHERE id = '{id}';
         ALTER TABLE timeline_event DROP COLUMN rating;
         DROP TABLE feedback_action;
         DROP TABLE me_too;
         PRAGMA user_version = 8;",
        uuid::Uuid::now_v7(),
        now + 1000,
        uuid::Uuid::now_v7(),
        now + 2000,
    ))
    .unwrap();
    drop(db);
    let civic = civic(dir.path());
    let detail = civic.report(id).unwrap();
    assert_eq!(detail.rating(), Some(3));
    assert!(!detail.can_rate(), "already rated");
}
