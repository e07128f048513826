//! Store: what admins changed of the catalog at run time (units added or renamed, category
//! overrides) and the catalog's version counter.

use civic_core::model::Localized;

use super::{Conn, DbResult};
use crate::params;

/// Units in the order they were added: (code, name).
pub fn units(conn: &Conn) -> DbResult<Vec<(String, Localized)>> {
    // In the order they were added: SQLite's rowid, PostgreSQL's `position`.
    let order = if conn.is_postgres() { "position" } else { "rowid" };
    conn.query_all(&format!("SELECT code, name_vi, name_en FROM unit ORDER BY {order}"), params![], |r| {
        Ok((r.get(0)?, Localized { vi: r.get(1)?, en: r.get(2)? }))
    })
}

/// An admin's override of a category; absent fields keep the city's.
pub struct Override {
    pub code: String,
    pub active: Option<bool>,
    pub expected_hours: Option<u32>,
    pub unit: Option<String>,
}

/// Every category override.
pub fn overrides(conn: &Conn) -> DbResult<Vec<Override>> {
    conn.query_all("SELECT code, active, expected_hours, unit FROM category_override", params![], |r| {
        Ok(Override { code: r.get(0)?, active: r.get(1)?, expected_hours: r.get(2)?, unit: r.get(3)? })
    })
}

/// How many times admins changed the catalog.
pub fn version(conn: &Conn) -> DbResult<i64> {
    conn.query_row("SELECT COALESCE((SELECT value FROM counter WHERE name = 'catalog-version'), 0)", params![], |r| r.get(0))
}

/// Stores a category's override; absent fields keep what was stored.
pub fn set_override(tx: &Conn, code: &str, active: Option<bool>, expected_hours: Option<u32>, unit: Option<&str>) -> DbResult<()> {
    tx.execute(
        "INSERT INTO category_override (code, active, expected_hours, unit) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (code) DO UPDATE SET active = COALESCE(?2, category_override.active), expected_hours = COALESCE(?3, category_override.expected_hours),
                                          unit = COALESCE(?4, category_override.unit)",
        params![code, active, expected_hours, unit],
    )?;
    Ok(())
}

/// Adds a unit or renames it.
pub fn set_unit(tx: &Conn, code: &str, name: &Localized) -> DbResult<()> {
    tx.execute(
        "INSERT INTO unit (code, name_vi, name_en) VALUES (?1, ?2, ?3)
         ON CONFLICT (code) DO UPDATE SET name_vi = ?2, name_en = ?3",
        params![code, name.vi, name.en],
    )?;
    Ok(())
}

/// Adds a unit unless it is there (an admin's later renaming wins over the file's name).
pub fn seed_unit(tx: &Conn, code: &str, name: &Localized) -> DbResult<()> {
    tx.execute(
        "INSERT INTO unit (code, name_vi, name_en) VALUES (?1, ?2, ?3) ON CONFLICT (code) DO NOTHING",
        params![code, name.vi, name.en],
    )?;
    Ok(())
}

/// Bumps the catalog's version and tells every device through sync.
pub fn announce(tx: &Conn) -> DbResult<()> {
    tx.execute(
        "INSERT INTO counter (name, value) VALUES ('catalog-version', 1) ON CONFLICT (name) DO UPDATE SET value = counter.value + 1",
        params![],
    )?;
    tx.execute("INSERT INTO change_log (device_id, report_id, event_id, kind) VALUES (NULL, NULL, NULL, 'catalog')", params![])?;
    Ok(())
}
