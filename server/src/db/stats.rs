//! Store: what the transparency figures are counted from: one row per report.

use super::{Conn, DbResult};
use crate::params;

/// A report as the figures see it.
#[derive(Clone)]
pub struct StatRow {
    pub category: String,
    /// The ward's code; empty for a report no ward could be found for.
    pub ward: String,
    pub unit: String,
    pub status: String,
    pub received: i64,
    pub outcome: Option<i64>,
    pub due: i64,
    pub stars: Option<u8>,
}

/// Every report, with its rating.
pub fn rows(c: &Conn) -> DbResult<Vec<StatRow>> {
    c.query_all(
        "SELECT r.category, r.unit, r.status, r.received_at, r.outcome_at, r.due_at, g.stars, COALESCE(r.ward_code, '')
         FROM report r LEFT JOIN rating g ON g.report_id = r.id",
        params![],
        |r| {
            Ok(StatRow {
                category: r.get(0)?,
                unit: r.get(1)?,
                status: r.get(2)?,
                received: r.get(3)?,
                outcome: r.get(4)?,
                due: r.get(5)?,
                stars: r.get(6)?,
                ward: r.get(7)?,
            })
        },
    )
}

/// How many reports there are.
pub fn count(c: &Conn) -> DbResult<i64> {
    c.query_row("SELECT COUNT(*) FROM report", params![], |r| r.get(0))
}
