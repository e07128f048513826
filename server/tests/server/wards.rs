//! Huế's 40 wards and communes of 2025 on the server: a database written before them is
//! upgraded in place, and the public pages, figures and the console filter by them.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::tempdir;

/// Phú Bài airport, in Phường Phú Bài.
const PHU_BAI: (f64, f64) = (16.4015, 107.7026);

/// Leaves the database as the release before the wards wrote it (schema 7): every report
/// placed in a district only (here all in 474, the old Huế city, whatever their point), and
/// the campaign naming that district.
fn as_the_previous_release_left_it(data_dir: &std::path::Path) {
    exec_sql_at(
        data_dir,
        "UPDATE report SET district_code = '474', district_vi = 'Huế', district_en = 'Hue';
         UPDATE campaign SET areas = '474';",
    );
    downgrade_schema(data_dir, 7);
}

#[tokio::test]
async fn a_database_of_the_release_before_the_wards_is_upgraded_in_place() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 61)).await;
    let at_citadel = srv.submit(&citizen, &litter_report(CITADEL, vec![photo.clone()])).await;
    let at_airport = srv.submit(&citizen, &litter_report(PHU_BAI, vec![photo])).await;
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let start = srv.now() + time::Duration::days(2);
    let campaign: Value = srv
        .post(
            &operator,
            "/api/v1/campaigns",
            &json!({"name": {"vi": "Chủ nhật xanh", "en": "Green Sunday"}, "starts_at": hue_time(start),
                    "ends_at": hue_time(start + time::Duration::hours(3)), "areas": ["19753"], "categories": ["litter"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let public = |number: String| {
        let srv = &srv;
        async move { srv.get(None, &format!("/api/v1/public/reports/{number}")).await.json::<Value>().await.unwrap() }
    };
    let before = public(at_citadel.public_number.clone()).await;
    srv.kill();
    as_the_previous_release_left_it(dir.path());

    let srv = TestServer::start(dir.path(), &[]);
    let public = |number: String| {
        let srv = &srv;
        async move { srv.get(None, &format!("/api/v1/public/reports/{number}")).await.json::<Value>().await.unwrap() }
    };
    let citadel = public(at_citadel.public_number.clone()).await;
    assert_eq!(citadel["ward"], json!({"code": "19753", "name": {"vi": "Phường Phú Xuân", "en": "Phu Xuan Ward"}}));
    // Placed from its point, not from the district it was stored under.
    let airport = public(at_airport.public_number.clone()).await;
    assert_eq!(airport["ward"]["name"]["vi"], "Phường Phú Bài");
    // Nothing else changed: the same number, photos, timeline, unit.
    for key in ["public_number", "photos", "timeline", "unit", "status", "received_at"] {
        assert_eq!(citadel[key], before[key], "{key}");
    }
    // The campaign named the old Huế city: it now names the wards that district became.
    let c: Value = srv.get(None, &format!("/api/v1/campaigns/{}", campaign["id"].as_str().unwrap())).await.json().await.unwrap();
    let areas: Vec<&str> = c["areas"].as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert!(areas.contains(&"19753") && areas.contains(&"19789") && !areas.contains(&"474"), "{areas:?}");
    assert!(c["areas"][0]["name"]["vi"].as_str().unwrap().starts_with("Phường "), "{c}");
    // New reports keep coming in, and a second start finds nothing more to do.
    let photo = srv.upload(&citizen, &jpeg(640, 480, 62)).await;
    let after = srv.submit(&citizen, &litter_report(CITADEL, vec![photo])).await;
    assert_eq!(after.ward.map(|w| w.code).as_deref(), Some("19753"));
    srv.kill();
    let srv = TestServer::start(dir.path(), &[]);
    let list: Value = srv.get(None, "/api/v1/public/reports").await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn the_public_and_the_console_look_at_one_ward_and_its_figures() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 63)).await;
    let citadel = srv.submit(&citizen, &litter_report(CITADEL, vec![photo.clone()])).await;
    let airport = srv.submit(&citizen, &litter_report(PHU_BAI, vec![photo])).await;

    let numbers = |v: &Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|r| r["public_number"].as_str().unwrap().to_owned()).collect()
    };
    let in_phu_xuan: Value = srv.get(None, "/api/v1/public/reports?ward=19753").await.json().await.unwrap();
    assert_eq!(numbers(&in_phu_xuan), vec![citadel.public_number.clone()]);
    let nowhere: Value = srv.get(None, "/api/v1/public/reports?ward=474").await.json().await.unwrap();
    assert!(numbers(&nowhere).is_empty(), "a former district has no reports of its own");

    // The figures per ward and per committee.
    let stats: Value = srv.get(None, "/api/v1/public/stats").await.json().await.unwrap();
    let by = |list: &str, key: &str| stats[list].as_array().unwrap().iter().find(|f| f["key"] == key).cloned();
    assert_eq!(by("by_ward", "19753").map(|f| f["received"].clone()), Some(json!(1)));
    assert_eq!(by("by_ward", "19960").map(|f| f["received"].clone()), Some(json!(1)));
    assert_eq!(by("by_unit", "ubnd-19960").map(|f| f["open"].clone()), Some(json!(1)));

    // The public pages, in both languages.
    let page = srv.get(None, "/vi/?ward=19960").await.text().await.unwrap();
    assert!(page.contains(&airport.public_number) && !page.contains(&citadel.public_number));
    assert!(page.contains("<option value=\"19960\" selected>Phường Phú Bài</option>"), "the filter shows its choice");
    let figures = srv.get(None, "/en/figures").await.text().await.unwrap();
    assert!(figures.contains("By ward and commune") && figures.contains("Phu Bai Ward"));
    let detail = srv.get(None, &format!("/vi/reports/{}", citadel.public_number)).await.text().await.unwrap();
    assert!(detail.contains("Phường Phú Xuân"));

    // Phú Bài's committee sees its report, and the operator's queue narrows to a ward.
    let committee = srv.officer("ubnd-phu-bai", &["ubnd-19960"]).await;
    let inbox: Value = srv.get(Some(&committee), "/api/v1/work/inbox").await.json().await.unwrap();
    assert_eq!(numbers(&inbox), vec![airport.public_number.clone()]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let all: Value = srv.get(Some(&operator), "/api/v1/work/inbox").await.json().await.unwrap();
    assert_eq!(numbers(&all).len(), 2);
    let one: Value = srv.get(Some(&operator), "/api/v1/work/inbox?ward=19753").await.json().await.unwrap();
    assert_eq!(numbers(&one), vec![citadel.public_number.clone()]);
    // The console's queue too, and it routes to the committees as well as the city's units.
    let cookie = crate::web::console_login(&srv, ADMIN, ADMIN_PASSWORD).await;
    let (_, queue) = crate::web::console_get(&srv, &cookie, "/console/queue?ward=19960").await;
    assert!(queue.contains(&airport.public_number) && !queue.contains(&citadel.public_number));
    assert!(queue.contains("<option value=\"19960\" selected>Phường Phú Bài</option>"));
    assert!(queue.contains("<optgroup label=\"UBND phường, xã\">") && queue.contains("Ủy ban nhân dân Phường Phú Bài"));

    // Naming a ward the city does not have is a clear 422.
    let r = srv
        .post(
            &operator,
            "/api/v1/alerts",
            &json!({"topic": "flood", "urgency": "Immediate", "severity": "Severe", "certainty": "Observed",
                    "expires": hue_time(srv.now() + time::Duration::hours(3)),
                    "texts": [{"language": "vi-VN", "event": "Lũ", "headline": "Lũ"}],
                    "areas": [{"kind": "named", "code": "474"}]}),
        )
        .await;
    let problem = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "unknown-area").await;
    assert!(problem["detail"].as_str().unwrap().contains("ward or commune"), "{problem}");
}
