//! Store: clean-up campaigns, their teams and members.

use civic_core::campaign::{MeetingPoint, Team};
use civic_core::model::Localized;
use time::OffsetDateTime;

use super::{Conn, DbResult, OptionalExt, Row, to_ms};
use crate::params;

/// One campaign row.
pub struct CampaignRow {
    pub id: String,
    pub name: Localized,
    pub starts_at: i64,
    pub ends_at: i64,
    pub areas: Vec<String>,
    pub meeting_points: Vec<MeetingPoint>,
    pub categories: Vec<String>,
    pub goal_spots: Option<u32>,
    pub handed_over: bool,
    pub drawn: Option<civic_core::area::DrawnArea>,
    /// Why it was called off, when it was.
    pub cancel_reason: Option<String>,
}

const COLUMNS: &str =
    "id, name_vi, name_en, starts_at, ends_at, areas, meeting_points, categories, goal_spots, handed_over_at, polygon, cancel_reason";

fn campaign_row(r: &Row) -> DbResult<CampaignRow> {
    let list = |s: String| s.split(',').filter(|x| !x.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    Ok(CampaignRow {
        id: r.get(0)?,
        name: Localized { vi: r.get(1)?, en: r.get(2)? },
        starts_at: r.get(3)?,
        ends_at: r.get(4)?,
        areas: list(r.get(5)?),
        meeting_points: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
        categories: list(r.get(7)?),
        goal_spots: r.get(8)?,
        handed_over: r.get::<_, Option<i64>>(9)?.is_some(),
        drawn: r.get::<_, Option<String>>(10)?.and_then(|ring| serde_json::from_str(&ring).ok()).map(civic_core::area::DrawnArea::checked),
        cancel_reason: r.get(11)?,
    })
}

/// A campaign by its id.
pub fn find(c: &Conn, id: &str) -> DbResult<Option<CampaignRow>> {
    c.query_row(&format!("SELECT {COLUMNS} FROM campaign WHERE id = ?1"), [id], campaign_row).optional()
}

/// The campaigns not ended at `at`, soonest first, then the ten last ended.
pub fn listed(c: &Conn, at: OffsetDateTime) -> DbResult<Vec<CampaignRow>> {
    let t = to_ms(at);
    let mut found = c.query_all(
        &format!("SELECT {COLUMNS} FROM campaign WHERE ends_at > ?1 AND handed_over_at IS NULL ORDER BY starts_at"),
        [t],
        campaign_row,
    )?;
    found.extend(c.query_all(
        &format!("SELECT {COLUMNS} FROM campaign WHERE ends_at <= ?1 OR handed_over_at IS NOT NULL ORDER BY ends_at DESC LIMIT 10"),
        [t],
        campaign_row,
    )?);
    Ok(found)
}

/// A new campaign's row.
pub struct NewCampaign<'a> {
    pub id: &'a str,
    pub name: &'a Localized,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub areas: &'a [String],
    /// The meeting points, as JSON.
    pub meeting_points: &'a str,
    pub categories: &'a [String],
    pub goal_spots: Option<u32>,
    /// The drawn area's ring, as JSON.
    pub polygon: Option<&'a str>,
}

/// Announces a campaign at `at`.
pub fn insert(tx: &Conn, n: &NewCampaign, at: OffsetDateTime) -> DbResult<()> {
    tx.execute(
        "INSERT INTO campaign (id, name_vi, name_en, starts_at, ends_at, areas, meeting_points, categories, goal_spots, created_at, polygon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            n.id,
            n.name.vi,
            n.name.en,
            to_ms(n.starts_at),
            to_ms(n.ends_at),
            n.areas.join(","),
            n.meeting_points,
            n.categories.join(","),
            n.goal_spots,
            to_ms(at),
            n.polygon
        ],
    )?;
    Ok(())
}

/// Moves a campaign to new hours.
pub fn reschedule(tx: &Conn, id: &str, starts_at: OffsetDateTime, ends_at: OffsetDateTime) -> DbResult<()> {
    tx.execute("UPDATE campaign SET starts_at = ?2, ends_at = ?3 WHERE id = ?1", params![id, to_ms(starts_at), to_ms(ends_at)])?;
    Ok(())
}

/// Calls a campaign off at `at`, with why.
pub fn cancel(tx: &Conn, id: &str, reason: &str, at: OffsetDateTime) -> DbResult<()> {
    tx.execute("UPDATE campaign SET cancelled_at = ?2, cancel_reason = ?3 WHERE id = ?1", params![id, to_ms(at), reason])?;
    Ok(())
}

/// Marks every campaign ended (or called off) by `at` handed over once it has no spot left to hand over.
pub fn close_handed_over(tx: &Conn, at: OffsetDateTime) -> DbResult<()> {
    tx.execute(
        "UPDATE campaign SET handed_over_at = ?1 WHERE (ends_at <= ?1 OR cancelled_at IS NOT NULL) AND handed_over_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM spot s WHERE s.campaign_id = campaign.id AND s.merged_into IS NULL
                         AND s.status IN ('reported', 'claimed'))",
        [to_ms(at)],
    )?;
    Ok(())
}

/// How many devices joined a campaign.
pub fn participants(c: &Conn, campaign: &str) -> DbResult<u32> {
    c.query_row("SELECT COUNT(*) FROM campaign_member WHERE campaign_id = ?1", [campaign], |r| r.get(0))
}

/// A campaign's teams, by name, with their members.
pub fn teams(c: &Conn, campaign: &str) -> DbResult<Vec<Team>> {
    c.query_all(
        "SELECT t.id, t.name, (SELECT COUNT(*) FROM campaign_member m WHERE m.team_id = t.id) FROM campaign_team t
         WHERE t.campaign_id = ?1 ORDER BY t.name",
        [campaign],
        |r| Ok(Team { id: r.get(0)?, name: r.get(1)?, members: r.get(2)? }),
    )
}

/// A team of the campaign by its id, if it is one.
pub fn team(c: &Conn, campaign: &str, team: &str) -> DbResult<Option<String>> {
    c.query_row("SELECT id FROM campaign_team WHERE id = ?1 AND campaign_id = ?2", [team, campaign], |r| r.get(0)).optional()
}

/// A team of the campaign by its name, if there is one.
pub fn team_named(c: &Conn, campaign: &str, name: &str) -> DbResult<Option<String>> {
    c.query_row("SELECT id FROM campaign_team WHERE campaign_id = ?1 AND name = ?2", [campaign, name], |r| r.get(0)).optional()
}

/// Founds a team.
pub fn insert_team(tx: &Conn, campaign: &str, id: &str, name: &str) -> DbResult<()> {
    tx.execute("INSERT INTO campaign_team (id, campaign_id, name) VALUES (?1, ?2, ?3)", [id, campaign, name])?;
    Ok(())
}

/// The device's membership: `None` if it has not joined, else its team if it has one.
pub fn member(c: &Conn, campaign: &str, device: &str) -> DbResult<Option<Option<String>>> {
    c.query_row("SELECT team_id FROM campaign_member WHERE campaign_id = ?1 AND device_id = ?2", [campaign, device], |r| r.get(0))
        .optional()
}

/// Joins a device (joining again changes its team).
pub fn join(tx: &Conn, campaign: &str, device: &str, team: Option<&str>, at: OffsetDateTime) -> DbResult<()> {
    tx.execute(
        "INSERT INTO campaign_member (campaign_id, device_id, team_id, joined_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (campaign_id, device_id) DO UPDATE SET team_id = excluded.team_id",
        params![campaign, device, team, to_ms(at)],
    )?;
    Ok(())
}
