//! What officials do: sign in, see their units' reports, move them on, reply.

use crate::db::OptionalExt;
use crate::params;
use axum::extract::State;
use axum::http::StatusCode;
use civic_core::model::Localized;
use civic_core::model::{ActorRole, ReportId, Status};
use civic_core::protocol::{ChangeStatus, Login, Page, Reply, ReplyTemplate, ReportView, Role, Session};
use serde::{Deserialize, Serialize};

use super::citizen::{load_for, parse_page_token};
use super::{Json, Path, Query, text_field};
use crate::auth::{Caller, SESSION_HOURS, hash_password, new_token, parse_roles, role_name, token_hash, verify_password};
use crate::db::to_ms;
use crate::error::{ApiError, ApiResult};
use crate::reports::{self, Stored};
use crate::state::{AppState, Metrics};

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
    let username = req.username.trim().to_owned();
    let row = {
        let username = username.clone();
        st.db
            .read_as::<_, crate::error::ApiError, _>(move |c| {
                Ok(c.query_row("SELECT id, password_hash, roles, units FROM official WHERE username = ?1", [username], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
                })
                .optional()?)
            })
            .await?
    };
    let refused = || ApiError::Unauthorized("wrong username or password".into());
    let Some((id, phc, roles, units)) = row else {
        // Spend the same time as a real check, so timing does not tell which usernames exist.
        let _ = tokio::task::spawn_blocking(move || verify_password(&req.password, dummy_hash())).await;
        return Err(refused());
    };
    let ok = tokio::task::spawn_blocking(move || verify_password(&req.password, &phc)).await.map_err(ApiError::internal)?;
    if !ok {
        return Err(refused());
    }
    let token = new_token("o");
    let hash = token_hash(&token);
    let expires_at = st.now() + time::Duration::hours(SESSION_HOURS);
    let now = st.now();
    st.db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            tx.execute("DELETE FROM session WHERE expires_at < ?1", [to_ms(now)])?;
            tx.execute(
                "INSERT INTO session (token_hash, official_id, expires_at) VALUES (?1, ?2, ?3)",
                params![hash, id, to_ms(expires_at)],
            )?;
            Ok(())
        })
        .await?;
    Ok(Json(Session {
        token,
        username,
        roles: parse_roles(&roles),
        units: units.split(',').filter(|u| !u.is_empty()).map(str::to_owned).collect(),
        expires_at,
    }))
}

/// An argon2id hash of a random password nobody knows (for refusals that take as long as a check).
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&new_token("x")).unwrap_or_default())
}

/// `POST /api/v1/admin/officials`: an admin creates an account.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOfficial {
    pub username: String,
    pub password: String,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub units: Vec<String>,
}

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
    if !caller.official()?.has(Role::Admin) {
        return Err(ApiError::Forbidden("only an admin creates accounts".into()));
    }
    for u in &req.units {
        if st.catalog.get().unit(u).is_none() {
            return Err(ApiError::unprocessable("unknown-unit", format!("there is no unit {u:?}")));
        }
    }
    create_account(&st, req).await?;
    Ok(StatusCode::CREATED)
}

/// Creates an official's account (also used at start-up for the first admin).
pub async fn create_account(st: &AppState, req: NewOfficial) -> ApiResult<()> {
    let username = text_field("username", &req.username, 64, true)?;
    if req.password.chars().count() < 12 {
        return Err(ApiError::unprocessable("weak-password", "a password has at least 12 characters"));
    }
    if req.roles.is_empty() {
        return Err(ApiError::unprocessable("missing-field", "an official has at least one role"));
    }
    let password = req.password;
    let phc =
        tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(ApiError::internal)?.map_err(ApiError::internal)?;
    let roles = req.roles.iter().map(|r| role_name(*r)).collect::<Vec<_>>().join(",");
    let units = req.units.join(",");
    let now = st.now();
    st.db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let n = tx.execute(
                "INSERT INTO official (username, password_hash, roles, units, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (username) DO NOTHING",
                params![username, phc, roles, units, to_ms(now)],
            )?;
            if n == 0 {
                return Err(ApiError::conflict("username-taken", format!("there is already an official {username:?}")));
            }
            Ok(())
        })
        .await
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
    let official = caller.official()?.clone();
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let after = q.after.map(|a| parse_page_token(&a)).transpose()?;
    let page = st
        .db
        .read_as::<_, crate::error::ApiError, _>(move |c| {
            let all = official.has(Role::Operator);
            let (ms, id) = after.unwrap_or((i64::MIN, String::new()));
            let sql = format!(
                "SELECT {} FROM report
                 WHERE (?1 OR (',' || CAST(?2 AS TEXT) || ',') LIKE ('%,' || unit || ',%'))
                   AND (CASE WHEN CAST(?3 AS TEXT) IS NULL THEN status IN ('received','assigned','in_progress','reopened') ELSE status = ?3 END)
                   AND (due_at, id) > (?4, ?5)
                   AND (CAST(?7 AS TEXT) IS NULL OR ward_code = ?7)
                 ORDER BY due_at, id LIMIT ?6",
                reports::COLUMNS
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                params![all, official.units.join(","), q.status.map(Status::as_str), ms, id, limit + 1, q.ward],
                Stored::from_row,
            )?;
            let stored = rows.map(|r| r?).collect::<ApiResult<Vec<_>>>()?;
            reports::page(&stored, limit, |s| reports::view(c, s), |s| s.due_at)
        })
        .await?;
    Ok(Json(page))
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
    let official = caller.official()?.clone();
    // Another unit's officer gets 404, as if the report did not exist.
    let stored = load_for(&st, &caller, id).await?;
    let note = req.note.as_deref().map(|n| text_field("note", n, 2000, false)).transpose()?.filter(|n| !n.is_empty());
    let actor = if official.has(Role::Operator) { ActorRole::Operator } else { ActorRole::Officer };
    match req.to {
        Status::Rejected if note.is_none() => {
            return Err(ApiError::unprocessable("reason-required", "a rejection needs a reason (`note`)"));
        }
        Status::Resolved => {
            if note.is_none() {
                return Err(ApiError::unprocessable("note-required", "say what was done (`note`)"));
            }
            let (Some(photo), Some(at)) = (&req.photo, &req.photo_location) else {
                return Err(ApiError::unprocessable("after-photo-required", "a resolution needs an after-photo and where it was taken"));
            };
            let _ = photo;
            let d = civic_core::area::distance_m((at.lat, at.lon), (stored.location.lat, stored.location.lon));
            if d > st.limits.after_photo_radius_m {
                return Err(ApiError::unprocessable(
                    "after-photo-too-far",
                    format!(
                        "the after-photo was taken {d:.0} m from the report; it must be within {:.0} m",
                        st.limits.after_photo_radius_m
                    ),
                ));
            }
        }
        Status::Assigned => {
            if let Some(unit) = &req.unit {
                if st.catalog.get().unit(unit).is_none() {
                    return Err(ApiError::unprocessable("unknown-unit", format!("there is no unit {unit:?}")));
                }
                if unit != &stored.unit && !official.has(Role::Operator) {
                    return Err(ApiError::Forbidden("only the operations centre routes a report to another unit".into()));
                }
            }
        }
        Status::Reopened => {
            return Err(ApiError::conflict("illegal-transition", "only the citizen reopens a report"));
        }
        Status::Draft | Status::Queued | Status::Submitted | Status::Received => {
            return Err(ApiError::conflict("illegal-transition", format!("a report cannot be moved back to {}", req.to)));
        }
        _ => {}
    }
    let now = st.now();
    let view = st
        .db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let stored = reports::get(tx, id)?;
            if !stored.status.can_move_to(req.to) {
                return Err(ApiError::conflict(
                    "illegal-transition",
                    format!("a report that is {} cannot become {}", stored.status, req.to),
                ));
            }
            if let Some(photo) = &req.photo {
                let known = reports::photo_known(tx, photo)?;
                if !known {
                    return Err(ApiError::unprocessable("photo-missing", format!("photo {photo} was not uploaded first")));
                }
            }
            let duplicate_of = match (&req.to, &req.duplicate_of) {
                (Status::Duplicate, Some(number)) => {
                    let original = reports::find_by_number(tx, number)?
                        .ok_or_else(|| ApiError::unprocessable("unknown-original", format!("there is no report {number}")))?;
                    if original.id == stored.id {
                        return Err(ApiError::unprocessable("unknown-original", "a report cannot duplicate itself"));
                    }
                    Some(original.id)
                }
                (Status::Duplicate, None) => {
                    return Err(ApiError::unprocessable("original-required", "name the original report (`duplicate_of`)"));
                }
                _ => None,
            };
            let at = now;
            let unit = req.unit.clone().unwrap_or(stored.unit.clone());
            let outcome = req.to.is_outcome().then(|| to_ms(at));
            tx.execute(
                "UPDATE report SET status = ?2, unit = ?3, updated_at = ?4, outcome_at = ?5, duplicate_of = ?6 WHERE id = ?1",
                params![id.to_string(), req.to.as_str(), unit, to_ms(at), outcome, duplicate_of.map(|d| d.to_string())],
            )?;
            let mut event = reports::new_event(at, actor, Some(req.to), note);
            event.photo = req.photo.clone();
            event.duplicate_of = duplicate_of;
            reports::add_event(tx, &stored, &event, Some(&official.username))?;
            let stored = reports::get(tx, id)?;
            reports::view(tx, &stored)
        })
        .await?;
    Metrics::inc(&st.metrics.status_changes);
    Ok(Json(view))
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
    let official = caller.official()?.clone();
    let stored = load_for(&st, &caller, id).await?;
    let text = text_field("text", &req.text, 2000, true)?;
    let actor = if official.has(Role::Operator) { ActorRole::Operator } else { ActorRole::Officer };
    let now = st.now();
    let view = st
        .db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let event = reports::new_event(now, actor, None, Some(text));
            tx.execute("UPDATE report SET updated_at = ?2 WHERE id = ?1", params![id.to_string(), to_ms(event.at)])?;
            reports::add_event(tx, &stored, &event, Some(&official.username))?;
            let stored = reports::get(tx, id)?;
            reports::view(tx, &stored)
        })
        .await?;
    Ok(Json(view))
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
    caller.official()?;
    let list = st
        .db
        .read_as::<_, crate::error::ApiError, _>(|c| {
            let mut stmt = c.prepare_cached("SELECT id, title_vi, title_en, text_vi, text_en FROM reply_template ORDER BY id")?;
            let rows = stmt.query_map(crate::params![], |r| {
                Ok(ReplyTemplate {
                    id: r.get(0)?,
                    title: Localized { vi: r.get(1)?, en: r.get(2)? },
                    text: Localized { vi: r.get(3)?, en: r.get(4)? },
                })
            })?;
            Ok(rows.collect::<crate::db::DbResult<Vec<_>>>()?)
        })
        .await?;
    Ok(Json(list))
}

/// `POST /api/v1/reply-templates` (operators and admins).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTemplate {
    pub title: Localized,
    pub text: Localized,
}

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
    let o = caller.official()?;
    if !(o.has(Role::Operator) || o.has(Role::Admin)) {
        return Err(ApiError::Forbidden("only the operations centre manages templates".into()));
    }
    let f = |name, v: &str, max| text_field(name, v, max, true);
    let t = NewTemplate {
        title: Localized { vi: f("title.vi", &t.title.vi, 100)?, en: f("title.en", &t.title.en, 100)? },
        text: Localized { vi: f("text.vi", &t.text.vi, 2000)?, en: f("text.en", &t.text.en, 2000)? },
    };
    let created = st
        .db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let id: i64 = tx.query_row(
                "INSERT INTO reply_template (title_vi, title_en, text_vi, text_en) VALUES (?1, ?2, ?3, ?4) RETURNING id",
                params![t.title.vi, t.title.en, t.text.vi, t.text.en],
                |r| r.get(0),
            )?;
            Ok(ReplyTemplate { id, title: t.title, text: t.text })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}
