//! Web edge: the public transparency pages (`/vi/…`, `/en/…`) and the operations-centre
//! console (`/console/…`), rendered on the server.
//!
//! Pages are plain HTML that work without JavaScript (filters are forms, figures are tables
//! and inline SVG); a small script of ours adds the map (Leaflet, vendored at build time).
//! Every response here carries a strict Content-Security-Policy: scripts and styles only
//! from this server, images from it and the configured tile server, no inline code at all.
//! Text reaches HTML through maud, which escapes it.

// Handlers here answer refusals with whole pages: a `Response` as the error is the point.
mod campaign;
#[allow(clippy::result_large_err)]
mod console;
mod figures;
#[allow(clippy::result_large_err)]
mod page;
mod public;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::service::AppState;

/// Our own stylesheet and scripts, compiled in.
const CSS: &str = include_str!("../../web/civic.css");
const MAP_JS: &str = include_str!("../../web/map.js");
const CONSOLE_JS: &str = include_str!("../../web/console.js");

mod vendor {
    include!(concat!(env!("OUT_DIR"), "/vendor.rs"));
}

/// Whether the map library was built in (without it, pages show lists and figures only).
pub fn has_map() -> bool {
    vendor::LEAFLET.is_some()
}

/// The web routes, with their security headers.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(root))
        .route("/static/{name}", get(asset))
        .merge(public::routes())
        .merge(figures::routes())
        .merge(campaign::routes())
        .merge(console::routes(&state))
        .layer(middleware::from_fn_with_state(state, security_headers))
}

/// `/`: the public page in the visitor's language (Vietnamese unless the browser prefers English).
async fn root(headers: axum::http::HeaderMap) -> Redirect {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    Redirect::to(if prefers_english(accept) { "/en/" } else { "/vi/" })
}

/// Whether an Accept-Language header ranks English above Vietnamese.
fn prefers_english(accept: &str) -> bool {
    let rank = |lang: &str| {
        accept
            .split(',')
            .filter_map(|part| {
                let mut it = part.trim().split(";q=");
                let tag = it.next()?.trim().to_ascii_lowercase();
                let q: f32 = it.next().and_then(|q| q.trim().parse().ok()).unwrap_or(1.0);
                (tag == lang || tag.starts_with(&format!("{lang}-"))).then_some(q)
            })
            .fold(0.0f32, f32::max)
    };
    rank("en") > rank("vi")
}

async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let (body, kind): (&[u8], &str) = match (name.as_str(), vendor::LEAFLET) {
        ("civic.css", _) => (CSS.as_bytes(), "text/css; charset=utf-8"),
        ("map.js", _) => (MAP_JS.as_bytes(), "text/javascript; charset=utf-8"),
        ("console.js", _) => (CONSOLE_JS.as_bytes(), "text/javascript; charset=utf-8"),
        ("leaflet.js", Some((js, _))) => (js, "text/javascript; charset=utf-8"),
        ("leaflet.css", Some((_, css))) => (css, "text/css; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "no such file").into_response(),
    };
    // Names carry the build's version (`?v=`), so a day's caching never serves a stale file
    // after an upgrade.
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "public, max-age=86400")], body).into_response()
}

/// The version query every asset link carries.
pub fn asset_url(name: &str) -> String {
    format!("/static/{name}?v={}", env!("CARGO_PKG_VERSION"))
}

/// The tile server's origin, for the policy's `img-src`.
fn tile_origin(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let host_end = rest.find('/').unwrap_or(rest.len());
    let origin = &url[..url.len() - rest.len() + host_end];
    // A template host like `{s}.tile…` cannot go in a policy: leave tiles out then.
    (!origin.contains(['{', '}', ' ', ';', '\'', '"'])).then_some(origin)
}

async fn security_headers(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let tiles = tile_origin(&st.limits.tile_url).unwrap_or("");
    let policy = format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: {tiles}; connect-src 'self'; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(policy.trim()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

#[cfg(test)]
mod tests {
    use super::{prefers_english, tile_origin};

    #[test]
    fn the_browser_language_picks_the_page() {
        assert!(!prefers_english(""));
        assert!(!prefers_english("vi-VN,vi;q=0.9,en;q=0.8"));
        assert!(prefers_english("en-GB,en;q=0.9"));
        assert!(prefers_english("fr,en;q=0.5"));
        assert!(!prefers_english("en;q=0.5,vi"));
    }

    #[test]
    fn only_a_plain_tile_origin_goes_in_the_policy() {
        assert_eq!(tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png"), Some("https://tile.openstreetmap.org"));
        assert_eq!(tile_origin("http://127.0.0.1:9/{z}/{x}/{y}.png"), Some("http://127.0.0.1:9"));
        assert_eq!(tile_origin("https://{s}.tile.example/{z}/{x}/{y}.png"), None);
        assert_eq!(tile_origin("https://x.example; script-src *"), None);
        assert_eq!(tile_origin("tiles/{z}"), None);
    }
}
