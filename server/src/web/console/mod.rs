//! Web edge: the operations-centre console: officials sign in with their account and, from
//! a desktop browser, route new reports, watch the overdue ones, move a report on and reply,
//! compose warnings with a preview of the CAP message, and announce clean-up campaigns.
//!
//! Every action calls the same services as `/api/v1` (the same rules, the same timeline).
//! The session is an HttpOnly, SameSite=Strict cookie holding an ordinary session token;
//! every form carries a CSRF token derived from it, and a POST from another origin is
//! refused before it reaches a handler. This module holds the session and what every page
//! shares; `session` signs in and out, `reports`, `warnings` and `campaigns` are the areas.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use civic_core::model::Lang;
use civic_core::protocol::Role;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::page::{Frame, WebLang, html_response, json_block, urlencode};
use crate::service::accounts::{Caller, Official, caller_for_token, hex};
use crate::service::{AppState, ServiceError};

const SESSION_COOKIE: &str = "civic_console";
const LANG_COOKIE: &str = "civic_lang";

/// The console's routes, every POST checked for its origin first, then done once per form
/// key (`idempotency`).
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/console", get(|| async { Redirect::to("/console/queue") }))
        .route("/console/", get(|| async { Redirect::to("/console/queue") }))
        .route("/console/login", get(session::login_page).post(session::login))
        .route("/console/logout", post(session::logout))
        .route("/console/lang/{code}", get(session::switch_language))
        .route("/console/queue", get(reports::queue))
        .route("/console/overdue", get(reports::overdue))
        .route("/console/reports/{id}", get(reports::report))
        .route("/console/reports/{id}/route", post(reports::route_report))
        .route("/console/reports/{id}/status", post(reports::change_status))
        .route("/console/reports/{id}/reply", post(reports::reply))
        .route("/console/warnings", get(warnings::warnings).post(warnings::compose_warning))
        .route("/console/warnings/{id}/cancel", post(warnings::cancel_warning))
        .route("/console/campaigns", get(campaigns::campaigns).post(campaigns::announce_campaign))
        .route("/console/campaigns/{id}/cancel", post(campaigns::cancel_campaign))
        .route("/console/campaigns/{id}/move", post(campaigns::move_campaign))
        .route_layer(middleware::from_fn_with_state(state.clone(), idempotency::layer))
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
    /// A form's hidden fields: the session's CSRF token, and a key of the form's own, so a form
    /// sent twice is done once (`idempotency`).
    fn csrf_field(&self) -> Markup {
        html! {
            input type="hidden" name="csrf" value=(self.csrf);
            input type="hidden" name=(idempotency::FIELD) value=(uuid::Uuid::now_v7());
        }
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

/// The session of a handler's request; without one, the handler answers with the way to the
/// login page (or the failure page).
macro_rules! signed_in {
    ($st:expr, $headers:expr) => {
        match $crate::web::console::session(&$st, &$headers).await {
            Ok(s) => s,
            Err(r) => return r,
        }
    };
}

// The areas come after `signed_in!`, which they use: a macro is seen by what follows it.
mod campaigns;
mod idempotency;
mod reports;
mod session;
mod warnings;

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
