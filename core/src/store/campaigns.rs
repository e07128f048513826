//! Green Sunday on the phone: actions waiting for the network, the live map last pulled, the
//! campaigns as last listed, and the ones the resident joined.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use time::OffsetDateTime;

use super::{from_ms, to_ms};
use crate::area::AreaMatch;
use crate::campaign::{Campaign, CampaignSummary, JoinedCampaign, PendingCampaignAction, Spot};
use crate::error::{Error, Result};
use crate::model::{GeoFix, Place};

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
    let rows =
        stmt.query_map([campaign], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?)))?;
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

/// Keeps the campaigns as just listed (a campaign no longer listed stays, for its summary).
pub fn put_campaigns(tx: &Transaction<'_>, campaigns: &[Campaign], now: OffsetDateTime) -> Result<()> {
    for c in campaigns {
        let json = serde_json::to_string(c).map_err(|e| Error::Corrupt(format!("campaign: {e}")))?;
        tx.execute(
            "INSERT INTO campaign (id, campaign, listed_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET campaign = excluded.campaign, listed_at = excluded.listed_at",
            params![c.id, json, to_ms(now)],
        )?;
    }
    Ok(())
}

/// The campaigns as last listed, in the order they were listed (soonest first).
pub fn listed_campaigns(conn: &Connection) -> Result<Vec<Campaign>> {
    let mut stmt = conn.prepare_cached("SELECT campaign FROM campaign ORDER BY listed_at DESC, rowid")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut found: Vec<Campaign> = rows
        .map(|json| serde_json::from_str(&json?).map_err(|e| Error::Corrupt(format!("cached campaign: {e}"))))
        .collect::<Result<_>>()?;
    found.sort_by_key(crate::campaign::listing_order);
    Ok(found)
}

/// One campaign as last seen.
pub fn cached_campaign(conn: &Connection, id: &str) -> Result<Option<Campaign>> {
    let json: Option<String> = conn.query_row("SELECT campaign FROM campaign WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    json.map(|j| serde_json::from_str(&j).map_err(|e| Error::Corrupt(format!("cached campaign {id}: {e}")))).transpose()
}

/// Keeps a campaign's summary (and the campaign as the summary gives it).
pub fn put_campaign_summary(tx: &Transaction<'_>, summary: &CampaignSummary, now: OffsetDateTime) -> Result<()> {
    put_campaigns(tx, std::slice::from_ref(&summary.campaign), now)?;
    let json = serde_json::to_string(summary).map_err(|e| Error::Corrupt(format!("summary: {e}")))?;
    tx.execute("UPDATE campaign SET summary = ?2 WHERE id = ?1", params![summary.campaign.id, json])?;
    Ok(())
}

/// A campaign's summary as last fetched.
pub fn campaign_summary(conn: &Connection, id: &str) -> Result<Option<CampaignSummary>> {
    let json: Option<String> = conn.query_row("SELECT summary FROM campaign WHERE id = ?1", [id], |r| r.get(0)).optional()?.flatten();
    json.map(|j| serde_json::from_str(&j).map_err(|e| Error::Corrupt(format!("cached summary {id}: {e}")))).transpose()
}

/// The resident joined (or changed team); `confirmed` once the server has it.
pub fn set_membership(tx: &Transaction<'_>, m: &JoinedCampaign) -> Result<()> {
    tx.execute(
        "INSERT INTO campaign_membership (campaign_id, team_id, team_name, joined_at, confirmed) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (campaign_id) DO UPDATE SET team_id = excluded.team_id, team_name = excluded.team_name,
             joined_at = excluded.joined_at, confirmed = excluded.confirmed",
        params![m.campaign_id, m.team_id, m.team_name, to_ms(m.joined_at), m.confirmed],
    )?;
    Ok(())
}

/// The campaigns the resident joined.
pub fn memberships(conn: &Connection) -> Result<Vec<JoinedCampaign>> {
    let mut stmt =
        conn.prepare_cached("SELECT campaign_id, team_id, team_name, joined_at, confirmed FROM campaign_membership ORDER BY joined_at")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, bool>(4)?,
        ))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (campaign_id, team_id, team_name, joined_at, confirmed) = row?;
        found.push(JoinedCampaign { campaign_id, team_id, team_name, joined_at: from_ms(joined_at)?, confirmed });
    }
    Ok(found)
}

/// The joined campaigns called off that the resident has not been told of; marks them told.
pub fn take_called_off(tx: &Transaction<'_>) -> Result<Vec<Campaign>> {
    let mut stmt = tx.prepare_cached(
        "SELECT c.campaign FROM campaign_membership m JOIN campaign c ON c.id = m.campaign_id WHERE m.called_off_told = 0",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut told = Vec::new();
    for json in rows {
        let c: Campaign = serde_json::from_str(&json?).map_err(|e| Error::Corrupt(format!("cached campaign: {e}")))?;
        if c.phase == crate::campaign::Phase::Cancelled {
            told.push(c);
        }
    }
    for c in &told {
        tx.execute("UPDATE campaign_membership SET called_off_told = 1 WHERE campaign_id = ?1", [&c.id])?;
    }
    Ok(told)
}

/// Remembers a spot the resident reported, with what its report would need.
pub fn add_my_spot(
    tx: &Transaction<'_>,
    campaign: &str,
    spot: &str,
    category: &str,
    at: &GeoFix,
    placed: Option<&AreaMatch>,
    photo: &str,
) -> Result<()> {
    let place =
        |p: Option<&Place>| p.map_or((None, None, None), |p| (Some(p.code.clone()), Some(p.name.vi.clone()), Some(p.name.en.clone())));
    // The district columns stay for spots placed before the 2025 reform; new ones have none.
    let (dc, dvi, den): (Option<String>, Option<String>, Option<String>) = (None, None, None);
    let (wc, wvi, wen) = place(placed.map(|p| &p.ward));
    tx.execute(
        "INSERT OR IGNORE INTO campaign_my_spot (spot_id, campaign_id, category, lat, lon, accuracy_m, fix_source, fixed_at,
             district_code, district_vi, district_en, ward_code, ward_vi, ward_en, photo_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            spot,
            campaign,
            category,
            at.lat,
            at.lon,
            at.accuracy_m,
            at.source.as_str(),
            to_ms(at.fixed_at),
            dc,
            dvi,
            den,
            wc,
            wvi,
            wen,
            photo
        ],
    )?;
    Ok(())
}

/// The resident's spot joined an earlier one: that one is theirs too.
pub fn my_spot_joined(tx: &Transaction<'_>, spot: &str, joined_to: &str) -> Result<()> {
    tx.execute("UPDATE campaign_my_spot SET joined_to = ?2 WHERE spot_id = ?1", params![spot, joined_to])?;
    Ok(())
}

/// The resident's own spots of a campaign (and those theirs joined).
pub fn my_spots(conn: &Connection, campaign: &str) -> Result<std::collections::HashSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT spot_id, joined_to FROM campaign_my_spot WHERE campaign_id = ?1")?;
    let rows = stmt.query_map([campaign], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?;
    let mut found = std::collections::HashSet::new();
    for row in rows {
        let (own, joined) = row?;
        found.insert(own);
        found.extend(joined);
    }
    Ok(found)
}

/// A report the phone did not capture, with the id of one of the resident's spots: the spot
/// was left at the end and handed to the city as their report. Adds it to their reports
/// (its photo follows, `spot_reports_without_photo`); false when it is no spot of theirs.
pub fn adopt_spot_report(tx: &Transaction<'_>, id: &str, public_number: &str, status: &str, updated_at: OffsetDateTime) -> Result<bool> {
    let added = tx.execute(
        "INSERT INTO report (id, public_number, category, lat, lon, accuracy_m, fix_source, fixed_at, district_code, district_vi,
             district_en, ward_code, ward_vi, ward_en, description, anonymous, answers, captured_at, status, updated_at)
         SELECT spot_id, ?2, category, lat, lon, accuracy_m, fix_source, fixed_at, district_code, district_vi,
             district_en, ward_code, ward_vi, ward_en, '', 1, '{}', fixed_at, ?3, ?4
         FROM campaign_my_spot WHERE spot_id = ?1",
        params![id, public_number, status, to_ms(updated_at)],
    )?;
    Ok(added > 0)
}

/// The resident's handed-over spots whose report has no photo on the phone yet: (report, photo).
pub fn spot_reports_without_photo(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.spot_id, m.photo_hash FROM campaign_my_spot m JOIN report r ON r.id = m.spot_id
         WHERE NOT EXISTS (SELECT 1 FROM report_photo p WHERE p.report_id = m.spot_id)",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Attaches a photo now on the phone to a handed-over spot's report.
pub fn attach_spot_photo(tx: &Transaction<'_>, report: &str, photo: &str) -> Result<()> {
    tx.execute("INSERT OR IGNORE INTO report_photo (report_id, position, photo_hash) VALUES (?1, 0, ?2)", params![report, photo])?;
    Ok(())
}
