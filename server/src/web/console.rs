//! The operations-centre console: officials sign in with their account and, from a desktop
//! browser, route new reports, watch the overdue ones, move a report on and reply, and
//! compose warnings with a preview of the CAP message.
//!
//! Every action goes through the same functions as `/api/v1` (the same rules, the same
//! timeline). The session is an HttpOnly, SameSite=Strict cookie holding an ordinary session
//! token; every form carries a CSRF token derived from it, and a POST from another origin is
//! refused before it reaches a handler.

use axum::Router;
use axum::extract::{Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use civic_core::model::{Lang, ReportId, Status};
use civic_core::protocol::{AreaInput, ChangeStatus, PublishAlert, ReportView, Role};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::page::{Frame, WebLang, actor, badge, datetime, duration, html_response, iso, json_block, phase_label, urlencode};
use crate::service::accounts::{self, Caller, Official, caller_for_token, hex};
use crate::service::work::{self, InboxFilter};
use crate::service::{AppState, ServiceError, alerts, campaigns as campaign_work, photos, reports};

const SESSION_COOKIE: &str = "civic_console";
const LANG_COOKIE: &str = "civic_lang";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(|| async { Redirect::to("/console/queue") }))
        .route("/console/", get(|| async { Redirect::to("/console/queue") }))
        .route("/console/login", get(login_page).post(login))
        .route("/console/logout", post(logout))
        .route("/console/lang/{code}", get(switch_language))
        .route("/console/queue", get(queue))
        .route("/console/overdue", get(overdue))
        .route("/console/reports/{id}", get(report))
        .route("/console/reports/{id}/route", post(route_report))
        .route("/console/reports/{id}/status", post(change_status))
        .route("/console/reports/{id}/reply", post(reply))
        .route("/console/warnings", get(warnings).post(compose_warning))
        .route("/console/warnings/{id}/cancel", post(cancel_warning))
        .route("/console/campaigns", get(campaigns).post(announce_campaign))
        .route("/console/campaigns/{id}/cancel", post(cancel_campaign))
        .route("/console/campaigns/{id}/move", post(move_campaign))
        .route_layer(middleware::from_fn(same_origin))
}

/// A POST whose `Origin` is another site's is refused (with the CSRF token, a second lock).
async fn same_origin(req: Request, next: Next) -> Response {
    if req.method() == Method::POST {
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        if let Some(origin) = req.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
            let theirs = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            if origin == "null" || theirs != host {
                return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
            }
        }
    }
    next.run(req).await
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn lang_of(headers: &HeaderMap) -> WebLang {
    match cookie(headers, LANG_COOKIE) {
        Some("en") => WebLang(Lang::En),
        _ => WebLang(Lang::Vi),
    }
}

/// A signed-in official, with the page's language and the CSRF token forms carry.
struct Session {
    token: String,
    official: Official,
    lang: WebLang,
    csrf: String,
}

impl Session {
    fn caller(&self) -> Caller {
        Caller::Official(self.official.clone())
    }

    fn is_operator(&self) -> bool {
        self.official.has(Role::Operator)
    }

    /// The hidden field every form of this session carries.
    fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.csrf); }
    }

    /// Whether a form's CSRF token is this session's.
    fn check_csrf(&self, given: Option<&str>) -> Result<(), Response> {
        let given = given.unwrap_or("");
        // Compare without an early exit, so timing does not leak how much matched.
        let same = given.len() == self.csrf.len() && given.bytes().zip(self.csrf.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if same {
            Ok(())
        } else {
            Err(html_response(
                StatusCode::FORBIDDEN,
                self.frame(self.lang.t("Yêu cầu bị từ chối", "Request refused"), "").render(html! {
                    h1 { (self.lang.t("Yêu cầu bị từ chối", "Request refused")) }
                    p { (self.lang.t(
                        "Biểu mẫu đã cũ hoặc không đến từ trang này. Hãy tải lại trang và thử lại.",
                        "The form is stale or did not come from this site. Reload the page and try again.")) }
                }),
            ))
        }
    }

    fn frame<'a>(&'a self, title: &'a str, here: &str) -> Frame<'a> {
        console_frame(self.lang, title, here, Some(&self.official))
    }
}

fn csrf_for(token: &str) -> String {
    let digest = Sha256::digest(format!("civic-console-csrf:{token}").as_bytes());
    hex(&digest)[..32].to_owned()
}

/// The official signed in by this request's cookie, or the way to the login page.
async fn session(st: &AppState, headers: &HeaderMap) -> Result<Session, Response> {
    let lang = lang_of(headers);
    let to_login = || Redirect::to("/console/login").into_response();
    let token = cookie(headers, SESSION_COOKIE).ok_or_else(to_login)?.to_owned();
    match caller_for_token(st, &token).await {
        Ok(Caller::Official(official)) => Ok(Session { csrf: csrf_for(&token), token, official, lang }),
        Ok(Caller::Device { .. }) | Err(ServiceError::Unauthenticated(_)) => Err(to_login()),
        Err(e) => Err(failure(lang, &e)),
    }
}

macro_rules! signed_in {
    ($st:expr, $headers:expr) => {
        match session(&$st, &$headers).await {
            Ok(s) => s,
            Err(r) => return r,
        }
    };
}

fn console_frame<'a>(lang: WebLang, title: &'a str, here: &str, official: Option<&Official>) -> Frame<'a> {
    let mut nav = Vec::new();
    if let Some(o) = official {
        let operator = o.has(Role::Operator);
        nav.push((
            "/console/queue".to_owned(),
            if operator { lang.t("Phản ánh mới", "New reports") } else { lang.t("Việc mới", "New work") },
            here == "queue",
        ));
        nav.push(("/console/overdue".to_owned(), lang.t("Quá hạn", "Overdue"), here == "overdue"));
        if operator {
            nav.push(("/console/warnings".to_owned(), lang.t("Cảnh báo", "Warnings"), here == "warnings"));
            nav.push(("/console/campaigns".to_owned(), lang.t("Chủ nhật xanh", "Green Sunday"), here == "campaigns"));
        }
    }
    let back = match here {
        "queue" | "overdue" | "warnings" | "campaigns" => format!("/console/{here}"),
        "" => "/console/queue".to_owned(),
        other => other.to_owned(),
    };
    Frame {
        lang,
        title,
        site: lang.t("Trung tâm điều hành", "Operations centre"),
        home: "/console/queue",
        nav,
        other_lang: Some(format!("/console/lang/{}?back={}", lang.other().code(), urlencode(&back))),
        map: false,
        console_js: false,
    }
}

fn failure(lang: WebLang, e: &ServiceError) -> Response {
    tracing::warn!(error = %e, "a console page failed");
    let frame = console_frame(lang, lang.t("Lỗi", "Error"), "", None);
    html_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        frame.render(html! {
            h1 { (lang.t("Có lỗi xảy ra", "Something went wrong")) }
            p { (lang.t("Vui lòng thử lại sau ít phút.", "Please try again in a few minutes.")) }
        }),
    )
}

/// A refusal by the rules, in the official's language where we know its kind.
fn explain(e: &ServiceError, lang: WebLang) -> String {
    let kind = match e {
        ServiceError::Forbidden(_) => "forbidden",
        ServiceError::TooLarge(_) => "too-large",
        ServiceError::UnsupportedMedia(_) => "unsupported-media-type",
        other => other.kind(),
    };
    let known = match kind {
        "reason-required" => Some(lang.t("Cần ghi lý do từ chối.", "A rejection needs a reason.")),
        "note-required" => Some(lang.t("Cần ghi rõ đã xử lý những gì.", "Say what was done.")),
        "after-photo-required" => Some(lang.t(
            "Cần ảnh sau khi xử lý, có vị trí GPS của nơi chụp.",
            "A resolution needs an after-photo with the GPS position it was taken at.",
        )),
        "after-photo-too-far" => {
            Some(lang.t("Ảnh sau xử lý được chụp quá xa vị trí phản ánh.", "The after-photo was taken too far from the report."))
        }
        "illegal-transition" => {
            Some(lang.t(
                "Không thể chuyển sang trạng thái này từ trạng thái hiện tại.",
                "The report cannot move to that status from where it is.",
            ))
        }
        "unknown-original" | "original-required" => Some(lang.t("Cần ghi đúng số của phản ánh gốc.", "Give the original report's number.")),
        "unknown-unit" => Some(lang.t("Không có đơn vị này.", "There is no such unit.")),
        "forbidden" => Some(lang.t("Tài khoản của bạn không được làm việc này.", "Your account may not do this.")),
        "too-large" => Some(lang.t("Ảnh quá lớn.", "The photo is too large.")),
        "unsupported-media-type" | "photo-unreadable" | "photo-empty" => {
            Some(lang.t("Tệp không phải là ảnh đọc được.", "The file is not a readable photo."))
        }
        "no-text" => Some(lang.t("Cần nội dung cảnh báo tiếng Việt.", "The warning needs its Vietnamese text.")),
        "no-area" => Some(lang.t("Cần chọn hoặc vẽ ít nhất một vùng.", "Pick or draw at least one area.")),
        "bad-time" => Some(lang.t("Thời điểm hết hiệu lực phải ở tương lai.", "The end time must be in the future.")),
        "too-long" => Some(lang.t("Nội dung quá dài.", "A text is too long.")),
        "bad-area" => Some(lang.t("Vùng vẽ không hợp lệ.", "The drawn area is not valid.")),
        _ => None,
    };
    match known {
        Some(m) => m.to_owned(),
        None => format!("{} ({e})", lang.t("Không thực hiện được", "Not done")),
    }
}

// ---- Signing in and out ----

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

async fn login_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if session(&st, &headers).await.is_ok() {
        return Redirect::to("/console/queue").into_response();
    }
    login_form(lang_of(&headers), None, "", StatusCode::OK)
}

fn login_form(lang: WebLang, error: Option<&str>, username: &str, status: StatusCode) -> Response {
    let frame = console_frame(lang, lang.t("Đăng nhập", "Sign in"), "/console/login", None);
    html_response(
        status,
        frame.render(html! {
            h1 { (lang.t("Đăng nhập trung tâm điều hành", "Sign in to the operations centre")) }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form.narrow method="post" action="/console/login" {
                div.field {
                    label for="username" { (lang.t("Tên đăng nhập", "Username")) }
                    input #username name="username" type="text" autocomplete="username" required value=(username);
                }
                div.field {
                    label for="password" { (lang.t("Mật khẩu", "Password")) }
                    input #password name="password" type="password" autocomplete="current-password" required;
                }
                button type="submit" { (lang.t("Đăng nhập", "Sign in")) }
            }
        }),
    )
}

async fn login(State(st): State<AppState>, headers: HeaderMap, axum::Form(form): axum::Form<LoginForm>) -> Response {
    let lang = lang_of(&headers);
    // The console's session ends when left unused (a shared desk), unlike the API's.
    match accounts::console_login(&st, &form.username, form.password).await {
        Ok(session) => {
            let secure = if st.limits.public_url.as_deref().is_some_and(|u| u.starts_with("https://")) { "; Secure" } else { "" };
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
                session.token,
                accounts::SESSION_HOURS * 3600
            );
            let mut r = Redirect::to("/console/queue").into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(ServiceError::Unauthenticated(_)) => login_form(
            lang,
            Some(lang.t("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.")),
            &form.username,
            StatusCode::UNAUTHORIZED,
        ),
        Err(e) => failure(lang, &e),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: Option<String>,
}

async fn logout(State(st): State<AppState>, headers: HeaderMap, axum::Form(form): axum::Form<CsrfForm>) -> Response {
    let s = signed_in!(st, headers);
    if let Err(r) = s.check_csrf(form.csrf.as_deref()) {
        return r;
    }
    if let Err(e) = accounts::logout(&st, &s.token).await {
        return failure(s.lang, &e);
    }
    let mut r = Redirect::to("/console/login").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_static("civic_console=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0"));
    r
}

#[derive(Deserialize)]
struct Back {
    #[serde(default)]
    back: String,
}

/// `/console/lang/{vi|en}?back=…`: remembers the console's language in a cookie.
async fn switch_language(Path(code): Path<String>, Query(b): Query<Back>) -> Response {
    let code = if code == "en" { "en" } else { "vi" };
    let safe = b.back.starts_with("/console/") && !b.back.contains("//") && !b.back.contains('\\');
    let mut r = Redirect::to(if safe { &b.back } else { "/console/queue" }).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{LANG_COOKIE}={code}; Path=/console; SameSite=Lax; Max-Age=31536000")) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// The signed-in user's line: who, and the sign-out button.
fn userbar(s: &Session) -> Markup {
    html! {
        form.userbar method="post" action="/console/logout" {
            span { (s.lang.t("Đang đăng nhập:", "Signed in as")) " " strong #whoami { (s.official.username) } }
            (s.csrf_field())
            button.secondary type="submit" { (s.lang.t("Đăng xuất", "Sign out")) }
        }
    }
}

// ---- Lists ----

#[derive(Default, Deserialize)]
struct Done {
    #[serde(default)]
    done: String,
    #[serde(default)]
    n: String,
    /// The queue's filter: a ward's or commune's code (empty: the whole city).
    #[serde(default)]
    ward: String,
}

fn flash(d: &Done, lang: WebLang) -> Markup {
    let what = match d.done.as_str() {
        "routed" => lang.t("Đã chuyển phản ánh", "Routed report"),
        "status" => lang.t("Đã cập nhật phản ánh", "Updated report"),
        "reply" => lang.t("Đã gửi trả lời cho phản ánh", "Sent the reply on report"),
        "published" => lang.t("Đã phát cảnh báo", "Published the warning"),
        "cancelled" => lang.t("Đã huỷ cảnh báo", "Cancelled the warning"),
        "announced" => lang.t("Đã công bố chiến dịch", "Announced the campaign"),
        "called-off" => lang.t("Đã huỷ chiến dịch", "Called off the campaign"),
        "moved" => lang.t("Đã dời lịch chiến dịch", "Moved the campaign"),
        _ => return html! {},
    };
    html! { p.flash role="status" { (what) " " (d.n) } }
}

async fn inbox(st: &AppState, s: &Session, status: Option<Status>, ward: Option<String>) -> Result<Vec<ReportView>, ServiceError> {
    let mut all = Vec::new();
    let mut after = None;
    // At most a few pages: the console shows the most urgent first.
    for _ in 0..5 {
        let filter = InboxFilter { status, ward: ward.clone(), after: after.take(), limit: Some(200) };
        let page = work::inbox(st, &s.caller(), filter).await?;
        all.extend(page.items);
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    Ok(all)
}

async fn queue(State(st): State<AppState>, headers: HeaderMap, Query(d): Query<Done>) -> Response {
    let s = signed_in!(st, headers);
    let l = s.lang;
    // The operations centre routes what has just arrived; a unit takes up what was routed to it.
    let status = if s.is_operator() { Status::Received } else { Status::Assigned };
    let ward = st.city.area.zone(&d.ward).map(|(w, _)| w.code.clone());
    let items = match inbox(&st, &s, Some(status), ward.clone()).await {
        Ok(i) => i,
        Err(e) => return failure(l, &e),
    };
    let catalog = st.catalog.get();
    let title = if s.is_operator() {
        l.t("Phản ánh mới cần chuyển xử lý", "New reports to route")
    } else {
        l.t("Việc mới của đơn vị", "New work for your unit")
    };
    let body = html! {
        (userbar(&s))
        h1 { (title) " " span.count { "(" (items.len()) ")" } }
        (flash(&d, l))
        form.filters method="get" action="/console/queue" {
            (super::page::ward_select(&st.city, l, "q-ward", ward.as_deref()))
            button.secondary type="submit" { (l.t("Lọc", "Filter")) }
        }
        @if items.is_empty() {
            p #empty { (l.t("Không có phản ánh nào đang chờ.", "Nothing is waiting.")) }
        } @else {
            div.table-wrap { table #queue {
                caption { (title) }
                thead { tr {
                    th scope="col" { (l.t("Số", "Number")) }
                    th scope="col" { (l.t("Lĩnh vực", "Category")) }
                    th scope="col" { (l.t("Phường, xã", "Ward or commune")) }
                    th scope="col" { (l.t("Tiếp nhận", "Received")) }
                    th scope="col" { (l.t("Hạn xử lý", "Due")) }
                    th scope="col" { (l.t("Thao tác", "Action")) }
                } }
                tbody {
                    @for r in &items {
                        tr data-number=(r.public_number) {
                            th scope="row" { a href={ "/console/reports/" (r.id) } { (r.public_number) } }
                            td { (catalog.get(&r.category).map_or(r.category.as_str(), |c| c.name.get(l.0))) }
                            td { @if let Some(w) = &r.ward { (w.name.get(l.0)) } }
                            td { time datetime=(iso(r.received_at)) { (datetime(r.received_at, st.city.utc_offset)) } }
                            td class=[(r.due_at < st.now()).then_some("late")] { time datetime=(iso(r.due_at)) { (datetime(r.due_at, st.city.utc_offset)) } }
                            td {
                                @if s.is_operator() {
                                    form.inline method="post" action={ "/console/reports/" (r.id) "/route" } {
                                        (s.csrf_field())
                                        label.visually-hidden for={ "unit-" (r.id) } { (l.t("Đơn vị xử lý cho", "Unit for")) " " (r.public_number) }
                                        select id={ "unit-" (r.id) } name="unit" { (unit_options(&catalog, l, &r.unit)) }
                                        button type="submit" { (l.t("Chuyển", "Route")) }
                                    }
                                } @else {
                                    form.inline method="post" action={ "/console/reports/" (r.id) "/status" } enctype="multipart/form-data" {
                                        (s.csrf_field())
                                        input type="hidden" name="to" value="in_progress";
                                        button type="submit" { (l.t("Nhận xử lý", "Take it on")) }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
        }
    };
    html_response(StatusCode::OK, s.frame(title, "queue").render(body))
}

async fn overdue(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let s = signed_in!(st, headers);
    let l = s.lang;
    let items = match inbox(&st, &s, None, None).await {
        Ok(i) => i,
        Err(e) => return failure(l, &e),
    };
    let t = st.now();
    let late: Vec<&ReportView> = items.iter().filter(|r| r.due_at < t).collect();
    let catalog = st.catalog.get();
    let title = l.t("Phản ánh quá hạn", "Overdue reports");
    let body = html! {
        (userbar(&s))
        h1 { (title) " " span.count { "(" (late.len()) ")" } }
        @if late.is_empty() {
            p #empty { (l.t("Không có phản ánh nào quá hạn.", "No report is overdue.")) }
        } @else {
            div.table-wrap { table #overdue {
                caption { (l.t("Quá hạn lâu nhất trước", "Most overdue first")) }
                thead { tr {
                    th scope="col" { (l.t("Số", "Number")) }
                    th scope="col" { (l.t("Lĩnh vực", "Category")) }
                    th scope="col" { (l.t("Đơn vị", "Unit")) }
                    th scope="col" { (l.t("Trạng thái", "Status")) }
                    th scope="col" { (l.t("Quá hạn", "Late by")) }
                } }
                tbody {
                    @for r in &late {
                        tr data-number=(r.public_number) {
                            th scope="row" { a href={ "/console/reports/" (r.id) } { (r.public_number) } }
                            td { (catalog.get(&r.category).map_or(r.category.as_str(), |c| c.name.get(l.0))) }
                            td { (catalog.unit(&r.unit).map_or(r.unit.as_str(), |u| u.name.get(l.0))) }
                            td { (badge(r.status, l)) }
                            td.late { (duration((t - r.due_at).as_seconds_f64() / 3600.0, l)) }
                        }
                    }
                }
            } }
        }
    };
    html_response(StatusCode::OK, s.frame(title, "overdue").render(body))
}

// ---- One report ----

async fn report(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>, Query(d): Query<Done>) -> Response {
    let s = signed_in!(st, headers);
    report_page(&st, &s, &id, &d, None, StatusCode::OK).await
}

async fn report_page(st: &AppState, s: &Session, id: &str, d: &Done, error: Option<String>, status: StatusCode) -> Response {
    let l = s.lang;
    let Ok(rid) = id.parse::<ReportId>() else {
        return not_found(s);
    };
    let r = match reports::detail(st, &s.caller(), rid).await {
        Ok(r) => r,
        Err(ServiceError::NotFound(_)) => return not_found(s),
        Err(e) => return failure(l, &e),
    };
    let catalog = st.catalog.get();
    let offset = st.city.utc_offset;
    let next: Vec<Status> = r
        .status
        .next()
        .iter()
        .copied()
        .filter(|n| matches!(n, Status::Assigned | Status::InProgress | Status::Resolved | Status::Rejected | Status::Duplicate))
        .filter(|n| *n != Status::Assigned || s.is_operator())
        .collect();
    let category = catalog.get(&r.category).map_or(r.category.clone(), |c| c.name.get(l.0).to_owned());
    let map_data = json!({
        "tiles": st.limits.tile_url,
        "attribution": super::page::map_attribution(&st.city, l),
        "reports": [{ "number": r.public_number, "lat": r.location.lat, "lon": r.location.lon, "status": r.status.as_str(),
                      "statusLabel": r.status.label(l.0), "category": category }],
        "zoom": 17,
        "label": l.t("Vị trí phản ánh", "Where the report is"),
    });
    let title = format!("{} {}", r.public_number, category);
    let body = html! {
        (userbar(s))
        h1 { (r.public_number) " · " (category) }
        (flash(d, l))
        @if let Some(e) = &error { p.error role="alert" #form-error { (e) } }
        p.meta {
            (badge(r.status, l))
            @if let Some(w) = &r.ward { " · " (w.name.get(l.0)) }
            " · " a href={ "/" (l.code()) "/reports/" (r.public_number) } { (l.t("Trang công khai", "Public page")) }
        }
        div.columns {
            div {
                dl.facts {
                    div { dt { (l.t("Đơn vị xử lý", "Unit")) } dd #unit { (catalog.unit(&r.unit).map_or(r.unit.as_str(), |u| u.name.get(l.0))) } }
                    div { dt { (l.t("Tiếp nhận", "Received")) } dd { (datetime(r.received_at, offset)) } }
                    div { dt { (l.t("Hạn xử lý", "Due")) } dd class=[(r.due_at < st.now()).then_some("late")] { (datetime(r.due_at, offset)) } }
                    div { dt { (l.t("Vị trí", "Position")) } dd { (format!("{:.5}, {:.5}", r.location.lat, r.location.lon)) " (±" (r.location.accuracy_m.round()) " m)" } }
                    div {
                        dt { (l.t("Người phản ánh", "Reported by")) }
                        dd {
                            @match &r.reporter {
                                Some(p) => {
                                    (p.display_name.as_deref().unwrap_or("—"))
                                    @if let Some(phone) = &p.phone { " · " a href={ "tel:" (phone) } { (phone) } }
                                    @if let Some(email) = &p.email { " · " a href={ "mailto:" (email) } { (email) } }
                                },
                                None => { (l.t("Ẩn danh", "Anonymous")) },
                            }
                        }
                    }
                    @if r.supporters > 0 { div { dt { (l.t("Cùng phản ánh", "Me too")) } dd { (r.supporters) } } }
                    @if let Some(rating) = &r.rating { div { dt { (l.t("Đánh giá", "Rating")) } dd { (rating.stars) " / 5" } } }
                }
                @if !r.description.is_empty() { p.desc { (r.description) } }
                @if !r.photos.is_empty() {
                    ul.photos {
                        @for (i, p) in r.photos.iter().enumerate() {
                            li { a href={ "/api/v1/photos/" (p) } { img src={ "/api/v1/photos/" (p) } width="240" height="180" loading="lazy"
                                alt={ (l.t("Ảnh phản ánh", "Report photo")) " " (i + 1) }; } }
                        }
                    }
                }
            }
            div #map.map.small-map role="region" aria-label=(l.t("Vị trí phản ánh", "Where the report is")) {}
        }
        (json_block("map-data", &map_data))
        @if !next.is_empty() {
            section aria-labelledby="status-h" {
                h2 #status-h { (l.t("Cập nhật trạng thái", "Change the status")) }
                form #status-form method="post" action={ "/console/reports/" (r.id) "/status" } enctype="multipart/form-data" {
                    (s.csrf_field())
                    div.field {
                        label for="to" { (l.t("Trạng thái mới", "New status")) }
                        select #to name="to" required {
                            @for n in &next { option value=(n.as_str()) { (n.label(l.0)) } }
                        }
                    }
                    @if s.is_operator() && next.contains(&Status::Assigned) {
                        div.field {
                            label for="unit-select" { (l.t("Đơn vị (khi chuyển)", "Unit (when routing)")) }
                            select #unit-select name="unit" { (unit_options(&catalog, l, &r.unit)) }
                        }
                    }
                    div.field {
                        label for="note" { (l.t("Ghi chú công khai (bắt buộc khi xử lý xong hoặc từ chối)", "Public note (required to resolve or reject)")) }
                        textarea #note name="note" rows="3" maxlength="2000" {}
                    }
                    div.field {
                        label for="photo" { (l.t("Ảnh sau xử lý (bắt buộc khi xử lý xong; ảnh có vị trí GPS)", "After-photo (required to resolve; a photo with its GPS position)")) }
                        input #photo name="photo" type="file" accept="image/jpeg,image/png";
                    }
                    div.field {
                        label for="duplicate_of" { (l.t("Số phản ánh gốc (khi trùng)", "Original report number (for a duplicate)")) }
                        input #duplicate_of name="duplicate_of" type="text" placeholder="HUE-2026-000001";
                    }
                    button type="submit" { (l.t("Cập nhật", "Update")) }
                }
            }
        }
        section aria-labelledby="reply-h" {
            h2 #reply-h { (l.t("Trả lời người dân", "Reply to the citizen")) }
            form method="post" action={ "/console/reports/" (r.id) "/reply" } {
                (s.csrf_field())
                div.field {
                    label for="reply-text" { (l.t("Nội dung trả lời (công khai)", "Reply (public)")) }
                    textarea #reply-text name="text" rows="3" maxlength="2000" required {}
                }
                button type="submit" { (l.t("Gửi trả lời", "Send reply")) }
            }
        }
        h2 { (l.t("Quá trình xử lý", "Timeline")) }
        ol.timeline {
            @for e in &r.timeline {
                li {
                    time datetime=(iso(e.at)) { (datetime(e.at, offset)) }
                    " · " span.actor { (actor(e.actor, l)) }
                    @if let Some(st) = e.status { " · " (badge(st, l)) }
                    @if let Some(n) = &e.note { p.note { (n) } }
                    @if let Some(p) = &e.photo { a href={ "/api/v1/photos/" (p) } { img src={ "/api/v1/photos/" (p) } width="200" height="150" loading="lazy" alt=(l.t("Ảnh sau xử lý", "After-photo")); } }
                }
            }
        }
    };
    let mut frame = s.frame(&title, &format!("/console/reports/{}", r.id));
    frame.map = true;
    frame.console_js = true;
    html_response(status, frame.render(body))
}

fn not_found(s: &Session) -> Response {
    let l = s.lang;
    html_response(
        StatusCode::NOT_FOUND,
        s.frame(l.t("Không tìm thấy", "Not found"), "").render(html! {
            (userbar(s))
            h1 { (l.t("Không tìm thấy phản ánh", "No such report")) }
            p { (l.t("Phản ánh không tồn tại hoặc không thuộc đơn vị của bạn.", "The report does not exist or is not your unit's.")) }
        }),
    )
}

#[derive(Deserialize)]
struct RouteForm {
    #[serde(default)]
    csrf: Option<String>,
    unit: String,
}

async fn route_report(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<RouteForm>,
) -> Response {
    let s = signed_in!(st, headers);
    if let Err(r) = s.check_csrf(form.csrf.as_deref()) {
        return r;
    }
    let Ok(rid) = id.parse::<ReportId>() else { return not_found(&s) };
    let req =
        ChangeStatus { to: Status::Assigned, note: None, photo: None, photo_location: None, duplicate_of: None, unit: Some(form.unit) };
    match work::change_status(&st, &s.caller(), rid, req).await {
        Ok(v) => Redirect::to(&format!("/console/queue?done=routed&n={}", urlencode(&v.public_number))).into_response(),
        Err(e) => report_page(&st, &s, &id, &Done::default(), Some(explain(&e, s.lang)), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// The status form, sent as multipart for its after-photo.
async fn change_status(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>, mut form: Multipart) -> Response {
    let s = signed_in!(st, headers);
    let l = s.lang;
    let Ok(rid) = id.parse::<ReportId>() else { return not_found(&s) };
    let mut fields: std::collections::HashMap<String, String> = Default::default();
    let mut photo: Option<axum::body::Bytes> = None;
    let none = Done::default();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_owned();
                let value = field.bytes().await;
                match (name.as_str(), value) {
                    ("photo", Ok(bytes)) => photo = Some(bytes).filter(|b| !b.is_empty()),
                    (_, Ok(bytes)) => {
                        fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
                    }
                    (_, Err(e)) => {
                        let msg = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                            explain(&ServiceError::TooLarge(String::new()), l)
                        } else {
                            e.body_text()
                        };
                        return report_page(&st, &s, &id, &none, Some(msg), e.status()).await;
                    }
                }
            }
            Ok(None) => break,
            Err(e) => return report_page(&st, &s, &id, &none, Some(e.body_text()), StatusCode::BAD_REQUEST).await,
        }
    }
    if let Err(r) = s.check_csrf(fields.get("csrf").map(String::as_str)) {
        return r;
    }
    let Some(to) = fields.get("to").and_then(|t| t.parse::<Status>().ok()) else {
        return report_page(
            &st,
            &s,
            &id,
            &none,
            Some(l.t("Chọn trạng thái mới.", "Pick the new status.").into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let text = |k: &str| fields.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let mut req = ChangeStatus {
        to,
        note: text("note"),
        photo: None,
        photo_location: None,
        duplicate_of: text("duplicate_of"),
        unit: if to == Status::Assigned { text("unit") } else { None },
    };
    if let Some(bytes) = photo {
        // Where the after-photo was taken comes from its own EXIF GPS (read before the
        // server strips it); a desktop browser has no position of its own to offer.
        let refuse = |msg: &str| report_page(&st, &s, &id, &none, Some(msg.to_owned()), StatusCode::UNPROCESSABLE_ENTITY);
        match civic_core::photo::dimensions(&bytes) {
            Err(_) => {
                return refuse(l.t("Tệp không phải là ảnh đọc được (JPEG hoặc PNG).", "The file is not a readable photo (JPEG or PNG)."))
                    .await;
            }
            Ok((w, h)) if u64::from(w) * u64::from(h) > st.limits.max_photo_pixels => {
                return refuse(l.t("Ảnh quá lớn.", "The photo is too large.")).await;
            }
            Ok(_) => {}
        }
        let hints = civic_core::photo::read_hints(&bytes);
        let Some(fix) = civic_core::photo::photo_fix(&hints, st.now()) else {
            let msg = l.t(
                "Ảnh không có vị trí GPS. Hãy chụp ảnh khi bật định vị, hoặc cập nhật từ ứng dụng điện thoại.",
                "The photo has no GPS position. Take it with location on, or resolve from the phone app.",
            );
            return report_page(&st, &s, &id, &none, Some(msg.into()), StatusCode::UNPROCESSABLE_ENTITY).await;
        };
        let hash = hex(&Sha256::digest(&bytes));
        if let Err(e) = photos::store(&st, hash.clone(), bytes).await {
            return report_page(&st, &s, &id, &none, Some(explain(&e, l)), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        req.photo = Some(hash);
        req.photo_location = Some(fix);
    }
    match work::change_status(&st, &s.caller(), rid, req).await {
        Ok(v) => Redirect::to(&format!("/console/reports/{id}?done=status&n={}", urlencode(&v.public_number))).into_response(),
        Err(e) => report_page(&st, &s, &id, &none, Some(explain(&e, l)), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default)]
    csrf: Option<String>,
    text: String,
}

async fn reply(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ReplyForm>,
) -> Response {
    let s = signed_in!(st, headers);
    if let Err(r) = s.check_csrf(form.csrf.as_deref()) {
        return r;
    }
    let Ok(rid) = id.parse::<ReportId>() else { return not_found(&s) };
    let none = Done::default();
    match work::reply(&st, &s.caller(), rid, &form.text).await {
        Ok(v) => Redirect::to(&format!("/console/reports/{id}?done=reply&n={}", urlencode(&v.public_number))).into_response(),
        Err(e) => report_page(&st, &s, &id, &none, Some(explain(&e, s.lang)), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

// ---- Warnings ----

/// The composer's fields as typed, kept to show them again with a preview or an error.
#[derive(Debug, Default)]
struct Composer {
    topic: String,
    severity: String,
    urgency: String,
    certainty: String,
    expires: String,
    wards: Vec<String>,
    polygon: String,
    polygon_name: String,
    vi: [String; 4],
    en: [String; 4],
}

const SEVERITIES: &[(&str, &str, &str)] = &[
    ("Extreme", "Cực kỳ nguy hiểm", "Extreme"),
    ("Severe", "Nguy hiểm", "Severe"),
    ("Moderate", "Trung bình", "Moderate"),
    ("Minor", "Nhẹ", "Minor"),
];
const URGENCIES: &[(&str, &str, &str)] = &[
    ("Immediate", "Ngay lập tức", "Immediate"),
    ("Expected", "Sắp xảy ra (trong 1 giờ)", "Expected (within the hour)"),
    ("Future", "Trong thời gian tới", "Future"),
];
const CERTAINTIES: &[(&str, &str, &str)] =
    &[("Observed", "Đã xảy ra", "Observed"), ("Likely", "Nhiều khả năng", "Likely"), ("Possible", "Có thể", "Possible")];
const TEXT_FIELDS: [(&str, &str, &str); 4] = [
    ("event", "Sự kiện", "Event"),
    ("headline", "Tiêu đề (dưới 160 ký tự)", "Headline (under 160 characters)"),
    ("description", "Mô tả", "Description"),
    ("instruction", "Hướng dẫn người dân", "What residents should do"),
];

impl Composer {
    fn from_pairs(pairs: &[(String, String)]) -> (Composer, Option<String>) {
        let mut c = Composer::default();
        let mut csrf = None;
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => csrf = Some(v.clone()),
                "topic" => c.topic = v.clone(),
                "severity" => c.severity = v.clone(),
                "urgency" => c.urgency = v.clone(),
                "certainty" => c.certainty = v.clone(),
                "expires" => c.expires = v.clone(),
                "ward" => c.wards.push(v.clone()),
                "polygon" => c.polygon = v.clone(),
                "polygon_name" => c.polygon_name = v.clone(),
                _ => {
                    for (i, (name, _, _)) in TEXT_FIELDS.iter().enumerate() {
                        if k.strip_prefix("vi_") == Some(name) {
                            c.vi[i] = v.clone();
                        }
                        if k.strip_prefix("en_") == Some(name) {
                            c.en[i] = v.clone();
                        }
                    }
                }
            }
        }
        (c, csrf)
    }

    /// The API's request, or what is wrong with the form.
    fn request(&self, st: &AppState, lang: WebLang) -> Result<PublishAlert, String> {
        let offset = st.city.utc_offset;
        let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
        let expires = time::PrimitiveDateTime::parse(self.expires.trim(), &format)
            .map(|t| t.assume_offset(offset))
            .map_err(|_| lang.t("Nhập thời điểm hết hiệu lực.", "Give the end time.").to_owned())?;
        let mut areas: Vec<AreaInput> = self.wards.iter().map(|code| AreaInput::Named { code: code.clone() }).collect();
        if !self.polygon.trim().is_empty() {
            let points = parse_polygon(&self.polygon).ok_or_else(|| {
                lang.t("Vùng vẽ cần ít nhất 3 điểm \"vĩ độ,kinh độ\".", "A drawn area needs at least 3 \"lat,lon\" points.").to_owned()
            })?;
            let description = if self.polygon_name.trim().is_empty() {
                lang.t("Vùng được vẽ", "Drawn area").to_owned()
            } else {
                self.polygon_name.trim().to_owned()
            };
            areas.push(AreaInput::Polygon { description, points });
        }
        let text = |lang_tag: &str, t: &[String; 4]| {
            json!({
                "language": lang_tag,
                "event": t[0].trim(),
                "headline": t[1].trim(),
                "description": Some(t[2].trim()).filter(|s| !s.is_empty()),
                "instruction": Some(t[3].trim()).filter(|s| !s.is_empty()),
            })
        };
        let mut texts = vec![text("vi-VN", &self.vi)];
        if self.en.iter().any(|s| !s.trim().is_empty()) {
            texts.push(text("en-US", &self.en));
        }
        let value = json!({
            "topic": self.topic,
            "urgency": self.urgency,
            "severity": self.severity,
            "certainty": self.certainty,
            "expires": expires.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            "texts": texts,
            "areas": areas,
        });
        serde_json::from_value(value).map_err(|e| format!("{} ({e})", lang.t("Biểu mẫu chưa đủ thông tin", "The form is incomplete")))
    }
}

/// `lat,lon; lat,lon; …` as a closed ring of at least three points.
fn parse_polygon(s: &str) -> Option<Vec<(f64, f64)>> {
    let mut points = Vec::new();
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (lat, lon) = part.split_once(',')?;
        let (lat, lon): (f64, f64) = (lat.trim().parse().ok()?, lon.trim().parse().ok()?);
        if !lat.is_finite() || !lon.is_finite() || lat.abs() > 90.0 || lon.abs() > 180.0 {
            return None;
        }
        points.push((lat, lon));
    }
    if points.first() != points.last() {
        points.push(*points.first()?);
    }
    (points.len() >= 4).then_some(points)
}

async fn warnings(State(st): State<AppState>, headers: HeaderMap, Query(d): Query<Done>) -> Response {
    let s = signed_in!(st, headers);
    let expires = (st.now() + time::Duration::hours(6)).to_offset(st.city.utc_offset);
    let c = Composer {
        topic: "flood".into(),
        severity: "Severe".into(),
        urgency: "Expected".into(),
        certainty: "Likely".into(),
        expires: format!("{:04}-{:02}-{:02}T{:02}:00", expires.year(), u8::from(expires.month()), expires.day(), expires.hour()),
        ..Composer::default()
    };
    warnings_page(&st, &s, &c, &d, None, None, StatusCode::OK).await
}

async fn warnings_page(
    st: &AppState,
    s: &Session,
    c: &Composer,
    d: &Done,
    preview: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let l = s.lang;
    if !s.is_operator() {
        return operators_only(
            s,
            l.t("Cảnh báo", "Warnings"),
            "warnings",
            l.t("Chỉ trung tâm điều hành được phát cảnh báo.", "Only the operations centre publishes warnings."),
        );
    }
    let active = match alerts::list(st, false, 50).await {
        Ok(a) => a,
        Err(e) => return failure(l, &e),
    };
    let title = l.t("Cảnh báo", "Warnings");
    let body = html! {
        (userbar(s))
        h1 { (title) }
        (flash(d, l))
        section aria-labelledby="active-h" {
            h2 #active-h { (l.t("Đang có hiệu lực", "In force")) }
            @if active.is_empty() {
                p { (l.t("Không có cảnh báo nào đang có hiệu lực.", "No warning is in force.")) }
            } @else {
                ul.warning-list {
                    @for w in &active {
                        li {
                            @let info = w.message.info.first();
                            strong { (info.map_or("", |i| i.event.as_str())) } ": " (info.and_then(|i| i.headline.as_deref()).unwrap_or(""))
                            " · " a href={ "/cap/alerts/" (w.message.identifier) } { "CAP" }
                            form.inline method="post" action={ "/console/warnings/" (w.id) "/cancel" } {
                                (s.csrf_field())
                                label.visually-hidden for={ "cancel-" (w.id) } { (l.t("Lý do huỷ", "Why it is cancelled")) }
                                input id={ "cancel-" (w.id) } name="note" type="text" placeholder=(l.t("Lý do huỷ", "Why it is cancelled"));
                                button.secondary type="submit" { (l.t("Huỷ cảnh báo", "Cancel warning")) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="compose-h" {
            h2 #compose-h { (l.t("Soạn cảnh báo mới", "Compose a warning")) }
            @if let Some(e) = &error { p.error role="alert" #form-error { (e) } }
            form #composer method="post" action="/console/warnings"
                data-confirm=(l.t("Phát cảnh báo này tới người dân trong vùng?", "Send this warning to the residents of the area?")) {
                (s.csrf_field())
                div.columns {
                    div {
                        (select_field("topic", l.t("Loại cảnh báo", "Topic"), &c.topic,
                            &civic_core::warning::TOPICS.iter().map(|(code, vi, en)| (*code, *vi, *en)).collect::<Vec<_>>(), l))
                        (select_field("severity", l.t("Mức độ nghiêm trọng", "Severity"), &c.severity, SEVERITIES, l))
                        (select_field("urgency", l.t("Mức độ khẩn cấp", "Urgency"), &c.urgency, URGENCIES, l))
                        (select_field("certainty", l.t("Mức độ chắc chắn", "Certainty"), &c.certainty, CERTAINTIES, l))
                        div.field {
                            label for="expires" { (l.t("Hết hiệu lực lúc (giờ địa phương)", "Ends at (local time)")) }
                            input #expires name="expires" type="datetime-local" required value=(c.expires);
                        }
                        (ward_checks(st, l, l.t("Vùng: chọn phường, xã", "Areas: pick wards and communes"), &c.wards))
                    }
                    div {
                        p.small { (l.t("Hoặc vẽ vùng: bấm lên bản đồ để thêm từng đỉnh.", "Or draw an area: click on the map to add each corner.")) }
                        (drawing_map(st, l, l.t("Bản đồ để vẽ vùng cảnh báo", "Map to draw the warning's area"), &c.polygon))
                        div.field {
                            label for="polygon_name" { (l.t("Tên vùng vẽ", "Name of the drawn area")) }
                            input #polygon_name name="polygon_name" type="text" value=(c.polygon_name);
                        }
                    }
                }
                div.columns {
                    fieldset {
                        legend lang="vi" { "Tiếng Việt (bắt buộc)" }
                        (text_fields("vi", &c.vi, true, l))
                    }
                    fieldset {
                        legend lang="en" { "English" }
                        (text_fields("en", &c.en, false, l))
                    }
                }
                div.actions {
                    button.secondary type="submit" name="action" value="preview" { (l.t("Xem trước bản tin CAP", "Preview the CAP message")) }
                    button type="submit" name="action" value="publish" { (l.t("Phát cảnh báo", "Publish the warning")) }
                }
            }
            @if let Some(xml) = &preview {
                section aria-labelledby="preview-h" {
                    h2 #preview-h { (l.t("Bản tin CAP 1.2 sẽ được gửi", "The CAP 1.2 message to be sent")) }
                    p.small { (l.t("Mã định danh và thời điểm gửi sẽ được cấp khi phát.", "The identifier and sent time are given on publishing.")) }
                    pre #cap-preview tabindex="0" { code { (xml) } }
                }
            }
        }
    };
    let mut frame = s.frame(title, "warnings");
    frame.map = true;
    frame.console_js = true;
    html_response(status, frame.render(body))
}

/// A page only operators may use, refused to other officials.
fn operators_only(s: &Session, title: &str, here: &str, why: &str) -> Response {
    html_response(
        StatusCode::FORBIDDEN,
        s.frame(title, here).render(html! {
            (userbar(s))
            p.error { (why) }
        }),
    )
}

/// The units to route to: the city-wide ones, then the wards' and communes' People's
/// Committees in alphabetical order.
fn unit_options(catalog: &civic_core::catalog::Catalog, l: WebLang, selected: &str) -> Markup {
    let (mut committees, city_wide): (Vec<_>, Vec<_>) = catalog.units.iter().partition(|u| u.ward.is_some());
    committees.sort_by_cached_key(|u| civic_core::catalog::fold(u.name.get(l.0)));
    html! {
        optgroup label=(l.t("Đơn vị toàn thành phố", "City-wide units")) {
            @for u in city_wide { option value=(u.code) selected[u.code == selected] { (u.name.get(l.0)) } }
        }
        optgroup label=(l.t("UBND phường, xã", "Ward and commune People's Committees")) {
            @for u in committees { option value=(u.code) selected[u.code == selected] { (u.name.get(l.0)) } }
        }
    }
}

/// The city's wards and communes as checkboxes named `ward`, in alphabetical order (the
/// phường, then the xã).
fn ward_checks(st: &AppState, l: WebLang, legend: &str, checked: &[String]) -> Markup {
    let wards = st.city.area.wards_by_name(l.0);
    html! {
        fieldset.wards {
            legend { (legend) }
            @for p in wards {
                div.check {
                    input type="checkbox" name="ward" id={ "w-" (p.code) } value=(p.code) checked[checked.contains(&p.code)];
                    label for={ "w-" (p.code) } { (p.name.get(l.0)) }
                }
            }
        }
    }
}

/// A map of the city to draw an area on (map.js), and the `polygon` field it fills: corners
/// typed there work without the script.
fn drawing_map(st: &AppState, l: WebLang, label: &str, polygon: &str) -> Markup {
    let (min_lat, min_lon, max_lat, max_lon) = st.city.area.bounds();
    let map_data = json!({
        "bounds": [[min_lat, min_lon], [max_lat, max_lon]],
        "tiles": st.limits.tile_url,
        "attribution": super::page::map_attribution(&st.city, l),
        "reports": [],
        "draw": "polygon",
        "label": label,
    });
    html! {
        div #map.map.draw-map role="region" aria-label=(label) {}
        (json_block("map-data", &map_data))
        div.field {
            label for="polygon" { (l.t("Vùng vẽ: các điểm \"vĩ độ,kinh độ\" cách nhau bởi dấu chấm phẩy", "Drawn area: \"lat,lon\" points separated by semicolons")) }
            textarea #polygon name="polygon" rows="3" { (polygon) }
        }
        button.secondary #clear-polygon type="button" hidden { (l.t("Xoá vùng vẽ", "Clear the drawn area")) }
    }
}

fn select_field(name: &str, label: &str, value: &str, options: &[(&str, &'static str, &'static str)], l: WebLang) -> Markup {
    html! {
        div.field {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                @for (code, vi, en) in options { option value=(code) selected[*code == value] { (l.t(vi, en)) } }
            }
        }
    }
}

fn text_fields(prefix: &str, values: &[String; 4], required: bool, l: WebLang) -> Markup {
    html! {
        @for (i, (name, vi, en)) in TEXT_FIELDS.iter().enumerate() {
            div.field {
                @let id = format!("{prefix}_{name}");
                label for=(id) { (l.t(vi, en)) }
                // The text's own language, for spell-checkers and screen readers.
                @if i < 2 {
                    input id=(id) name=(id) lang=(prefix) type="text" maxlength=(if i == 1 { 160 } else { 200 }) required[required] value=(values[i]);
                } @else {
                    textarea id=(id) name=(id) lang=(prefix) rows="3" maxlength="4000" { (values[i]) }
                }
            }
        }
    }
}

async fn compose_warning(State(st): State<AppState>, headers: HeaderMap, axum::Form(pairs): axum::Form<Vec<(String, String)>>) -> Response {
    let s = signed_in!(st, headers);
    let l = s.lang;
    let (composer, csrf) = Composer::from_pairs(&pairs);
    if let Err(r) = s.check_csrf(csrf.as_deref()) {
        return r;
    }
    let none = Done::default();
    let publish = pairs.iter().any(|(k, v)| k == "action" && v == "publish");
    let req = match composer.request(&st, l) {
        Ok(r) => r,
        Err(msg) => return warnings_page(&st, &s, &composer, &none, None, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    if !publish {
        return match alerts::preview(&st, &s.caller(), &req).await {
            Ok(xml) => warnings_page(&st, &s, &composer, &none, Some(xml), None, StatusCode::OK).await,
            Err(e) => warnings_page(&st, &s, &composer, &none, None, Some(explain(&e, l)), StatusCode::UNPROCESSABLE_ENTITY).await,
        };
    }
    match alerts::publish(&st, &s.caller(), &req).await {
        Ok(v) => {
            let headline = v.message.info.first().and_then(|i| i.headline.clone()).unwrap_or_default();
            Redirect::to(&format!("/console/warnings?done=published&n={}", urlencode(&headline))).into_response()
        }
        Err(e) => warnings_page(&st, &s, &composer, &none, None, Some(explain(&e, l)), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

#[derive(Deserialize)]
struct CancelForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    note: String,
}

async fn cancel_warning(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CancelForm>,
) -> Response {
    let s = signed_in!(st, headers);
    if let Err(r) = s.check_csrf(form.csrf.as_deref()) {
        return r;
    }
    let note = Some(form.note).filter(|n| !n.trim().is_empty());
    match alerts::cancel(&st, &s.caller(), id, note.as_deref()).await {
        Ok(_) => Redirect::to("/console/warnings?done=cancelled").into_response(),
        Err(e) => {
            let none = Done::default();
            warnings_page(&st, &s, &Composer::default(), &none, None, Some(explain(&e, s.lang)), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

// ---- Green Sunday: announcing a campaign ----

/// The campaign form as typed (kept to show again with what is wrong).
#[derive(Default)]
struct CampaignForm {
    name_vi: String,
    name_en: String,
    date: String,
    starts: String,
    ends: String,
    wards: Vec<String>,
    polygon: String,
    meeting_points: String,
    categories: Vec<String>,
    goal: String,
}

/// The categories a clean-up counts unless the operator picks others.
const CLEAN_UP_CATEGORIES: &[&str] = &["litter", "illegal-dumping", "overflowing-bin", "blocked-drain"];

impl CampaignForm {
    fn from_pairs(pairs: &[(String, String)]) -> (CampaignForm, Option<String>) {
        let mut f = CampaignForm::default();
        let mut csrf = None;
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => csrf = Some(v.clone()),
                "name_vi" => f.name_vi = v.clone(),
                "name_en" => f.name_en = v.clone(),
                "date" => f.date = v.clone(),
                "starts" => f.starts = v.clone(),
                "ends" => f.ends = v.clone(),
                "ward" => f.wards.push(v.clone()),
                "polygon" => f.polygon = v.clone(),
                "meeting_points" => f.meeting_points = v.clone(),
                "category" => f.categories.push(v.clone()),
                "goal" => f.goal = v.clone(),
                _ => {}
            }
        }
        (f, csrf)
    }

    /// The day and hours, in the city's time.
    fn hours(&self, st: &AppState, lang: WebLang) -> Result<(time::OffsetDateTime, time::OffsetDateTime), String> {
        let offset = st.city.utc_offset;
        let date = time::Date::parse(self.date.trim(), time::macros::format_description!("[year]-[month]-[day]"))
            .map_err(|_| lang.t("Chọn ngày diễn ra.", "Pick the day.").to_owned())?;
        let clock = |s: &str| time::Time::parse(s.trim(), time::macros::format_description!("[hour]:[minute]")).ok();
        let (Some(starts), Some(ends)) = (clock(&self.starts), clock(&self.ends)) else {
            return Err(lang.t("Nhập giờ bắt đầu và giờ kết thúc.", "Give the start and end times.").to_owned());
        };
        Ok((date.with_time(starts).assume_offset(offset), date.with_time(ends).assume_offset(offset)))
    }

    /// The API's request, or what is wrong with the form.
    fn request(&self, st: &AppState, lang: WebLang) -> Result<civic_core::campaign::NewCampaign, String> {
        let (starts_at, ends_at) = self.hours(st, lang)?;
        let mut meeting_points = Vec::new();
        for line in self.meeting_points.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let point = line.rsplit_once('|').and_then(|(name, at)| {
                let (lat, lon) = at.split_once(',')?;
                let (lat, lon): (f64, f64) = (lat.trim().parse().ok()?, lon.trim().parse().ok()?);
                st.city.area.locate(lat, lon).ok()?;
                Some(civic_core::campaign::MeetingPoint { name: name.trim().to_owned(), lat, lon })
            });
            meeting_points.push(point.ok_or_else(|| {
                format!(
                    "{} «{line}»",
                    lang.t(
                        "Điểm tập trung cần dạng \"Tên | vĩ độ, kinh độ\" trong thành phố:",
                        "A meeting point is \"Name | lat, lon\" in the city:"
                    )
                )
            })?);
        }
        let polygon = if self.polygon.trim().is_empty() {
            None
        } else {
            Some(parse_polygon(&self.polygon).ok_or_else(|| {
                lang.t("Vùng vẽ cần ít nhất 3 điểm \"vĩ độ,kinh độ\".", "A drawn area needs at least 3 \"lat,lon\" points.").to_owned()
            })?)
        };
        let goal_spots = match self.goal.trim() {
            "" => None,
            g => Some(g.parse::<u32>().map_err(|_| lang.t("Mục tiêu là một số điểm.", "The goal is a number of spots.").to_owned())?),
        };
        Ok(civic_core::campaign::NewCampaign {
            name: civic_core::model::Localized { vi: self.name_vi.trim().to_owned(), en: self.name_en.trim().to_owned() },
            starts_at,
            ends_at,
            areas: self.wards.clone(),
            polygon,
            meeting_points,
            categories: self.categories.clone(),
            goal_spots,
        })
    }
}

async fn campaigns(State(st): State<AppState>, headers: HeaderMap, Query(d): Query<Done>) -> Response {
    let s = signed_in!(st, headers);
    // Next Sunday, 6:30 to 9:30, the usual clean-up morning.
    let today = st.now().to_offset(st.city.utc_offset).date();
    let sunday = (1..=7).map(|n| today + time::Duration::days(n)).find(|d| d.weekday() == time::Weekday::Sunday).unwrap_or(today);
    let catalog = st.catalog.get();
    let form = CampaignForm {
        date: format!("{:04}-{:02}-{:02}", sunday.year(), u8::from(sunday.month()), sunday.day()),
        starts: "06:30".into(),
        ends: "09:30".into(),
        categories: CLEAN_UP_CATEGORIES.iter().filter(|c| catalog.get(c).is_some()).map(|c| (*c).to_owned()).collect(),
        ..CampaignForm::default()
    };
    campaigns_page(&st, &s, &form, &d, None, StatusCode::OK).await
}

async fn campaigns_page(st: &AppState, s: &Session, f: &CampaignForm, d: &Done, error: Option<String>, status: StatusCode) -> Response {
    let l = s.lang;
    if !s.is_operator() {
        return operators_only(
            s,
            l.t("Chủ nhật xanh", "Green Sunday"),
            "campaigns",
            l.t("Chỉ trung tâm điều hành được tổ chức chiến dịch.", "Only the operations centre announces campaigns."),
        );
    }
    let listed = match campaign_work::list(st).await {
        Ok(v) => v,
        Err(e) => return failure(l, &e),
    };
    let catalog = st.catalog.get();
    let offset = st.city.utc_offset;
    let when = |t: time::OffsetDateTime| {
        let t = t.to_offset(offset);
        format!("{:02}/{:02}/{} {:02}:{:02}", t.day(), u8::from(t.month()), t.year(), t.hour(), t.minute())
    };
    let title = l.t("Chủ nhật xanh", "Green Sunday");
    let body = html! {
        (userbar(s))
        h1 { (title) }
        (flash(d, l))
        section aria-labelledby="listed-h" {
            h2 #listed-h { (l.t("Các chiến dịch", "Campaigns")) }
            @if listed.is_empty() {
                p { (l.t("Chưa có chiến dịch nào.", "No campaign yet.")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (l.t("Tên", "Name")) }
                        th scope="col" { (l.t("Thời gian", "When")) }
                        th scope="col" { (l.t("Tình trạng", "Phase")) }
                        th scope="col" { (l.t("Người tham gia", "Taking part")) }
                        th scope="col" { (l.t("Dời lịch hoặc huỷ", "Move or call off")) }
                    } }
                    tbody {
                        @for c in &listed {
                            tr {
                                td { a href={ "/" (l.code()) "/campaigns/" (c.id) } { (c.name.get(l.0)) } }
                                td { (when(c.starts_at)) }
                                td { (phase_label(c.phase, l)) }
                                td { (c.participants) " · " (c.teams.len()) " " (l.t("đội", "teams")) }
                                td {
                                    @if matches!(c.phase, civic_core::campaign::Phase::Upcoming | civic_core::campaign::Phase::Running) {
                                        @let local = |t: time::OffsetDateTime| t.to_offset(offset);
                                        @let (from, to) = (local(c.starts_at), local(c.ends_at));
                                        form.inline method="post" action={ "/console/campaigns/" (c.id) "/move" } {
                                            (s.csrf_field())
                                            label for={ "move-date-" (c.id) } { (l.t("Dời sang", "Move to")) }
                                            input id={ "move-date-" (c.id) } name="date" type="date" required
                                                value=(format!("{:04}-{:02}-{:02}", from.year(), u8::from(from.month()), from.day()));
                                            label.visually-hidden for={ "move-starts-" (c.id) } { (l.t("Bắt đầu", "Starts")) }
                                            input id={ "move-starts-" (c.id) } name="starts" type="time" required value=(format!("{:02}:{:02}", from.hour(), from.minute()));
                                            label.visually-hidden for={ "move-ends-" (c.id) } { (l.t("Kết thúc", "Ends")) }
                                            input id={ "move-ends-" (c.id) } name="ends" type="time" required value=(format!("{:02}:{:02}", to.hour(), to.minute()));
                                            button.secondary type="submit" { (l.t("Dời lịch", "Move")) }
                                        }
                                        form.inline method="post" action={ "/console/campaigns/" (c.id) "/cancel" } {
                                            (s.csrf_field())
                                            label.visually-hidden for={ "cancel-" (c.id) } { (l.t("Lý do huỷ", "Why it is called off")) }
                                            input id={ "cancel-" (c.id) } name="reason" type="text" required maxlength="500"
                                                placeholder=(l.t("Lý do huỷ (mưa lớn…)", "Why (heavy rain…)"));
                                            button.secondary type="submit" { (l.t("Huỷ chiến dịch", "Call off")) }
                                        }
                                    } @else if let Some(reason) = &c.cancel_reason {
                                        (reason)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="announce-h" {
            h2 #announce-h { (l.t("Công bố chiến dịch mới", "Announce a campaign")) }
            @if let Some(e) = &error { p.error role="alert" #form-error { (e) } }
            form #campaign-form method="post" action="/console/campaigns" {
                (s.csrf_field())
                div.columns {
                    div {
                        div.field {
                            label for="name_vi" lang="vi" { "Tên chiến dịch (tiếng Việt)" }
                            input #name_vi name="name_vi" lang="vi" type="text" maxlength="200" required value=(f.name_vi);
                        }
                        div.field {
                            label for="name_en" lang="en" { "Name (English)" }
                            input #name_en name="name_en" lang="en" type="text" maxlength="200" value=(f.name_en);
                        }
                        div.field {
                            label for="date" { (l.t("Ngày", "Day")) }
                            input #date name="date" type="date" required value=(f.date);
                        }
                        div.field {
                            label for="starts" { (l.t("Bắt đầu (giờ địa phương)", "Starts (local time)")) }
                            input #starts name="starts" type="time" required value=(f.starts);
                        }
                        div.field {
                            label for="ends" { (l.t("Kết thúc", "Ends")) }
                            input #ends name="ends" type="time" required value=(f.ends);
                        }
                        div.field {
                            label for="goal" { (l.t("Mục tiêu: số điểm được dọn (không bắt buộc)", "Goal: spots cleaned (optional)")) }
                            input #goal name="goal" type="number" min="1" max="100000" value=(f.goal);
                        }
                        fieldset {
                            legend { (l.t("Các loại được tính", "What counts")) }
                            @for c in catalog.categories().iter().filter(|c| c.active) {
                                div.check {
                                    input type="checkbox" name="category" id={ "c-" (c.code) } value=(c.code) checked[f.categories.contains(&c.code)];
                                    label for={ "c-" (c.code) } { (c.name.get(l.0)) }
                                }
                            }
                        }
                    }
                    div {
                        (ward_checks(st, l, l.t("Khu vực: chọn phường, xã…", "Area: pick wards and communes…"), &f.wards))
                        p.small { (l.t("…hoặc vẽ khu phố: bấm lên bản đồ để thêm từng góc.", "…or draw the streets: click on the map to add each corner.")) }
                        (drawing_map(st, l, l.t("Bản đồ để vẽ khu vực của chiến dịch", "Map to draw the campaign's area"), &f.polygon))
                        div.field {
                            label for="meeting_points" { (l.t("Điểm tập trung, mỗi dòng một điểm: Tên | vĩ độ, kinh độ", "Meeting points, one a line: Name | lat, lon")) }
                            textarea #meeting_points name="meeting_points" rows="3" { (f.meeting_points) }
                        }
                    }
                }
                div.actions {
                    button type="submit" { (l.t("Công bố chiến dịch", "Announce the campaign")) }
                }
            }
        }
    };
    let mut frame = s.frame(title, "campaigns");
    frame.map = true;
    frame.console_js = true;
    html_response(status, frame.render(body))
}

async fn announce_campaign(
    State(st): State<AppState>,
    headers: HeaderMap,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let s = signed_in!(st, headers);
    let l = s.lang;
    let (form, csrf) = CampaignForm::from_pairs(&pairs);
    if let Err(r) = s.check_csrf(csrf.as_deref()) {
        return r;
    }
    let none = Done::default();
    let req = match form.request(&st, l) {
        Ok(r) => r,
        Err(msg) => return campaigns_page(&st, &s, &form, &none, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match campaign_work::create(&st, &s.caller(), req).await {
        Ok(v) => Redirect::to(&format!("/console/campaigns?done=announced&n={}", urlencode(v.name.get(l.0)))).into_response(),
        Err(e) => {
            let kind = match &e {
                ServiceError::Refused { kind, .. } => *kind,
                _ => "",
            };
            let msg = match kind {
                "bad-time" => l
                    .t("Chiến dịch phải kết thúc sau khi bắt đầu, trong vòng một tuần.", "A campaign ends after it starts, within a week.")
                    .to_owned(),
                "missing-field" => l
                    .t(
                        "Cần tên, ít nhất một khu vực (chọn hoặc vẽ) và một loại được tính.",
                        "Give a name, at least one area (picked or drawn) and one thing that counts.",
                    )
                    .to_owned(),
                "bad-area" => format!("{} ({e})", l.t("Vùng vẽ không hợp lệ", "The drawn area is not valid")),
                _ => explain(&e, l),
            };
            campaigns_page(&st, &s, &form, &none, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

async fn move_campaign(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let s = signed_in!(st, headers);
    let l = s.lang;
    let (form, csrf) = CampaignForm::from_pairs(&pairs);
    if let Err(r) = s.check_csrf(csrf.as_deref()) {
        return r;
    }
    let none = Done::default();
    let (starts_at, ends_at) = match form.hours(&st, l) {
        Ok(t) => t,
        Err(msg) => return campaigns_page(&st, &s, &CampaignForm::default(), &none, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match campaign_work::reschedule(&st, &s.caller(), id, starts_at, ends_at).await {
        Ok(v) => Redirect::to(&format!("/console/campaigns?done=moved&n={}", urlencode(v.name.get(l.0)))).into_response(),
        Err(e) => {
            let msg = match &e {
                ServiceError::Refused { kind: "bad-time", .. } => l
                    .t(
                        "Chiến dịch phải kết thúc sau khi bắt đầu, trong vòng một tuần, và ở tương lai.",
                        "A campaign ends after it starts, within a week, and in the future.",
                    )
                    .to_owned(),
                ServiceError::Conflict { kind: "campaign-cancelled", .. } => {
                    l.t("Chiến dịch đã huỷ.", "The campaign was called off.").to_owned()
                }
                ServiceError::Conflict { kind: "campaign-ended", .. } => {
                    l.t("Chiến dịch đã kết thúc.", "The campaign has ended.").to_owned()
                }
                _ => explain(&e, l),
            };
            campaigns_page(&st, &s, &CampaignForm::default(), &none, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[derive(Deserialize)]
struct CallOffForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    reason: String,
}

async fn cancel_campaign(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CallOffForm>,
) -> Response {
    let s = signed_in!(st, headers);
    if let Err(r) = s.check_csrf(form.csrf.as_deref()) {
        return r;
    }
    match campaign_work::cancel(&st, &s.caller(), id, &form.reason).await {
        Ok(v) => Redirect::to(&format!("/console/campaigns?done=called-off&n={}", urlencode(v.name.get(s.lang.0)))).into_response(),
        Err(e) => {
            let l = s.lang;
            let msg = match &e {
                ServiceError::Refused { kind: "missing-field", .. } => l.t("Cần ghi lý do huỷ.", "Say why it is called off.").to_owned(),
                ServiceError::Conflict { kind: "campaign-ended", .. } => {
                    l.t("Chiến dịch đã kết thúc.", "The campaign has ended.").to_owned()
                }
                _ => explain(&e, l),
            };
            campaigns_page(&st, &s, &CampaignForm::default(), &Done::default(), Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_polygon;

    #[test]
    fn a_drawn_area_is_closed_and_needs_three_corners() {
        assert_eq!(
            parse_polygon("16.1,107.1; 16.2,107.1; 16.2,107.2"),
            Some(vec![(16.1, 107.1), (16.2, 107.1), (16.2, 107.2), (16.1, 107.1)])
        );
        assert_eq!(parse_polygon("16.1,107.1; 16.2,107.1"), None);
        assert_eq!(parse_polygon("16.1,107.1; north,107.1; 16.2,107.2"), None);
        assert_eq!(parse_polygon("96,107.1; 16.2,107.1; 16.2,107.2"), None);
        assert_eq!(parse_polygon(""), None);
    }
}
