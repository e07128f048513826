//! Web edge: the public figures page: per category, per unit and per ward or commune, as
//! tables and small bar charts (inline SVG, no script).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use civic_core::protocol::Figures;
use maud::{Markup, html};

use super::page::{
    WebLang, category_name, datetime, duration, failure, frame, html_response, lang_or_404, one_decimal, truncate, unit_name,
};
use crate::service::{AppState, statistics};

pub fn routes() -> Router<AppState> {
    Router::new().route("/{lang}/figures", get(figures))
}

/// The ward's or commune's name in the page's language (its code if the city no longer has it).
fn ward_name(st: &AppState, code: &str, lang: WebLang) -> String {
    st.city.area.zone(code).map_or_else(|| code.to_owned(), |(w, _)| w.name.get(lang.0).to_owned())
}

/// `/{lang}/figures`: per category, per unit and per ward or commune, as tables and small bar
/// charts.
async fn figures(State(st): State<AppState>, Path(lang): Path<String>) -> Response {
    let lang = match lang_or_404(&lang) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let stats = match statistics::transparency(&st).await {
        Ok(s) => s,
        Err(e) => return failure(lang, e),
    };
    let title = lang.t("Số liệu xử lý phản ánh", "How reports are handled");
    let by_category: Vec<(String, &Figures)> = stats.by_category.iter().map(|f| (category_name(&st, &f.key, lang), f)).collect();
    let by_unit: Vec<(String, &Figures)> = stats.by_unit.iter().map(|f| (unit_name(&st, &f.key, lang), f)).collect();
    let by_ward: Vec<(String, &Figures)> = stats.by_ward.iter().map(|f| (ward_name(&st, &f.key, lang), f)).collect();
    let body = html! {
        h1 { (title) }
        p { (lang.t(
            "Mọi phản ánh từ khi hệ thống hoạt động. Thời gian xử lý là trung vị từ lúc tiếp nhận đến khi xử lý xong; quá hạn là phản ánh còn mở quá thời hạn của lĩnh vực.",
            "Every report since the service began. Time to resolve is the median from receipt to resolution; overdue means still open past the category's deadline.")) }
        (figures_section("by-category", lang.t("Theo lĩnh vực", "By category"), lang.t("Lĩnh vực", "Category"), &by_category, lang))
        (figures_section("by-unit", lang.t("Theo đơn vị xử lý", "By responsible unit"), lang.t("Đơn vị", "Unit"), &by_unit, lang))
        (figures_section("by-ward", lang.t("Theo phường, xã", "By ward and commune"), lang.t("Phường, xã", "Ward or commune"), &by_ward, lang))
        p.small { (lang.t("Dữ liệu dạng máy đọc:", "Machine-readable:")) " "
            a href="/api/v1/public/stats" { "JSON" } " · "
            a href="/open311/v2/requests.json" { "Open311 GeoReport v2" } }
        p.small { (lang.t("Cập nhật lúc", "As of")) " " (datetime(st.now(), st.city.utc_offset)) }
    };
    let frame = frame(lang, title, "figures", "/figures");
    html_response(StatusCode::OK, frame.render(body))
}

fn figures_section(id: &str, heading: &str, key_label: &str, rows: &[(String, &Figures)], lang: WebLang) -> Markup {
    let caption = format!("{heading}: {}", lang.t("đã xử lý, đang mở và quá hạn", "resolved, open and overdue"));
    html! {
        section aria-labelledby={ (id) "-h" } {
            h2 id={ (id) "-h" } { (heading) }
            @if rows.is_empty() {
                p { (lang.t("Chưa có phản ánh nào.", "No reports yet.")) }
            } @else {
                (bar_chart(rows, &caption, lang))
                div.table-wrap {
                    table #(id) {
                        caption { (heading) }
                        thead { tr {
                            th scope="col" { (key_label) }
                            th scope="col" { (lang.t("Tiếp nhận", "Received")) }
                            th scope="col" { (lang.t("Đã xử lý", "Resolved")) }
                            th scope="col" { (lang.t("Đang mở", "Open")) }
                            th scope="col" { (lang.t("Quá hạn", "Overdue")) }
                            th scope="col" { (lang.t("Thời gian xử lý (trung vị)", "Median time to resolve")) }
                            th scope="col" { (lang.t("Hài lòng (số đánh giá)", "Satisfaction (ratings)")) }
                        } }
                        tbody {
                            @for (name, f) in rows {
                                tr data-key=(f.key) {
                                    th scope="row" { (name) }
                                    td data-col="received" { (f.received) }
                                    td data-col="resolved" { (f.resolved) }
                                    td data-col="open" { (f.open) }
                                    td data-col="overdue" { (f.overdue) }
                                    td data-col="median" { @match f.median_hours_to_resolve { Some(h) => (duration(h, lang)), None => "—" } }
                                    td data-col="satisfaction" {
                                        @match f.satisfaction { Some(s) => { (one_decimal(s, lang)) " / 5 (" (f.ratings) ")" }, None => "—" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Horizontal stacked bars (resolved, open in time, overdue) per row, as inline SVG: no
/// script, and its words in `<title>` and the table beside it.
fn bar_chart(rows: &[(String, &Figures)], caption: &str, lang: WebLang) -> Markup {
    let max = rows.iter().map(|(_, f)| f.received).max().unwrap_or(0).max(1) as f64;
    let (label_w, bar_w, row_h) = (190.0, 300.0, 22.0);
    let height = row_h * rows.len() as f64 + 28.0;
    let width = label_w + bar_w + 50.0;
    html! {
        figure.chart {
            svg role="img" aria-label=(caption) viewBox={ "0 0 " (width) " " (height) } width=(width) height=(height) {
                title { (caption) }
                @for (i, (name, f)) in rows.iter().enumerate() {
                    @let y = i as f64 * row_h;
                    @let w = |n: u64| n as f64 / max * bar_w;
                    @let in_time = f.open.saturating_sub(f.overdue);
                    @let closed_other = f.received.saturating_sub(f.resolved + f.open);
                    text x=(label_w - 6.0) y=(y + 15.0) text-anchor="end" class="chart-label" { (truncate(name, 28)) }
                    rect.resolved x=(label_w) y=(y + 3.0) width=(w(f.resolved)) height=(row_h - 6.0) {}
                    rect.other x=(label_w + w(f.resolved)) y=(y + 3.0) width=(w(closed_other)) height=(row_h - 6.0) {}
                    rect.open x=(label_w + w(f.resolved + closed_other)) y=(y + 3.0) width=(w(in_time)) height=(row_h - 6.0) {}
                    rect.overdue x=(label_w + w(f.resolved + closed_other + in_time)) y=(y + 3.0) width=(w(f.overdue)) height=(row_h - 6.0) {}
                    text x=(label_w + w(f.received) + 4.0) y=(y + 15.0) class="chart-value" { (f.received) }
                }
                @let ly = height - 10.0;
                rect.resolved x="0" y=(ly - 9.0) width="10" height="10" {}
                text x="14" y=(ly) class="chart-legend" { (lang.t("Đã xử lý", "Resolved")) }
                rect.other x="110" y=(ly - 9.0) width="10" height="10" {}
                text x="124" y=(ly) class="chart-legend" { (lang.t("Từ chối/trùng", "Rejected/duplicate")) }
                rect.open x="250" y=(ly - 9.0) width="10" height="10" {}
                text x="264" y=(ly) class="chart-legend" { (lang.t("Đang mở", "Open")) }
                rect.overdue x="350" y=(ly - 9.0) width="10" height="10" {}
                text x="364" y=(ly) class="chart-legend" { (lang.t("Quá hạn", "Overdue")) }
            }
        }
    }
}
