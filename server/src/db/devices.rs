//! Store: citizens' devices: their registration, the name and contact they give, and how to
//! wake them for warnings.

use time::OffsetDateTime;

use super::{Conn, DbResult, to_ms};
use crate::params;

/// Registers a device under the hash of its new token.
pub fn insert(
    tx: &Conn,
    id: &str,
    token_hash: &str,
    platform: Option<&str>,
    app_version: Option<&str>,
    at: OffsetDateTime,
) -> DbResult<()> {
    tx.execute(
        "INSERT INTO device (id, token_hash, platform, app_version, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, token_hash, platform, app_version, to_ms(at)],
    )?;
    Ok(())
}

/// A device for a report that came by another channel (Open311), with the reporter's contact.
/// Its token hash is `none:ID`, which no token can have (a token's is lowercase hex): nobody
/// can sign in as it.
pub fn insert_channel(tx: &Conn, id: &str, platform: &str, profile: &civic_core::protocol::Profile, at: OffsetDateTime) -> DbResult<()> {
    tx.execute(
        "INSERT INTO device (id, token_hash, platform, display_name, phone, email, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, format!("none:{id}"), platform, profile.display_name, profile.phone, profile.email, to_ms(at)],
    )?;
    Ok(())
}

/// Sets the name and contact a device's citizen gives.
pub fn set_profile(tx: &Conn, id: &str, name: Option<&str>, phone: Option<&str>, email: Option<&str>) -> DbResult<()> {
    tx.execute("UPDATE device SET display_name = ?2, phone = ?3, email = ?4 WHERE id = ?1", params![id, name, phone, email])?;
    Ok(())
}

/// A stored push registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPush {
    pub device: String,
    /// JSON of `protocol::PushRegistration`, without its Web Push keys.
    pub registration: String,
    /// The Web Push keys (UnifiedPush), base64url; `None` before schema 11.
    pub p256dh: Option<String>,
    pub auth: Option<String>,
}

/// How many push registrations are stored.
pub fn count_push_registrations(c: &Conn) -> DbResult<usize> {
    let n: i64 = c.query_row("SELECT COUNT(*) FROM push_registration", params![], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Up to `limit` stored push registrations, by device id, of the devices after `after` (""
/// for the first): a page at a time, so a million are never all held at once.
pub fn push_registrations_after(c: &Conn, after: &str, limit: usize) -> DbResult<Vec<StoredPush>> {
    c.query_all(
        "SELECT device_id, registration, p256dh, auth FROM push_registration WHERE device_id > ?1 ORDER BY device_id LIMIT ?2",
        params![after, i64::try_from(limit).unwrap_or(i64::MAX)],
        |r| Ok(StoredPush { device: r.get(0)?, registration: r.get(1)?, p256dh: r.get(2)?, auth: r.get(3)? }),
    )
}

/// Stores how to wake a device, replacing what it said before.
pub fn save_push_registration(tx: &Conn, push: &StoredPush, at: OffsetDateTime) -> DbResult<()> {
    tx.execute(
        "INSERT INTO push_registration (device_id, registration, p256dh, auth, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (device_id) DO UPDATE SET registration = excluded.registration, p256dh = excluded.p256dh,
             auth = excluded.auth, updated_at = excluded.updated_at",
        params![push.device, push.registration, push.p256dh, push.auth, to_ms(at)],
    )?;
    Ok(())
}

/// Forgets how to wake a device (its push service said the token is gone).
pub fn forget_push_registration(tx: &Conn, device: &str) -> DbResult<()> {
    tx.execute("DELETE FROM push_registration WHERE device_id = ?1", [device])?;
    Ok(())
}
