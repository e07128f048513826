//! Service layer: what Open311 GeoReport v2 needs beyond the apps' services: the
//! jurisdiction and keys this server takes, an address looked up with the configured
//! geocoder, and reports as Open311 requests (never who reported them). Submissions go
//! through the apps' own pipeline (`submission::create_report`).

use civic_core::model::{ActorRole, Lang, Place, Status};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::{AppState, ServiceError, ServiceResult};
use crate::db::report_lists;
use crate::db::{Conn, from_ms, reports};

/// What a `GET requests` asks for.
pub use crate::db::report_lists::Open311Query;

/// Most requests one `GET requests` returns (newest first).
pub const MAX_REQUESTS: usize = 1000;

/// This endpoint serves one jurisdiction, the city: its code (`HUE`), the host of
/// `--public-url` or a configured `--open311-jurisdiction-id` name it; any other is not
/// found here.
pub fn check_jurisdiction(st: &AppState, j: Option<&str>) -> ServiceResult<()> {
    let Some(j) = j else { return Ok(()) };
    let host = st.limits.public_url.as_deref().and_then(|u| u.split("://").nth(1)).map(|h| h.split(['/', ':']).next().unwrap_or(h));
    let configured = st.limits.open311_jurisdiction_ids.iter().any(|k| j.eq_ignore_ascii_case(k));
    if configured || j.eq_ignore_ascii_case(&st.city.code) || host.is_some_and(|h| j.eq_ignore_ascii_case(h)) {
        Ok(())
    } else {
        Err(ServiceError::NotFound(format!("jurisdiction_id {j} is not served here: this endpoint serves {}", st.city.code)))
    }
}

/// A POST needs one of the configured keys (compared by hash: no early exit on a prefix).
pub fn check_key(st: &AppState, key: Option<&str>) -> ServiceResult<()> {
    let Some(key) = key else { return Err(ServiceError::Forbidden("api_key is required to POST a service request".into())) };
    let given = Sha256::digest(key.as_bytes());
    let ok = st.limits.open311_api_keys.iter().fold(false, |ok, k| ok | (Sha256::digest(k.as_bytes()) == given));
    if ok { Ok(()) } else { Err(ServiceError::Forbidden("api_key is not valid".into())) }
}

/// Where an address is, by the configured geocoder, within the city's bounds.
pub async fn geocode(st: &AppState, address: &str) -> ServiceResult<(f64, f64)> {
    let Some(geocoder) = &st.limits.geocoder_url else {
        return Err(ServiceError::malformed("no-geocoder", "address_string cannot be looked up on this server: send lat and long"));
    };
    let city = st.city.name.get(Lang::Vi);
    match crate::outbound::geocode(geocoder, address, city, st.city.area.bounds()).await {
        Ok(Some(point)) => Ok(point),
        Ok(None) => Err(ServiceError::malformed(
            "address-not-found",
            format!("address_string {address:?} was not found in {city}: send lat and long"),
        )),
        Err(e) => {
            tracing::warn!(error = %e, "the geocoder failed");
            Err(ServiceError::Busy {
                detail: "the address lookup is not answering: send lat and long, or try again later".into(),
                retry_after_s: 60,
            })
        }
    }
}

/// A report as an Open311 request: nothing about who reported it.
pub struct Request {
    pub number: String,
    pub status: Status,
    /// The last note an official wrote on its timeline.
    pub note: Option<String>,
    pub category: String,
    pub description: String,
    pub unit: String,
    pub received_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub due_at: OffsetDateTime,
    pub ward: Option<Place>,
    pub lat: f64,
    pub lon: f64,
    /// The first photo's hash.
    pub photo: Option<String>,
}

/// The reports a `GET requests` asks for (at most `MAX_REQUESTS`), newest first.
pub async fn requests(st: &AppState, q: Open311Query) -> ServiceResult<Vec<Request>> {
    Ok(st.db.read(move |c| report_lists::open311(c, &q, MAX_REQUESTS)?.iter().map(|s| request(c, s)).collect()).await?)
}

/// One report by its public number, if there is one.
pub async fn request_by_number(st: &AppState, number: String) -> ServiceResult<Option<Request>> {
    Ok(st.db.read(move |c| reports::find_by_number(c, &number)?.map(|s| request(c, &s)).transpose()).await?)
}

fn request(c: &Conn, s: &reports::Stored) -> crate::db::DbResult<Request> {
    let note = reports::timeline(c, s.id)?
        .into_iter()
        .rev()
        .filter(|e| matches!(e.actor, ActorRole::Officer | ActorRole::Operator))
        .find_map(|e| e.note.filter(|n| !n.trim().is_empty()));
    Ok(Request {
        number: s.public_number.clone(),
        status: s.status,
        note,
        category: s.category.clone(),
        description: s.description.clone(),
        unit: s.unit.clone(),
        received_at: from_ms(s.received_at)?,
        updated_at: from_ms(s.updated_at)?,
        due_at: from_ms(s.due_at)?,
        ward: s.ward.clone(),
        lat: s.location.lat,
        lon: s.location.lon,
        photo: reports::photos(c, s.id)?.into_iter().next(),
    })
}
