//! Which campaigns concern a resident: those covering the wards and communes of their saved places.

use civic_core::campaign::{Campaign, Phase};
use civic_core::model::{Localized, Place};
use civic_core::warning::{SavedPlace, Subscription};
use civic_core::{City, Civic};

fn campaign(id: &str, ward: &str) -> Campaign {
    let now = time::OffsetDateTime::now_utc();
    Campaign {
        id: id.into(),
        name: Localized { vi: id.into(), en: id.into() },
        starts_at: now,
        ends_at: now + time::Duration::hours(3),
        areas: vec![Place { code: ward.into(), name: Localized::default() }],
        polygon: None,
        meeting_points: Vec::new(),
        categories: vec!["litter".into()],
        goal_spots: None,
        phase: Phase::Upcoming,
        cancel_reason: None,
        participants: 0,
        teams: Vec::new(),
    }
}

#[test]
fn campaigns_near_the_residents_places_are_theirs_and_with_no_place_all_are() {
    let dir = tempfile::tempdir().unwrap();
    let civic = Civic::open(dir.path(), City::hue().unwrap()).unwrap();
    let all = vec![campaign("hue-city", "19753"), campaign("phong-dien", "19819"), campaign("phu-vang", "19918")];
    let ids = |v: Vec<Campaign>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(civic.campaigns_near_me(all.clone()).unwrap()), vec!["hue-city", "phong-dien", "phu-vang"]);

    // Home by the citadel (in Phú Xuân) and a whole commune followed by its code.
    let sub = Subscription {
        places: vec![SavedPlace::circle("Nhà", 16.4698, 107.5786, 500.0), SavedPlace::area("Quê ngoại", "19918")],
        ..Subscription::default()
    };
    civic.set_subscription(&sub).unwrap();
    assert_eq!(ids(civic.campaigns_near_me(all).unwrap()), vec!["hue-city", "phu-vang"]);
}

#[test]
fn reminders_ring_the_evening_before_in_the_citys_time_and_an_hour_before() {
    use civic_core::campaign::{ReminderKind, phase_at, reminder_times};
    use time::macros::datetime;
    let hue = time::UtcOffset::from_hms(7, 0, 0).unwrap();
    // Sunday 29 November, 06:30 in Huế (Saturday 23:30 UTC).
    let starts = datetime!(2026-11-29 06:30 +07:00);
    let early = datetime!(2026-11-27 09:00 UTC);
    assert_eq!(
        reminder_times(starts, hue, early),
        vec![
            (ReminderKind::EveningBefore, datetime!(2026-11-28 19:00 +07:00)),
            (ReminderKind::HourBefore, datetime!(2026-11-29 05:30 +07:00))
        ]
    );
    // Past the evening only the hour is left; past that, nothing.
    assert_eq!(reminder_times(starts, hue, datetime!(2026-11-28 20:00 +07:00)).len(), 1);
    assert!(reminder_times(starts, hue, datetime!(2026-11-29 06:00 +07:00)).is_empty());
    // A start just after midnight: the evening before is still the previous day.
    assert_eq!(reminder_times(datetime!(2026-11-29 00:30 +07:00), hue, early)[0].1, datetime!(2026-11-28 19:00 +07:00));

    // A campaign last seen a while ago is where its hours put it now.
    let mut c = campaign("c", "19753");
    c.starts_at = starts;
    c.ends_at = starts + time::Duration::hours(3);
    assert_eq!(phase_at(&c, early), Phase::Upcoming);
    assert_eq!(phase_at(&c, starts + time::Duration::hours(1)), Phase::Running);
    assert_eq!(phase_at(&c, starts + time::Duration::hours(4)), Phase::Ended);
    // Called off, it stays called off.
    c.phase = Phase::Cancelled;
    assert_eq!(phase_at(&c, starts + time::Duration::hours(1)), Phase::Cancelled);
}
