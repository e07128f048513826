//! Web edge: the console's reports: the queue of new work, the overdue ones, and one report
//! to route, move on (with an after-photo for a resolution) and reply to.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use civic_core::model::{ReportId, Status};
use civic_core::protocol::{ChangeStatus, ReportView};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::super::page::{WebLang, actor, badge, datetime, duration, html_response, iso, json_block, urlencode};
use super::{Done, Session, explain, failure, flash, userbar};
use crate::service::accounts::hex;
use crate::service::work::{self, InboxFilter};
use crate::service::{AppState, ServiceError, photos, reports};

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

pub(super) async fn queue(State(st): State<AppState>, headers: HeaderMap, Query(d): Query<Done>) -> Response {
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
            (super::super::page::ward_select(&st.city, l, "q-ward", ward.as_deref()))
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

pub(super) async fn overdue(State(st): State<AppState>, headers: HeaderMap) -> Response {
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

pub(super) async fn report(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>, Query(d): Query<Done>) -> Response {
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
        "attribution": super::super::page::map_attribution(&st.city, l),
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
pub(super) struct RouteForm {
    #[serde(default)]
    csrf: Option<String>,
    // Absent fields are the rules' to refuse, after the session and the form token.
    #[serde(default)]
    unit: String,
}

pub(super) async fn route_report(
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

/// The status form, sent as multipart for its after-photo. The session is checked before the
/// body is read: a caller without one is sent to sign in whatever they sent.
pub(super) async fn change_status(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let s = signed_in!(st, headers);
    let l = s.lang;
    let mut form = match form {
        Ok(form) => form,
        Err(e) => return report_page(&st, &s, &id, &Done::default(), Some(e.body_text()), e.status()).await,
    };
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
        if let Err(e) = photos::store(&st, photos::PhotoSource::Console, hash.clone(), bytes).await {
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
pub(super) struct ReplyForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    text: String,
}

pub(super) async fn reply(
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
