//! An official's side on the phone: sign in, see the work of their units, move reports on,
//! reply. Officials answer between site visits, so every call is short and says clearly
//! when there is no connection; nothing is queued (an answer is given while online).

use std::time::Duration;

use crate::model::{GeoFix, ReportId, Status};
use crate::photo::{self, PhotoOptions};
use crate::protocol::{ChangeStatus, Login, Page, Reply, ReplyTemplate, ReportView, Session};
use crate::sync::client;
use crate::{Error, Result};

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
        let request = self
            .http
            .put(self.url(&format!("/photos/{}", processed.sha256)))
            .bearer_auth(&self.session.token)
            .header(reqwest::header::CONTENT_TYPE, "image/jpeg")
            .body(processed.jpeg);
        client::check(request.timeout(self.timeout).send().await).await?;
        Ok(processed.sha256)
    }

    /// Moves a report on under the lifecycle's rules (the server checks them).
    pub async fn change_status(&self, id: ReportId, change: &ChangeStatus) -> Result<ReportView> {
        let request = self.http.post(self.url(&format!("/reports/{id}/status"))).bearer_auth(&self.session.token).json(change);
        Ok(client::json(request.timeout(self.timeout).send().await).await?)
    }

    /// Resolves a report with what was done and an after-photo taken at `location`.
    pub async fn resolve(&self, id: ReportId, note: &str, photo: &[u8], location: GeoFix) -> Result<ReportView> {
        let hash = self.upload_photo(photo).await?;
        let change = ChangeStatus {
            to: Status::Resolved,
            note: Some(note.to_owned()),
            photo: Some(hash),
            photo_location: Some(location),
            duplicate_of: None,
            unit: None,
        };
        self.change_status(id, &change).await
    }

    /// Answers the citizen on the report's public timeline.
    pub async fn reply(&self, id: ReportId, text: &str) -> Result<ReportView> {
        let body = Reply { text: text.to_owned() };
        let request = self.http.post(self.url(&format!("/reports/{id}/replies"))).bearer_auth(&self.session.token).json(&body);
        Ok(client::json(request.timeout(self.timeout).send().await).await?)
    }

    /// The reply templates to pick from.
    pub async fn templates(&self) -> Result<Vec<ReplyTemplate>> {
        let request = self.http.get(self.url("/reply-templates")).bearer_auth(&self.session.token);
        Ok(client::json(request.timeout(self.timeout).send().await).await?)
    }
}
