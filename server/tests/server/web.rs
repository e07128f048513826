//! The web pages over HTTP, as a browser would fetch them: escaping, the security headers,
//! privacy on the public pages, the console's session, CSRF and origin checks, and bad input
//! to its forms. (tests/tests/e2e/web.rs drives the same pages in headless Chromium.)

use crate::common::{ADMIN, ADMIN_PASSWORD, CITADEL, TestServer, jpeg, litter_report};
use reqwest::{Client, StatusCode, redirect};
use serde_json::{Value, json};
use tempfile::tempdir;

/// A client that shows redirects instead of following them, as the checks need.
pub(crate) fn browser() -> Client {
    Client::builder().redirect(redirect::Policy::none()).build().expect("client")
}

pub(crate) fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// Signs in to the console and returns the session cookie (`name=value`).
pub(crate) async fn console_login(srv: &TestServer, username: &str, password: &str) -> String {
    let r = browser().post(srv.url("/console/login")).form(&[("username", username), ("password", password)]).send().await.expect("login");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/console/queue");
    let cookie = r.headers().get("set-cookie").and_then(|v| v.to_str().ok()).expect("a session cookie").to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    cookie.split(';').next().unwrap_or_default().to_owned()
}

/// The CSRF token in a console page's forms.
pub(crate) fn csrf(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + "name=\"csrf\" value=\"".len();
    page[at..].split('"').next().unwrap_or_default().to_owned()
}

pub(crate) async fn console_get(srv: &TestServer, cookie: &str, path: &str) -> (StatusCode, String) {
    let r = browser().get(srv.url(path)).header("cookie", cookie).send().await.expect("get");
    (r.status(), r.text().await.expect("text"))
}

async fn report_status(srv: &TestServer, number: &str) -> Value {
    let r: Value = srv.get(None, &format!("/api/v1/public/reports/{number}")).await.json().await.expect("json");
    r["status"].clone()
}

#[tokio::test]
async fn pages_escape_what_citizens_write_and_carry_a_strict_policy() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(320, 240, 1)).await;
    let mut report = litter_report(CITADEL, vec![photo]);
    report.description = "<script>alert('x')</script> \"quoted\" & <img src=x onerror=alert(1)>".into();
    let receipt = srv.submit(&citizen, &report).await;

    for path in ["/vi/".to_owned(), "/en/".to_owned(), format!("/vi/reports/{}", receipt.public_number), "/en/figures".to_owned()] {
        let r = browser().get(srv.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let policy = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(policy.contains("default-src 'none'") && policy.contains("script-src 'self'"), "{policy}");
        assert!(!policy.contains("unsafe"), "{policy}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert_eq!(r.headers()["x-frame-options"], "DENY");
        let html = r.text().await.unwrap();
        assert!(!html.contains("<script>alert"), "{path} let a script through");
        assert!(!html.contains("<img src=x"), "{path} let markup through");
        assert!(!html.contains(" style="), "{path} has inline style, which the policy blocks");
        if path.contains("/reports/") || path == "/vi/" {
            assert!(html.contains("&lt;script&gt;alert('x')&lt;/script&gt;"), "{path} should show the text as text");
        }
    }

    // Languages: the browser's preference picks the page; an unknown one is not a page.
    let r = browser().get(srv.url("/")).header("accept-language", "en-US,en;q=0.9").send().await.unwrap();
    assert_eq!(location(&r), "/en/");
    let r = browser().get(srv.url("/")).header("accept-language", "vi-VN,vi;q=0.9,en;q=0.5").send().await.unwrap();
    assert_eq!(location(&r), "/vi/");
    assert_eq!(browser().get(srv.url("/fr/")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let r = browser().get(srv.url("/vi/reports/HUE-2026-999999")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("Không tìm thấy trang"));
    // A filter that makes no sense shows everything rather than failing.
    let r = browser().get(srv.url("/vi/?status=nonsense&category=%3Cx%3E&days=-3")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains(&receipt.public_number));

    // The assets are ours and typed; the map library is compiled in.
    for (name, kind) in
        [("civic.css", "text/css"), ("map.js", "text/javascript"), ("leaflet.js", "text/javascript"), ("leaflet.css", "text/css")]
    {
        let r = browser().get(srv.url(&format!("/static/{name}"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{name}");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with(kind), "{name}");
    }
    assert_eq!(browser().get(srv.url("/static/../Cargo.toml")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_public_pages_never_show_who_reported_but_the_console_does() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let r = srv
        .http
        .put(srv.url("/api/v1/me"))
        .bearer_auth(&citizen)
        .json(&json!({"display_name": "Nguyễn Thị Hoa", "phone": "0905123456", "email": "hoa@example.vn"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let photo = srv.upload(&citizen, &jpeg(320, 240, 2)).await;
    let receipt = srv.submit(&citizen, &litter_report(CITADEL, vec![photo])).await;

    for path in ["/vi/".to_owned(), format!("/vi/reports/{}", receipt.public_number), format!("/en/reports/{}", receipt.public_number)] {
        let html = browser().get(srv.url(&path)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains(&receipt.public_number), "{path}");
        for private in ["Nguyễn Thị Hoa", "0905123456", "hoa@example.vn"] {
            assert!(!html.contains(private), "{path} shows {private}");
        }
    }
    let cookie = console_login(&srv, ADMIN, ADMIN_PASSWORD).await;
    let (status, html) = console_get(&srv, &cookie, &format!("/console/reports/{}", receipt.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Nguyễn Thị Hoa") && html.contains("0905123456"), "officials see who to call back");
}

#[tokio::test]
async fn the_console_needs_a_session_and_its_forms_need_their_token() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(320, 240, 3)).await;
    let receipt = srv.submit(&citizen, &litter_report(CITADEL, vec![photo])).await;
    let route = format!("/console/reports/{}/route", receipt.id);

    // No session: every page leads to the login, every action too.
    for path in ["/console/queue", "/console/overdue", "/console/warnings", &format!("/console/reports/{}", receipt.id)] {
        let r = browser().get(srv.url(path)).send().await.unwrap();
        assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/console/login".to_owned()), "{path}");
    }
    let r = browser().post(srv.url(&route)).form(&[("unit", "ioc"), ("csrf", "x")]).send().await.unwrap();
    assert_eq!(location(&r), "/console/login");
    // A wrong password, or a citizen's device token as a cookie, is no session.
    let r = browser().post(srv.url("/console/login")).form(&[("username", ADMIN), ("password", "wrong")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get("set-cookie").is_none());
    let (status, _) = console_get(&srv, &format!("civic_console={citizen}"), "/console/queue").await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let cookie = console_login(&srv, ADMIN, ADMIN_PASSWORD).await;
    let (status, queue) = console_get(&srv, &cookie, "/console/queue").await;
    assert_eq!(status, StatusCode::OK);
    assert!(queue.contains(&receipt.public_number));
    let token = csrf(&queue);

    // Without the token, with another session's token, or from another site: refused, unchanged.
    let other = console_login(&srv, ADMIN, ADMIN_PASSWORD).await;
    let (_, other_page) = console_get(&srv, &other, "/console/queue").await;
    let others_token = csrf(&other_page);
    assert_ne!(token, others_token);
    for (form, origin) in [
        (vec![("unit", "moi-truong")], None),
        (vec![("unit", "moi-truong"), ("csrf", others_token.as_str())], None),
        (vec![("unit", "moi-truong"), ("csrf", token.as_str())], Some("https://evil.example")),
    ] {
        let mut req = browser().post(srv.url(&route)).header("cookie", &cookie).form(&form);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{form:?} {origin:?}");
        assert_eq!(report_status(&srv, &receipt.public_number).await, "received");
    }

    // With it, from this site: routed.
    let host = srv.base.clone();
    let r = browser()
        .post(srv.url(&route))
        .header("cookie", &cookie)
        .header("origin", host)
        .form(&[("unit", "moi-truong"), ("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/console/queue?done=routed"));
    assert_eq!(report_status(&srv, &receipt.public_number).await, "assigned");

    // Signing out ends the session on the server, not just in the browser.
    let r = browser().post(srv.url("/console/logout")).header("cookie", &cookie).form(&[("csrf", token.as_str())]).send().await.unwrap();
    assert_eq!(location(&r), "/console/login");
    let (status, _) = console_get(&srv, &cookie, "/console/queue").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let api = srv.http.get(srv.url("/api/v1/work/inbox")).bearer_auth(cookie.trim_start_matches("civic_console=")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_bad_after_photo_is_refused_with_a_reason_and_nothing_changes() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(320, 240, 4)).await;
    let receipt = srv.submit(&citizen, &litter_report(CITADEL, vec![photo])).await;
    let cookie = console_login(&srv, ADMIN, ADMIN_PASSWORD).await;
    let path = format!("/console/reports/{}", receipt.id);
    let (_, page) = console_get(&srv, &cookie, &path).await;
    let token = csrf(&page);

    let resolve = |file: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", token.clone())
            .text("to", "resolved")
            .text("note", "Đã dọn sạch")
            .part("photo", reqwest::multipart::Part::bytes(file).file_name(name));
        browser().post(srv.url(&format!("{path}/status"))).header("cookie", cookie.clone()).multipart(form).send()
    };
    let cases: [(Vec<u8>, &str, &str); 3] = [
        (b"<html>not a photo</html>".to_vec(), "page.jpg", "Tệp không phải là ảnh đọc được"),
        (jpeg(320, 240, 5), "no-gps.jpg", "Ảnh không có vị trí GPS"),
        (png_header(100_000, 100_000), "bomb.png", "Ảnh quá lớn"),
    ];
    for (bytes, name, says) in cases {
        let r = resolve(bytes, name).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let html = r.text().await.unwrap();
        assert!(html.contains(says), "{name}: {html}");
        assert_eq!(report_status(&srv, &receipt.public_number).await, "received", "{name}");
    }
    // A camera photo with its GPS position, taken far from the report: refused too.
    let far = civic_core::photo::sample::camera_jpeg(800, 600);
    let mut report = litter_report((16.4900, 107.6200), Vec::new());
    report.photos = vec![srv.upload(&citizen, &jpeg(320, 240, 6)).await];
    let distant = srv.submit(&citizen, &report).await;
    let far_path = format!("/console/reports/{}", distant.id);
    let form = reqwest::multipart::Form::new()
        .text("csrf", token.clone())
        .text("to", "resolved")
        .text("note", "Đã dọn sạch")
        .part("photo", reqwest::multipart::Part::bytes(far).file_name("far.jpg"));
    let r = browser().post(srv.url(&format!("{far_path}/status"))).header("cookie", cookie.clone()).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("quá xa vị trí phản ánh"));
    assert_eq!(report_status(&srv, &distant.public_number).await, "received");

    // The right photo at the right place: resolved, with the photo public and stripped.
    let near = civic_core::photo::sample::camera_jpeg(800, 600);
    let as_is = civic_core::photo::accept_as_is(&near, &civic_core::photo::PhotoOptions::default()).unwrap().expect("small enough to keep");
    let r = resolve(near, "after.jpg").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let view: Value = srv.get(None, &format!("/api/v1/public/reports/{}", receipt.public_number)).await.json().await.unwrap();
    assert_eq!(view["status"], "resolved");
    let after = view["timeline"].as_array().unwrap().iter().find_map(|e| e["photo"].as_str()).expect("the after-photo").to_owned();
    let bytes = srv.get(None, &format!("/api/v1/photos/{after}")).await.bytes().await.unwrap();
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "the public after-photo keeps no EXIF");
    // The console's photos always go through the full pipeline (an app's would be kept as is).
    assert_ne!(bytes.as_ref(), as_is.jpeg.as_slice(), "compressed again");
}

#[tokio::test]
async fn the_composer_previews_the_cap_message_and_refuses_an_incomplete_one() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let cookie = console_login(&srv, ADMIN, ADMIN_PASSWORD).await;
    let (status, page) = console_get(&srv, &cookie, "/console/warnings").await;
    assert_eq!(status, StatusCode::OK);
    let token = csrf(&page);
    let send = |pairs: Vec<(&'static str, String)>| {
        browser().post(srv.url("/console/warnings")).header("cookie", cookie.clone()).form(&pairs).send()
    };
    // The form's local time in Huế, six hours from now (what an operator types).
    let hue = time::macros::offset!(+7);
    let in_six_hours = (srv.now() + time::Duration::hours(6))
        .to_offset(hue)
        .format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .unwrap();
    let base = |action: &str| {
        vec![
            ("csrf", token.clone()),
            ("topic", "storm".to_owned()),
            ("severity", "Severe".to_owned()),
            ("urgency", "Expected".to_owned()),
            ("certainty", "Likely".to_owned()),
            ("expires", in_six_hours.clone()),
            ("vi_event", "Bão số 9".to_owned()),
            ("vi_headline", "Bão số 9 <đổ bộ> & mưa lớn".to_owned()),
            ("action", action.to_owned()),
        ]
    };

    // No area: the form comes back with what was typed and why.
    let r = send(base("preview")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Cần chọn hoặc vẽ ít nhất một vùng"), "{html}");
    assert!(html.contains("value=\"Bão số 9 &lt;đổ bộ&gt; &amp; mưa lớn\""), "the form keeps the text");
    // A drawn area that is not one.
    let mut bad = base("preview");
    bad.push(("polygon", "16.4,107.5; 16.5".to_owned()));
    assert_eq!(send(bad).await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Preview: the CAP XML, escaped in the page, and nothing published.
    let mut with_area = base("preview");
    with_area.push(("ward", "19753".to_owned()));
    let r = send(with_area.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("urn:oasis:names:tc:emergency:cap:1.2"));
    assert!(html.contains("&lt;headline&gt;Bão số 9 &amp;lt;đổ bộ&amp;gt; &amp;amp; mưa lớn&lt;/headline&gt;"), "{html}");
    let alerts: Value = srv.get(None, "/api/v1/alerts").await.json().await.unwrap();
    assert_eq!(alerts.as_array().map(Vec::len), Some(0), "a preview publishes nothing");

    // Publish: in force, in the feed.
    let mut publish = with_area;
    publish.retain(|(k, _)| *k != "action");
    publish.push(("action", "publish".to_owned()));
    let r = send(publish).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let alerts: Value = srv.get(None, "/api/v1/alerts").await.json().await.unwrap();
    assert_eq!(alerts.as_array().map(Vec::len), Some(1));
    let feed = srv.get(None, "/cap/alerts.atom").await.text().await.unwrap();
    assert!(feed.contains("Bão số 9"));
    let public = browser().get(srv.url("/vi/")).send().await.unwrap().text().await.unwrap();
    assert!(public.contains("Bão số 9 &lt;đổ bộ&gt; &amp; mưa lớn"));
}

#[tokio::test]
async fn an_operator_announces_a_green_sunday_from_the_console_drawn_or_by_district() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let cookie = console_login(&srv, ADMIN, ADMIN_PASSWORD).await;
    let (status, page) = console_get(&srv, &cookie, "/console/campaigns").await;
    assert_eq!(status, StatusCode::OK);
    // Next Sunday morning and the clean-up categories are filled in.
    assert!(page.contains("value=\"06:30\"") && page.contains("id=\"c-litter\" value=\"litter\" checked"), "{page}");
    let token = csrf(&page);
    let send = |pairs: Vec<(&'static str, String)>| {
        browser().post(srv.url("/console/campaigns")).header("cookie", cookie.clone()).form(&pairs).send()
    };
    // A Sunday-morning campaign a week ahead, and the same hours a week later: the days as
    // the console's date field gives them, in Huế.
    let hue = time::macros::offset!(+7);
    let date = time::macros::format_description!("[year]-[month]-[day]");
    let day_one = (srv.now() + time::Duration::days(7)).to_offset(hue).date();
    let day_two = day_one + time::Duration::days(7);
    let utc_at = |d: time::Date, h: u8, m: u8| {
        let t = d.with_hms(h, m, 0).unwrap().assume_offset(hue).to_offset(time::UtcOffset::UTC);
        t.format(&time::format_description::well_known::Rfc3339).unwrap()
    };
    let base = || {
        vec![
            ("csrf", token.clone()),
            ("name_vi", "Chủ nhật xanh <phường> Phú Xuân".to_owned()),
            ("name_en", "Green Sunday in Phú Xuân".to_owned()),
            ("date", day_one.format(date).unwrap()),
            ("starts", "06:30".to_owned()),
            ("ends", "09:30".to_owned()),
            ("category", "litter".to_owned()),
            ("goal", "200".to_owned()),
        ]
    };
    let campaigns = || async { srv.get(None, "/api/v1/campaigns").await.json::<Value>().await.unwrap().as_array().unwrap().len() };

    // No area, an end before the start, a meeting point at sea: the form comes back, with
    // what was typed and why, and nothing is announced.
    let r = send(base()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("ít nhất một khu vực"), "{html}");
    assert!(html.contains("value=\"Chủ nhật xanh &lt;phường&gt; Phú Xuân\""), "the form keeps the text");
    let mut backwards = base();
    backwards.push(("ward", "19753".to_owned()));
    backwards.retain(|(k, _)| *k != "ends");
    backwards.push(("ends", "05:00".to_owned()));
    let html = send(backwards).await.unwrap().text().await.unwrap();
    assert!(html.contains("kết thúc sau khi bắt đầu"), "{html}");
    let mut at_sea = base();
    at_sea.push(("ward", "19753".to_owned()));
    at_sea.push(("meeting_points", "Bãi biển | 17.5, 108.5".to_owned()));
    assert_eq!(send(at_sea).await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(campaigns().await, 0);
    // A forged form (no token) is refused.
    let mut forged = base();
    forged.retain(|(k, _)| *k != "csrf");
    forged.push(("ward", "19753".to_owned()));
    assert_eq!(send(forged).await.unwrap().status(), StatusCode::FORBIDDEN);

    // Drawn around the citadel, with a meeting point: announced, in Huế's time.
    let (lat, lon) = CITADEL;
    let mut drawn = base();
    drawn.push((
        "polygon",
        format!(
            "{},{}; {},{}; {},{}; {},{}",
            lat - 0.002,
            lon - 0.002,
            lat - 0.002,
            lon + 0.002,
            lat + 0.002,
            lon + 0.002,
            lat + 0.002,
            lon - 0.002
        ),
    ));
    drawn.push(("meeting_points", format!("Cửa Thượng Tứ | {lat}, {lon}")));
    let r = send(drawn).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/console/campaigns?done=announced"));
    let listed: Value = srv.get(None, "/api/v1/campaigns").await.json().await.unwrap();
    let c = &listed[0];
    assert_eq!(c["starts_at"], utc_at(day_one, 6, 30), "06:30 in Huế");
    assert_eq!(c["goal_spots"], 200);
    assert_eq!(c["meeting_points"][0]["name"], "Cửa Thượng Tứ");
    assert_eq!(c["polygon"].as_array().map(Vec::len), Some(5));
    assert_eq!(c["areas"][0]["code"], "19753");
    let (_, page) = console_get(&srv, &cookie, "/console/campaigns").await;
    assert!(page.contains("Chủ nhật xanh &lt;phường&gt; Phú Xuân"), "listed, escaped");

    // Moved a week later, from the list.
    let id = c["id"].as_str().unwrap();
    let move_to = |pairs: Vec<(&'static str, String)>| {
        browser().post(srv.url(&format!("/console/campaigns/{id}/move"))).header("cookie", cookie.clone()).form(&pairs).send()
    };
    let day = |d: &str| vec![("csrf", token.clone()), ("date", d.to_owned()), ("starts", "07:00".to_owned()), ("ends", "10:00".to_owned())];
    let yesterday = (srv.now() - time::Duration::days(1)).to_offset(hue).date();
    let r = move_to(day(&yesterday.format(date).unwrap())).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("ở tương lai"), "a day gone by is refused");
    let r = move_to(day(&day_two.format(date).unwrap())).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let got: Value = srv.get(None, &format!("/api/v1/campaigns/{id}")).await.json().await.unwrap();
    assert_eq!(got["starts_at"], utc_at(day_two, 7, 0), "07:00 in Huế");

    // Rain: called off, with why; the public page says so.
    let call_off = |pairs: Vec<(&'static str, String)>| {
        browser().post(srv.url(&format!("/console/campaigns/{id}/cancel"))).header("cookie", cookie.clone()).form(&pairs).send()
    };
    assert_eq!(call_off(vec![("reason", "Mưa".to_owned())]).await.unwrap().status(), StatusCode::FORBIDDEN, "no token");
    let r = call_off(vec![("csrf", token.clone()), ("reason", String::new())]).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Cần ghi lý do huỷ"));
    let r = call_off(vec![("csrf", token.clone()), ("reason", "Mưa lớn <bão>".to_owned())]).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let public = browser().get(srv.url(&format!("/vi/campaigns/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(public.contains("Chiến dịch đã huỷ: Mưa lớn &lt;bão&gt;"), "{public}");
    assert!(public.contains("Đã huỷ"));
}

#[tokio::test]
async fn a_console_left_unused_signs_out_but_an_officials_phone_does_not() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let cookie = console_login(&srv, ADMIN, ADMIN_PASSWORD).await;
    let phone = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let url = srv.url("/console/queue");
    let queue = |cookie: String| browser().get(url.clone()).header("cookie", cookie).send();
    assert_eq!(queue(cookie.clone()).await.unwrap().status(), StatusCode::OK);

    // Used again 20 minutes later: still signed in, and the use is noted…
    srv.advance_clock(time::Duration::minutes(20));
    assert_eq!(queue(cookie.clone()).await.unwrap().status(), StatusCode::OK);
    // …so 20 minutes after that use, it is still within its half hour (40 after the first).
    srv.advance_clock(time::Duration::minutes(20));
    assert_eq!(queue(cookie.clone()).await.unwrap().status(), StatusCode::OK, "the page read a moment ago kept it alive");

    // Left for 31 minutes: back to the sign-in page.
    srv.advance_clock(time::Duration::minutes(31));
    let r = queue(cookie.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/console/login");
    // The phone's session (no idle limit) goes on.
    assert_eq!(srv.get(Some(&phone), "/api/v1/work/inbox").await.status(), StatusCode::OK);
}

/// A PNG that declares `w`x`h` pixels and holds almost nothing.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    out.extend((ihdr.len() as u32).to_be_bytes());
    out.extend(b"IHDR");
    out.extend(&ihdr);
    out.extend([0, 0, 0, 0]);
    out
}

/// The hidden fields of the form posting to `action` on a console page.
fn form_fields(page: &str, action: &str) -> Vec<(String, String)> {
    let at = page.find(&format!("action=\"{action}\"")).unwrap_or_else(|| panic!("no form for {action}"));
    let form = &page[at..page[at..].find("</form>").map_or(page.len(), |end| at + end)];
    form.split("<input type=\"hidden\" ")
        .skip(1)
        .filter_map(|input| {
            let name = input.split("name=\"").nth(1)?.split('"').next()?;
            let value = input.split("value=\"").nth(1)?.split('"').next()?;
            Some((name.to_owned(), value.to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn a_console_form_sent_twice_is_done_once() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(320, 240, 1)).await;
    let receipt = srv.submit(&citizen, &litter_report(CITADEL, vec![photo])).await;
    let cookie = console_login(&srv, ADMIN, ADMIN_PASSWORD).await;
    let page_path = format!("/console/reports/{}", receipt.id);
    let (_, page) = console_get(&srv, &cookie, &page_path).await;
    let action = format!("/console/reports/{}/reply", receipt.id);
    let mut fields = form_fields(&page, &action);
    assert!(fields.iter().any(|(k, v)| k == "idempotency_key" && !v.is_empty()), "the form has a key of its own: {fields:?}");
    fields.push(("text".into(), "Đã tiếp nhận, đội sẽ đến trong hôm nay".into()));

    // A double click, or a reload after the answer was lost: the same form twice.
    let send = || browser().post(srv.url(&action)).header("cookie", &cookie).header("origin", srv.base.clone()).form(&fields).send();
    let (first, second) = (send().await.unwrap(), send().await.unwrap());
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!((second.status(), location(&second)), (first.status(), location(&first)), "the second gets the first's answer");
    assert_eq!(second.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    let mine: Value = srv.get(Some(&citizen), &format!("/api/v1/reports/{}", receipt.id)).await.json().await.unwrap();
    let replies = mine["timeline"].as_array().unwrap().iter().filter(|e| e["note"] == "Đã tiếp nhận, đội sẽ đến trong hôm nay").count();
    assert_eq!(replies, 1, "one reply: {mine}");

    // The same key with other words is not a resend: refused, and nothing is added.
    let mut edited = fields.clone();
    edited.retain(|(k, _)| k != "text");
    edited.push(("text".into(), "Một câu khác".into()));
    let r =
        browser().post(srv.url(&action)).header("cookie", &cookie).header("origin", srv.base.clone()).form(&edited).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Tải lại trang"));
    // A page drawn again has a new key: the official can send another reply.
    let (_, page) = console_get(&srv, &cookie, &page_path).await;
    let mut again = form_fields(&page, &action);
    again.push(("text".into(), "Một câu khác".into()));
    let r =
        browser().post(srv.url(&action)).header("cookie", &cookie).header("origin", srv.base.clone()).form(&again).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers().get("idempotent-replayed").is_none());

    // The status form is multipart (for its after-photo): its key is read from there too.
    let status_action = format!("/console/reports/{}/status", receipt.id);
    let (_, page) = console_get(&srv, &cookie, &page_path).await;
    let mut fields = form_fields(&page, &status_action);
    fields.extend([("to".to_owned(), "in_progress".to_owned()), ("note".to_owned(), "Đội vệ sinh đang đến".to_owned())]);
    let send = || {
        let form = fields.iter().fold(reqwest::multipart::Form::new(), |f, (k, v)| f.text(k.clone(), v.clone()));
        browser().post(srv.url(&status_action)).header("cookie", &cookie).header("origin", srv.base.clone()).multipart(form).send()
    };
    let (first, second) = (send().await.unwrap(), send().await.unwrap());
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    let mine: Value = srv.get(Some(&citizen), &format!("/api/v1/reports/{}", receipt.id)).await.json().await.unwrap();
    let moves = mine["timeline"].as_array().unwrap().iter().filter(|e| e["status"] == "in_progress").count();
    assert_eq!(moves, 1, "one move to in progress: {mine}");
}
