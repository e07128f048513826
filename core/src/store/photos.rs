//! Content-addressed photo blobs.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use time::OffsetDateTime;

use super::to_ms;
use crate::error::{Error, Result};
use crate::model::PhotoRef;
use crate::photo::ProcessedPhoto;

/// Keeps a photo fetched from the city on the phone under the server's name for it; bytes
/// that are not a photo are left out (fetched again next time).
pub fn keep_fetched_photo(store: &super::Store, hash: &str, bytes: &[u8]) -> Result<()> {
    let Ok((width, height)) = crate::photo::dimensions(bytes) else { return Ok(()) };
    let now = store.now();
    store.write(super::Durability::AppCrash, |tx| put_fetched_photo(tx, hash, bytes, width, height, now))
}

/// Stores a processed photo (once per content) and returns its reference.
pub fn put_photo(tx: &Transaction<'_>, photo: &ProcessedPhoto, now: OffsetDateTime) -> Result<PhotoRef> {
    tx.execute(
        "INSERT INTO photo (hash, jpeg, width, height, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (hash) DO NOTHING",
        params![photo.sha256, photo.jpeg, photo.width, photo.height, to_ms(now)],
    )?;
    Ok(PhotoRef { hash: photo.sha256.clone(), width: photo.width, height: photo.height, bytes: photo.jpeg.len() as u64 })
}

/// Stores a photo fetched from the server (an official's after-photo) under the name the
/// server gave it.
pub fn put_fetched_photo(tx: &Transaction<'_>, hash: &str, jpeg: &[u8], width: u32, height: u32, now: OffsetDateTime) -> Result<()> {
    tx.execute(
        "INSERT INTO photo (hash, jpeg, width, height, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (hash) DO NOTHING",
        params![hash, jpeg, width, height, to_ms(now)],
    )?;
    Ok(())
}

/// Whether a photo is on the phone.
pub fn photo_exists(conn: &Connection, hash: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT 1 FROM photo WHERE hash = ?1", [hash], |_| Ok(())).optional()?.is_some())
}

/// Photos named on timelines that are not on the phone yet (e.g. after-photos).
pub fn missing_timeline_photos(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT photo_hash FROM timeline_event
         WHERE photo_hash IS NOT NULL AND photo_hash NOT IN (SELECT hash FROM photo)",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The JPEG bytes of a stored photo.
pub fn photo_bytes(conn: &Connection, hash: &str) -> Result<Vec<u8>> {
    conn.query_row("SELECT jpeg FROM photo WHERE hash = ?1", [hash], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::PhotoNotFound(hash.to_owned()))
}

/// Deletes a photo that nothing refers to any more.
pub fn forget_photo_if_unused(tx: &Transaction<'_>, hash: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM photo WHERE hash = ?1
           AND NOT EXISTS (SELECT 1 FROM draft_photo WHERE photo_hash = ?1)
           AND NOT EXISTS (SELECT 1 FROM report_photo WHERE photo_hash = ?1)
           AND NOT EXISTS (SELECT 1 FROM timeline_event WHERE photo_hash = ?1)",
        [hash],
    )?;
    Ok(())
}

/// The photo references behind `sql`, which selects hashes in order for parameter ?1.
pub(crate) fn photo_refs(conn: &Connection, sql: &str, owner: &str) -> Result<Vec<PhotoRef>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map([owner], |r| Ok(PhotoRef { hash: r.get(0)?, width: r.get(1)?, height: r.get(2)?, bytes: r.get::<_, i64>(3)? as u64 }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
