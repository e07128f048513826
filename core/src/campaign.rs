//! Green Sunday ("Ngày Chủ nhật xanh"): clean-up campaigns. The operations centre announces
//! one (when, where, which categories count, a goal); residents join, alone or with a team;
//! during the morning they report litter spots with a photo and one tap, teams claim spots
//! and clean them with an after-photo taken at the spot; afterwards every spot left is
//! turned into an ordinary report for the sanitation unit.
//!
//! These are the wire types the server and the phone share (`/api/v1/campaigns…`).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::model::{GeoFix, Localized, Place};

/// Two spots reported closer than this are one spot: the second report joins the first.
pub const MERGE_RADIUS_M: f64 = 8.0;
/// An after-photo must be taken this close to its spot.
pub const CLEAN_RADIUS_M: f64 = 50.0;

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
    /// Wards or districts by code (at least one).
    pub areas: Vec<String>,
    #[serde(default)]
    pub meeting_points: Vec<MeetingPoint>,
    /// The categories that count (litter, illegal-dumping, blocked-drain…).
    pub categories: Vec<String>,
    /// "200 spots cleaned".
    #[serde(default)]
    pub goal_spots: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeetingPoint {
    pub name: String,
    pub lat: f64,
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
    pub areas: Vec<Place>,
    pub meeting_points: Vec<MeetingPoint>,
    pub categories: Vec<String>,
    pub goal_spots: Option<u32>,
    /// Upcoming, running, or ended (its spots left were handed to the city).
    pub phase: Phase,
    pub participants: u32,
    pub teams: Vec<Team>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Upcoming,
    Running,
    Ended,
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
    pub id: String,
    pub category: String,
    pub location: GeoFix,
    pub photo: String,
}

/// `POST /api/v1/campaigns/{id}/spots/{spot}/clean`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CleanSpot {
    pub photo: String,
    pub photo_location: GeoFix,
    /// Kilograms collected, when the team weighs its bags.
    #[serde(default)]
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
    pub ward: Option<Place>,
    pub status: SpotStatus,
    pub photo: String,
    pub team: Option<Team>,
    pub after_photo: Option<String>,
    pub kg: Option<f64>,
    /// Reports of the same spot that joined this one.
    pub also_reported: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub reported_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub cleaned_at: Option<OffsetDateTime>,
    pub report_number: Option<String>,
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
