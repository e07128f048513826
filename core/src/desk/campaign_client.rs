//! The campaign routes of `/api/v1`, as this device: the only place their paths are written.

use std::sync::Arc;

use crate::campaign::{Campaign, CampaignSummary, CleanSpot, JoinCampaign, Membership, NewSpot, Spot, SpotChanges, SpotReceipt};
use crate::net::{DeviceLink, Failure};

/// Green Sunday's calls to the server, over the device's link.
pub struct CampaignClient {
    link: Arc<DeviceLink>,
}

impl CampaignClient {
    pub fn new(link: Arc<DeviceLink>) -> Self {
        CampaignClient { link }
    }

    /// The campaigns not yet ended, soonest first, then the last ended.
    pub async fn list(&self) -> Result<Vec<Campaign>, Failure> {
        self.link.get("/campaigns", &[]).await
    }

    // Each write carries `key` as its Idempotency-Key (`PendingCampaignAction::idempotency_key`).

    pub async fn join(&self, campaign: &str, join: &JoinCampaign, key: &str) -> Result<Membership, Failure> {
        self.link.post(&format!("/campaigns/{campaign}/join"), join, key).await
    }

    pub async fn report_spot(&self, campaign: &str, spot: &NewSpot, key: &str) -> Result<SpotReceipt, Failure> {
        self.link.post(&format!("/campaigns/{campaign}/spots"), spot, key).await
    }

    pub async fn claim(&self, campaign: &str, spot: &str, key: &str) -> Result<Spot, Failure> {
        self.link.post(&format!("/campaigns/{campaign}/spots/{spot}/claim"), &(), key).await
    }

    pub async fn clean(&self, campaign: &str, spot: &str, clean: &CleanSpot, key: &str) -> Result<Spot, Failure> {
        self.link.post(&format!("/campaigns/{campaign}/spots/{spot}/clean"), clean, key).await
    }

    /// The spots of a campaign changed since a cursor.
    pub async fn spots(&self, campaign: &str, since: i64) -> Result<SpotChanges, Failure> {
        self.link.get(&format!("/campaigns/{campaign}/spots"), &[("since", since.to_string())]).await
    }

    /// What a campaign did.
    pub async fn summary(&self, campaign: &str) -> Result<CampaignSummary, Failure> {
        self.link.get(&format!("/campaigns/{campaign}/summary"), &[]).await
    }

    /// Uploads a spot's photo as this device.
    pub async fn upload_photo(&self, hash: &str, bytes: Vec<u8>) -> Result<(), Failure> {
        self.link.put_photo(hash, bytes).await
    }

    /// A photo the city serves (a campaign's before/after pair).
    pub async fn photo(&self, hash: &str) -> Result<Vec<u8>, Failure> {
        self.link.get_bytes(&format!("/photos/{hash}")).await
    }
}
