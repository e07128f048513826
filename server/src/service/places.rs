//! Service layer: what the database stored under units the city no longer has (Huế's
//! districts before the 2025 reform), brought up to date when the server starts: each report
//! and clean-up spot is placed in its ward by its point, and a campaign naming a former
//! district names the wards it became. Run after the schema migrations; once everything is
//! placed it finds nothing.

use civic_core::City;

use crate::db::places::{self, Placed};
use crate::db::{Db, DbResult};

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
pub async fn move_to_current_units(db: &Db, city: &City) -> DbResult<Moved> {
    let mut moved = Moved::default();
    for what in [Placed::Report, Placed::Spot] {
        // Rows that cannot be placed keep a NULL ward: skip past them by id.
        let mut after = String::new();
        loop {
            let city = city.clone();
            let (placed, unplaced, last) = db
                .write(move |tx| -> DbResult<_> {
                    let rows = places::unplaced(tx, what, &after, BATCH)?;
                    let (mut placed, mut unplaced) = (0, 0);
                    for (id, lat, lon) in &rows {
                        match city.area.locate(*lat, *lon) {
                            Ok(found) => {
                                places::place(tx, what, id, &found.ward)?;
                                placed += 1;
                            }
                            Err(_) => unplaced += 1,
                        }
                    }
                    Ok((placed, unplaced, rows.last().map(|r| r.0.clone())))
                })
                .await?;
            match what {
                Placed::Report => moved.reports += placed,
                Placed::Spot => moved.spots += placed,
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
        .write(move |tx| -> DbResult<usize> {
            let mut changed = 0;
            for (id, areas) in places::campaign_areas(tx)? {
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
                places::set_campaign_areas(tx, &id, &current.join(","))?;
                changed += 1;
            }
            Ok(changed)
        })
        .await?;
    Ok(moved)
}
