//! What a phone sees of other citizens' reports: "me too" before a duplicate, the public map,
//! and photos fetched from the server, never anyone's identity.

use civic_core::Error;
use civic_tests::*;
use tempfile::tempdir;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_neighbour_is_offered_the_open_report_nearby_and_says_me_too_once() {
    let server_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let (first_dir, second_dir) = (tempdir().unwrap(), tempdir().unwrap());
    let first = Device::open(first_dir.path(), &server.url);
    let id = first.capture(1);
    assert_eq!(first.syncer.sync_now().await.submitted, vec![id]);
    let number = first.civic.report(id).unwrap().report.public_number.unwrap();

    // 20 m east of it, the second citizen is about to report the same litter.
    let second = Device::open(second_dir.path(), &server.url);
    let (lat, lon) = (CITADEL.0, CITADEL.1 + 20.0 / 106_700.0);
    let near = second.syncer.nearby(lat, lon, "litter", None).await.unwrap();
    assert_eq!(near.len(), 1, "{near:?}");
    assert_eq!(near[0].id, id);
    assert_eq!(near[0].report.public_number, number);
    assert!((15.0..25.0).contains(&near[0].distance_m), "{}", near[0].distance_m);
    // Another category there, or the same 300 m away: nothing to offer.
    assert!(second.syncer.nearby(lat, lon, "pothole", None).await.unwrap().is_empty());
    assert!(second.syncer.nearby(CITADEL.0 + 0.0027, CITADEL.1, "litter", None).await.unwrap().is_empty());

    second.civic.me_too(id).unwrap();
    second.civic.me_too(id).unwrap();
    assert_eq!(second.syncer.sync_now().await.feedback_sent, 1, "said once");
    let again = second.syncer.nearby(lat, lon, "litter", None).await.unwrap();
    assert_eq!(again[0].report.supporters, 1, "counted once per phone");

    // The photo comes from the server (which stores its own metadata-free copy): the same
    // picture, 320 × 240 as the first phone sent it.
    let hash = &again[0].report.photos[0];
    let fetched = second.syncer.photo(hash).await.unwrap();
    let picture = image::load_from_memory_with_format(&fetched, image::ImageFormat::Jpeg).unwrap();
    assert_eq!((picture.width(), picture.height()), (320, 240));
    assert!(matches!(second.syncer.photo(&"0".repeat(64)).await, Err(Error::Refused { .. } | Error::PhotoNotFound(_))));
    assert!(matches!(second.syncer.photo("../../etc/passwd").await, Err(Error::PhotoNotFound(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_map_lists_what_is_inside_its_box_without_personal_data() {
    let server_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let phone_dir = tempdir().unwrap();
    let phone = Device::open(phone_dir.path(), &server.url);
    let citadel = phone.capture(2);
    let thuan_an = phone.capture_at(3, (16.5578, 107.6460));
    phone.syncer.sync_now().await;

    // A box around the citadel only.
    let page = phone.syncer.public_reports([107.57, 16.45, 107.61, 16.48], 50, None).await.unwrap();
    let numbers: Vec<_> = page.items.iter().map(|r| r.public_number.clone()).collect();
    let mine = |id| phone.civic.report(id).unwrap().report.public_number.unwrap();
    assert_eq!(numbers, vec![mine(citadel)]);
    let json = serde_json::to_string(&page.items[0]).unwrap();
    assert!(!json.contains(&citadel.to_string()), "no report id, device or reporter on the public map: {json}");
    // The whole province, one per page.
    let first = phone.syncer.public_reports([107.0, 16.0, 108.3, 16.8], 1, None).await.unwrap();
    assert_eq!(first.items[0].public_number, mine(thuan_an), "newest first");
    let rest = phone.syncer.public_reports([107.0, 16.0, 108.3, 16.8], 1, first.next.as_deref()).await.unwrap();
    assert_eq!(rest.items[0].public_number, mine(citadel));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_connection_each_public_call_says_offline_and_nothing_is_lost() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let dir = tempdir().unwrap();
    let phone = Device::open(dir.path(), &url);
    let id = phone.capture(4);
    assert!(matches!(phone.syncer.nearby(CITADEL.0, CITADEL.1, "litter", None).await, Err(Error::Offline(_))));
    assert!(matches!(phone.syncer.public_reports([107.0, 16.0, 108.3, 16.8], 10, None).await, Err(Error::Offline(_))));
    // "Me too" is kept for when the signal is back.
    phone.civic.me_too(id).unwrap();
    assert_eq!(phone.civic.waiting_feedback(None).unwrap().len(), 1);
    // Its own photos are on the phone: no network needed.
    let hash = phone.civic.report(id).unwrap().report.photos[0].hash.clone();
    assert!(!phone.syncer.photo(&hash).await.unwrap().is_empty());
    assert_eq!(phone.civic.outbox().unwrap().waiting, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_citizens_name_given_offline_reaches_the_official_on_named_reports_only() {
    use civic_core::protocol::Profile;
    let server_dir = tempdir().unwrap();
    let server = Server::start(server_dir.path()).await;
    let phone_dir = tempdir().unwrap();
    let phone = Device::open(phone_dir.path(), &server.url);
    // Given on the phone without a connection (first run), kept there.
    let hoa = Profile { display_name: Some(" Nguyễn Thị Hoa ".into()), phone: Some("0905123456".into()), email: Some("  ".into()) };
    phone.civic.set_profile(&hoa).unwrap();
    let kept = phone.civic.profile().unwrap();
    assert_eq!(kept.display_name.as_deref(), Some("Nguyễn Thị Hoa"));
    assert_eq!(kept.email, None, "a blank field is no field");
    // A name over the server's limit is refused on the phone, and the one given stays.
    let long = Profile { display_name: Some("x".repeat(101)), ..Profile::default() };
    assert!(matches!(phone.civic.set_profile(&long), Err(civic_core::Error::ProfileFieldTooLong { max: 100, .. })));
    assert_eq!(phone.civic.profile().unwrap(), kept);

    let named = phone.capture(5);
    let also_named = phone.capture(6);
    // A third with the anonymous switch on.
    let hidden = {
        let c = &phone.civic;
        let id = c.start_draft().unwrap().id;
        c.attach_photo(id, &photo(7)).unwrap();
        let fix = civic_core::model::GeoFix {
            lat: CITADEL.0,
            lon: CITADEL.1,
            accuracy_m: 5.0,
            source: civic_core::model::FixSource::Gps,
            fixed_at: time::OffsetDateTime::now_utc(),
        };
        c.set_location(id, fix).unwrap();
        c.set_category(id, "litter").unwrap();
        c.set_answer(id, "amount", Some(civic_core::model::AnswerValue::Choice("bag".into()))).unwrap();
        c.set_anonymous(id, true).unwrap();
        c.send(id).unwrap().id
    };
    let outcome = phone.syncer.sync_now().await;
    assert_eq!(outcome.submitted.len(), 3, "{outcome:?}");

    let admin = server.login(ADMIN, ADMIN_PASSWORD).await;
    let view = |id: civic_core::model::ReportId| {
        let (http, url, admin) = (server.http.clone(), server.url.clone(), admin.clone());
        async move {
            let r = http.get(format!("{url}/api/v1/reports/{id}")).bearer_auth(admin).send().await.unwrap();
            assert!(r.status().is_success());
            r.json::<serde_json::Value>().await.unwrap()
        }
    };
    let seen = view(named).await;
    assert_eq!(seen["reporter"]["display_name"], "Nguyễn Thị Hoa");
    assert_eq!(seen["reporter"]["phone"], "0905123456");
    assert_eq!(view(also_named).await["reporter"]["display_name"], "Nguyễn Thị Hoa");
    assert!(view(hidden).await["reporter"].is_null(), "an anonymous report names nobody");
    let public = serde_json::to_string(&server.public_reports().await).unwrap();
    assert!(!public.contains("Hoa") && !public.contains("0905123456"), "never in public");

    // Sent once: a later sync does not send it again, a change does.
    phone.civic.set_profile(&Profile { display_name: Some("Hoa".into()), ..Profile::default() }).unwrap();
    phone.syncer.sync_now().await;
    assert_eq!(view(named).await["reporter"]["display_name"], "Hoa");
    assert!(view(named).await["reporter"]["phone"].is_null());
}
