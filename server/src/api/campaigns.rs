//! HTTP edge: Green Sunday clean-up campaigns over `/api/v1/campaigns`: operators announce them,
//! devices join (alone or with a team), report spots, claim and clean them; the live map
//! is pulled by cursor; when a campaign ends, the spots left become ordinary reports.

use axum::extract::State;
use axum::http::StatusCode;
use civic_core::campaign::{
    Campaign, CampaignSummary, CancelCampaign, CleanSpot, JoinCampaign, Membership, MoveCampaign, NewCampaign, NewSpot, Spot, SpotChanges,
    SpotReceipt,
};
use serde::Deserialize;

use super::{Json, Path, Query, created};
use crate::error::ApiResult;
use crate::service::accounts::Caller;
use crate::service::{AppState, campaigns, spots as spot_work};

/// `POST /api/v1/campaigns`: the operations centre announces a campaign.
#[utoipa::path(post, path = "/campaigns", tag = "campaigns", operation_id = "createCampaign", summary = "Announce a clean-up campaign", description = "Announces a campaign: when, where (wards and communes, or an area drawn on the map), meeting points, the categories that count and an optional goal.",
    request_body = NewCampaign, security(("official_token" = [])),
    responses((status = 201, description = "Announced", body = Campaign),
               (status = 403, description = "Not an operator", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 422, description = "`unknown-area`, `bad-area`, `unknown-category`, `bad-time`, `missing-field`, `too-long`", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn create(State(st): State<AppState>, caller: Caller, Json(req): Json<NewCampaign>) -> ApiResult<(StatusCode, Json<Campaign>)> {
    Ok((StatusCode::CREATED, Json(campaigns::create(&st, &caller, req).await?)))
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
    Ok(Json(campaigns::reschedule(&st, &caller, id, req.starts_at, req.ends_at).await?))
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
    Ok(Json(campaigns::cancel(&st, &caller, id, &req.reason).await?))
}

/// `GET /api/v1/campaigns`: the campaigns not yet ended, soonest first, and the last ended ones.
#[utoipa::path(get, path = "/campaigns", tag = "campaigns", operation_id = "listCampaigns", summary = "Clean-up campaigns", description = "Lists the campaigns not yet ended, soonest first, then the ten last ended, with their teams and participants.",
    responses((status = 200, description = "Running and upcoming campaigns, then the ten last ended", body = Vec<Campaign>)))]
pub async fn list(State(st): State<AppState>) -> ApiResult<Json<Vec<Campaign>>> {
    Ok(Json(campaigns::list(&st).await?))
}

/// `GET /api/v1/campaigns/{id}`
#[utoipa::path(get, path = "/campaigns/{id}", tag = "campaigns", operation_id = "getCampaign", summary = "A clean-up campaign", description = "Returns one campaign with its phase, teams and participants.",
    params(("id" = String, Path, description = "The campaign's id")),
    responses((status = 200, description = "The campaign", body = Campaign),
               (status = 404, description = "No such campaign", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn detail(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Campaign>> {
    Ok(Json(campaigns::detail(&st, id).await?))
}

/// `POST /api/v1/campaigns/{id}/join`: the device joins, alone, with a team, or founding one.
#[utoipa::path(post, path = "/campaigns/{id}/join", tag = "campaigns", operation_id = "joinCampaign", summary = "Join a campaign", description = "Joins the device to a campaign, alone, with an existing team or founding one; joining again changes the team.",
    params(("id" = String, Path, description = "The campaign's id")), request_body = JoinCampaign, security(("device_token" = [])),
    responses((status = 200, description = "Joined (again: the team changed)", body = Membership),
               (status = 404, description = "No such campaign or team", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 409, description = "The campaign has ended (`campaign-ended`) or was called off (`campaign-cancelled`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 422, description = "A new team's name is blank (`missing-field`) or too long (`too-long`)", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn join(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<JoinCampaign>,
) -> ApiResult<Json<Membership>> {
    Ok(Json(campaigns::join(&st, &caller, id, req).await?))
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
    let (made, receipt) = spot_work::report(&st, &caller, id, req).await?;
    Ok((created(made), Json(receipt)))
}

/// `POST /api/v1/campaigns/{id}/spots/{spot}/claim`: the device's team takes the spot on.
#[utoipa::path(post, path = "/campaigns/{id}/spots/{spot}/claim", tag = "campaigns", operation_id = "claimSpot", summary = "Claim a spot for one's team", description = "The device's team takes a spot on, so other teams go elsewhere.",
    params(("id" = String, Path, description = "The campaign's id"), ("spot" = String, Path, description = "The spot's id")), security(("device_token" = [])),
    responses((status = 200, description = "Claimed (or already this team's)", body = Spot),
               (status = 403, description = "Not a member of a team of the campaign", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 404, description = "No such spot", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
               (status = 409, description = "`claimed-by-another-team`, `already-cleaned`, `campaign-ended`, `campaign-cancelled`", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn claim(State(st): State<AppState>, caller: Caller, Path((id, spot_id)): Path<(String, String)>) -> ApiResult<Json<Spot>> {
    Ok(Json(spot_work::claim(&st, &caller, id, spot_id).await?))
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
    Ok(Json(spot_work::clean(&st, &caller, id, spot_id, req).await?))
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
    Ok(Json(spot_work::changes(&st, id, q.since).await?))
}

/// `GET /api/v1/campaigns/{id}/summary`: spots reported and cleaned, per ward and per team.
#[utoipa::path(get, path = "/campaigns/{id}/summary", tag = "campaigns", operation_id = "campaignSummary", summary = "What a campaign did", description = "Returns what a campaign did: spots reported, cleaned and handed over, per ward and per team, and the kilograms collected.",
    params(("id" = String, Path, description = "The campaign's id")),
    responses((status = 200, description = "The summary", body = CampaignSummary),
               (status = 404, description = "No such campaign", body = crate::api::openapi::Problem, content_type = "application/problem+json")))]
pub async fn summary(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<CampaignSummary>> {
    Ok(Json(campaigns::summary(&st, id).await?))
}
