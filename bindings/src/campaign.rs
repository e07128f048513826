//! Green Sunday for the apps: the campaigns, joining, the quick capture of a spot, claims
//! and cleans (all kept on the phone first), and the live map.

use std::sync::Arc;
use std::time::SystemTime;

use civic_core::campaign::{self as core, Phase, SpotStatus};
use civic_core::desk::CampaignDesk;
use civic_core::model::Lang;

use crate::error::CivicError;
use crate::shared::{Shared, off_thread, on_runtime};
use crate::types::{GeoPoint, LocationFix};

type Result<T> = std::result::Result<T, CivicError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CampaignPhase {
    Upcoming,
    Running,
    Ended,
    /// Called off (`CampaignInfo::cancel_reason` says why).
    Cancelled,
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
    /// The wards and communes it covers, by name.
    pub areas: Vec<String>,
    pub meeting_points: Vec<String>,
    /// Where each of `meeting_points` is, in the same order (pins on the map).
    pub meeting_at: Vec<GeoPoint>,
    /// The area drawn on the map, when the campaign's area was drawn (a closed ring).
    pub area: Vec<GeoPoint>,
    /// The categories that count: (code, name).
    pub categories: Vec<CampaignCategory>,
    pub goal_spots: Option<u32>,
    pub phase: CampaignPhase,
    /// "Sắp diễn ra" / "Upcoming"… (the core's words)
    pub phase_label: String,
    /// Why it was called off, when it was.
    pub cancel_reason: Option<String>,
    pub participants: u32,
    pub teams: Vec<CampaignTeam>,
    /// The resident joined it (on this phone).
    pub joined: bool,
    /// The team they joined with.
    pub my_team: Option<String>,
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
    /// The resident reported it.
    pub mine: bool,
}

/// A reminder before a campaign the resident joined: the app schedules a local notification
/// at `at`, keyed by `key` (scheduling again replaces it).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CampaignReminder {
    pub key: String,
    pub campaign_id: String,
    pub at: SystemTime,
    pub title: String,
    pub body: String,
}

/// Something to tell the resident about a campaign they joined (it was called off): the app
/// shows it as a notification, once.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CampaignNotice {
    pub campaign_id: String,
    pub title: String,
    pub body: String,
}

/// A ward's or a team's part of the morning.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CampaignTally {
    pub name: String,
    pub reported: u32,
    pub cleaned: u32,
    pub kg: f64,
}

/// A spot before and after: both photos are on the phone (`CivicApp::photo`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BeforeAfter {
    pub spot_id: String,
    pub category_name: String,
    pub team: Option<String>,
    pub before_photo: String,
    pub after_photo: String,
}

/// What the morning did, for the card after a campaign.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CampaignSummaryCard {
    pub campaign: CampaignInfo,
    /// "Đã dọn 41/52 điểm · 120,5 kg" / "41 of 52 spots cleaned · 120.5 kg".
    pub headline: String,
    pub reported: u32,
    pub cleaned: u32,
    /// Spots left, now reports for the sanitation unit.
    pub handed_over: u32,
    pub kg: f64,
    pub goal_spots: Option<u32>,
    pub goal_reached: bool,
    pub by_ward: Vec<CampaignTally>,
    pub by_team: Vec<CampaignTally>,
    /// The resident's team's line.
    pub my_team: Option<CampaignTally>,
    /// "Bạn đã báo 3 điểm, 2 điểm đã được dọn" / "You reported 3 spots; 2 were cleaned".
    pub mine: Option<String>,
    pub pairs: Vec<BeforeAfter>,
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

/// A category's name in the app's language (its code when the catalog does not have it).
fn category_name(app: &Shared, code: &str, lang: Lang) -> String {
    app.civic.city().catalog.get(code).map_or_else(|| code.to_owned(), |c| c.name.get(lang).to_owned())
}

fn phase(p: Phase) -> CampaignPhase {
    match p {
        Phase::Upcoming => CampaignPhase::Upcoming,
        Phase::Running => CampaignPhase::Running,
        Phase::Ended => CampaignPhase::Ended,
        Phase::Cancelled => CampaignPhase::Cancelled,
    }
}

fn info(app: &Shared, c: core::Campaign, joined: Option<&core::JoinedCampaign>, lang: Lang) -> CampaignInfo {
    CampaignInfo {
        id: c.id,
        name: c.name.get(lang).to_owned(),
        starts_at: c.starts_at.into(),
        ends_at: c.ends_at.into(),
        areas: c.areas.iter().map(|a| a.name.get(lang).to_owned()).collect(),
        meeting_at: c.meeting_points.iter().map(|m| GeoPoint { lat: m.lat, lon: m.lon }).collect(),
        meeting_points: c.meeting_points.into_iter().map(|m| m.name).collect(),
        area: c.polygon.unwrap_or_default().into_iter().map(|(lat, lon)| GeoPoint { lat, lon }).collect(),
        categories: c.categories.into_iter().map(|code| CampaignCategory { name: category_name(app, &code, lang), code }).collect(),
        goal_spots: c.goal_spots,
        phase: phase(c.phase),
        phase_label: c.phase.label(lang).to_owned(),
        cancel_reason: c.cancel_reason,
        participants: c.participants,
        teams: c.teams.into_iter().map(|x| CampaignTeam { id: x.id, name: x.name, members: x.members }).collect(),
        joined: joined.is_some(),
        my_team: joined.and_then(|j| j.team_name.clone()),
    }
}

fn reminder(r: core::Reminder, offset: time::UtcOffset, lang: Lang) -> CampaignReminder {
    CampaignReminder { key: r.key(), title: r.title(lang), body: r.body(lang, offset), campaign_id: r.campaign.id, at: r.at.into() }
}

fn tally(t: core::Tally) -> CampaignTally {
    CampaignTally { name: t.name, reported: t.reported, cleaned: t.cleaned, kg: t.kg }
}

fn spot(app: &Shared, m: core::MapSpot, lang: Lang) -> CampaignSpot {
    let s = m.spot;
    let state = match s.status {
        SpotStatus::Reported => SpotState::Reported,
        SpotStatus::Claimed => SpotState::Claimed,
        SpotStatus::Cleaned => SpotState::Cleaned,
        SpotStatus::HandedOver => SpotState::HandedOver,
    };
    CampaignSpot {
        category_name: category_name(app, &s.category, lang),
        id: s.id,
        lat: s.lat,
        lon: s.lon,
        state,
        state_label: s.status.label(lang).to_owned(),
        team: s.team.map(|x| x.name),
        also_reported: s.also_reported,
        kg: s.kg,
        waiting: m.waiting,
        report_number: s.report_number,
        mine: m.mine,
    }
}

/// Green Sunday on this phone: the campaigns, joining, the quick capture of a spot, claims
/// and cleans (all kept on the phone first), the live map and the card afterwards.
#[derive(uniffi::Object)]
pub struct Campaigns {
    shared: Arc<Shared>,
}

impl Campaigns {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Campaigns { shared }
    }

    fn desk(&self) -> Arc<CampaignDesk> {
        self.shared.syncer.campaign_desk()
    }

    fn infos(&self, found: Vec<core::Campaign>, lang: Lang) -> Result<Vec<CampaignInfo>> {
        let joined = self.desk().joined().map_err(self.shared.err())?;
        Ok(found
            .into_iter()
            .map(|c| {
                let j = joined.iter().find(|j| j.campaign_id == c.id);
                info(&self.shared, c, j, lang)
            })
            .collect())
    }
}

#[uniffi::export]
impl Campaigns {
    /// The clean-up campaigns not yet ended, soonest first, then the last ended. Without a
    /// connection, as last listed.
    pub async fn list(&self) -> Result<Vec<CampaignInfo>> {
        let (desk, lang) = (self.desk(), self.shared.lang());
        let found = on_runtime(async move { desk.campaigns().await }, lang).await?;
        self.infos(found, lang)
    }

    /// The campaigns that concern the resident: those covering one of their saved places'
    /// wards and communes (all of them when no place is saved), and those they joined.
    /// Without a connection, as last listed.
    pub async fn near_me(&self) -> Result<Vec<CampaignInfo>> {
        let (desk, lang) = (self.desk(), self.shared.lang());
        let found = on_runtime(async move { desk.near_me().await }, lang).await?;
        self.infos(found, lang)
    }

    /// The reminders to schedule before the campaigns the resident joined, soonest first.
    /// Schedule them again (replacing by key) after joining and after each sync.
    pub fn reminders(&self) -> Result<Vec<CampaignReminder>> {
        let lang = self.shared.lang();
        let found = self.desk().reminders(self.shared.civic.now()).map_err(self.shared.err())?;
        let offset = self.shared.civic.city().utc_offset;
        Ok(found.into_iter().map(|r| reminder(r, offset, lang)).collect())
    }

    /// The campaigns the resident joined that were called off since last asked (a sync
    /// learns it), each handed out once, in the app's language. Show each as a notification.
    pub fn take_notices(&self) -> Result<Vec<CampaignNotice>> {
        let lang = self.shared.lang();
        let off = self.desk().take_called_off().map_err(self.shared.err())?;
        Ok(off
            .into_iter()
            .map(|c| {
                let (title, body) = core::called_off_notice(&c, lang);
                CampaignNotice { title, body, campaign_id: c.id }
            })
            .collect())
    }

    /// The card after a campaign: its figures per ward and per team, the resident's part, and
    /// the first before/after pairs (photos brought onto the phone). Without a connection, as
    /// last fetched.
    pub async fn summary(&self, campaign: String) -> Result<CampaignSummaryCard> {
        let (desk, lang) = (self.desk(), self.shared.lang());
        let card = on_runtime(async move { desk.card(&campaign).await }, lang).await?;
        let s = card.summary;
        let pairs = card
            .pairs
            .into_iter()
            .filter_map(|p| {
                Some(BeforeAfter {
                    category_name: category_name(&self.shared, &p.category, lang),
                    team: p.team.map(|t| t.name),
                    before_photo: p.photo,
                    after_photo: p.after_photo?,
                    spot_id: p.id,
                })
            })
            .collect();
        let (mine, mine_cleaned) = card.my_spots;
        Ok(CampaignSummaryCard {
            headline: core::summary_headline(s.cleaned, s.reported, s.kg, lang),
            reported: s.reported,
            cleaned: s.cleaned,
            handed_over: s.handed_over,
            kg: s.kg,
            goal_spots: s.campaign.goal_spots,
            goal_reached: card.goal_reached,
            by_ward: s.by_ward.into_iter().map(tally).collect(),
            by_team: s.by_team.into_iter().map(tally).collect(),
            my_team: card.my_team.map(tally),
            mine: (mine > 0).then(|| core::my_part(mine, mine_cleaned, lang)),
            pairs,
            campaign: info(&self.shared, s.campaign, card.joined.as_ref(), lang),
        })
    }

    /// Joins a campaign: alone (both none), with a team by id, or founding a team by name.
    /// Kept on the phone and sent with `send`.
    pub fn join(&self, campaign: String, team_id: Option<String>, new_team: Option<String>) -> Result<()> {
        self.desk().join(&campaign, team_id, new_team).map(|_| ()).map_err(self.shared.err())
    }

    /// The quick capture: a photo, where it is, one category. On the map at once; sent with
    /// `send`. Returns the spot's id. The photo is processed off the caller's thread.
    pub async fn report_spot(&self, campaign: String, category: String, photo: Vec<u8>, location: LocationFix) -> Result<String> {
        let (desk, lang) = (self.desk(), self.shared.lang());
        off_thread(move || desk.report_spot(&campaign, &category, &photo, location.into()), lang).await
    }

    /// The resident's team takes a spot on.
    pub fn claim_spot(&self, campaign: String, spot: String) -> Result<()> {
        self.desk().claim(&campaign, &spot).map(|_| ()).map_err(self.shared.err())
    }

    /// A spot cleaned, with the after-photo taken there (and the kilograms, if weighed). The
    /// photo is processed off the caller's thread.
    pub async fn clean_spot(&self, campaign: String, spot: String, photo: Vec<u8>, location: LocationFix, kg: Option<f64>) -> Result<()> {
        let (desk, lang) = (self.desk(), self.shared.lang());
        off_thread(move || desk.clean(&campaign, &spot, &photo, location.into(), kg).map(|_| ()), lang).await
    }

    /// How many campaign actions wait for a connection.
    pub fn waiting(&self) -> Result<u32> {
        Ok(self.desk().pending(None).map_err(self.shared.err())?.len() as u32)
    }

    /// Sends the waiting campaign actions, in order.
    pub async fn send(&self) -> Result<CampaignSendOutcome> {
        let (desk, lang) = (self.desk(), self.shared.lang());
        let out = on_runtime(async move { desk.send().await }, lang).await?;
        Ok(CampaignSendOutcome {
            sent: out.sent as u32,
            merged: out.merged as u32,
            refused: out.refused.into_iter().map(|(_, e)| e.message(lang)).collect(),
            stopped: out.stopped.map(|e| e.message(lang)),
        })
    }

    /// Pulls what changed on a campaign's map. Returns how many spots changed.
    pub async fn refresh(&self, campaign: String) -> Result<u32> {
        let (desk, lang) = (self.desk(), self.shared.lang());
        Ok(on_runtime(async move { desk.refresh(&campaign).await }, lang).await? as u32)
    }

    /// The live map: spots as last pulled, with the resident's own still waiting.
    pub fn map(&self, campaign: String) -> Result<Vec<CampaignSpot>> {
        let lang = self.shared.lang();
        let spots = self.desk().map(&campaign).map_err(self.shared.err())?;
        Ok(spots.into_iter().map(|m| spot(&self.shared, m, lang)).collect())
    }
}
