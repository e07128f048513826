//! What a citizen's device does: register, upload photos, submit reports (idempotent),
//! read its own reports, say "me too", rate, reopen, pull changes.

use crate::db::OptionalExt;
use crate::params;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use civic_core::model::{ActorRole, ReportId, Status, TimelineEvent};
use civic_core::model::{MAX_DESCRIPTION_CHARS, MAX_PHOTOS};
use civic_core::photo::{self, PhotoOptions};
use civic_core::protocol::{
    Change, DeviceRegistered, Page, PhotoStored, Profile, Rate, RegisterDevice, Reopen, ReportReceipt, ReportView, SubmitReport, SyncBatch,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Json, Path, Query, RawBody, text_field};
use crate::auth::{Caller, hex, new_token, token_hash};
use crate::db::{from_ms, to_ms};
use crate::error::{ApiError, ApiResult};
use crate::reports::{self, Stored};
use crate::state::{AppState, Metrics};

/// `POST /api/v1/devices`
#[utoipa::path(
    post,
    path = "/devices",
    tag = "citizen",
    operation_id = "registerDevice",
    summary = "Register a device",
    description = "Registers a citizen's device anonymously and returns its bearer token; the body is optional.",
    request_body(content = Option<RegisterDevice>, description = "What the device says about itself (optional: an empty body is fine)", content_type = "application/json"),
    responses(
        (status = 201, description = "The device's id and token (keep the token in secure storage)", body = DeviceRegistered),
        (status = 400, description = "The body is not a valid `RegisterDevice` (`malformed-json`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn register(State(st): State<AppState>, RawBody(body): RawBody) -> ApiResult<(StatusCode, Json<DeviceRegistered>)> {
    // The body is optional: an empty one registers a device with nothing said about it.
    let req: RegisterDevice = if body.iter().all(u8::is_ascii_whitespace) {
        RegisterDevice::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request("malformed-json", e.to_string()))?
    };
    let platform = req.platform.map(|p| p.chars().take(32).collect::<String>());
    let version = req.app_version.map(|v| v.chars().take(32).collect::<String>());
    let id = Uuid::now_v7().to_string();
    let token = new_token("d");
    let hash = token_hash(&token);
    let device_id = id.clone();
    let now = st.now();
    st.db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            tx.execute(
                "INSERT INTO device (id, token_hash, platform, app_version, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![device_id, hash, platform, version, to_ms(now)],
            )?;
            Ok(())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(DeviceRegistered { device_id: id, token })))
}

/// `PUT /api/v1/me`: name and contact, kept private to the operations centre.
#[utoipa::path(
    put,
    path = "/me",
    tag = "citizen",
    operation_id = "updateProfile",
    summary = "Set the citizen's name and contact",
    description = "Sets the optional name, phone and e-mail of the device's citizen, kept private to the operations centre.",
    request_body = Profile,
    security(("device_token" = [])),
    responses(
        (status = 204, description = "Saved"),
        (status = 400, description = "Malformed JSON, a wrong type or an unknown field (`malformed-json`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is an official's, not a citizen's device", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is too long (`too-long`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_profile(State(st): State<AppState>, caller: Caller, Json(p): Json<Profile>) -> ApiResult<StatusCode> {
    let device = caller.device()?.to_owned();
    let field = |name: &str, v: &Option<String>, max| v.as_deref().map(|v| text_field(name, v, max, false)).transpose();
    let (name, phone, email) =
        (field("display_name", &p.display_name, 100)?, field("phone", &p.phone, 32)?, field("email", &p.email, 254)?);
    st.db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            tx.execute("UPDATE device SET display_name = ?2, phone = ?3, email = ?4 WHERE id = ?1", params![device, name, phone, email])?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/v1/photos/{sha256}`: the body is the photo; `sha256` is its hash. Idempotent:
/// a photo already stored is not processed again.
#[utoipa::path(
    put,
    path = "/photos/{hash}",
    tag = "citizen",
    operation_id = "uploadPhoto",
    summary = "Upload a photo",
    description = "Uploads a photo named by its SHA-256 (idempotent); the server strips its metadata, orients and resizes it.",
    params(("hash" = String, Path, description = "Lowercase hex SHA-256 of the photo's bytes as uploaded")),
    request_body(description = "The photo's bytes (JPEG, or PNG)", content((inline(crate::api::openapi::PhotoBytes) = "image/jpeg"), (inline(crate::api::openapi::PhotoBytes) = "image/png"))),
    security(("device_token" = []), ("official_token" = [])),
    responses(
        (status = 200, description = "Already stored: nothing was processed again", body = PhotoStored),
        (status = 201, description = "Stored", body = PhotoStored),
        (status = 400, description = "The hash is not lowercase hex SHA-256 (`bad-hash`) or not the body's (`hash-mismatch`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not an image (`unsupported-media-type`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The photo is empty or cannot be decoded (`photo-empty`, `photo-unreadable`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many photos being processed (`busy`): try again after `Retry-After` seconds", body = crate::api::openapi::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    )
)]
pub async fn put_photo(
    State(st): State<AppState>,
    caller: Caller,
    Path(hash): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<(StatusCode, Json<PhotoStored>)> {
    let _ = caller;
    if hash.len() != 64 || !hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(ApiError::bad_request("bad-hash", "the photo's name must be the lowercase hex SHA-256 of its bytes"));
    }
    if let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        if !ct.starts_with("image/") && ct != "application/octet-stream" {
            return Err(ApiError::UnsupportedMedia(format!("a photo is sent as image/jpeg or image/png, not {ct}")));
        }
    }
    let (status, stored) = store_photo(&st, hash, body).await?;
    Ok((status, Json(stored)))
}

/// Checks, processes and stores a photo named by the SHA-256 of its bytes: 201 when it is
/// new, 200 when it was already stored. The web console's after-photos come this way too.
pub async fn store_photo(st: &AppState, hash: String, body: axum::body::Bytes) -> ApiResult<(StatusCode, PhotoStored)> {
    if hex(&Sha256::digest(&body)) != hash {
        return Err(ApiError::bad_request("hash-mismatch", "the body's SHA-256 is not the one in the path (upload damaged?)"));
    }
    let known = {
        let hash = hash.clone();
        st.db
            .read_as::<_, crate::error::ApiError, _>(move |c| {
                Ok(c.query_row("SELECT width, height, bytes FROM photo WHERE hash = ?1", [hash], |r| {
                    Ok((r.get::<_, u32>(0)?, r.get::<_, u32>(1)?, r.get::<_, u64>(2)?))
                })
                .optional()?)
            })
            .await?
    };
    if let Some((width, height, bytes)) = known {
        return Ok((StatusCode::OK, PhotoStored { hash, width, height, bytes }));
    }
    let options = PhotoOptions { max_pixels: st.limits.max_photo_pixels, ..PhotoOptions::default() };
    // Decode, orient, resize and strip again: the server never trusts a client's stripping.
    // A few at a time, so a burst of uploads cannot take all the memory.
    // Past a short wait, say "busy, come back" rather than queue without end: a phone
    // retries later (honouring Retry-After) instead of holding a connection on 3G.
    let wait = std::time::Duration::from_millis(st.limits.photo_queue_wait_ms);
    let _permit = match tokio::time::timeout(wait, st.photo_permits.acquire()).await {
        Ok(permit) => permit.map_err(ApiError::internal)?,
        Err(_) => {
            return Err(ApiError::Busy { detail: "the server is busy processing photos; try again shortly".into(), retry_after_s: 5 });
        }
    };
    let processed = tokio::task::spawn_blocking(move || photo::process(&body, &options)).await.map_err(ApiError::internal)??;
    let (stored_hash, jpeg) = (processed.sha256.clone(), processed.jpeg);
    let (width, height, bytes) = (processed.width, processed.height, jpeg.len() as u64);
    st.photos.put(&stored_hash, jpeg).await?;
    let h = hash.clone();
    let now = st.now();
    st.db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            tx.execute(
                "INSERT INTO photo (hash, stored_hash, width, height, bytes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (hash) DO NOTHING",
                params![h, stored_hash, width, height, bytes as i64, to_ms(now)],
            )?;
            Ok(())
        })
        .await?;
    Metrics::inc(&st.metrics.photos_stored);
    Ok((StatusCode::CREATED, PhotoStored { hash, width, height, bytes }))
}

/// `POST /api/v1/reports`: creates the report once; the same id again gets the same receipt.
#[utoipa::path(
    post,
    path = "/reports",
    tag = "citizen",
    operation_id = "submitReport",
    summary = "Submit a report",
    description = "Creates a report once; sending the same id again returns the same receipt (idempotent retries).",
    request_body = SubmitReport,
    security(("device_token" = [])),
    responses(
        (status = 200, description = "Already received: the same receipt as the first time", body = ReportReceipt),
        (status = 201, description = "Received", body = ReportReceipt),
        (status = 400, description = "Malformed JSON, a wrong type or an unknown field (`malformed-json`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is an official's, not a citizen's device", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "This id was already used for a different report (`id-reused`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused by a rule: `unknown-category`, `bad-answer`, `photo-count`, `photo-missing`, `outside-service-area`, `bad-location`, `bad-time`, `too-long`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn submit(
    State(st): State<AppState>,
    caller: Caller,
    Json(req): Json<SubmitReport>,
) -> ApiResult<(StatusCode, Json<ReportReceipt>)> {
    let device = caller.device()?.to_owned();
    let (status, receipt) = create_report(&st, Submitter::Device(device), req, 1).await?;
    Ok((status, Json(receipt)))
}

/// Who a report comes from.
pub enum Submitter {
    /// A registered device of the apps (its id).
    Device(String),
    /// Another channel (Open311): a device record is made for this report alone, holding
    /// the contact given (private, like a citizen's profile) and no usable token.
    Channel { platform: &'static str, profile: Profile },
    /// A clean-up campaign's spot left uncleaned, handed over in the name of the device that
    /// reported it (so the citizen follows it like their own report). Its quick capture asked
    /// no category questions: answers given are checked, none is required.
    CampaignSpot(String),
}

/// The one submission pipeline every channel goes through: category and answers checked
/// against the catalog, the point placed in its ward or commune, the report
/// numbered, routed to its unit, and its timeline started. `min_photos` is 1 for the apps;
/// a channel without photo uploads (Open311) passes 0.
pub async fn create_report(
    st: &AppState,
    submitter: Submitter,
    req: SubmitReport,
    min_photos: usize,
) -> ApiResult<(StatusCode, ReportReceipt)> {
    let answers_required = !matches!(submitter, Submitter::CampaignSpot(_));
    let (device, new_device) = match submitter {
        Submitter::Device(id) | Submitter::CampaignSpot(id) => (id, None),
        Submitter::Channel { platform, profile } => {
            let id = Uuid::now_v7().to_string();
            (id.clone(), Some((id, platform, profile)))
        }
    };
    let body_hash = hex(&Sha256::digest(serde_json::to_vec(&req).map_err(ApiError::internal)?));

    // Checks that need no database.
    let category = st
        .catalog
        .get()
        .get(&req.category)
        .filter(|c| c.active)
        .ok_or_else(|| ApiError::unprocessable("unknown-category", format!("there is no active category {:?}", req.category)))?
        .clone();
    let answers = if answers_required {
        category.check_answers(&req.answers)
    } else {
        req.answers.iter().try_for_each(|(code, value)| category.check_answer(code, value))
    };
    answers.map_err(|e| ApiError::unprocessable("bad-answer", e.to_string()))?;
    let description = text_field("description", &req.description, MAX_DESCRIPTION_CHARS, false)?;
    if req.photos.len() < min_photos || req.photos.len() > MAX_PHOTOS {
        return Err(ApiError::unprocessable("photo-count", format!("a report has {min_photos} to {MAX_PHOTOS} photos")));
    }
    let placed = st.city.area.locate(req.location.lat, req.location.lon).map_err(|e| match e {
        civic_core::area::AreaError::Outside { .. } => ApiError::unprocessable("outside-service-area", e.to_string()),
        other => ApiError::unprocessable("bad-location", other.to_string()),
    })?;
    let received = st.now();
    if req.captured_at > received + time::Duration::days(1) {
        return Err(ApiError::unprocessable("bad-time", "captured_at is in the future"));
    }
    let city_code = st.city.code.clone();
    let year = received.to_offset(st.city.utc_offset).year();
    let due = received + time::Duration::hours(i64::from(category.expected_hours));

    let (status, receipt) = st
        .db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let existing: Option<(String, String)> = tx
                .query_row("SELECT device_id, body_hash FROM report WHERE id = ?1", [req.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((owner, hash)) = existing {
                if owner != device || hash != body_hash {
                    return Err(ApiError::conflict("id-reused", "this report id was already used for a different report"));
                }
                let stored = reports::get(tx, req.id)?;
                return Ok((StatusCode::OK, receipt_of(&stored)?));
            }
            for (i, p) in req.photos.iter().enumerate() {
                let known = reports::photo_known(tx, p)?;
                if !known || req.photos[..i].contains(p) {
                    return Err(ApiError::unprocessable("photo-missing", format!("photo {p} was not uploaded first (or is repeated)")));
                }
            }
            if let Some((id, platform, p)) = &new_device {
                // A hash no token can have (a token's is lowercase hex): nobody can sign in as it.
                tx.execute(
                    "INSERT INTO device (id, token_hash, platform, display_name, phone, email, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![id, format!("none:{id}"), platform, p.display_name, p.phone, p.email, to_ms(received)],
                )?;
            }
            let counter = format!("report-{year}");
            tx.execute(
                "INSERT INTO counter (name, value) VALUES (?1, 1) ON CONFLICT (name) DO UPDATE SET value = counter.value + 1",
                [&counter],
            )?;
            let n: i64 = tx.query_row("SELECT value FROM counter WHERE name = ?1", [&counter], |r| r.get(0))?;
            let number = format!("{city_code}-{year}-{n:06}");
            let ward = &placed.ward;
            let answers = serde_json::to_string(&req.answers).map_err(ApiError::internal)?;
            let unit = category.unit_for(Some(&ward.code));
            tx.execute(
                "INSERT INTO report (id, public_number, device_id, body_hash, category, unit, lat, lon, accuracy_m, fix_source,
                    fixed_at, ward_code, ward_vi, ward_en, near_edge, description, anonymous, answers,
                    captured_at, received_at, updated_at, due_at, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?20, ?21, ?22)",
                params![
                    req.id.to_string(),
                    number,
                    device,
                    body_hash,
                    category.code,
                    unit,
                    req.location.lat,
                    req.location.lon,
                    req.location.accuracy_m,
                    req.location.source.as_str(),
                    to_ms(req.location.fixed_at),
                    ward.code,
                    ward.name.vi,
                    ward.name.en,
                    placed.near_edge,
                    description,
                    req.anonymous,
                    answers,
                    to_ms(req.captured_at),
                    to_ms(received),
                    to_ms(due),
                    Status::Received.as_str()
                ],
            )?;
            for (i, p) in req.photos.iter().enumerate() {
                tx.execute(
                    "INSERT INTO report_photo (report_id, position, photo_hash) VALUES (?1, ?2, ?3)",
                    params![req.id.to_string(), i as i64, p],
                )?;
            }
            crate::alerts::tag_report(tx, &req.id.to_string(), &req.alerts)?;
            let stored = reports::get(tx, req.id)?;
            let event = reports::new_event(received, ActorRole::System, Some(Status::Received), None);
            reports::add_event(tx, &stored, &event, None)?;
            Ok((StatusCode::CREATED, receipt_of(&stored)?))
        })
        .await?;
    Metrics::inc(if status == StatusCode::CREATED { &st.metrics.reports_created } else { &st.metrics.reports_replayed });
    Ok((status, receipt))
}

fn receipt_of(s: &Stored) -> ApiResult<ReportReceipt> {
    Ok(ReportReceipt {
        id: s.id,
        public_number: s.public_number.clone(),
        status: Status::Received,
        ward: s.ward.clone(),
        unit: s.unit.clone(),
        received_at: from_ms(s.received_at)?,
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// The `next` token of the previous page.
    #[serde(default)]
    pub after: Option<String>,
    /// Reports per page, 1 to 200 (50 by default).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// `GET /api/v1/reports/mine`: the device's reports, newest first.
#[utoipa::path(
    get,
    path = "/reports/mine",
    tag = "citizen",
    operation_id = "myReports",
    summary = "List my reports",
    description = "Lists the device's own reports, newest first, a page at a time.",
    params(PageQuery),
    security(("device_token" = [])),
    responses(
        (status = 200, description = "A page of the device's reports", body = Page<ReportView>),
        (status = 400, description = "A bad parameter (`bad-query`, `bad-page-token`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is an official's, not a citizen's device", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn mine(State(st): State<AppState>, caller: Caller, Query(q): Query<PageQuery>) -> ApiResult<Json<Page<ReportView>>> {
    let device = caller.device()?.to_owned();
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let after = q.after.map(|a| parse_page_token(&a)).transpose()?;
    let page = st
        .db
        .read_as::<_, crate::error::ApiError, _>(move |c| {
            let (ms, id) = after.unwrap_or((i64::MAX, String::new()));
            let sql = format!(
                "SELECT {} FROM report WHERE device_id = ?1 AND (received_at, id) < (?2, ?3)
                 ORDER BY received_at DESC, id DESC LIMIT ?4",
                reports::COLUMNS
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![device, ms, if id.is_empty() { "~".to_owned() } else { id }, limit + 1], Stored::from_row)?;
            let stored = rows.map(|r| r?).collect::<ApiResult<Vec<_>>>()?;
            reports::page(&stored, limit, |s| reports::view(c, s), |s| s.received_at)
        })
        .await?;
    Ok(Json(page))
}

/// Parses a page token; garbage is a 400.
pub fn parse_page_token(s: &str) -> ApiResult<(i64, String)> {
    let bad = || ApiError::bad_request("bad-page-token", "`after` must be the `next` of a previous page");
    let (ms, id) = s.split_once('_').ok_or_else(bad)?;
    let id: ReportId = id.parse().map_err(|_| bad())?;
    Ok((ms.parse().map_err(|_| bad())?, id.to_string()))
}

/// Loads a report the caller may see in full: its own citizen, or an official of its unit
/// (operators see all). Anyone else gets 404, as if it did not exist.
pub async fn load_for(st: &AppState, caller: &Caller, id: ReportId) -> ApiResult<Stored> {
    let stored = st.db.read_as::<_, crate::error::ApiError, _>(move |c| reports::find(c, id)).await?;
    let not_found = || ApiError::NotFound(format!("there is no report {id} you may see"));
    let stored = stored.ok_or_else(not_found)?;
    let allowed = match caller {
        Caller::Device { id } => &stored.device_id == id,
        Caller::Official(o) => o.may_work_on(&stored.unit),
    };
    if allowed { Ok(stored) } else { Err(not_found()) }
}

/// `GET /api/v1/reports/{id}`
#[utoipa::path(
    get,
    path = "/reports/{id}",
    tag = "citizen",
    operation_id = "getReport",
    summary = "Get a report",
    description = "Returns a report in full to its own citizen or to an official of its unit.",
    params(("id" = ReportId, Path, description = "The report's id (the UUID its device gave it)")),
    security(("device_token" = []), ("official_token" = [])),
    responses(
        (status = 200, description = "The report with its timeline", body = ReportView),
        (status = 400, description = "The id is not a UUID (`bad-path`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report, or not one this caller may see", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn detail(State(st): State<AppState>, caller: Caller, Path(id): Path<ReportId>) -> ApiResult<Json<ReportView>> {
    let stored = load_for(&st, &caller, id).await?;
    Ok(Json(st.db.read_as::<_, crate::error::ApiError, _>(move |c| reports::view(c, &stored)).await?))
}

/// `POST /api/v1/reports/{id}/support`: "me too" from another citizen (once per device).
#[utoipa::path(
    post,
    path = "/reports/{id}/support",
    tag = "citizen",
    operation_id = "supportReport",
    summary = "Say \"me too\"",
    description = "Adds the device's \"me too\" to another citizen's open report (counted once per device).",
    params(("id" = ReportId, Path, description = "The report's id (the UUID its device gave it)")),
    security(("device_token" = [])),
    responses(
        (status = 204, description = "Counted (or already counted)"),
        (status = 400, description = "The id is not a UUID (`bad-path`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is an official's, not a citizen's device", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report is already closed (`report-closed`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn support(State(st): State<AppState>, caller: Caller, Path(id): Path<ReportId>) -> ApiResult<StatusCode> {
    let device = caller.device()?.to_owned();
    let now = st.now();
    st.db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let stored = reports::find(tx, id)?.ok_or_else(|| ApiError::NotFound(format!("there is no report {id}")))?;
            if stored.status.is_outcome() {
                return Err(ApiError::conflict("report-closed", "this report is already closed"));
            }
            tx.execute(
                "INSERT INTO supporter (report_id, device_id, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                params![id.to_string(), device, to_ms(now)],
            )?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/reports/{id}/rating`: 1 to 5 stars once the city gave an outcome.
#[utoipa::path(
    post,
    path = "/reports/{id}/rating",
    tag = "citizen",
    operation_id = "rateReport",
    summary = "Rate the outcome",
    description = "Rates the city's outcome of the device's own report, 1 to 5 stars, once per outcome.",
    params(("id" = ReportId, Path, description = "The report's id (the UUID its device gave it)")),
    request_body = Rate,
    security(("device_token" = [])),
    responses(
        (status = 200, description = "The report with its rating", body = ReportView),
        (status = 400, description = "Malformed JSON, a wrong type or an unknown field (`malformed-json`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is an official's, not a citizen's device", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report of this device", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not resolved or rejected yet (`not-rateable`), or already rated (`already-rated`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not 1 to 5 stars (`bad-rating`), or the comment is too long (`too-long`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn rate(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<ReportId>,
    Json(r): Json<Rate>,
) -> ApiResult<Json<ReportView>> {
    let stored = load_for(&st, &caller, id).await?;
    caller.device()?;
    if !(1..=5).contains(&r.stars) {
        return Err(ApiError::unprocessable("bad-rating", "a rating is 1 to 5 stars"));
    }
    let comment = r.comment.as_deref().map(|c| text_field("comment", c, 1000, false)).transpose()?.filter(|c| !c.is_empty());
    let low = r.stars <= st.limits.low_rating;
    let now = st.now();
    let view = st
        .db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let stored = reports::get(tx, stored.id)?;
            if !matches!(stored.status, Status::Resolved | Status::Rejected) {
                return Err(ApiError::conflict("not-rateable", "a report can be rated once it is resolved or rejected"));
            }
            let rated_at: Option<i64> =
                tx.query_row("SELECT at FROM rating WHERE report_id = ?1", [id.to_string()], |r| r.get(0)).optional()?;
            if rated_at.zip(stored.outcome_at).is_some_and(|(r, o)| r >= o) {
                return Err(ApiError::conflict("already-rated", "this outcome was already rated"));
            }
            let at = now;
            tx.execute(
                "INSERT INTO rating (report_id, stars, comment, at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (report_id) DO UPDATE SET stars = ?2, comment = ?3, at = ?4",
                params![id.to_string(), r.stars, comment, to_ms(at)],
            )?;
            if low {
                tx.execute("UPDATE report SET flagged = 1 WHERE id = ?1", [id.to_string()])?;
            }
            let note = Some(civic_core::protocol::Rate { stars: r.stars, comment }.timeline_note());
            let event = TimelineEvent { rating: Some(r.stars), ..reports::new_event(at, ActorRole::Citizen, None, note) };
            reports::add_event(tx, &stored, &event, None)?;
            let stored = reports::get(tx, id)?;
            reports::view(tx, &stored)
        })
        .await?;
    Ok(Json(view))
}

/// `POST /api/v1/reports/{id}/reopen`: within the reopen window after an outcome, with a reason.
#[utoipa::path(
    post,
    path = "/reports/{id}/reopen",
    tag = "citizen",
    operation_id = "reopenReport",
    summary = "Reopen a report",
    description = "Reopens the device's own resolved or rejected report, with a reason, within the reopen window.",
    params(("id" = ReportId, Path, description = "The report's id (the UUID its device gave it)")),
    request_body = Reopen,
    security(("device_token" = [])),
    responses(
        (status = 200, description = "The reopened report", body = ReportView),
        (status = 400, description = "Malformed JSON, a wrong type or an unknown field (`malformed-json`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is an official's, not a citizen's device", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report of this device", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not resolved or rejected (`not-reopenable`), or the window has closed (`reopen-window-closed`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The reason is missing or too long (`missing-field`, `too-long`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reopen(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<ReportId>,
    Json(r): Json<Reopen>,
) -> ApiResult<Json<ReportView>> {
    load_for(&st, &caller, id).await?;
    caller.device()?;
    let reason = text_field("reason", &r.reason, 1000, true)?;
    let window = time::Duration::days(st.limits.reopen_days);
    let days = st.limits.reopen_days;
    let now = st.now();
    let view = st
        .db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let stored = reports::get(tx, id)?;
            if !matches!(stored.status, Status::Resolved | Status::Rejected) {
                return Err(ApiError::conflict("not-reopenable", "only a resolved or rejected report can be reopened"));
            }
            let outcome = from_ms(stored.outcome_at.unwrap_or(stored.updated_at))?;
            if now - outcome > window {
                return Err(ApiError::conflict(
                    "reopen-window-closed",
                    format!("a report can be reopened within {days} days of its outcome"),
                ));
            }
            let at = now;
            tx.execute(
                "UPDATE report SET status = ?2, updated_at = ?3, outcome_at = NULL, flagged = 1 WHERE id = ?1",
                params![id.to_string(), Status::Reopened.as_str(), to_ms(at)],
            )?;
            let event = reports::new_event(at, ActorRole::Citizen, Some(Status::Reopened), Some(reason));
            reports::add_event(tx, &stored, &event, None)?;
            let stored = reports::get(tx, id)?;
            reports::view(tx, &stored)
        })
        .await?;
    Ok(Json(view))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SyncQuery {
    /// The `cursor` of the previous batch; none (or empty) for everything.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Changes per batch, 1 to 1000 (500 by default).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// `GET /api/v1/sync?cursor=…`: every change this device may see since the cursor, in order.
#[utoipa::path(
    get,
    path = "/sync",
    tag = "citizen",
    operation_id = "sync",
    summary = "Pull changes",
    description = "Returns, in order, every change this device may see since the cursor it passes back.",
    params(SyncQuery),
    security(("device_token" = [])),
    responses(
        (status = 200, description = "The next changes and the cursor to pass back", body = SyncBatch),
        (status = 400, description = "A bad parameter or a cursor this server did not give (`bad-query`, `bad-cursor`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is an official's, not a citizen's device", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sync(State(st): State<AppState>, caller: Caller, Query(q): Query<SyncQuery>) -> ApiResult<Json<SyncBatch>> {
    let device = caller.device()?.to_owned();
    let bad = || ApiError::bad_request("bad-cursor", "the cursor is not one this server gave");
    let since: i64 = match q.cursor.as_deref() {
        None | Some("") => 0,
        Some(c) => c.strip_prefix("c").and_then(|n| n.parse().ok()).filter(|n: &i64| *n >= 0).ok_or_else(bad)?,
    };
    let limit = q.limit.unwrap_or(500).clamp(1, 1000);
    let catalog_version = st.catalog.get().version;
    let now = st.now();
    let batch = st
        .db
        .read_as::<_, crate::error::ApiError, _>(move |c| {
            let newest: i64 = c.query_row("SELECT COALESCE(MAX(seq), 0) FROM change_log", crate::params![], |r| r.get(0))?;
            if since > newest {
                return Err(ApiError::bad_request("bad-cursor", "the cursor is from the future"));
            }
            let mut stmt = c.prepare_cached(
                "SELECT seq, report_id, event_id, kind FROM change_log
                 WHERE seq > ?1 AND (device_id = ?2 OR device_id IS NULL) ORDER BY seq LIMIT ?3",
            )?;
            let rows = stmt
                .query_map(params![since, device, limit + 1], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?, r.get::<_, String>(3)?))
                })?
                .collect::<crate::db::DbResult<Vec<_>>>()?;
            let more = rows.len() > limit as usize;
            let rows = &rows[..rows.len().min(limit as usize)];
            let mut changes: Vec<Change> = Vec::new();
            let mut catalog_announced = false;
            let mut alerts_sent: Vec<&str> = Vec::new();
            for (_, report_id, event_id, kind) in rows {
                match (kind.as_str(), report_id, event_id) {
                    ("report", Some(report_id), Some(event_id)) => {
                        let rid: ReportId = report_id.parse().map_err(|_| ApiError::internal("stored report id"))?;
                        let Some(event) = reports::event(c, event_id)? else { continue };
                        if let Some(Change::Report { id, events, .. }) = changes.last_mut() {
                            if *id == rid {
                                events.push(event);
                                continue;
                            }
                        }
                        let stored = reports::get(c, rid)?;
                        changes.push(Change::Report {
                            id: rid,
                            public_number: stored.public_number,
                            status: stored.status,
                            updated_at: from_ms(stored.updated_at)?,
                            events: vec![event],
                        });
                    }
                    // A warning changed, for every device: send where it stands now, once per
                    // batch. A device starting from scratch needs only the active ones.
                    ("alert", _, Some(alert_id)) => {
                        if alerts_sent.contains(&alert_id.as_str()) {
                            continue;
                        }
                        alerts_sent.push(alert_id);
                        let alert = crate::alerts::view(c, alert_id, now)?;
                        if since == 0 && alert.state != civic_core::protocol::AlertState::Active {
                            continue;
                        }
                        changes.push(Change::Alert { alert: Box::new(alert) });
                    }
                    // A catalog change, for every device: say it once per batch, with the
                    // version in force now.
                    _ => {
                        if !catalog_announced {
                            changes.push(Change::Catalog { version: catalog_version });
                            catalog_announced = true;
                        }
                    }
                }
            }
            // With more to come, resume after the last row sent; otherwise everything up to
            // the newest change (in this snapshot) has been seen. SQLite's single writer
            // makes sequence numbers commit in order, so nothing can appear below `newest`.
            let cursor = if more { rows.last().map_or(since, |r| r.0) } else { newest };
            Ok(SyncBatch { changes, cursor: format!("c{cursor}"), more, city_version: None })
        })
        .await?;
    // Which configuration is in force, so a phone holding another fetches it.
    let city_version = st.city_files.config(&st.city, &st.catalog.get()).version.clone();
    Ok(Json(SyncBatch { city_version: Some(city_version), ..batch }))
}
