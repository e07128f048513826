//! What the database stored under units the city no longer has (Huế's districts before the
//! 2025 reform), brought up to date when the server starts: each report and clean-up spot is
//! placed in its ward by its point, and a campaign naming a former district names the wards
//! it became. Run after the schema migrations; once everything is placed it finds nothing.

use civic_core::City;

use crate::db::Db;
use crate::error::ApiResult;
use crate::params;

/// Rows placed per transaction: a large database moves in steps, never in one long lock.
const BATCH: i64 = 2_000;

/// How much was moved.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub reports: usize,
    pub spots: usize,
    pub campaigns: usize,
    /// Points too far outside today's units to place: they keep no ward.
    pub unplaced: usize,
}

/// Places what has no ward yet, and renames former units in campaigns' areas.
pub async fn move_to_current_units(db: &Db, city: &City) -> ApiResult<Moved> {
    let mut moved = Moved::default();
    for table in ["report", "spot"] {
        // Rows that cannot be placed keep a NULL ward: skip past them by id.
        let mut after = String::new();
        loop {
            let city = city.clone();
            let (placed, unplaced, last) = db
                .write_as::<_, crate::error::ApiError, _>(move |tx| {
                    let rows = tx.query_all(
                        &format!("SELECT id, lat, lon FROM {table} WHERE ward_code IS NULL AND id > ?1 ORDER BY id LIMIT ?2"),
                        params![after, BATCH],
                        |r| Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?, r.get::<_, f64>(2)?)),
                    )?;
                    let (mut placed, mut unplaced) = (0, 0);
                    for (id, lat, lon) in &rows {
                        match city.area.locate(*lat, *lon) {
                            Ok(found) => {
                                let w = &found.ward;
                                tx.execute(
                                    &format!("UPDATE {table} SET ward_code = ?2, ward_vi = ?3, ward_en = ?4 WHERE id = ?1"),
                                    params![id, w.code, w.name.vi, w.name.en],
                                )?;
                                placed += 1;
                            }
                            Err(_) => unplaced += 1,
                        }
                    }
                    Ok((placed, unplaced, rows.last().map(|r| r.0.clone())))
                })
                .await?;
            if table == "report" {
                moved.reports += placed;
            } else {
                moved.spots += placed;
            }
            moved.unplaced += unplaced;
            match last {
                Some(id) => after = id,
                None => break,
            }
        }
    }
    let city = city.clone();
    moved.campaigns = db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let campaigns =
                tx.query_all("SELECT id, areas FROM campaign", params![], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut changed = 0;
            for (id, areas) in campaigns {
                let codes: Vec<&str> = areas.split(',').filter(|c| !c.is_empty()).collect();
                if codes.iter().all(|c| city.area.zone(c).is_some()) {
                    continue;
                }
                let mut current: Vec<String> = Vec::new();
                for code in codes {
                    for ward in city.current_units(code) {
                        if !current.contains(&ward.code) {
                            current.push(ward.code.clone());
                        }
                    }
                }
                if current.is_empty() {
                    continue;
                }
                tx.execute("UPDATE campaign SET areas = ?2 WHERE id = ?1", params![id, current.join(",")])?;
                changed += 1;
            }
            Ok(changed)
        })
        .await?;
    Ok(moved)
}
