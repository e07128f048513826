//! Green Sunday clean-up campaigns over `/api/v1/campaigns`: operators announce them,
//! devices join (alone or with a team), report spots, claim and clean them; the live map
//! is pulled by cursor; when a campaign ends, the spots left become ordinary reports.

use axum::extract::State;
use axum::http::StatusCode;
use civic_core::campaign::{
    CLEAN_RADIUS_M, Campaign, CampaignSummary, CancelCampaign, CleanSpot, JoinCampaign, MERGE_RADIUS_M, MeetingPoint, Membership,
    MoveCampaign, NewCampaign, NewSpot, Phase, Spot, SpotChanges, SpotReceipt, SpotStatus, Tally, Team,
};
use civic_core::model::{Localized, Place};
use civic_core::protocol::{Role, SubmitReport};
use serde::Deserialize;

use super::citizen::{Submitter, create_report};
use super::{Json, Path, Query, text_field};
use crate::auth::Caller;
use crate::db::{Conn, OptionalExt, Row, from_ms, to_ms};
use crate::error::{ApiError, ApiResult};
use crate::params;
use crate::state::AppState;

/// Spots per page of the live map.
const PAGE: i64 = 500;

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("there is no campaign {id}"))
}

struct Stored {
    id: String,
    name: Localized,
    starts_at: i64,
    ends_at: i64,
    areas: Vec<String>,
    meeting_points: Vec<MeetingPoint>,
    categories: Vec<String>,
    goal_spots: Option<u32>,
    handed_over: bool,
    drawn: Option<civic_core::area::DrawnArea>,
    /// Why it was called off, when it was.
    cancel_reason: Option<String>,
}

const COLUMNS: &str =
    "id, name_vi, name_en, starts_at, ends_at, areas, meeting_points, categories, goal_spots, handed_over_at, polygon, cancel_reason";

fn stored(r: &Row) -> crate::db::DbResult<Stored> {
    let list = |s: String| s.split(',').filter(|x| !x.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    Ok(Stored {
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

fn load(c: &Conn, id: &str) -> ApiResult<Stored> {
    c.query_row(&format!("SELECT {COLUMNS} FROM campaign WHERE id = ?1"), [id], stored).optional()?.ok_or_else(|| not_found(id))
}

/// The core's rule, on the stored times (milliseconds); handing the spots over closes it.
fn phase(s: &Stored, at: i64) -> Phase {
    Phase::at(s.cancel_reason.is_some(), s.handed_over, s.starts_at, s.ends_at, at)
}

/// A campaign over (its end passed, or its spots handed to the city) takes no more change.
fn not_ended(s: &Stored, now: time::OffsetDateTime) -> ApiResult<()> {
    if phase(s, to_ms(now)) == Phase::Ended {
        return Err(ApiError::conflict("campaign-ended", "the campaign has ended"));
    }
    Ok(())
}

/// A campaign as everyone sees it now.
async fn shown(st: &AppState, id: String) -> ApiResult<Campaign> {
    let st2 = st.clone();
    st.db.read_as::<_, crate::error::ApiError, _>(move |c| view(&st2, c, &load(c, &id)?)).await
}

/// A campaign called off takes nothing more: no join, spot, claim or clean.
fn still_on(s: &Stored) -> ApiResult<()> {
    match &s.cancel_reason {
        Some(reason) => Err(ApiError::conflict("campaign-cancelled", format!("the campaign was called off: {reason}"))),
        None => Ok(()),
    }
}

fn teams(c: &Conn, campaign: &str) -> ApiResult<Vec<Team>> {
    Ok(c.query_all(
        "SELECT t.id, t.name, (SELECT COUNT(*) FROM campaign_member m WHERE m.team_id = t.id) FROM campaign_team t
         WHERE t.campaign_id = ?1 ORDER BY t.name",
        [campaign],
        |r| Ok(Team { id: r.get(0)?, name: r.get(1)?, members: r.get(2)? }),
    )?)
}

fn view(st: &AppState, c: &Conn, s: &Stored) -> ApiResult<Campaign> {
    let participants: u32 = c.query_row("SELECT COUNT(*) FROM campaign_member WHERE campaign_id = ?1", [&s.id], |r| r.get(0))?;
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
        teams: teams(c, &s.id)?,
    })
}

/// `POST /api/v1/campaigns`: the operations centre announces a campaign.
#[utoipa::path(post, path = "/campaigns", tag = "campaigns", operation_id = "createCampaign", summary = "Announce a clean-up campaign", description = "Announces a campaign: when, where (wards and communes, or an area drawn on the map), meeting points, the categories that count and an optional goal.",
    request_body = NewCampaign, security(("official_token" = [])),
    responses((status = 201, description = "Announced", body = Campaign),
               (status = 403, description = "Not an operator", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 422, description = "`unknown-area`, `bad-area`, `unknown-category`, `bad-time`, `missing-field`, `too-long`", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn create(State(st): State<AppState>, caller: Caller, Json(req): Json<NewCampaign>) -> ApiResult<(StatusCode, Json<Campaign>)> {
    if !caller.official()?.has(Role::Operator) {
        return Err(ApiError::Forbidden("only the operations centre announces campaigns".into()));
    }
    let name = Localized { vi: text_field("name.vi", &req.name.vi, 200, true)?, en: text_field("name.en", &req.name.en, 200, false)? };
    if req.ends_at <= req.starts_at || req.ends_at - req.starts_at > time::Duration::days(7) {
        return Err(ApiError::unprocessable("bad-time", "a campaign ends after it starts, within a week"));
    }
    if let Some(code) = req.areas.iter().find(|c| st.city.area.zone(c).is_none()) {
        return Err(ApiError::unprocessable("unknown-area", format!("the city has no ward or commune {code:?}")));
    }
    let mut areas = req.areas.clone();
    let drawn = match &req.polygon {
        Some(points) => {
            let drawn =
                civic_core::area::DrawnArea::new(&st.city.area, points).map_err(|e| ApiError::unprocessable("bad-area", e.to_string()))?;
            // The wards and communes it touches: whose residents it concerns.
            areas = drawn.wards.clone();
            Some(serde_json::to_string(&drawn.ring).map_err(ApiError::internal)?)
        }
        None => None,
    };
    if areas.is_empty() {
        return Err(ApiError::unprocessable("missing-field", "name at least one ward or commune (`areas`) or draw the area (`polygon`)"));
    }
    if req.categories.is_empty() {
        return Err(ApiError::unprocessable("missing-field", "name the categories that count (`categories`)"));
    }
    if let Some(code) = req.categories.iter().find(|c| st.catalog.get().get(c).is_none()) {
        return Err(ApiError::unprocessable("unknown-category", format!("there is no category {code:?}")));
    }
    for p in &req.meeting_points {
        text_field("meeting_points.name", &p.name, 200, true)?;
    }
    let id = uuid::Uuid::now_v7().simple().to_string();
    let now = st.now();
    let created = st
        .db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            tx.execute(
                "INSERT INTO campaign (id, name_vi, name_en, starts_at, ends_at, areas, meeting_points, categories, goal_spots, created_at, polygon)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    id,
                    name.vi,
                    name.en,
                    to_ms(req.starts_at),
                    to_ms(req.ends_at),
                    areas.join(","),
                    serde_json::to_string(&req.meeting_points).map_err(ApiError::internal)?,
                    req.categories.join(","),
                    req.goal_spots,
                    to_ms(now),
                    drawn
                ],
            )?;
            Ok(id)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(shown(&st, created).await?)))
}

/// `PATCH /api/v1/campaigns/{id}`: the operations centre moves a campaign not yet over (a
/// later Sunday, other hours). Phones move their reminders at their next sync.
#[utoipa::path(patch, path = "/campaigns/{id}", tag = "campaigns", operation_id = "moveCampaign", summary = "Move a campaign", description = "Moves a campaign not yet ended or called off to new hours; it must end after it starts, within a week, and in the future.",
    params(("id" = String, Path, description = "The campaign's id")),
    request_body = MoveCampaign, security(("official_token" = [])),
    responses((status = 200, description = "Moved", body = Campaign),
               (status = 403, description = "Not an operator", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 404, description = "No such campaign", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 409, description = "`campaign-ended`, `campaign-cancelled`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 422, description = "`bad-time`", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn reschedule(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<MoveCampaign>,
) -> ApiResult<Json<Campaign>> {
    if !caller.official()?.has(Role::Operator) {
        return Err(ApiError::Forbidden("only the operations centre moves campaigns".into()));
    }
    if req.ends_at <= req.starts_at || req.ends_at - req.starts_at > time::Duration::days(7) || req.ends_at <= st.now() {
        return Err(ApiError::unprocessable("bad-time", "a campaign ends after it starts, within a week, and in the future"));
    }
    let id2 = id.clone();
    let now = st.now();
    st.db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let s = load(tx, &id2)?;
            still_on(&s)?;
            not_ended(&s, now)?;
            tx.execute(
                "UPDATE campaign SET starts_at = ?2, ends_at = ?3 WHERE id = ?1",
                params![id2, to_ms(req.starts_at), to_ms(req.ends_at)],
            )?;
            Ok(())
        })
        .await?;
    Ok(Json(shown(&st, id).await?))
}

/// `POST /api/v1/campaigns/{id}/cancel`: the operations centre calls a campaign off (rain, a
/// storm warning). Phones stop their reminders at their next sync; the spots already
/// reported go to the city like those left at an end. Calling it off again changes nothing.
#[utoipa::path(post, path = "/campaigns/{id}/cancel", tag = "campaigns", operation_id = "cancelCampaign", summary = "Call a campaign off", description = "Calls a campaign off, with why; nothing more can be joined, reported, claimed or cleaned, and the spots already reported are handed to the city.",
    params(("id" = String, Path, description = "The campaign's id")),
    request_body = CancelCampaign, security(("official_token" = [])),
    responses((status = 200, description = "Called off", body = Campaign),
               (status = 403, description = "Not an operator", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 404, description = "No such campaign", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 409, description = "`campaign-ended`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 422, description = "`missing-field`, `too-long`", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn cancel(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<CancelCampaign>,
) -> ApiResult<Json<Campaign>> {
    if !caller.official()?.has(Role::Operator) {
        return Err(ApiError::Forbidden("only the operations centre calls campaigns off".into()));
    }
    let reason = text_field("reason", &req.reason, 500, true)?;
    let id2 = id.clone();
    let now = st.now();
    st.db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let s = load(tx, &id2)?;
            if s.cancel_reason.is_some() {
                return Ok(());
            }
            not_ended(&s, now)?;
            tx.execute("UPDATE campaign SET cancelled_at = ?2, cancel_reason = ?3 WHERE id = ?1", params![id2, to_ms(now), reason])?;
            Ok(())
        })
        .await?;
    Ok(Json(shown(&st, id).await?))
}

/// `GET /api/v1/campaigns`: the campaigns not yet ended, soonest first, and the last ended ones.
#[utoipa::path(get, path = "/campaigns", tag = "campaigns", operation_id = "listCampaigns", summary = "Clean-up campaigns", description = "Lists the campaigns not yet ended, soonest first, then the ten last ended, with their teams and participants.",
    responses((status = 200, description = "Running and upcoming campaigns, then the ten last ended", body = Vec<Campaign>)))]
pub async fn list(State(st): State<AppState>) -> ApiResult<Json<Vec<Campaign>>> {
    let st2 = st.clone();
    Ok(Json(st.db.read_as::<_, crate::error::ApiError, _>(move |c| listed(&st2, c)).await?))
}

/// The campaigns not yet ended, soonest first, then the ten last ended.
pub fn listed(st: &AppState, c: &Conn) -> ApiResult<Vec<Campaign>> {
    let t = to_ms(st.now());
    let mut found = c.query_all(
        &format!("SELECT {COLUMNS} FROM campaign WHERE ends_at > ?1 AND handed_over_at IS NULL ORDER BY starts_at"),
        [t],
        stored,
    )?;
    found.extend(c.query_all(
        &format!("SELECT {COLUMNS} FROM campaign WHERE ends_at <= ?1 OR handed_over_at IS NOT NULL ORDER BY ends_at DESC LIMIT 10"),
        [t],
        stored,
    )?);
    found.iter().map(|s| view(st, c, s)).collect()
}

/// `GET /api/v1/campaigns/{id}`
#[utoipa::path(get, path = "/campaigns/{id}", tag = "campaigns", operation_id = "getCampaign", summary = "A clean-up campaign", description = "Returns one campaign with its phase, teams and participants.",
    params(("id" = String, Path, description = "The campaign's id")),
    responses((status = 200, description = "The campaign", body = Campaign),
               (status = 404, description = "No such campaign", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn detail(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Campaign>> {
    Ok(Json(shown(&st, id).await?))
}

/// `POST /api/v1/campaigns/{id}/join`: the device joins, alone, with a team, or founding one.
#[utoipa::path(post, path = "/campaigns/{id}/join", tag = "campaigns", operation_id = "joinCampaign", summary = "Join a campaign", description = "Joins the device to a campaign, alone, with an existing team or founding one; joining again changes the team.",
    params(("id" = String, Path, description = "The campaign's id")), request_body = JoinCampaign, security(("device_token" = [])),
    responses((status = 200, description = "Joined (again: the team changed)", body = Membership),
               (status = 404, description = "No such campaign or team", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 409, description = "The campaign has ended (`campaign-ended`) or was called off (`campaign-cancelled`)", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn join(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<JoinCampaign>,
) -> ApiResult<Json<Membership>> {
    let device = caller.device()?.to_owned();
    let new_team = req.new_team.as_deref().map(|n| text_field("new_team", n, 100, true)).transpose()?;
    let now = st.now();
    let membership = st
        .db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let s = load(tx, &id)?;
            still_on(&s)?;
            not_ended(&s, now)?;
            let team_id = match (req.team_id, new_team) {
                (Some(t), _) => {
                    let known: Option<String> = tx
                        .query_row("SELECT id FROM campaign_team WHERE id = ?1 AND campaign_id = ?2", [&t, &id], |r| r.get(0))
                        .optional()?;
                    Some(known.ok_or_else(|| ApiError::NotFound(format!("the campaign has no team {t}")))?)
                }
                (None, Some(name)) => {
                    // Founding a team whose name exists joins that team.
                    let existing: Option<String> = tx
                        .query_row("SELECT id FROM campaign_team WHERE campaign_id = ?1 AND name = ?2", [&id, &name], |r| r.get(0))
                        .optional()?;
                    match existing {
                        Some(t) => Some(t),
                        None => {
                            let t = uuid::Uuid::now_v7().simple().to_string();
                            tx.execute("INSERT INTO campaign_team (id, campaign_id, name) VALUES (?1, ?2, ?3)", [&t, &id, &name])?;
                            Some(t)
                        }
                    }
                }
                (None, None) => None,
            };
            tx.execute(
                "INSERT INTO campaign_member (campaign_id, device_id, team_id, joined_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (campaign_id, device_id) DO UPDATE SET team_id = excluded.team_id",
                params![id, device, team_id, to_ms(now)],
            )?;
            let team = teams(tx, &id)?.into_iter().find(|t| Some(&t.id) == team_id.as_ref());
            Ok(Membership { campaign_id: id, team })
        })
        .await?;
    Ok(Json(membership))
}

/// The device's membership: `None` if it has not joined.
fn member(c: &Conn, campaign: &str, device: &str) -> ApiResult<Option<Option<String>>> {
    Ok(c.query_row("SELECT team_id FROM campaign_member WHERE campaign_id = ?1 AND device_id = ?2", [campaign, device], |r| r.get(0))
        .optional()?)
}

const SPOT_COLUMNS: &str = "s.id, s.category, s.lat, s.lon, s.ward_code, s.ward_vi, s.ward_en, s.status, s.photo_hash, s.claimed_by, \
     s.cleaned_by, s.after_photo, s.kg, s.reported_at, s.cleaned_at, s.report_id, s.version, \
     (SELECT COUNT(*) FROM spot m WHERE m.merged_into = s.id)";

struct SpotRow {
    spot: Spot,
    team_id: Option<String>,
    report_id: Option<String>,
    version: i64,
}

fn spot_row(r: &Row) -> crate::db::DbResult<SpotRow> {
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
    let time = |ms: i64| from_ms(ms).map_err(|e| crate::db::DbError::Other(e.to_string()));
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
            reported_at: time(r.get(13)?)?,
            cleaned_at: cleaned_at.map(time).transpose()?,
            report_number: None,
        },
        team_id: cleaned_by.or(claimed),
        report_id: r.get(15)?,
        version: r.get(16)?,
    })
}

/// Fills in the team and the handed-over report's number.
fn finish(c: &Conn, campaign: &str, row: SpotRow) -> ApiResult<Spot> {
    finish_with(c, &teams(c, campaign)?, row)
}

/// `finish` with the campaign's teams already at hand (a page of spots reads them once).
fn finish_with(c: &Conn, teams: &[Team], mut row: SpotRow) -> ApiResult<Spot> {
    if let Some(t) = &row.team_id {
        row.spot.team = teams.iter().find(|x| &x.id == t).cloned();
    }
    if let Some(r) = &row.report_id {
        row.spot.report_number = c.query_row("SELECT public_number FROM report WHERE id = ?1", [r], |x| x.get(0)).optional()?;
    }
    Ok(row.spot)
}

fn spot(c: &Conn, campaign: &str, id: &str) -> ApiResult<Option<SpotRow>> {
    Ok(c.query_row(&format!("SELECT {SPOT_COLUMNS} FROM spot s WHERE s.id = ?1 AND s.campaign_id = ?2"), [id, campaign], spot_row)
        .optional()?)
}

/// The next value of the live map's change counter.
fn next_version(tx: &Conn) -> ApiResult<i64> {
    tx.execute(
        "INSERT INTO counter (name, value) VALUES ('campaign-spots', 1) ON CONFLICT (name) DO UPDATE SET value = counter.value + 1",
        params![],
    )?;
    Ok(tx.query_row("SELECT value FROM counter WHERE name = 'campaign-spots'", params![], |r| r.get(0))?)
}

/// `POST /api/v1/campaigns/{id}/spots`: a member reports a spot. One reported within a few
/// metres of another joins it instead of doubling it.
#[utoipa::path(post, path = "/campaigns/{id}/spots", tag = "campaigns", operation_id = "reportSpot", summary = "Report a spot", description = "Reports a spot with its uploaded photo; a spot reported within a few metres of an earlier one joins it instead of doubling it.",
    params(("id" = String, Path, description = "The campaign's id")), request_body = NewSpot, security(("device_token" = [])),
    responses((status = 201, description = "A new spot", body = SpotReceipt),
               (status = 200, description = "Already known (sent again), or joined a spot reported there before (`merged`)", body = SpotReceipt),
               (status = 403, description = "The device has not joined", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 409, description = "`campaign-ended`, `campaign-cancelled`, `id-reused`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 422, description = "`not-in-campaign` (category or place), `photo-missing`, `bad-id`", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn report_spot(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<NewSpot>,
) -> ApiResult<(StatusCode, Json<SpotReceipt>)> {
    let device = caller.device()?.to_owned();
    if uuid::Uuid::parse_str(&req.id).is_err() {
        return Err(ApiError::unprocessable("bad-id", "a spot's id is a UUID the phone makes"));
    }
    let (lat, lon) = (req.location.lat, req.location.lon);
    let placed = st.city.area.locate(lat, lon).map_err(|e| ApiError::unprocessable("not-in-campaign", e.to_string()))?;
    let (status, receipt) = st
        .db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            if let Some(existing) = spot(tx, &id, &req.id)? {
                let merged_into: Option<String> = tx.query_row("SELECT merged_into FROM spot WHERE id = ?1", [&req.id], |r| r.get(0))?;
                let shown = match &merged_into {
                    Some(target) => spot(tx, &id, target)?.ok_or_else(|| ApiError::internal("merged into a missing spot"))?,
                    None => existing,
                };
                return Ok((StatusCode::OK, SpotReceipt { spot: finish(tx, &id, shown)?, merged: merged_into.is_some() }));
            }
            let s = load(tx, &id)?;
            still_on(&s)?;
            if s.handed_over || to_ms(req.location.fixed_at) > s.ends_at {
                return Err(ApiError::conflict("campaign-ended", "the campaign has ended"));
            }
            let Some(team) = member(tx, &id, &device)? else {
                return Err(ApiError::Forbidden("join the campaign first".into()));
            };
            if !s.categories.contains(&req.category) {
                return Err(ApiError::unprocessable("not-in-campaign", format!("{} does not count in this campaign", req.category)));
            }
            let inside = match &s.drawn {
                Some(drawn) => drawn.covers(lat, lon),
                None => s.areas.contains(&placed.ward.code),
            };
            if !inside {
                return Err(ApiError::unprocessable("not-in-campaign", "the spot is outside the campaign's area"));
            }
            if !crate::reports::photo_known(tx, &req.photo)? {
                return Err(ApiError::unprocessable("photo-missing", format!("photo {} was not uploaded first", req.photo)));
            }
            // The same place: a spot within the merge radius, not itself merged.
            let d = MERGE_RADIUS_M / 111_000.0 * 1.5;
            let dlon = d / lat.to_radians().cos().max(0.01);
            let near = tx.query_all(
                "SELECT id, lat, lon FROM spot WHERE campaign_id = ?1 AND merged_into IS NULL
                 AND lat BETWEEN ?2 AND ?3 AND lon BETWEEN ?4 AND ?5 ORDER BY reported_at, id",
                params![id, lat - d, lat + d, lon - dlon, lon + dlon],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?, r.get::<_, f64>(2)?)),
            )?;
            let target = near.into_iter().find(|(_, a, b)| civic_core::area::distance_m((lat, lon), (*a, *b)) <= MERGE_RADIUS_M);
            let version = next_version(tx)?;
            let ward = &placed.ward;
            tx.execute(
                "INSERT INTO spot (id, campaign_id, category, lat, lon, accuracy_m, ward_code, ward_vi, ward_en, photo_hash, device_id,
                                   team_id, reported_at, merged_into, status, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                params![
                    req.id,
                    id,
                    req.category,
                    lat,
                    lon,
                    req.location.accuracy_m,
                    ward.code,
                    ward.name.vi,
                    ward.name.en,
                    req.photo,
                    device,
                    team,
                    to_ms(req.location.fixed_at),
                    target.as_ref().map(|t| t.0.clone()),
                    if target.is_some() { "merged" } else { "reported" },
                    version
                ],
            )?;
            match target {
                Some((target, _, _)) => {
                    // The spot it joined changed too (one more report of it).
                    tx.execute("UPDATE spot SET version = ?2 WHERE id = ?1", params![target, version])?;
                    let shown = spot(tx, &id, &target)?.ok_or_else(|| ApiError::internal("merge target vanished"))?;
                    Ok((StatusCode::OK, SpotReceipt { spot: finish(tx, &id, shown)?, merged: true }))
                }
                None => {
                    let shown = spot(tx, &id, &req.id)?.ok_or_else(|| ApiError::internal("spot vanished"))?;
                    Ok((StatusCode::CREATED, SpotReceipt { spot: finish(tx, &id, shown)?, merged: false }))
                }
            }
        })
        .await?;
    Ok((status, Json(receipt)))
}

/// `POST /api/v1/campaigns/{id}/spots/{spot}/claim`: the device's team takes the spot on.
#[utoipa::path(post, path = "/campaigns/{id}/spots/{spot}/claim", tag = "campaigns", operation_id = "claimSpot", summary = "Claim a spot for one's team", description = "The device's team takes a spot on, so other teams go elsewhere.",
    params(("id" = String, Path, description = "The campaign's id"), ("spot" = String, Path, description = "The spot's id")), security(("device_token" = [])),
    responses((status = 200, description = "Claimed (or already this team's)", body = Spot),
               (status = 403, description = "Not a member of a team of the campaign", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 404, description = "No such spot", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 409, description = "`claimed-by-another-team`, `already-cleaned`, `campaign-ended`, `campaign-cancelled`", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn claim(State(st): State<AppState>, caller: Caller, Path((id, spot_id)): Path<(String, String)>) -> ApiResult<Json<Spot>> {
    let device = caller.device()?.to_owned();
    let now = st.now();
    let spot = st
        .db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let s = load(tx, &id)?;
            still_on(&s)?;
            not_ended(&s, now)?;
            let Some(Some(team)) = member(tx, &id, &device)? else {
                return Err(ApiError::Forbidden("join the campaign with a team to claim spots".into()));
            };
            let target = canonical(tx, &id, &spot_id)?;
            let row = spot(tx, &id, &target)?.ok_or_else(|| ApiError::NotFound(format!("there is no spot {spot_id}")))?;
            match row.spot.status {
                SpotStatus::Cleaned | SpotStatus::HandedOver => {
                    return Err(ApiError::conflict("already-cleaned", "the spot is done already"));
                }
                SpotStatus::Claimed if row.team_id.as_deref() != Some(team.as_str()) => {
                    return Err(ApiError::conflict("claimed-by-another-team", "another team is on it"));
                }
                SpotStatus::Claimed => {}
                SpotStatus::Reported => {
                    let version = next_version(tx)?;
                    tx.execute(
                        "UPDATE spot SET status = 'claimed', claimed_by = ?2, version = ?3 WHERE id = ?1",
                        params![target, team, version],
                    )?;
                }
            }
            let row = spot(tx, &id, &target)?.ok_or_else(|| ApiError::internal("spot vanished"))?;
            finish(tx, &id, row)
        })
        .await?;
    Ok(Json(spot))
}

/// A spot that was merged stands for the one it joined.
fn canonical(c: &Conn, campaign: &str, id: &str) -> ApiResult<String> {
    let merged: Option<Option<String>> =
        c.query_row("SELECT merged_into FROM spot WHERE id = ?1 AND campaign_id = ?2", [id, campaign], |r| r.get(0)).optional()?;
    match merged {
        None => Err(ApiError::NotFound(format!("there is no spot {id}"))),
        Some(into) => Ok(into.unwrap_or_else(|| id.to_owned())),
    }
}

/// `POST /api/v1/campaigns/{id}/spots/{spot}/clean`: cleaned, with an after-photo taken there.
#[utoipa::path(post, path = "/campaigns/{id}/spots/{spot}/clean", tag = "campaigns", operation_id = "cleanSpot", summary = "Mark a spot cleaned", description = "Marks a spot cleaned with an after-photo taken near it, and the weight collected if the team weighs it.",
    params(("id" = String, Path, description = "The campaign's id"), ("spot" = String, Path, description = "The spot's id")),
    request_body = CleanSpot, security(("device_token" = [])),
    responses((status = 200, description = "Cleaned (or already)", body = Spot),
               (status = 403, description = "Not a member", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 404, description = "No such spot", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 409, description = "`claimed-by-another-team`, `campaign-ended`, `campaign-cancelled`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 422, description = "`after-photo-too-far`, `photo-missing`, `bad-weight`", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn clean(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, spot_id)): Path<(String, String)>,
    Json(req): Json<CleanSpot>,
) -> ApiResult<Json<Spot>> {
    let device = caller.device()?.to_owned();
    if req.kg.is_some_and(|k| !k.is_finite() || !(0.0..=10_000.0).contains(&k)) {
        return Err(ApiError::unprocessable("bad-weight", "kg is a weight between 0 and 10,000"));
    }
    let now = st.now();
    let spot = st
        .db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let s = load(tx, &id)?;
            still_on(&s)?;
            if s.handed_over {
                return Err(ApiError::conflict("campaign-ended", "the campaign has ended"));
            }
            let Some(team) = member(tx, &id, &device)? else {
                return Err(ApiError::Forbidden("join the campaign first".into()));
            };
            let target = canonical(tx, &id, &spot_id)?;
            let row = spot(tx, &id, &target)?.ok_or_else(|| ApiError::NotFound(format!("there is no spot {spot_id}")))?;
            match row.spot.status {
                SpotStatus::Cleaned | SpotStatus::HandedOver => return finish(tx, &id, row),
                SpotStatus::Claimed if row.team_id.is_some() && row.team_id != team => {
                    return Err(ApiError::conflict("claimed-by-another-team", "another team is on it"));
                }
                _ => {}
            }
            let d = civic_core::area::distance_m((req.photo_location.lat, req.photo_location.lon), (row.spot.lat, row.spot.lon));
            if d > CLEAN_RADIUS_M {
                return Err(ApiError::unprocessable(
                    "after-photo-too-far",
                    format!("the after-photo was taken {d:.0} m from the spot; it must be within {CLEAN_RADIUS_M:.0} m"),
                ));
            }
            if !crate::reports::photo_known(tx, &req.photo)? {
                return Err(ApiError::unprocessable("photo-missing", format!("photo {} was not uploaded first", req.photo)));
            }
            let version = next_version(tx)?;
            tx.execute(
                "UPDATE spot SET status = 'cleaned', cleaned_by = ?2, after_photo = ?3, kg = ?4, cleaned_at = ?5, version = ?6 WHERE id = ?1",
                params![target, team, req.photo, req.kg, to_ms(req.photo_location.fixed_at.min(now)), version],
            )?;
            let row = spot(tx, &id, &target)?.ok_or_else(|| ApiError::internal("spot vanished"))?;
            finish(tx, &id, row)
        })
        .await?;
    Ok(Json(spot))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SinceQuery {
    /// The `cursor` of the last answer (0 or absent: everything).
    #[serde(default)]
    pub since: Option<i64>,
}

/// `GET /api/v1/campaigns/{id}/spots?since=`: the live map, as the spots changed since a cursor.
#[utoipa::path(get, path = "/campaigns/{id}/spots", tag = "campaigns", operation_id = "campaignSpots", summary = "The live map's changes", description = "Returns the live map as the spots changed since a cursor, without anyone's identity.",
    params(("id" = String, Path, description = "The campaign's id"), SinceQuery),
    responses((status = 200, description = "Spots changed since the cursor, oldest change first", body = SpotChanges),
               (status = 404, description = "No such campaign", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn spots(State(st): State<AppState>, Path(id): Path<String>, Query(q): Query<SinceQuery>) -> ApiResult<Json<SpotChanges>> {
    let since = q.since.unwrap_or(0).max(0);
    let changes = st
        .db
        .read_as::<_, crate::error::ApiError, _>(move |c| {
            load(c, &id)?;
            let rows = c.query_all(
                &format!(
                    "SELECT {SPOT_COLUMNS} FROM spot s WHERE s.campaign_id = ?1 AND s.merged_into IS NULL AND s.version > ?2
                     ORDER BY s.version LIMIT ?3"
                ),
                params![id, since, PAGE + 1],
                spot_row,
            )?;
            let more = rows.len() as i64 > PAGE;
            let rows: Vec<SpotRow> = rows.into_iter().take(PAGE as usize).collect();
            let cursor = rows.last().map_or(since, |r| r.version);
            let teams = teams(c, &id)?;
            let spots = rows.into_iter().map(|r| finish_with(c, &teams, r)).collect::<ApiResult<Vec<_>>>()?;
            Ok(SpotChanges { spots, cursor, more })
        })
        .await?;
    Ok(Json(changes))
}

/// `GET /api/v1/campaigns/{id}/summary`: spots reported and cleaned, per ward and per team.
#[utoipa::path(get, path = "/campaigns/{id}/summary", tag = "campaigns", operation_id = "campaignSummary", summary = "What a campaign did", description = "Returns what a campaign did: spots reported, cleaned and handed over, per ward and per team, and the kilograms collected.",
    params(("id" = String, Path, description = "The campaign's id")),
    responses((status = 200, description = "The summary", body = CampaignSummary),
               (status = 404, description = "No such campaign", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn summary(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<CampaignSummary>> {
    let st2 = st.clone();
    let summary = st.db.read_as::<_, crate::error::ApiError, _>(move |c| summarize(&st2, c, &id)).await?;
    Ok(Json(summary))
}

pub fn summarize(st: &AppState, c: &Conn, id: &str) -> ApiResult<CampaignSummary> {
    let s = load(c, id)?;
    let campaign = view(st, c, &s)?;
    let rows = c.query_all(
        "SELECT s.status, COALESCE(s.ward_vi, ''), COALESCE(s.kg, 0), COALESCE(t.name, ''), COALESCE(r.name, '')
         FROM spot s LEFT JOIN campaign_team t ON t.id = s.cleaned_by LEFT JOIN campaign_team r ON r.id = s.team_id
         WHERE s.campaign_id = ?1 AND s.merged_into IS NULL",
        [id],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, f64>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?)),
    )?;
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

/// Every spot of a campaign's map (not the reports merged into others).
pub fn all_spots(c: &Conn, campaign: &str) -> ApiResult<Vec<Spot>> {
    let rows = c.query_all(
        &format!("SELECT {SPOT_COLUMNS} FROM spot s WHERE s.campaign_id = ?1 AND s.merged_into IS NULL ORDER BY s.reported_at, s.id"),
        [campaign],
        spot_row,
    )?;
    let teams = teams(c, campaign)?;
    rows.into_iter().map(|r| finish_with(c, &teams, r)).collect()
}

/// Hands the spots left of every ended campaign to the city, as ordinary reports in the
/// name of the device that reported each (the report's id is the spot's, so two processes
/// sweeping at once make each report once). Returns how many reports were made.
pub async fn hand_over_ended(st: &AppState) -> ApiResult<usize> {
    let now = st.now();
    let due = st
        .db
        .read_as::<_, crate::error::ApiError, _>(move |c| {
            Ok(c.query_all(
                "SELECT s.id, s.category, s.lat, s.lon, s.accuracy_m, s.photo_hash, s.device_id, s.reported_at, c.name_vi
                 FROM spot s JOIN campaign c ON c.id = s.campaign_id
                 WHERE (c.ends_at <= ?1 OR c.cancelled_at IS NOT NULL) AND c.handed_over_at IS NULL AND s.merged_into IS NULL
                   AND s.status IN ('reported', 'claimed')",
                [to_ms(now)],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        (r.get::<_, f64>(2)?, r.get::<_, f64>(3)?, r.get::<_, f64>(4)?),
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, i64>(7)?,
                        r.get::<_, String>(8)?,
                    ))
                },
            )?)
        })
        .await?;
    let mut made = 0;
    for (spot_id, category, (lat, lon, accuracy_m), photo, device, reported_at, name) in due {
        let Ok(report_id) = spot_id.parse::<civic_core::model::ReportId>() else { continue };
        let at = from_ms(reported_at)?;
        let req = SubmitReport {
            id: report_id,
            category,
            location: civic_core::model::GeoFix { lat, lon, accuracy_m, source: civic_core::model::FixSource::Gps, fixed_at: at },
            description: format!("Điểm rác báo trong «{name}» chưa được dọn khi chiến dịch kết thúc."),
            anonymous: true,
            answers: Default::default(),
            photos: vec![photo],
            captured_at: at,
            alerts: Vec::new(),
        };
        let (_, receipt) = create_report(st, Submitter::CampaignSpot(device), req, 1).await?;
        let report_id = receipt.id.to_string();
        st.db
            .write_as::<_, crate::error::ApiError, _>(move |tx| {
                let version = next_version(tx)?;
                tx.execute(
                    "UPDATE spot SET status = 'handed_over', report_id = ?2, version = ?3 WHERE id = ?1 AND status IN ('reported', 'claimed')",
                    params![spot_id, report_id, version],
                )?;
                Ok(())
            })
            .await?;
        made += 1;
    }
    let now = st.now();
    st.db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            tx.execute(
                "UPDATE campaign SET handed_over_at = ?1 WHERE (ends_at <= ?1 OR cancelled_at IS NOT NULL) AND handed_over_at IS NULL
                 AND NOT EXISTS (SELECT 1 FROM spot s WHERE s.campaign_id = campaign.id AND s.merged_into IS NULL
                                 AND s.status IN ('reported', 'claimed'))",
                [to_ms(now)],
            )?;
            Ok(())
        })
        .await?;
    Ok(made)
}
