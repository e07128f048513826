//! `Reports`: capture (drafts, photos, place, category, answers), sending, the outbox, the
//! citizen's reports and what the city did with them, and the city's public map.

use std::path::Path;
use std::sync::Arc;

use crate::error::CivicError;
use crate::shared::{Shared, off_thread, on_runtime};
use crate::types::*;

mod public;
mod records;
pub use public::*;
pub use records::*;

type Result<T> = std::result::Result<T, CivicError>;

/// The citizen's reports, from the first photo to the city's answer.
#[derive(uniffi::Object)]
pub struct Reports {
    shared: Arc<Shared>,
}

impl Reports {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Reports { shared }
    }
}

impl std::ops::Deref for Reports {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.shared
    }
}

#[uniffi::export]
impl Reports {
    /// Starts a new report, saved at once.
    pub fn start_draft(&self) -> Result<Draft> {
        Ok(self.civic.start_draft().map_err(self.err())?.into())
    }

    pub fn draft(&self, id: String) -> Result<Draft> {
        Ok(self.civic.draft(self.id(&id)?).map_err(self.err())?.into())
    }

    /// Where the draft's photos say they were taken (those that recorded it): offered again as
    /// "use the photo's location" when a draft is resumed.
    pub fn photo_locations(&self, draft: String) -> Result<Vec<PhotoLocation>> {
        let found = self.civic.draft_photo_locations(self.id(&draft)?).map_err(self.err())?;
        Ok(found.into_iter().map(|(hash, fix)| PhotoLocation { hash, fix: fix.into() }).collect())
    }

    /// The photo whose recorded position is worth offering as the draft's place ("use the
    /// photo's location"): one that recorded a position other than where the draft is now.
    pub fn photo_location_offer(&self, draft: String) -> Result<Option<PhotoLocation>> {
        let found = self.civic.photo_location_offer(self.id(&draft)?).map_err(self.err())?;
        Ok(found.map(|(hash, fix)| PhotoLocation { hash, fix: fix.into() }))
    }

    /// Unsent drafts, newest first.
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        Ok(self.civic.drafts().map_err(self.err())?.into_iter().map(Into::into).collect())
    }

    pub fn remove_photo(&self, draft: String, hash: String) -> Result<()> {
        self.civic.remove_photo(self.id(&draft)?, &hash).map_err(self.err())
    }

    /// A stored photo's JPEG bytes (metadata-free).
    pub fn photo(&self, hash: String) -> Result<Vec<u8>> {
        self.civic.photo(&hash).map_err(self.err())
    }

    /// Sets where the problem is; says which ward or commune that is.
    pub fn set_location(&self, draft: String, fix: LocationFix) -> Result<AreaCheck> {
        Ok(area_check(self.civic.set_location(self.id(&draft)?, fix.into()).map_err(self.err())?, self.lang()))
    }

    /// Uses the position a photo recorded.
    pub fn use_photo_location(&self, draft: String, photo_hash: String) -> Result<AreaCheck> {
        Ok(area_check(self.civic.use_photo_location(self.id(&draft)?, &photo_hash).map_err(self.err())?, self.lang()))
    }

    pub fn set_category(&self, draft: String, code: String) -> Result<()> {
        self.civic.set_category(self.id(&draft)?, &code).map_err(self.err())
    }

    /// Answers (or, with none, clears) a question of the draft's category.
    pub fn set_answer(&self, draft: String, question: String, answer: Option<Answer>) -> Result<()> {
        self.civic.set_answer(self.id(&draft)?, &question, answer.map(Into::into)).map_err(self.err())
    }

    pub fn set_description(&self, draft: String, text: String) -> Result<()> {
        self.civic.set_description(self.id(&draft)?, &text).map_err(self.err())
    }

    /// Hides the citizen's name and contact from the officials.
    pub fn set_anonymous(&self, draft: String, anonymous: bool) -> Result<()> {
        self.civic.set_anonymous(self.id(&draft)?, anonymous).map_err(self.err())
    }

    pub fn discard_draft(&self, draft: String) -> Result<()> {
        self.civic.discard_draft(self.id(&draft)?).map_err(self.err())
    }

    /// What the draft still needs: "photo", "location", "category", "answer:<question>".
    pub fn missing(&self, draft: String) -> Result<Vec<String>> {
        let missing = self.civic.missing(self.id(&draft)?).map_err(self.err())?;
        match CivicError::from_core(civic_core::Error::Incomplete(missing), self.lang()) {
            CivicError::Incomplete { missing, .. } => Ok(missing),
            _ => Ok(Vec::new()),
        }
    }

    /// My reports, newest first (only `statuses`, if any), a page at a time.
    pub fn my_reports(&self, statuses: Vec<ReportStatus>, limit: u32, after: Option<String>) -> Result<ReportPage> {
        let statuses: Vec<civic_core::model::Status> = statuses.into_iter().map(Into::into).collect();
        let page = self.civic.my_reports(&statuses, limit, after.as_deref()).map_err(self.err())?;
        Ok(report_page(page, self.lang()))
    }

    pub fn report(&self, id: String) -> Result<ReportDetail> {
        let id = self.id(&id)?;
        let d = self.civic.report(id).map_err(self.err())?;
        let refusal = self.civic.refusal(id).map_err(self.err())?;
        let waiting = !self.civic.waiting_feedback(Some(id)).map_err(self.err())?.is_empty();
        let feedback_refused = self.civic.feedback_refusal(id).map_err(self.err())?.map(|r| r.message(self.lang()));
        let (rating, can_rate, can_reopen) = (d.rating(), d.can_rate(), d.can_reopen());
        Ok(ReportDetail {
            report: report(d.report, self.lang()),
            timeline: d.timeline.into_iter().map(Into::into).collect(),
            alerts: d.alerts,
            refusal,
            rating,
            can_rate,
            can_reopen,
            feedback_waiting: waiting,
            feedback_refused,
        })
    }

    pub fn outbox(&self) -> Result<Outbox> {
        Ok(self.civic.outbox().map_err(self.err())?.into())
    }

    /// What the city did on my reports that I have not seen yet.
    pub fn notifications(&self) -> Result<Vec<ReportNotification>> {
        Ok(self.civic.notifications().map_err(self.err())?.into_iter().map(Into::into).collect())
    }

    /// The ratings, reopenings and "me too"s the city refused that the user has not been told
    /// of, each in words, each handed out once.
    pub fn take_feedback_refusals(&self) -> Result<Vec<String>> {
        let lang = self.lang();
        Ok(self.civic.take_feedback_refusals().map_err(self.err())?.iter().map(|r| r.message(lang)).collect())
    }

    pub fn mark_notifications_seen(&self, events: Vec<String>) -> Result<()> {
        let ids: Vec<_> = events.iter().filter_map(|e| e.parse().ok()).collect();
        self.civic.mark_notifications_seen(&ids).map_err(self.err())
    }
}

#[uniffi::export]
impl Reports {
    /// Attaches a photo (JPEG or PNG bytes): resized, metadata stripped, stored, off the
    /// caller's thread. A draft without a place yet takes the photo's recorded position
    /// (`placed`), or says it was taken outside the area (`outside_area`).
    pub async fn attach_photo(&self, draft: String, bytes: Vec<u8>) -> Result<AttachedPhoto> {
        let (id, shared, lang) = (self.id(&draft)?, self.shared.clone(), self.lang());
        let attached = off_thread(move || shared.civic.attach_photo(id, &bytes), lang).await?;
        Ok(attached_photo(attached, lang))
    }

    /// Attaches a photo from a file the app can read (the camera's output), like `attach_photo`.
    pub async fn attach_photo_file(&self, draft: String, path: String) -> Result<AttachedPhoto> {
        let (id, shared, lang) = (self.id(&draft)?, self.shared.clone(), self.lang());
        let attached = off_thread(move || shared.civic.attach_photo_file(id, Path::new(&path)), lang).await?;
        Ok(attached_photo(attached, lang))
    }

    /// What the draft still needs, in the citizen's words ("Còn thiếu: ít nhất một ảnh, vị
    /// trí"); none when it is complete.
    pub fn missing_line(&self, draft: String) -> Result<Option<String>> {
        let id = self.id(&draft)?;
        let missing = self.civic.missing(id).map_err(self.err())?;
        let category = self.civic.draft(id).map_err(self.err())?.category;
        let city = self.civic.city();
        Ok(civic_core::error::missing_line(&missing, category.and_then(|c| city.catalog.get(&c)), self.lang()))
    }

    /// Sends the report: from now on it is safe on the phone (written through to the disk)
    /// and waits in the outbox.
    pub async fn send(&self, draft: String) -> Result<Report> {
        let (id, shared, lang) = (self.id(&draft)?, self.shared.clone(), self.lang());
        Ok(report(off_thread(move || shared.civic.send(id), lang).await?, lang))
    }

    /// Rates the city's answer to a report (1 to 5 stars). Kept on the phone and shown at
    /// once; sent by the next sync (`CivicApp.syncNow`), so no signal is no failure.
    pub async fn rate(&self, report: String, stars: u8, comment: Option<String>) -> Result<()> {
        let (id, shared, lang) = (self.id(&report)?, self.shared.clone(), self.lang());
        off_thread(move || shared.civic.rate(id, stars, comment.as_deref()).map(|_| ()), lang).await
    }

    /// Reopens a report that is not fixed, saying why. Kept on the phone, the report shows
    /// "reopened" at once; sent by the next sync.
    pub async fn reopen(&self, report: String, reason: String) -> Result<()> {
        let (id, shared, lang) = (self.id(&report)?, self.shared.clone(), self.lang());
        off_thread(move || shared.civic.reopen(id, &reason).map(|_| ()), lang).await
    }

    /// Open reports of `category` within 50 m of a point, nearest first: offered as "me too"
    /// before sending a duplicate. Needs a connection.
    pub async fn nearby(&self, lat: f64, lon: f64, category: String) -> Result<Vec<NearbyReport>> {
        let (syncer, lang) = (self.syncer.clone(), self.lang());
        let found = on_runtime(async move { syncer.nearby(lat, lon, &category, None).await }, lang).await?;
        found
            .into_iter()
            .map(|n| {
                let said = self.civic.said_me_too(n.id).map_err(self.err())?;
                Ok(public::nearby(n, said, lang))
            })
            .collect()
    }

    /// "Me too" on another citizen's open report (a `NearbyReport`'s id), counted once per
    /// phone. Kept on the phone at once; sent by the next sync.
    pub async fn support(&self, report: String) -> Result<()> {
        let (id, shared, lang) = (self.id(&report)?, self.shared.clone(), self.lang());
        off_thread(move || shared.civic.me_too(id).map(|_| ()), lang).await
    }

    /// What the city has done in the map's box, newest first (`limit` up to 200; `after` is a
    /// page's `next`). Needs a connection.
    pub async fn city_reports(
        &self,
        south: f64,
        west: f64,
        north: f64,
        east: f64,
        limit: u32,
        after: Option<String>,
    ) -> Result<CityReportPage> {
        let (syncer, lang) = (self.syncer.clone(), self.lang());
        let page =
            on_runtime(async move { syncer.public_reports([west, south, east, north], limit, after.as_deref()).await }, lang).await?;
        Ok(CityReportPage { reports: page.items.into_iter().map(|r| public::city_report(r, lang)).collect(), next: page.next })
    }

    /// A photo by its hash: from the phone when it is there (the citizen's own, after-photos
    /// sync brought), else from the server. Offline and not on the phone: `Offline`.
    pub async fn remote_photo(&self, hash: String) -> Result<Vec<u8>> {
        let (syncer, lang) = (self.syncer.clone(), self.lang());
        on_runtime(async move { syncer.photo(&hash).await }, lang).await
    }
}

fn attached_photo(a: civic_core::AttachedPhoto, lang: civic_core::model::Lang) -> AttachedPhoto {
    let (placed, outside_area) = match a.placed {
        Some(Ok(m)) => (Some(area_check(m, lang)), None),
        Some(Err(e)) => (None, Some(civic_core::Error::from(e).message(lang))),
        None => (None, None),
    };
    AttachedPhoto { photo: a.photo.into(), location_hint: a.location_hint.map(Into::into), placed, outside_area }
}
