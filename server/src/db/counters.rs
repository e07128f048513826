//! Store: named counters (report numbers per year, the live maps' change versions).
//!
//! Taking a number locks the counter's row until the transaction ends (on PostgreSQL), so
//! transactions taking numbers of one counter commit in its order; take it as late in the
//! transaction as its work allows.

use super::{Conn, DbResult};

/// Adds one to a counter (made at 1) and returns its new value.
pub fn next(tx: &Conn, name: &str) -> DbResult<i64> {
    tx.query_row(
        "INSERT INTO counter (name, value) VALUES (?1, 1) ON CONFLICT (name) DO UPDATE SET value = counter.value + 1 RETURNING value",
        [name],
        |r| r.get(0),
    )
}
