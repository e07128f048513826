//! civic-core: the offline-first engine behind the Civic apps and server.
//!
//! A citizen captures a report (photos, location, category, answers) with or without a
//! signal; once sent it is durable on the phone and waits in the outbox. The same domain
//! types, catalog, service area and photo pipeline serve the server.
//!
//! Layers, each using only those below it (`ARCHITECTURE.md`; `scripts/module-cycles` keeps
//! them free of loops): `model`, `clock`, `error` ← `area`, `catalog`, `photo` ← `warning`,
//! `city` ← `campaign`, `cap` ← `protocol` (the wire) ← `feedback` ← `store`, `net` ← `desk` ← `sync` ←
//! `app` (the phone's facade). The server uses the lower layers up to `protocol`.

pub mod app;
pub mod area;
pub mod campaign;
pub mod cap;
pub mod catalog;
pub mod city;
pub mod clock;
pub mod desk;
pub mod error;
pub mod feedback;
pub mod model;
pub mod net;
pub mod photo;
pub mod protocol;
pub mod store;
pub mod sync;
pub mod warning;

pub use app::{AttachedPhoto, Civic};
pub use city::City;
pub use error::{Error, Missing, Result};
