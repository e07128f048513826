//! What admins do besides accounts: units and the catalog, changed at run time.

use axum::extract::State;
use axum::http::StatusCode;
use civic_core::catalog::Category;
use civic_core::protocol::Role;

use crate::api::{Json, Path, text_field};
use crate::auth::Caller;
use crate::catalog::{self, CategoryChange, UnitChange};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

fn admin(caller: &Caller) -> ApiResult<()> {
    if caller.official()?.has(Role::Admin) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("only an admin changes units and the catalog".into()))
    }
}

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
    request_body = crate::catalog::CategoryChange,
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
    admin(&caller)?;
    let current = st.catalog.get();
    if current.get(&code).is_none() {
        return Err(ApiError::NotFound(format!("there is no category {code:?}")));
    }
    if let Some(unit) = &change.unit {
        if current.unit(unit).is_none() {
            return Err(ApiError::unprocessable("unknown-unit", format!("there is no unit {unit:?}")));
        }
    }
    if change.expected_hours.is_some_and(|h| !(1..=8760).contains(&h)) {
        return Err(ApiError::unprocessable("bad-hours", "expected_hours is 1 to 8760 (a year)"));
    }
    let live = st.catalog.clone();
    let c = code.clone();
    st.db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            catalog::change_category(tx, &c, &change)?;
            live.refresh(tx)
        })
        .await?;
    st.catalog.get().get(&code).cloned().map(Json).ok_or_else(|| ApiError::internal("category vanished"))
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
    request_body = crate::catalog::UnitChange,
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
    admin(&caller)?;
    if code.is_empty() || code.len() > 40 || !code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err(ApiError::bad_request("bad-path", "a unit code is 1 to 40 of a-z, 0-9 and '-'"));
    }
    let change = UnitChange {
        name: civic_core::model::Localized {
            vi: text_field("name.vi", &change.name.vi, 200, true)?,
            en: text_field("name.en", &change.name.en, 200, true)?,
        },
    };
    let existed = st.catalog.get().unit(&code).is_some();
    let live = st.catalog.clone();
    st.db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            catalog::change_unit(tx, &code, &change)?;
            live.refresh(tx)
        })
        .await?;
    Ok(if existed { StatusCode::OK } else { StatusCode::CREATED })
}
