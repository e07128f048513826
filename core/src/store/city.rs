//! The city's configuration as the server last sent it.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use time::OffsetDateTime;

use super::to_ms;
use crate::error::{Error, Result};
use crate::protocol::CityConfig;

/// The configuration kept from the server and its wards' bytes, if one was ever fetched.
pub fn city_config(conn: &Connection) -> Result<Option<(CityConfig, Vec<u8>)>> {
    let row: Option<(String, Vec<u8>)> =
        conn.query_row("SELECT config, wards FROM city_config WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    row.map(|(json, wards)| {
        let config = serde_json::from_str(&json).map_err(|e| Error::Corrupt(format!("city configuration: {e}")))?;
        Ok((config, wards))
    })
    .transpose()
}

/// The version of the configuration kept, if any.
pub fn city_version(conn: &Connection) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT version FROM city_config WHERE id = 1", [], |r| r.get(0)).optional()?)
}

/// Keeps a configuration the caller has checked, replacing the one before.
pub fn save_city_config(tx: &Transaction<'_>, config: &CityConfig, wards: &[u8], at: OffsetDateTime) -> Result<()> {
    let json = serde_json::to_string(config).map_err(|e| Error::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO city_config (id, version, config, wards, fetched_at) VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET version = ?1, config = ?2, wards = ?3, fetched_at = ?4",
        params![config.version, json, wards, to_ms(at)],
    )?;
    Ok(())
}
