//! Store: PostgreSQL's connection pool and how a transaction runs on it.
//!
//! Writes take one transaction-scoped advisory lock, in one of two modes. A concurrent
//! write (`Db::write_concurrent`) takes it shared: such writes run and commit beside each
//! other, from any number of processes, and each is written to be safe beside the others
//! (unique constraints, `ON CONFLICT`, row locks) and to run again: a serialization failure
//! or deadlock between two of them is retried here, a few times, instead of failing the
//! request. A serial write (`Db::write`) takes it exclusive: it runs alone, as every write
//! did before, which keeps rare read-then-write work (campaigns, warnings, the catalog,
//! accounts) simple. A write of one statement (`Db::write_statement`) runs with no
//! transaction around it, and its statement takes the lock shared itself. The device sync
//! cursor does not rely on any of this (see `changes`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use super::{Backend, Conn, Db, DbError, DbResult, blocking, pg, tls};

/// The advisory lock every PostgreSQL write transaction holds, shared or exclusive (and
/// migrations, on a session lock of their own).
pub(super) const WRITE_LOCK: i64 = 0x00C1_71C0;
/// How many times a concurrent write is tried when PostgreSQL asks for it to be run again.
const ATTEMPTS: u32 = 6;

pub(super) struct PgPool {
    pub(super) target: tls::PgTarget,
    pub(super) idle: Mutex<Vec<PgConn>>,
    pub(super) permits: tokio::sync::Semaphore,
}

pub(super) struct PgConn {
    pub(super) client: postgres::Client,
    pub(super) cache: HashMap<String, postgres::Statement>,
}

impl PgConn {
    pub(super) fn new(client: postgres::Client) -> Self {
        PgConn { client, cache: HashMap::new() }
    }
}

/// What a PostgreSQL transaction may do.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Access {
    /// Takes the write lock exclusive: alone among writes of every process.
    Serial,
    /// Takes the write lock shared: beside other concurrent writes; retried when
    /// PostgreSQL reports a serialization failure or a deadlock.
    Concurrent,
    /// `Concurrent`, but with no transaction around it: each statement is its own, and the
    /// one that writes takes the write lock itself (one round trip for a write).
    Statement,
    /// A read-only snapshot (repeatable read).
    Read,
}

impl Access {
    fn attempts(self) -> u32 {
        if matches!(self, Access::Concurrent | Access::Statement) { ATTEMPTS } else { 1 }
    }
}

impl Db {
    /// Runs `f` in one PostgreSQL transaction on a pooled connection, committed before this
    /// returns; tried again (with `f` called again) while PostgreSQL asks for it, up to
    /// `access.attempts()` times.
    pub(super) async fn postgres<T, E, F>(&self, access: Access, mut f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnMut(&Conn<'_, '_>) -> Result<T, E> + Send + 'static,
    {
        let not_postgres = || DbError::Other("not a PostgreSQL database".into());
        let Backend::Postgres(pool) = &*self.inner else { return Err(not_postgres().into()) };
        let _permit = pool.permits.acquire().await.map_err(|e| DbError::Other(e.to_string()))?;
        let inner = self.inner.clone();
        blocking(move || {
            let Backend::Postgres(pool) = &*inner else { return Err(not_postgres().into()) };
            let mut lease = PgLease::take(pool)?;
            let mut attempt = 1;
            loop {
                match once(lease.conn()?, access, &mut f) {
                    Outcome::Done(result) => return result,
                    Outcome::Again(e) if attempt >= access.attempts() => return Err(e),
                    Outcome::Again(_) => {
                        // Let the transaction it met finish first.
                        std::thread::sleep(Duration::from_millis(u64::from(attempt) * 2));
                        attempt += 1;
                    }
                }
            }
        })
        .await
    }
}

/// How one try of a transaction ended.
enum Outcome<T, E> {
    Done(Result<T, E>),
    /// PostgreSQL asked for the transaction to be run again (it was rolled back).
    Again(E),
}

fn once<T, E, F>(conn: &mut PgConn, access: Access, f: &mut F) -> Outcome<T, E>
where
    E: From<DbError>,
    F: FnMut(&Conn<'_, '_>) -> Result<T, E>,
{
    let PgConn { client, cache } = conn;
    // The transaction and, for a write, its lock in one round trip (the simple protocol
    // runs both of a string's statements; constants only).
    let begin = match access {
        Access::Serial => Some(format!("START TRANSACTION; SELECT pg_advisory_xact_lock({WRITE_LOCK})")),
        Access::Concurrent => Some(format!("START TRANSACTION; SELECT pg_advisory_xact_lock_shared({WRITE_LOCK})")),
        Access::Read => Some("START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY".to_owned()),
        Access::Statement => None,
    };
    let mut open = Open { client, finished: begin.is_none() };
    if let Some(begin) = begin
        && let Err(e) = open.client.batch_execute(&begin)
    {
        return Outcome::Done(Err(DbError::from(e).into()));
    }
    let (value, retry) = {
        let conn = Conn::Postgres(RefCell::new(pg::PgTx { client: &mut *open.client, cache, retryable: false }));
        let value = f(&conn);
        let retry = match &conn {
            Conn::Postgres(pg) => pg.borrow().retryable,
            Conn::Sqlite(_) => false,
        };
        (value, retry)
    };
    match value {
        // A statement failed with a serialization failure or deadlock (whatever the closure
        // made of it): the transaction is aborted; `open` rolls it back.
        Err(e) if retry => Outcome::Again(e),
        Err(e) => Outcome::Done(Err(e)),
        // Each statement was its own transaction.
        Ok(value) if open.finished => Outcome::Done(Ok(value)),
        Ok(value) => {
            open.finished = true;
            match open.client.batch_execute("COMMIT").map_err(DbError::from) {
                Ok(()) => Outcome::Done(Ok(value)),
                Err(e) if e.is_retryable() => Outcome::Again(e.into()),
                Err(e) => Outcome::Done(Err(e.into())),
            }
        }
    }
}

/// A transaction begun on a connection: rolled back when left unfinished (a refusal, an
/// error, a panic), so the connection goes back to the pool outside any transaction.
struct Open<'a> {
    client: &'a mut postgres::Client,
    finished: bool,
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        if !self.finished && !self.client.is_closed() {
            let _ = self.client.batch_execute("ROLLBACK");
        }
    }
}

impl Drop for PgPool {
    fn drop(&mut self) {
        // The blocking client shuts its connection down with a runtime of its own, which
        // must not happen on an async thread (the pool is often dropped on one).
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|p| p.into_inner()));
        let _ = std::thread::spawn(move || drop(idle)).join();
    }
}

/// A PostgreSQL connection borrowed from the pool until dropped; a broken one is replaced.
struct PgLease<'a> {
    pool: &'a PgPool,
    conn: Option<PgConn>,
}

impl<'a> PgLease<'a> {
    fn take(pool: &'a PgPool) -> DbResult<Self> {
        let conn = pool.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        Ok(PgLease { pool, conn })
    }

    fn conn(&mut self) -> DbResult<&mut PgConn> {
        if self.conn.as_ref().is_none_or(|c| c.client.is_closed()) {
            let client = self.pool.target.connect().map_err(DbError::from)?;
            self.conn = Some(PgConn::new(client));
        }
        self.conn.as_mut().ok_or_else(|| DbError::Other("no database connection".into()))
    }
}

impl Drop for PgLease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.idle.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
        }
    }
}
