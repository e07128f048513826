//! Drafts: reports being written, saved at every change.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::photos::{forget_photo_if_unused, photo_refs};
use time::OffsetDateTime;

use super::{from_ms, parse_name, to_ms};
use crate::error::{Error, Result};
use crate::model::{Answers, Draft, GeoFix, PhotoRef, ReportId};
use crate::photo::PhotoHints;

const DRAFT_COLUMNS: &str =
    "id, category, lat, lon, accuracy_m, fix_source, fixed_at, description, anonymous, answers, created_at, updated_at";

/// Creates an empty draft.
pub fn insert_draft(tx: &Transaction<'_>, id: ReportId, now: OffsetDateTime) -> Result<()> {
    let t = to_ms(now);
    tx.execute("INSERT INTO draft (id, created_at, updated_at) VALUES (?1, ?2, ?2)", params![id.to_string(), t])?;
    Ok(())
}

/// A draft with its photos.
pub fn load_draft(conn: &Connection, id: ReportId) -> Result<Draft> {
    let sql = format!("SELECT {DRAFT_COLUMNS} FROM draft WHERE id = ?1");
    let draft = conn.query_row(&sql, [id.to_string()], |r| Ok(draft_from_row(r))).optional()?.ok_or(Error::DraftNotFound(id))??;
    let photos = draft_photos(conn, id)?;
    Ok(Draft { photos, ..draft })
}

/// Every draft, most recently edited first.
pub fn list_drafts(conn: &Connection) -> Result<Vec<Draft>> {
    let ids: Vec<String> = conn
        .prepare_cached("SELECT id FROM draft ORDER BY updated_at DESC, id DESC")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| load_draft(conn, super::parse_name(id)?)).collect()
}

/// The photos of a draft, in the order they were attached.
pub fn draft_photos(conn: &Connection, id: ReportId) -> Result<Vec<PhotoRef>> {
    photo_refs(
        conn,
        "SELECT p.hash, p.width, p.height, length(p.jpeg) FROM draft_photo d JOIN photo p ON p.hash = d.photo_hash
         WHERE d.draft_id = ?1 ORDER BY d.position",
        &id.to_string(),
    )
}

/// The location and time hints read from each photo of a draft, in photo order.
pub fn draft_photo_hints(conn: &Connection, id: ReportId) -> Result<Vec<(String, PhotoHints, OffsetDateTime)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.photo_hash, d.hints, p.created_at FROM draft_photo d JOIN photo p ON p.hash = d.photo_hash
         WHERE d.draft_id = ?1 ORDER BY d.position",
    )?;
    let rows = stmt.query_map([id.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?;
    rows.map(|row| {
        let (hash, hints, stored) = row?;
        let hints = serde_json::from_str(&hints).map_err(|e| Error::Corrupt(format!("photo hints: {e}")))?;
        Ok((hash, hints, super::from_ms(stored)?))
    })
    .collect()
}

/// One change to a draft's fields.
#[derive(Debug, Clone)]
pub enum DraftChange<'a> {
    Category(&'a str, &'a Answers),
    Location(&'a GeoFix),
    Description(&'a str),
    Anonymous(bool),
    Answers(&'a Answers),
}

/// Applies a change to a draft (and only to a draft: a sent report is never touched).
pub fn update_draft(tx: &Transaction<'_>, id: ReportId, change: DraftChange<'_>, now: OffsetDateTime) -> Result<()> {
    let t = to_ms(now);
    let id_text = id.to_string();
    let json = |a: &Answers| serde_json::to_string(a).map_err(|e| Error::Corrupt(e.to_string()));
    let changed = match change {
        DraftChange::Category(code, answers) => tx.execute(
            "UPDATE draft SET category = ?2, answers = ?3, updated_at = ?4 WHERE id = ?1",
            params![id_text, code, json(answers)?, t],
        )?,
        DraftChange::Location(fix) => tx.execute(
            "UPDATE draft SET lat = ?2, lon = ?3, accuracy_m = ?4, fix_source = ?5, fixed_at = ?6, updated_at = ?7
             WHERE id = ?1",
            params![id_text, fix.lat, fix.lon, fix.accuracy_m, fix.source.as_str(), to_ms(fix.fixed_at), t],
        )?,
        DraftChange::Description(text) => {
            tx.execute("UPDATE draft SET description = ?2, updated_at = ?3 WHERE id = ?1", params![id_text, text, t])?
        }
        DraftChange::Anonymous(flag) => {
            tx.execute("UPDATE draft SET anonymous = ?2, updated_at = ?3 WHERE id = ?1", params![id_text, flag, t])?
        }
        DraftChange::Answers(answers) => {
            tx.execute("UPDATE draft SET answers = ?2, updated_at = ?3 WHERE id = ?1", params![id_text, json(answers)?, t])?
        }
    };
    if changed == 0 {
        return Err(Error::DraftNotFound(id));
    }
    Ok(())
}

/// Attaches a stored photo to a draft (again attaching the same photo is a no-op).
pub fn attach_draft_photo(tx: &Transaction<'_>, id: ReportId, hash: &str, hints: &PhotoHints, now: OffsetDateTime) -> Result<()> {
    let hints = serde_json::to_string(hints).map_err(|e| Error::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO draft_photo (draft_id, position, photo_hash, hints)
         SELECT ?1, COALESCE(MAX(position), -1) + 1, ?2, ?3 FROM draft_photo WHERE draft_id = ?1
         ON CONFLICT (draft_id, photo_hash) DO NOTHING",
        params![id.to_string(), hash, hints],
    )?;
    tx.execute("UPDATE draft SET updated_at = ?2 WHERE id = ?1", params![id.to_string(), to_ms(now)])?;
    Ok(())
}

/// Detaches a photo from a draft and forgets it if nothing else uses it.
pub fn detach_draft_photo(tx: &Transaction<'_>, id: ReportId, hash: &str) -> Result<()> {
    let removed = tx.execute("DELETE FROM draft_photo WHERE draft_id = ?1 AND photo_hash = ?2", params![id.to_string(), hash])?;
    if removed == 0 {
        return Err(Error::PhotoNotFound(hash.to_owned()));
    }
    forget_photo_if_unused(tx, hash)
}

/// Deletes a draft and the photos only it used.
pub fn delete_draft(tx: &Transaction<'_>, id: ReportId) -> Result<()> {
    let hashes: Vec<String> = tx
        .prepare_cached("SELECT photo_hash FROM draft_photo WHERE draft_id = ?1")?
        .query_map([id.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if tx.execute("DELETE FROM draft WHERE id = ?1", [id.to_string()])? == 0 {
        return Err(Error::DraftNotFound(id));
    }
    hashes.iter().try_for_each(|h| forget_photo_if_unused(tx, h))
}

fn draft_from_row(r: &Row<'_>) -> Result<Draft> {
    let id: String = r.get(0)?;
    let lat: Option<f64> = r.get(2)?;
    let lon: Option<f64> = r.get(3)?;
    let accuracy: Option<f64> = r.get(4)?;
    let source: Option<String> = r.get(5)?;
    let fixed_at: Option<i64> = r.get(6)?;
    let location = match (lat, lon, accuracy, source, fixed_at) {
        (Some(lat), Some(lon), Some(accuracy_m), Some(source), Some(fixed_at)) => {
            Some(GeoFix { lat, lon, accuracy_m, source: parse_name(&source)?, fixed_at: from_ms(fixed_at)? })
        }
        _ => None,
    };
    let answers: String = r.get(9)?;
    Ok(Draft {
        id: parse_name(&id)?,
        category: r.get(1)?,
        location,
        description: r.get(7)?,
        anonymous: r.get(8)?,
        answers: serde_json::from_str(&answers).map_err(|e| Error::Corrupt(format!("draft answers: {e}")))?,
        photos: Vec::new(),
        created_at: from_ms(r.get(10)?)?,
        updated_at: from_ms(r.get(11)?)?,
    })
}
