//! Google OAuth 2 access tokens for FCM, from a Firebase service account's JSON key: the
//! server signs a JWT assertion (RS256) with the account's private key and exchanges it at
//! the account's `token_uri` (RFC 7523), keeps the token, and gets the next one before it
//! expires, or at once when FCM refuses it.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use civic_core::clock::SharedClock;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Authorization, CredentialError, CredentialFuture, Credentials, authorization_header};

/// The scope FCM's HTTP v1 API needs.
pub const FCM_SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";

/// The grant type of a JWT assertion (RFC 7523).
pub const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// How long an assertion is valid (Google's maximum).
const ASSERTION_LIFETIME_S: i64 = 3600;

/// A token is renewed when less than this is left of it (or half its life, if shorter).
const RENEW_MARGIN: Duration = Duration::from_secs(300);

/// The fields of a service account's JSON key that are used.
#[derive(Clone, Deserialize)]
pub struct ServiceAccount {
    pub project_id: String,
    pub client_email: String,
    private_key: String,
    pub token_uri: String,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("project_id", &self.project_id)
            .field("client_email", &self.client_email)
            .field("token_uri", &self.token_uri)
            .finish_non_exhaustive()
    }
}

impl ServiceAccount {
    /// Reads the JSON key (as downloaded from the Firebase console).
    pub fn from_json(json: &str) -> Result<Self, CredentialError> {
        let account: ServiceAccount =
            serde_json::from_str(json).map_err(|e| CredentialError::Config(format!("not a service account's JSON key: {e}")))?;
        if account.client_email.is_empty() || account.project_id.is_empty() {
            return Err(CredentialError::Config("the service account's JSON key names no client_email or project_id".into()));
        }
        Ok(account)
    }

    /// Reads the JSON key from a file.
    pub fn load(path: &Path) -> Result<Self, CredentialError> {
        let json = std::fs::read_to_string(path).map_err(|e| CredentialError::Config(format!("{}: {e}", path.display())))?;
        Self::from_json(&json)
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

struct Held {
    auth: Authorization,
    renew_at: OffsetDateTime,
}

/// Access tokens of one service account, got when first needed and renewed before they
/// expire (at most one exchange at a time).
pub struct GoogleTokens {
    client_email: String,
    token_uri: reqwest::Url,
    key: EncodingKey,
    client: reqwest::Client,
    clock: SharedClock,
    held: tokio::sync::Mutex<Option<Held>>,
    generation: AtomicU64,
}

impl GoogleTokens {
    /// Checks the account's key and token endpoint (https, or http on loopback for tests).
    pub fn new(account: &ServiceAccount, clock: SharedClock) -> Result<Self, CredentialError> {
        let key = EncodingKey::from_rsa_pem(account.private_key.as_bytes())
            .map_err(|e| CredentialError::Config(format!("the service account's private_key is not an RSA key: {e}")))?;
        let token_uri = reqwest::Url::parse(&account.token_uri)
            .map_err(|_| CredentialError::Config(format!("token_uri {:?} is not a URL", account.token_uri)))?;
        let host = token_uri.host_str().unwrap_or_default();
        let loopback = host == "localhost" || host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        if !(token_uri.scheme() == "https" || (token_uri.scheme() == "http" && loopback)) {
            return Err(CredentialError::Config(format!("token_uri {:?} is not https", account.token_uri)));
        }
        Ok(GoogleTokens {
            client_email: account.client_email.clone(),
            token_uri,
            key,
            client: crate::outbound::service_client(),
            clock,
            held: tokio::sync::Mutex::new(None),
            generation: AtomicU64::new(0),
        })
    }

    /// The HTTP client for the token endpoint.
    pub fn with_client(mut self, client: reqwest::Client) -> Self {
        self.client = client;
        self
    }

    /// Signs an assertion and exchanges it for an access token.
    async fn exchange(&self) -> Result<Held, CredentialError> {
        let now = self.clock.now();
        let iat = now.unix_timestamp();
        let claims =
            Claims { iss: &self.client_email, scope: FCM_SCOPE, aud: self.token_uri.as_str(), iat, exp: iat + ASSERTION_LIFETIME_S };
        let assertion = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)
            .map_err(|e| CredentialError::Config(format!("signing the assertion: {e}")))?;
        let sent = self
            .client
            .post(self.token_uri.clone())
            .form(&[("grant_type", JWT_BEARER_GRANT), ("assertion", assertion.as_str())])
            .send()
            .await;
        let answer = sent.map_err(|e| CredentialError::Unavailable(format!("the token endpoint: {}", e.without_url())))?;
        let status = answer.status().as_u16();
        let body = answer.text().await.unwrap_or_default();
        if status == 429 || status >= 500 {
            return Err(CredentialError::Unavailable(format!("the token endpoint answered {status}")));
        }
        if !(200..300).contains(&status) {
            // {"error": "invalid_grant", "error_description": "…"}
            let error: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            let detail = [&error["error"], &error["error_description"]].iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(": ");
            return Err(CredentialError::Refused { status, detail: detail.chars().take(200).collect() });
        }
        let token: TokenAnswer =
            serde_json::from_str(&body).map_err(|_| CredentialError::Unavailable("the token endpoint's answer is not a token".into()))?;
        let lifetime = Duration::from_secs(token.expires_in.unwrap_or(3600).min(86_400));
        let renew_in = lifetime.saturating_sub(RENEW_MARGIN).max(lifetime / 2);
        let header = authorization_header("Bearer", &token.access_token)?;
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(Held { auth: Authorization { header, generation }, renew_at: now + renew_in })
    }
}

impl Credentials for GoogleTokens {
    fn current(&self) -> CredentialFuture<'_, Authorization> {
        Box::pin(async move {
            let mut held = self.held.lock().await;
            let now = self.clock.now();
            if let Some(h) = held.as_ref().filter(|h| now < h.renew_at) {
                return Ok(h.auth.clone());
            }
            let fresh = self.exchange().await?;
            let auth = fresh.auth.clone();
            *held = Some(fresh);
            Ok(auth)
        })
    }

    fn renew(&self, generation: u64) -> CredentialFuture<'_, bool> {
        Box::pin(async move {
            let mut held = self.held.lock().await;
            if self.generation.load(Ordering::SeqCst) > generation {
                return Ok(true);
            }
            *held = Some(self.exchange().await?);
            Ok(true)
        })
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }
}
