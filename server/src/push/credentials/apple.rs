//! APNs provider tokens: a JWT (ES256, header `kid` = the key's id, claims `iss` = the
//! team's id and `iat`) signed with the team's `.p8` key.
//!
//! Apple refuses a token older than an hour and throttles renewals more often than every 20
//! minutes (`TooManyProviderTokenUpdates`): a token is renewed after [`RENEW_AFTER`] (40
//! minutes), or at once when APNs answers `ExpiredProviderToken`.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use civic_core::clock::SharedClock;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use time::OffsetDateTime;

use super::{Authorization, CredentialError, CredentialFuture, Credentials, authorization_header};

/// How old a provider token gets before it is replaced.
pub const RENEW_AFTER: Duration = Duration::from_secs(40 * 60);

/// A team's APNs signing key.
pub struct ApnsKey {
    key_id: String,
    team_id: String,
    key: EncodingKey,
}

impl std::fmt::Debug for ApnsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApnsKey").field("key_id", &self.key_id).field("team_id", &self.team_id).finish_non_exhaustive()
    }
}

/// Apple's key and team ids: ten letters and digits.
fn apple_id(what: &str, id: &str) -> Result<String, CredentialError> {
    if id.is_empty() || id.len() > 32 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(CredentialError::Config(format!("{id:?} is not an APNs {what} (letters and digits, e.g. ABC123DEFG)")));
    }
    Ok(id.to_owned())
}

impl ApnsKey {
    /// The `.p8` file's text (a PKCS#8 PEM of a P-256 key), its key id and the team id.
    pub fn from_p8(pem: &str, key_id: &str, team_id: &str) -> Result<Self, CredentialError> {
        let key = EncodingKey::from_ec_pem(pem.as_bytes())
            .map_err(|e| CredentialError::Config(format!("the APNs key is not a P-256 .p8 key: {e}")))?;
        Ok(ApnsKey { key_id: apple_id("key id", key_id)?, team_id: apple_id("team id", team_id)?, key })
    }

    /// `from_p8` with the key read from a file.
    pub fn load(path: &Path, key_id: &str, team_id: &str) -> Result<Self, CredentialError> {
        let pem = std::fs::read_to_string(path).map_err(|e| CredentialError::Config(format!("{}: {e}", path.display())))?;
        Self::from_p8(&pem, key_id, team_id)
    }

    /// A provider token issued at `iat`.
    fn sign(&self, iat: OffsetDateTime) -> Result<String, CredentialError> {
        #[derive(Serialize)]
        struct Claims<'a> {
            iss: &'a str,
            iat: i64,
        }
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.key_id.clone());
        jsonwebtoken::encode(&header, &Claims { iss: &self.team_id, iat: iat.unix_timestamp() }, &self.key)
            .map_err(|e| CredentialError::Config(format!("signing the APNs provider token: {e}")))
    }
}

struct Held {
    auth: Authorization,
    issued: OffsetDateTime,
}

/// The provider token in use, signed when first needed and again once it is
/// [`RENEW_AFTER`] old.
pub struct ApnsTokens {
    key: ApnsKey,
    clock: SharedClock,
    held: Mutex<Option<Held>>,
    generation: AtomicU64,
}

impl ApnsTokens {
    pub fn new(key: ApnsKey, clock: SharedClock) -> Self {
        ApnsTokens { key, clock, held: Mutex::new(None), generation: AtomicU64::new(0) }
    }

    /// The token to send: the one held unless it is due (or the clock went back before it).
    fn get(&self, stale: Option<u64>) -> Result<Authorization, CredentialError> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let now = self.clock.now();
        if let Some(h) = held.as_ref() {
            let age = now - h.issued;
            let fresh = age >= time::Duration::ZERO && age < RENEW_AFTER;
            let refused = stale.is_some_and(|g| g >= h.auth.generation);
            if fresh && !refused {
                return Ok(h.auth.clone());
            }
        }
        let header = authorization_header("bearer", &self.key.sign(now)?)?;
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let auth = Authorization { header, generation };
        *held = Some(Held { auth: auth.clone(), issued: now });
        Ok(auth)
    }
}

impl Credentials for ApnsTokens {
    fn current(&self) -> CredentialFuture<'_, Authorization> {
        let auth = self.get(None);
        Box::pin(async move { auth })
    }

    fn renew(&self, generation: u64) -> CredentialFuture<'_, bool> {
        let renewed = self.get(Some(generation)).map(|_| true);
        Box::pin(async move { renewed })
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }
}
