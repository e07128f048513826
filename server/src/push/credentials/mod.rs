//! Where a gateway's `Authorization` header comes from: a token given as it is, a Google
//! access token got with a Firebase service account's key ([`google`]), or an APNs provider
//! token signed with the team's `.p8` key ([`apple`]).
//!
//! Each credential has a generation, bumped whenever it changes: a gateway whose request was
//! refused asks to [`Credentials::renew`] the generation it sent, so that the many requests
//! in flight with one stale credential renew it once.

pub mod apple;
pub mod google;

use std::future::Future;
use std::pin::Pin;
use std::sync::RwLock;

use axum::http::HeaderValue;

/// What [`Credentials`]' methods return.
pub type CredentialFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, CredentialError>> + Send + 'a>>;

/// The header to send and which credential it is.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub header: HeaderValue,
    pub generation: u64,
}

/// Why no credential can be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// Not now (the token endpoint is unreachable or busy): try again later.
    #[error("no credential for now: {0}")]
    Unavailable(String),
    /// The issuer refused us (a revoked key, a deleted service account).
    #[error("the credential issuer refused us ({status}): {detail}")]
    Refused { status: u16, detail: String },
    /// The credential is set up wrongly (an unreadable key, a token endpoint not https).
    #[error("{0}")]
    Config(String),
}

/// A gateway's credentials.
pub trait Credentials: Send + Sync {
    /// The header to send now (made or renewed first if it is due).
    fn current(&self) -> CredentialFuture<'_, Authorization>;
    /// The service refused the credential of `generation`: make a new one at once, unless
    /// a newer one is there already. Whether a newer one is there now (false: this kind
    /// cannot be renewed).
    fn renew(&self, generation: u64) -> CredentialFuture<'_, bool>;
    /// The generation of the credential in use.
    fn generation(&self) -> u64;
}

/// `{scheme} {credential}` as a header value marked sensitive (kept out of logs).
pub fn authorization_header(scheme: &str, credential: &str) -> Result<HeaderValue, CredentialError> {
    let mut v = HeaderValue::from_str(&format!("{scheme} {credential}"))
        .map_err(|_| CredentialError::Config("the credential cannot be sent in an HTTP header".into()))?;
    v.set_sensitive(true);
    Ok(v)
}

/// A token given as a string (made and renewed elsewhere): it cannot renew itself, but
/// [`StaticToken::set`] replaces it.
#[derive(Debug)]
pub struct StaticToken {
    scheme: &'static str,
    current: RwLock<Authorization>,
}

impl StaticToken {
    /// `scheme` is `Bearer` for FCM, `bearer` for APNs.
    pub fn new(scheme: &'static str, token: &str) -> Result<Self, CredentialError> {
        let header = authorization_header(scheme, token)?;
        Ok(StaticToken { scheme, current: RwLock::new(Authorization { header, generation: 1 }) })
    }

    /// Replaces the token (before it expires).
    pub fn set(&self, token: &str) -> Result<(), CredentialError> {
        let header = authorization_header(self.scheme, token)?;
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        current.generation += 1;
        current.header = header;
        Ok(())
    }

    fn get(&self) -> Authorization {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Credentials for StaticToken {
    fn current(&self) -> CredentialFuture<'_, Authorization> {
        let now = self.get();
        Box::pin(async move { Ok(now) })
    }

    fn renew(&self, generation: u64) -> CredentialFuture<'_, bool> {
        let newer = self.get().generation > generation;
        Box::pin(async move { Ok(newer) })
    }

    fn generation(&self) -> u64 {
        self.get().generation
    }
}
