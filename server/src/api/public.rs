//! HTTP edge: what anyone may read: the catalog, photos, reports without personal data, figures.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use civic_core::model::Status;
use civic_core::protocol::{CatalogView, CityConfig, NearbyReport, Page, PublicReport, Transparency};
use serde::Deserialize;

use super::{Json, Path, Query};
use crate::error::{ApiError, ApiResult};
use crate::service::public::{self, PublicFilter};
use crate::service::{AppState, photos, statistics};

/// The category catalog as the apps read it.
/// `GET /api/v1/catalog`
#[utoipa::path(
    get,
    path = "/catalog",
    tag = "public",
    operation_id = "catalog",
    summary = "The category catalog",
    description = "Returns the catalog the apps show: units, groups and categories with their questions.",
    responses(
        (status = 200, description = "The catalog", body = CatalogView),
    )
)]
pub async fn catalog(State(st): State<AppState>) -> Json<CatalogView> {
    Json(CatalogView::from(&*st.catalog.get()))
}

/// `GET /api/v1/city`
#[utoipa::path(
    get,
    path = "/city",
    tag = "public",
    operation_id = "city",
    summary = "The city's configuration",
    description = "Returns what a phone needs to work offline as the server does: the city's names and time zone, the catalog in force, the map tiles to show, the boundaries' credits and the hash of its wards (`GET /city/wards`). `version` changes whenever any of it does; `GET /sync` says which version is in force.",
    responses(
        (status = 200, description = "The configuration", body = CityConfig),
    )
)]
pub async fn city(State(st): State<AppState>) -> Json<CityConfig> {
    Json((*st.city_files.config(&st.city, &st.catalog.get())).clone())
}

/// `GET /api/v1/city/wards`
#[utoipa::path(
    get,
    path = "/city/wards",
    tag = "public",
    operation_id = "cityWards",
    summary = "The wards' boundaries, compact",
    description = "Returns the city's wards and communes in Civic's compact form (`CIVB1`: names, and boundaries simplified to within 15 m as varint differences of 1e-5°), whose SHA-256 `GET /city` gives.",
    responses(
        (status = 200, description = "The compact boundaries", content_type = "application/octet-stream", body = Vec<u8>),
    )
)]
pub async fn city_wards(State(st): State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let etag = format!("\"{}\"", st.city_files.wards_sha256);
    (
        [
            (axum::http::header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (axum::http::header::ETAG, etag),
            (axum::http::header::CACHE_CONTROL, "public, max-age=300".to_owned()),
        ],
        st.city_files.wards.clone(),
    )
        .into_response()
}

/// `GET /api/v1/photos/{hash}`: the stored photo (metadata stripped), cacheable forever.
#[utoipa::path(
    get,
    path = "/photos/{hash}",
    tag = "public",
    operation_id = "getPhoto",
    summary = "Get a photo",
    description = "Returns a stored photo as a metadata-free JPEG, cacheable forever.",
    params(("hash" = String, Path, description = "Lowercase hex SHA-256 of the photo's bytes as uploaded", pattern = "^[0-9a-f]{64}$")),
    responses(
        (status = 200, description = "The JPEG", content_type = "image/jpeg", body = inline(crate::api::openapi::PhotoBytes), headers(("Cache-Control" = String, description = "`public, max-age=31536000, immutable`"))),
        (status = 404, description = "No such photo", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn photo(State(st): State<AppState>, Path(hash): Path<String>) -> ApiResult<impl IntoResponse> {
    let bytes = photos::jpeg(&st, &hash).await?;
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], bytes))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PublicQuery {
    /// `min_lon,min_lat,max_lon,max_lat` in decimal degrees (WGS 84), west and south first.
    #[serde(default)]
    #[param(pattern = r"^-?[0-9]{1,3}(\.[0-9]{1,15})?(,-?[0-9]{1,3}(\.[0-9]{1,15})?){3}$")]
    pub bbox: Option<String>,
    /// Only this category (its code).
    #[serde(default)]
    pub category: Option<String>,
    /// Only reports in this ward or commune (its official code).
    #[serde(default)]
    pub ward: Option<String>,
    /// Only reports with this status.
    #[serde(default)]
    pub status: Option<Status>,
    /// RFC 3339: received at or after.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub from: Option<time::OffsetDateTime>,
    /// RFC 3339: received before.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub to: Option<time::OffsetDateTime>,
    /// The `next` token of the previous page.
    #[serde(default)]
    pub after: Option<String>,
    /// Reports per page, 1 to 200 (50 by default).
    #[serde(default)]
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// A `bbox` as its pattern says (four decimal numbers; 400 `bad-query` otherwise), west of east
/// and south of north, on the globe (400 `bad-bbox` otherwise).
fn parse_bbox(bbox: &str) -> Result<(f64, f64, f64, f64), ApiError> {
    let decimal = |x: &str| {
        let digits = x.strip_prefix('-').unwrap_or(x);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "1"));
        let all_digits = |d: &str, most: usize| (1..=most).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit());
        (all_digits(whole, 3) && all_digits(fraction, 15)).then(|| x.parse::<f64>().ok()).flatten()
    };
    let v: Option<Vec<f64>> = bbox.split(',').map(decimal).collect();
    let Some([min_lon, min_lat, max_lon, max_lat]) = v.as_deref().and_then(|v| <[f64; 4]>::try_from(v).ok()) else {
        return Err(ApiError::bad_request("bad-query", "bbox is min_lon,min_lat,max_lon,max_lat in decimal degrees"));
    };
    let on_globe = min_lon.abs() <= 180.0 && max_lon.abs() <= 180.0 && min_lat.abs() <= 90.0 && max_lat.abs() <= 90.0;
    if !on_globe || min_lon > max_lon || min_lat > max_lat {
        return Err(ApiError::bad_request("bad-bbox", "bbox is west,south,east,north: west ≤ east, south ≤ north, within ±180° and ±90°"));
    }
    Ok((min_lon, min_lat, max_lon, max_lat))
}

/// `GET /api/v1/public/reports`: newest first, filtered, paged.
#[utoipa::path(
    get,
    path = "/public/reports",
    tag = "public",
    operation_id = "listPublicReports",
    summary = "List public reports",
    description = "Lists reports without personal data, newest first, filtered and paged.",
    params(PublicQuery),
    responses(
        (status = 200, description = "A page of public reports", body = Page<PublicReport>),
        (status = 400, description = "A bad parameter (`bad-query`, `bad-bbox`, `bad-page-token`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(State(st): State<AppState>, Query(q): Query<PublicQuery>) -> ApiResult<Json<Page<PublicReport>>> {
    let bbox = q.bbox.as_deref().map(parse_bbox).transpose()?;
    let filter = PublicFilter { bbox, category: q.category, ward: q.ward, status: q.status, from: q.from, to: q.to };
    Ok(Json(public::list(&st, filter, q.after.as_deref(), super::within("limit", q.limit, 1, 200)?).await?))
}

/// `GET /api/v1/public/reports/{public_number}`
#[utoipa::path(
    get,
    path = "/public/reports/{number}",
    tag = "public",
    operation_id = "getPublicReport",
    summary = "Get a public report",
    description = "Returns one report without personal data, by the number citizens quote.",
    params(("number" = String, Path, description = "The public number, e.g. `HUE-2026-000123`")),
    responses(
        (status = 200, description = "The report", body = PublicReport),
        (status = 404, description = "No such report", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn detail(State(st): State<AppState>, Path(number): Path<String>) -> ApiResult<Json<PublicReport>> {
    Ok(Json(public::detail(&st, &number).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NearbyQuery {
    /// Latitude of the point (WGS 84).
    #[param(minimum = -90, maximum = 90)]
    pub lat: f64,
    /// Longitude of the point (WGS 84).
    #[param(minimum = -180, maximum = 180)]
    pub lon: f64,
    /// The category code to look for.
    pub category: String,
    /// Metres, 1 to 500 (50 by default).
    #[serde(default)]
    #[param(minimum = 1, maximum = 500)]
    pub radius_m: Option<f64>,
}

/// `GET /api/v1/reports/nearby`: open reports of the same category around a point, nearest
/// first, so the app can offer "me too" instead of a duplicate.
#[utoipa::path(
    get,
    path = "/reports/nearby",
    tag = "public",
    operation_id = "nearbyReports",
    summary = "Open reports nearby",
    description = "Lists open reports of a category around a point, nearest first, so the app can offer \"me too\".",
    params(NearbyQuery),
    responses(
        (status = 200, description = "The reports within the radius, nearest first", body = Vec<NearbyReport>),
        (status = 400, description = "A missing or bad parameter (`bad-query`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn nearby(State(st): State<AppState>, Query(q): Query<NearbyQuery>) -> ApiResult<Json<Vec<NearbyReport>>> {
    let radius_m = super::within("radius_m", q.radius_m, 1.0, 500.0)?;
    Ok(Json(public::nearby(&st, q.lat, q.lon, q.category, radius_m).await?))
}

/// `GET /api/v1/public/stats`: per category, per unit and per ward or commune.
#[utoipa::path(
    get,
    path = "/public/stats",
    tag = "public",
    operation_id = "stats",
    summary = "Transparency figures",
    description = "Returns the transparency figures per category, per unit and per ward or commune.",
    responses(
        (status = 200, description = "The figures", body = Transparency),
    )
)]
pub async fn stats(State(st): State<AppState>) -> ApiResult<Json<Transparency>> {
    Ok(Json(statistics::transparency(&st).await?))
}
