//! Service layer: the live catalog: the city's files, with what admins changed at run time
//! (units added or renamed; categories switched off, given another unit or another expected
//! time). Every change bumps the catalog's version and tells every device through sync.

use std::sync::{Arc, RwLock};

use civic_core::catalog::{Catalog, Category, Unit};
use civic_core::model::Localized;
use civic_core::protocol::Role;
use serde::{Deserialize, Serialize};

use super::accounts::Caller;
use super::{AppState, Made, ServiceError, ServiceResult, text_field};
use crate::db::{self, Conn, Db};

/// The catalog in force, swapped whole when an admin changes it.
pub struct LiveCatalog {
    base: Catalog,
    current: RwLock<Arc<Catalog>>,
}

/// An admin's change to a category; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryChange {
    #[serde(default)]
    pub active: Option<bool>,
    /// How long the category's reports should take, 1 to 8760 hours (a year).
    #[serde(default, deserialize_with = "civic_core::protocol::whole::optional")]
    #[schema(minimum = 1, maximum = 8760)]
    pub expected_hours: Option<u32>,
    #[serde(default)]
    pub unit: Option<String>,
}

/// An admin's unit: a new one, or a new name for one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitChange {
    pub name: Localized,
}

impl LiveCatalog {
    /// The city's catalog with the stored changes applied.
    pub async fn load(db: &Db, base: Catalog) -> ServiceResult<Self> {
        let b = base.clone();
        let current = db.read(move |c| effective(c, &b)).await?;
        Ok(LiveCatalog { base, current: RwLock::new(Arc::new(current)) })
    }

    /// The catalog in force now.
    pub fn get(&self) -> Arc<Catalog> {
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Applies a stored change: rebuilds from the base and the database inside `tx`.
    fn refresh(&self, tx: &Conn) -> ServiceResult<()> {
        let next = effective(tx, &self.base)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(next);
        Ok(())
    }
}

/// The base catalog with the database's units and overrides, checked like a file.
fn effective(conn: &Conn, base: &Catalog) -> ServiceResult<Catalog> {
    let mut units: Vec<Unit> = db::catalog::units(conn)?
        .into_iter()
        .map(|(code, name)| {
            // A ward's People's Committee stays tied to its ward, as the city's files say.
            let ward = base.unit(&code).and_then(|u| u.ward.clone());
            Unit { code, name, ward }
        })
        .collect();
    for u in &base.units {
        if !units.iter().any(|x| x.code == u.code) {
            units.push(u.clone());
        }
    }
    let mut categories: Vec<Category> = base.categories().to_vec();
    for o in db::catalog::overrides(conn)? {
        if let Some(c) = categories.iter_mut().find(|c| c.code == o.code) {
            c.active = o.active.unwrap_or(c.active);
            c.expected_hours = o.expected_hours.unwrap_or(c.expected_hours);
            if let Some(unit) = o.unit {
                // One unit chosen for the category: it handles it city-wide.
                c.unit = unit;
                c.level = civic_core::catalog::Level::City;
            }
        }
    }
    let version = db::catalog::version(conn)?;
    let json = serde_json::json!({
        "version": base.version + version as u32,
        "city": base.city,
        "units": units,
        "groups": base.groups,
        "categories": categories,
    });
    Catalog::from_json(&json.to_string()).map_err(|e| ServiceError::refused("bad-catalog", e.to_string()))
}

fn admin(caller: &Caller) -> ServiceResult<()> {
    if caller.official()?.has(Role::Admin) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("only an admin changes units and the catalog".into()))
    }
}

/// An admin switches a category off or on, gives it another unit or another expected
/// handling time: the category as it is now.
pub async fn change_category(st: &AppState, caller: &Caller, code: &str, change: CategoryChange) -> ServiceResult<Category> {
    admin(caller)?;
    let current = st.catalog.get();
    if current.get(code).is_none() {
        return Err(ServiceError::NotFound(format!("there is no category {code:?}")));
    }
    if let Some(unit) = &change.unit {
        if current.unit(unit).is_none() {
            return Err(ServiceError::refused("unknown-unit", format!("there is no unit {unit:?}")));
        }
    }
    if change.expected_hours.is_some_and(|h| !(1..=8760).contains(&h)) {
        return Err(ServiceError::refused("bad-hours", "expected_hours is 1 to 8760 (a year)"));
    }
    let live = st.catalog.clone();
    let c = code.to_owned();
    st.db
        .write(move |tx| {
            db::catalog::set_override(tx, &c, change.active, change.expected_hours, change.unit.as_deref())?;
            db::catalog::announce(tx)?;
            live.refresh(tx)
        })
        .await?;
    st.catalog.get().get(code).cloned().ok_or_else(|| ServiceError::internal("category vanished"))
}

/// An admin adds a unit (`Made::New`) or renames one.
pub async fn change_unit(st: &AppState, caller: &Caller, code: String, change: UnitChange) -> ServiceResult<Made> {
    admin(caller)?;
    if code.is_empty() || code.len() > 40 || !code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err(ServiceError::malformed("bad-path", "a unit code is 1 to 40 of a-z, 0-9 and '-'"));
    }
    let name = Localized { vi: text_field("name.vi", &change.name.vi, 200, true)?, en: text_field("name.en", &change.name.en, 200, true)? };
    let existed = st.catalog.get().unit(&code).is_some();
    let live = st.catalog.clone();
    st.db
        .write(move |tx| {
            db::catalog::set_unit(tx, &code, &name)?;
            db::catalog::announce(tx)?;
            live.refresh(tx)
        })
        .await?;
    Ok(if existed { Made::Before } else { Made::New })
}
