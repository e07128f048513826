//! HTTP edge: what admins do besides accounts: units and the catalog, changed at run time.

use axum::extract::State;
use axum::http::StatusCode;
use civic_core::catalog::Category;

use crate::api::{Json, Path, created};
use crate::error::ApiResult;
use crate::service::AppState;
use crate::service::accounts::Caller;
use crate::service::catalog::{self, CategoryChange, UnitChange};

/// `PUT /api/v1/admin/categories/{code}`: switch a category off or on, give it another
/// unit or another expected handling time.
#[utoipa::path(
    put,
    path = "/admin/categories/{code}",
    tag = "officials",
    operation_id = "changeCategory",
    summary = "Change a category",
    description = "Switches a category off or on, routes it to another unit or changes its expected handling time (admins only).",
    params(("code" = String, Path, description = "The category's code")),
    request_body = crate::service::catalog::CategoryChange,
    security(("official_token" = [])),
    responses(
        (status = 200, description = "The category as it is now", body = Category),
        (status = 400, description = "Malformed JSON, a wrong type or an unknown field (`malformed-json`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or a device's token)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such category", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused by a rule: `unknown-unit`, `bad-hours`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_category(
    State(st): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Json(change): Json<CategoryChange>,
) -> ApiResult<Json<Category>> {
    Ok(Json(catalog::change_category(&st, &caller, &code, change).await?))
}

/// `PUT /api/v1/admin/units/{code}`: add a unit or rename it.
#[utoipa::path(
    put,
    path = "/admin/units/{code}",
    tag = "officials",
    operation_id = "changeUnit",
    summary = "Add or rename a unit",
    description = "Adds a unit, or renames one, in Vietnamese and English (admins only).",
    params(("code" = String, Path, description = "The unit's code: 1 to 40 of a-z, 0-9 and '-'")),
    request_body = crate::service::catalog::UnitChange,
    security(("official_token" = [])),
    responses(
        (status = 200, description = "Renamed"),
        (status = 201, description = "Added"),
        (status = 400, description = "Malformed JSON (`malformed-json`), or a code that is not 1 to 40 of a-z, 0-9 and '-' (`bad-path`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (or a device's token)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A name is missing or too long (`missing-field`, `too-long`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_unit(
    State(st): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Json(change): Json<UnitChange>,
) -> ApiResult<StatusCode> {
    Ok(created(catalog::change_unit(&st, &caller, code, change).await?))
}
