//! Store layer: the server's database, SQLite (the embedded default: WAL, one writer, a few readers) or
//! PostgreSQL (several server processes on one database). Both run the same statements
//! through `Conn` (see `sql.rs`), with versioned migrations of their own. Blocking work runs
//! on tokio's blocking pool.
//!
//! SQLite has one writer, a thread that commits the writes waiting together (see
//! `sqlite_writer`). On PostgreSQL, writes from any number of processes run and commit
//! side by side (`Db::write_concurrent`: the hot paths, written to be safe beside each
//! other and retried on a serialization failure or deadlock), except serial ones
//! (`Db::write`: rarer read-then-write work), which run alone (see `pg_pool`). Reads run in
//! parallel on every process. The device sync cursor does not need writes in turn: the
//! change log is read up to a commit-order watermark (see `changes`).
//!
//! Every SQL statement of the server lives in this module's files, one per kind of thing
//! kept (`reports`, `campaigns`, `alerts`…), as functions over a transaction's `Conn`. The
//! store knows nothing of HTTP nor of the services' rules: it answers `DbResult`, and the
//! service running the transaction (`Db::read` / `Db::write`) decides what a row, or
//! its absence, means.

pub mod accounts;
pub mod alerts;
pub mod campaigns;
pub mod catalog;
pub mod changes;
pub mod counters;
pub mod demo;
pub mod devices;
mod error;
pub mod idempotency;
mod pg;
mod pg_pool;
pub mod photos;
pub mod places;
pub mod report_create;
pub mod report_lists;
pub mod report_writes;
pub mod reports;
pub mod spots;
mod sql;
mod sqlite_writer;
pub mod stats;
pub mod templates;
mod tls;
mod value;
mod version;

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use time::OffsetDateTime;

pub use error::{DbError, DbResult, OptionalExt};
pub use sql::{Conn, Row, Stmt};
pub use value::{FromValue, Params, ToValue, Value};

use pg_pool::{Access, PgConn, PgPool};

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
    include_str!("schema_v11.sql"),
    include_str!("schema_v12.sql"),
];
const PG_MIGRATIONS: &[&str] = &[
    include_str!("pg_v1.sql"),
    include_str!("pg_v2.sql"),
    include_str!("pg_v3.sql"),
    include_str!("pg_v4.sql"),
    include_str!("pg_v5.sql"),
    include_str!("pg_v6.sql"),
    include_str!("pg_v7.sql"),
    include_str!("pg_v8.sql"),
    include_str!("pg_v9.sql"),
    include_str!("pg_v10.sql"),
    include_str!("pg_v11.sql"),
    include_str!("pg_v12.sql"),
    include_str!("pg_v13.sql"),
];
const READERS: usize = 4;
const MIGRATION_LOCK: i64 = 0x00C1_71C1;

/// A handle to the database, cheap to clone.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Backend>,
    version: Arc<version::Version>,
}

enum Backend {
    Sqlite(SqliteDb),
    Postgres(PgPool),
}

struct SqliteDb {
    /// The one write connection, on a thread of its own (see `sqlite_writer`).
    writer: sqlite_writer::Writer,
    /// Idle reader connections; `reader_permits` counts them, so a request waits (in
    /// order, without holding a thread) until one is free.
    readers: Mutex<Vec<Connection>>,
    reader_permits: tokio::sync::Semaphore,
}

impl Db {
    /// Opens (creating or upgrading) the database a `--database-url` names: `sqlite://PATH`
    /// or `postgres://…` (`postgresql://…`).
    pub fn open_url(url: &str, pool: usize) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::open_postgres(url, pool)
        } else {
            match url.strip_prefix("sqlite://") {
                Some(path) if !path.is_empty() => Self::open(Path::new(path)),
                _ => Err(format!("unsupported database URL {url:?}: use sqlite://PATH or postgres://…")),
            }
        }
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(*self.inner, Backend::Postgres(_))
    }

    /// Opens (creating or upgrading) an SQLite database file.
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
        let inner = SqliteDb {
            writer: sqlite_writer::Writer::start(writer)?,
            reader_permits: tokio::sync::Semaphore::new(readers.len()),
            readers: Mutex::new(readers),
        };
        let version = Arc::new(version::Version::default());
        version::watch(&version, version::Watched::Sqlite(path.to_owned()))?;
        Ok(Db { inner: Arc::new(Backend::Sqlite(inner)), version })
    }

    /// Connects a pool of `size` connections to PostgreSQL and brings its schema up to date.
    /// Blocking: call it outside the async runtime's threads (or in `spawn_blocking`).
    fn open_postgres(url: &str, size: usize) -> Result<Self, String> {
        let target = tls::PgTarget::parse(url)?;
        let connect = || target.connect().map_err(|e| format!("connect to PostgreSQL: {}", tls::with_causes(&e)));
        let mut first = connect()?;
        migrate_postgres(&mut first)?;
        let mut idle = vec![PgConn::new(first)];
        for _ in 1..size.max(1) {
            idle.push(PgConn::new(connect()?));
        }
        let version = Arc::new(version::Version::default());
        version::watch(&version, version::Watched::Postgres(target.clone()))?;
        let pool = PgPool { target, permits: tokio::sync::Semaphore::new(idle.len()), idle: Mutex::new(idle) };
        Ok(Db { inner: Arc::new(Backend::Postgres(pool)), version })
    }

    /// Runs `f` in one write transaction, alone among writes (of every process), committed
    /// before this returns, with the closure's own error (`DbError` itself, or any a
    /// `DbError` converts into): a service stops the transaction (nothing of it is kept) by
    /// returning its rule's refusal, and gets that refusal back as it was.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&Conn<'_, '_>) -> Result<T, E> + Send + 'static,
    {
        self.written(Access::Serial, at_most_once(f)).await
    }

    /// The data's version: it moves whenever what is stored may have changed, by this
    /// process's writes (before `write` or `write_concurrent` returns) or another's (within
    /// a few tens of milliseconds). What was read at one version may be kept until it moves.
    pub fn version(&self) -> u64 {
        self.version.get()
    }

    /// `write`, beside other concurrent writes on PostgreSQL (SQLite has one writer anyway).
    /// `f` must be safe beside any other concurrent write (its uniqueness carried by
    /// constraints and `ON CONFLICT`, what it reads then changes locked first, e.g.
    /// `report_writes::lock`), and may be called again: when PostgreSQL reports a
    /// serialization failure or a deadlock, the transaction is rolled back and run again.
    pub async fn write_concurrent<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: Fn(&Conn<'_, '_>) -> Result<T, E> + Send + 'static,
    {
        self.written(Access::Concurrent, f).await
    }

    /// `write_concurrent` for a write that is, on PostgreSQL, one statement taking the write
    /// lock itself (see `report_create`): run as its own transaction, in one round trip.
    /// `f` may read before and after it (each read its own snapshot). On SQLite, one
    /// transaction like any other write.
    pub async fn write_statement<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: Fn(&Conn<'_, '_>) -> Result<T, E> + Send + 'static,
    {
        self.written(Access::Statement, f).await
    }

    /// A write on either backend (`access`: how on PostgreSQL, where `f` may be run again
    /// as `access` allows).
    async fn written<T, E, F>(&self, access: Access, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnMut(&Conn<'_, '_>) -> Result<T, E> + Send + 'static,
    {
        let written = match &*self.inner {
            Backend::Sqlite(_) => self.sqlite_write(f).await,
            Backend::Postgres(_) => self.postgres(access, f).await,
        };
        // Whatever the outcome (a commit whose answer was lost included), what is read may
        // differ now.
        self.version.bump();
        written
    }

    async fn sqlite_write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&Conn<'_, '_>) -> Result<T, E> + Send + 'static,
    {
        let Backend::Sqlite(db) = &*self.inner else { return Err(DbError::Other("backend changed".into()).into()) };
        db.writer.write(f).await
    }

    /// Runs `f` on a reader, in one read transaction (a consistent snapshot), with the
    /// closure's own error (see `write`).
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&Conn<'_, '_>) -> Result<T, E> + Send + 'static,
    {
        match &*self.inner {
            Backend::Sqlite(db) => {
                let _permit = db.reader_permits.acquire().await.map_err(|e| DbError::Other(e.to_string()))?;
                let inner = self.inner.clone();
                blocking(move || {
                    let Backend::Sqlite(db) = &*inner else { return Err(DbError::Other("backend changed".into()).into()) };
                    // The permit guarantees an idle connection; the lease puts it back whatever
                    // `f` does, even if it panics.
                    let lease = Lease::take(&db.readers).ok_or_else(|| DbError::Other("no idle database reader".into()))?;
                    let tx = lease.conn().unchecked_transaction().map_err(DbError::from)?;
                    let value = f(&Conn::Sqlite(&tx))?;
                    tx.finish().map_err(DbError::from)?;
                    Ok(value)
                })
                .await
            }
            Backend::Postgres(_) => self.postgres(Access::Read, at_most_once(f)).await,
        }
    }

    /// Whether the database answers (`GET /healthz`).
    pub async fn ping(&self) -> DbResult<()> {
        self.read(|c| c.query_row("SELECT 1", crate::params![], |r| r.get::<_, i64>(0))).await.map(|_| ())
    }
}

/// Creates the PostgreSQL database `name` (letters, digits, `_`) on the server an admin URL
/// reaches, unless it exists, and returns its URL. Blocking. For test suites and setup
/// scripts that give each run a database of its own.
pub fn ensure_postgres_database(admin_url: &str, name: &str) -> Result<String, String> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(format!("{name:?} is not a plain database name"));
    }
    let admin = tls::PgTarget::parse(admin_url)?;
    let url = {
        // The admin URL as given (sslrootcert and all), another database.
        let (path, query) = admin_url.split_once('?').map_or((admin_url, None), |(p, q)| (p, Some(q)));
        let (server, _) = path.rsplit_once('/').ok_or("the admin URL ends with /DATABASE")?;
        query.map_or_else(|| format!("{server}/{name}"), |q| format!("{server}/{name}?{q}"))
    };
    let name = name.to_owned();
    // The blocking client runs a runtime of its own: keep it off any async thread.
    std::thread::spawn(move || -> Result<(), String> {
        let mut c = admin.connect().map_err(|e| e.to_string())?;
        let exists = c.query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name]).map_err(|e| e.to_string())?;
        if exists.is_none() {
            c.batch_execute(&format!("CREATE DATABASE {name}")).map_err(|e| e.to_string())?;
        }
        Ok(())
    })
    .join()
    .map_err(|_| "the database setup panicked".to_owned())??;
    Ok(url)
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

/// `f` as the `FnMut` the PostgreSQL runner takes; serial writes and reads are tried once,
/// so it is called once.
fn at_most_once<T, E, F>(f: F) -> impl FnMut(&Conn<'_, '_>) -> Result<T, E>
where
    E: From<DbError>,
    F: FnOnce(&Conn<'_, '_>) -> Result<T, E>,
{
    let mut f = Some(f);
    move |c| match f.take() {
        Some(f) => f(c),
        None => Err(DbError::Other("a transaction tried once was run twice".into()).into()),
    }
}

async fn blocking<T, E>(f: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, E>
where
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    tokio::task::spawn_blocking(f).await.map_err(|e| DbError::Other(format!("database task: {e}")))?
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

/// PostgreSQL's schema version lives in `schema_version`; several processes starting at
/// once take turns on a session advisory lock, and each migration is one transaction.
fn migrate_postgres(client: &mut postgres::Client) -> Result<(), String> {
    let err = |e: postgres::Error| format!("PostgreSQL migration: {e}");
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).map_err(err)?;
    let result = (|| {
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL); \
                            INSERT INTO schema_version SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version);",
            )
            .map_err(err)?;
        let found: i64 = client.query_one("SELECT version FROM schema_version", &[]).map_err(err)?.get(0);
        let supported = PG_MIGRATIONS.len() as i64;
        if found > supported {
            return Err(format!("database schema {found} is newer than this server ({supported}); upgrade the server"));
        }
        for (i, sql) in PG_MIGRATIONS.iter().enumerate().skip(found as usize) {
            let mut tx = client.transaction().map_err(err)?;
            tx.batch_execute(sql).map_err(|e| format!("migration to schema {}: {e}", i + 1))?;
            tx.execute("UPDATE schema_version SET version = $1", &[&(i as i64 + 1)]).map_err(err)?;
            tx.commit().map_err(err)?;
        }
        Ok(())
    })();
    let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
    result
}

/// A time as stored: milliseconds since the epoch.
pub fn to_ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A stored time.
pub fn from_ms(ms: i64) -> DbResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|_| DbError::Other(format!("stored time {ms} out of range")))
}
