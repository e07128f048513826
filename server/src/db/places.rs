//! Store: rows placed in no ward yet, and campaigns' areas, for bringing what was stored
//! under former units up to date.

use civic_core::model::Place;

use super::{Conn, DbResult};
use crate::params;

/// The tables whose rows carry a ward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    Report,
    Spot,
}

impl Placed {
    fn table(self) -> &'static str {
        match self {
            Placed::Report => "report",
            Placed::Spot => "spot",
        }
    }
}

/// Up to `limit` rows without a ward, by id after `after`: (id, lat, lon).
pub fn unplaced(tx: &Conn, what: Placed, after: &str, limit: i64) -> DbResult<Vec<(String, f64, f64)>> {
    tx.query_all(
        &format!("SELECT id, lat, lon FROM {} WHERE ward_code IS NULL AND id > ?1 ORDER BY id LIMIT ?2", what.table()),
        params![after, limit],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

/// Places a row in a ward.
pub fn place(tx: &Conn, what: Placed, id: &str, ward: &Place) -> DbResult<()> {
    tx.execute(
        &format!("UPDATE {} SET ward_code = ?2, ward_vi = ?3, ward_en = ?4 WHERE id = ?1", what.table()),
        params![id, ward.code, ward.name.vi, ward.name.en],
    )?;
    Ok(())
}

/// Every campaign's areas, as stored (comma-separated codes).
pub fn campaign_areas(tx: &Conn) -> DbResult<Vec<(String, String)>> {
    tx.query_all("SELECT id, areas FROM campaign", params![], |r| Ok((r.get(0)?, r.get(1)?)))
}

/// Names a campaign's areas anew.
pub fn set_campaign_areas(tx: &Conn, id: &str, areas: &str) -> DbResult<()> {
    tx.execute("UPDATE campaign SET areas = ?2 WHERE id = ?1", params![id, areas])?;
    Ok(())
}
