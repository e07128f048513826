//! What anyone may read: the catalog, photos, reports without personal data, figures.

use crate::db::OptionalExt;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use civic_core::model::Status;
use civic_core::protocol::{CatalogView, CityConfig, Figures, NearbyReport, Page, PublicReport, Transparency};
use serde::Deserialize;

use super::citizen::parse_page_token;
use super::{Json, Path, Query};
use crate::db::to_ms;
use crate::error::{ApiError, ApiResult};
use crate::reports::{self, Stored};
use crate::state::AppState;

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
    params(("hash" = String, Path, description = "Lowercase hex SHA-256 of the photo's bytes as uploaded")),
    responses(
        (status = 200, description = "The JPEG", content_type = "image/jpeg", body = inline(crate::api::openapi::PhotoBytes), headers(("Cache-Control" = String, description = "`public, max-age=31536000, immutable`"))),
        (status = 404, description = "No such photo", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn photo(State(st): State<AppState>, Path(hash): Path<String>) -> ApiResult<impl IntoResponse> {
    let h = hash.clone();
    let stored: Option<String> = st
        .db
        .read_as::<_, crate::error::ApiError, _>(move |c| {
            Ok(c.query_row("SELECT stored_hash FROM photo WHERE hash = ?1", [h], |r| r.get(0)).optional()?)
        })
        .await?;
    let not_found = || ApiError::NotFound(format!("there is no photo {hash}"));
    let stored = stored.ok_or_else(not_found)?;
    let bytes = st.photos.get(&stored).await?;
    let bytes = bytes.ok_or_else(not_found)?;
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], bytes))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PublicQuery {
    /// `min_lon,min_lat,max_lon,max_lat`
    #[serde(default)]
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
    pub limit: Option<u32>,
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
        (status = 400, description = "A bad parameter (`bad-query`, `bad-page-token`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(State(st): State<AppState>, Query(q): Query<PublicQuery>) -> ApiResult<Json<Page<PublicReport>>> {
    let mut sql = format!("SELECT {} FROM report WHERE 1 = 1", reports::COLUMNS);
    let mut args: Vec<crate::db::Value> = Vec::new();
    if let Some(bbox) = &q.bbox {
        let v: Vec<f64> = bbox.split(',').filter_map(|x| x.trim().parse().ok()).collect();
        let [min_lon, min_lat, max_lon, max_lat] = v[..] else {
            return Err(ApiError::bad_request("bad-query", "bbox is min_lon,min_lat,max_lon,max_lat"));
        };
        sql.push_str(" AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?");
        args.extend([min_lon, max_lon, min_lat, max_lat].map(Into::into));
    }
    if let Some(c) = &q.category {
        sql.push_str(" AND category = ?");
        args.push(c.clone().into());
    }
    if let Some(w) = &q.ward {
        sql.push_str(" AND ward_code = ?");
        args.push(w.clone().into());
    }
    if let Some(s) = q.status {
        sql.push_str(" AND status = ?");
        args.push(s.as_str().to_owned().into());
    }
    if let Some(from) = q.from {
        sql.push_str(" AND received_at >= ?");
        args.push(to_ms(from).into());
    }
    if let Some(to) = q.to {
        sql.push_str(" AND received_at < ?");
        args.push(to_ms(to).into());
    }
    if let Some(after) = &q.after {
        let (ms, id) = parse_page_token(after)?;
        sql.push_str(" AND (received_at, id) < (?, ?)");
        args.push(ms.into());
        args.push(id.into());
    }
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    sql.push_str(" ORDER BY received_at DESC, id DESC LIMIT ?");
    args.push(i64::from(limit + 1).into());
    let page = st
        .db
        .read_as::<_, crate::error::ApiError, _>(move |c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(args, Stored::from_row)?;
            let stored = rows.map(|r| r?).collect::<ApiResult<Vec<_>>>()?;
            reports::page(&stored, limit, |s| reports::public_view(c, s), |s| s.received_at)
        })
        .await?;
    Ok(Json(page))
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
    let n = number.clone();
    let report = st
        .db
        .read_as::<_, crate::error::ApiError, _>(move |c| reports::find_by_number(c, &n)?.map(|s| reports::public_view(c, &s)).transpose())
        .await?;
    report.map(Json).ok_or_else(|| ApiError::NotFound(format!("there is no report {number}")))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NearbyQuery {
    /// Latitude of the point (WGS 84).
    pub lat: f64,
    /// Longitude of the point (WGS 84).
    pub lon: f64,
    /// The category code to look for.
    pub category: String,
    /// Metres; 50 by default, at most 500.
    #[serde(default)]
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
    if !q.lat.is_finite() || !q.lon.is_finite() || q.lat.abs() > 90.0 || q.lon.abs() > 180.0 {
        return Err(ApiError::bad_request("bad-query", "lat/lon are not a valid position"));
    }
    let radius = q.radius_m.unwrap_or(50.0).clamp(1.0, 500.0);
    // A box a little larger than the circle, then the exact distance.
    let dlat = radius / 111_000.0 * 1.2;
    let dlon = dlat / q.lat.to_radians().cos().max(0.01);
    let found = st
        .db
        .read_as::<_, crate::error::ApiError, _>(move |c| {
            let sql = format!(
                "SELECT {} FROM report WHERE category = ?1 AND lat BETWEEN ?2 AND ?3 AND lon BETWEEN ?4 AND ?5
                 AND status IN ('received','assigned','in_progress','reopened')",
                reports::COLUMNS
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows =
                stmt.query_map(crate::params![q.category, q.lat - dlat, q.lat + dlat, q.lon - dlon, q.lon + dlon], Stored::from_row)?;
            let mut near = Vec::new();
            for s in rows {
                let s = s??;
                let d = civic_core::area::distance_m((q.lat, q.lon), (s.location.lat, s.location.lon));
                if d <= radius {
                    near.push(NearbyReport { id: s.id, distance_m: d, report: reports::public_view(c, &s)? });
                }
            }
            near.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
            Ok(near)
        })
        .await?;
    Ok(Json(found))
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
    let now = st.now();
    let t = st
        .db
        .read_as::<_, crate::error::ApiError, _>(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT r.category, r.unit, r.status, r.received_at, r.outcome_at, r.due_at, g.stars, COALESCE(r.ward_code, '')
                 FROM report r LEFT JOIN rating g ON g.report_id = r.id",
            )?;
            let rows = stmt
                .query_map(crate::params![], |r| {
                    Ok(Row {
                        category: r.get(0)?,
                        unit: r.get(1)?,
                        status: r.get(2)?,
                        received: r.get(3)?,
                        outcome: r.get(4)?,
                        due: r.get(5)?,
                        stars: r.get(6)?,
                        ward: r.get(7)?,
                    })
                })?
                .collect::<crate::db::DbResult<Vec<_>>>()?;
            let now = to_ms(now);
            let placed: Vec<Row> = rows.iter().filter(|r| !r.ward.is_empty()).cloned().collect();
            Ok(Transparency {
                by_category: figures(&rows, |r| &r.category, now),
                by_unit: figures(&rows, |r| &r.unit, now),
                by_ward: figures(&placed, |r| &r.ward, now),
            })
        })
        .await?;
    Ok(Json(t))
}

#[derive(Clone)]
struct Row {
    category: String,
    ward: String,
    unit: String,
    status: String,
    received: i64,
    outcome: Option<i64>,
    due: i64,
    stars: Option<u8>,
}

fn figures(rows: &[Row], key: impl Fn(&Row) -> &String, now: i64) -> Vec<Figures> {
    let mut groups: std::collections::BTreeMap<&String, Vec<&Row>> = Default::default();
    for r in rows {
        groups.entry(key(r)).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|(k, rs)| {
            let resolved: Vec<f64> = rs
                .iter()
                .filter(|r| r.status == "resolved")
                .filter_map(|r| r.outcome.map(|o| (o - r.received) as f64 / 3_600_000.0))
                .collect();
            let open: Vec<&&Row> = rs.iter().filter(|r| r.outcome.is_none()).collect();
            let stars: Vec<f64> = rs.iter().filter_map(|r| r.stars.map(f64::from)).collect();
            Figures {
                key: k.clone(),
                received: rs.len() as u64,
                resolved: resolved.len() as u64,
                open: open.len() as u64,
                overdue: open.iter().filter(|r| r.due < now).count() as u64,
                median_hours_to_resolve: percentile(&resolved, 0.5),
                p90_hours_to_resolve: percentile(&resolved, 0.9),
                satisfaction: (!stars.is_empty()).then(|| stars.iter().sum::<f64>() / stars.len() as f64),
                ratings: stars.len() as u64,
            }
        })
        .collect()
}

/// The `p` quantile by the nearest-rank method.
fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let v = [5.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(percentile(&v, 0.5), Some(3.0));
        assert_eq!(percentile(&v, 0.9), Some(5.0));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
