//! What every page shares: the language, the layout, dates, durations and status badges.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use civic_core::model::{Lang, Status};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use time::{OffsetDateTime, UtcOffset};

use super::asset_url;

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
