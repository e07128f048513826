//! Store: what is known of each uploaded photo (named by the client's hash of its bytes): its
//! processed copy's hash and size. The bytes themselves are in the photo store.

use time::OffsetDateTime;

use super::{Conn, DbResult, OptionalExt, to_ms};
use crate::params;

/// Whether a photo with this (client) hash was uploaded.
pub fn known(conn: &Conn, hash: &str) -> DbResult<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM photo WHERE hash = ?1)", [hash], |r| r.get(0))
}

/// A stored photo's width, height and bytes.
pub fn size(c: &Conn, hash: &str) -> DbResult<Option<(u32, u32, u64)>> {
    c.query_row("SELECT width, height, bytes FROM photo WHERE hash = ?1", [hash], |r| {
        Ok((r.get::<_, u32>(0)?, r.get::<_, u32>(1)?, r.get::<_, u64>(2)?))
    })
    .optional()
}

/// The hash of the processed copy kept for an uploaded photo.
pub fn stored_hash(c: &Conn, hash: &str) -> DbResult<Option<String>> {
    c.query_row("SELECT stored_hash FROM photo WHERE hash = ?1", [hash], |r| r.get(0)).optional()
}

/// Notes a processed photo (unless it is known already).
pub fn insert(tx: &Conn, hash: &str, stored_hash: &str, width: u32, height: u32, bytes: u64, at: OffsetDateTime) -> DbResult<()> {
    tx.execute(
        "INSERT INTO photo (hash, stored_hash, width, height, bytes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (hash) DO NOTHING",
        params![hash, stored_hash, width, height, bytes as i64, to_ms(at)],
    )?;
    Ok(())
}
