//! `Civic`: the facade the apps (through the bindings) and tests drive. Every user intent
//! is a method; every screen's data is a query. Shells hold no business rules.

use std::path::Path;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::area::AreaMatch;
use crate::catalog::Category;
use crate::city::{City, CityHandle};
use crate::clock::{self, SharedClock};
use crate::desk::CampaignDesk;
use crate::error::{Error, Missing, Result};
use crate::model::{AnswerValue, Answers, Draft, GeoFix, PhotoRef, Report, ReportDetail, ReportId, Status};
use crate::net::{DeviceLink, TokenStore};
use crate::photo::{self, PhotoHints, PhotoOptions};
use crate::protocol::{AlertView, Profile};
use crate::store::{
    self, AlertNotification, DraftChange, Durability, InboxAlert, InboxAlertDetail, InboxScope, Notification, OutboxSummary, ReportPage,
    Store,
};
use crate::sync::{SyncOptions, Syncer};
use crate::warning::{MAX_PLACE_NAME_CHARS, PlaceShape, SavedPlace, Subscription, SubscriptionError};

mod feedback;

use crate::model::{MAX_DESCRIPTION_CHARS, MAX_PHOTOS, plain_text};
use crate::photo::photo_fix;

/// Largest photo file accepted from a path before decoding.
pub const MAX_PHOTO_FILE_BYTES: u64 = 40 * 1024 * 1024;

/// A photo just attached to a draft, with what it suggests about place and time.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachedPhoto {
    pub photo: PhotoRef,
    pub hints: PhotoHints,
    /// The position the photo recorded, as a fix (when it recorded one).
    pub location_hint: Option<GeoFix>,
    /// The draft had no place and the photo recorded one: the draft is now there (`Ok`), or
    /// the photo was taken outside the service area and the draft still has no place (`Err`).
    pub placed: Option<std::result::Result<AreaMatch, crate::area::AreaError>>,
}

/// The citizen's side of Civic on one device.
pub struct Civic {
    store: Arc<Store>,
    city: CityHandle,
    photo_options: PhotoOptions,
}

impl Civic {
    /// Opens (or creates) the device's data in `data_dir` for `city`.
    pub fn open(data_dir: &Path, city: City) -> Result<Self> {
        Self::open_with_clock(data_dir, city, clock::system())
    }

    /// `open`, with every rule that depends on time reading `clock` (a test's, to place
    /// itself before, during and after a moment). `city` is the built-in configuration, used
    /// until the server has sent its own.
    pub fn open_with_clock(data_dir: &Path, city: City, clock: SharedClock) -> Result<Self> {
        let store = Store::open_with_clock(data_dir, clock)?;
        // The server's configuration as last fetched, if there is one that still checks; the
        // built-in `city` otherwise (the first run, before any sync).
        let city = match store.read(store::city_config)? {
            Some((config, wards)) => config.to_city(&wards, city.former_units.clone()).unwrap_or(city),
            None => city,
        };
        let civic = Civic { store: Arc::new(store), city: CityHandle::new(city), photo_options: PhotoOptions::default() };
        civic.move_to_current_units()?;
        Ok(civic)
    }

    /// Brings what was stored under units the city no longer has up to date: reports and
    /// spots with no ward are placed by their point (one too far outside keeps none), and a
    /// saved place naming a former district becomes the wards and communes it became, each
    /// named after the resident's place and the ward. Does nothing once done.
    fn move_to_current_units(&self) -> Result<()> {
        let city = self.city.get();
        // Points too far outside today's units stay without a ward (and are tried again at
        // the next start, costing a read, not a write).
        let placed: Vec<_> = self
            .store
            .read(store::unplaced)?
            .into_iter()
            .filter_map(|(holder, id, lat, lon)| city.area.locate(lat, lon).ok().map(|found| (holder, id, found.ward)))
            .collect();
        let sub = self.subscription()?;
        let former = |p: &SavedPlace| matches!(&p.shape, PlaceShape::Area { code } if city.area.zone(code).is_none());
        let moves_places = sub.places.iter().any(former);
        if placed.is_empty() && !moves_places {
            return Ok(());
        }
        let mut places = Vec::new();
        for place in &sub.places {
            match &place.shape {
                PlaceShape::Area { code } if former(place) => {
                    for ward in city.current_units(code) {
                        let name: String = format!("{} · {}", place.name, ward.name.vi).chars().take(MAX_PLACE_NAME_CHARS).collect();
                        let followed = |p: &SavedPlace| p.name == name || p.shape == PlaceShape::Area { code: ward.code.clone() };
                        if !places.iter().any(followed) && !sub.places.iter().any(followed) {
                            places.push(SavedPlace::area(&name, &ward.code));
                        }
                    }
                }
                _ => places.push(place.clone()),
            }
        }
        let sub = Subscription { places, ..sub };
        self.store.write(Durability::AppCrash, |tx| {
            for (holder, id, ward) in &placed {
                store::set_ward(tx, *holder, id, ward)?;
            }
            if moves_places { store::save_subscription(tx, &sub) } else { Ok(()) }
        })
    }

    /// Now, by this device's clock.
    pub fn now(&self) -> OffsetDateTime {
        self.store.now()
    }

    /// Uses other photo settings (e.g. a smaller long edge on a metered connection).
    pub fn with_photo_options(mut self, options: PhotoOptions) -> Self {
        self.photo_options = options;
        self
    }

    /// The city this device reports to, as it is now (the server's configuration once it has
    /// sent one).
    pub fn city(&self) -> Arc<City> {
        self.city.get()
    }

    /// The underlying store (for sync and tests).
    pub fn store(&self) -> &Store {
        &self.store
    }

    // --- Capture -------------------------------------------------------------------------

    /// Starts a new, empty report and saves it as a draft.
    pub fn start_draft(&self) -> Result<Draft> {
        let id = ReportId::new();
        self.store.write(Durability::AppCrash, |tx| store::insert_draft(tx, id, self.store.now()))?;
        self.draft(id)
    }

    /// A draft as last saved.
    pub fn draft(&self, id: ReportId) -> Result<Draft> {
        self.store.read(|c| store::load_draft(c, id))
    }

    /// Every unsent draft, most recently edited first.
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        self.store.read(store::list_drafts)
    }

    /// Runs a photo through the pipeline (limits, orientation, resize, metadata stripped)
    /// and attaches it to the draft. Returns the location and time the photo itself records.
    /// A draft without a place yet takes the photo's recorded position: the best guess until
    /// the citizen gives a better one.
    pub fn attach_photo(&self, id: ReportId, bytes: &[u8]) -> Result<AttachedPhoto> {
        self.ensure_room_for_photo(id)?;
        let processed = photo::process(bytes, &self.photo_options)?;
        let hints = processed.hints.clone();
        let photo = self.store.write(Durability::AppCrash, |tx| {
            let count = store::draft_photos(tx, id)?.len();
            if count >= MAX_PHOTOS {
                return Err(Error::TooManyPhotos { max: MAX_PHOTOS });
            }
            let now = self.store.now();
            let photo = store::put_photo(tx, &processed, now)?;
            store::attach_draft_photo(tx, id, &photo.hash, &hints, now)?;
            Ok(photo)
        })?;
        let location_hint = photo_fix(&hints, self.store.now());
        let placed = match location_hint {
            Some(fix) if self.draft(id)?.location.is_none() => match self.set_location(id, fix) {
                Err(Error::Area(e @ crate::area::AreaError::Outside { .. })) => Some(Err(e)),
                other => Some(Ok(other?)),
            },
            _ => None,
        };
        Ok(AttachedPhoto { photo, hints, location_hint, placed })
    }

    /// Like `attach_photo`, reading the photo from a file (camera output, gallery copy).
    pub fn attach_photo_file(&self, id: ReportId, path: &Path) -> Result<AttachedPhoto> {
        use std::io::Read;
        self.ensure_room_for_photo(id)?;
        let mut bytes = Vec::new();
        // Read one byte past the cap so an oversized file is refused without reading it all.
        std::fs::File::open(path)?.take(MAX_PHOTO_FILE_BYTES + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_PHOTO_FILE_BYTES {
            return Err(photo::PhotoError::TooManyBytes { bytes: bytes.len(), max: MAX_PHOTO_FILE_BYTES as usize }.into());
        }
        self.attach_photo(id, &bytes)
    }

    fn ensure_room_for_photo(&self, id: ReportId) -> Result<()> {
        let count = self.draft(id)?.photos.len();
        if count >= MAX_PHOTOS { Err(Error::TooManyPhotos { max: MAX_PHOTOS }) } else { Ok(()) }
    }

    /// Removes a photo from the draft.
    pub fn remove_photo(&self, id: ReportId, hash: &str) -> Result<()> {
        self.store.write(Durability::AppCrash, |tx| store::detach_draft_photo(tx, id, hash))
    }

    /// The processed JPEG of a stored photo (for thumbnails and upload).
    pub fn photo(&self, hash: &str) -> Result<Vec<u8>> {
        self.store.read(|c| store::photo_bytes(c, hash))
    }

    /// Sets where the problem is. A point outside the service area is refused (and the
    /// draft keeps its previous location); inside, returns the ward or commune it routes to.
    pub fn set_location(&self, id: ReportId, fix: GeoFix) -> Result<AreaMatch> {
        let placed = self.city.get().area.locate(fix.lat, fix.lon)?;
        let fix = GeoFix { accuracy_m: if fix.accuracy_m.is_finite() { fix.accuracy_m.max(0.0) } else { 0.0 }, ..fix };
        self.store.write(Durability::AppCrash, |tx| store::update_draft(tx, id, DraftChange::Location(&fix), self.store.now()))?;
        Ok(placed)
    }

    /// Uses the GPS position recorded in one of the draft's photos as its location.
    pub fn use_photo_location(&self, id: ReportId, photo_hash: &str) -> Result<AreaMatch> {
        let hints = self.store.read(|c| store::draft_photo_hints(c, id))?;
        let (_, hint, stored) =
            hints.into_iter().find(|(hash, ..)| hash == photo_hash).ok_or_else(|| Error::PhotoNotFound(photo_hash.to_owned()))?;
        let fix = photo_fix(&hint, stored).ok_or(Error::Incomplete(vec![Missing::Location]))?;
        self.set_location(id, fix)
    }

    /// The positions the draft's photos recorded (photo hash and fix), for offering "use the
    /// photo's location" again after the app was closed mid-capture. A photo that did not
    /// record when it was taken counts as taken when the phone stored it: the same fix each time.
    pub fn draft_photo_locations(&self, id: ReportId) -> Result<Vec<(String, GeoFix)>> {
        let hints = self.store.read(|c| store::draft_photo_hints(c, id))?;
        Ok(hints.into_iter().filter_map(|(hash, hint, stored)| photo_fix(&hint, stored).map(|fix| (hash, fix))).collect())
    }

    /// The photo whose recorded position is worth offering as the draft's place: the first
    /// that recorded one different from where the draft is now.
    pub fn photo_location_offer(&self, id: ReportId) -> Result<Option<(String, GeoFix)>> {
        let here = self.draft(id)?.location;
        Ok(self.draft_photo_locations(id)?.into_iter().find(|(_, fix)| match &here {
            None => true,
            Some(h) => h.source != crate::model::FixSource::PhotoExif || h.lat != fix.lat || h.lon != fix.lon,
        }))
    }

    /// Picks the category. Answers to questions the new category does not ask are dropped.
    pub fn set_category(&self, id: ReportId, code: &str) -> Result<()> {
        let category = self.active_category(code)?;
        self.store.write(Durability::AppCrash, |tx| {
            let draft = store::load_draft(tx, id)?;
            let kept: Answers = draft.answers.into_iter().filter(|(q, v)| category.check_answer(q, v).is_ok()).collect();
            store::update_draft(tx, id, DraftChange::Category(code, &kept), self.store.now())
        })
    }

    /// Answers one of the category's questions (`None` clears the answer).
    pub fn set_answer(&self, id: ReportId, question: &str, value: Option<AnswerValue>) -> Result<()> {
        self.store.write(Durability::AppCrash, |tx| {
            let draft = store::load_draft(tx, id)?;
            let code = draft.category.ok_or(Error::Incomplete(vec![Missing::Category]))?;
            let category = self.active_category(&code)?;
            let mut answers = draft.answers;
            match value {
                Some(value) => {
                    category.check_answer(question, &value)?;
                    answers.insert(question.to_owned(), value);
                }
                None => {
                    answers.remove(question);
                }
            }
            store::update_draft(tx, id, DraftChange::Answers(&answers), self.store.now())
        })
    }

    /// Sets the description (plain text, at most 4000 characters).
    pub fn set_description(&self, id: ReportId, text: &str) -> Result<()> {
        let text = plain_text(text);
        let chars = text.chars().count();
        if chars > MAX_DESCRIPTION_CHARS {
            return Err(Error::DescriptionTooLong { chars, max: MAX_DESCRIPTION_CHARS });
        }
        self.store.write(Durability::AppCrash, |tx| store::update_draft(tx, id, DraftChange::Description(&text), self.store.now()))
    }

    /// The campaigns that concern the resident: those covering a ward or commune of one of
    /// their saved places (the warnings' places). With no place saved, all of them.
    pub fn campaigns_near_me(&self, campaigns: Vec<crate::campaign::Campaign>) -> Result<Vec<crate::campaign::Campaign>> {
        Ok(crate::campaign::near_places(campaigns, &self.subscription()?.places, &self.city.get().area))
    }

    /// Green Sunday: the resident's clean-up campaigns, through this syncer's connection.
    pub fn campaign_desk(&self, syncer: &Syncer) -> Arc<crate::desk::CampaignDesk> {
        syncer.campaign_desk()
    }

    /// An official signed in on this phone, with the actions they make offline kept in its
    /// store until they can be sent.
    pub fn official_desk(&self, client: Arc<crate::desk::OfficialClient>) -> crate::desk::OfficialDesk {
        crate::desk::OfficialDesk::new(client, self.store.clone(), self.photo_options)
    }

    /// The citizen's name and contact as the city's officials see them on named reports
    /// (never the public). Empty until given.
    pub fn profile(&self) -> Result<Profile> {
        let stored = self.store.read(|c| store::setting(c, store::settings::PROFILE))?;
        Ok(stored.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default())
    }

    /// Keeps the citizen's name and contact on the phone and sends them with the next sync
    /// (`PUT /api/v1/me`). Blank fields are cleared; each has the server's length limit.
    pub fn set_profile(&self, profile: &Profile) -> Result<()> {
        let field = |name: &'static str, value: &Option<String>, max: usize| -> Result<Option<String>> {
            let Some(text) = value.as_deref().map(plain_text).map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) else {
                return Ok(None);
            };
            let chars = text.chars().count();
            if chars > max {
                return Err(Error::ProfileFieldTooLong { field: name, chars, max });
            }
            Ok(Some(text))
        };
        let clean = Profile {
            display_name: field("display_name", &profile.display_name, 100)?,
            phone: field("phone", &profile.phone, 32)?,
            email: field("email", &profile.email, 254)?,
        };
        let json = serde_json::to_string(&clean).map_err(|e| Error::Corrupt(format!("profile: {e}")))?;
        self.store.write(Durability::AppCrash, |tx| {
            store::set_setting(tx, store::settings::PROFILE, &json)?;
            store::set_setting(tx, store::settings::PROFILE_PENDING, "1")
        })
    }

    /// Whether the report is sent without the citizen's name and contact.
    pub fn set_anonymous(&self, id: ReportId, anonymous: bool) -> Result<()> {
        self.store.write(Durability::AppCrash, |tx| store::update_draft(tx, id, DraftChange::Anonymous(anonymous), self.store.now()))
    }

    /// Throws a draft away, with the photos only it used.
    pub fn discard_draft(&self, id: ReportId) -> Result<()> {
        self.store.write(Durability::AppCrash, |tx| store::delete_draft(tx, id))
    }

    /// What the draft still needs before it can be sent (empty when ready).
    pub fn missing(&self, id: ReportId) -> Result<Vec<Missing>> {
        let draft = self.draft(id)?;
        Ok(self.missing_in(&draft))
    }

    fn missing_in(&self, draft: &Draft) -> Vec<Missing> {
        let mut missing = Vec::new();
        if draft.photos.is_empty() {
            missing.push(Missing::Photo);
        }
        if draft.location.is_none() {
            missing.push(Missing::Location);
        }
        let city = self.city.get();
        match draft.category.as_deref().and_then(|c| city.catalog.get(c)) {
            None => missing.push(Missing::Category),
            Some(c) => missing.extend(
                c.questions.iter().filter(|q| q.required && !draft.answers.contains_key(&q.code)).map(|q| Missing::Answer(q.code.clone())),
            ),
        }
        missing
    }

    /// Sends the report: checks it completely, then moves it from drafts to the outbox in
    /// one transaction that is on disk (fsync) before this returns. From then on it is safe
    /// on the phone, whatever happens to the app, the battery or the network.
    pub fn send(&self, id: ReportId) -> Result<Report> {
        self.store.write(Durability::PowerLoss, |tx| {
            let mut draft = store::load_draft(tx, id)?;
            let missing = self.missing_in(&draft);
            if !missing.is_empty() {
                return Err(Error::Incomplete(missing));
            }
            let (Some(code), Some(location)) = (draft.category.clone(), draft.location) else {
                return Err(Error::Incomplete(vec![Missing::Category, Missing::Location]));
            };
            let category = self.active_category(&code)?;
            category.check_answers(&draft.answers)?;
            if draft.photos.len() > MAX_PHOTOS {
                return Err(Error::TooManyPhotos { max: MAX_PHOTOS });
            }
            draft.description = draft.description.trim().to_owned();
            let chars = draft.description.chars().count();
            if chars > MAX_DESCRIPTION_CHARS {
                return Err(Error::DescriptionTooLong { chars, max: MAX_DESCRIPTION_CHARS });
            }
            let placed = self.city.get().area.locate(location.lat, location.lon)?;
            let now = self.store.now();
            let report = store::queue_report(tx, &draft, &code, &location, &placed, now)?;
            // The warnings in force where the problem is, as this phone knows them now.
            let alerts = store::alerts_covering(tx, location.lat, location.lon, now)?;
            store::tag_report(tx, report.id, &alerts)?;
            Ok(report)
        })
    }

    fn active_category(&self, code: &str) -> Result<Category> {
        let city = self.city.get();
        let category = city.catalog.get(code).ok_or_else(|| Error::UnknownCategory(code.to_owned()))?;
        if !category.active {
            return Err(Error::InactiveCategory(code.to_owned()));
        }
        Ok(category.clone())
    }

    // --- Sync --------------------------------------------------------------------------

    /// The sync engine for this device and `server_url`; the token lives in `tokens`.
    pub fn syncer(&self, server_url: &str, tokens: Arc<dyn TokenStore>, options: SyncOptions) -> Result<Arc<Syncer>> {
        let link = Arc::new(DeviceLink::new(server_url, tokens, options.link())?);
        let campaigns = Arc::new(CampaignDesk::new(Arc::clone(&self.store), Arc::clone(&link), self.photo_options, self.city.clone()));
        Ok(Arc::new(Syncer::new(Arc::clone(&self.store), self.city.clone(), link, campaigns, options)?))
    }

    /// What the city did that the citizen has not seen yet.
    pub fn notifications(&self) -> Result<Vec<Notification>> {
        self.store.read(store::unseen_notifications)
    }

    /// Marks notifications as shown.
    pub fn mark_notifications_seen(&self, events: &[uuid::Uuid]) -> Result<()> {
        self.store.write(Durability::AppCrash, |tx| store::mark_notifications_seen(tx, events))
    }

    /// Why the server refused a report for good, if it did (shown on the report).
    pub fn refusal(&self, id: ReportId) -> Result<Option<String>> {
        self.store.read(|c| store::refusal(c, id))
    }

    // --- Queries for the screens ---------------------------------------------------------

    /// My reports, newest first, optionally only in `statuses`, `limit` at a time.
    pub fn my_reports(&self, statuses: &[Status], limit: u32, after: Option<&str>) -> Result<ReportPage> {
        self.store.read(|c| store::list_reports(c, statuses, limit, after))
    }

    /// One report with its photos and timeline, as the citizen should see it: with their
    /// rating or reopening that still waits to be sent (`feedback::with_waiting`).
    pub fn report(&self, id: ReportId) -> Result<ReportDetail> {
        self.store.read(|c| Ok(crate::feedback::with_waiting(store::load_report(c, id)?, &store::waiting_feedback(c, Some(id))?)))
    }

    /// What is waiting to be sent.
    pub fn outbox(&self) -> Result<OutboxSummary> {
        self.store.read(store::outbox_summary)
    }

    /// The warnings the report was filed under that are still in the inbox (the ids of all
    /// of them are in `ReportDetail::alerts`).
    pub fn report_alerts(&self, id: ReportId) -> Result<Vec<InboxAlert>> {
        let now = self.store.now();
        self.store.read(|c| {
            let ids = store::report_alert_ids(c, id)?;
            let mut found = Vec::new();
            for alert in ids {
                found.extend(store::load_alert(c, &alert, now)?.map(|d| d.alert));
            }
            Ok(found)
        })
    }

    // --- Warnings ------------------------------------------------------------------------
    //
    // The subscription, the places and the position stay on this phone: the server sends
    // every warning of the region and the phone decides which concern its resident.

    /// What the resident follows.
    pub fn subscription(&self) -> Result<Subscription> {
        self.store.read(store::load_subscription)
    }

    /// Replaces the subscription (places included) after checking it. Warnings already
    /// received are decided again: an active one that now concerns the resident and was
    /// never notified is notified (see `take_alert_notifications`).
    pub fn set_subscription(&self, sub: &Subscription) -> Result<()> {
        let mut sub = sub.clone();
        for place in &mut sub.places {
            place.name = place.name.trim().to_owned();
        }
        sub.check(&self.city.get().area)?;
        self.write_subscription(&sub)
    }

    /// Saves a place, replacing the one of the same name.
    pub fn add_place(&self, mut place: SavedPlace) -> Result<()> {
        place.name = place.name.trim().to_owned();
        let mut sub = self.subscription()?;
        match sub.places.iter_mut().find(|p| p.name == place.name) {
            Some(p) => *p = place,
            None => sub.places.push(place),
        }
        sub.check(&self.city.get().area)?;
        self.write_subscription(&sub)
    }

    /// Forgets a place; false if there was none of that name.
    pub fn remove_place(&self, name: &str) -> Result<bool> {
        let mut sub = self.subscription()?;
        let before = sub.places.len();
        sub.places.retain(|p| p.name != name.trim());
        if sub.places.len() == before {
            return Ok(false);
        }
        self.write_subscription(&sub)?;
        Ok(true)
    }

    fn write_subscription(&self, sub: &Subscription) -> Result<()> {
        let now = self.store.now();
        self.store.write(Durability::AppCrash, |tx| {
            store::save_subscription(tx, sub)?;
            store::refresh_alerts(tx, &self.city.get(), now)?;
            Ok(())
        })
    }

    /// Where the resident is now, for "where I am now". Only the last position is kept (it
    /// is overwritten, no history), and only while they follow it; it never leaves the
    /// phone. Warnings already received are decided again for the new position.
    pub fn set_position(&self, lat: f64, lon: f64) -> Result<()> {
        if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
            return Err(SubscriptionError::BadPoint(lat, lon).into());
        }
        let now = self.store.now();
        self.store.write(Durability::AppCrash, |tx| {
            if !store::load_subscription(tx)?.current_position {
                return Ok(());
            }
            store::set_last_position(tx, lat, lon, now)?;
            store::refresh_alerts(tx, &self.city.get(), now)?;
            Ok(())
        })
    }

    /// Applies a warning received from the server, as sync does for each `Change::Alert`
    /// (the same code): keeps it in the inbox and decides whether it concerns the resident.
    /// Returns the notification it raised, if any; it also waits for
    /// `take_alert_notifications`.
    pub fn apply_alert(&self, view: &AlertView) -> Result<Option<AlertNotification>> {
        self.apply_alert_at(view, self.store.now())
    }

    /// `apply_alert` as if the clock read `now` (quiet hours, expiry).
    pub fn apply_alert_at(&self, view: &AlertView, now: OffsetDateTime) -> Result<Option<AlertNotification>> {
        self.store.write(Durability::AppCrash, |tx| store::apply_alert(tx, &self.city.get(), view, now))
    }

    /// The warnings that concern the resident, most recently updated first; cancelled and
    /// expired ones too if `include_ended`.
    pub fn alerts(&self, include_ended: bool) -> Result<Vec<InboxAlert>> {
        let now = self.store.now();
        let mut found = self.store.read(|c| store::list_alerts(c, InboxScope::Mine, include_ended, now))?;
        store::inbox_order(&mut found);
        Ok(found)
    }

    /// Every warning of the region (Actual and Exercise), for the map, whether or not it
    /// concerns the resident.
    pub fn all_alerts(&self, include_ended: bool) -> Result<Vec<InboxAlert>> {
        let now = self.store.now();
        self.store.read(|c| store::list_alerts(c, InboxScope::All, include_ended, now))
    }

    /// One warning with every version received.
    pub fn alert(&self, id: &str) -> Result<Option<InboxAlertDetail>> {
        let now = self.store.now();
        self.store.read(|c| store::load_alert(c, id, now))
    }

    /// Marks a warning read.
    pub fn mark_alert_read(&self, id: &str) -> Result<()> {
        self.store.write(Durability::AppCrash, |tx| store::mark_alert_read(tx, id))
    }

    /// How many active warnings that concern the resident are unread (the badge).
    pub fn unread_alerts(&self) -> Result<u32> {
        let now = self.store.now();
        self.store.read(|c| store::unread_alerts(c, now))
    }

    /// The warning notifications to show now, each handed out once: a second call never
    /// returns the same one. One raised but not yet taken survives a crash of the app.
    pub fn take_alert_notifications(&self) -> Result<Vec<AlertNotification>> {
        let now = self.store.now();
        self.store.write(Durability::AppCrash, |tx| store::take_alert_notifications(tx, now))
    }
}
