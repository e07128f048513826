//! A gateway that records instead of sending: for tests and development.

use std::sync::Mutex;

use super::PushMessage;
use super::gateway::{PushGateway, PushOutcome, SendFuture};

/// Records every message instead of sending it: for tests and development.
#[derive(Default)]
pub struct RecordingGateway {
    messages: Mutex<Vec<PushMessage>>,
    invalid: Vec<String>,
}

impl RecordingGateway {
    pub fn new() -> Self {
        Self::default()
    }

    /// One that reports these tokens as gone (and records the rest as sent).
    pub fn with_invalid_tokens(tokens: impl IntoIterator<Item = impl Into<String>>) -> Self {
        RecordingGateway { messages: Mutex::default(), invalid: tokens.into_iter().map(Into::into).collect() }
    }

    /// Every message sent so far, in order.
    pub fn messages(&self) -> Vec<PushMessage> {
        self.messages.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Forgets the messages recorded so far.
    pub fn clear(&self) {
        self.messages.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

impl PushGateway for RecordingGateway {
    fn send<'a>(&'a self, batch: &'a [PushMessage]) -> SendFuture<'a> {
        Box::pin(async move {
            let mut out = PushOutcome::default();
            let mut recorded = self.messages.lock().unwrap_or_else(|e| e.into_inner());
            recorded.reserve(batch.len());
            for m in batch {
                if self.invalid.iter().any(|t| **t == *m.token) {
                    out.invalid_tokens.push(m.token.to_string());
                } else {
                    recorded.push(m.clone());
                    out.sent += 1;
                }
            }
            Ok(out)
        })
    }
}
