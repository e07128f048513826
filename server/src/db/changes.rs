//! Store: the change log devices sync from, read in an order that never changes behind a
//! reader.
//!
//! SQLite has one writer: its sequence is in commit order, and a reader may read up to the
//! newest change. On PostgreSQL writes commit side by side, so a change with a higher
//! sequence may be visible while a lower one is still uncommitted. There, each change names
//! the transaction that wrote it (`tx`, its xid8) and a reader reads only changes of
//! transactions below its snapshot's xmin (every transaction below it has ended, and none
//! can start below it again): that set never grows, so reading it in (tx, seq) order and
//! resuming after the last (tx, seq) given skips nothing and gives nothing twice. A
//! long-running transaction holds the watermark back: readers then get fewer changes
//! (later), never wrong ones. Changes written before this (schema 12) have tx 0.

use super::{Conn, DbResult};
use crate::params;

/// A place in the log's order: after every change up to (tx, seq). On SQLite tx is 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub tx: i64,
    pub seq: i64,
}

/// How far a read transaction may read the log.
#[derive(Clone, Copy, Debug)]
pub struct Horizon {
    /// PostgreSQL: the snapshot's xmin; changes of transactions below it are final.
    /// SQLite: none, every change is.
    pub watermark: Option<i64>,
    /// The newest change's sequence number (0 when there is none).
    pub newest: i64,
}

impl Horizon {
    /// The position after every change this snapshot may give.
    pub fn head(&self) -> Position {
        match self.watermark {
            Some(xmin) => Position { tx: xmin, seq: 0 },
            None => Position { tx: 0, seq: self.newest },
        }
    }

    /// Whether a position can have been given by this server, now or before (it is not past
    /// the head, and names no sequence number not yet used).
    pub fn reached(&self, p: Position) -> bool {
        p.seq <= self.newest && self.watermark.map_or(p.tx == 0, |xmin| p.tx <= xmin)
    }
}

/// The read transaction's horizon. Call it first in the transaction: on PostgreSQL the
/// watermark is the xmin of the snapshot the transaction then reads with.
pub fn horizon(c: &Conn) -> DbResult<Horizon> {
    if c.is_postgres() {
        c.query_row(
            "SELECT CAST(CAST(pg_snapshot_xmin(pg_current_snapshot()) AS TEXT) AS BIGINT), COALESCE(MAX(seq), 0) FROM change_log",
            params![],
            |r| Ok(Horizon { watermark: Some(r.get(0)?), newest: r.get(1)? }),
        )
    } else {
        c.query_row("SELECT COALESCE(MAX(seq), 0) FROM change_log", params![], |r| Ok(Horizon { watermark: None, newest: r.get(0)? }))
    }
}

/// One change: its position, the report and event (or warning) it names, and its kind.
pub type Change = (Position, Option<String>, Option<String>, String);

/// Up to `limit` changes after `after`, below the horizon, that this device may see (its
/// own, and everyone's), in the log's order.
pub fn since(c: &Conn, after: Position, horizon: &Horizon, device: &str, limit: u32) -> DbResult<Vec<Change>> {
    match horizon.watermark {
        Some(xmin) => c.query_all(
            "SELECT CAST(CAST(tx AS TEXT) AS BIGINT), seq, report_id, event_id, kind FROM change_log
             WHERE (tx, seq) > (CAST(CAST(?1 AS TEXT) AS xid8), ?2) AND tx < CAST(CAST(?3 AS TEXT) AS xid8)
               AND (device_id = ?4 OR device_id IS NULL)
             ORDER BY tx, seq LIMIT ?5",
            params![after.tx, after.seq, xmin, device, limit],
            |r| Ok((Position { tx: r.get(0)?, seq: r.get(1)? }, r.get(2)?, r.get(3)?, r.get(4)?)),
        ),
        None => c.query_all(
            "SELECT seq, report_id, event_id, kind FROM change_log
             WHERE seq > ?1 AND (device_id = ?2 OR device_id IS NULL) ORDER BY seq LIMIT ?3",
            params![after.seq, device, limit],
            |r| Ok((Position { tx: 0, seq: r.get(0)? }, r.get(1)?, r.get(2)?, r.get(3)?)),
        ),
    }
}

/// Whether this snapshot holds changes for the device that it may not give yet: committed,
/// but by a transaction at or above the watermark (an older one still runs). Never on SQLite.
pub fn held_back(c: &Conn, horizon: &Horizon, device: &str) -> DbResult<bool> {
    let Some(xmin) = horizon.watermark else { return Ok(false) };
    c.query_row(
        "SELECT EXISTS (SELECT 1 FROM change_log WHERE tx >= CAST(CAST(?1 AS TEXT) AS xid8) AND (device_id = ?2 OR device_id IS NULL))",
        params![xmin, device],
        |r| r.get(0),
    )
}
