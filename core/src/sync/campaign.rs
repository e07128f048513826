//! The Syncer's requests for Green Sunday campaigns (see `crate::campaign::CampaignDesk`).

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Syncer;
use super::client::{self, Failure};
use crate::campaign::{Campaign, CampaignSummary, SpotChanges};

impl Syncer {
    /// The campaigns not yet ended, soonest first, then the last ended; kept on the phone (for
    /// showing without a connection, and the reminders). Needs a connection.
    pub async fn campaigns(&self) -> crate::Result<Vec<Campaign>> {
        let request = self.http.get(self.url("/campaigns")).timeout(self.options.request_timeout);
        let found: Vec<Campaign> = client::json(request.send().await).await?;
        let now = self.store.now();
        self.store.write(crate::store::Durability::AppCrash, |tx| crate::store::put_campaigns(tx, &found, now))?;
        Ok(found)
    }

    /// A POST as this device (registering it first if need be).
    pub(crate) async fn campaign_post<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize) -> Result<T, Failure> {
        let token = self.token_for_campaigns().await?;
        let request = self.http.post(self.url(path)).bearer_auth(token).timeout(self.options.request_timeout).json(body);
        client::json(request.send().await).await
    }

    /// Uploads a photo as this device.
    pub(crate) async fn campaign_photo(&self, hash: &str, bytes: Vec<u8>) -> Result<(), Failure> {
        let token = self.token_for_campaigns().await?;
        self.put_photo(&token, hash, bytes).await
    }

    /// The spots of a campaign changed since a cursor.
    pub(crate) async fn campaign_spots(&self, campaign: &str, since: i64) -> Result<SpotChanges, Failure> {
        let request = self
            .http
            .get(self.url(&format!("/campaigns/{campaign}/spots")))
            .query(&[("since", since)])
            .timeout(self.options.request_timeout);
        client::json(request.send().await).await
    }

    /// What a campaign did.
    pub(crate) async fn campaign_summary(&self, campaign: &str) -> crate::Result<CampaignSummary> {
        let request = self.http.get(self.url(&format!("/campaigns/{campaign}/summary"))).timeout(self.options.request_timeout);
        Ok(client::json(request.send().await).await?)
    }

    async fn token_for_campaigns(&self) -> Result<String, Failure> {
        match self.token().await {
            Ok(t) => Ok(t),
            Err(super::Stop::Failure(f)) => Err(f),
            Err(super::Stop::Local(e)) => Err(Failure::Transient { reason: e.to_string(), retry_after: None }),
        }
    }
}
