//! The phone's SQLite store: drafts, the outbox, the citizen's reports, photos, cursors,
//! and warnings (the resident's subscription and the alert inbox).
//!
//! One file under the data directory, WAL, exactly one writer connection and a separate
//! reader. Schema upgrades are keyed on `user_version`. Functions that write take a
//! `&Transaction`; readers take a `&Connection`. Draft auto-saves commit with
//! `synchronous=NORMAL` (they survive an app crash); sending a report commits with
//! `synchronous=FULL` and returns only once the report is durable.

mod alerts;
mod campaigns;
mod city;
mod drafts;
mod feedback;
mod official;
mod photos;
mod places;
mod reports;
pub mod settings;
mod sync;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use time::OffsetDateTime;

pub use alerts::*;
pub use campaigns::*;
pub use city::*;
pub use drafts::*;
pub use feedback::*;
pub use official::*;
pub use photos::*;
pub use places::*;
pub use reports::*;
pub use settings::{clear_setting, set_setting, setting};
pub use sync::*;

use crate::clock::{self, SharedClock};
use crate::error::{Error, Result};

/// The schema, one entry per version; entry `i` upgrades version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("schema_v1.sql"),
    include_str!("schema_v2.sql"),
    include_str!("schema_v3.sql"),
    include_str!("schema_v4.sql"),
    include_str!("schema_v5.sql"),
    include_str!("schema_v6.sql"),
    include_str!("schema_v7.sql"),
    include_str!("schema_v8.sql"),
    include_str!("schema_v9.sql"),
    include_str!("schema_v10.sql"),
];

/// The file name of the store inside the data directory.
pub const FILE_NAME: &str = "civic.sqlite3";

/// The phone's database.
pub struct Store {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    path: PathBuf,
    clock: SharedClock,
}

/// How hard a write commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Survives a crash of the app (WAL, `synchronous=NORMAL`).
    AppCrash,
    /// Survives a power cut: fsync before returning (`synchronous=FULL`).
    PowerLoss,
}

impl Store {
    /// Opens (creating or upgrading) the store in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Self> {
        Self::open_with_clock(data_dir, clock::system())
    }

    /// `open`, reading the time from `clock` (a test's, to place itself in time).
    pub fn open_with_clock(data_dir: &Path, clock: SharedClock) -> Result<Self> {
        std::fs::create_dir_all(data_dir)?;
        let path = data_dir.join(FILE_NAME);
        let mut writer = Connection::open(&path)?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        configure(&writer)?;
        migrate(&mut writer)?;
        let reader = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        configure(&reader)?;
        Ok(Store { writer: Mutex::new(writer), reader: Mutex::new(reader), path, clock })
    }

    /// Now by this device's clock, to the millisecond (what the store keeps), so a time
    /// written and read back is equal.
    pub fn now(&self) -> OffsetDateTime {
        clock::to_millisecond(self.clock.now())
    }

    /// The device's clock, for what works beside the store (sync, campaigns).
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one immediate write transaction committed with `durability`.
    pub fn write<T>(&self, durability: Durability, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        if durability == Durability::PowerLoss {
            conn.pragma_update(None, "synchronous", "FULL")?;
        }
        let result = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        if durability == Durability::PowerLoss {
            conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        result
    }

    /// Runs `f` on the reader connection (a consistent snapshot per statement).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = lock(&self.reader);
        let tx = conn.unchecked_transaction()?;
        let value = f(&tx)?;
        tx.finish()?;
        Ok(value)
    }
}

fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock leaves SQLite consistent (the transaction rolls back
    // on drop), so a poisoned lock is safe to take over.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let supported = MIGRATIONS.len() as i64;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > supported {
        return Err(Error::SchemaTooNew { found, supported });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// A time as stored: milliseconds since the Unix epoch, UTC.
pub(crate) fn to_ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A stored time back as a UTC date-time.
pub(crate) fn from_ms(ms: i64) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|_| Error::Corrupt(format!("timestamp {ms} out of range")))
}

/// Parses a stored enum name, reporting damage instead of panicking.
pub(crate) fn parse_name<T: std::str::FromStr>(s: &str) -> Result<T> {
    s.parse().map_err(|_| Error::Corrupt(format!("unknown stored name {s:?}")))
}
