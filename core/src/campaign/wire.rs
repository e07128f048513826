//! The campaign types the server and the phone share (`/api/v1/campaigns…`).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::rules::Phase;
use crate::model::{GeoFix, Localized, Place};

/// `POST /api/v1/campaigns`: an operator announces a campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCampaign {
    pub name: Localized,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub ends_at: OffsetDateTime,
    /// Wards or communes by code (at least one, unless `polygon` is drawn).
    #[serde(default)]
    pub areas: Vec<String>,
    /// Or an area drawn on the map: a ring of `[lat, lon]` corners inside the city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<crate::model::LatLonPair>>))]
    pub polygon: Option<Vec<(f64, f64)>>,
    #[serde(default)]
    pub meeting_points: Vec<MeetingPoint>,
    /// The categories that count (litter, illegal-dumping, blocked-drain…).
    pub categories: Vec<String>,
    /// "200 spots cleaned".
    #[serde(default, deserialize_with = "crate::protocol::whole::optional")]
    pub goal_spots: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeetingPoint {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200, pattern = r"[^\s\x00-\x1f\x7f-\x9f]"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(minimum = -90, maximum = 90))]
    pub lat: f64,
    #[cfg_attr(feature = "openapi", schema(minimum = -180, maximum = 180))]
    pub lon: f64,
}

/// A campaign as everyone sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Campaign {
    pub id: String,
    pub name: Localized,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub ends_at: OffsetDateTime,
    /// The wards or communes it covers (those a drawn area touches).
    pub areas: Vec<Place>,
    /// The area drawn on the map, when it was drawn: a closed ring of `[lat, lon]` corners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<crate::model::LatLonPair>>))]
    pub polygon: Option<Vec<(f64, f64)>>,
    pub meeting_points: Vec<MeetingPoint>,
    pub categories: Vec<String>,
    pub goal_spots: Option<u32>,
    /// Upcoming, running, or ended (its spots left were handed to the city).
    pub phase: Phase,
    /// Why it was called off, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<String>,
    pub participants: u32,
    pub teams: Vec<Team>,
}

/// `PATCH /api/v1/campaigns/{id}`: the operations centre moves a campaign (a later Sunday,
/// other hours).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MoveCampaign {
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub ends_at: OffsetDateTime,
}

/// `POST /api/v1/campaigns/{id}/cancel`: the operations centre calls a campaign off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancelCampaign {
    /// Why, for the residents ("Mưa lớn", "Heavy rain").
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500, pattern = r"[^\s\x00-\x1f\x7f-\x9f]"))]
    pub reason: String,
}

/// A team: a school, a union branch, a neighbourhood group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Team {
    pub id: String,
    pub name: String,
    pub members: u32,
}

/// `POST /api/v1/campaigns/{id}/join`: as oneself, with a team, or founding one. Joining
/// again changes the team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JoinCampaign {
    #[serde(default)]
    pub team_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100, pattern = r"[^\s\x00-\x1f\x7f-\x9f]"))]
    pub new_team: Option<String>,
}

/// What joining gave: the team (if any) the device is in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub campaign_id: String,
    pub team: Option<Team>,
}

/// `POST /api/v1/campaigns/{id}/spots`: a litter spot, with its (already uploaded) photo.
/// The id is the phone's: sending it again is harmless.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSpot {
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub id: String,
    pub category: String,
    pub location: GeoFix,
    /// The photo's name: the lowercase hex SHA-256 of its bytes, uploaded before.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9a-f]{64}$"))]
    pub photo: String,
}

/// `POST /api/v1/campaigns/{id}/spots/{spot}/clean`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CleanSpot {
    /// The after-photo's name: the lowercase hex SHA-256 of its bytes, uploaded before.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9a-f]{64}$"))]
    pub photo: String,
    pub photo_location: GeoFix,
    /// Kilograms collected, when the team weighs its bags (0 to 10,000).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000))]
    pub kg: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpotStatus {
    Reported,
    Claimed,
    Cleaned,
    /// Not cleaned by the end: now an ordinary report (`report_number`).
    HandedOver,
}

/// A spot on the live map. Nobody's identity: teams by name only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Spot {
    pub id: String,
    pub category: String,
    pub lat: f64,
    pub lon: f64,
    // What a spot does not have yet is left out: tens of thousands of phones pull the map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ward: Option<Place>,
    pub status: SpotStatus,
    pub photo: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Team>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_photo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kg: Option<f64>,
    /// Reports of the same spot that joined this one.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub also_reported: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub reported_at: OffsetDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "time::serde::rfc3339::option")]
    pub cleaned_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_number: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What a spot report became: its own spot, or the one it joined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpotReceipt {
    /// The spot on the map (another's when `merged`).
    pub spot: Spot,
    pub merged: bool,
}

/// `GET /api/v1/campaigns/{id}/spots?since=`: the spots changed since a cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpotChanges {
    pub spots: Vec<Spot>,
    /// Pass back as `since`.
    pub cursor: i64,
    pub more: bool,
}

/// `GET /api/v1/campaigns/{id}/summary`: what the morning did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignSummary {
    pub campaign: Campaign,
    pub reported: u32,
    pub cleaned: u32,
    pub handed_over: u32,
    pub kg: f64,
    pub by_ward: Vec<Tally>,
    pub by_team: Vec<Tally>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    /// The ward's or team's name.
    pub name: String,
    pub reported: u32,
    pub cleaned: u32,
    pub kg: f64,
}

/// Where a campaign stands at `now` by its hours (for a campaign last seen a while ago).
pub fn phase_at(c: &Campaign, now: OffsetDateTime) -> Phase {
    Phase::at(c.phase == Phase::Cancelled, c.phase == Phase::Ended, c.starts_at, c.ends_at, now)
}

/// The order campaigns are listed in, as the server lists them: those not yet ended soonest
/// first, then the ended ones.
pub fn listing_order(c: &Campaign) -> (bool, OffsetDateTime) {
    (c.phase == Phase::Ended, c.starts_at)
}
