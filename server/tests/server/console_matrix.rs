//! The console's authorization matrix: every page and form of the console's router (read from
//! its source, so a new route cannot be forgotten) × {anonymous, a citizen's device token
//! passed off as a session, an operator, a unit officer of another unit, one of the report's
//! unit, an admin}, against the table below. Every form is also sent without its CSRF token
//! and from another origin: both are refused for everyone, before anything changes.

use std::collections::BTreeMap;

use reqwest::StatusCode;

use super::alerts::flood;
use super::campaigns::announce;
use super::web::{browser, console_get, console_login, csrf, location};
use crate::common::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    Anonymous,
    /// A citizen's device token in the session cookie.
    Device,
    Operator,
    OtherUnit,
    Unit,
    Admin,
}
use Caller::*;

const EVERYONE: &[Caller] = &[Anonymous, Device, Operator, OtherUnit, Unit, Admin];
const SIGNED_IN: &[Caller] = &[Operator, OtherUnit, Unit, Admin];
const OPERATORS: &[Caller] = &[Operator, Admin];
const REPORT_HANDLERS: &[Caller] = &[Operator, Unit, Admin];

/// The console's routes as `routes()` in `web/console/mod.rs` lists them.
fn routes_in_source() -> Vec<(String, String)> {
    let source = include_str!("../../src/web/console/mod.rs");
    let mut routes = Vec::new();
    for line in source.lines().map(str::trim).filter(|l| l.starts_with(".route(\"")) {
        let path = line.trim_start_matches(".route(\"").split('"').next().unwrap_or_default().to_owned();
        let handlers = line.split_once("\",").map_or("", |(_, rest)| rest).trim();
        for (method, call) in [("GET", "get("), ("POST", "post(")] {
            let called = handlers.starts_with(call) || handlers.contains(&format!(".{call}"));
            if called {
                routes.push((method.to_owned(), path.clone()));
            }
        }
    }
    routes.sort();
    routes
}

/// Who may use each page and form; the sign-in and the language switch are everyone's.
fn table() -> BTreeMap<(&'static str, &'static str), &'static [Caller]> {
    BTreeMap::from([
        (("GET", "/console"), EVERYONE),
        (("GET", "/console/"), EVERYONE),
        (("GET", "/console/login"), EVERYONE),
        (("POST", "/console/login"), EVERYONE),
        (("POST", "/console/logout"), SIGNED_IN),
        (("GET", "/console/lang/{code}"), EVERYONE),
        (("GET", "/console/queue"), SIGNED_IN),
        (("GET", "/console/overdue"), SIGNED_IN),
        (("GET", "/console/reports/{id}"), REPORT_HANDLERS),
        // Routing is a move to `assigned`: the same rule as the API's status change.
        (("POST", "/console/reports/{id}/route"), REPORT_HANDLERS),
        (("POST", "/console/reports/{id}/status"), REPORT_HANDLERS),
        (("POST", "/console/reports/{id}/reply"), REPORT_HANDLERS),
        (("GET", "/console/warnings"), OPERATORS),
        (("POST", "/console/warnings"), OPERATORS),
        (("POST", "/console/warnings/{id}/cancel"), OPERATORS),
        (("GET", "/console/campaigns"), OPERATORS),
        (("POST", "/console/campaigns"), OPERATORS),
        (("POST", "/console/campaigns/{id}/cancel"), OPERATORS),
        (("POST", "/console/campaigns/{id}/move"), OPERATORS),
    ])
}

/// Whether an answer let the caller in: refused is a 403, a 404 for a report not theirs, or
/// being sent to sign in.
fn let_in(status: StatusCode, to: &str) -> bool {
    !(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED) || to.starts_with("/console/login"))
}

#[tokio::test]
async fn every_console_page_and_form_answers_only_the_callers_it_should() {
    let dir = tempfile::tempdir().unwrap();
    // Six callers try every form three ways: more than one address's share of a minute.
    let srv = TestServer::start(dir.path(), &["--requests-per-minute", "100000"]);
    let admin = srv.login(ADMIN, ADMIN_PASSWORD).await;
    srv.operator("centre").await;
    srv.officer("phu-xuan", &[PHU_XUAN_COMMITTEE]).await;
    srv.officer("phu-bai", &["ubnd-19960"]).await;
    let device = srv.device().await;
    let photo = srv.upload(&device, &jpeg(320, 240, 1)).await;
    let receipt = srv.submit(&device, &litter_report(CITADEL, vec![photo])).await;
    let alert: serde_json::Value = srv.post(&admin, "/api/v1/alerts", &flood("Lũ", "Severe")).await.json().await.unwrap();
    let alert = alert["id"].as_str().unwrap_or_default().to_owned();
    let campaign = announce(&srv, &admin, 60, 180).await["id"].as_str().unwrap_or_default().to_owned();

    let mut sessions: BTreeMap<Caller, Option<String>> =
        BTreeMap::from([(Anonymous, None), (Device, Some(format!("civic_console={device}")))]);
    for (caller, username, password) in [
        (Operator, "centre", "centre-password-long"),
        (OtherUnit, "phu-bai", "phu-bai-password-long"),
        (Unit, "phu-xuan", "phu-xuan-password-long"),
        (Admin, ADMIN, ADMIN_PASSWORD),
    ] {
        sessions.insert(caller, Some(console_login(&srv, username, password).await));
    }
    // Each session's form token, from a page every official sees.
    let mut tokens = BTreeMap::new();
    for (caller, cookie) in &sessions {
        if let (Some(cookie), true) = (cookie, SIGNED_IN.contains(caller)) {
            let (_, page) = console_get(&srv, cookie, "/console/queue").await;
            tokens.insert(*caller, csrf(&page));
        }
    }

    let table = table();
    let listed: Vec<(String, String)> = table.keys().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
    assert_eq!(routes_in_source(), listed, "the table and the console's router name the same pages and forms");

    let report = receipt.id.to_string();
    let fill = |path: &str| {
        let id = if path.starts_with("/console/warnings/") {
            alert.as_str()
        } else if path.starts_with("/console/campaigns/") {
            campaign.as_str()
        } else {
            report.as_str()
        };
        path.replace("{id}", id).replace("{code}", "en")
    };
    let host = srv.url("").trim_end_matches('/').to_owned();
    let mut wrong = Vec::new();
    for ((method, path), allowed) in &table {
        let url = srv.url(&fill(path));
        // The sign-out last: it ends the session the other rows use.
        if *path == "/console/logout" {
            continue;
        }
        for caller in EVERYONE {
            let cookie = sessions[caller].clone();
            let send = |form: Vec<(&'static str, String)>, origin: Option<String>| {
                let mut req = match *method {
                    "GET" => browser().get(&url),
                    // The status form is multipart, for its after-photo.
                    _ if path.ends_with("/status") => {
                        let parts = form.iter().fold(reqwest::multipart::Form::new(), |f, (k, v)| f.text(*k, v.clone()));
                        browser().post(&url).multipart(parts)
                    }
                    _ => browser().post(&url).form(&form),
                };
                if let Some(c) = &cookie {
                    req = req.header("cookie", c);
                }
                if let Some(o) = origin {
                    req = req.header("origin", o);
                }
                req.send()
            };
            let token = tokens.get(caller).cloned().unwrap_or_default();
            let form = vec![("csrf", token.clone()), ("username", "nobody".to_owned()), ("password", "wrong-password".to_owned())];
            let r = send(form.clone(), Some(host.clone())).await.unwrap();
            let (status, to) = (r.status(), location(&r));
            let ok = if status.is_server_error() {
                false
            } else if *method == "POST" && *path == "/console/login" {
                // Anyone may try to sign in; a wrong password is refused for everyone alike.
                status == StatusCode::UNAUTHORIZED
            } else if allowed.contains(caller) {
                let_in(status, &to)
            } else {
                !let_in(status, &to)
            };
            if !ok {
                wrong.push(format!("{method} {path} as {caller:?}: {status} {to}"));
            }
            if *method == "POST" && *path != "/console/login" {
                // No form token: refused, whoever asks.
                let r = send(vec![("username", "x".to_owned())], Some(host.clone())).await.unwrap();
                if let_in(r.status(), &location(&r)) {
                    wrong.push(format!("{method} {path} as {caller:?} without its form token: {}", r.status()));
                }
            }
            if *method == "POST" {
                // From another site, even with the right token: refused before any handler.
                let r = send(form, Some("https://elsewhere.example".to_owned())).await.unwrap();
                if r.status() != StatusCode::FORBIDDEN {
                    wrong.push(format!("{method} {path} as {caller:?} from another origin: {}", r.status()));
                }
            }
        }
    }
    // Signing out: a session's own token ends it; without the token, it stays.
    for caller in SIGNED_IN {
        let cookie = sessions[caller].clone().unwrap_or_default();
        let out = |form: Vec<(&'static str, String)>| {
            browser().post(srv.url("/console/logout")).header("cookie", cookie.clone()).form(&form).send()
        };
        let r = out(vec![]).await.unwrap();
        let (status, _) = console_get(&srv, &cookie, "/console/queue").await;
        if status != StatusCode::OK || r.status() != StatusCode::FORBIDDEN {
            wrong.push(format!("POST /console/logout as {caller:?} without its form token: {} (then the queue: {status})", r.status()));
        }
        let r = out(vec![("csrf", tokens[caller].clone())]).await.unwrap();
        let (status, _) = console_get(&srv, &cookie, "/console/queue").await;
        if location(&r) != "/console/login" || status == StatusCode::OK {
            wrong.push(format!("POST /console/logout as {caller:?}: {} (then the queue: {status})", r.status()));
        }
    }
    assert!(wrong.is_empty(), "answers against the table:\n{}", wrong.join("\n"));

    // The report's and the campaign's forms above lacked what their rules need (a unit, a
    // status, a text, a reason), or came without a token or from elsewhere: both are as they
    // were. (Withdrawing a warning needs no note: an operator's form above did withdraw it.)
    let public: serde_json::Value = srv.get(None, &format!("/api/v1/public/reports/{}", receipt.public_number)).await.json().await.unwrap();
    assert_eq!(public["status"], "received");
    let called_off: serde_json::Value = srv.get(None, &format!("/api/v1/campaigns/{campaign}")).await.json().await.unwrap();
    assert!(called_off["cancel_reason"].is_null(), "{called_off}");
}
