//! Store: the change log devices sync from, in commit order (its sequence).

use super::{Conn, DbResult};
use crate::params;

/// The newest change's sequence number (0 when there is none).
pub fn newest(c: &Conn) -> DbResult<i64> {
    c.query_row("SELECT COALESCE(MAX(seq), 0) FROM change_log", params![], |r| r.get(0))
}

/// One change: its sequence, the report and event (or warning) it names, and its kind.
pub type Change = (i64, Option<String>, Option<String>, String);

/// Up to `limit` changes after `since` that this device may see (its own, and everyone's).
pub fn since(c: &Conn, since: i64, device: &str, limit: u32) -> DbResult<Vec<Change>> {
    c.query_all(
        "SELECT seq, report_id, event_id, kind FROM change_log
         WHERE seq > ?1 AND (device_id = ?2 OR device_id IS NULL) ORDER BY seq LIMIT ?3",
        params![since, device, limit],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
}
