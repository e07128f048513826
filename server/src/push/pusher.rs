//! Sending a plan: each message to its provider's gateway, the providers at once.

use std::collections::HashSet;
use std::sync::Arc;

use civic_core::protocol::PushProvider;

use time::OffsetDateTime;

use super::{PushError, PushFigures, PushGateway, PushMessage, PushMetrics};

/// The gateway of each provider; `fallback` takes the messages of a provider without one
/// (a `RecordingGateway` in development, say). A provider with neither is not sent to.
#[derive(Clone, Default)]
pub struct Gateways {
    pub fcm: Option<Arc<dyn PushGateway>>,
    pub apns: Option<Arc<dyn PushGateway>>,
    pub unified_push: Option<Arc<dyn PushGateway>>,
    pub fallback: Option<Arc<dyn PushGateway>>,
}

impl Gateways {
    /// The gateway for a provider's messages.
    pub fn for_provider(&self, provider: PushProvider) -> Option<&Arc<dyn PushGateway>> {
        match provider {
            PushProvider::Fcm => self.fcm.as_ref(),
            PushProvider::Apns => self.apns.as_ref(),
            PushProvider::UnifiedPush => self.unified_push.as_ref(),
        }
        .or(self.fallback.as_ref())
    }
}

/// Sends plans through the configured gateways, counting what became of them.
#[derive(Clone)]
pub struct Pusher {
    gateways: Gateways,
    metrics: Arc<PushMetrics>,
}

/// What became of a plan, in all.
#[derive(Debug, Default)]
pub struct PushReport {
    /// Accepted by the push services.
    pub sent: usize,
    /// Not accepted (including whole batches stopped by an error).
    pub failed: usize,
    /// Attempts made again.
    pub retried: usize,
    /// For a provider with no gateway configured.
    pub unroutable: usize,
    /// Devices whose tokens the services say are gone: forget them (`PushPlanner::remove`
    /// and the stored registration).
    pub gone: Vec<Arc<str>>,
    /// Batches stopped whole, by provider (expired credentials, misconfiguration).
    pub errors: Vec<(PushProvider, PushError)>,
}

impl PushReport {
    /// Adds what became of another batch of the same plan.
    pub fn add(&mut self, other: PushReport) {
        self.sent += other.sent;
        self.failed += other.failed;
        self.retried += other.retried;
        self.unroutable += other.unroutable;
        self.gone.extend(other.gone);
        self.errors.extend(other.errors);
    }
}

impl Pusher {
    pub fn new(gateways: Gateways) -> Self {
        Pusher { gateways, metrics: Arc::default() }
    }

    /// Counts into these metrics (the server's `/metrics`).
    pub fn with_metrics(mut self, metrics: Arc<PushMetrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// The figures counted so far.
    pub fn metrics(&self) -> &Arc<PushMetrics> {
        &self.metrics
    }

    /// Sends each message through its provider's gateway, the three providers at once,
    /// trying again for an hour what fails for now.
    pub async fn send(&self, messages: Vec<PushMessage>) -> PushReport {
        self.send_until(messages, None).await
    }

    /// `send`, trying again what fails for now until `expires` (the warning's expiry).
    pub async fn send_until(&self, mut messages: Vec<PushMessage>, expires: Option<OffsetDateTime>) -> PushReport {
        // Grouped by provider in place (FCM, APNs, UnifiedPush): a plan for a million
        // devices is not copied.
        messages.sort_unstable_by_key(|m| m.provider as u8);
        let fcm_end = messages.partition_point(|m| m.provider == PushProvider::Fcm);
        let apns_end = fcm_end + messages[fcm_end..].partition_point(|m| m.provider == PushProvider::Apns);
        let (fcm, rest) = messages.split_at(fcm_end);
        let (apns, up) = rest.split_at(apns_end - fcm_end);
        let by_provider: [(PushProvider, &[PushMessage]); 3] =
            [(PushProvider::Fcm, fcm), (PushProvider::Apns, apns), (PushProvider::UnifiedPush, up)];
        let mut report = PushReport::default();
        let [fcm, apns, up] = by_provider.each_ref().map(|(provider, batch)| async move {
            if batch.is_empty() {
                return None;
            }
            Some(self.gateways.for_provider(*provider)?.send_until(batch, expires).await)
        });
        let results = tokio::join!(fcm, apns, up);
        for (&(provider, batch), result) in by_provider.iter().zip([results.0, results.1, results.2]) {
            match result {
                None if batch.is_empty() => {}
                None => report.unroutable += batch.len(),
                Some(Ok(outcome)) => {
                    let figures = PushFigures {
                        sent: outcome.sent as u64,
                        retried: outcome.retried as u64,
                        failed: outcome.failed as u64,
                        gone: outcome.invalid_tokens.len() as u64,
                    };
                    self.metrics.record(provider, figures);
                    report.sent += outcome.sent;
                    report.failed += outcome.failed;
                    report.retried += outcome.retried;
                    let gone: HashSet<&str> = outcome.invalid_tokens.iter().map(String::as_str).collect();
                    if !gone.is_empty() {
                        report.gone.extend(batch.iter().filter(|m| gone.contains(&*m.token)).map(|m| m.device_id.clone()));
                    }
                }
                Some(Err(e)) => {
                    tracing::error!(?provider, error = %e, messages = batch.len(), "push batch stopped");
                    self.metrics.record(provider, PushFigures { failed: batch.len() as u64, ..PushFigures::default() });
                    report.failed += batch.len();
                    report.errors.push((provider, e));
                }
            }
        }
        report.gone.sort_unstable();
        report.gone.dedup();
        report
    }
}
