//! Web edge: the public pages of Green Sunday: the campaigns, and each one's summary: spots
//! reported and cleaned per ward and per team, the kilograms, before/after pairs and the map
//! of cleaned spots. Built from the same views as `/api/v1/campaigns…`; nobody is named.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use civic_core::campaign::{Spot, SpotStatus, Tally};
use maud::{Markup, html};
use serde_json::json;

use super::page::{
    WebLang, category_name, datetime, failure, frame, html_response, iso, json_block, lang_or_404, not_found, one_decimal, phase_badge,
    phase_label,
};
use crate::service::{AppState, ServiceError, campaigns};

pub fn routes() -> Router<AppState> {
    Router::new().route("/{lang}/campaigns", get(list)).route("/{lang}/campaigns/{id}", get(summary))
}

/// `/{lang}/campaigns`
pub async fn list(State(st): State<AppState>, Path(lang): Path<String>) -> Response {
    let l = match lang_or_404(&lang) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let all = match campaigns::list(&st).await {
        Ok(c) => c,
        Err(e) => return failure(l, e),
    };
    let title = l.t("Ngày Chủ nhật xanh", "Green Sunday");
    let offset = st.city.utc_offset;
    let body = html! {
        h1 { (title) }
        p { (l.t("Người dân, trường học, đoàn thể cùng dọn sạch đường phố; mỗi điểm rác được báo, nhận và dọn có ảnh trước và sau.",
                 "Residents, schools and unions clean their streets together; every litter spot is reported, taken on and cleaned, with photos before and after.")) }
        @if all.is_empty() {
            p { (l.t("Chưa có chiến dịch nào.", "No campaign yet.")) }
        } @else {
            ul.reports.campaigns {
                @for c in &all {
                    li { article.report {
                        h2 { a href={ "/" (l.code()) "/campaigns/" (c.id) } { (c.name.get(l.0)) } }
                        p.meta {
                            span class={ "badge " (phase_badge(c.phase)) } { (phase_label(c.phase, l)) } " "
                            time datetime=(iso(c.starts_at)) { (datetime(c.starts_at, offset)) } " – " (datetime(c.ends_at, offset))
                            " · " (c.participants) " " (l.t("người tham gia", "taking part"))
                        }
                    } }
                }
            }
        }
    };
    html_response(StatusCode::OK, frame(l, title, "campaigns", "/campaigns").render(body))
}

/// `/{lang}/campaigns/{id}`: the summary.
pub async fn summary(State(st): State<AppState>, Path((lang, id)): Path<(String, String)>) -> Response {
    let l = match lang_or_404(&lang) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let loaded = campaigns::summary_with_spots(&st, id.clone()).await;
    let (s, spots) = match loaded {
        Ok(x) => x,
        Err(ServiceError::NotFound(_)) => return not_found(l),
        Err(e) => return failure(l, e),
    };
    let offset = st.city.utc_offset;
    let label = |spot: &Spot| match spot.status {
        SpotStatus::Cleaned => l.t("Đã dọn", "Cleaned"),
        SpotStatus::Claimed => l.t("Đang dọn", "Being cleaned"),
        SpotStatus::HandedOver => l.t("Chuyển thành phản ánh", "Handed to the city"),
        SpotStatus::Reported => l.t("Chưa dọn", "Not cleaned yet"),
    };
    let status_key = |spot: &Spot| match spot.status {
        SpotStatus::Cleaned => "resolved",
        SpotStatus::Claimed => "in_progress",
        _ => "received",
    };
    let markers: Vec<_> = spots
        .iter()
        .map(|p| {
            json!({"number": p.id, "lat": p.lat, "lon": p.lon, "status": status_key(p), "statusLabel": label(p),
                   "category": category_name(&st, &p.category, l)})
        })
        .collect();
    let (min_lat, min_lon, max_lat, max_lon) = st.city.area.bounds();
    let map_data = json!({
        "bounds": [[min_lat, min_lon], [max_lat, max_lon]],
        "tiles": st.limits.tile_url,
        "attribution": super::page::map_attribution(&st.city, l),
        "reports": markers,
        "area": s.campaign.polygon,
        "label": l.t("Bản đồ các điểm rác", "Map of the spots"),
    });
    let pairs: Vec<&Spot> = spots.iter().filter(|p| p.status == SpotStatus::Cleaned && p.after_photo.is_some()).take(12).collect();
    let c = &s.campaign;
    let title = c.name.get(l.0).to_owned();
    let body = html! {
        p.back { a href={ "/" (l.code()) "/campaigns" } { "← " (l.t("Ngày Chủ nhật xanh", "Green Sunday")) } }
        h1 { (title) }
        p.meta {
            span class={ "badge " (phase_badge(c.phase)) } { (phase_label(c.phase, l)) } " "
            (datetime(c.starts_at, offset)) " – " (datetime(c.ends_at, offset))
            " · " (c.areas.iter().map(|a| a.name.get(l.0).to_owned()).collect::<Vec<_>>().join(", "))
        }
        @if let Some(reason) = &c.cancel_reason {
            p.notice #cancelled role="status" { (l.t("Chiến dịch đã huỷ: ", "Called off: ")) (reason) }
        }
        dl.figures {
            div { dt { (l.t("Điểm rác được báo", "Spots reported")) } dd #spots-reported { (s.reported) } }
            div { dt { (l.t("Đã dọn sạch", "Cleaned")) } dd #spots-cleaned { (s.cleaned) } }
            div { dt { (l.t("Chuyển cho thành phố", "Handed to the city")) } dd #spots-handed { (s.handed_over) } }
            div { dt { (l.t("Khối lượng thu gom", "Collected")) } dd #kg { (one_decimal(s.kg, l)) " kg" } }
            div { dt { (l.t("Người tham gia", "Taking part")) } dd { (c.participants) } }
            @if let Some(goal) = c.goal_spots { div { dt { (l.t("Mục tiêu", "Goal")) } dd { (s.cleaned) " / " (goal) } } }
        }
        section aria-labelledby="map-h" {
            h2 #map-h { (l.t("Bản đồ các điểm", "Map of the spots")) }
            div #map.map role="region" aria-label=(l.t("Bản đồ các điểm rác", "Map of the spots")) {}
            (json_block("map-data", &map_data))
        }
        (tallies("by-ward", l.t("Theo phường, xã", "By ward"), l.t("Phường, xã", "Ward"), &s.by_ward, l))
        (tallies("by-team", l.t("Theo đội", "By team"), l.t("Đội", "Team"), &s.by_team, l))
        @if !pairs.is_empty() {
            section aria-labelledby="pairs-h" {
                h2 #pairs-h { (l.t("Trước và sau", "Before and after")) }
                ul.photos.pairs {
                    @for p in &pairs {
                        li {
                            figure {
                                img src={ "/api/v1/photos/" (p.photo) } width="200" height="150" loading="lazy"
                                    alt={ (l.t("Trước khi dọn", "Before")) ": " (category_name(&st, &p.category, l)) };
                                @if let Some(after) = &p.after_photo {
                                    img src={ "/api/v1/photos/" (after) } width="200" height="150" loading="lazy"
                                        alt={ (l.t("Sau khi dọn", "After")) ": " (category_name(&st, &p.category, l)) };
                                }
                                figcaption {
                                    @if let Some(w) = &p.ward { (w.name.get(l.0)) " · " }
                                    @if let Some(t) = &p.team { (t.name) }
                                }
                            }
                        }
                    }
                }
            }
        }
        p.small { (l.t("Dữ liệu dạng máy đọc:", "Machine-readable:")) " " a href={ "/api/v1/campaigns/" (c.id) "/summary" } { "JSON" } }
    };
    let mut frame = frame(l, &title, "campaigns", &format!("/campaigns/{}", c.id));
    frame.map = true;
    html_response(StatusCode::OK, frame.render(body))
}

fn tallies(id: &str, heading: &str, key: &str, rows: &[Tally], l: WebLang) -> Markup {
    html! {
        section aria-labelledby={ (id) "-h" } {
            h2 id={ (id) "-h" } { (heading) }
            @if rows.is_empty() {
                p { (l.t("Chưa có số liệu.", "No figures yet.")) }
            } @else {
                div.table-wrap { table #(id) {
                    thead { tr {
                        th scope="col" { (key) }
                        th scope="col" { (l.t("Điểm báo", "Reported")) }
                        th scope="col" { (l.t("Đã dọn", "Cleaned")) }
                        th scope="col" { (l.t("Khối lượng (kg)", "Weight (kg)")) }
                    } }
                    tbody {
                        @for t in rows {
                            tr data-key=(t.name) {
                                th scope="row" { (if t.name.is_empty() { l.t("(không rõ)", "(unknown)") } else { t.name.as_str() }) }
                                td data-col="reported" { (t.reported) }
                                td data-col="cleaned" { (t.cleaned) }
                                td data-col="kg" { (one_decimal(t.kg, l)) }
                            }
                        }
                    }
                } }
            }
        }
    }
}
