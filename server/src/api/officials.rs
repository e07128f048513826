//! HTTP edge: what officials do: sign in, see their units' reports, move them on, reply.

use axum::extract::State;
use axum::http::StatusCode;
use civic_core::model::{ReportId, Status};
use civic_core::protocol::{ChangeStatus, Login, Page, Reply, ReplyTemplate, ReportView, Session};
use serde::Deserialize;

use super::{Json, Path, Query};
use crate::error::ApiResult;
use crate::service::AppState;
use crate::service::accounts::{self, Caller, NewOfficial};
use crate::service::work::{self, InboxFilter, NewTemplate};

/// `POST /api/v1/auth/login`
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "officials",
    operation_id = "login",
    summary = "Sign in",
    description = "Signs an official in with username and password and returns a session token.",
    request_body = Login,
    responses(
        (status = 200, description = "The session, with its token", body = Session),
        (status = 400, description = "Malformed JSON, a wrong type or an unknown field (`malformed-json`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong username or password", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn login(State(st): State<AppState>, Json(req): Json<Login>) -> ApiResult<Json<Session>> {
    Ok(Json(accounts::login(&st, &req.username, req.password).await?))
}

/// `POST /api/v1/admin/officials`: an admin creates an account.
#[utoipa::path(
    post,
    path = "/admin/officials",
    tag = "officials",
    operation_id = "createOfficial",
    summary = "Create an official's account",
    description = "Creates an official's account with roles and units (admins only).",
    request_body = NewOfficial,
    security(("official_token" = [])),
    responses(
        (status = 201, description = "Created"),
        (status = 400, description = "Malformed JSON, a wrong type or an unknown field (`malformed-json`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or a device's token)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The username is taken (`username-taken`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused by a rule: `unknown-unit`, `weak-password`, `missing-field`, `too-long`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_official(State(st): State<AppState>, caller: Caller, Json(req): Json<NewOfficial>) -> ApiResult<StatusCode> {
    accounts::create_official(&st, &caller, req).await?;
    Ok(StatusCode::CREATED)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// Only reports with this status (by default every open one).
    #[serde(default)]
    pub status: Option<Status>,
    /// Only reports in this ward or commune (its official code).
    #[serde(default)]
    pub ward: Option<String>,
    /// The `next` token of the previous page.
    #[serde(default)]
    pub after: Option<String>,
    /// Reports per page, 1 to 200 (50 by default).
    #[serde(default)]
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// `GET /api/v1/work/inbox`: open reports of my units (operators: all), the most overdue first.
#[utoipa::path(
    get,
    path = "/work/inbox",
    tag = "officials",
    operation_id = "inbox",
    summary = "Work inbox",
    description = "Lists the open reports of the official's units (operators: all), the most overdue first.",
    params(InboxQuery),
    security(("official_token" = [])),
    responses(
        (status = 200, description = "A page of reports", body = Page<ReportView>),
        (status = 400, description = "A bad parameter (`bad-query`, `bad-page-token`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is a device's, not an official's", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn inbox(State(st): State<AppState>, caller: Caller, Query(q): Query<InboxQuery>) -> ApiResult<Json<Page<ReportView>>> {
    let filter = InboxFilter { status: q.status, ward: q.ward, after: q.after, limit: super::within("limit", q.limit, 1, 200)? };
    Ok(Json(work::inbox(&st, &caller, filter).await?))
}

/// `POST /api/v1/reports/{id}/status`: moves a report on, under the lifecycle's rules.
#[utoipa::path(
    post,
    path = "/reports/{id}/status",
    tag = "officials",
    operation_id = "changeStatus",
    summary = "Change a report's status",
    description = "Moves a report on under the lifecycle's rules (resolutions need a note and a nearby after-photo).",
    params(("id" = ReportId, Path, description = "The report's id (the UUID its device gave it)")),
    request_body = ChangeStatus,
    security(("official_token" = [])),
    responses(
        (status = 200, description = "The report after the change", body = ReportView),
        (status = 400, description = "Malformed JSON, a wrong type or an unknown field (`malformed-json`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A device's token, or a unit officer routing to another unit", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report, or not one of the official's units", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a legal change from the current status (`illegal-transition`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused by a rule: `reason-required`, `note-required`, `after-photo-required`, `after-photo-too-far`, `photo-missing`, `unknown-unit`, `unknown-original`, `original-required`, `too-long`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_status(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<ReportId>,
    Json(req): Json<ChangeStatus>,
) -> ApiResult<Json<ReportView>> {
    Ok(Json(work::change_status(&st, &caller, id, req).await?))
}

/// `POST /api/v1/reports/{id}/replies`: a message to the citizen on the timeline.
#[utoipa::path(
    post,
    path = "/reports/{id}/replies",
    tag = "officials",
    operation_id = "replyToReport",
    summary = "Reply to the citizen",
    description = "Adds an official's message to the citizen on the report's timeline.",
    params(("id" = ReportId, Path, description = "The report's id (the UUID its device gave it)")),
    request_body = Reply,
    security(("official_token" = [])),
    responses(
        (status = 200, description = "The report with the reply", body = ReportView),
        (status = 400, description = "Malformed JSON, a wrong type or an unknown field (`malformed-json`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is a device's, not an official's", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report, or not one of the official's units", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The text is missing or too long (`missing-field`, `too-long`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reply(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<ReportId>,
    Json(req): Json<Reply>,
) -> ApiResult<Json<ReportView>> {
    Ok(Json(work::reply(&st, &caller, id, &req.text).await?))
}

/// `GET /api/v1/reply-templates`
#[utoipa::path(
    get,
    path = "/reply-templates",
    tag = "officials",
    operation_id = "listReplyTemplates",
    summary = "List reply templates",
    description = "Lists the reply templates officials pick from.",
    security(("official_token" = [])),
    responses(
        (status = 200, description = "Every template", body = Vec<ReplyTemplate>),
        (status = 403, description = "The token is a device's, not an official's", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn templates(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<ReplyTemplate>>> {
    Ok(Json(work::templates(&st, &caller).await?))
}

/// `POST /api/v1/reply-templates` (operators and admins).
#[utoipa::path(
    post,
    path = "/reply-templates",
    tag = "officials",
    operation_id = "addReplyTemplate",
    summary = "Add a reply template",
    description = "Adds a reply template in Vietnamese and English (operators and admins).",
    request_body = NewTemplate,
    security(("official_token" = [])),
    responses(
        (status = 201, description = "The new template", body = ReplyTemplate),
        (status = 400, description = "Malformed JSON, a wrong type or an unknown field (`malformed-json`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator or admin (or a device's token)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A text is missing or too long (`missing-field`, `too-long`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_template(
    State(st): State<AppState>,
    caller: Caller,
    Json(t): Json<NewTemplate>,
) -> ApiResult<(StatusCode, Json<ReplyTemplate>)> {
    Ok((StatusCode::CREATED, Json(work::add_template(&st, &caller, t).await?)))
}
