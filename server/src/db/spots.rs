//! Store: clean-up campaigns' spots (the live map), as reported, merged, claimed, cleaned and
//! handed over, each change numbered by the `campaign-spots` counter.

use civic_core::campaign::{Spot, SpotStatus, Team};
use civic_core::model::{Localized, Place};
use time::OffsetDateTime;

use super::{Conn, DbError, DbResult, OptionalExt, Row, from_ms, to_ms};
use crate::params;

const SPOT_COLUMNS: &str = "s.id, s.category, s.lat, s.lon, s.ward_code, s.ward_vi, s.ward_en, s.status, s.photo_hash, s.claimed_by, \
     s.cleaned_by, s.after_photo, s.kg, s.reported_at, s.cleaned_at, s.report_id, s.version, \
     (SELECT COUNT(*) FROM spot m WHERE m.merged_into = s.id)";

/// A spot as stored, before its team and report number are filled in.
pub struct SpotRow {
    pub spot: Spot,
    /// The team that cleaned it, or else claimed it.
    pub team_id: Option<String>,
    pub report_id: Option<String>,
    pub version: i64,
}

fn spot_row(r: &Row) -> DbResult<SpotRow> {
    let ward_code: Option<String> = r.get(4)?;
    let status = match r.get::<_, String>(7)?.as_str() {
        "claimed" => SpotStatus::Claimed,
        "cleaned" => SpotStatus::Cleaned,
        "handed_over" => SpotStatus::HandedOver,
        _ => SpotStatus::Reported,
    };
    let claimed: Option<String> = r.get(9)?;
    let cleaned_by: Option<String> = r.get(10)?;
    let cleaned_at: Option<i64> = r.get(14)?;
    Ok(SpotRow {
        spot: Spot {
            id: r.get(0)?,
            category: r.get(1)?,
            lat: r.get(2)?,
            lon: r.get(3)?,
            ward: match ward_code {
                Some(code) => Some(Place { code, name: Localized { vi: r.get(5)?, en: r.get(6)? } }),
                None => None,
            },
            status,
            photo: r.get(8)?,
            team: None,
            after_photo: r.get(11)?,
            kg: r.get(12)?,
            also_reported: r.get(17)?,
            reported_at: from_ms(r.get(13)?)?,
            cleaned_at: cleaned_at.map(from_ms).transpose()?,
            report_number: None,
        },
        team_id: cleaned_by.or(claimed),
        report_id: r.get(15)?,
        version: r.get(16)?,
    })
}

/// Fills in the team (from the campaign's, read once for a page) and the handed-over report's number.
pub fn finish(c: &Conn, teams: &[Team], mut row: SpotRow) -> DbResult<Spot> {
    if let Some(t) = &row.team_id {
        row.spot.team = teams.iter().find(|x| &x.id == t).cloned();
    }
    if let Some(r) = &row.report_id {
        row.spot.report_number = super::reports::number_of(c, r)?;
    }
    Ok(row.spot)
}

/// A spot of a campaign by its id (merged or not).
pub fn find(c: &Conn, campaign: &str, id: &str) -> DbResult<Option<SpotRow>> {
    c.query_row(&format!("SELECT {SPOT_COLUMNS} FROM spot s WHERE s.id = ?1 AND s.campaign_id = ?2"), [id, campaign], spot_row).optional()
}

/// A spot that must exist (it was just found or written in this transaction).
pub fn get(c: &Conn, campaign: &str, id: &str) -> DbResult<SpotRow> {
    find(c, campaign, id)?.ok_or_else(|| DbError::Other(format!("spot {id} vanished")))
}

/// The spot a spot was merged into (`None` when it stands for itself), whatever its campaign.
pub fn merged_into(c: &Conn, id: &str) -> DbResult<Option<String>> {
    c.query_row("SELECT merged_into FROM spot WHERE id = ?1", [id], |r| r.get(0))
}

/// Whether the campaign has this spot, and the spot it was merged into if it was.
pub fn merge_of(c: &Conn, campaign: &str, id: &str) -> DbResult<Option<Option<String>>> {
    c.query_row("SELECT merged_into FROM spot WHERE id = ?1 AND campaign_id = ?2", [id, campaign], |r| r.get(0)).optional()
}

/// The next value of the live map's change counter.
pub fn next_version(tx: &Conn) -> DbResult<i64> {
    super::counters::next(tx, "campaign-spots")
}

/// Spots of a campaign not merged into another inside a box of latitudes and longitudes,
/// oldest first: (id, lat, lon).
pub fn unmerged_in_box(c: &Conn, campaign: &str, lat: (f64, f64), lon: (f64, f64)) -> DbResult<Vec<(String, f64, f64)>> {
    c.query_all(
        "SELECT id, lat, lon FROM spot WHERE campaign_id = ?1 AND merged_into IS NULL
         AND lat BETWEEN ?2 AND ?3 AND lon BETWEEN ?4 AND ?5 ORDER BY reported_at, id",
        params![campaign, lat.0, lat.1, lon.0, lon.1],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

/// A new spot's row.
pub struct NewSpot<'a> {
    pub id: &'a str,
    pub campaign: &'a str,
    pub category: &'a str,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub ward: &'a Place,
    pub photo: &'a str,
    pub device: &'a str,
    pub team: Option<&'a str>,
    pub reported_at: OffsetDateTime,
    /// The spot it joined, reported within a few metres before.
    pub merged_into: Option<&'a str>,
    pub version: i64,
}

/// Writes a reported spot (merged into another, or standing for itself).
pub fn insert(tx: &Conn, s: &NewSpot) -> DbResult<()> {
    tx.execute(
        "INSERT INTO spot (id, campaign_id, category, lat, lon, accuracy_m, ward_code, ward_vi, ward_en, photo_hash, device_id,
                           team_id, reported_at, merged_into, status, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            s.id,
            s.campaign,
            s.category,
            s.lat,
            s.lon,
            s.accuracy_m,
            s.ward.code,
            s.ward.name.vi,
            s.ward.name.en,
            s.photo,
            s.device,
            s.team,
            to_ms(s.reported_at),
            s.merged_into,
            if s.merged_into.is_some() { "merged" } else { "reported" },
            s.version
        ],
    )?;
    Ok(())
}

/// Marks a spot changed (one more report joined it).
pub fn set_version(tx: &Conn, id: &str, version: i64) -> DbResult<()> {
    tx.execute("UPDATE spot SET version = ?2 WHERE id = ?1", params![id, version])?;
    Ok(())
}

/// A team takes a spot on.
pub fn claim(tx: &Conn, id: &str, team: &str, version: i64) -> DbResult<()> {
    tx.execute("UPDATE spot SET status = 'claimed', claimed_by = ?2, version = ?3 WHERE id = ?1", params![id, team, version])?;
    Ok(())
}

/// A spot cleaned, with its after-photo and the weight collected.
pub fn clean(
    tx: &Conn,
    id: &str,
    team: Option<&str>,
    after_photo: &str,
    kg: Option<f64>,
    at: OffsetDateTime,
    version: i64,
) -> DbResult<()> {
    tx.execute(
        "UPDATE spot SET status = 'cleaned', cleaned_by = ?2, after_photo = ?3, kg = ?4, cleaned_at = ?5, version = ?6 WHERE id = ?1",
        params![id, team, after_photo, kg, to_ms(at), version],
    )?;
    Ok(())
}

/// Up to `limit` spots of the live map changed since the version `since`, oldest change first.
pub fn changed_since(c: &Conn, campaign: &str, since: i64, limit: i64) -> DbResult<Vec<SpotRow>> {
    c.query_all(
        &format!(
            "SELECT {SPOT_COLUMNS} FROM spot s WHERE s.campaign_id = ?1 AND s.merged_into IS NULL AND s.version > ?2
             ORDER BY s.version LIMIT ?3"
        ),
        params![campaign, since, limit],
        spot_row,
    )
}

/// Every spot of a campaign's map (not those merged into others), oldest first.
pub fn all(c: &Conn, campaign: &str) -> DbResult<Vec<SpotRow>> {
    c.query_all(
        &format!("SELECT {SPOT_COLUMNS} FROM spot s WHERE s.campaign_id = ?1 AND s.merged_into IS NULL ORDER BY s.reported_at, s.id"),
        [campaign],
        spot_row,
    )
}

/// What a summary counts of a spot: (status, ward's Vietnamese name, kg, the cleaning
/// team's name, the reporting team's name), empty when unknown.
pub type Tally = (String, String, f64, String, String);

/// What a summary counts of each spot of a campaign's map.
pub fn tallies(c: &Conn, campaign: &str) -> DbResult<Vec<Tally>> {
    c.query_all(
        "SELECT s.status, COALESCE(s.ward_vi, ''), COALESCE(s.kg, 0), COALESCE(t.name, ''), COALESCE(r.name, '')
         FROM spot s LEFT JOIN campaign_team t ON t.id = s.cleaned_by LEFT JOIN campaign_team r ON r.id = s.team_id
         WHERE s.campaign_id = ?1 AND s.merged_into IS NULL",
        [campaign],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )
}

/// A spot left when its campaign ended, to hand to the city.
pub struct LeftOver {
    pub id: String,
    pub category: String,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub photo: String,
    pub device: String,
    pub reported_at: i64,
    /// The campaign's Vietnamese name.
    pub campaign_name: String,
}

/// The spots not cleaned of every campaign ended (or called off) by `at` and not handed over yet.
pub fn left_over(c: &Conn, at: OffsetDateTime) -> DbResult<Vec<LeftOver>> {
    c.query_all(
        "SELECT s.id, s.category, s.lat, s.lon, s.accuracy_m, s.photo_hash, s.device_id, s.reported_at, c.name_vi
         FROM spot s JOIN campaign c ON c.id = s.campaign_id
         WHERE (c.ends_at <= ?1 OR c.cancelled_at IS NOT NULL) AND c.handed_over_at IS NULL AND s.merged_into IS NULL
           AND s.status IN ('reported', 'claimed')",
        [to_ms(at)],
        |r| {
            Ok(LeftOver {
                id: r.get(0)?,
                category: r.get(1)?,
                lat: r.get(2)?,
                lon: r.get(3)?,
                accuracy_m: r.get(4)?,
                photo: r.get(5)?,
                device: r.get(6)?,
                reported_at: r.get(7)?,
                campaign_name: r.get(8)?,
            })
        },
    )
}

/// A spot handed to the city as this report (unless it was cleaned meanwhile).
pub fn hand_over(tx: &Conn, id: &str, report_id: &str, version: i64) -> DbResult<()> {
    tx.execute(
        "UPDATE spot SET status = 'handed_over', report_id = ?2, version = ?3 WHERE id = ?1 AND status IN ('reported', 'claimed')",
        params![id, report_id, version],
    )?;
    Ok(())
}
