//! The authorization matrix: every operation of the OpenAPI document (so a new route cannot be
//! forgotten) × every kind of caller, against the table below. A caller the table does not
//! allow never gets a success; one it allows is never refused for who they are; and no
//! citizen reads another's report by guessing its id.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::alerts::flood;
use super::campaigns::{announce, report_spot};
use crate::common::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    Anonymous,
    /// The citizen's device that made the report.
    Owner,
    /// Another citizen's device.
    OtherDevice,
    Operator,
    /// A unit officer of another unit than the report's.
    OtherUnit,
    /// A unit officer of the report's unit.
    Unit,
    Admin,
}
use Caller::*;

const EVERYONE: &[Caller] = &[Anonymous, Owner, OtherDevice, Operator, OtherUnit, Unit, Admin];
const DEVICES: &[Caller] = &[Owner, OtherDevice];
const OFFICIALS: &[Caller] = &[Operator, OtherUnit, Unit, Admin];
const OPERATORS: &[Caller] = &[Operator, Admin];
const ADMINS: &[Caller] = &[Admin];
/// Who may act on the report: its citizen, the centre and its unit.
const REPORT_READERS: &[Caller] = &[Owner, Operator, Unit, Admin];
const REPORT_HANDLERS: &[Caller] = &[Operator, Unit, Admin];

/// Who may call each operation.
fn table() -> BTreeMap<(&'static str, &'static str), &'static [Caller]> {
    BTreeMap::from([
        (("PUT", "/api/v1/admin/categories/{code}"), ADMINS),
        (("POST", "/api/v1/admin/officials"), ADMINS),
        (("PUT", "/api/v1/admin/units/{code}"), ADMINS),
        (("GET", "/api/v1/alerts"), EVERYONE),
        (("POST", "/api/v1/alerts"), OPERATORS),
        (("POST", "/api/v1/alerts/import"), OPERATORS),
        (("GET", "/api/v1/alerts/{id}"), EVERYONE),
        (("PUT", "/api/v1/alerts/{id}"), OPERATORS),
        (("POST", "/api/v1/alerts/{id}/cancel"), OPERATORS),
        (("GET", "/api/v1/alerts/{id}/reports"), OFFICIALS),
        (("POST", "/api/v1/auth/login"), EVERYONE),
        (("GET", "/api/v1/campaigns"), EVERYONE),
        (("POST", "/api/v1/campaigns"), OPERATORS),
        (("GET", "/api/v1/campaigns/{id}"), EVERYONE),
        (("PATCH", "/api/v1/campaigns/{id}"), OPERATORS),
        (("POST", "/api/v1/campaigns/{id}/cancel"), OPERATORS),
        (("POST", "/api/v1/campaigns/{id}/join"), DEVICES),
        (("GET", "/api/v1/campaigns/{id}/spots"), EVERYONE),
        (("POST", "/api/v1/campaigns/{id}/spots"), DEVICES),
        // A device of a team (both have joined one by then: the join above runs first).
        (("POST", "/api/v1/campaigns/{id}/spots/{spot}/claim"), DEVICES),
        (("POST", "/api/v1/campaigns/{id}/spots/{spot}/clean"), DEVICES),
        (("GET", "/api/v1/campaigns/{id}/summary"), EVERYONE),
        (("GET", "/api/v1/catalog"), EVERYONE),
        (("GET", "/api/v1/city"), EVERYONE),
        (("GET", "/api/v1/city/wards"), EVERYONE),
        (("POST", "/api/v1/devices"), EVERYONE),
        (("PUT", "/api/v1/devices/me/push"), DEVICES),
        (("PUT", "/api/v1/me"), DEVICES),
        (("GET", "/api/v1/openapi.json"), EVERYONE),
        (("GET", "/api/v1/photos/{hash}"), EVERYONE),
        (("PUT", "/api/v1/photos/{hash}"), &[Owner, OtherDevice, Operator, OtherUnit, Unit, Admin]),
        (("GET", "/api/v1/public/reports"), EVERYONE),
        (("GET", "/api/v1/public/reports/{number}"), EVERYONE),
        (("GET", "/api/v1/public/stats"), EVERYONE),
        (("GET", "/api/v1/reply-templates"), OFFICIALS),
        (("POST", "/api/v1/reply-templates"), OPERATORS),
        (("POST", "/api/v1/reports"), DEVICES),
        (("GET", "/api/v1/reports/mine"), DEVICES),
        (("GET", "/api/v1/reports/nearby"), EVERYONE),
        (("GET", "/api/v1/reports/{id}"), REPORT_READERS),
        (("POST", "/api/v1/reports/{id}/rating"), &[Owner]),
        (("POST", "/api/v1/reports/{id}/reopen"), &[Owner]),
        (("POST", "/api/v1/reports/{id}/replies"), REPORT_HANDLERS),
        (("POST", "/api/v1/reports/{id}/status"), REPORT_HANDLERS),
        (("POST", "/api/v1/reports/{id}/support"), DEVICES),
        (("GET", "/api/v1/sync"), DEVICES),
        (("GET", "/api/v1/work/inbox"), OFFICIALS),
    ])
}

/// The real ids each path names.
struct Ids {
    report: String,
    number: String,
    alert: String,
    campaign: String,
    spot: String,
    photo: String,
}

fn fill(path: &str, ids: &Ids) -> String {
    let id = if path.starts_with("/api/v1/alerts/") {
        &ids.alert
    } else if path.starts_with("/api/v1/campaigns/") {
        &ids.campaign
    } else {
        &ids.report
    };
    let code = if path.contains("/units/") { PHU_XUAN_COMMITTEE } else { "litter" };
    path.replace("{id}", id)
        .replace("{spot}", &ids.spot)
        .replace("{hash}", &ids.photo)
        .replace("{number}", &ids.number)
        .replace("{code}", code)
}

#[tokio::test]
async fn every_operation_answers_only_the_callers_it_should() {
    let dir = tempfile::tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let admin = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let operator = srv.operator("centre").await;
    let unit = srv.officer("phu-xuan", &[PHU_XUAN_COMMITTEE]).await;
    let other_unit = srv.officer("phu-bai", &["ubnd-19960"]).await;
    let (owner, other_device) = (srv.device().await, srv.device().await);
    let photo = srv.upload(&owner, &jpeg(320, 240, 1)).await;
    let receipt = srv.submit(&owner, &litter_report(CITADEL, vec![photo.clone()])).await;
    let alert: Value = srv.post(&admin, "/api/v1/alerts", &flood("Lũ", "Severe")).await.json().await.unwrap();
    let campaign = announce(&srv, &admin, -5, 180).await;
    let campaign = campaign["id"].as_str().unwrap().to_owned();
    assert!(srv.post(&owner, &format!("/api/v1/campaigns/{campaign}/join"), &json!({"new_team": "Tổ 1"})).await.status().is_success());
    let (status, spot) = report_spot(&srv, &owner, &campaign, CITADEL, 2).await;
    assert!(status.is_success(), "{status}");
    let ids = Ids {
        report: receipt.id.to_string(),
        number: receipt.public_number.clone(),
        alert: alert["id"].as_str().unwrap().to_owned(),
        campaign,
        spot: spot["spot"]["id"].as_str().unwrap().to_owned(),
        photo,
    };
    let tokens: BTreeMap<Caller, Option<&str>> = BTreeMap::from([
        (Anonymous, None),
        (Owner, Some(owner.as_str())),
        (OtherDevice, Some(other_device.as_str())),
        (Operator, Some(operator.as_str())),
        (OtherUnit, Some(other_unit.as_str())),
        (Unit, Some(unit.as_str())),
        (Admin, Some(admin.as_str())),
    ]);

    // Every operation the document lists is in the table, and nothing else is.
    let doc: Value = srv.get(None, "/api/v1/openapi.json").await.json().await.unwrap();
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys().filter(|m| ["get", "put", "post", "patch", "delete"].contains(&m.as_str())) {
            documented.push((method.to_uppercase(), path.clone()));
        }
    }
    let table = table();
    let listed: Vec<(String, String)> = table.keys().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
    let mut sorted = documented.clone();
    sorted.sort();
    assert_eq!(sorted, listed, "the table and the API document name the same operations");

    let mut wrong = Vec::new();
    for ((method, path), allowed) in &table {
        // Refused callers first: what the allowed ones do (cancel, rate) must not hide a refusal.
        let mut order: Vec<Caller> = EVERYONE.iter().copied().filter(|c| !allowed.contains(c)).collect();
        order.extend(EVERYONE.iter().copied().filter(|c| allowed.contains(c)));
        for caller in order {
            let url = srv.url(&fill(path, &ids));
            let mut req = srv.http.request(Method::from_bytes(method.as_bytes()).unwrap(), &url);
            if let Some(t) = tokens[&caller] {
                req = req.bearer_auth(t);
            }
            if path.ends_with("/join") {
                // Joining again keeps the team the claim below needs.
                req = req.json(&json!({"new_team": "Tổ 1"}));
            } else if *method != "GET" {
                req = req.json(&json!({}));
            }
            let status = req.send().await.unwrap().status();
            let ok = if allowed.contains(&caller) {
                !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) && !status.is_server_error()
            } else {
                !status.is_success() && !status.is_server_error()
            };
            if !ok {
                wrong.push(format!("{method} {path} as {caller:?}: {status}"));
            }
        }
    }
    assert!(wrong.is_empty(), "answers against the table:\n{}", wrong.join("\n"));

    // No citizen reads another's report, its contact or places by guessing ids.
    let report = format!("/api/v1/reports/{}", ids.report);
    assert_eq!(srv.get(Some(&owner), &report).await.status(), StatusCode::OK);
    assert_eq!(srv.get(Some(&unit), &report).await.status(), StatusCode::OK);
    for stranger in [&other_device, &other_unit] {
        let status = srv.get(Some(stranger), &report).await.status();
        assert!(matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{status}");
    }
    let theirs: Value = srv.get(Some(&other_device), "/api/v1/reports/mine").await.json().await.unwrap();
    assert_eq!(theirs["items"].as_array().map(Vec::len), Some(0), "another device's list holds none of the owner's reports");
}
