//! Service layer: citizens' devices: registering anonymously, and the name and contact a
//! citizen may give (kept private to the operations centre).

use civic_core::protocol::{DeviceRegistered, Profile, RegisterDevice};
use uuid::Uuid;

use super::accounts::{Caller, new_token, token_hash};
use super::{AppState, ServiceResult, text_field};
use crate::db::devices;

/// Registers a device: its id and the token it signs in with from now on.
pub async fn register(st: &AppState, req: RegisterDevice) -> ServiceResult<DeviceRegistered> {
    let platform = req.platform.map(|p| p.chars().take(32).collect::<String>());
    let version = req.app_version.map(|v| v.chars().take(32).collect::<String>());
    let id = Uuid::now_v7().to_string();
    let token = new_token("d");
    let hash = token_hash(&token);
    let device_id = id.clone();
    let now = st.now();
    st.db.write_concurrent(move |tx| devices::insert(tx, &device_id, &hash, platform.as_deref(), version.as_deref(), now)).await?;
    Ok(DeviceRegistered { device_id: id, token })
}

/// Sets the device's citizen's name and contact.
pub async fn update_profile(st: &AppState, caller: &Caller, p: Profile) -> ServiceResult<()> {
    let device = caller.device()?.to_owned();
    let field = |name: &str, v: &Option<String>, max| v.as_deref().map(|v| text_field(name, v, max, false)).transpose();
    let (name, phone, email) =
        (field("display_name", &p.display_name, 100)?, field("phone", &p.phone, 32)?, field("email", &p.email, 254)?);
    st.db.write_concurrent(move |tx| devices::set_profile(tx, &device, name.as_deref(), phone.as_deref(), email.as_deref())).await?;
    Ok(())
}
