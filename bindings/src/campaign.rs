//! Green Sunday for the apps: the campaigns, joining, the quick capture of a spot, claims
//! and cleans (all kept on the phone first), and the live map.

use std::time::SystemTime;

use civic_core::campaign::{self as core, Phase, SpotStatus};
use civic_core::model::Lang;

use crate::app::{CivicApp, on_runtime};
use crate::error::CivicError;
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
    /// "Sắp diễn ra" / "Upcoming"…
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

fn t(lang: Lang, vi: &str, en: &str) -> String {
    if lang == Lang::Vi { vi.to_owned() } else { en.to_owned() }
}

/// A category's name in the app's language (its code when the catalog does not have it).
fn category_name(app: &CivicApp, code: &str, lang: Lang) -> String {
    app.civic_city().catalog.get(code).map_or_else(|| code.to_owned(), |c| c.name.get(lang).to_owned())
}

fn info(app: &CivicApp, c: core::Campaign, joined: Option<&core::JoinedCampaign>, lang: Lang) -> CampaignInfo {
    let (phase, phase_label) = match c.phase {
        Phase::Upcoming => (CampaignPhase::Upcoming, t(lang, "Sắp diễn ra", "Upcoming")),
        Phase::Running => (CampaignPhase::Running, t(lang, "Đang diễn ra", "Under way")),
        Phase::Ended => (CampaignPhase::Ended, t(lang, "Đã kết thúc", "Ended")),
        Phase::Cancelled => (CampaignPhase::Cancelled, t(lang, "Đã huỷ", "Called off")),
    };
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
        phase,
        phase_label,
        cancel_reason: c.cancel_reason,
        participants: c.participants,
        teams: c.teams.into_iter().map(|x| CampaignTeam { id: x.id, name: x.name, members: x.members }).collect(),
        joined: joined.is_some(),
        my_team: joined.and_then(|j| j.team_name.clone()),
    }
}

/// "1,5" in Vietnamese, "1.5" in English.
fn kg(lang: Lang, kg: f64) -> String {
    let s = format!("{kg:.1}");
    if lang == Lang::Vi { s.replace('.', ",") } else { s }
}

fn reminder(r: core::Reminder, offset: time::UtcOffset, lang: Lang) -> CampaignReminder {
    let c = &r.campaign;
    let name = c.name.get(lang);
    let start = c.starts_at.to_offset(offset);
    let hhmm = format!("{:02}:{:02}", start.hour(), start.minute());
    let title = match r.kind {
        core::ReminderKind::EveningBefore => t(lang, &format!("Ngày mai: {name}"), &format!("Tomorrow: {name}")),
        core::ReminderKind::HourBefore => t(lang, &format!("1 giờ nữa: {name}"), &format!("In an hour: {name}")),
    };
    let mut body = match c.meeting_points.first() {
        Some(m) => t(lang, &format!("Bắt đầu lúc {hhmm} tại {}.", m.name), &format!("Starts at {hhmm} at {}.", m.name)),
        None => t(lang, &format!("Bắt đầu lúc {hhmm}."), &format!("Starts at {hhmm}.")),
    };
    if let Some(team) = &r.team_name {
        body.push_str(&t(lang, &format!(" Đội: {team}."), &format!(" Team: {team}.")));
    }
    if r.kind == core::ReminderKind::EveningBefore {
        body.push_str(&t(lang, " Nhớ mang găng tay và túi đựng rác.", " Bring gloves and bags."));
    }
    CampaignReminder { key: r.key(), campaign_id: c.id.clone(), at: r.at.into(), title, body }
}

fn tally(t: core::Tally) -> CampaignTally {
    CampaignTally { name: t.name, reported: t.reported, cleaned: t.cleaned, kg: t.kg }
}

fn spot(app: &CivicApp, m: core::MapSpot, lang: Lang) -> CampaignSpot {
    let s = m.spot;
    let (state, label) = match s.status {
        SpotStatus::Reported => (SpotState::Reported, t(lang, "Chưa dọn", "Not cleaned yet")),
        SpotStatus::Claimed => (SpotState::Claimed, t(lang, "Đang dọn", "Being cleaned")),
        SpotStatus::Cleaned => (SpotState::Cleaned, t(lang, "Đã dọn", "Cleaned")),
        SpotStatus::HandedOver => (SpotState::HandedOver, t(lang, "Đã chuyển thành phản ánh", "Handed to the city")),
    };
    CampaignSpot {
        category_name: category_name(app, &s.category, lang),
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
        mine: m.mine,
    }
}

#[uniffi::export]
impl CivicApp {
    /// The clean-up campaigns not yet ended, soonest first, then the last ended. Needs a
    /// connection.
    pub async fn campaigns(&self) -> Result<Vec<CampaignInfo>> {
        let (desk, lang) = (self.desk(), self.language());
        let found = on_runtime(async move { desk.campaigns().await }, lang).await?;
        self.infos(found, lang)
    }

    /// The campaigns that concern the resident: those covering one of their saved places'
    /// wards and communes (all of them when no place is saved), and those they joined.
    /// Without a connection, as last listed.
    pub async fn campaigns_near_me(&self) -> Result<Vec<CampaignInfo>> {
        let (desk, lang) = (self.desk(), self.language());
        let found = on_runtime(async move { desk.campaigns().await }, lang).await?;
        let joined: Vec<String> = self.desk().joined().map_err(self.core_err())?.into_iter().map(|j| j.campaign_id).collect();
        let (mine, others): (Vec<_>, Vec<_>) = found.into_iter().partition(|c| joined.contains(&c.id));
        let near = self.civic_handle().campaigns_near_me(others).map_err(self.core_err())?;
        let mut shown = mine;
        shown.extend(near);
        shown.sort_by_key(core::listing_order);
        self.infos(shown, lang)
    }

    /// The reminders to schedule before the campaigns the resident joined, soonest first.
    /// Schedule them again (replacing by key) after joining and after each sync.
    pub fn campaign_reminders(&self) -> Result<Vec<CampaignReminder>> {
        let lang = self.language();
        let found = self.desk().reminders(self.civic_handle().now()).map_err(self.core_err())?;
        let offset = self.civic_handle().city().utc_offset;
        Ok(found.into_iter().map(|r| reminder(r, offset, lang)).collect())
    }

    /// The campaigns the resident joined that were called off since last asked (a sync
    /// learns it), each handed out once, in the app's language. Show each as a notification.
    pub fn take_campaign_notices(&self) -> Result<Vec<CampaignNotice>> {
        let lang = self.language();
        let off = self.desk().take_called_off().map_err(self.core_err())?;
        Ok(off
            .into_iter()
            .map(|c| {
                let name = c.name.get(lang).to_owned();
                CampaignNotice {
                    title: t(lang, &format!("Đã huỷ: {name}"), &format!("Called off: {name}")),
                    body: c.cancel_reason.unwrap_or_else(|| t(lang, "Chiến dịch đã được huỷ.", "The campaign was called off.")),
                    campaign_id: c.id,
                }
            })
            .collect())
    }

    /// The card after a campaign: its figures per ward and per team, the resident's part, and
    /// the first before/after pairs (photos brought onto the phone). Without a connection, as
    /// last fetched.
    pub async fn campaign_summary(&self, campaign: String) -> Result<CampaignSummaryCard> {
        let (desk, lang) = (self.desk(), self.language());
        let id = campaign.clone();
        let s = on_runtime(async move { desk.summary(&id).await }, lang).await?;
        let desk = self.desk();
        let joined = desk.joined().map_err(self.core_err())?.into_iter().find(|j| j.campaign_id == campaign);
        let map = desk.map(&campaign).map_err(self.core_err())?;
        let mine: Vec<_> = map.iter().filter(|m| m.mine && !m.waiting).collect();
        let mine_cleaned = mine.iter().filter(|m| m.spot.status == SpotStatus::Cleaned).count();
        let pairs = desk
            .pairs(&campaign)
            .map_err(self.core_err())?
            .into_iter()
            .filter_map(|p| {
                Some(BeforeAfter {
                    category_name: category_name(self, &p.category, lang),
                    team: p.team.map(|t| t.name),
                    before_photo: p.photo,
                    after_photo: p.after_photo?,
                    spot_id: p.id,
                })
            })
            .collect();
        let my_team =
            joined.as_ref().and_then(|j| j.team_name.as_ref()).and_then(|name| s.by_team.iter().find(|t| &t.name == name)).cloned();
        let goal_reached = s.campaign.goal_spots.is_some_and(|g| s.cleaned >= g);
        let headline = if s.kg > 0.0 {
            t(
                lang,
                &format!("Đã dọn {}/{} điểm · {} kg", s.cleaned, s.reported, kg(lang, s.kg)),
                &format!("{} of {} spots cleaned · {} kg", s.cleaned, s.reported, kg(lang, s.kg)),
            )
        } else {
            t(lang, &format!("Đã dọn {}/{} điểm", s.cleaned, s.reported), &format!("{} of {} spots cleaned", s.cleaned, s.reported))
        };
        Ok(CampaignSummaryCard {
            headline,
            reported: s.reported,
            cleaned: s.cleaned,
            handed_over: s.handed_over,
            kg: s.kg,
            goal_spots: s.campaign.goal_spots,
            goal_reached,
            by_ward: s.by_ward.into_iter().map(tally).collect(),
            by_team: s.by_team.into_iter().map(tally).collect(),
            my_team: my_team.map(tally),
            mine: (!mine.is_empty()).then(|| {
                t(
                    lang,
                    &format!("Bạn đã báo {} điểm, {} điểm đã được dọn.", mine.len(), mine_cleaned),
                    &format!("You reported {} spots; {} were cleaned.", mine.len(), mine_cleaned),
                )
            }),
            pairs,
            campaign: info(self, s.campaign, joined.as_ref(), lang),
        })
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
    fn infos(&self, found: Vec<core::Campaign>, lang: Lang) -> Result<Vec<CampaignInfo>> {
        let joined = self.desk().joined().map_err(self.core_err())?;
        Ok(found
            .into_iter()
            .map(|c| {
                let j = joined.iter().find(|j| j.campaign_id == c.id);
                info(self, c, j, lang)
            })
            .collect())
    }

    fn desk(&self) -> std::sync::Arc<civic_core::desk::CampaignDesk> {
        self.syncer_handle().campaign_desk()
    }

    fn core_err(&self) -> impl Fn(civic_core::Error) -> CivicError + '_ {
        let lang = self.language();
        move |e| CivicError::from_core(e, lang)
    }
}
