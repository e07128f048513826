//! The phone learns the city from the server: its catalog, its wards and the map tiles, kept
//! for offline use and updated through sync; the built-in copy is only the first run's.

use civic_core::Civic;
use civic_core::model::Lang;
use civic_tests::*;
use serde_json::{Value, json};
use tempfile::tempdir;

/// A copy of Huế's configuration where Phú Xuân has a new name, as a city renaming a ward
/// would ship it.
fn renamed_city() -> tempfile::TempDir {
    let dir = tempdir().unwrap();
    for f in ["city.json", "catalog.json", "former-units.json", "wards.geojson"] {
        std::fs::copy(format!("../config/hue/{f}"), dir.path().join(f)).unwrap();
    }
    let path = dir.path().join("wards.geojson");
    let mut wards: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for f in wards["features"].as_array_mut().unwrap() {
        if f["properties"]["code"] == "19753" {
            f["properties"]["name_vi"] = json!("Phường Phú Xuân Mới");
            f["properties"]["name_en"] = json!("New Phu Xuan Ward");
        }
    }
    std::fs::write(&path, wards.to_string()).unwrap();
    dir
}

#[tokio::test]
async fn a_phone_takes_the_servers_city_keeps_it_offline_and_follows_its_changes() {
    let city = renamed_city();
    let server_dir = tempdir().unwrap();
    let tiles = "https://tiles.hue.example/{z}/{x}/{y}.png";
    let server = Server::start_with_flags(server_dir.path(), &["--city-dir", city.path().to_str().unwrap(), "--tile-url", tiles]).await;
    let phone_dir = tempdir().unwrap();
    let phone = Device::open(phone_dir.path(), &server.url);
    let ward_here = |civic: &Civic| civic.city().area.locate(CITADEL.0, CITADEL.1).unwrap().ward.name.vi;

    // Before any sync: the built-in copy.
    assert_eq!(ward_here(&phone.civic), "Phường Phú Xuân");
    assert_ne!(phone.civic.city().tile_url, tiles);

    phone.syncer.sync_now().await;
    assert_eq!(ward_here(&phone.civic), "Phường Phú Xuân Mới", "the server's wards");
    assert_eq!(phone.civic.city().tile_url, tiles, "the city's tile server, not OpenStreetMap's");
    let served: Value = server.http.get(format!("{}/api/v1/catalog", server.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(Some(u64::from(phone.civic.city().catalog.version)), served["version"].as_u64());
    let committee = phone.civic.city().catalog.unit("ubnd-19753").map(|u| u.name.vi.clone());
    assert_eq!(committee.as_deref(), Some("Ủy ban nhân dân Phường Phú Xuân Mới"));

    // The city switches a category off: the phone stops offering it after the next sync.
    let offers_noise = |civic: &Civic| civic.city().catalog.search("tiếng ồn", Lang::Vi).iter().any(|c| c.code == "noise");
    assert!(offers_noise(&phone.civic));
    let admin = server.login(ADMIN, ADMIN_PASSWORD).await;
    let r = server
        .http
        .put(format!("{}/api/v1/admin/categories/noise", server.url))
        .bearer_auth(&admin)
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap_or_default());
    phone.syncer.sync_now().await;
    assert!(!offers_noise(&phone.civic), "a category switched off reaches the phone");

    // A sync with nothing new fetches nothing again: the wards are not downloaded twice.
    let kept = phone.civic.store().read(civic_core::store::city_config).unwrap().expect("kept").0.version;
    phone.syncer.sync_now().await;
    assert_eq!(phone.civic.store().read(civic_core::store::city_config).unwrap().unwrap().0.version, kept);

    // Offline, reopened: still the server's city, not the built-in one.
    drop(server);
    drop(phone);
    let again = Device::open(phone_dir.path(), "http://127.0.0.1:9");
    assert_eq!(ward_here(&again.civic), "Phường Phú Xuân Mới");
    assert_eq!(again.civic.city().tile_url, tiles);
    assert!(!offers_noise(&again.civic));
}
