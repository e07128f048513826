//! Web edge: what every page shares: the language, the layout (and the public site's frame
//! and error pages), dates, durations, status and phase badges, names in the page's language.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use civic_core::campaign::Phase;
use civic_core::model::{ActorRole, Lang, Status};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use time::{OffsetDateTime, UtcOffset};

use super::asset_url;
use crate::service::{AppState, ServiceError};

/// The page's language, from the path's `/vi/` or `/en/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebLang(pub Lang);

impl WebLang {
    pub fn parse(code: &str) -> Option<WebLang> {
        match code {
            "vi" => Some(WebLang(Lang::Vi)),
            "en" => Some(WebLang(Lang::En)),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self.0 {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> WebLang {
        match self.0 {
            Lang::Vi => WebLang(Lang::En),
            Lang::En => WebLang(Lang::Vi),
        }
    }

    /// Vietnamese or English.
    pub fn t(self, vi: &'static str, en: &'static str) -> &'static str {
        match self.0 {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// A page's frame: what goes in `<head>`, the site's header, the body.
pub struct Frame<'a> {
    pub lang: WebLang,
    pub title: &'a str,
    /// The site's name in the header and its link.
    pub site: &'a str,
    pub home: &'a str,
    /// Links in the header: (href, label, current).
    pub nav: Vec<(String, &'a str, bool)>,
    /// This page in the other language, if it has one.
    pub other_lang: Option<String>,
    /// Load the map library and our map script.
    pub map: bool,
    /// Load the console's script.
    pub console_js: bool,
}

impl Frame<'_> {
    pub fn render(&self, body: Markup) -> Markup {
        let l = self.lang;
        html! {
            (DOCTYPE)
            html lang=(l.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.title) " · " (self.site) }
                    link rel="stylesheet" href=(asset_url("civic.css"));
                    @if self.map && super::has_map() {
                        link rel="stylesheet" href=(asset_url("leaflet.css"));
                        script src=(asset_url("leaflet.js")) defer {}
                    }
                    @if self.map {
                        script src=(asset_url("map.js")) defer {}
                    }
                    @if self.console_js {
                        script src=(asset_url("console.js")) defer {}
                    }
                }
                body {
                    a.skip href="#main" { (l.t("Chuyển đến nội dung chính", "Skip to main content")) }
                    header.site {
                        a.brand href=(self.home) { (self.site) }
                        nav aria-label=(l.t("Điều hướng chính", "Main navigation")) {
                            ul {
                                @for (href, label, current) in &self.nav {
                                    li {
                                        @if *current {
                                            a href=(href) aria-current="page" { (label) }
                                        } @else {
                                            a href=(href) { (label) }
                                        }
                                    }
                                }
                                @if let Some(href) = &self.other_lang {
                                    li {
                                        a href=(href) hreflang=(l.other().code()) lang=(l.other().code()) {
                                            (l.t("English", "Tiếng Việt"))
                                        }
                                    }
                                }
                            }
                        }
                    }
                    main #main tabindex="-1" { (body) }
                }
            }
        }
    }
}

/// An HTML response that is never cached by shared caches (pages change with every report).
pub fn html_response(status: StatusCode, markup: Markup) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], markup.into_string())
        .into_response()
}

/// A date and time in the city's own offset: `27/11/2026 14:05`.
pub fn datetime(t: OffsetDateTime, offset: UtcOffset) -> String {
    let t = t.to_offset(offset);
    format!("{:02}/{:02}/{} {:02}:{:02}", t.day(), u8::from(t.month()), t.year(), t.hour(), t.minute())
}

/// The machine-readable form for `<time datetime>`.
pub fn iso(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// A span of hours in words: "45 phút", "5 giờ", "2,5 ngày" / "45 min", "5 h", "2.5 days".
pub fn duration(hours: f64, lang: WebLang) -> String {
    let decimal = |x: f64| {
        let s = format!("{x:.1}");
        let s = s.strip_suffix(".0").unwrap_or(&s).to_owned();
        if lang.0 == Lang::Vi { s.replace('.', ",") } else { s }
    };
    if !hours.is_finite() || hours < 0.0 {
        return "—".into();
    }
    if hours < 1.0 {
        format!("{} {}", (hours * 60.0).round() as i64, lang.t("phút", "min"))
    } else if hours < 48.0 {
        format!("{} {}", decimal(hours), lang.t("giờ", "h"))
    } else {
        format!("{} {}", decimal(hours / 24.0), lang.t("ngày", "days"))
    }
}

/// A number with one decimal in the page's convention ("4,5" / "4.5").
pub fn one_decimal(x: f64, lang: WebLang) -> String {
    let s = format!("{x:.1}");
    if lang.0 == Lang::Vi { s.replace('.', ",") } else { s }
}

/// Whether a status is an outcome the public reads as "done" (resolved), "closed" otherwise,
/// or still open: the badge's class.
pub fn status_class(s: Status) -> &'static str {
    match s {
        Status::Resolved => "done",
        Status::Rejected | Status::Duplicate => "closed",
        Status::InProgress => "working",
        _ => "open",
    }
}

/// A status as a badge: its words, never its colour alone.
pub fn badge(s: Status, lang: WebLang) -> Markup {
    html! { span class={ "badge " (status_class(s)) } data-status=(s.as_str()) { (s.label(lang.0)) } }
}

/// JSON for a `<script type="application/json">` data block: `<` is escaped so no text can
/// close the element, and the block is data, never run.
pub fn json_block(id: &str, value: &serde_json::Value) -> Markup {
    let json = value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    html! { script #(id) type="application/json" { (PreEscaped(json)) } }
}

/// The statuses the public filters by, in lifecycle order.
pub const PUBLIC_STATUSES: &[Status] =
    &[Status::Received, Status::Assigned, Status::InProgress, Status::Reopened, Status::Resolved, Status::Rejected, Status::Duplicate];

/// A map's credits (`City::map_credits`) as HTML text, as Leaflet shows them.
pub fn map_attribution(city: &civic_core::City, lang: WebLang) -> String {
    city.map_credits(lang.0).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A filter field choosing one ward or commune (`name="ward"`), or the whole city.
pub fn ward_select(city: &civic_core::City, lang: WebLang, id: &str, selected: Option<&str>) -> Markup {
    html! {
        div.field {
            label for=(id) { (lang.t("Phường, xã", "Ward or commune")) }
            select id=(id) name="ward" {
                option value="" { (lang.t("Toàn thành phố", "The whole city")) }
                @for w in city.area.wards_by_name(lang.0) {
                    option value=(w.code) selected[selected == Some(w.code.as_str())] { (w.name.get(lang.0)) }
                }
            }
        }
    }
}

/// The page's language from the path, or the (Vietnamese) page saying there is no such page.
pub fn lang_or_404(code: &str) -> Result<WebLang, Response> {
    WebLang::parse(code).ok_or_else(|| not_found(WebLang(Lang::Vi)))
}

/// The public site's frame: its navigation, with `here` the current place, and this page
/// (`other_path`) in the other language.
pub fn frame<'a>(lang: WebLang, title: &'a str, here: &str, other_path: &str) -> Frame<'a> {
    let l = lang;
    let home = if l.0 == Lang::Vi { "/vi/" } else { "/en/" };
    let figures = format!("/{}/figures", l.code());
    Frame {
        lang: l,
        title,
        site: l.t("Phản ánh hiện trường", "Civic reports"),
        home,
        nav: vec![
            (home.to_owned(), l.t("Bản đồ phản ánh", "Reports map"), here == "index"),
            (figures, l.t("Số liệu xử lý", "Figures"), here == "figures"),
            (format!("/{}/campaigns", l.code()), l.t("Chủ nhật xanh", "Green Sunday"), here == "campaigns"),
        ],
        other_lang: Some(format!("/{}{}", l.other().code(), other_path)),
        map: false,
        console_js: false,
    }
}

/// The public site's page for what is not there.
pub fn not_found(lang: WebLang) -> Response {
    let markup = html! {
        h1 { (lang.t("Không tìm thấy trang", "Page not found")) }
        p { a href={ "/" (lang.code()) "/" } { (lang.t("Về bản đồ phản ánh", "Back to the reports map")) } }
    };
    let frame = Frame { title: lang.t("Không tìm thấy", "Not found"), ..Frame::bare(lang) };
    html_response(StatusCode::NOT_FOUND, frame.render(markup))
}

/// The public site's page for a failure (logged with its cause).
pub fn failure(lang: WebLang, e: ServiceError) -> Response {
    tracing::warn!(error = %e, "a public page failed");
    let markup = html! {
        h1 { (lang.t("Trang tạm thời không hiển thị được", "This page cannot be shown right now")) }
        p { (lang.t("Vui lòng thử lại sau ít phút.", "Please try again in a few minutes.")) }
    };
    let frame = Frame { title: lang.t("Lỗi", "Error"), ..Frame::bare(lang) };
    html_response(StatusCode::INTERNAL_SERVER_ERROR, frame.render(markup))
}

impl Frame<'static> {
    /// A frame without navigation, for pages that are not a place of the site (errors).
    pub fn bare(lang: WebLang) -> Frame<'static> {
        Frame {
            lang,
            title: "",
            site: lang.t("Phản ánh hiện trường", "Civic reports"),
            home: "/",
            nav: Vec::new(),
            other_lang: None,
            map: false,
            console_js: false,
        }
    }
}

/// The category's name in the page's language (its code if the catalog no longer has it).
pub fn category_name(st: &AppState, code: &str, lang: WebLang) -> String {
    st.catalog.get().get(code).map_or_else(|| code.to_owned(), |c| c.name.get(lang.0).to_owned())
}

/// The unit's name in the page's language (its code if the catalog no longer has it).
pub fn unit_name(st: &AppState, code: &str, lang: WebLang) -> String {
    st.catalog.get().unit(code).map_or_else(|| code.to_owned(), |u| u.name.get(lang.0).to_owned())
}

/// At most `max` characters of a text, with an ellipsis when it was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { format!("{}…", s.chars().take(max).collect::<String>().trim_end()) }
}

/// Who acted on a report's timeline, in the page's language.
pub fn actor(a: ActorRole, lang: WebLang) -> &'static str {
    match a {
        ActorRole::Citizen => lang.t("Người dân", "Citizen"),
        ActorRole::Operator => lang.t("Trung tâm điều hành", "Operations centre"),
        ActorRole::Officer => lang.t("Đơn vị xử lý", "Responsible unit"),
        ActorRole::System => lang.t("Hệ thống", "System"),
    }
}

/// A campaign's phase in the page's language.
pub fn phase_label(p: Phase, l: WebLang) -> &'static str {
    match p {
        Phase::Upcoming => l.t("Sắp diễn ra", "Upcoming"),
        Phase::Running => l.t("Đang diễn ra", "Under way"),
        Phase::Ended => l.t("Đã kết thúc", "Ended"),
        Phase::Cancelled => l.t("Đã huỷ", "Called off"),
    }
}

/// The badge a phase wears: the same classes as a report's statuses.
pub fn phase_badge(p: Phase) -> &'static str {
    match p {
        Phase::Upcoming | Phase::Running => "working",
        Phase::Ended => "done",
        Phase::Cancelled => "closed",
    }
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally_in_both_languages() {
        let vi = WebLang(Lang::Vi);
        let en = WebLang(Lang::En);
        assert_eq!(duration(0.75, vi), "45 phút");
        assert_eq!(duration(5.0, en), "5 h");
        assert_eq!(duration(60.0, vi), "2,5 ngày");
        assert_eq!(duration(60.0, en), "2.5 days");
        assert_eq!(duration(f64::NAN, en), "—");
    }

    #[test]
    fn a_data_block_cannot_be_closed_by_its_text() {
        let m = json_block("d", &serde_json::json!({"t": "</script><script>alert(1)</script>"}));
        let s = m.into_string();
        assert_eq!(s.matches("</script>").count(), 1, "{s}");
        assert!(s.contains("\\u003c/script\\u003e"));
    }

    #[test]
    fn dates_show_in_the_citys_time() {
        let t = time::macros::datetime!(2026-11-27 23:30 UTC);
        assert_eq!(datetime(t, time::macros::offset!(+7)), "28/11/2026 06:30");
    }
}
