//! `Warnings`: the warnings that concern the resident, the places and topics they follow,
//! and waking the phone by push.

use std::sync::Arc;

use crate::error::CivicError;
use crate::shared::{Shared, on_runtime};

mod records;
pub use records::*;

type Result<T> = std::result::Result<T, CivicError>;

/// Warnings for the resident: the inbox, what they follow, push.
#[derive(uniffi::Object)]
pub struct Warnings {
    shared: Arc<Shared>,
}

impl Warnings {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Warnings { shared }
    }
}

impl std::ops::Deref for Warnings {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.shared
    }
}

#[uniffi::export]
impl Warnings {
    /// The topics of warnings a resident can follow, named in the app's language.
    pub fn warning_topics(&self) -> Vec<WarningTopic> {
        civic_core::warning::topics(self.lang())
            .into_iter()
            .map(|(code, name)| WarningTopic { code: code.to_owned(), name: name.to_owned() })
            .collect()
    }

    pub fn subscription(&self) -> Result<WarningSubscription> {
        Ok(self.civic.subscription().map_err(self.err())?.into())
    }

    pub fn set_subscription(&self, subscription: WarningSubscription) -> Result<()> {
        self.civic.set_subscription(&subscription.into()).map_err(self.err())
    }

    pub fn add_place(&self, place: SavedPlace) -> Result<()> {
        self.civic.add_place(place.into()).map_err(self.err())
    }

    pub fn remove_place(&self, name: String) -> Result<bool> {
        self.civic.remove_place(&name).map_err(self.err())
    }

    /// Where the resident is now (only kept while they follow "where I am now").
    pub fn set_position(&self, lat: f64, lon: f64) -> Result<()> {
        self.civic.set_position(lat, lon).map_err(self.err())
    }

    /// The warnings that concern the resident, newest first.
    pub fn alerts(&self, include_ended: bool) -> Result<Vec<Warning>> {
        Ok(self.civic.alerts(include_ended).map_err(self.err())?.into_iter().map(Into::into).collect())
    }

    /// One warning with its areas and history, or `NotFound`.
    pub fn warning(&self, id: String) -> Result<WarningDetail> {
        let lang = self.lang();
        match self.civic.alert(&id).map_err(self.err())? {
            Some(detail) => Ok(warning_detail(detail, lang)),
            None => Err(CivicError::from_core(civic_core::Error::AlertNotFound(id), lang)),
        }
    }

    pub fn mark_alert_read(&self, id: String) -> Result<()> {
        self.civic.mark_alert_read(&id).map_err(self.err())
    }

    pub fn unread_alerts(&self) -> Result<u32> {
        self.civic.unread_alerts().map_err(self.err())
    }

    /// Warnings to show now, each handed out once.
    pub fn take_alert_notifications(&self) -> Result<Vec<WarningNotification>> {
        Ok(self.civic.take_alert_notifications().map_err(self.err())?.into_iter().map(Into::into).collect())
    }
}

#[uniffi::export]
impl Warnings {
    /// Tells the server how to wake this phone for warnings (the push token and coarse
    /// cells around the saved places; never the places). UnifiedPush needs the Web Push
    /// `keys` its distributor gave (the server encrypts to them); FCM and APNs leave them out.
    #[uniffi::method(default(keys = None))]
    pub async fn register_push(&self, provider: PushProvider, token: String, keys: Option<WebPushKeys>) -> Result<()> {
        let (syncer, lang) = (self.syncer.clone(), self.lang());
        on_runtime(async move { syncer.register_push(provider.into(), &token, keys.map(Into::into)).await.map(|_| ()) }, lang).await
    }
}
