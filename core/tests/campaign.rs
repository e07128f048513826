//! Which campaigns concern a resident: those covering the districts of their saved places.

use civic_core::campaign::{Campaign, Phase};
use civic_core::model::{Localized, Place};
use civic_core::warning::{SavedPlace, Subscription};
use civic_core::{City, Civic};

fn campaign(id: &str, district: &str) -> Campaign {
    let now = time::OffsetDateTime::now_utc();
    Campaign {
        id: id.into(),
        name: Localized { vi: id.into(), en: id.into() },
        starts_at: now,
        ends_at: now + time::Duration::hours(3),
        areas: vec![Place { code: district.into(), name: Localized::default() }],
        meeting_points: Vec::new(),
        categories: vec!["litter".into()],
        goal_spots: None,
        phase: Phase::Upcoming,
        participants: 0,
        teams: Vec::new(),
    }
}

#[test]
fn campaigns_near_the_residents_places_are_theirs_and_with_no_place_all_are() {
    let dir = tempfile::tempdir().unwrap();
    let civic = Civic::open(dir.path(), City::hue().unwrap()).unwrap();
    let all = vec![campaign("hue-city", "474"), campaign("phong-dien", "476"), campaign("phu-vang", "478")];
    let ids = |v: Vec<Campaign>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(civic.campaigns_near_me(all.clone()).unwrap()), vec!["hue-city", "phong-dien", "phu-vang"]);

    // Home by the citadel (in Huế city) and a whole district followed by its code.
    let sub = Subscription {
        places: vec![SavedPlace::circle("Nhà", 16.4637, 107.5909, 500.0), SavedPlace::area("Quê ngoại", "478")],
        ..Subscription::default()
    };
    civic.set_subscription(&sub).unwrap();
    assert_eq!(ids(civic.campaigns_near_me(all).unwrap()), vec!["hue-city", "phu-vang"]);
}
