//! Service layer: who is calling (a citizen's device or a signed-in official), officials'
//! accounts and sessions.
//!
//! Tokens are 256 random bits, base64url, prefixed `d.` (device) or `o.` (official
//! session); only their SHA-256 is stored. Officials' passwords are argon2id hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use civic_core::protocol::{Role, Session};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{AppState, ServiceError, ServiceResult, text_field};
use crate::db::accounts::{self, Account};

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

    fn of(a: Account) -> Official {
        Official { id: a.id, username: a.username, roles: parse_roles(&a.roles), units: units(&a.units) }
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub enum Caller {
    Device { id: String },
    Official(Official),
}

impl Caller {
    /// The device id; an official is refused.
    pub fn device(&self) -> ServiceResult<&str> {
        match self {
            Caller::Device { id } => Ok(id),
            Caller::Official(_) => Err(ServiceError::Forbidden("this is for citizens' devices".into())),
        }
    }
    /// The official; a device is refused.
    pub fn official(&self) -> ServiceResult<&Official> {
        match self {
            Caller::Official(o) => Ok(o),
            Caller::Device { .. } => Err(ServiceError::Forbidden("this is for officials".into())),
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

fn units(stored: &str) -> Vec<String> {
    stored.split(',').filter(|u| !u.is_empty()).map(str::to_owned).collect()
}

/// Device tokens looked up before, by their hash: a device's token is never revoked nor
/// given to another, so what it named once it names for good. At most [`KnownDevices::MOST`]
/// are kept; past that, they are forgotten all at once (and looked up again).
#[derive(Default)]
pub struct KnownDevices(std::sync::Mutex<std::collections::HashMap<String, String>>);

impl KnownDevices {
    pub const MOST: usize = 200_000;

    fn get(&self, token_hash: &str) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).get(token_hash).cloned()
    }

    fn remember(&self, token_hash: String, device: &str) {
        let mut known = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if known.len() >= Self::MOST {
            known.clear();
        }
        known.insert(token_hash, device.to_owned());
    }
}

/// Who a token belongs to: a device, or an official with a live session (the API's bearer
/// tokens and the web console's session cookie alike).
pub async fn caller_for_token(st: &AppState, token: &str) -> ServiceResult<Caller> {
    let hash = token_hash(token);
    let invalid = || ServiceError::Unauthenticated("the token is not valid or has expired".into());
    if token.starts_with("d.") {
        if let Some(id) = st.known_devices.get(&hash) {
            return Ok(Caller::Device { id });
        }
        let h = hash.clone();
        let id = st.db.read(move |c| accounts::device_by_token(c, &h)).await?.ok_or_else(invalid)?;
        st.known_devices.remember(hash, &id);
        Ok(Caller::Device { id })
    } else if token.starts_with("o.") {
        let at = st.now();
        let h = hash.clone();
        let found = st.db.read(move |c| accounts::session(c, &h, at)).await?;
        let (account, last_seen) = found.ok_or_else(invalid)?;
        // A session with an idle limit (the console's) lives on while it is used; noted
        // at most once a minute, so reading pages does not mean writing at every request.
        if last_seen.is_some_and(|seen| crate::db::to_ms(at) - seen > 60_000) {
            st.db.write_concurrent(move |tx| accounts::seen(tx, &hash, at)).await?;
        }
        Ok(Caller::Official(Official::of(account)))
    } else {
        Err(invalid())
    }
}

/// Signs an official in: a new session, with its token.
pub async fn login(st: &AppState, username: &str, password: String) -> ServiceResult<Session> {
    let username = username.trim().to_owned();
    let row = {
        let username = username.clone();
        st.db.read(move |c| accounts::by_username(c, &username)).await?
    };
    let refused = || ServiceError::Unauthenticated("wrong username or password".into());
    let Some((account, phc)) = row else {
        // Spend the same time as a real check, so timing does not tell which usernames exist.
        let _ = tokio::task::spawn_blocking(move || verify_password(&password, dummy_hash())).await;
        return Err(refused());
    };
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &phc)).await.map_err(ServiceError::internal)?;
    if !ok {
        return Err(refused());
    }
    let token = new_token("o");
    let hash = token_hash(&token);
    let expires_at = st.now() + time::Duration::hours(SESSION_HOURS);
    let now = st.now();
    let official = account.id;
    st.db.write_concurrent(move |tx| accounts::start_session(tx, &hash, official, now, expires_at)).await?;
    Ok(Session { token, username, roles: parse_roles(&account.roles), units: units(&account.units), expires_at })
}

/// Signs an official in to the console: a session that also ends when left unused (a
/// shared desk), unlike the API's.
pub async fn console_login(st: &AppState, username: &str, password: String) -> ServiceResult<Session> {
    let session = login(st, username, password).await?;
    let hash = token_hash(&session.token);
    let idle = CONSOLE_IDLE_MINUTES * 60;
    let now = st.now();
    st.db.write_concurrent(move |tx| accounts::limit_idle(tx, &hash, idle, now)).await?;
    Ok(session)
}

/// Ends the session of a token.
pub async fn logout(st: &AppState, token: &str) -> ServiceResult<()> {
    let hash = token_hash(token);
    Ok(st.db.write_concurrent(move |tx| accounts::end_session(tx, &hash)).await?)
}

/// An argon2id hash of a random password nobody knows (for refusals that take as long as a check).
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&new_token("x")).unwrap_or_default())
}

/// An official's account to create (`POST /api/v1/admin/officials`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOfficial {
    #[schema(min_length = 1, max_length = 64, pattern = r"[^\s\x00-\x1f\x7f-\x9f]")]
    pub username: String,
    /// At least 12 characters.
    #[schema(min_length = 12)]
    pub password: String,
    #[schema(min_items = 1)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub units: Vec<String>,
}

/// An admin creates an account, for units the catalog has.
pub async fn create_official(st: &AppState, caller: &Caller, req: NewOfficial) -> ServiceResult<()> {
    if !caller.official()?.has(Role::Admin) {
        return Err(ServiceError::Forbidden("only an admin creates accounts".into()));
    }
    for u in &req.units {
        if st.catalog.get().unit(u).is_none() {
            return Err(ServiceError::refused("unknown-unit", format!("there is no unit {u:?}")));
        }
    }
    create_account(st, req).await
}

/// Creates an official's account (also used at start-up for the first admin).
pub async fn create_account(st: &AppState, req: NewOfficial) -> ServiceResult<()> {
    let username = text_field("username", &req.username, 64, true)?;
    if req.password.chars().count() < 12 {
        return Err(ServiceError::refused("weak-password", "a password has at least 12 characters"));
    }
    if req.roles.is_empty() {
        return Err(ServiceError::refused("missing-field", "an official has at least one role"));
    }
    let password = req.password;
    let phc = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(ServiceError::internal)?
        .map_err(ServiceError::internal)?;
    let roles = req.roles.iter().map(|r| role_name(*r)).collect::<Vec<_>>().join(",");
    let units = req.units.join(",");
    let now = st.now();
    st.db
        .write(move |tx| {
            if !accounts::insert(tx, &username, &phc, &roles, &units, now)? {
                return Err(ServiceError::conflict("username-taken", format!("there is already an official {username:?}")));
            }
            Ok(())
        })
        .await
}
