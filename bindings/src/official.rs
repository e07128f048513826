//! `OfficialApp`: an official answering from their phone between site visits.

use std::sync::Arc;

use civic_core::desk::{OfficialClient, OfficialDesk};
use civic_core::model as core_official;
use civic_core::model::{Lang, ReportId};
use civic_core::protocol::{ChangeStatus, ReportView};

use crate::error::CivicError;
use crate::reports::TimelineStep;
use crate::shared::{Shared, on_runtime};
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
    pub ward: Option<PlaceName>,
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
        ward: v.ward.map(|d| place(d, lang)),
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

/// What an official does to a report, to send now or when the network returns.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum OfficialAction {
    /// Assigned, in progress, rejected (a rejection needs the note saying why)…
    ChangeStatus { to: ReportStatus, note: Option<String> },
    /// An answer to the citizen on the report's timeline.
    Reply { text: String },
    /// Done: what was done, with the after-photo (given to `queue`) taken at `location`.
    Resolve { note: String, location: LocationFix },
}

impl From<OfficialAction> for core_official::OfficialAction {
    fn from(a: OfficialAction) -> Self {
        match a {
            OfficialAction::ChangeStatus { to, note } => core_official::OfficialAction::ChangeStatus { to: to.into(), note },
            OfficialAction::Reply { text } => core_official::OfficialAction::Reply { text },
            OfficialAction::Resolve { note, location } => core_official::OfficialAction::Resolve { note, location: location.into() },
        }
    }
}

impl From<core_official::OfficialAction> for OfficialAction {
    fn from(a: core_official::OfficialAction) -> Self {
        match a {
            core_official::OfficialAction::ChangeStatus { to, note } => OfficialAction::ChangeStatus { to: to.into(), note },
            core_official::OfficialAction::Reply { text } => OfficialAction::Reply { text },
            core_official::OfficialAction::Resolve { note, location } => OfficialAction::Resolve { note, location: location.into() },
        }
    }
}

/// An action kept on the phone until the server has it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PendingAction {
    /// Its place in the queue: actions go in this order.
    pub seq: i64,
    pub report: String,
    pub action: OfficialAction,
    pub has_photo: bool,
    pub queued_at: std::time::SystemTime,
}

impl From<core_official::PendingAction> for PendingAction {
    fn from(p: core_official::PendingAction) -> Self {
        PendingAction {
            seq: p.seq,
            report: p.report.to_string(),
            action: p.action.into(),
            has_photo: p.has_photo,
            queued_at: p.queued_at.into(),
        }
    }
}

/// An action the server refused for good (the report had moved on), with why.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RefusedAction {
    pub action: PendingAction,
    pub user_message: String,
}

/// An action the server accepted, with the report as it stands after it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SentAction {
    pub action: PendingAction,
    pub item: WorkItem,
}

/// What sending the waiting actions did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SendOutcome {
    /// Accepted, in order.
    pub sent: Vec<SentAction>,
    pub refused: Vec<RefusedAction>,
    /// Actions still waiting.
    pub waiting: u32,
    /// Why they wait (no connection, server busy, signed out), in the official's language.
    pub stopped: Option<String>,
    /// They wait for the network (as opposed to the server or a new sign-in).
    pub offline: bool,
}

/// A signed-in official.
#[derive(uniffi::Object)]
pub struct OfficialApp {
    client: Arc<OfficialClient>,
    lang: Lang,
    /// Actions kept on the phone: present when signed in on a phone's store (`phone`).
    desk: Option<Arc<OfficialDesk>>,
}

/// Signs an official in on their own (`language`: "vi" or "en"), without a phone's store:
/// actions cannot be queued offline (`Storage`). A wrong password is `Unauthorized`. In the
/// app, sign in through `CivicApp.official()`.
#[uniffi::export]
pub async fn login_official(server_url: String, username: String, password: String, language: String) -> Result<Arc<OfficialApp>> {
    let lang: Lang = language.parse().unwrap_or_default();
    let client = Arc::new(on_runtime(async move { OfficialClient::login(&server_url, &username, &password).await }, lang).await?);
    Ok(Arc::new(OfficialApp { client, lang, desk: None }))
}

/// Signing an official in on this phone: their actions made offline are kept in the app's
/// store and survive a closed app.
#[derive(uniffi::Object)]
pub struct Officials {
    shared: Arc<Shared>,
}

impl Officials {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Officials { shared }
    }
}

#[uniffi::export]
impl Officials {
    /// Signs in to the app's server, in the app's language; a wrong password is `Unauthorized`.
    pub async fn login(&self, username: String, password: String) -> Result<Arc<OfficialApp>> {
        let (lang, server_url) = (self.shared.lang(), self.shared.server_url.clone());
        let client = Arc::new(on_runtime(async move { OfficialClient::login(&server_url, &username, &password).await }, lang).await?);
        let desk = Some(Arc::new(self.shared.civic.official_desk(client.clone())));
        Ok(Arc::new(OfficialApp { client, lang, desk }))
    }
}

impl OfficialApp {
    fn desk(&self) -> Result<Arc<OfficialDesk>> {
        self.desk.clone().ok_or_else(|| CivicError::from_core(civic_core::Error::NoOfflineStore, self.lang))
    }

    fn id(&self, id: &str) -> Result<ReportId> {
        id.parse().map_err(|_| CivicError::NotFound { user_message: civic_core::Error::ReportNotFound(ReportId::new()).message(self.lang) })
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

    /// Keeps an action on the phone, to be sent by `send_pending` (now, or when the network
    /// returns; it survives the app being closed). A resolution needs its after-photo, which is
    /// checked, made small and stripped of metadata now; an empty reply or a rejection without
    /// a reason is refused now.
    pub fn queue(&self, report: String, action: OfficialAction, photo: Option<Vec<u8>>) -> Result<PendingAction> {
        let id = self.id(&report)?;
        let lang = self.lang;
        let pending = self.desk()?.queue(id, action.into(), photo.as_deref()).map_err(|e| CivicError::from_core(e, lang))?;
        Ok(pending.into())
    }

    /// The actions waiting, oldest first.
    pub fn pending(&self) -> Result<Vec<PendingAction>> {
        let lang = self.lang;
        Ok(self.desk()?.pending().map_err(|e| CivicError::from_core(e, lang))?.into_iter().map(Into::into).collect())
    }

    /// Withdraws a waiting action.
    pub fn discard_pending(&self, seq: i64) -> Result<bool> {
        let lang = self.lang;
        self.desk()?.discard(seq).map_err(|e| CivicError::from_core(e, lang))
    }

    /// Sends the waiting actions in order; stops, keeping them, at the first that cannot go
    /// now. Call it after `queue`, and when the network returns.
    pub async fn send_pending(&self) -> Result<SendOutcome> {
        let lang = self.lang;
        let desk = self.desk()?;
        let sending = desk.clone();
        let (outcome, offline, stopped) = on_runtime(
            async move {
                let outcome = sending.send().await?;
                let offline = matches!(outcome.stopped, Some(civic_core::Error::Offline(_)));
                let stopped = outcome.stopped.as_ref().map(|e| e.message(lang));
                Ok((outcome, offline, stopped))
            },
            lang,
        )
        .await?;
        let waiting = desk.pending().map_err(|e| CivicError::from_core(e, lang))?.len() as u32;
        Ok(SendOutcome {
            sent: outcome.sent.into_iter().map(|(p, view)| SentAction { action: p.into(), item: work_item(view, lang) }).collect(),
            refused: outcome.refused.into_iter().map(|(p, e)| RefusedAction { action: p.into(), user_message: e.message(lang) }).collect(),
            waiting,
            stopped,
            offline,
        })
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
