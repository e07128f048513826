//! Warnings on the phone, as scenarios: the resident's subscription stays on the phone, the
//! warnings of the region arrive (here through `Civic::apply_alert`, the code sync runs for
//! every `Change::Alert`), and the phone alone decides what concerns them and what rings.

use crate::common::*;
use civic_core::cap::{Alert, AlertStatus, CapArea, Category, Certainty, Circle, Info, MsgType, NamedValue, Urgency};
use civic_core::error::Error;
use civic_core::model::Lang;
use civic_core::protocol::{AlertState, AlertView};
use civic_core::store;
use civic_core::warning::{PlaceShape, SavedPlace, Severity, Subscription, SubscriptionError};
use civic_core::{City, Civic};
use tempfile::tempdir;
use time::macros::{offset, time};
use time::{Duration, OffsetDateTime};

/// A point in Phú Hồ commune (19918, formerly Phú Vang district), inland.
const PHU_VANG: (f64, f64) = (16.4900, 107.6700);
/// A Lưới town (commune A Lưới 2, 20044), in the mountains far from the river mouth.
const A_LUOI: (f64, f64) = (16.2720, 107.2330);
/// The flood warning covers Phú Xuân (the citadel) and Phú Hồ.
const FLOODED: [&str; 2] = ["19753", "19918"];

fn hue() -> City {
    City::hue().unwrap()
}

/// A ward's real boundary as a CAP area, its description in `lang`.
fn ward_area(city: &City, code: &str, lang: Lang) -> CapArea {
    let (place, _) = city.area.zone(code).unwrap_or_else(|| panic!("no ward {code}"));
    CapArea {
        area_desc: place.name.get(lang).to_owned(),
        polygon: city.area.cap_polygons(code).unwrap(),
        circle: vec![],
        geocode: vec![NamedValue { value_name: "gso".into(), value: code.into() }],
        altitude: None,
        ceiling: None,
    }
}

fn info(lang: &str, event: &str, headline: &str, severity: Severity, expires: OffsetDateTime, area: Vec<CapArea>) -> Info {
    Info {
        language: lang.into(),
        category: vec![Category::Met],
        event: event.into(),
        response_type: vec![],
        urgency: Urgency::Expected,
        severity,
        certainty: Certainty::Likely,
        audience: None,
        event_code: vec![NamedValue { value_name: "civic:topic".into(), value: "flood".into() }],
        effective: None,
        onset: None,
        expires: Some(expires),
        sender_name: Some(if lang.starts_with("vi") { "Ban Chỉ huy PCTT thành phố" } else { "City Disaster Command" }.into()),
        headline: Some(headline.into()),
        description: Some(format!("{headline}. Mực nước sông Hương đang lên.")),
        instruction: Some("Di chuyển tài sản lên cao, không đi qua vùng ngập.".into()),
        web: None,
        contact: None,
        parameter: vec![],
        resource: vec![],
        area,
    }
}

/// A warning message in Vietnamese and English over `areas` (a ward code each).
fn message(identifier: &str, severity: Severity, headline_vi: &str, expires: OffsetDateTime, wards: &[&str]) -> Alert {
    let city = hue();
    let areas = |lang| wards.iter().map(|c| ward_area(&city, c, lang)).collect::<Vec<_>>();
    message_over(identifier, severity, headline_vi, expires, areas)
}

/// A warning message in Vietnamese and English over the areas `areas` gives in each.
fn message_over(
    identifier: &str,
    severity: Severity,
    headline_vi: &str,
    expires: OffsetDateTime,
    areas: impl Fn(Lang) -> Vec<CapArea>,
) -> Alert {
    let mut alert = Alert::new(identifier, "pctt@thuathienhue.gov.vn", OffsetDateTime::now_utc().to_offset(offset!(+7)), MsgType::Alert);
    alert.info = vec![
        info("vi-VN", "Lũ", headline_vi, severity, expires, areas(Lang::Vi)),
        info("en-US", "Flood", &format!("EN: {headline_vi}"), severity, expires, areas(Lang::En)),
    ];
    alert.check().unwrap_or_else(|e| panic!("the test's message breaks CAP: {e}"));
    alert
}

/// The Update of `previous` that the server sends as version `version` of the chain.
fn update(previous: &Alert, identifier: &str, severity: Severity, headline_vi: &str) -> Alert {
    let expires = previous.expires().unwrap();
    let wards: Vec<String> = previous.info[0].area.iter().map(|a| a.geocode[0].value.clone()).collect();
    let codes: Vec<&str> = wards.iter().map(String::as_str).collect();
    let mut next = message(identifier, severity, headline_vi, expires, &codes);
    next.msg_type = MsgType::Update;
    next.references = vec![previous.as_reference()];
    next.check().unwrap();
    next
}

fn view(id: &str, version: u32, state: AlertState, message: Alert) -> AlertView {
    AlertView { id: id.into(), version, state, updated_at: OffsetDateTime::now_utc(), message, cancel_note: None }
}

fn in_two_days() -> OffsetDateTime {
    OffsetDateTime::now_utc() + Duration::days(2)
}

/// The flood warning for Huế city and Phú Vang, version 1.
fn flood(id: &str, severity: Severity) -> AlertView {
    view(id, 1, AlertState::Active, message(id, severity, "Cảnh báo lũ trên sông Hương", in_two_days(), &FLOODED))
}

/// A resident who saved only `places`.
fn resident(civic: &Civic, places: Vec<SavedPlace>) {
    civic.set_subscription(&Subscription { places, ..Subscription::default() }).unwrap();
}

#[test]
fn the_test_points_lie_where_the_scenarios_say() {
    let city = hue();
    for (at, ward) in [(CITADEL, "19753"), (PHU_VANG, "19918"), (PHU_BAI, "19960"), (A_LUOI, "20044")] {
        assert_eq!(city.area.locate(at.0, at.1).unwrap().ward.code, ward);
    }
}

#[test]
fn a_flood_warning_for_two_wards_reaches_a_resident_at_home_once() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    resident(&civic, vec![SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 200.0)]);
    let warning = flood("flood-2026-11", Severity::Severe);

    let rang = civic.apply_alert(&warning).unwrap().expect("home is in Phú Xuân: notified");
    assert!(rang.loud);
    assert_eq!(rang.headline, "Cảnh báo lũ trên sông Hương", "Vietnamese by default");
    // The same message again (a second pull, a re-delivery after a cursor reset): nothing new.
    assert_eq!(civic.apply_alert(&warning).unwrap(), None);
    assert_eq!(civic.apply_alert(&warning.clone()).unwrap(), None);

    let shown = civic.take_alert_notifications().unwrap();
    assert_eq!(shown.len(), 1, "one notification for one warning: {shown:?}");
    assert_eq!((shown[0].id.as_str(), shown[0].severity, shown[0].loud), ("flood-2026-11", Severity::Severe, true));
    assert!(civic.take_alert_notifications().unwrap().is_empty(), "a notification is handed out once");
    assert_eq!(civic.apply_alert(&warning).unwrap(), None);
    assert!(civic.take_alert_notifications().unwrap().is_empty());

    let inbox = civic.alerts(false).unwrap();
    assert_eq!(inbox.len(), 1);
    let a = &inbox[0];
    assert_eq!(
        (a.state, a.severity, a.version, a.read, a.concerns, a.exercise),
        (AlertState::Active, Severity::Severe, 1, false, true, false)
    );
    assert_eq!(a.event, "Lũ");
    assert_eq!(a.sender_name, "Ban Chỉ huy PCTT thành phố");
    assert_eq!(a.areas, vec!["Phường Phú Xuân".to_owned(), "Xã Phú Hồ".to_owned()]);
    assert_eq!(a.topics, vec!["flood".to_owned()]);
    assert!(a.instruction.as_deref().unwrap().contains("không đi qua vùng ngập"));
    assert!(a.notified_at.is_some());
    assert_eq!(civic.unread_alerts().unwrap(), 1);
    civic.mark_alert_read("flood-2026-11").unwrap();
    assert_eq!(civic.unread_alerts().unwrap(), 0);
    assert!(civic.alerts(false).unwrap()[0].read);
    assert!(matches!(civic.mark_alert_read("no-such-warning"), Err(Error::AlertNotFound(_))));

    // In English, the English block.
    civic.set_subscription(&Subscription { language: Lang::En, ..civic.subscription().unwrap() }).unwrap();
    let a = &civic.alerts(false).unwrap()[0];
    assert_eq!((a.headline.as_str(), a.event.as_str()), ("EN: Cảnh báo lũ trên sông Hương", "Flood"));
    assert_eq!(a.areas, vec!["Phu Xuan Ward".to_owned(), "Phu Ho Commune".to_owned()]);
}

#[test]
fn a_resident_whose_places_are_elsewhere_is_not_concerned() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    // A Lưới is far away, and so is Phú Bài from Phú Xuân and Phú Hồ.
    resident(&civic, vec![SavedPlace::circle("Nhà", A_LUOI.0, A_LUOI.1, 1000.0), SavedPlace::area("Nơi làm việc", "19960")]);
    assert_eq!(civic.apply_alert(&flood("flood-1", Severity::Extreme)).unwrap(), None);
    assert!(civic.take_alert_notifications().unwrap().is_empty());
    assert!(civic.alerts(true).unwrap().is_empty());
    assert_eq!(civic.unread_alerts().unwrap(), 0);
    // The map of the region still shows it.
    let all = civic.all_alerts(false).unwrap();
    assert_eq!(all.len(), 1);
    assert!(!all[0].concerns);
    let detail = civic.alert("flood-1").unwrap().unwrap();
    assert_eq!(detail.shapes.len(), 2, "one polygon per ward");
}

#[test]
fn a_ward_place_the_warning_overlaps_concerns_the_resident() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    resident(&civic, vec![SavedPlace::area("Quê ngoại", "19918")]);
    assert!(civic.apply_alert(&flood("flood-1", Severity::Moderate)).unwrap().is_some());

    // A dam release warned with a 3 km circle inside Bình Điền (20035) reaches a resident who
    // follows Bình Điền, and not the one who follows Phú Hồ.
    let dam = message_over("dam-1", Severity::Severe, "Xả lũ hồ Bình Điền", in_two_days(), |_| {
        vec![CapArea {
            area_desc: "Hạ du hồ Bình Điền".into(),
            polygon: vec![],
            circle: vec![Circle { lat: 16.4000, lon: 107.5200, radius_km: 3.0 }],
            geocode: vec![],
            altitude: None,
            ceiling: None,
        }]
    });
    assert_eq!(hue().area.locate(16.4000, 107.5200).unwrap().ward.code, "20035");
    assert_eq!(civic.apply_alert(&view("dam-1", 1, AlertState::Active, dam.clone())).unwrap(), None);

    let other = tempdir().unwrap();
    let huong_tra = civic_core::Civic::open(other.path(), hue()).unwrap();
    resident(&huong_tra, vec![SavedPlace::area("Bình Điền", "20035")]);
    assert!(huong_tra.apply_alert(&view("dam-1", 1, AlertState::Active, dam)).unwrap().is_some());

    let ids: Vec<String> = civic.alerts(false).unwrap().into_iter().map(|a| a.id).collect();
    assert_eq!(ids, vec!["flood-1".to_owned()]);
}

#[test]
fn quiet_hours_let_only_extreme_warnings_ring() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    civic
        .set_subscription(&Subscription {
            places: vec![SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 200.0)],
            quiet_hours: Some((22 * 60, 6 * 60)),
            ..Subscription::default()
        })
        .unwrap();
    // 23:00 in Huế, whatever the phone's clock zone.
    let night = OffsetDateTime::now_utc().to_offset(offset!(+7)).replace_time(time!(23:00));

    let extreme = civic.apply_alert_at(&flood("dam-release", Severity::Extreme), night).unwrap().unwrap();
    assert!(extreme.loud, "an Extreme warning rings even at night");
    let minor = civic.apply_alert_at(&flood("water-rising", Severity::Minor), night).unwrap().unwrap();
    assert!(!minor.loud, "a Minor one is shown without a sound");
    let shown = civic.take_alert_notifications().unwrap();
    assert_eq!(shown.iter().map(|n| (n.id.as_str(), n.loud)).collect::<Vec<_>>(), [("dam-release", true), ("water-rising", false)]);
    assert_eq!(civic.alerts(false).unwrap().len(), 2, "both are in the inbox");

    // At 06:00 the night is over.
    let morning = night + Duration::hours(7);
    assert!(civic.apply_alert_at(&flood("road-closed", Severity::Minor), morning).unwrap().unwrap().loud);
}

#[test]
fn an_update_changes_the_inbox_and_rings_again_only_when_the_severity_rises() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    resident(&civic, vec![SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 200.0)]);
    let first = flood("flood-1", Severity::Severe);
    assert!(civic.apply_alert(&first).unwrap().is_some());
    assert_eq!(civic.take_alert_notifications().unwrap().len(), 1);
    civic.mark_alert_read("flood-1").unwrap();

    // Same severity, new words: the inbox changes, nothing rings.
    let second = update(&first.message, "flood-1-u1", Severity::Severe, "Lũ lên nhanh, đỉnh lũ trưa nay");
    assert_eq!(civic.apply_alert(&view("flood-1", 2, AlertState::Active, second.clone())).unwrap(), None);
    assert!(civic.take_alert_notifications().unwrap().is_empty());
    let a = &civic.alerts(false).unwrap()[0];
    assert_eq!((a.version, a.headline.as_str(), a.read), (2, "Lũ lên nhanh, đỉnh lũ trưa nay", false));
    let detail = civic.alert("flood-1").unwrap().unwrap();
    let headlines: Vec<_> = detail.history.iter().map(|v| v.message.info[0].headline.clone().unwrap()).collect();
    assert_eq!(headlines, ["Cảnh báo lũ trên sông Hương", "Lũ lên nhanh, đỉnh lũ trưa nay"]);
    assert_eq!(detail.history.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(detail.view.message.identifier, "flood-1-u1");

    // A lower severity does not ring either.
    let third = update(&second, "flood-1-u2", Severity::Moderate, "Lũ bắt đầu rút chậm");
    assert_eq!(civic.apply_alert(&view("flood-1", 3, AlertState::Active, third.clone())).unwrap(), None);

    // Extreme: it rings again, once.
    let fourth = update(&third, "flood-1-u3", Severity::Extreme, "Lũ đặc biệt lớn, sơ tán ngay");
    let again = view("flood-1", 4, AlertState::Active, fourth);
    let rang = civic.apply_alert(&again).unwrap().expect("a higher severity rings again");
    assert_eq!((rang.version, rang.severity, rang.loud), (4, Severity::Extreme, true));
    assert_eq!(civic.apply_alert(&again).unwrap(), None);
    assert_eq!(civic.take_alert_notifications().unwrap().len(), 1);

    // An old version delivered late changes nothing.
    assert_eq!(civic.apply_alert(&view("flood-1", 2, AlertState::Active, second)).unwrap(), None);
    let a = &civic.alerts(false).unwrap()[0];
    assert_eq!((a.version, a.severity), (4, Severity::Extreme));
    assert_eq!(civic.alert("flood-1").unwrap().unwrap().history.len(), 4);
}

#[test]
fn a_cancel_marks_the_warning_cancelled_with_its_note_and_does_not_ring() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    resident(&civic, vec![SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 200.0)]);
    let first = flood("flood-1", Severity::Severe);
    assert!(civic.apply_alert(&first).unwrap().is_some());
    // Cancelled before the app showed it: the notification is withdrawn.
    let mut cancel = view("flood-1", 2, AlertState::Cancelled, first.message.clone());
    cancel.cancel_note = Some("Nước đã rút, hủy cảnh báo.".into());
    assert_eq!(civic.apply_alert(&cancel).unwrap(), None);
    assert!(civic.take_alert_notifications().unwrap().is_empty(), "a cancelled warning is not shown as news");
    assert!(civic.alerts(false).unwrap().is_empty());
    assert_eq!(civic.unread_alerts().unwrap(), 0);
    let ended = civic.alerts(true).unwrap();
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].state, AlertState::Cancelled);
    assert_eq!(ended[0].cancel_note.as_deref(), Some("Nước đã rút, hủy cảnh báo."));
    let detail = civic.alert("flood-1").unwrap().unwrap();
    assert_eq!(detail.history.iter().map(|v| v.state).collect::<Vec<_>>(), [AlertState::Active, AlertState::Cancelled]);
    // The cancel again, or the original late: nothing rings, it stays cancelled.
    assert_eq!(civic.apply_alert(&cancel).unwrap(), None);
    assert_eq!(civic.apply_alert(&first).unwrap(), None);
    assert_eq!(civic.alerts(true).unwrap()[0].state, AlertState::Cancelled);
    assert!(civic.take_alert_notifications().unwrap().is_empty());
}

#[test]
fn an_expired_warning_shows_as_expired_and_never_rings() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    resident(&civic, vec![SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 200.0)]);
    let past = OffsetDateTime::now_utc() - Duration::hours(1);
    let old = view("flood-old", 1, AlertState::Active, message("flood-old", Severity::Extreme, "Lũ tuần trước", past, &FLOODED));
    assert_eq!(civic.apply_alert(&old).unwrap(), None, "already past its expires");
    assert!(civic.alerts(false).unwrap().is_empty());
    let ended = civic.alerts(true).unwrap();
    assert_eq!(ended.iter().map(|a| (a.id.as_str(), a.state)).collect::<Vec<_>>(), [("flood-old", AlertState::Expired)]);
    assert_eq!(ended[0].expires.map(|e| e.unix_timestamp()), Some(past.unix_timestamp()));

    // One received while active and not shown yet is dropped once it expired.
    let soon = flood("flood-now", Severity::Severe);
    let before_expiry = OffsetDateTime::now_utc() - Duration::days(3);
    assert!(civic.apply_alert_at(&soon, before_expiry).unwrap().is_some());
    let mut ended = soon.clone();
    ended.state = AlertState::Expired;
    assert_eq!(civic.apply_alert(&ended).unwrap(), None);
    assert!(civic.take_alert_notifications().unwrap().is_empty());
    assert_eq!(civic.alert("flood-now").unwrap().unwrap().alert.state, AlertState::Expired);
}

#[test]
fn test_draft_and_system_messages_are_ignored_and_an_exercise_never_rings() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    resident(&civic, vec![SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 200.0)]);
    for (i, status) in [AlertStatus::Test, AlertStatus::Draft, AlertStatus::System].into_iter().enumerate() {
        let mut v = flood(&format!("ignored-{i}"), Severity::Extreme);
        v.message.status = status;
        assert_eq!(civic.apply_alert(&v).unwrap(), None, "{status:?}");
        assert_eq!(civic.alert(&v.id).unwrap(), None, "{status:?} is not kept");
    }
    assert!(civic.all_alerts(true).unwrap().is_empty());

    let mut drill = flood("drill-1", Severity::Extreme);
    drill.message.status = AlertStatus::Exercise;
    let n = civic.apply_alert(&drill).unwrap().expect("an exercise is shown");
    assert!(!n.loud && n.exercise, "{n:?}");
    let a = &civic.alerts(false).unwrap()[0];
    assert!(a.exercise);
}

#[test]
fn where_i_am_now_follows_the_last_position_only_while_it_is_on() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    // Not following the position: it is not even kept.
    civic.set_position(CITADEL.0, CITADEL.1).unwrap();
    assert_eq!(civic.store().read(store::last_position).unwrap(), None);
    assert_eq!(civic.apply_alert(&flood("flood-1", Severity::Severe)).unwrap(), None);

    civic.set_subscription(&Subscription { current_position: true, ..Subscription::default() }).unwrap();
    civic.set_position(A_LUOI.0, A_LUOI.1).unwrap();
    assert!(civic.take_alert_notifications().unwrap().is_empty());
    // Walking into the flooded city: the active warning now concerns them, and rings once.
    civic.set_position(CITADEL.0, CITADEL.1).unwrap();
    civic.set_position(CITADEL.0 + 0.001, CITADEL.1).unwrap();
    let shown = civic.take_alert_notifications().unwrap();
    assert_eq!(shown.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(), ["flood-1"]);
    assert_eq!(civic.store().read(store::last_position).unwrap(), Some((CITADEL.0 + 0.001, CITADEL.1)), "one position, overwritten");

    // Leaving again keeps the warning they were told about in the inbox.
    civic.set_position(A_LUOI.0, A_LUOI.1).unwrap();
    assert_eq!(civic.alerts(false).unwrap().len(), 1);
    // Turning it off forgets the position.
    civic.set_subscription(&Subscription::default()).unwrap();
    assert_eq!(civic.store().read(store::last_position).unwrap(), None);
}

#[test]
fn a_report_filed_under_an_active_warning_is_tagged_with_it() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    // The resident follows nothing: tagging is about where the report is, not about them.
    let warning = flood("flood-1", Severity::Severe);
    civic.apply_alert(&warning).unwrap();
    let mut test = flood("test-1", Severity::Severe);
    test.message.status = AlertStatus::Test;
    civic.apply_alert(&test).unwrap();

    let inside = complete_draft(&civic, 1);
    civic.send(inside).unwrap();
    assert_eq!(civic.report(inside).unwrap().alerts, ["flood-1"]);
    let (submit, _) = civic.store().read(|c| store::upload_request(c, inside)).unwrap();
    assert_eq!(submit.alerts, ["flood-1"], "the server sees the report under the warning");
    assert_eq!(
        civic.report_alerts(inside).unwrap().iter().map(|a| a.headline.as_str()).collect::<Vec<_>>(),
        ["Cảnh báo lũ trên sông Hương"]
    );

    let outside = complete_draft(&civic, 2);
    civic.set_location(outside, fix(PHU_BAI)).unwrap();
    civic.send(outside).unwrap();
    assert!(civic.report(outside).unwrap().alerts.is_empty(), "Phú Bài is in Hương Thủy, outside the warning");
    let (submit, _) = civic.store().read(|c| store::upload_request(c, outside)).unwrap();
    assert!(submit.alerts.is_empty());
    let json = serde_json::to_string(&submit).unwrap();
    assert!(!json.contains("alerts"), "an untagged report sends no alerts field: {json}");

    let mut cancel = view("flood-1", 2, AlertState::Cancelled, warning.message.clone());
    cancel.cancel_note = Some("Hủy".into());
    civic.apply_alert(&cancel).unwrap();
    let after = complete_draft(&civic, 3);
    civic.send(after).unwrap();
    assert!(civic.report(after).unwrap().alerts.is_empty(), "filed after the cancel");
    // The first report keeps its tag, and the reopened store still has it.
    drop(civic);
    let civic = crate::common::civic(dir.path());
    assert_eq!(civic.report(inside).unwrap().alerts, ["flood-1"]);
}

#[test]
fn the_subscription_survives_a_reopen_of_the_store() {
    let dir = tempdir().unwrap();
    let sub = Subscription {
        places: vec![SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 150.0), SavedPlace::area("Quê ngoại", "19918")],
        current_position: true,
        topics: ["flood".to_owned(), "storm".to_owned()].into(),
        min_severity: Severity::Moderate,
        quiet_hours: Some((22 * 60, 6 * 60)),
        language: Lang::En,
    };
    {
        let civic = civic(dir.path());
        assert_eq!(civic.subscription().unwrap(), Subscription::default(), "nothing followed until the resident chooses");
        civic.set_subscription(&sub).unwrap();
        civic.add_place(SavedPlace::circle("Trường của con", 16.4560, 107.5560, 300.0)).unwrap();
        // Saving a place under a name already used replaces it.
        civic.add_place(SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 250.0)).unwrap();
        assert!(civic.remove_place("Quê ngoại").unwrap());
        assert!(!civic.remove_place("Không có").unwrap());
        civic.set_position(PHU_VANG.0, PHU_VANG.1).unwrap();
    }
    let civic = civic(dir.path());
    let back = civic.subscription().unwrap();
    let names: Vec<_> = back.places.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Nhà", "Trường của con"]);
    assert_eq!(back.places[0].shape, PlaceShape::Circle { lat: CITADEL.0, lon: CITADEL.1, radius_m: 250.0 });
    assert_eq!(
        (back.current_position, &back.topics, back.min_severity, back.quiet_hours, back.language),
        (true, &sub.topics, Severity::Moderate, Some((1320, 360)), Lang::En)
    );
    // The last position survived too: a warning over Phú Vang only reaches them through it.
    let v = view("pv-1", 1, AlertState::Active, message("pv-1", Severity::Severe, "Lũ ở Phú Hồ", in_two_days(), &["19918"]));
    assert!(civic.apply_alert(&v).unwrap().is_some());
}

#[test]
fn a_bad_subscription_is_refused_with_a_message_in_vietnamese() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    let cases = [
        (SavedPlace::area("Phường lạ", "99999"), SubscriptionError::UnknownArea("99999".into())),
        (SavedPlace::circle("Nhà", CITADEL.0, CITADEL.1, 0.0), SubscriptionError::BadRadius),
        (SavedPlace::circle("Nhà", 95.0, CITADEL.1, 100.0), SubscriptionError::BadPoint(95.0, CITADEL.1)),
        (SavedPlace::circle("  ", CITADEL.0, CITADEL.1, 100.0), SubscriptionError::PlaceName),
    ];
    for (place, expected) in cases {
        match civic.add_place(place) {
            Err(Error::Subscription(e)) => {
                assert_eq!(e, expected);
                let msg = Error::Subscription(e).message(Lang::Vi);
                assert!(!msg.is_empty() && !msg.contains("subscription"), "{msg}");
            }
            other => panic!("accepted: {other:?}"),
        }
    }
    let twice =
        Subscription { places: vec![SavedPlace::area("Nhà", "19753"), SavedPlace::area("Nhà", "19918")], ..Subscription::default() };
    assert!(matches!(civic.set_subscription(&twice), Err(Error::Subscription(SubscriptionError::DuplicatePlace(_)))));
    let night = Subscription { quiet_hours: Some((22 * 60, 24 * 60)), ..Subscription::default() };
    assert!(matches!(civic.set_subscription(&night), Err(Error::Subscription(SubscriptionError::BadQuietHours))));
    assert_eq!(civic.subscription().unwrap(), Subscription::default(), "nothing refused was kept");
}

#[test]
fn places_never_reach_the_server() {
    let dir = tempdir().unwrap();
    let civic = civic(dir.path());
    // Distinctive coordinates and names, to look for in what sync sends.
    let (lat, lon) = (16.471234, 107.609876);
    civic
        .set_subscription(&Subscription {
            places: vec![SavedPlace::circle("Nhà bà ngoại", lat, lon, 120.0), SavedPlace::area("Xóm chài", "19918")],
            current_position: true,
            ..Subscription::default()
        })
        .unwrap();
    civic.set_position(16.453210, 107.587650).unwrap();
    civic.apply_alert(&flood("flood-1", Severity::Severe)).unwrap();
    let id = complete_draft(&civic, 7);
    civic.send(id).unwrap();
    let (submit, _) = civic.store().read(|c| store::upload_request(c, id)).unwrap();
    let json = serde_json::to_string(&submit).unwrap();
    for secret in ["16.471234", "107.609876", "Nhà bà ngoại", "Xóm chài", "16.45321", "107.58765", "radius"] {
        assert!(!json.contains(secret), "{secret:?} leaked into {json}");
    }
    // Only the report's own place and the warning it was filed under go.
    assert_eq!((submit.location.lat, submit.location.lon), CITADEL);
    assert_eq!(submit.alerts, ["flood-1"]);
}
