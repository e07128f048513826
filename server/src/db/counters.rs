//! Store: named counters (report numbers per year, the live maps' change versions).

use super::{Conn, DbResult};

/// Adds one to a counter (made at 1) and returns its new value.
pub fn next(tx: &Conn, name: &str) -> DbResult<i64> {
    tx.execute("INSERT INTO counter (name, value) VALUES (?1, 1) ON CONFLICT (name) DO UPDATE SET value = counter.value + 1", [name])?;
    tx.query_row("SELECT value FROM counter WHERE name = ?1", [name], |r| r.get(0))
}
