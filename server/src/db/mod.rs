//! The server's SQLite database: WAL, one writer, a few readers, migrations on
//! `user_version`. Blocking work runs on tokio's blocking pool.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use time::OffsetDateTime;

use crate::error::{ApiError, ApiResult};

const MIGRATIONS: &[&str] = &[include_str!("schema_v1.sql"), include_str!("schema_v2.sql"), include_str!("schema_v3.sql")];
const READERS: usize = 4;

/// A handle to the database, cheap to clone.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<Connection>,
    /// Idle reader connections; `reader_permits` counts them, so a request waits (in
    /// order, without holding a thread) until one is free.
    readers: Mutex<Vec<Connection>>,
    reader_permits: tokio::sync::Semaphore,
}

impl Db {
    /// Opens (creating or upgrading) the database file.
    pub fn open(path: &Path) -> Result<Self, String> {
        let mut writer = Connection::open(path).map_err(|e| format!("open {}: {e}", path.display()))?;
        let setup = |c: &Connection| -> rusqlite::Result<()> {
            c.pragma_update(None, "foreign_keys", true)?;
            c.busy_timeout(std::time::Duration::from_secs(10))?;
            Ok(())
        };
        writer.pragma_update(None, "journal_mode", "WAL").map_err(|e| e.to_string())?;
        // The server acknowledges a report only after its commit is on disk.
        writer.pragma_update(None, "synchronous", "FULL").map_err(|e| e.to_string())?;
        setup(&writer).map_err(|e| e.to_string())?;
        migrate(&mut writer)?;
        let readers = (0..READERS)
            .map(|_| {
                let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                    .map_err(|e| e.to_string())?;
                setup(&c).map_err(|e| e.to_string())?;
                Ok(c)
            })
            .collect::<Result<Vec<_>, String>>()?;
        let inner = Inner {
            writer: Mutex::new(writer),
            reader_permits: tokio::sync::Semaphore::new(readers.len()),
            readers: Mutex::new(readers),
        };
        Ok(Db { inner: Arc::new(inner) })
    }

    /// Runs `f` in one immediate write transaction, committed before this returns.
    pub async fn write<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> ApiResult<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        blocking(move || {
            let mut conn = lock(&inner.writer);
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await
    }

    /// Runs `f` on a reader, in one read transaction (a consistent snapshot).
    pub async fn read<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> ApiResult<T> + Send + 'static,
    {
        let _permit = self.inner.reader_permits.acquire().await.map_err(ApiError::internal)?;
        let inner = self.inner.clone();
        blocking(move || {
            // The permit guarantees an idle connection; the lease puts it back whatever `f`
            // does, even if it panics.
            let lease = Lease::take(&inner.readers).ok_or_else(|| ApiError::internal("no idle database reader"))?;
            let tx = lease.conn().unchecked_transaction()?;
            let value = f(&tx)?;
            tx.finish()?;
            Ok(value)
        })
        .await
    }
}

/// A reader connection borrowed from the pool until dropped.
struct Lease<'a> {
    pool: &'a Mutex<Vec<Connection>>,
    conn: Option<Connection>,
}

impl<'a> Lease<'a> {
    fn take(pool: &'a Mutex<Vec<Connection>>) -> Option<Self> {
        let conn = pool.lock().unwrap_or_else(|p| p.into_inner()).pop()?;
        Some(Lease { pool, conn: Some(conn) })
    }

    fn conn(&self) -> &Connection {
        // Present from `take` until `drop`.
        self.conn.as_ref().unwrap_or_else(|| unreachable!("lease used after drop"))
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
        }
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> ApiResult<T> + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::internal(format!("database task: {e}")))?
}

fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panicking holder leaves SQLite consistent (its transaction rolls back on drop).
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn migrate(conn: &mut Connection) -> Result<(), String> {
    let supported = MIGRATIONS.len() as i64;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| e.to_string())?;
    if found > supported {
        return Err(format!("database schema {found} is newer than this server ({supported}); upgrade the server"));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let mut step = || -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()
        };
        step().map_err(|e| format!("migration to schema {}: {e}", i + 1))?;
    }
    Ok(())
}

/// A time as stored: milliseconds since the epoch.
pub fn to_ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A stored time.
pub fn from_ms(ms: i64) -> ApiResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|_| ApiError::internal(format!("stored time {ms} out of range")))
}

/// Now, to the millisecond (what the database keeps).
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1_000_000 * 1_000_000).unwrap_or(t)
}
