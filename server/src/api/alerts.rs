//! HTTP edge: warnings over `/api/v1`: operators publish, update, cancel and import CAP
//! alerts; anyone reads the active ones; devices say how to wake them.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use civic_core::protocol::{AlertDetail, AlertView, CancelAlert, Page, PublishAlert, PushRegistration, ReportView};
use serde::Deserialize;

use super::citizen::PageQuery;
use super::{Json, Path, Query, RawBody, created};
use crate::error::ApiResult;
use crate::service::accounts::Caller;
use crate::service::{AppState, alerts, warnings};

/// `POST /api/v1/alerts`: an operator publishes a new warning.
#[utoipa::path(
    post,
    path = "/alerts",
    tag = "warnings",
    operation_id = "publishAlert",
    summary = "Publish a warning",
    description = "Makes a CAP 1.2 Alert of what the operator wrote (named areas become the city's boundary polygons) and publishes it to devices and the CAP feed.",
    request_body = PublishAlert,
    security(("official_token" = [])),
    responses(
        (status = 201, description = "Published", body = AlertView),
        (status = 400, description = "Malformed JSON, a wrong type or an unknown field (`malformed-json`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused by a rule: `unknown-topic`, `unknown-area`, `no-area`, `no-text`, `bad-area`, `bad-time`, `missing-field`, `too-long`, `not-published`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn publish(
    State(st): State<AppState>,
    caller: Caller,
    Json(req): Json<PublishAlert>,
) -> ApiResult<(StatusCode, Json<AlertView>)> {
    Ok((StatusCode::CREATED, Json(alerts::publish(&st, &caller, &req).await?)))
}

/// `PUT /api/v1/alerts/{id}`: an operator updates a warning (a CAP Update).
#[utoipa::path(
    put,
    path = "/alerts/{id}",
    tag = "warnings",
    operation_id = "updateAlert",
    summary = "Update a warning",
    description = "Publishes a CAP Update that replaces what residents see of the warning, referencing every earlier message of it.",
    params(("id" = String, Path, description = "The warning's id (its first message's CAP identifier)")),
    request_body = PublishAlert,
    security(("official_token" = [])),
    responses(
        (status = 200, description = "The warning after the update", body = AlertView),
        (status = 403, description = "Not an operator", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such warning", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The warning was cancelled (`alert-cancelled`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused by a rule, as for publishing: `unknown-topic`, `unknown-area`, `no-area`, `no-text`, `bad-area`, `bad-time`, `missing-field`, `too-long`, `not-published`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<PublishAlert>,
) -> ApiResult<Json<AlertView>> {
    Ok(Json(alerts::update(&st, &caller, id, &req).await?))
}

/// `POST /api/v1/alerts/{id}/cancel`: an operator withdraws a warning (a CAP Cancel).
#[utoipa::path(
    post,
    path = "/alerts/{id}/cancel",
    tag = "warnings",
    operation_id = "cancelAlert",
    summary = "Cancel a warning",
    description = "Publishes a CAP Cancel of the warning: devices withdraw it and the feed says so.",
    params(("id" = String, Path, description = "The warning's id")),
    request_body = CancelAlert,
    security(("official_token" = [])),
    responses(
        (status = 200, description = "The warning, now cancelled", body = AlertView),
        (status = 403, description = "Not an operator", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such warning", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already cancelled (`alert-cancelled`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn cancel(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<CancelAlert>,
) -> ApiResult<Json<AlertView>> {
    Ok(Json(alerts::cancel(&st, &caller, id, req.note.as_deref()).await?))
}

/// `POST /api/v1/alerts/import`: publishes a CAP 1.2 message from an upstream feed.
#[utoipa::path(
    post,
    path = "/alerts/import",
    tag = "warnings",
    operation_id = "importAlert",
    summary = "Import a CAP message",
    description = "Takes one CAP 1.2 XML message (an Alert, or an Update or Cancel of one received before) and publishes it. Sending the same message again changes nothing.",
    request_body(content = String, content_type = "application/xml", description = "A CAP 1.2 `<alert>` document"),
    security(("official_token" = [])),
    responses(
        (status = 200, description = "Applied to a warning already here, or a repeat of a message already received", body = AlertView),
        (status = 201, description = "A new warning", body = AlertView),
        (status = 403, description = "Not an operator", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`identifier-taken` (another message had this identifier), `alert-cancelled`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as XML", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid-cap` (malformed XML or a broken CAP rule, named), `unknown-reference`, `not-a-warning`, `not-published`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn import(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<(StatusCode, Json<AlertView>)> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let (made, view) = alerts::import(&st, &caller, content_type, &body).await?;
    Ok((created(made), Json(view)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlertsQuery {
    /// Also list cancelled and expired warnings.
    #[serde(default)]
    pub include_ended: bool,
    /// At most this many, newest first (1 to 500, 100 by default).
    #[serde(default)]
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// `GET /api/v1/alerts`: the region's warnings, for anyone.
#[utoipa::path(
    get,
    path = "/alerts",
    tag = "warnings",
    operation_id = "listAlerts",
    summary = "List warnings",
    description = "The active warnings of the region, newest first (with `include_ended`, also the cancelled and expired ones).",
    params(AlertsQuery),
    responses(
        (status = 200, description = "The warnings", body = Vec<AlertView>),
        (status = 400, description = "A bad parameter (`bad-query`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(State(st): State<AppState>, Query(q): Query<AlertsQuery>) -> ApiResult<Json<Vec<AlertView>>> {
    let limit = super::within("limit", q.limit, 1, 500)?.unwrap_or(100);
    Ok(Json(alerts::list(&st, q.include_ended, limit).await?))
}

/// `GET /api/v1/alerts/{id}`: one warning with its history, for anyone.
#[utoipa::path(
    get,
    path = "/alerts/{id}",
    tag = "warnings",
    operation_id = "getAlert",
    summary = "Get a warning",
    description = "A warning as it stands, with every message of it (the Alert, its Updates, its Cancel), oldest first.",
    params(("id" = String, Path, description = "The warning's id")),
    responses(
        (status = 200, description = "The warning and its history", body = AlertDetail),
        (status = 404, description = "No such warning", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn detail(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<AlertDetail>> {
    Ok(Json(alerts::detail(&st, id).await?))
}

/// `GET /api/v1/alerts/{id}/reports`: reports filed inside the warning's area while it was
/// active, for officials (each sees those of their units; operators all).
#[utoipa::path(
    get,
    path = "/alerts/{id}/reports",
    tag = "warnings",
    operation_id = "alertReports",
    summary = "Reports under a warning",
    description = "The reports citizens filed inside the warning's area while it was active, newest first.",
    params(("id" = String, Path, description = "The warning's id"), PageQuery),
    security(("official_token" = [])),
    responses(
        (status = 200, description = "A page of reports", body = Page<ReportView>),
        (status = 400, description = "A bad parameter (`bad-query`, `bad-page-token`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an official", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such warning", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn tagged_reports(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<ReportView>>> {
    Ok(Json(alerts::tagged_reports(&st, &caller, id, q.after.as_deref(), super::within("limit", q.limit, 1, 200)?).await?))
}

/// `PUT /api/v1/devices/me/push`: how to wake this device for warnings.
#[utoipa::path(
    put,
    path = "/devices/me/push",
    tag = "warnings",
    operation_id = "registerPush",
    summary = "Register for warning pushes",
    description = "Stores the device's push token and the coarse cells around its resident's places (never the places), so a warning for those cells wakes it to sync. A UnifiedPush device also gives its Web Push subscription's keys (`p256dh`, `auth`, RFC 8291): its wake-ups are encrypted to them (`Content-Encoding: aes128gcm`).",
    request_body = PushRegistration,
    security(("device_token" = [])),
    responses(
        (status = 204, description = "Stored"),
        (status = 403, description = "Not a citizen's device", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`bad-token` (also for a UnifiedPush registration without well-formed `p256dh` and `auth`), `bad-cell`, `too-many-cells`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn register_push(State(st): State<AppState>, caller: Caller, Json(req): Json<PushRegistration>) -> ApiResult<StatusCode> {
    warnings::register_push(&st, &caller, req).await?;
    Ok(StatusCode::NO_CONTENT)
}
