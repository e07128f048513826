//! Places stored before the city's units changed (Huế's districts before the 2025 reform):
//! the reports and clean-up spots still to be placed in a ward, found by their point.

use rusqlite::{Connection, Transaction, params};

use crate::error::Result;
use crate::model::Place;

/// What holds a stored place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Report,
    Spot,
}

impl Holder {
    fn table_and_key(self) -> (&'static str, &'static str) {
        match self {
            Holder::Report => ("report", "id"),
            Holder::Spot => ("campaign_my_spot", "spot_id"),
        }
    }
}

/// A report or spot with a point but no ward: `(holder, id, lat, lon)`.
pub fn unplaced(conn: &Connection) -> Result<Vec<(Holder, String, f64, f64)>> {
    let mut found = Vec::new();
    for holder in [Holder::Report, Holder::Spot] {
        let (table, key) = holder.table_and_key();
        let mut stmt = conn.prepare(&format!("SELECT {key}, lat, lon FROM {table} WHERE ward_code IS NULL"))?;
        let rows = stmt.query_map([], |r| Ok((holder, r.get(0)?, r.get(1)?, r.get(2)?)))?;
        found.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    Ok(found)
}

/// Places a report or spot in its ward.
pub fn set_ward(tx: &Transaction<'_>, holder: Holder, id: &str, ward: &Place) -> Result<()> {
    let (table, key) = holder.table_and_key();
    tx.execute(
        &format!("UPDATE {table} SET ward_code = ?2, ward_vi = ?3, ward_en = ?4 WHERE {key} = ?1"),
        params![id, ward.code, ward.name.vi, ward.name.en],
    )?;
    Ok(())
}
