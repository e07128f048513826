//! What became of the wake-ups, per push service, for `/metrics`.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use civic_core::protocol::PushProvider;

/// One service's counters.
#[derive(Debug, Default)]
struct Counters {
    sent: AtomicU64,
    retried: AtomicU64,
    failed: AtomicU64,
    gone: AtomicU64,
}

/// Messages sent, attempts made again, messages failed and tokens gone, per service.
#[derive(Debug, Default)]
pub struct PushMetrics {
    fcm: Counters,
    apns: Counters,
    unified_push: Counters,
}

/// The figures of one service, as counted so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushFigures {
    pub sent: u64,
    pub retried: u64,
    pub failed: u64,
    pub gone: u64,
}

fn label(provider: PushProvider) -> &'static str {
    match provider {
        PushProvider::Fcm => "fcm",
        PushProvider::Apns => "apns",
        PushProvider::UnifiedPush => "unifiedpush",
    }
}

const PROVIDERS: [PushProvider; 3] = [PushProvider::Fcm, PushProvider::Apns, PushProvider::UnifiedPush];

impl PushMetrics {
    fn of(&self, provider: PushProvider) -> &Counters {
        match provider {
            PushProvider::Fcm => &self.fcm,
            PushProvider::Apns => &self.apns,
            PushProvider::UnifiedPush => &self.unified_push,
        }
    }

    /// Adds a batch's figures.
    pub fn record(&self, provider: PushProvider, figures: PushFigures) {
        let c = self.of(provider);
        c.sent.fetch_add(figures.sent, Ordering::Relaxed);
        c.retried.fetch_add(figures.retried, Ordering::Relaxed);
        c.failed.fetch_add(figures.failed, Ordering::Relaxed);
        c.gone.fetch_add(figures.gone, Ordering::Relaxed);
    }

    /// A service's figures so far.
    pub fn figures(&self, provider: PushProvider) -> PushFigures {
        let c = self.of(provider);
        PushFigures {
            sent: c.sent.load(Ordering::Relaxed),
            retried: c.retried.load(Ordering::Relaxed),
            failed: c.failed.load(Ordering::Relaxed),
            gone: c.gone.load(Ordering::Relaxed),
        }
    }

    /// The Prometheus exposition: `civic_push_sent_total{provider="fcm"} 12`…
    pub fn render(&self, out: &mut String) {
        type Pick = fn(&PushFigures) -> u64;
        let rows: [(&str, &str, Pick); 4] = [
            ("civic_push_sent_total", "Wake-ups a push service accepted", |f| f.sent),
            ("civic_push_retried_total", "Wake-up attempts made again after a failure for now", |f| f.retried),
            ("civic_push_failed_total", "Wake-ups not accepted (refused, or out of attempts or time)", |f| f.failed),
            ("civic_push_gone_total", "Wake-ups to a device token the push service says is gone", |f| f.gone),
        ];
        for (name, help, pick) in rows {
            let _ = write!(out, "# HELP {name} {help}\n# TYPE {name} counter\n");
            for provider in PROVIDERS {
                let _ = writeln!(out, "{name}{{provider=\"{}\"}} {}", label(provider), pick(&self.figures(provider)));
            }
        }
    }
}
