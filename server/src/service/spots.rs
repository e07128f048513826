//! Service layer: a campaign's spots: members report them (one within a few metres of
//! another joins it), teams claim and clean them with an after-photo taken there, anyone
//! pulls the live map by cursor, and when a campaign ends the spots left become ordinary
//! reports in the name of the device that reported each.

use civic_core::campaign::{CLEAN_RADIUS_M, CleanSpot, MERGE_RADIUS_M, NewSpot, Spot, SpotChanges, SpotReceipt, SpotStatus};
use civic_core::model::{FixSource, GeoFix, ReportId};
use civic_core::protocol::SubmitReport;

use super::accounts::Caller;
use super::campaigns::{load, not_ended, still_on};
use super::submission::{Submitter, create_report};
use super::{AppState, Made, ServiceError, ServiceResult};
use crate::db::campaigns::{member, teams};
use crate::db::spots::{self as rows, SpotRow};
use crate::db::{Conn, DbResult, campaigns, from_ms, photos, to_ms};

/// Spots per page of the live map.
const PAGE: i64 = 500;

/// Fills in the team and the handed-over report's number.
fn finish(c: &Conn, campaign: &str, row: SpotRow) -> DbResult<Spot> {
    rows::finish(c, &teams(c, campaign)?, row)
}

/// A spot that was merged stands for the one it joined.
fn canonical(c: &Conn, campaign: &str, id: &str) -> ServiceResult<String> {
    match rows::merge_of(c, campaign, id)? {
        None => Err(ServiceError::NotFound(format!("there is no spot {id}"))),
        Some(into) => Ok(into.unwrap_or_else(|| id.to_owned())),
    }
}

/// A member reports a spot with its uploaded photo. One reported within a few metres of
/// another joins it instead of doubling it; the same spot sent again is answered as before.
pub async fn report(st: &AppState, caller: &Caller, id: String, req: NewSpot) -> ServiceResult<(Made, SpotReceipt)> {
    let device = caller.device()?.to_owned();
    if uuid::Uuid::parse_str(&req.id).is_err() {
        return Err(ServiceError::refused("bad-id", "a spot's id is a UUID the phone makes"));
    }
    let (lat, lon) = (req.location.lat, req.location.lon);
    let placed = st.city.area.locate(lat, lon).map_err(|e| ServiceError::refused("not-in-campaign", e.to_string()))?;
    st.db
        .write(move |tx| {
            if let Some(existing) = rows::find(tx, &id, &req.id)? {
                let merged_into = rows::merged_into(tx, &req.id)?;
                let shown = match &merged_into {
                    Some(target) => rows::find(tx, &id, target)?.ok_or_else(|| ServiceError::internal("merged into a missing spot"))?,
                    None => existing,
                };
                return Ok((Made::Before, SpotReceipt { spot: finish(tx, &id, shown)?, merged: merged_into.is_some() }));
            }
            let s = load(tx, &id)?;
            still_on(&s)?;
            if s.handed_over || to_ms(req.location.fixed_at) > s.ends_at {
                return Err(ServiceError::conflict("campaign-ended", "the campaign has ended"));
            }
            let Some(team) = member(tx, &id, &device)? else {
                return Err(ServiceError::Forbidden("join the campaign first".into()));
            };
            if !s.categories.contains(&req.category) {
                return Err(ServiceError::refused("not-in-campaign", format!("{} does not count in this campaign", req.category)));
            }
            let inside = match &s.drawn {
                Some(drawn) => drawn.covers(lat, lon),
                None => s.areas.contains(&placed.ward.code),
            };
            if !inside {
                return Err(ServiceError::refused("not-in-campaign", "the spot is outside the campaign's area"));
            }
            if !photos::known(tx, &req.photo)? {
                return Err(ServiceError::refused("photo-missing", format!("photo {} was not uploaded first", req.photo)));
            }
            // The same place: a spot within the merge radius, not itself merged.
            let d = MERGE_RADIUS_M / 111_000.0 * 1.5;
            let dlon = d / lat.to_radians().cos().max(0.01);
            let near = rows::unmerged_in_box(tx, &id, (lat - d, lat + d), (lon - dlon, lon + dlon))?;
            let target = near.into_iter().find(|(_, a, b)| civic_core::area::distance_m((lat, lon), (*a, *b)) <= MERGE_RADIUS_M);
            let version = rows::next_version(tx)?;
            rows::insert(
                tx,
                &rows::NewSpot {
                    id: &req.id,
                    campaign: &id,
                    category: &req.category,
                    lat,
                    lon,
                    accuracy_m: req.location.accuracy_m,
                    ward: &placed.ward,
                    photo: &req.photo,
                    device: &device,
                    team: team.as_deref(),
                    reported_at: req.location.fixed_at,
                    merged_into: target.as_ref().map(|t| t.0.as_str()),
                    version,
                },
            )?;
            match target {
                Some((target, _, _)) => {
                    // The spot it joined changed too (one more report of it).
                    rows::set_version(tx, &target, version)?;
                    let shown = rows::get(tx, &id, &target)?;
                    Ok((Made::Before, SpotReceipt { spot: finish(tx, &id, shown)?, merged: true }))
                }
                None => {
                    let shown = rows::get(tx, &id, &req.id)?;
                    Ok((Made::New, SpotReceipt { spot: finish(tx, &id, shown)?, merged: false }))
                }
            }
        })
        .await
}

/// The device's team takes a spot on, so other teams go elsewhere.
pub async fn claim(st: &AppState, caller: &Caller, id: String, spot_id: String) -> ServiceResult<Spot> {
    let device = caller.device()?.to_owned();
    let now = st.now();
    st.db
        .write(move |tx| {
            let s = load(tx, &id)?;
            still_on(&s)?;
            not_ended(&s, now)?;
            let Some(Some(team)) = member(tx, &id, &device)? else {
                return Err(ServiceError::Forbidden("join the campaign with a team to claim spots".into()));
            };
            let target = canonical(tx, &id, &spot_id)?;
            let row = rows::find(tx, &id, &target)?.ok_or_else(|| ServiceError::NotFound(format!("there is no spot {spot_id}")))?;
            match row.spot.status {
                SpotStatus::Cleaned | SpotStatus::HandedOver => {
                    return Err(ServiceError::conflict("already-cleaned", "the spot is done already"));
                }
                SpotStatus::Claimed if row.team_id.as_deref() != Some(team.as_str()) => {
                    return Err(ServiceError::conflict("claimed-by-another-team", "another team is on it"));
                }
                SpotStatus::Claimed => {}
                SpotStatus::Reported => {
                    let version = rows::next_version(tx)?;
                    rows::claim(tx, &target, &team, version)?;
                }
            }
            let row = rows::get(tx, &id, &target)?;
            Ok(finish(tx, &id, row)?)
        })
        .await
}

/// A spot cleaned, with an after-photo taken near it and the weight collected if the team
/// weighs it. Cleaning a spot cleaned before changes nothing.
pub async fn clean(st: &AppState, caller: &Caller, id: String, spot_id: String, req: CleanSpot) -> ServiceResult<Spot> {
    let device = caller.device()?.to_owned();
    if req.kg.is_some_and(|k| !k.is_finite() || !(0.0..=10_000.0).contains(&k)) {
        return Err(ServiceError::refused("bad-weight", "kg is a weight between 0 and 10,000"));
    }
    let now = st.now();
    st.db
        .write(move |tx| {
            let s = load(tx, &id)?;
            still_on(&s)?;
            if s.handed_over {
                return Err(ServiceError::conflict("campaign-ended", "the campaign has ended"));
            }
            let Some(team) = member(tx, &id, &device)? else {
                return Err(ServiceError::Forbidden("join the campaign first".into()));
            };
            let target = canonical(tx, &id, &spot_id)?;
            let row = rows::find(tx, &id, &target)?.ok_or_else(|| ServiceError::NotFound(format!("there is no spot {spot_id}")))?;
            match row.spot.status {
                SpotStatus::Cleaned | SpotStatus::HandedOver => return Ok(finish(tx, &id, row)?),
                SpotStatus::Claimed if row.team_id.is_some() && row.team_id != team => {
                    return Err(ServiceError::conflict("claimed-by-another-team", "another team is on it"));
                }
                _ => {}
            }
            let d = civic_core::area::distance_m((req.photo_location.lat, req.photo_location.lon), (row.spot.lat, row.spot.lon));
            if d > CLEAN_RADIUS_M {
                return Err(ServiceError::refused(
                    "after-photo-too-far",
                    format!("the after-photo was taken {d:.0} m from the spot; it must be within {CLEAN_RADIUS_M:.0} m"),
                ));
            }
            if !photos::known(tx, &req.photo)? {
                return Err(ServiceError::refused("photo-missing", format!("photo {} was not uploaded first", req.photo)));
            }
            let version = rows::next_version(tx)?;
            rows::clean(tx, &target, team.as_deref(), &req.photo, req.kg, req.photo_location.fixed_at.min(now), version)?;
            let row = rows::get(tx, &id, &target)?;
            Ok(finish(tx, &id, row)?)
        })
        .await
}

/// The live map, as the spots changed since a cursor (0: everything), without anyone's identity.
pub async fn changes(st: &AppState, id: String, since: Option<i64>) -> ServiceResult<SpotChanges> {
    let since = since.unwrap_or(0).max(0);
    st.db
        .read(move |c| {
            load(c, &id)?;
            let changed = rows::changed_since(c, &id, since, PAGE + 1)?;
            let more = changed.len() as i64 > PAGE;
            let changed: Vec<SpotRow> = changed.into_iter().take(PAGE as usize).collect();
            let cursor = changed.last().map_or(since, |r| r.version);
            let teams = teams(c, &id)?;
            let spots = changed.into_iter().map(|r| rows::finish(c, &teams, r)).collect::<DbResult<Vec<_>>>()?;
            Ok(SpotChanges { spots, cursor, more })
        })
        .await
}

/// Hands the spots left of every ended campaign to the city, as ordinary reports in the
/// name of the device that reported each (the report's id is the spot's, so two processes
/// sweeping at once make each report once). Returns how many reports were made.
pub async fn hand_over_ended(st: &AppState) -> ServiceResult<usize> {
    let now = st.now();
    let due = st.db.read(move |c| rows::left_over(c, now)).await?;
    let mut made = 0;
    for spot in due {
        let Ok(report_id) = spot.id.parse::<ReportId>() else { continue };
        let at = from_ms(spot.reported_at)?;
        let req = SubmitReport {
            id: report_id,
            category: spot.category,
            location: GeoFix { lat: spot.lat, lon: spot.lon, accuracy_m: spot.accuracy_m, source: FixSource::Gps, fixed_at: at },
            description: format!("Điểm rác báo trong «{}» chưa được dọn khi chiến dịch kết thúc.", spot.campaign_name),
            anonymous: true,
            answers: Default::default(),
            photos: vec![spot.photo],
            captured_at: at,
            alerts: Vec::new(),
        };
        let (_, receipt) = create_report(st, Submitter::CampaignSpot(spot.device), req, 1).await?;
        let (spot_id, report_id) = (spot.id, receipt.id.to_string());
        st.db
            .write(move |tx| {
                let version = rows::next_version(tx)?;
                rows::hand_over(tx, &spot_id, &report_id, version)
            })
            .await?;
        made += 1;
    }
    let now = st.now();
    st.db.write(move |tx| campaigns::close_handed_over(tx, now)).await?;
    Ok(made)
}
