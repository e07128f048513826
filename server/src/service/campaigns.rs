//! Service layer: Green Sunday clean-up campaigns: operators announce, move and call them
//! off; devices join (alone or with a team); anyone reads them and what they did. The spots
//! themselves are `spots`.

use civic_core::campaign::{Campaign, CampaignSummary, JoinCampaign, Membership, NewCampaign, Phase, Tally};
use civic_core::model::{Localized, Place};
use civic_core::protocol::Role;

use super::accounts::Caller;
use super::{AppState, ServiceError, ServiceResult, text_field};
use crate::db::campaigns::{self as stored, CampaignRow};
use crate::db::spots as spot_rows;
use crate::db::{Conn, DbResult, from_ms, to_ms};

fn not_found(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("there is no campaign {id}"))
}

/// A campaign that must exist.
pub(super) fn load(c: &Conn, id: &str) -> ServiceResult<CampaignRow> {
    stored::find(c, id)?.ok_or_else(|| not_found(id))
}

/// The core's rule, on the stored times (milliseconds); handing the spots over closes it.
fn phase(s: &CampaignRow, at: i64) -> Phase {
    Phase::at(s.cancel_reason.is_some(), s.handed_over, s.starts_at, s.ends_at, at)
}

/// A campaign over (its end passed, or its spots handed to the city) takes no more change.
pub(super) fn not_ended(s: &CampaignRow, now: time::OffsetDateTime) -> ServiceResult<()> {
    if phase(s, to_ms(now)) == Phase::Ended {
        return Err(ServiceError::conflict("campaign-ended", "the campaign has ended"));
    }
    Ok(())
}

/// A campaign called off takes nothing more: no join, spot, claim or clean.
pub(super) fn still_on(s: &CampaignRow) -> ServiceResult<()> {
    match &s.cancel_reason {
        Some(reason) => Err(ServiceError::conflict("campaign-cancelled", format!("the campaign was called off: {reason}"))),
        None => Ok(()),
    }
}

fn view(st: &AppState, c: &Conn, s: &CampaignRow) -> ServiceResult<Campaign> {
    let participants = stored::participants(c, &s.id)?;
    let areas = s
        .areas
        .iter()
        .map(|code| st.city.area.zone(code).map_or_else(|| Place { code: code.clone(), name: Localized::default() }, |(p, _)| p.clone()))
        .collect();
    Ok(Campaign {
        id: s.id.clone(),
        name: s.name.clone(),
        starts_at: from_ms(s.starts_at)?,
        ends_at: from_ms(s.ends_at)?,
        areas,
        polygon: s.drawn.as_ref().map(|d| d.ring.clone()),
        meeting_points: s.meeting_points.clone(),
        categories: s.categories.clone(),
        goal_spots: s.goal_spots,
        phase: phase(s, to_ms(st.now())),
        cancel_reason: s.cancel_reason.clone(),
        participants,
        teams: stored::teams(c, &s.id)?,
    })
}

/// A campaign as everyone sees it now.
pub async fn detail(st: &AppState, id: String) -> ServiceResult<Campaign> {
    let st2 = st.clone();
    st.db.read(move |c| view(&st2, c, &load(c, &id)?)).await
}

fn operator(caller: &Caller, doing: &str) -> ServiceResult<()> {
    if caller.official()?.has(Role::Operator) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(format!("only the operations centre {doing}")))
    }
}

/// The operations centre announces a campaign: when, where (wards and communes, or an area
/// drawn on the map), meeting points, the categories that count and an optional goal.
pub async fn create(st: &AppState, caller: &Caller, req: NewCampaign) -> ServiceResult<Campaign> {
    operator(caller, "announces campaigns")?;
    let name = Localized { vi: text_field("name.vi", &req.name.vi, 200, true)?, en: text_field("name.en", &req.name.en, 200, false)? };
    if req.ends_at <= req.starts_at || req.ends_at - req.starts_at > time::Duration::days(7) {
        return Err(ServiceError::refused("bad-time", "a campaign ends after it starts, within a week"));
    }
    if let Some(code) = req.areas.iter().find(|c| st.city.area.zone(c).is_none()) {
        return Err(ServiceError::refused("unknown-area", format!("the city has no ward or commune {code:?}")));
    }
    let mut areas = req.areas.clone();
    let drawn = match &req.polygon {
        Some(points) => {
            let drawn =
                civic_core::area::DrawnArea::new(&st.city.area, points).map_err(|e| ServiceError::refused("bad-area", e.to_string()))?;
            // The wards and communes it touches: whose residents it concerns.
            areas = drawn.wards.clone();
            Some(serde_json::to_string(&drawn.ring).map_err(ServiceError::internal)?)
        }
        None => None,
    };
    if areas.is_empty() {
        return Err(ServiceError::refused("missing-field", "name at least one ward or commune (`areas`) or draw the area (`polygon`)"));
    }
    if req.categories.is_empty() {
        return Err(ServiceError::refused("missing-field", "name the categories that count (`categories`)"));
    }
    if let Some(code) = req.categories.iter().find(|c| st.catalog.get().get(c).is_none()) {
        return Err(ServiceError::refused("unknown-category", format!("there is no category {code:?}")));
    }
    for p in &req.meeting_points {
        text_field("meeting_points.name", &p.name, 200, true)?;
    }
    let id = uuid::Uuid::now_v7().simple().to_string();
    let now = st.now();
    let meeting_points = serde_json::to_string(&req.meeting_points).map_err(ServiceError::internal)?;
    let created = st
        .db
        .write(move |tx| -> DbResult<String> {
            let new = stored::NewCampaign {
                id: &id,
                name: &name,
                starts_at: req.starts_at,
                ends_at: req.ends_at,
                areas: &areas,
                meeting_points: &meeting_points,
                categories: &req.categories,
                goal_spots: req.goal_spots,
                polygon: drawn.as_deref(),
            };
            stored::insert(tx, &new, now)?;
            Ok(id)
        })
        .await?;
    detail(st, created).await
}

/// The operations centre moves a campaign not yet over (a later Sunday, other hours).
/// Phones move their reminders at their next sync.
pub async fn reschedule(
    st: &AppState,
    caller: &Caller,
    id: String,
    starts_at: time::OffsetDateTime,
    ends_at: time::OffsetDateTime,
) -> ServiceResult<Campaign> {
    operator(caller, "moves campaigns")?;
    if ends_at <= starts_at || ends_at - starts_at > time::Duration::days(7) || ends_at <= st.now() {
        return Err(ServiceError::refused("bad-time", "a campaign ends after it starts, within a week, and in the future"));
    }
    let id2 = id.clone();
    let now = st.now();
    st.db
        .write(move |tx| {
            let s = load(tx, &id2)?;
            still_on(&s)?;
            not_ended(&s, now)?;
            Ok::<_, ServiceError>(stored::reschedule(tx, &id2, starts_at, ends_at)?)
        })
        .await?;
    detail(st, id).await
}

/// The operations centre calls a campaign off (rain, a storm warning). Phones stop their
/// reminders at their next sync; the spots already reported go to the city like those left
/// at an end. Calling it off again changes nothing.
pub async fn cancel(st: &AppState, caller: &Caller, id: String, reason: &str) -> ServiceResult<Campaign> {
    operator(caller, "calls campaigns off")?;
    let reason = text_field("reason", reason, 500, true)?;
    let id2 = id.clone();
    let now = st.now();
    st.db
        .write(move |tx| {
            let s = load(tx, &id2)?;
            if s.cancel_reason.is_some() {
                return Ok(());
            }
            not_ended(&s, now)?;
            Ok::<_, ServiceError>(stored::cancel(tx, &id2, &reason, now)?)
        })
        .await?;
    detail(st, id).await
}

/// The campaigns not yet ended, soonest first, then the ten last ended.
pub async fn list(st: &AppState) -> ServiceResult<Vec<Campaign>> {
    let st2 = st.clone();
    st.db.read(move |c| stored::listed(c, st2.now())?.iter().map(|s| view(&st2, c, s)).collect()).await
}

/// The device joins, alone, with a team, or founding one; joining again changes the team.
pub async fn join(st: &AppState, caller: &Caller, id: String, req: JoinCampaign) -> ServiceResult<Membership> {
    let device = caller.device()?.to_owned();
    let new_team = req.new_team.as_deref().map(|n| text_field("new_team", n, 100, true)).transpose()?;
    let now = st.now();
    st.db
        .write(move |tx| {
            let s = load(tx, &id)?;
            still_on(&s)?;
            not_ended(&s, now)?;
            let team_id = match (req.team_id, new_team) {
                (Some(t), _) => {
                    let known = stored::team(tx, &id, &t)?;
                    Some(known.ok_or_else(|| ServiceError::NotFound(format!("the campaign has no team {t}")))?)
                }
                // Founding a team whose name exists joins that team.
                (None, Some(name)) => match stored::team_named(tx, &id, &name)? {
                    Some(t) => Some(t),
                    None => {
                        let t = uuid::Uuid::now_v7().simple().to_string();
                        stored::insert_team(tx, &id, &t, &name)?;
                        Some(t)
                    }
                },
                (None, None) => None,
            };
            stored::join(tx, &id, &device, team_id.as_deref(), now)?;
            let team = stored::teams(tx, &id)?.into_iter().find(|t| Some(&t.id) == team_id.as_ref());
            Ok(Membership { campaign_id: id, team })
        })
        .await
}

/// What a campaign did: spots reported, cleaned and handed over, per ward and per team, and
/// the kilograms collected.
pub async fn summary(st: &AppState, id: String) -> ServiceResult<CampaignSummary> {
    let st2 = st.clone();
    st.db.read(move |c| summarize(&st2, c, &id)).await
}

fn summarize(st: &AppState, c: &Conn, id: &str) -> ServiceResult<CampaignSummary> {
    let s = load(c, id)?;
    let campaign = view(st, c, &s)?;
    let rows = spot_rows::tallies(c, id)?;
    let mut by_ward: Vec<Tally> = Vec::new();
    let mut by_team: Vec<Tally> = Vec::new();
    fn tally<'a>(list: &'a mut Vec<Tally>, name: &str) -> &'a mut Tally {
        if let Some(i) = list.iter().position(|t| t.name == name) {
            return &mut list[i];
        }
        list.push(Tally { name: name.to_owned(), reported: 0, cleaned: 0, kg: 0.0 });
        let last = list.len() - 1;
        &mut list[last]
    }
    let (mut cleaned, mut handed_over, mut kg) = (0, 0, 0.0);
    for (status, ward, weight, cleaner, reporter) in &rows {
        let done = status == "cleaned";
        cleaned += u32::from(done);
        handed_over += u32::from(status == "handed_over");
        kg += weight;
        let w = tally(&mut by_ward, ward);
        w.reported += 1;
        w.cleaned += u32::from(done);
        w.kg += weight;
        if !reporter.is_empty() {
            tally(&mut by_team, reporter).reported += 1;
        }
        if done && !cleaner.is_empty() {
            let t = tally(&mut by_team, cleaner);
            t.cleaned += 1;
            t.kg += weight;
        }
    }
    by_ward.sort_by(|a, b| b.cleaned.cmp(&a.cleaned).then_with(|| a.name.cmp(&b.name)));
    by_team.sort_by(|a, b| b.cleaned.cmp(&a.cleaned).then_with(|| a.name.cmp(&b.name)));
    Ok(CampaignSummary { campaign, reported: rows.len() as u32, cleaned, handed_over, kg, by_ward, by_team })
}

/// A campaign's summary and every spot of its map, read together (its public page).
pub async fn summary_with_spots(st: &AppState, id: String) -> ServiceResult<(CampaignSummary, Vec<civic_core::campaign::Spot>)> {
    let st2 = st.clone();
    st.db
        .read(move |c| {
            let summary = summarize(&st2, c, &id)?;
            let teams = stored::teams(c, &id)?;
            let spots = spot_rows::all(c, &id)?.into_iter().map(|r| spot_rows::finish(c, &teams, r)).collect::<Result<Vec<_>, _>>()?;
            Ok((summary, spots))
        })
        .await
}
