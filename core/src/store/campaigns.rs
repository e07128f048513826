//! Green Sunday on the phone: actions waiting for the network, and the live map last pulled.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{from_ms, to_ms};
use crate::campaign::{PendingCampaignAction, Spot};
use crate::error::{Error, Result};

/// Keeps an action to send later; returns its place in the queue.
pub fn queue_campaign_action(tx: &Transaction<'_>, pending: &PendingCampaignAction, photo: Option<(&[u8], &str)>) -> Result<i64> {
    let action = serde_json::to_string(&pending.action).map_err(|e| Error::Corrupt(format!("campaign action: {e}")))?;
    tx.execute(
        "INSERT INTO campaign_action (campaign_id, action, photo, photo_hash, queued_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![pending.campaign, action, photo.map(|(b, _)| b), photo.map(|(_, h)| h), to_ms(pending.queued_at)],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Every waiting action (of one campaign, or of all), oldest first.
pub fn campaign_actions(conn: &Connection, campaign: Option<&str>) -> Result<Vec<PendingCampaignAction>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, campaign_id, action, queued_at FROM campaign_action WHERE ?1 IS NULL OR campaign_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([campaign], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?)))?;
    let mut found = Vec::new();
    for row in rows {
        let (seq, campaign, action, queued_at) = row?;
        found.push(PendingCampaignAction {
            seq,
            campaign,
            action: serde_json::from_str(&action).map_err(|e| Error::Corrupt(format!("campaign action {seq}: {e}")))?,
            queued_at: from_ms(queued_at)?,
        });
    }
    Ok(found)
}

/// The stored photo of a waiting action: its bytes and hash.
pub fn campaign_action_photo(conn: &Connection, seq: i64) -> Result<Option<(Vec<u8>, String)>> {
    Ok(conn
        .query_row("SELECT photo, photo_hash FROM campaign_action WHERE seq = ?1 AND photo IS NOT NULL", [seq], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// Forgets an action: delivered, or refused for good.
pub fn forget_campaign_action(tx: &Transaction<'_>, seq: i64) -> Result<()> {
    tx.execute("DELETE FROM campaign_action WHERE seq = ?1", [seq])?;
    Ok(())
}

/// Keeps spots as the server gave them (newer replaces older), and where to pull from next.
pub fn put_campaign_spots(tx: &Transaction<'_>, campaign: &str, spots: &[Spot], cursor: Option<i64>) -> Result<()> {
    for spot in spots {
        let json = serde_json::to_string(spot).map_err(|e| Error::Corrupt(format!("spot: {e}")))?;
        tx.execute(
            "INSERT INTO campaign_spot (campaign_id, id, spot) VALUES (?1, ?2, ?3)
             ON CONFLICT (campaign_id, id) DO UPDATE SET spot = excluded.spot",
            params![campaign, spot.id, json],
        )?;
    }
    if let Some(cursor) = cursor {
        tx.execute(
            "INSERT INTO campaign_cursor (campaign_id, cursor) VALUES (?1, ?2)
             ON CONFLICT (campaign_id) DO UPDATE SET cursor = MAX(cursor, excluded.cursor)",
            params![campaign, cursor],
        )?;
    }
    Ok(())
}

/// The live map as last pulled.
pub fn campaign_spots(conn: &Connection, campaign: &str) -> Result<Vec<Spot>> {
    let mut stmt = conn.prepare_cached("SELECT spot FROM campaign_spot WHERE campaign_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([campaign], |r| r.get::<_, String>(0))?;
    rows.map(|json| serde_json::from_str(&json?).map_err(|e| Error::Corrupt(format!("cached spot: {e}")))).collect()
}

/// Where the next pull of a campaign's map starts.
pub fn campaign_cursor(conn: &Connection, campaign: &str) -> Result<i64> {
    Ok(conn.query_row("SELECT cursor FROM campaign_cursor WHERE campaign_id = ?1", [campaign], |r| r.get(0)).optional()?.unwrap_or(0))
}
