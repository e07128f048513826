//! Green Sunday for the apps: the campaigns, joining, the quick capture of a spot, claims
//! and cleans (all kept on the phone first), and the live map.

use std::time::SystemTime;

use civic_core::campaign::{self as core, Phase, SpotStatus};
use civic_core::model::Lang;

use crate::app::{CivicApp, on_runtime};
use crate::error::CivicError;
use crate::types::LocationFix;

type Result<T> = std::result::Result<T, CivicError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CampaignPhase {
    Upcoming,
    Running,
    Ended,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CampaignTeam {
    pub id: String,
    pub name: String,
    pub members: u32,
}

/// A clean-up campaign, named in the app's language.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CampaignInfo {
    pub id: String,
    pub name: String,
    pub starts_at: SystemTime,
    pub ends_at: SystemTime,
    /// The districts or wards it covers, by name.
    pub areas: Vec<String>,
    pub meeting_points: Vec<String>,
    /// The categories that count: (code, name).
    pub categories: Vec<CampaignCategory>,
    pub goal_spots: Option<u32>,
    pub phase: CampaignPhase,
    /// "Sắp diễn ra" / "Upcoming"…
    pub phase_label: String,
    pub participants: u32,
    pub teams: Vec<CampaignTeam>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CampaignCategory {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SpotState {
    Reported,
    Claimed,
    Cleaned,
    HandedOver,
}

/// A spot on the live map.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CampaignSpot {
    pub id: String,
    pub category_name: String,
    pub lat: f64,
    pub lon: f64,
    pub state: SpotState,
    /// "Chưa dọn", "Đang dọn", "Đã dọn", "Đã chuyển thành phản ánh" / English.
    pub state_label: String,
    pub team: Option<String>,
    pub also_reported: u32,
    pub kg: Option<f64>,
    /// Something of it is still only on this phone.
    pub waiting: bool,
    /// The report it became after the campaign.
    pub report_number: Option<String>,
}

/// What sending the waiting campaign actions did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CampaignSendOutcome {
    pub sent: u32,
    pub merged: u32,
    /// Why each refused action was refused, in the app's language.
    pub refused: Vec<String>,
    /// Why sending stopped early (no connection…); the rest still waits.
    pub stopped: Option<String>,
}

fn t(lang: Lang, vi: &str, en: &str) -> String {
    if lang == Lang::Vi { vi.to_owned() } else { en.to_owned() }
}

fn info(app: &CivicApp, c: core::Campaign, lang: Lang) -> CampaignInfo {
    let catalog = app.civic_catalog();
    let (phase, phase_label) = match c.phase {
        Phase::Upcoming => (CampaignPhase::Upcoming, t(lang, "Sắp diễn ra", "Upcoming")),
        Phase::Running => (CampaignPhase::Running, t(lang, "Đang diễn ra", "Under way")),
        Phase::Ended => (CampaignPhase::Ended, t(lang, "Đã kết thúc", "Ended")),
    };
    CampaignInfo {
        id: c.id,
        name: c.name.get(lang).to_owned(),
        starts_at: c.starts_at.into(),
        ends_at: c.ends_at.into(),
        areas: c.areas.iter().map(|a| a.name.get(lang).to_owned()).collect(),
        meeting_points: c.meeting_points.into_iter().map(|m| m.name).collect(),
        categories: c
            .categories
            .into_iter()
            .map(|code| CampaignCategory { name: catalog.get(&code).map_or_else(|| code.clone(), |x| x.name.get(lang).to_owned()), code })
            .collect(),
        goal_spots: c.goal_spots,
        phase,
        phase_label,
        participants: c.participants,
        teams: c.teams.into_iter().map(|x| CampaignTeam { id: x.id, name: x.name, members: x.members }).collect(),
    }
}

fn spot(app: &CivicApp, m: core::MapSpot, lang: Lang) -> CampaignSpot {
    let s = m.spot;
    let (state, label) = match s.status {
        SpotStatus::Reported => (SpotState::Reported, t(lang, "Chưa dọn", "Not cleaned yet")),
        SpotStatus::Claimed => (SpotState::Claimed, t(lang, "Đang dọn", "Being cleaned")),
        SpotStatus::Cleaned => (SpotState::Cleaned, t(lang, "Đã dọn", "Cleaned")),
        SpotStatus::HandedOver => (SpotState::HandedOver, t(lang, "Đã chuyển thành phản ánh", "Handed to the city")),
    };
    let catalog = app.civic_catalog();
    CampaignSpot {
        category_name: catalog.get(&s.category).map_or_else(|| s.category.clone(), |c| c.name.get(lang).to_owned()),
        id: s.id,
        lat: s.lat,
        lon: s.lon,
        state,
        state_label: label,
        team: s.team.map(|x| x.name),
        also_reported: s.also_reported,
        kg: s.kg,
        waiting: m.waiting,
        report_number: s.report_number,
    }
}

#[uniffi::export]
impl CivicApp {
    /// The clean-up campaigns not yet ended, soonest first, then the last ended. Needs a
    /// connection.
    pub async fn campaigns(&self) -> Result<Vec<CampaignInfo>> {
        let (syncer, lang) = (self.syncer_handle(), self.language());
        let found = on_runtime(async move { syncer.campaigns().await }, lang).await?;
        Ok(found.into_iter().map(|c| info(self, c, lang)).collect())
    }

    /// The campaigns that concern the resident: those covering one of their saved places'
    /// districts or wards (all of them when no place is saved). Needs a connection.
    pub async fn campaigns_near_me(&self) -> Result<Vec<CampaignInfo>> {
        let (syncer, lang) = (self.syncer_handle(), self.language());
        let found = on_runtime(async move { syncer.campaigns().await }, lang).await?;
        let near = self.civic_handle().campaigns_near_me(found).map_err(self.core_err())?;
        Ok(near.into_iter().map(|c| info(self, c, lang)).collect())
    }

    /// Joins a campaign: alone (both none), with a team by id, or founding a team by name.
    /// Kept on the phone and sent with `send_campaign`.
    pub fn join_campaign(&self, campaign: String, team_id: Option<String>, new_team: Option<String>) -> Result<()> {
        self.desk().join(&campaign, team_id, new_team).map(|_| ()).map_err(self.core_err())
    }

    /// The quick capture: a photo, where it is, one category. On the map at once; sent with
    /// `send_campaign`. Returns the spot's id.
    pub fn report_spot(&self, campaign: String, category: String, photo: Vec<u8>, location: LocationFix) -> Result<String> {
        self.desk().report_spot(&campaign, &category, &photo, location.into()).map_err(self.core_err())
    }

    /// The resident's team takes a spot on.
    pub fn claim_spot(&self, campaign: String, spot: String) -> Result<()> {
        self.desk().claim(&campaign, &spot).map(|_| ()).map_err(self.core_err())
    }

    /// A spot cleaned, with the after-photo taken there (and the kilograms, if weighed).
    pub fn clean_spot(&self, campaign: String, spot: String, photo: Vec<u8>, location: LocationFix, kg: Option<f64>) -> Result<()> {
        self.desk().clean(&campaign, &spot, &photo, location.into(), kg).map(|_| ()).map_err(self.core_err())
    }

    /// How many campaign actions wait for a connection.
    pub fn campaign_waiting(&self) -> Result<u32> {
        Ok(self.desk().pending(None).map_err(self.core_err())?.len() as u32)
    }

    /// Sends the waiting campaign actions, in order.
    pub async fn send_campaign(&self) -> Result<CampaignSendOutcome> {
        let (desk, lang) = (self.desk(), self.language());
        let out = on_runtime(async move { desk.send().await }, lang).await?;
        Ok(CampaignSendOutcome {
            sent: out.sent as u32,
            merged: out.merged as u32,
            refused: out.refused.into_iter().map(|(_, e)| e.message(lang)).collect(),
            stopped: out.stopped.map(|e| e.message(lang)),
        })
    }

    /// Pulls what changed on a campaign's map. Returns how many spots changed.
    pub async fn refresh_campaign(&self, campaign: String) -> Result<u32> {
        let (desk, lang) = (self.desk(), self.language());
        Ok(on_runtime(async move { desk.refresh(&campaign).await }, lang).await? as u32)
    }

    /// The live map: spots as last pulled, with the resident's own still waiting.
    pub fn campaign_map(&self, campaign: String) -> Result<Vec<CampaignSpot>> {
        let lang = self.language();
        let spots = self.desk().map(&campaign).map_err(self.core_err())?;
        Ok(spots.into_iter().map(|m| spot(self, m, lang)).collect())
    }
}

impl CivicApp {
    fn desk(&self) -> core::CampaignDesk {
        self.civic_handle().campaign_desk(self.syncer_handle())
    }

    fn core_err(&self) -> impl Fn(civic_core::Error) -> CivicError + '_ {
        let lang = self.language();
        move |e| CivicError::from_core(e, lang)
    }
}
