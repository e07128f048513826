//! Who is calling: a citizen's device (anonymous token) or a signed-in official.
//!
//! Tokens are 256 random bits, base64url, prefixed `d.` (device) or `o.` (official
//! session); only their SHA-256 is stored. Officials' passwords are argon2id hashes.

use crate::db::OptionalExt;
use crate::params;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use civic_core::protocol::Role;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::to_ms;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// How long an official's session lasts.
pub const SESSION_HOURS: i64 = 12;
/// A console session unused this long ends (the API's sessions have only `SESSION_HOURS`).
pub const CONSOLE_IDLE_MINUTES: i64 = 30;

/// An official, as their session says.
#[derive(Debug, Clone)]
pub struct Official {
    pub id: i64,
    pub username: String,
    pub roles: Vec<Role>,
    pub units: Vec<String>,
}

impl Official {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    /// Whether this official may work on a report of `unit`.
    pub fn may_work_on(&self, unit: &str) -> bool {
        self.has(Role::Operator) || (self.has(Role::UnitOfficer) && self.units.iter().any(|u| u == unit))
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub enum Caller {
    Device { id: String },
    Official(Official),
}

impl Caller {
    /// The device id, or 403 for an official.
    pub fn device(&self) -> ApiResult<&str> {
        match self {
            Caller::Device { id } => Ok(id),
            Caller::Official(_) => Err(ApiError::Forbidden("this is for citizens' devices".into())),
        }
    }
    /// The official, or 403 for a device.
    pub fn official(&self) -> ApiResult<&Official> {
        match self {
            Caller::Official(o) => Ok(o),
            Caller::Device { .. } => Err(ApiError::Forbidden("this is for officials".into())),
        }
    }
}

/// A new random token with its kind's prefix.
pub fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An argon2id hash of a password, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// Whether `password` matches a stored PHC hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Parses stored comma-separated roles.
pub fn parse_roles(s: &str) -> Vec<Role> {
    s.split(',')
        .filter_map(|r| match r.trim() {
            "operator" => Some(Role::Operator),
            "unit_officer" => Some(Role::UnitOfficer),
            "admin" => Some(Role::Admin),
            _ => None,
        })
        .collect()
}

/// Role names as stored.
pub fn role_name(r: Role) -> &'static str {
    match r {
        Role::Operator => "operator",
        Role::UnitOfficer => "unit_officer",
        Role::Admin => "admin",
    }
}

/// The bearer token of a request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    parts.headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or_else(|| ApiError::Unauthorized("sign in: send `Authorization: Bearer <token>`".into()))?.to_owned();
        caller_for_token(state, &token).await
    }
}

/// Who a token belongs to: a device, or an official with a live session (the API's bearer
/// tokens and the web console's session cookie alike).
pub async fn caller_for_token(state: &AppState, token: &str) -> ApiResult<Caller> {
    {
        let hash = token_hash(token);
        let invalid = || ApiError::Unauthorized("the token is not valid or has expired".into());
        if token.starts_with("d.") {
            let id = state
                .db
                .read_as::<_, crate::error::ApiError, _>(move |c| {
                    Ok(c.query_row("SELECT id FROM device WHERE token_hash = ?1", [hash], |r| r.get::<_, String>(0)).optional()?)
                })
                .await?;
            id.map(|id| Caller::Device { id }).ok_or_else(invalid)
        } else if token.starts_with("o.") {
            let at = to_ms(state.now());
            let hash2 = hash.clone();
            let found = state
                .db
                .read_as::<_, crate::error::ApiError, _>(move |c| {
                    Ok(c.query_row(
                        "SELECT o.id, o.username, o.roles, o.units, s.last_seen_at FROM session s JOIN official o ON o.id = s.official_id
                         WHERE s.token_hash = ?1 AND s.expires_at > ?2
                           AND (s.idle_secs IS NULL OR COALESCE(s.last_seen_at, 0) + s.idle_secs * 1000 > ?2)",
                        params![hash2, at],
                        |r| {
                            let official = Official {
                                id: r.get(0)?,
                                username: r.get(1)?,
                                roles: parse_roles(&r.get::<_, String>(2)?),
                                units: r.get::<_, String>(3)?.split(',').filter(|u| !u.is_empty()).map(str::to_owned).collect(),
                            };
                            Ok((official, r.get::<_, Option<i64>>(4)?))
                        },
                    )
                    .optional()?)
                })
                .await?;
            let (official, last_seen) = found.ok_or_else(invalid)?;
            // A session with an idle limit (the console's) lives on while it is used; noted
            // at most once a minute, so reading pages does not mean writing at every request.
            if last_seen.is_some_and(|seen| at - seen > 60_000) {
                state
                    .db
                    .write_as::<_, crate::error::ApiError, _>(move |tx| {
                        tx.execute("UPDATE session SET last_seen_at = ?2 WHERE token_hash = ?1", params![hash, at])?;
                        Ok(())
                    })
                    .await?;
            }
            Ok(Caller::Official(official))
        } else {
            Err(invalid())
        }
    }
}
