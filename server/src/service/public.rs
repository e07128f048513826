//! Service layer: what anyone may read of reports: the public list and its filters, one
//! report by the number citizens quote, and the open ones near a point. Nothing here says
//! who reported a report or from which device.

use civic_core::model::ReportId;
use civic_core::protocol::{NearbyReport, Page, PublicReport};

use super::reports::{after, page};
use super::{AppState, ServiceError, ServiceResult};
use crate::db::report_lists;
use crate::db::{DbResult, reports};

/// The public list's filters.
pub use crate::db::report_lists::PublicFilter;

/// Reports matching the filters, newest first, a page at a time (1 to 200, 50 by default).
pub async fn list(st: &AppState, filter: PublicFilter, after_token: Option<&str>, limit: Option<u32>) -> ServiceResult<Page<PublicReport>> {
    let after = after(after_token)?;
    let limit = limit.unwrap_or(50).clamp(1, 200);
    Ok(st
        .db
        .read(move |c| {
            let stored = report_lists::public(c, &filter, after, limit + 1)?;
            page(&stored, limit, |s| reports::public_view(c, s), |s| s.received_at)
        })
        .await?)
}

/// One report by its public number.
pub async fn detail(st: &AppState, number: &str) -> ServiceResult<PublicReport> {
    let n = number.to_owned();
    let report = st.db.read(move |c| reports::find_by_number(c, &n)?.map(|s| reports::public_view(c, &s)).transpose()).await?;
    report.ok_or_else(|| ServiceError::NotFound(format!("there is no report {number}")))
}

/// Open reports of a category within `radius_m` (50 by default, 1 to 500) of a point,
/// nearest first, so the app can offer "me too" instead of a duplicate.
pub async fn nearby(st: &AppState, lat: f64, lon: f64, category: String, radius_m: Option<f64>) -> ServiceResult<Vec<NearbyReport>> {
    if !lat.is_finite() || !lon.is_finite() || lat.abs() > 90.0 || lon.abs() > 180.0 {
        return Err(ServiceError::malformed("bad-query", "lat/lon are not a valid position"));
    }
    let radius = radius_m.unwrap_or(50.0).clamp(1.0, 500.0);
    // A box a little larger than the circle, then the exact distance.
    let dlat = radius / 111_000.0 * 1.2;
    let dlon = dlat / lat.to_radians().cos().max(0.01);
    Ok(st
        .db
        .read(move |c| -> DbResult<_> {
            let mut near = Vec::new();
            for s in report_lists::open_in_box(c, &category, (lat - dlat, lat + dlat), (lon - dlon, lon + dlon))? {
                let d = civic_core::area::distance_m((lat, lon), (s.location.lat, s.location.lon));
                if d <= radius {
                    let id: ReportId = s.id;
                    near.push(NearbyReport { id, distance_m: d, report: reports::public_view(c, &s)? });
                }
            }
            near.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
            Ok(near)
        })
        .await?)
}
