//! Store: the data's version, a number that changes whenever what is stored may have
//! changed, in this process or any other on the same database. Caches of what is read
//! (public pages, an empty sync) are kept per version and dropped when it moves.
//!
//! This process's writes move it as they commit. Other processes' writes are noticed by a
//! watcher thread that looks at the database every [`WATCH_EVERY`]: SQLite's
//! `PRAGMA data_version` on a connection of its own (it changes when another connection
//! commits), PostgreSQL's WAL insert position (every committed write moves it, whichever
//! process or database it came from). A move seen is counted on two looks in a row, so a
//! reader that read the version just before a commit became visible cannot keep what it
//! read under the newer number. While the watcher cannot see the database, every look
//! counts as a change: caches then hold nothing.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::tls::PgTarget;

/// How often the watcher looks for other processes' writes.
pub const WATCH_EVERY: Duration = Duration::from_millis(20);

/// The version counter, shared by the database handle and its watcher.
#[derive(Debug, Default)]
pub struct Version(AtomicU64);

impl Version {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Something may have changed.
    pub fn bump(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

/// Where the watcher looks.
pub enum Watched {
    Sqlite(PathBuf),
    Postgres(PgTarget),
}

/// Starts the watcher thread; it ends once the version is no longer held.
pub fn watch(version: &Arc<Version>, what: Watched) -> Result<(), String> {
    let weak = Arc::downgrade(version);
    std::thread::Builder::new()
        .name("civic-db-version".into())
        .spawn(move || match what {
            Watched::Sqlite(path) => {
                let mut conn = None;
                watch_loop(&weak, || sqlite_mark(&mut conn, &path))
            }
            Watched::Postgres(target) => {
                let mut client: Option<postgres::Client> = None;
                watch_loop(&weak, || {
                    if client.as_ref().is_none_or(postgres::Client::is_closed) {
                        client = target.connect().ok();
                    }
                    let row = client.as_mut()?.query_one("SELECT pg_current_wal_insert_lsn()::text", &[]);
                    row.map_err(|_| client = None).ok().map(|r| r.get::<_, String>(0))
                })
            }
        })
        .map(|_| ())
        .map_err(|e| format!("starting the database watcher: {e}"))
}

/// Looks every `WATCH_EVERY` while the version is held: a mark that moved (or none to be had)
/// bumps the version on this look and the next.
fn watch_loop<M: PartialEq>(version: &Weak<Version>, mut mark: impl FnMut() -> Option<M>) {
    let mut last = mark();
    let mut moved_before = true;
    loop {
        std::thread::sleep(WATCH_EVERY);
        let Some(version) = version.upgrade() else { return };
        let now = mark();
        let moved = now.is_none() || now != last;
        if moved || moved_before {
            version.bump();
        }
        moved_before = moved;
        last = now;
    }
}

/// `PRAGMA data_version` on the watcher's own connection, opened when there is none.
fn sqlite_mark(conn: &mut Option<rusqlite::Connection>, path: &Path) -> Option<i64> {
    if conn.is_none() {
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        *conn = rusqlite::Connection::open_with_flags(path, flags).ok();
    }
    let value = conn.as_ref()?.pragma_query_value(None, "data_version", |r| r.get(0));
    value.map_err(|_| *conn = None).ok()
}
