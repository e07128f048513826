//! Layer: the phone's HTTP link to the city's `/api/v1`, below sync and the desks.
//!
//! [`DeviceLink`] is this device's connection: the base URL, one HTTP client, the device's
//! token (registering the device the first time one is needed) and the timeouts of a slow
//! mobile link. [`Failure`] sorts what went wrong by what to do about it. Sync, the
//! campaign desk and the official's client all speak through this module; it knows the
//! wire types (`protocol`) and nothing above.

mod device;
mod failure;
mod token;

pub use device::{DeviceLink, IDEMPOTENCY_KEY, LinkOptions};
pub use failure::{Failure, check, json, transport};
pub use token::{FileTokenStore, MemoryTokenStore, TokenStore};

/// Why a round of calls stopped early: the network or the server (a [`Failure`]), or the
/// phone's own storage.
#[derive(Debug)]
pub enum Stop {
    Failure(Failure),
    Local(crate::Error),
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Self {
        Stop::Failure(f)
    }
}

impl From<crate::Error> for Stop {
    fn from(e: crate::Error) -> Self {
        Stop::Local(e)
    }
}

impl From<Stop> for crate::Error {
    fn from(s: Stop) -> Self {
        match s {
            Stop::Failure(f) => f.into(),
            Stop::Local(e) => e,
        }
    }
}
