//! The live catalog: the city's files, with what admins changed at run time (units added
//! or renamed; categories switched off, given another unit or another expected time).
//! Every change bumps the catalog's version and tells every device through sync.

use std::sync::{Arc, RwLock};

use crate::db::Conn;
use crate::params;
use civic_core::catalog::{Catalog, Category, Unit};
use civic_core::model::Localized;
use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::error::{ApiError, ApiResult};

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
    #[serde(default)]
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
    pub async fn load(db: &Db, base: Catalog) -> ApiResult<Self> {
        let b = base.clone();
        let current = db.read_as::<_, crate::error::ApiError, _>(move |c| effective(c, &b)).await?;
        Ok(LiveCatalog { base, current: RwLock::new(Arc::new(current)) })
    }

    /// The catalog in force now.
    pub fn get(&self) -> Arc<Catalog> {
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Applies a stored change: rebuilds from the base and the database inside `tx`.
    pub fn refresh(&self, tx: &Conn) -> ApiResult<()> {
        let next = effective(tx, &self.base)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(next);
        Ok(())
    }
}

/// The base catalog with the database's units and overrides, checked like a file.
fn effective(conn: &Conn, base: &Catalog) -> ApiResult<Catalog> {
    // In the order they were added: SQLite's rowid, PostgreSQL's `position`.
    let order = if conn.is_postgres() { "position" } else { "rowid" };
    let mut units: Vec<Unit> = conn
        .prepare_cached(&format!("SELECT code, name_vi, name_en FROM unit ORDER BY {order}"))?
        .query_map(crate::params![], |r| {
            let code: String = r.get(0)?;
            // A ward's People's Committee stays tied to its ward, as the city's files say.
            let ward = base.unit(&code).and_then(|u| u.ward.clone());
            Ok(Unit { code, name: Localized { vi: r.get(1)?, en: r.get(2)? }, ward })
        })?
        .collect::<crate::db::DbResult<_>>()?;
    for u in &base.units {
        if !units.iter().any(|x| x.code == u.code) {
            units.push(u.clone());
        }
    }
    let mut categories: Vec<Category> = base.categories().to_vec();
    let mut stmt = conn.prepare_cached("SELECT code, active, expected_hours, unit FROM category_override")?;
    let overrides = stmt.query_map(crate::params![], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<bool>>(1)?, r.get::<_, Option<u32>>(2)?, r.get::<_, Option<String>>(3)?))
    })?;
    for o in overrides {
        let (code, active, hours, unit) = o?;
        if let Some(c) = categories.iter_mut().find(|c| c.code == code) {
            c.active = active.unwrap_or(c.active);
            c.expected_hours = hours.unwrap_or(c.expected_hours);
            if let Some(unit) = unit {
                // One unit chosen for the category: it handles it city-wide.
                c.unit = unit;
                c.level = civic_core::catalog::Level::City;
            }
        }
    }
    let version: i64 =
        conn.query_row("SELECT COALESCE((SELECT value FROM counter WHERE name = 'catalog-version'), 0)", crate::params![], |r| r.get(0))?;
    let json = serde_json::json!({
        "version": base.version + version as u32,
        "city": base.city,
        "units": units,
        "groups": base.groups,
        "categories": categories,
    });
    Catalog::from_json(&json.to_string()).map_err(|e| ApiError::unprocessable("bad-catalog", e.to_string()))
}

/// Stores a category change and announces the new catalog version to every device.
pub fn change_category(tx: &Conn, code: &str, change: &CategoryChange) -> ApiResult<()> {
    tx.execute(
        "INSERT INTO category_override (code, active, expected_hours, unit) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (code) DO UPDATE SET active = COALESCE(?2, category_override.active), expected_hours = COALESCE(?3, category_override.expected_hours),
                                          unit = COALESCE(?4, category_override.unit)",
        params![code, change.active, change.expected_hours, change.unit],
    )?;
    announce(tx)
}

/// Adds or renames a unit and announces the new catalog version.
pub fn change_unit(tx: &Conn, code: &str, change: &UnitChange) -> ApiResult<()> {
    tx.execute(
        "INSERT INTO unit (code, name_vi, name_en) VALUES (?1, ?2, ?3)
         ON CONFLICT (code) DO UPDATE SET name_vi = ?2, name_en = ?3",
        params![code, change.name.vi, change.name.en],
    )?;
    announce(tx)
}

fn announce(tx: &Conn) -> ApiResult<()> {
    tx.execute(
        "INSERT INTO counter (name, value) VALUES ('catalog-version', 1) ON CONFLICT (name) DO UPDATE SET value = counter.value + 1",
        crate::params![],
    )?;
    tx.execute("INSERT INTO change_log (device_id, report_id, event_id, kind) VALUES (NULL, NULL, NULL, 'catalog')", crate::params![])?;
    Ok(())
}
