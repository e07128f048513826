//! An official's side on the phone: sign in, see the work of their units, move reports on,
//! reply. Officials answer between site visits, often where the signal is poor: each call is
//! short and says clearly when there is no connection, and an `OfficialDesk` keeps actions
//! made offline on the phone (with their after-photos) and sends them, in order, when it can.

use std::sync::Arc;
use std::time::Duration;

use crate::model::{GeoFix, OfficialAction, PendingAction, ReportId, Status};
use crate::net as client;
use crate::photo::{self, PhotoOptions};
use crate::protocol::{ChangeStatus, Login, Page, Reply, ReplyTemplate, ReportView, Session};
use crate::store::{self, Durability, Store};
use crate::{Error, Result};

/// What a round of sending did.
#[derive(Debug, Default)]
pub struct DeskOutcome {
    /// Accepted, each with the report as it now stands.
    pub sent: Vec<(PendingAction, ReportView)>,
    /// Refused for good (e.g. the report moved on meanwhile): forgotten, with why.
    pub refused: Vec<(PendingAction, Error)>,
    /// Why sending stopped with actions still waiting (no connection, server busy, signed
    /// out); none when everything went.
    pub stopped: Option<Error>,
}

/// A signed-in official's connection to the server.
pub struct OfficialClient {
    base: String,
    http: reqwest::Client,
    session: Session,
    timeout: Duration,
}

impl OfficialClient {
    /// Signs in; a wrong password is `Error::Unauthorized`.
    pub async fn login(server_url: &str, username: &str, password: &str) -> Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(15))
            .user_agent(concat!("civic-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Corrupt(format!("HTTP client: {e}")))?;
        let base = server_url.trim_end_matches('/').to_owned();
        let timeout = Duration::from_secs(30);
        let request = Login { username: username.to_owned(), password: password.to_owned() };
        let url = format!("{base}{}/auth/login", crate::protocol::API_PREFIX);
        let session: Session = client::json(http.post(url).timeout(timeout).json(&request).send().await).await?;
        Ok(OfficialClient { base, http, session, timeout })
    }

    /// Continues a session signed in earlier (e.g. kept by the app across a restart).
    pub fn with_session(server_url: &str, session: Session) -> Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(15))
            .user_agent(concat!("civic-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Corrupt(format!("HTTP client: {e}")))?;
        Ok(OfficialClient { base: server_url.trim_end_matches('/').to_owned(), http, session, timeout: Duration::from_secs(30) })
    }

    /// Who is signed in, with their roles and units.
    pub fn session(&self) -> &Session {
        &self.session
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}{path}", self.base, crate::protocol::API_PREFIX)
    }

    /// The open reports of the official's units, most overdue first (or those in `status`).
    pub async fn inbox(&self, status: Option<Status>, limit: u32, after: Option<&str>) -> Result<Page<ReportView>> {
        let mut query: Vec<(&str, String)> = vec![("limit", limit.to_string())];
        if let Some(s) = status {
            query.push(("status", s.as_str().to_owned()));
        }
        if let Some(a) = after {
            query.push(("after", a.to_owned()));
        }
        let request = self.http.get(self.url("/work/inbox")).query(&query).bearer_auth(&self.session.token);
        Ok(client::json(request.timeout(self.timeout).send().await).await?)
    }

    /// One report in full.
    pub async fn report(&self, id: ReportId) -> Result<ReportView> {
        let request = self.http.get(self.url(&format!("/reports/{id}"))).bearer_auth(&self.session.token);
        Ok(client::json(request.timeout(self.timeout).send().await).await?)
    }

    /// A stored photo's metadata-free JPEG bytes.
    pub async fn photo(&self, hash: &str) -> Result<Vec<u8>> {
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(crate::Error::PhotoNotFound(hash.to_owned()));
        }
        let request = self.http.get(self.url(&format!("/photos/{hash}"))).bearer_auth(&self.session.token);
        let response = client::check(request.timeout(self.timeout).send().await).await?;
        Ok(response.bytes().await.map_err(client::transport)?.to_vec())
    }

    /// Uploads an after-photo: made small and stripped of metadata on the phone first, like
    /// a citizen's. Returns its hash for `change_status`.
    pub async fn upload_photo(&self, bytes: &[u8]) -> Result<String> {
        let processed = photo::process(bytes, &PhotoOptions::default())?;
        self.put_photo(processed.jpeg, &processed.sha256).await?;
        Ok(processed.sha256)
    }

    /// Uploads a photo already processed on the phone, under its hash.
    async fn put_photo(&self, jpeg: Vec<u8>, sha256: &str) -> Result<()> {
        let request = self
            .http
            .put(self.url(&format!("/photos/{sha256}")))
            .bearer_auth(&self.session.token)
            .header(reqwest::header::CONTENT_TYPE, "image/jpeg")
            .body(jpeg);
        client::check(request.timeout(self.timeout).send().await).await?;
        Ok(())
    }

    /// Moves a report on under the lifecycle's rules (the server checks them).
    pub async fn change_status(&self, id: ReportId, change: &ChangeStatus) -> Result<ReportView> {
        self.change_status_once(id, change, &fresh_key()).await
    }

    /// A POST as this official with its `Idempotency-Key`: sent again with the same key after
    /// a lost answer, the server answers as the first time.
    async fn post_once<T: serde::de::DeserializeOwned>(&self, path: &str, body: &impl serde::Serialize, key: &str) -> Result<T> {
        let request = self.http.post(self.url(path)).bearer_auth(&self.session.token).header(client::IDEMPOTENCY_KEY, key).json(body);
        Ok(client::json(request.timeout(self.timeout).send().await).await?)
    }

    async fn change_status_once(&self, id: ReportId, change: &ChangeStatus, key: &str) -> Result<ReportView> {
        self.post_once(&format!("/reports/{id}/status"), change, key).await
    }

    /// Resolves a report with what was done and an after-photo taken at `location`.
    pub async fn resolve(&self, id: ReportId, note: &str, photo: &[u8], location: GeoFix) -> Result<ReportView> {
        let hash = self.upload_photo(photo).await?;
        self.resolve_with(id, note, hash, location, &fresh_key()).await
    }

    async fn resolve_with(&self, id: ReportId, note: &str, hash: String, location: GeoFix, key: &str) -> Result<ReportView> {
        let change = ChangeStatus {
            to: Status::Resolved,
            note: Some(note.to_owned()),
            photo: Some(hash),
            photo_location: Some(location),
            duplicate_of: None,
            unit: None,
        };
        self.change_status_once(id, &change, key).await
    }

    /// Answers the citizen on the report's public timeline.
    pub async fn reply(&self, id: ReportId, text: &str) -> Result<ReportView> {
        self.reply_once(id, text, &fresh_key()).await
    }

    async fn reply_once(&self, id: ReportId, text: &str, key: &str) -> Result<ReportView> {
        self.post_once(&format!("/reports/{id}/replies"), &Reply { text: text.to_owned() }, key).await
    }

    /// The reply templates to pick from.
    pub async fn templates(&self) -> Result<Vec<ReplyTemplate>> {
        let request = self.http.get(self.url("/reply-templates")).bearer_auth(&self.session.token);
        Ok(client::json(request.timeout(self.timeout).send().await).await?)
    }
}

/// An official at work on this phone: their connection and the actions waiting for it, kept
/// in the phone's store so that a closed app or a dead battery loses none.
pub struct OfficialDesk {
    client: Arc<OfficialClient>,
    store: Arc<Store>,
    photo_options: PhotoOptions,
}

impl OfficialDesk {
    pub(crate) fn new(client: Arc<OfficialClient>, store: Arc<Store>, photo_options: PhotoOptions) -> Self {
        OfficialDesk { client, store, photo_options }
    }

    pub fn client(&self) -> &Arc<OfficialClient> {
        &self.client
    }

    fn official(&self) -> &str {
        &self.client.session.username
    }

    /// Keeps an action on the phone until `send` delivers it. A resolution needs its
    /// after-photo, which is made small and stripped of metadata now (so a bad photo is
    /// refused at once, and what waits is small).
    pub fn queue(&self, report: ReportId, action: OfficialAction, photo: Option<&[u8]>) -> Result<PendingAction> {
        let processed = match (&action, photo) {
            (OfficialAction::Resolve { .. }, Some(bytes)) => Some(photo::process(bytes, &self.photo_options)?),
            (OfficialAction::Resolve { .. }, None) => return Err(Error::Photo(photo::PhotoError::Empty)),
            (_, _) => None,
        };
        let blank = match &action {
            OfficialAction::Reply { text } | OfficialAction::Resolve { note: text, .. } => text.trim().is_empty(),
            OfficialAction::ChangeStatus { to, note } => *to == Status::Rejected && note.as_deref().is_none_or(|n| n.trim().is_empty()),
        };
        if blank {
            return Err(Error::EmptyText);
        }
        let mut pending = PendingAction { seq: 0, report, action, has_photo: processed.is_some(), queued_at: self.store.now() };
        let photo = processed.as_ref().map(|p| (p.jpeg.as_slice(), p.sha256.as_str()));
        pending.seq = self.store.write(Durability::PowerLoss, |tx| store::queue_official_action(tx, self.official(), &pending, photo))?;
        Ok(pending)
    }

    /// The actions waiting, oldest first.
    pub fn pending(&self) -> Result<Vec<PendingAction>> {
        self.store.read(|c| store::official_actions(c, self.official()))
    }

    /// Withdraws a waiting action (the official changed their mind).
    pub fn discard(&self, seq: i64) -> Result<bool> {
        self.store.write(Durability::AppCrash, |tx| store::forget_official_action(tx, self.official(), seq))
    }

    /// Sends what waits, in order. Stops at the first action that cannot go now (no
    /// connection, the server busy, the session expired), keeping it and every later one; an
    /// action the server refuses for good is forgotten and reported.
    pub async fn send(&self) -> Result<DeskOutcome> {
        let mut outcome = DeskOutcome::default();
        for pending in self.pending()? {
            let key = pending.idempotency_key();
            let result = match &pending.action {
                OfficialAction::ChangeStatus { to, note } => {
                    let change =
                        ChangeStatus { to: *to, note: note.clone(), photo: None, photo_location: None, duplicate_of: None, unit: None };
                    self.client.change_status_once(pending.report, &change, &key).await
                }
                OfficialAction::Reply { text } => self.client.reply_once(pending.report, text, &key).await,
                OfficialAction::Resolve { note, location } => match self.store.read(|c| store::official_action_photo(c, pending.seq))? {
                    Some((jpeg, hash)) => match self.client.put_photo(jpeg, &hash).await {
                        Ok(()) => self.client.resolve_with(pending.report, note, hash, *location, &key).await,
                        Err(e) => Err(e),
                    },
                    None => Err(Error::Photo(photo::PhotoError::Empty)),
                },
            };
            match result {
                Ok(view) => {
                    self.store.write(Durability::AppCrash, |tx| store::forget_official_action(tx, self.official(), pending.seq))?;
                    outcome.sent.push((pending, view));
                }
                Err(e @ (Error::Offline(_) | Error::ServerBusy(_) | Error::Unauthorized)) => {
                    outcome.stopped = Some(e);
                    break;
                }
                Err(e) => {
                    self.store.write(Durability::AppCrash, |tx| store::forget_official_action(tx, self.official(), pending.seq))?;
                    outcome.refused.push((pending, e));
                }
            }
        }
        Ok(outcome)
    }
}

/// A new `Idempotency-Key` for a call made once, now.
fn fresh_key() -> String {
    uuid::Uuid::now_v7().to_string()
}
