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
    /// Wards or communes by code (at least one, unless `polygon` is drawn).
    #[serde(default)]
    pub areas: Vec<String>,
    /// Or an area drawn on the map: a ring of `[lat, lon]` corners inside the city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polygon: Option<Vec<(f64, f64)>>,
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
    /// The wards or communes it covers (those a drawn area touches).
    pub areas: Vec<Place>,
    /// The area drawn on the map, when it was drawn: a closed ring of `[lat, lon]` corners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Upcoming,
    Running,
    Ended,
    /// Called off by the operations centre (`Campaign::cancel_reason` says why).
    Cancelled,
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

// ---- On the phone ---------------------------------------------------------------------

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

/// When a reminder rings before a joined campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderKind {
    /// At 19:00 (the city's time) the evening before.
    EveningBefore,
    /// An hour before the start.
    HourBefore,
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

/// The hour (city time) of the evening-before reminder.
pub const EVENING_REMINDER_HOUR: u8 = 19;

/// The reminders still to ring for a campaign starting at `starts_at`, soonest first.
pub fn reminder_times(starts_at: OffsetDateTime, offset: time::UtcOffset, now: OffsetDateTime) -> Vec<(ReminderKind, OffsetDateTime)> {
    let local_start = starts_at.to_offset(offset);
    let evening = local_start
        .date()
        .previous_day()
        .and_then(|d| time::Time::from_hms(EVENING_REMINDER_HOUR, 0, 0).ok().map(|t| d.with_time(t).assume_offset(offset)));
    let hour = starts_at - time::Duration::hours(1);
    [(ReminderKind::EveningBefore, evening), (ReminderKind::HourBefore, Some(hour))]
        .into_iter()
        .filter_map(|(kind, at)| at.filter(|at| *at > now).map(|at| (kind, at)))
        .collect()
}

/// Where a campaign stands at `now` by its hours (for a campaign last seen a while ago).
pub fn phase_at(c: &Campaign, now: OffsetDateTime) -> Phase {
    if c.phase == Phase::Cancelled {
        Phase::Cancelled
    } else if c.phase == Phase::Ended || now >= c.ends_at {
        Phase::Ended
    } else if now >= c.starts_at {
        Phase::Running
    } else {
        Phase::Upcoming
    }
}

/// The order campaigns are listed in, as the server lists them: those not yet ended soonest
/// first, then the ended ones.
pub fn listing_order(c: &Campaign) -> (bool, OffsetDateTime) {
    (c.phase == Phase::Ended, c.starts_at)
}

/// How many before/after pairs a summary brings onto the phone.
pub const SUMMARY_PAIRS: usize = 6;

/// What `send` did.
#[derive(Debug, Default)]
pub struct CampaignOutcome {
    pub sent: usize,
    /// Spot reports that joined a spot reported there before.
    pub merged: usize,
    /// Actions refused for good (claimed by another team, too far, the campaign over…),
    /// with why; they are no longer waiting.
    pub refused: Vec<(PendingCampaignAction, crate::Error)>,
    /// Why sending stopped early (no connection, server busy): the rest still waits.
    pub stopped: Option<crate::Error>,
}

/// A resident at a clean-up: joining, reporting spots, claiming and cleaning them, all of
/// it kept on the phone first and delivered in order when there is a connection; and the
/// live map, pulled by cursor and kept for when there is none.
pub struct CampaignDesk {
    store: std::sync::Arc<crate::store::Store>,
    syncer: std::sync::Arc<crate::sync::Syncer>,
    photo_options: crate::photo::PhotoOptions,
    city: crate::city::CityHandle,
}

impl CampaignDesk {
    pub(crate) fn new(
        store: std::sync::Arc<crate::store::Store>,
        syncer: std::sync::Arc<crate::sync::Syncer>,
        photo_options: crate::photo::PhotoOptions,
        city: crate::city::CityHandle,
    ) -> Self {
        CampaignDesk { store, syncer, photo_options, city }
    }

    /// The campaigns not yet ended, soonest first, then the last ended; kept on the phone.
    /// Without a connection, the campaigns as last listed, their phases brought up to now
    /// (the error when none was ever listed).
    pub async fn campaigns(&self) -> crate::Result<Vec<Campaign>> {
        match self.syncer.campaigns().await {
            Ok(found) => Ok(found),
            Err(e @ (crate::Error::Offline(_) | crate::Error::ServerBusy(_))) => {
                let now = self.store.now();
                let mut listed = self.store.read(crate::store::listed_campaigns)?;
                if listed.is_empty() {
                    return Err(e);
                }
                for c in &mut listed {
                    c.phase = phase_at(c, now);
                }
                Ok(listed)
            }
            Err(e) => Err(e),
        }
    }

    /// The campaigns the resident joined that were called off since they were last told:
    /// each is handed out once (the apps show a notification).
    pub fn take_called_off(&self) -> crate::Result<Vec<Campaign>> {
        self.store.write(crate::store::Durability::AppCrash, crate::store::take_called_off)
    }

    /// The campaigns the resident joined.
    pub fn joined(&self) -> crate::Result<Vec<JoinedCampaign>> {
        self.store.read(crate::store::memberships)
    }

    /// The reminders still to ring before the campaigns the resident joined, soonest first.
    pub fn reminders(&self, now: OffsetDateTime) -> crate::Result<Vec<Reminder>> {
        let mut found = Vec::new();
        for m in self.joined()? {
            let Some(campaign) = self.store.read(|c| crate::store::cached_campaign(c, &m.campaign_id))? else { continue };
            if phase_at(&campaign, now) != Phase::Upcoming {
                continue;
            }
            for (kind, at) in reminder_times(campaign.starts_at, self.city.get().utc_offset, now) {
                found.push(Reminder { kind, at, campaign: campaign.clone(), team_name: m.team_name.clone() });
            }
        }
        found.sort_by_key(|r| r.at);
        Ok(found)
    }

    /// What a campaign did, fetched (with the live map, and the photos of the first
    /// before/after pairs, so the card shows them offline) and kept; without a connection,
    /// as last fetched.
    pub async fn summary(&self, campaign: &str) -> crate::Result<CampaignSummary> {
        let fetched = async {
            let summary = self.syncer.campaign_summary(campaign).await?;
            self.refresh(campaign).await?;
            Ok::<_, crate::Error>(summary)
        };
        match fetched.await {
            Ok(summary) => {
                let now = self.store.now();
                self.store.write(crate::store::Durability::AppCrash, |tx| crate::store::put_campaign_summary(tx, &summary, now))?;
                for spot in self.pairs(campaign)? {
                    for hash in [Some(&spot.photo), spot.after_photo.as_ref()].into_iter().flatten() {
                        // A photo that does not come is fetched the next time.
                        let _ = self.fetch_photo(hash).await;
                    }
                }
                Ok(summary)
            }
            Err(e @ (crate::Error::Offline(_) | crate::Error::ServerBusy(_))) => {
                self.store.read(|c| crate::store::campaign_summary(c, campaign))?.ok_or(e)
            }
            Err(e) => Err(e),
        }
    }

    /// The first cleaned spots with an after-photo: the before/after pairs a summary shows.
    pub fn pairs(&self, campaign: &str) -> crate::Result<Vec<Spot>> {
        let spots = self.store.read(|c| crate::store::campaign_spots(c, campaign))?;
        let mut pairs: Vec<Spot> = spots.into_iter().filter(|s| s.status == SpotStatus::Cleaned && s.after_photo.is_some()).collect();
        pairs.sort_by_key(|s| s.cleaned_at);
        pairs.truncate(SUMMARY_PAIRS);
        Ok(pairs)
    }

    async fn fetch_photo(&self, hash: &str) -> crate::Result<()> {
        if self.store.read(|c| crate::store::photo_exists(c, hash))? {
            return Ok(());
        }
        let bytes = self.syncer.public_photo(hash).await?;
        self.syncer.keep_photo(hash, &bytes)
    }

    fn queue(
        &self,
        campaign: &str,
        action: CampaignAction,
        photo: Option<&crate::photo::ProcessedPhoto>,
    ) -> crate::Result<PendingCampaignAction> {
        let mut pending = PendingCampaignAction { seq: 0, campaign: campaign.to_owned(), action, queued_at: self.store.now() };
        let photo = photo.map(|p| (p.jpeg.as_slice(), p.sha256.as_str()));
        pending.seq =
            self.store.write(crate::store::Durability::PowerLoss, |tx| crate::store::queue_campaign_action(tx, &pending, photo))?;
        Ok(pending)
    }

    /// Joins the campaign (alone, with a team by id, or founding one by name).
    /// Remembered at once (the reminders come from it), sent with the other actions.
    pub fn join(&self, campaign: &str, team_id: Option<String>, new_team: Option<String>) -> crate::Result<PendingCampaignAction> {
        let new_team = new_team.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let known = self.store.read(|c| crate::store::cached_campaign(c, campaign))?;
        let team_name = new_team.clone().or_else(|| {
            let id = team_id.as_deref()?;
            known.as_ref()?.teams.iter().find(|t| t.id == id).map(|t| t.name.clone())
        });
        let pending = self.queue(campaign, CampaignAction::Join { team_id: team_id.clone(), new_team }, None)?;
        let joined =
            JoinedCampaign { campaign_id: campaign.to_owned(), team_id, team_name, joined_at: pending.queued_at, confirmed: false };
        self.store.write(crate::store::Durability::PowerLoss, |tx| crate::store::set_membership(tx, &joined))?;
        Ok(pending)
    }

    /// Reports a spot: a photo and where it is, one tap for the category. The photo is made
    /// small and stripped now; the spot shows on the map at once. Returns the spot's id.
    pub fn report_spot(&self, campaign: &str, category: &str, photo: &[u8], location: GeoFix) -> crate::Result<String> {
        let processed = crate::photo::process(photo, &self.photo_options)?;
        let id = uuid::Uuid::now_v7().to_string();
        self.queue(campaign, CampaignAction::Spot { id: id.clone(), category: category.to_owned(), location }, Some(&processed))?;
        let placed = self.city.get().area.locate(location.lat, location.lon).ok();
        self.store.write(crate::store::Durability::PowerLoss, |tx| {
            crate::store::add_my_spot(tx, campaign, &id, category, &location, placed.as_ref(), &processed.sha256)
        })?;
        Ok(id)
    }

    /// The resident's team takes a spot on.
    pub fn claim(&self, campaign: &str, spot: &str) -> crate::Result<PendingCampaignAction> {
        self.queue(campaign, CampaignAction::Claim { spot: spot.to_owned() }, None)
    }

    /// A spot cleaned, with the after-photo taken there (and the weight, if weighed).
    pub fn clean(
        &self,
        campaign: &str,
        spot: &str,
        photo: &[u8],
        location: GeoFix,
        kg: Option<f64>,
    ) -> crate::Result<PendingCampaignAction> {
        let processed = crate::photo::process(photo, &self.photo_options)?;
        self.queue(campaign, CampaignAction::Clean { spot: spot.to_owned(), location, kg }, Some(&processed))
    }

    /// What still waits for a connection, oldest first.
    pub fn pending(&self, campaign: Option<&str>) -> crate::Result<Vec<PendingCampaignAction>> {
        self.store.read(|c| crate::store::campaign_actions(c, campaign))
    }

    /// Delivers what waits, in order; stops (keeping the rest) at the first action that
    /// cannot go now. What the server answers about a spot goes on the map at once.
    pub async fn send(&self) -> crate::Result<CampaignOutcome> {
        use crate::sync::client::Failure;
        // A background sync and the screen may both send: one at a time, so nothing goes twice.
        let _sending = self.syncer.campaign_sending.lock().await;
        let mut outcome = CampaignOutcome::default();
        for pending in self.pending(None)? {
            let c = &pending.campaign;
            let photo = self.store.read(|conn| crate::store::campaign_action_photo(conn, pending.seq))?;
            let upload = async {
                match &photo {
                    Some((bytes, hash)) => self.syncer.campaign_photo(hash, bytes.clone()).await.map(|()| Some(hash.clone())),
                    None => Ok(None),
                }
            };
            let mut membership = None;
            let result: Result<(Option<Spot>, bool), Failure> = match (&pending.action, upload.await) {
                (_, Err(e)) => Err(e),
                (CampaignAction::Join { team_id, new_team }, Ok(_)) => self
                    .syncer
                    .campaign_post::<Membership>(
                        &format!("/campaigns/{c}/join"),
                        &JoinCampaign { team_id: team_id.clone(), new_team: new_team.clone() },
                    )
                    .await
                    .map(|m| {
                        membership = Some(m);
                        (None, false)
                    }),
                (CampaignAction::Spot { id, category, location }, Ok(Some(hash))) => self
                    .syncer
                    .campaign_post::<SpotReceipt>(
                        &format!("/campaigns/{c}/spots"),
                        &NewSpot { id: id.clone(), category: category.clone(), location: *location, photo: hash },
                    )
                    .await
                    .map(|r| (Some(r.spot), r.merged)),
                (CampaignAction::Claim { spot }, Ok(_)) => {
                    self.syncer.campaign_post::<Spot>(&format!("/campaigns/{c}/spots/{spot}/claim"), &()).await.map(|s| (Some(s), false))
                }
                (CampaignAction::Clean { spot, location, kg }, Ok(Some(hash))) => self
                    .syncer
                    .campaign_post::<Spot>(
                        &format!("/campaigns/{c}/spots/{spot}/clean"),
                        &CleanSpot { photo: hash, photo_location: *location, kg: *kg },
                    )
                    .await
                    .map(|s| (Some(s), false)),
                (_, Ok(None)) => {
                    Err(Failure::Refused { status: 0, kind: "photo-missing".into(), detail: "the photo kept with it is gone".into() })
                }
            };
            match result {
                Ok((spot, merged)) => {
                    self.store.write(crate::store::Durability::AppCrash, |tx| {
                        if let Some(s) = &spot {
                            crate::store::put_campaign_spots(tx, c, std::slice::from_ref(s), None)?;
                            if let (true, CampaignAction::Spot { id, .. }) = (merged, &pending.action) {
                                crate::store::my_spot_joined(tx, id, &s.id)?;
                            }
                        }
                        if let Some(m) = &membership {
                            let joined = JoinedCampaign {
                                campaign_id: c.clone(),
                                team_id: m.team.as_ref().map(|t| t.id.clone()),
                                team_name: m.team.as_ref().map(|t| t.name.clone()),
                                joined_at: pending.queued_at,
                                confirmed: true,
                            };
                            crate::store::set_membership(tx, &joined)?;
                        }
                        crate::store::forget_campaign_action(tx, pending.seq)
                    })?;
                    outcome.sent += 1;
                    outcome.merged += usize::from(merged);
                }
                Err(f @ (Failure::Offline(_) | Failure::Transient { .. } | Failure::Unauthorized)) => {
                    outcome.stopped = Some(f.into());
                    break;
                }
                Err(f) => {
                    self.store.write(crate::store::Durability::AppCrash, |tx| crate::store::forget_campaign_action(tx, pending.seq))?;
                    outcome.refused.push((pending, f.into()));
                }
            }
        }
        Ok(outcome)
    }

    /// Pulls what changed on the campaign's map since the last pull. Returns how many
    /// spots changed.
    pub async fn refresh(&self, campaign: &str) -> crate::Result<usize> {
        let mut changed = 0;
        loop {
            let since = self.store.read(|c| crate::store::campaign_cursor(c, campaign))?;
            let page = self.syncer.campaign_spots(campaign, since).await?;
            changed += page.spots.len();
            self.store.write(crate::store::Durability::AppCrash, |tx| {
                crate::store::put_campaign_spots(tx, campaign, &page.spots, Some(page.cursor))
            })?;
            if !page.more {
                return Ok(changed);
            }
        }
    }

    /// The live map: the spots as last pulled, the resident's own spots still waiting, and
    /// their claims and cleans not yet delivered shown on the spots they concern.
    pub fn map(&self, campaign: &str) -> crate::Result<Vec<MapSpot>> {
        let mine = self.store.read(|c| crate::store::my_spots(c, campaign))?;
        let mut spots: Vec<MapSpot> = self
            .store
            .read(|c| crate::store::campaign_spots(c, campaign))?
            .into_iter()
            .map(|spot| MapSpot { mine: mine.contains(&spot.id), spot, waiting: false })
            .collect();
        for pending in self.pending(Some(campaign))? {
            match pending.action {
                CampaignAction::Spot { id, category, location } => spots.push(MapSpot {
                    spot: Spot {
                        id,
                        category,
                        lat: location.lat,
                        lon: location.lon,
                        ward: None,
                        status: SpotStatus::Reported,
                        photo: String::new(),
                        team: None,
                        after_photo: None,
                        kg: None,
                        also_reported: 0,
                        reported_at: location.fixed_at,
                        cleaned_at: None,
                        report_number: None,
                    },
                    waiting: true,
                    mine: true,
                }),
                CampaignAction::Claim { spot } => {
                    if let Some(s) = spots.iter_mut().find(|s| s.spot.id == spot && s.spot.status == SpotStatus::Reported) {
                        s.spot.status = SpotStatus::Claimed;
                        s.waiting = true;
                    }
                }
                CampaignAction::Clean { spot, location, kg } => {
                    if let Some(s) = spots.iter_mut().find(|s| s.spot.id == spot) {
                        s.spot.status = SpotStatus::Cleaned;
                        s.spot.kg = kg;
                        s.spot.cleaned_at = Some(location.fixed_at);
                        s.waiting = true;
                    }
                }
                CampaignAction::Join { .. } => {}
            }
        }
        Ok(spots)
    }
}
