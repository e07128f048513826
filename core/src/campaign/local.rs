//! What the phone keeps of its own for the campaigns: the actions waiting for a connection,
//! the spots on its live map, the campaigns the resident joined and their reminders.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::rules::ReminderKind;
use super::wire::{Campaign, Spot};
use crate::model::GeoFix;

/// Something the resident did for a campaign, kept on the phone until the server has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CampaignAction {
    Join {
        team_id: Option<String>,
        new_team: Option<String>,
    },
    /// A spot (its photo stored with the action).
    Spot {
        id: String,
        category: String,
        location: GeoFix,
    },
    Claim {
        spot: String,
    },
    /// Cleaned (the after-photo stored with the action).
    Clean {
        spot: String,
        location: GeoFix,
        kg: Option<f64>,
    },
}

/// A waiting action and its place in the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingCampaignAction {
    pub seq: i64,
    pub campaign: String,
    pub action: CampaignAction,
    pub queued_at: OffsetDateTime,
}

impl PendingCampaignAction {
    /// The `Idempotency-Key` its delivery carries: the same on every retry, so a join whose
    /// answer was lost never founds a second team.
    pub fn idempotency_key(&self) -> String {
        format!("campaign-action-{}-{}", self.seq, self.queued_at.unix_timestamp_nanos())
    }
}

/// A spot as the phone's live map shows it: what the server said, or the resident's own
/// report still waiting for a connection (`waiting`), with their own claim or clean not yet
/// delivered shown on it.
#[derive(Debug, Clone, PartialEq)]
pub struct MapSpot {
    pub spot: Spot,
    /// Something of it is still only on this phone.
    pub waiting: bool,
    /// The resident reported it (or a spot their report joined).
    pub mine: bool,
}

/// A campaign the resident joined, as the phone remembers it.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinedCampaign {
    pub campaign_id: String,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub joined_at: OffsetDateTime,
    /// The server has the join (until then it waits with the other actions).
    pub confirmed: bool,
}

/// A reminder to ring: the apps schedule one local notification per reminder, and
/// schedule them again (replacing) whenever the list may have changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    pub kind: ReminderKind,
    pub at: OffsetDateTime,
    pub campaign: Campaign,
    pub team_name: Option<String>,
}

impl Reminder {
    /// Stable for a campaign and kind: scheduling again replaces, not doubles.
    pub fn key(&self) -> String {
        let kind = match self.kind {
            ReminderKind::EveningBefore => "evening",
            ReminderKind::HourBefore => "hour",
        };
        format!("campaign-{}-{kind}", self.campaign.id)
    }
}

/// The campaigns covering a ward or commune of one of `places` (a place drawn as a circle
/// counts by the ward its centre is in). With no place, all of them.
pub fn near_places(campaigns: Vec<Campaign>, places: &[crate::warning::SavedPlace], area: &crate::area::ServiceArea) -> Vec<Campaign> {
    if places.is_empty() {
        return campaigns;
    }
    let mut codes = std::collections::BTreeSet::new();
    for place in places {
        match &place.shape {
            crate::warning::PlaceShape::Area { code } => {
                codes.insert(code.clone());
            }
            crate::warning::PlaceShape::Circle { lat, lon, .. } => {
                if let Ok(found) = area.locate(*lat, *lon) {
                    codes.insert(found.ward.code);
                }
            }
        }
    }
    campaigns.into_iter().filter(|c| c.areas.iter().any(|a| codes.contains(&a.code))).collect()
}
