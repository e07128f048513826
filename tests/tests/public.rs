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
    let number = first
        .civic
        .report(id)
        .unwrap()
        .report
        .public_number
        .unwrap();

    // 20 m east of it, the second citizen is about to report the same litter.
    let second = Device::open(second_dir.path(), &server.url);
    let (lat, lon) = (CITADEL.0, CITADEL.1 + 20.0 / 106_700.0);
    let near = second
        .syncer
        .nearby(lat, lon, "litter", None)
        .await
        .unwrap();
    assert_eq!(near.len(), 1, "{near:?}");
    assert_eq!(near[0].id, id);
    assert_eq!(near[0].report.public_number, number);
    assert!(
        (15.0..25.0).contains(&near[0].distance_m),
        "{}",
        near[0].distance_m
    );
    // Another category there, or the same 300 m away: nothing to offer.
    assert!(
        second
            .syncer
            .nearby(lat, lon, "pothole", None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        second
            .syncer
            .nearby(CITADEL.0 + 0.0027, CITADEL.1, "litter", None)
            .await
            .unwrap()
            .is_empty()
    );

    second.syncer.support(id).await.unwrap();
    second.syncer.support(id).await.unwrap();
    let again = second
        .syncer
        .nearby(lat, lon, "litter", None)
        .await
        .unwrap();
    assert_eq!(again[0].report.supporters, 1, "counted once per phone");

    // The photo comes from the server (which stores its own metadata-free copy): the same
    // picture, 320 × 240 as the first phone sent it.
    let hash = &again[0].report.photos[0];
    let fetched = second.syncer.photo(hash).await.unwrap();
    let picture = image::load_from_memory_with_format(&fetched, image::ImageFormat::Jpeg).unwrap();
    assert_eq!((picture.width(), picture.height()), (320, 240));
    assert!(matches!(
        second.syncer.photo(&"0".repeat(64)).await,
        Err(Error::Refused { .. } | Error::PhotoNotFound(_))
    ));
    assert!(matches!(
        second.syncer.photo("../../etc/passwd").await,
        Err(Error::PhotoNotFound(_))
    ));
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
    let page = phone
        .syncer
        .public_reports([107.57, 16.45, 107.61, 16.48], 50, None)
        .await
        .unwrap();
    let numbers: Vec<_> = page.items.iter().map(|r| r.public_number.clone()).collect();
    let mine = |id| {
        phone
            .civic
            .report(id)
            .unwrap()
            .report
            .public_number
            .unwrap()
    };
    assert_eq!(numbers, vec![mine(citadel)]);
    let json = serde_json::to_string(&page.items[0]).unwrap();
    assert!(
        !json.contains(&citadel.to_string()),
        "no report id, device or reporter on the public map: {json}"
    );
    // The whole province, one per page.
    let first = phone
        .syncer
        .public_reports([107.0, 16.0, 108.3, 16.8], 1, None)
        .await
        .unwrap();
    assert_eq!(first.items[0].public_number, mine(thuan_an), "newest first");
    let rest = phone
        .syncer
        .public_reports([107.0, 16.0, 108.3, 16.8], 1, first.next.as_deref())
        .await
        .unwrap();
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
    assert!(matches!(
        phone
            .syncer
            .nearby(CITADEL.0, CITADEL.1, "litter", None)
            .await,
        Err(Error::Offline(_))
    ));
    assert!(matches!(
        phone
            .syncer
            .public_reports([107.0, 16.0, 108.3, 16.8], 10, None)
            .await,
        Err(Error::Offline(_))
    ));
    assert!(matches!(
        phone.syncer.support(id).await,
        Err(Error::Offline(_))
    ));
    // Its own photos are on the phone: no network needed.
    let hash = phone.civic.report(id).unwrap().report.photos[0]
        .hash
        .clone();
    assert!(!phone.syncer.photo(&hash).await.unwrap().is_empty());
    assert_eq!(phone.civic.outbox().unwrap().waiting, 1);
}
