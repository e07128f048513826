//! HTTP edge: Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>) under
//! `/open311/v2/`, over the same reports as the apps' API.
//!
//! Services are the catalog's active categories (`service_code` = category code), attributes
//! their questions. Requests are reports, named by their public number; they carry nothing
//! about who reported them. A POST goes through the apps' own submission pipeline
//! (`service::submission::create_report`): area check, catalog validation, routing, timeline.
//!
//! The format is the path's suffix: `.json` (also no suffix) or `.xml`. Errors take
//! Open311's shape in that format: `[{"code":400,"description":"…"}]` or
//! `<errors><error><code>400</code><description>…</description></error></errors>`.
//! `format` renders and parses that format, `documents` writes the GeoReport documents,
//! `handlers` answers the endpoints.

mod documents;
mod format;
mod handlers;

use axum::Router;
use axum::routing::get;

pub use documents::SPECIFICATION;
pub use format::layer_error;

use crate::service::AppState;

/// Where the endpoints live.
pub const PREFIX: &str = "/open311/v2";

/// The routes, to nest under [`PREFIX`].
pub fn router() -> Router<AppState> {
    use handlers::*;
    Router::new()
        .route("/{file}", get(get_top).post(post_top).fallback(method_not_allowed))
        .route("/services/{file}", get(service_definition).fallback(method_not_allowed))
        .route("/requests/{file}", get(request_one).fallback(method_not_allowed))
        .route("/tokens/{file}", get(token).fallback(method_not_allowed))
        .fallback(not_found)
}
