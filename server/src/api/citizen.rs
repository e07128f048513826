//! HTTP edge: what a citizen's device does: register, upload photos, submit reports
//! (idempotent), read its own reports, say "me too", rate, reopen, pull changes.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use civic_core::model::ReportId;
use civic_core::protocol::{
    DeviceRegistered, Page, PhotoStored, Profile, Rate, RegisterDevice, Reopen, ReportReceipt, ReportView, SubmitReport, SyncBatch,
};
use serde::Deserialize;

use super::{Json, Path, Query, RawBody, created};
use crate::error::{ApiError, ApiResult};
use crate::service::accounts::Caller;
use crate::service::{AppState, devices, feedback, photos, reports, submission, sync as syncing};

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
    // The body is optional: an empty one (or `null`) registers a device with nothing said about it.
    let said = body.trim_ascii();
    let req: RegisterDevice = if said.is_empty() || said == b"null" { RegisterDevice::default() } else { super::json_object(said)? };
    Ok((StatusCode::CREATED, Json(devices::register(&st, req).await?)))
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
    devices::update_profile(&st, &caller, p).await?;
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
    params(("hash" = String, Path, description = "Lowercase hex SHA-256 of the photo's bytes as uploaded", pattern = "^[0-9a-f]{64}$")),
    request_body(description = "The photo's bytes (JPEG, or PNG; sent as either, or as bytes the server reads the kind of)", content(
        (inline(crate::api::openapi::PhotoBytes) = "image/jpeg"),
        (inline(crate::api::openapi::PhotoBytes) = "image/png"),
        (inline(crate::api::openapi::PhotoBytes) = "application/octet-stream"))),
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
    // Uploading takes a device's or an official's token; what it is does not matter.
    _caller: Caller,
    Path(hash): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<(StatusCode, Json<PhotoStored>)> {
    if !photos::valid_name(&hash) {
        return Err(ApiError::bad_request("bad-hash", "the photo's name must be the lowercase hex SHA-256 of its bytes"));
    }
    if let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        if !ct.starts_with("image/") && ct != "application/octet-stream" {
            return Err(ApiError::UnsupportedMedia(format!("a photo is sent as image/jpeg or image/png, not {ct}")));
        }
    }
    let (made, stored) = photos::store(&st, photos::PhotoSource::App, hash, body).await?;
    Ok((created(made), Json(stored)))
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
    let (made, receipt) = submission::submit(&st, &caller, req).await?;
    Ok((created(made), Json(receipt)))
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
    #[param(minimum = 1, maximum = 200)]
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
    Ok(Json(reports::mine(&st, &caller, q.after.as_deref(), super::within("limit", q.limit, 1, 200)?).await?))
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
    Ok(Json(reports::detail(&st, &caller, id).await?))
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
    feedback::support(&st, &caller, id).await?;
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
    Ok(Json(feedback::rate(&st, &caller, id, r).await?))
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
    Ok(Json(feedback::reopen(&st, &caller, id, &r.reason).await?))
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
    #[param(minimum = 1, maximum = 1000)]
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
    Ok(Json(syncing::sync(&st, &caller, q.cursor.as_deref(), super::within("limit", q.limit, 1, 1000)?).await?))
}
