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
        .write(move |tx| {
            catalog::change_category(tx, &c, &change)?;
            live.refresh(tx)
        })
        .await?;
    st.catalog.get().get(&code).cloned().map(Json).ok_or_else(|| ApiError::internal("category vanished"))
}

/// `PUT /api/v1/admin/units/{code}`: add a unit or rename it.
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
        .write(move |tx| {
            catalog::change_unit(tx, &code, &change)?;
            live.refresh(tx)
        })
        .await?;
    Ok(if existed { StatusCode::OK } else { StatusCode::CREATED })
}
