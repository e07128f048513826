//! `OfficialApp`: an official answering from their phone between site visits.

use std::sync::Arc;

use civic_core::model::{Lang, ReportId};
use civic_core::official::OfficialClient;
use civic_core::protocol::{ChangeStatus, ReportView};

use crate::app::on_runtime;
use crate::error::CivicError;
use crate::types::*;

type Result<T> = std::result::Result<T, CivicError>;

/// A report in an official's work list.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WorkItem {
    pub id: String,
    pub public_number: String,
    pub category: String,
    pub status: ReportStatus,
    pub status_label: String,
    pub location: LocationFix,
    pub district: Option<PlaceName>,
    pub unit: String,
    pub description: String,
    /// Photo hashes (`GET /api/v1/photos/{hash}`).
    pub photos: Vec<String>,
    pub received_at: std::time::SystemTime,
    /// Past this, the report is overdue.
    pub due_at: std::time::SystemTime,
    pub timeline: Vec<TimelineStep>,
    /// Citizens who said "me too".
    pub supporters: u32,
    /// Who reported it and how to reach them; none when anonymous or not given.
    #[uniffi(default)]
    pub reporter: Option<CitizenProfile>,
    /// The reporter's rating of the outcome (1 to 5), once given.
    #[uniffi(default)]
    pub rating: Option<u8>,
}

fn work_item(v: ReportView, lang: Lang) -> WorkItem {
    WorkItem {
        id: v.id.to_string(),
        public_number: v.public_number,
        category: v.category,
        status: v.status.into(),
        status_label: v.status.label(lang).to_owned(),
        location: v.location.into(),
        district: v.district.map(|d| place(d, lang)),
        unit: v.unit,
        description: v.description,
        photos: v.photos,
        received_at: v.received_at.into(),
        due_at: v.due_at.into(),
        timeline: v.timeline.into_iter().map(Into::into).collect(),
        supporters: v.supporters,
        reporter: v.reporter.map(Into::into),
        rating: v.rating.map(|r| r.stars),
    }
}

/// A page of the work list.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WorkPage {
    pub items: Vec<WorkItem>,
    pub next: Option<String>,
}

/// A reply an official can start from, in their language.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReplyTemplate {
    pub title: String,
    pub text: String,
}

/// A signed-in official.
#[derive(uniffi::Object)]
pub struct OfficialApp {
    client: Arc<OfficialClient>,
    lang: Lang,
}

/// Signs an official in (`language`: "vi" or "en"); a wrong password is `Unauthorized`.
#[uniffi::export]
pub async fn login_official(server_url: String, username: String, password: String, language: String) -> Result<Arc<OfficialApp>> {
    let lang: Lang = language.parse().unwrap_or_default();
    let client = on_runtime(async move { OfficialClient::login(&server_url, &username, &password).await }, lang).await?;
    Ok(Arc::new(OfficialApp { client: Arc::new(client), lang }))
}

impl OfficialApp {
    fn id(&self, id: &str) -> Result<ReportId> {
        id.parse().map_err(|_| CivicError::NotFound {
            user_message: civic_core::Error::ReportNotFound(ReportId::new()).message(self.lang),
        })
    }
}

#[uniffi::export]
impl OfficialApp {
    pub fn username(&self) -> String {
        self.client.session().username.clone()
    }

    /// The units this official works for.
    pub fn units(&self) -> Vec<String> {
        self.client.session().units.clone()
    }

    /// Open reports of the official's units, most overdue first (or only `status`).
    pub async fn inbox(&self, status: Option<ReportStatus>, limit: u32, after: Option<String>) -> Result<WorkPage> {
        let (client, lang) = (self.client.clone(), self.lang);
        let page = on_runtime(async move { client.inbox(status.map(Into::into), limit, after.as_deref()).await }, lang).await?;
        Ok(WorkPage { items: page.items.into_iter().map(|v| work_item(v, lang)).collect(), next: page.next })
    }

    pub async fn report(&self, id: String) -> Result<WorkItem> {
        let (client, lang, id) = (self.client.clone(), self.lang, self.id(&id)?);
        Ok(work_item(on_runtime(async move { client.report(id).await }, lang).await?, lang))
    }

    /// Moves a report on: assigned, in progress, rejected (the note says why)…
    pub async fn change_status(&self, id: String, to: ReportStatus, note: Option<String>) -> Result<WorkItem> {
        let (client, lang, id) = (self.client.clone(), self.lang, self.id(&id)?);
        let change = ChangeStatus { to: to.into(), note, photo: None, photo_location: None, duplicate_of: None, unit: None };
        Ok(work_item(on_runtime(async move { client.change_status(id, &change).await }, lang).await?, lang))
    }

    /// Resolves a report with what was done and an after-photo taken where it is.
    pub async fn resolve(&self, id: String, note: String, photo: Vec<u8>, location: LocationFix) -> Result<WorkItem> {
        let (client, lang, id) = (self.client.clone(), self.lang, self.id(&id)?);
        let fix = location.into();
        Ok(work_item(on_runtime(async move { client.resolve(id, &note, &photo, fix).await }, lang).await?, lang))
    }

    /// The city's reply templates ("We have scheduled the work…").
    pub async fn templates(&self) -> Result<Vec<ReplyTemplate>> {
        let (client, lang) = (self.client.clone(), self.lang);
        let all = on_runtime(async move { client.templates().await }, lang).await?;
        Ok(all.into_iter().map(|t| ReplyTemplate { title: t.title.get(lang).to_owned(), text: t.text.get(lang).to_owned() }).collect())
    }

    /// A report's photo (a citizen's, or an after-photo) by its hash.
    pub async fn photo(&self, hash: String) -> Result<Vec<u8>> {
        let (client, lang) = (self.client.clone(), self.lang);
        on_runtime(async move { client.photo(&hash).await }, lang).await
    }

    /// Answers the citizen on the report's timeline.
    pub async fn reply(&self, id: String, text: String) -> Result<WorkItem> {
        let (client, lang, id) = (self.client.clone(), self.lang, self.id(&id)?);
        Ok(work_item(on_runtime(async move { client.reply(id, &text).await }, lang).await?, lang))
    }
}
