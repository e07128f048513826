//! Small values the phone keeps between runs, each under one of the keys below.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::Result;

/// The citizen's profile (JSON), as they last gave it.
pub const PROFILE: &str = "profile";
/// "1" while the server has yet to get the profile.
pub const PROFILE_PENDING: &str = "profile_pending";
/// When a sync last went through (RFC 3339).
pub const LAST_SYNC_SUCCESS: &str = "last_sync_success";
/// Why the city's configuration last fetched was not taken, while it is not.
pub const CITY_CONFIG_REFUSED: &str = "city_config_refused";

/// A stored setting.
pub fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

/// Stores a setting.
pub fn set_setting(tx: &Transaction<'_>, key: &str, value: &str) -> Result<()> {
    tx.execute("INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2", params![key, value])?;
    Ok(())
}

/// Forgets a setting.
pub fn clear_setting(tx: &Transaction<'_>, key: &str) -> Result<()> {
    tx.execute("DELETE FROM setting WHERE key = ?1", [key])?;
    Ok(())
}
