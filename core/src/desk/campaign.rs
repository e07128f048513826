//! The phone's side of a clean-up: joining, reporting, claiming and cleaning spots offline
//! first, sending in order, and the live map.

use std::sync::Arc;

use time::OffsetDateTime;

use super::CampaignClient;
use crate::campaign::*;
use crate::model::GeoFix;
use crate::net::{DeviceLink, Failure};
use crate::store::{self, Durability, Store};

/// How many before/after pairs a summary brings onto the phone.
pub const SUMMARY_PAIRS: usize = 6;

/// The card after a campaign, as `CampaignDesk::card` makes it.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryCard {
    pub summary: CampaignSummary,
    /// The resident's membership, when they joined.
    pub joined: Option<JoinedCampaign>,
    /// The spots the resident reported (delivered) and how many of them were cleaned.
    pub my_spots: (usize, usize),
    /// Their team's figures, when they joined with one.
    pub my_team: Option<Tally>,
    pub goal_reached: bool,
    /// Cleaned spots with their after-photo, first cleaned first.
    pub pairs: Vec<Spot>,
}

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
    store: Arc<Store>,
    client: CampaignClient,
    photo_options: crate::photo::PhotoOptions,
    city: crate::city::CityHandle,
    /// One delivery of the actions at a time (a sync's, or the screen's): nothing goes twice.
    sending: tokio::sync::Mutex<()>,
}

impl CampaignDesk {
    /// The desk of the device whose data is in `store`, speaking through `link`.
    pub fn new(store: Arc<Store>, link: Arc<DeviceLink>, photo_options: crate::photo::PhotoOptions, city: crate::city::CityHandle) -> Self {
        CampaignDesk { store, client: CampaignClient::new(link), photo_options, city, sending: tokio::sync::Mutex::new(()) }
    }

    /// The campaigns as the server lists them now, kept on the phone (for showing without a
    /// connection, and the reminders). Needs a connection.
    pub async fn fetch(&self) -> crate::Result<Vec<Campaign>> {
        let found = self.client.list().await?;
        let now = self.store.now();
        self.store.write(Durability::AppCrash, |tx| store::put_campaigns(tx, &found, now))?;
        Ok(found)
    }

    /// The campaigns not yet ended, soonest first, then the last ended; kept on the phone.
    /// Without a connection, the campaigns as last listed, their phases brought up to now
    /// (the error when none was ever listed).
    pub async fn campaigns(&self) -> crate::Result<Vec<Campaign>> {
        match self.fetch().await {
            Ok(found) => Ok(found),
            Err(e @ (crate::Error::Offline(_) | crate::Error::ServerBusy(_))) => {
                let now = self.store.now();
                let mut listed = self.store.read(store::listed_campaigns)?;
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

    /// The campaigns that concern the resident: those they joined, and those covering a ward
    /// or commune of one of their saved places (all of them when no place is saved); soonest
    /// first, then the last ended. Without a connection, as last listed.
    pub async fn near_me(&self) -> crate::Result<Vec<Campaign>> {
        let found = self.campaigns().await?;
        let joined: Vec<String> = self.joined()?.into_iter().map(|j| j.campaign_id).collect();
        let (mut shown, others): (Vec<_>, Vec<_>) = found.into_iter().partition(|c| joined.contains(&c.id));
        let places = self.store.read(store::load_subscription)?.places;
        shown.extend(near_places(others, &places, &self.city.get().area));
        shown.sort_by_key(listing_order);
        Ok(shown)
    }

    /// The card after a campaign: its summary, the resident's membership and part, and the
    /// first before/after pairs (photos brought onto the phone). Without a connection, as
    /// last fetched.
    pub async fn card(&self, campaign: &str) -> crate::Result<SummaryCard> {
        let summary = self.summary(campaign).await?;
        let joined = self.joined()?.into_iter().find(|j| j.campaign_id == campaign);
        let map = self.map(campaign)?;
        let mine: Vec<_> = map.iter().filter(|m| m.mine && !m.waiting).collect();
        let mine_cleaned = mine.iter().filter(|m| m.spot.status == SpotStatus::Cleaned).count();
        let my_team =
            joined.as_ref().and_then(|j| j.team_name.as_ref()).and_then(|name| summary.by_team.iter().find(|t| &t.name == name)).cloned();
        Ok(SummaryCard {
            goal_reached: summary.campaign.goal_spots.is_some_and(|g| summary.cleaned >= g),
            pairs: self.pairs(campaign)?.into_iter().filter(|p| p.after_photo.is_some()).collect(),
            my_spots: (mine.len(), mine_cleaned),
            my_team,
            joined,
            summary,
        })
    }

    /// The campaigns the resident joined that were called off since they were last told:
    /// each is handed out once (the apps show a notification).
    pub fn take_called_off(&self) -> crate::Result<Vec<Campaign>> {
        self.store.write(Durability::AppCrash, store::take_called_off)
    }

    /// The campaigns the resident joined.
    pub fn joined(&self) -> crate::Result<Vec<JoinedCampaign>> {
        self.store.read(store::memberships)
    }

    /// The reminders still to ring before the campaigns the resident joined, soonest first.
    pub fn reminders(&self, now: OffsetDateTime) -> crate::Result<Vec<Reminder>> {
        let mut found = Vec::new();
        for m in self.joined()? {
            let Some(campaign) = self.store.read(|c| store::cached_campaign(c, &m.campaign_id))? else { continue };
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
            let summary = self.client.summary(campaign).await?;
            self.refresh(campaign).await?;
            Ok::<_, crate::Error>(summary)
        };
        match fetched.await {
            Ok(summary) => {
                let now = self.store.now();
                self.store.write(Durability::AppCrash, |tx| store::put_campaign_summary(tx, &summary, now))?;
                for spot in self.pairs(campaign)? {
                    for hash in [Some(&spot.photo), spot.after_photo.as_ref()].into_iter().flatten() {
                        // A photo that does not come is fetched the next time.
                        let _ = self.fetch_photo(hash).await;
                    }
                }
                Ok(summary)
            }
            Err(e @ (crate::Error::Offline(_) | crate::Error::ServerBusy(_))) => {
                self.store.read(|c| store::campaign_summary(c, campaign))?.ok_or(e)
            }
            Err(e) => Err(e),
        }
    }

    /// The first cleaned spots with an after-photo: the before/after pairs a summary shows.
    pub fn pairs(&self, campaign: &str) -> crate::Result<Vec<Spot>> {
        let spots = self.store.read(|c| store::campaign_spots(c, campaign))?;
        let mut pairs: Vec<Spot> = spots.into_iter().filter(|s| s.status == SpotStatus::Cleaned && s.after_photo.is_some()).collect();
        pairs.sort_by_key(|s| s.cleaned_at);
        pairs.truncate(SUMMARY_PAIRS);
        Ok(pairs)
    }

    async fn fetch_photo(&self, hash: &str) -> crate::Result<()> {
        if self.store.read(|c| store::photo_exists(c, hash))? {
            return Ok(());
        }
        let bytes = self.client.photo(hash).await?;
        store::keep_fetched_photo(&self.store, hash, &bytes)
    }

    fn queue(
        &self,
        campaign: &str,
        action: CampaignAction,
        photo: Option<&crate::photo::ProcessedPhoto>,
    ) -> crate::Result<PendingCampaignAction> {
        let mut pending = PendingCampaignAction { seq: 0, campaign: campaign.to_owned(), action, queued_at: self.store.now() };
        let photo = photo.map(|p| (p.jpeg.as_slice(), p.sha256.as_str()));
        pending.seq = self.store.write(Durability::PowerLoss, |tx| store::queue_campaign_action(tx, &pending, photo))?;
        Ok(pending)
    }

    /// Joins the campaign (alone, with a team by id, or founding one by name).
    /// Remembered at once (the reminders come from it), sent with the other actions.
    pub fn join(&self, campaign: &str, team_id: Option<String>, new_team: Option<String>) -> crate::Result<PendingCampaignAction> {
        let new_team = new_team.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let known = self.store.read(|c| store::cached_campaign(c, campaign))?;
        let team_name = new_team.clone().or_else(|| {
            let id = team_id.as_deref()?;
            known.as_ref()?.teams.iter().find(|t| t.id == id).map(|t| t.name.clone())
        });
        let pending = self.queue(campaign, CampaignAction::Join { team_id: team_id.clone(), new_team }, None)?;
        let joined =
            JoinedCampaign { campaign_id: campaign.to_owned(), team_id, team_name, joined_at: pending.queued_at, confirmed: false };
        self.store.write(Durability::PowerLoss, |tx| store::set_membership(tx, &joined))?;
        Ok(pending)
    }

    /// Reports a spot: a photo and where it is, one tap for the category. The photo is made
    /// small and stripped now; the spot shows on the map at once. Returns the spot's id.
    pub fn report_spot(&self, campaign: &str, category: &str, photo: &[u8], location: GeoFix) -> crate::Result<String> {
        let processed = crate::photo::process(photo, &self.photo_options)?;
        let id = uuid::Uuid::now_v7().to_string();
        self.queue(campaign, CampaignAction::Spot { id: id.clone(), category: category.to_owned(), location }, Some(&processed))?;
        let placed = self.city.get().area.locate(location.lat, location.lon).ok();
        self.store.write(Durability::PowerLoss, |tx| {
            store::add_my_spot(tx, campaign, &id, category, &location, placed.as_ref(), &processed.sha256)
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
        self.store.read(|c| store::campaign_actions(c, campaign))
    }

    /// Delivers what waits, in order; stops (keeping the rest) at the first action that
    /// cannot go now. What the server answers about a spot goes on the map at once.
    pub async fn send(&self) -> crate::Result<CampaignOutcome> {
        let _sending = self.sending.lock().await;
        let mut outcome = CampaignOutcome::default();
        for pending in self.pending(None)? {
            let c = &pending.campaign;
            let photo = self.store.read(|conn| store::campaign_action_photo(conn, pending.seq))?;
            let upload = async {
                match &photo {
                    Some((bytes, hash)) => self.client.upload_photo(hash, bytes.clone()).await.map(|()| Some(hash.clone())),
                    None => Ok(None),
                }
            };
            let mut membership = None;
            let key = pending.idempotency_key();
            let result: Result<(Option<Spot>, bool), Failure> = match (&pending.action, upload.await) {
                (_, Err(e)) => Err(e),
                (CampaignAction::Join { team_id, new_team }, Ok(_)) => {
                    self.client.join(c, &JoinCampaign { team_id: team_id.clone(), new_team: new_team.clone() }, &key).await.map(|m| {
                        membership = Some(m);
                        (None, false)
                    })
                }
                (CampaignAction::Spot { id, category, location }, Ok(Some(hash))) => self
                    .client
                    .report_spot(c, &NewSpot { id: id.clone(), category: category.clone(), location: *location, photo: hash }, &key)
                    .await
                    .map(|r| (Some(r.spot), r.merged)),
                (CampaignAction::Claim { spot }, Ok(_)) => self.client.claim(c, spot, &key).await.map(|s| (Some(s), false)),
                (CampaignAction::Clean { spot, location, kg }, Ok(Some(hash))) => self
                    .client
                    .clean(c, spot, &CleanSpot { photo: hash, photo_location: *location, kg: *kg }, &key)
                    .await
                    .map(|s| (Some(s), false)),
                (_, Ok(None)) => {
                    Err(Failure::Refused { status: 0, kind: "photo-missing".into(), detail: "the photo kept with it is gone".into() })
                }
            };
            match result {
                Ok((spot, merged)) => {
                    self.store.write(Durability::AppCrash, |tx| {
                        if let Some(s) = &spot {
                            store::put_campaign_spots(tx, c, std::slice::from_ref(s), None)?;
                            if let (true, CampaignAction::Spot { id, .. }) = (merged, &pending.action) {
                                store::my_spot_joined(tx, id, &s.id)?;
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
                            store::set_membership(tx, &joined)?;
                        }
                        store::forget_campaign_action(tx, pending.seq)
                    })?;
                    outcome.sent += 1;
                    outcome.merged += usize::from(merged);
                }
                Err(f @ (Failure::Offline(_) | Failure::Transient { .. } | Failure::Unauthorized)) => {
                    outcome.stopped = Some(f.into());
                    break;
                }
                Err(f) => {
                    self.store.write(Durability::AppCrash, |tx| store::forget_campaign_action(tx, pending.seq))?;
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
            let since = self.store.read(|c| store::campaign_cursor(c, campaign))?;
            let page = self.client.spots(campaign, since).await?;
            changed += page.spots.len();
            self.store.write(Durability::AppCrash, |tx| store::put_campaign_spots(tx, campaign, &page.spots, Some(page.cursor)))?;
            if !page.more {
                return Ok(changed);
            }
        }
    }

    /// The live map: the spots as last pulled, the resident's own spots still waiting, and
    /// their claims and cleans not yet delivered shown on the spots they concern.
    pub fn map(&self, campaign: &str) -> crate::Result<Vec<MapSpot>> {
        let mine = self.store.read(|c| store::my_spots(c, campaign))?;
        let mut spots: Vec<MapSpot> = self
            .store
            .read(|c| store::campaign_spots(c, campaign))?
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
