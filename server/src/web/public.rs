//! Web edge: the public transparency pages: the map and list of reports with filters, the
//! warnings in force and the city's headline figures, and each report's page. Nothing
//! personal is ever read here: the pages are built from the same public views as
//! `/api/v1/public/…`.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use civic_core::cap::Alert;
use civic_core::model::{Lang, Status};
use civic_core::protocol::{Figures, PublicReport, Transparency};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use super::page::{
    PUBLIC_STATUSES, WebLang, actor, badge, category_name, datetime, duration, failure, frame, html_response, iso, json_block, lang_or_404,
    not_found, one_decimal, truncate, unit_name, urlencode,
};
use crate::service::public::{self as reports, PublicFilter};
use crate::service::{AppState, ServiceError, alerts, statistics};

/// Reports on one page of the map and list.
const PAGE: u32 = 100;

pub fn routes() -> Router<AppState> {
    Router::new().route("/{lang}/", get(index)).route("/{lang}/reports/{number}", get(report))
}

/// The filters, as the form sends them (empty means "any").
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    category: String,
    #[serde(default)]
    status: String,
    /// A ward's or commune's code.
    #[serde(default)]
    ward: String,
    /// Received in the last so many days: 7, 30, 90, 365, or empty for all time.
    #[serde(default)]
    days: String,
    #[serde(default)]
    after: Option<String>,
}

const PERIODS: &[(&str, &str, &str)] = &[
    ("7", "7 ngày qua", "Last 7 days"),
    ("30", "30 ngày qua", "Last 30 days"),
    ("90", "90 ngày qua", "Last 90 days"),
    ("365", "12 tháng qua", "Last 12 months"),
];

/// `/{lang}/`: the map and list of reports, the filters, the city's headline figures and the
/// warnings in force.
async fn index(State(st): State<AppState>, Path(lang): Path<String>, Query(f): Query<Filters>) -> Response {
    let lang = match lang_or_404(&lang) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let status = f.status.parse::<Status>().ok().filter(|s| PUBLIC_STATUSES.contains(s));
    let days = PERIODS.iter().find(|(d, _, _)| *d == f.days).and_then(|(d, _, _)| d.parse::<i64>().ok());
    let category = st.catalog.get().get(&f.category).map(|c| c.code.clone());
    let ward = st.city.area.zone(&f.ward).map(|(w, _)| w.code.clone());
    let filter = PublicFilter {
        bbox: None,
        category: category.clone(),
        ward: ward.clone(),
        status,
        from: days.map(|d| st.now() - time::Duration::days(d)),
        to: None,
    };
    let after = f.after.clone().filter(|a| !a.is_empty());
    let page = match reports::list(&st, filter, after.as_deref(), Some(PAGE)).await {
        Ok(p) => p,
        Err(ServiceError::Malformed { .. }) => return not_found(lang),
        Err(e) => return failure(lang, e),
    };
    let stats = match statistics::transparency(&st).await {
        Ok(s) => s,
        Err(e) => return failure(lang, e),
    };
    let warnings = match alerts::list(&st, false, 10).await {
        Ok(w) => w,
        Err(e) => return failure(lang, e),
    };
    let filters_query = |after: Option<&str>| {
        let mut q = Vec::new();
        if let Some(c) = &category {
            q.push(format!("category={}", urlencode(c)));
        }
        if let Some(w) = &ward {
            q.push(format!("ward={}", urlencode(w)));
        }
        if let Some(s) = status {
            q.push(format!("status={}", s.as_str()));
        }
        if let Some(d) = days {
            q.push(format!("days={d}"));
        }
        if let Some(a) = after {
            q.push(format!("after={}", urlencode(a)));
        }
        if q.is_empty() { String::new() } else { format!("?{}", q.join("&")) }
    };
    let (min_lat, min_lon, max_lat, max_lon) = st.city.area.bounds();
    let markers: Vec<_> = page
        .items
        .iter()
        .map(|r| {
            json!({
                "number": r.public_number,
                "lat": r.lat,
                "lon": r.lon,
                "status": r.status.as_str(),
                "statusLabel": r.status.label(lang.0),
                "category": category_name(&st, &r.category, lang),
                "url": format!("/{}/reports/{}", lang.code(), r.public_number),
            })
        })
        .collect();
    let map_data = json!({
        "bounds": [[min_lat, min_lon], [max_lat, max_lon]],
        "tiles": st.limits.tile_url,
        "attribution": super::page::map_attribution(&st.city, lang),
        "reports": markers,
        "label": lang.t("Bản đồ các phản ánh", "Map of the reports"),
    });
    let title = lang.t("Bản đồ phản ánh", "Reports map");
    let city = st.city.name.get(lang.0).to_owned();
    let total = totals(&stats);
    let catalog = st.catalog.get();
    let body = html! {
        h1 { (lang.t("Phản ánh hiện trường", "Street reports")) " · " (city) }
        @if !warnings.is_empty() {
            section.warnings aria-labelledby="warnings-h" {
                h2 #warnings-h { (lang.t("Cảnh báo đang có hiệu lực", "Warnings in force")) }
                ul { @for w in &warnings { li { (warning_line(&w.message, lang)) } } }
                p.small { a href="/cap/alerts.atom" { (lang.t("Nguồn tin CAP (Atom)", "CAP feed (Atom)")) } }
            }
        }
        section.summary aria-labelledby="summary-h" {
            h2 #summary-h { (lang.t("Tổng quan", "At a glance")) }
            dl.figures {
                div { dt { (lang.t("Đã tiếp nhận", "Received")) } dd #total-received { (total.received) } }
                div { dt { (lang.t("Đã xử lý xong", "Resolved")) } dd #total-resolved { (total.resolved) } }
                div { dt { (lang.t("Đang mở", "Open")) } dd #total-open { (total.open) } }
                div { dt { (lang.t("Quá hạn", "Overdue")) } dd #total-overdue { (total.overdue) } }
                div {
                    dt { (lang.t("Hài lòng", "Satisfaction")) }
                    dd { @match total.satisfaction { Some(s) => { (one_decimal(s, lang)) " / 5" }, None => "—" } }
                }
            }
            p { a href={ "/" (lang.code()) "/figures" } { (lang.t("Số liệu theo lĩnh vực, đơn vị và phường, xã", "Figures by category, unit, ward and commune")) } }
        }
        form.filters method="get" action={ "/" (lang.code()) "/" } aria-labelledby="filters-h" {
            h2 #filters-h { (lang.t("Lọc phản ánh", "Filter reports")) }
            div.field {
                label for="f-category" { (lang.t("Lĩnh vực", "Category")) }
                select #f-category name="category" {
                    option value="" { (lang.t("Tất cả", "All")) }
                    @for g in &catalog.groups {
                        optgroup label=(g.name.get(lang.0)) {
                            @for c in catalog.categories().iter().filter(|c| c.group == g.code) {
                                option value=(c.code) selected[category.as_deref() == Some(c.code.as_str())] { (c.name.get(lang.0)) }
                            }
                        }
                    }
                }
            }
            (super::page::ward_select(&st.city, lang, "f-ward", ward.as_deref()))
            div.field {
                label for="f-status" { (lang.t("Trạng thái", "Status")) }
                select #f-status name="status" {
                    option value="" { (lang.t("Tất cả", "All")) }
                    @for s in PUBLIC_STATUSES {
                        option value=(s.as_str()) selected[status == Some(*s)] { (s.label(lang.0)) }
                    }
                }
            }
            div.field {
                label for="f-days" { (lang.t("Thời gian", "Time")) }
                select #f-days name="days" {
                    option value="" { (lang.t("Mọi thời gian", "All time")) }
                    @for (d, vi, en) in PERIODS {
                        option value=(d) selected[f.days == *d] { (lang.t(vi, en)) }
                    }
                }
            }
            button type="submit" { (lang.t("Lọc", "Filter")) }
        }
        section aria-labelledby="list-h" {
            h2 #list-h {
                (lang.t("Phản ánh", "Reports")) " "
                span.count { "(" (page.items.len()) @if page.next.is_some() { "+" } ")" }
            }
            div #map.map role="region" aria-label=(lang.t("Bản đồ các phản ánh", "Map of the reports")) {
                @if !super::has_map() {
                    p.small { (lang.t("Bản đồ chưa được cài đặt trên máy chủ này.", "The map is not installed on this server.")) }
                }
            }
            (json_block("map-data", &map_data))
            @if page.items.is_empty() {
                p #no-reports { (lang.t("Không có phản ánh nào khớp với bộ lọc.", "No report matches these filters.")) }
            } @else {
                ol.reports {
                    @for r in &page.items { li { (report_card(&st, r, lang)) } }
                }
            }
            @if let Some(next) = &page.next {
                p { a rel="next" href={ "/" (lang.code()) "/" (filters_query(Some(next))) } { (lang.t("Xem thêm phản ánh", "More reports")) } }
            }
        }
    };
    let mut frame = frame(lang, title, "index", &format!("/{}", filters_query(None)));
    frame.map = true;
    html_response(StatusCode::OK, frame.render(body))
}

fn warning_line(msg: &Alert, lang: WebLang) -> Markup {
    let want = if lang.0 == Lang::Vi { "vi" } else { "en" };
    let info = msg.info.iter().find(|i| i.language.to_ascii_lowercase().starts_with(want)).or(msg.info.first());
    html! {
        @if let Some(i) = info {
            strong { (i.event) } ": " (i.headline.as_deref().unwrap_or(""))
            @if let Some(e) = i.expires { " · " (lang.t("đến", "until")) " " time datetime=(iso(e)) { (datetime(e, e.offset())) } }
        }
    }
}

fn report_card(st: &AppState, r: &PublicReport, lang: WebLang) -> Markup {
    let elapsed = r.hours_to_outcome;
    html! {
        article.report {
            h3 { a href={ "/" (lang.code()) "/reports/" (r.public_number) } { (category_name(st, &r.category, lang)) } }
            p.meta {
                (badge(r.status, lang)) " "
                span.number { (r.public_number) } " · "
                @if let Some(w) = &r.ward { (w.name.get(lang.0)) " · " }
                time datetime=(iso(r.received_at)) { (datetime(r.received_at, st.city.utc_offset)) }
                @if let Some(h) = elapsed { " · " (lang.t("xử lý trong", "handled in")) " " (duration(h, lang)) }
            }
            @if !r.description.is_empty() { p.desc { (truncate(&r.description, 180)) } }
        }
    }
}

/// The city's totals over every category.
fn totals(t: &Transparency) -> Figures {
    let mut total = Figures {
        key: String::new(),
        received: 0,
        resolved: 0,
        open: 0,
        overdue: 0,
        median_hours_to_resolve: None,
        p90_hours_to_resolve: None,
        satisfaction: None,
        ratings: 0,
    };
    let mut stars = 0.0;
    for f in &t.by_category {
        total.received += f.received;
        total.resolved += f.resolved;
        total.open += f.open;
        total.overdue += f.overdue;
        total.ratings += f.ratings;
        stars += f.satisfaction.unwrap_or(0.0) * f.ratings as f64;
    }
    total.satisfaction = (total.ratings > 0).then(|| stars / total.ratings as f64);
    total
}

/// `/{lang}/reports/{number}`: one report, its photos, timeline and processing time.
async fn report(State(st): State<AppState>, Path((lang, number)): Path<(String, String)>) -> Response {
    let lang = match lang_or_404(&lang) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let r = match reports::detail(&st, &number).await {
        Ok(r) => r,
        Err(ServiceError::NotFound(_)) => return not_found(lang),
        Err(e) => return failure(lang, e),
    };
    let category = category_name(&st, &r.category, lang);
    let open_for = (st.now() - r.received_at).as_seconds_f64() / 3600.0;
    let map_data = json!({
        "tiles": st.limits.tile_url,
        "attribution": super::page::map_attribution(&st.city, lang),
        "reports": [{ "number": r.public_number, "lat": r.lat, "lon": r.lon, "status": r.status.as_str(),
                      "statusLabel": r.status.label(lang.0), "category": category }],
        "zoom": 17,
        "label": lang.t("Vị trí phản ánh", "Where the report is"),
    });
    let offset = st.city.utc_offset;
    let body = html! {
        p.back { a href={ "/" (lang.code()) "/" } { "← " (lang.t("Bản đồ phản ánh", "Reports map")) } }
        h1 { (category) }
        p.meta {
            (badge(r.status, lang)) " "
            span.number { (r.public_number) }
            @if let Some(w) = &r.ward { " · " (w.name.get(lang.0)) }
        }
        dl.facts {
            div { dt { (lang.t("Đơn vị xử lý", "Responsible unit")) } dd #unit { (unit_name(&st, &r.unit, lang)) } }
            div { dt { (lang.t("Tiếp nhận lúc", "Received")) } dd { time datetime=(iso(r.received_at)) { (datetime(r.received_at, offset)) } } }
            div {
                dt { (lang.t("Thời gian xử lý", "Processing time")) }
                dd #processing {
                    @match r.hours_to_outcome {
                        Some(h) => { (duration(h, lang)) },
                        None => { (lang.t("đang xử lý, đã", "open for")) " " (duration(open_for, lang)) },
                    }
                }
            }
            @if r.supporters > 0 {
                div { dt { (lang.t("Người cùng phản ánh", "Others who reported it")) } dd { (r.supporters) } }
            }
            @if let Some(stars) = r.rating {
                div { dt { (lang.t("Người dân đánh giá", "Citizen's rating")) } dd #rating { (stars) " / 5" } }
            }
        }
        @if !r.description.is_empty() {
            h2 { (lang.t("Nội dung", "What was reported")) }
            p.desc { (r.description) }
        }
        @if !r.photos.is_empty() {
            h2 { (lang.t("Ảnh", "Photos")) }
            ul.photos {
                @for (i, p) in r.photos.iter().enumerate() {
                    li { a href={ "/api/v1/photos/" (p) } {
                        img src={ "/api/v1/photos/" (p) } loading="lazy" width="320" height="240"
                            alt={ (lang.t("Ảnh phản ánh", "Report photo")) " " (i + 1) };
                    } }
                }
            }
        }
        div #map.map.small-map role="region" aria-label=(lang.t("Vị trí phản ánh", "Where the report is")) {}
        (json_block("map-data", &map_data))
        h2 { (lang.t("Quá trình xử lý", "Timeline")) }
        ol.timeline {
            @for e in &r.timeline {
                li {
                    time datetime=(iso(e.at)) { (datetime(e.at, offset)) } " · "
                    span.actor { (actor(e.actor, lang)) }
                    @if let Some(s) = e.status { " · " (badge(s, lang)) }
                    @if let Some(n) = &e.note { p.note { (n) } }
                    @if let Some(p) = &e.photo {
                        a href={ "/api/v1/photos/" (p) } {
                            img src={ "/api/v1/photos/" (p) } loading="lazy" width="240" height="180"
                                alt=(lang.t("Ảnh sau khi xử lý", "Photo after the work"));
                        }
                    }
                }
            }
        }
    };
    let title = format!("{} {}", category, r.public_number);
    let mut frame = frame(lang, &title, "report", &format!("/reports/{}", r.public_number));
    frame.map = true;
    html_response(StatusCode::OK, frame.render(body))
}
