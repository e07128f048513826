//! Store: what the demo data needs beyond the services: moving its reports into the past.

use super::{Conn, DbResult};
use crate::params;

/// Moves each report (oldest first, the first 6 days back) and its timeline into the past,
/// each step a few hours after the one before.
pub fn spread_over_past_days(tx: &Conn) -> DbResult<()> {
    let ids: Vec<String> = tx.query_all("SELECT id FROM report ORDER BY received_at", params![], |r| r.get(0))?;
    const HOUR: i64 = 3_600_000;
    for (i, id) in ids.iter().enumerate() {
        let back = (6 - i as i64) * 24 * HOUR + 3 * HOUR;
        let events: Vec<String> = tx.query_all("SELECT id FROM timeline_event WHERE report_id = ?1 ORDER BY at, id", [id], |r| r.get(0))?;
        for (k, e) in events.iter().enumerate() {
            tx.execute("UPDATE timeline_event SET at = at - ?2 + ?3 WHERE id = ?1", params![e, back, k as i64 * 5 * HOUR])?;
        }
        let last: i64 = tx.query_row("SELECT MAX(at) FROM timeline_event WHERE report_id = ?1", [id], |r| r.get(0))?;
        tx.execute(
            "UPDATE report SET captured_at = captured_at - ?2, received_at = received_at - ?2, due_at = due_at - ?2,
                    updated_at = ?3,
                    outcome_at = CASE WHEN outcome_at IS NULL THEN NULL ELSE
                        (SELECT MAX(at) FROM timeline_event WHERE report_id = ?1
                           AND status IN ('resolved', 'rejected', 'duplicate')) END
             WHERE id = ?1",
            params![id, back, last],
        )?;
    }
    Ok(())
}
