//! Store: SQLite's one writer, a thread of its own that runs writes in the order they come
//! and commits them together. Each write runs in a savepoint of the open transaction, so
//! its refusal (or a panic) undoes it alone; every write found waiting when one ends joins
//! the same transaction, and one commit (one fsync) makes them all durable. In a rush (a
//! flood, Green Sunday) many reports share a commit instead of queueing for one fsync each,
//! and they are served in turn rather than in whatever order threads wake. A write's caller
//! hears back only after the commit that holds it.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::thread::JoinHandle;

use rusqlite::Connection;

use super::{Conn, DbError};

/// At most this many writes share a commit (a bound on how long the first one waits).
const MOST_PER_COMMIT: usize = 256;

/// What a write tells its caller once the fate of its transaction is known.
type Settle = Box<dyn FnOnce(Result<(), &DbError>) + Send>;

/// A write waiting for the writer. Given the connection (a transaction open), it runs in a
/// savepoint and gives back how to settle it when that went well (its caller has heard when
/// not); given why no transaction could be opened, it tells its caller so.
type Job = Box<dyn FnOnce(Result<&Connection, &DbError>) -> Option<Settle> + Send>;

/// The writer thread and the queue to it.
pub(super) struct Writer {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the thread that owns the write connection from now on.
    pub(super) fn start(conn: Connection) -> Result<Writer, String> {
        let (jobs, queue) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run(conn, queue))
            .map_err(|e| format!("starting the database writer: {e}"))?;
        Ok(Writer { jobs: Some(jobs), thread: Some(thread) })
    }

    /// Runs `f` in its turn, in a savepoint, and answers once it is committed (or undone).
    pub(super) async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&Conn<'_, '_>) -> Result<T, E> + Send + 'static,
    {
        let (tell, heard) = tokio::sync::oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |conn| {
            let conn = match conn {
                Ok(conn) => conn,
                Err(e) => {
                    let _ = tell.send(Err(copy(e).into()));
                    return None;
                }
            };
            match in_savepoint(conn, f) {
                Ok(value) => Some(Box::new(move |committed: Result<(), &DbError>| {
                    let _ = tell.send(committed.map(|()| value).map_err(|e| copy(e).into()));
                })),
                Err(e) => {
                    let _ = tell.send(Err(e));
                    None
                }
            }
        });
        let gone = || E::from(DbError::Other("the database writer has stopped".into()));
        self.jobs.as_ref().ok_or_else(gone)?.send(job).map_err(|_| gone())?;
        heard.await.map_err(|_| gone())?
    }
}

impl Drop for Writer {
    /// Closes the queue and waits for the thread to finish what it holds, so the connection
    /// is closed when the database handle is gone.
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(thread) = self.thread.take()
            && thread.thread().id() != std::thread::current().id()
        {
            let _ = thread.join();
        }
    }
}

/// The writer's loop: a transaction per run of waiting writes.
fn run(conn: Connection, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            first(Err(&DbError::from(e)));
            continue;
        }
        let mut settles = Vec::new();
        let mut next = Some(first);
        while let Some(job) = next.take() {
            settles.extend(job(Ok(&conn)));
            if conn.is_autocommit() {
                // SQLite rolled the whole transaction back (a full disk, an I/O error):
                // the writes before went with it.
                let lost = DbError::Other("the write was undone with others by a database error; try again".into());
                settles.drain(..).for_each(|settle| settle(Err(&lost)));
                break;
            }
            if settles.len() < MOST_PER_COMMIT {
                next = queue.try_recv().ok();
            }
        }
        if conn.is_autocommit() {
            continue;
        }
        let committed = conn.execute_batch("COMMIT").map_err(DbError::from);
        if committed.is_err() && !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        settles.into_iter().for_each(|settle| settle(committed.as_ref().map(|_| ())));
    }
}

/// `f` in a savepoint of the open transaction: kept (until the commit) when it succeeds,
/// undone when it refuses or panics. When the savepoint cannot be undone, the whole
/// transaction is rolled back rather than commit half a write.
fn in_savepoint<T, E, F>(conn: &Connection, f: F) -> Result<T, E>
where
    E: From<DbError>,
    F: FnOnce(&Conn<'_, '_>) -> Result<T, E>,
{
    conn.execute_batch("SAVEPOINT write").map_err(DbError::from)?;
    let done = std::panic::catch_unwind(AssertUnwindSafe(|| f(&Conn::Sqlite(conn))));
    if let Ok(Ok(value)) = done {
        conn.execute_batch("RELEASE write").map_err(DbError::from)?;
        return Ok(value);
    }
    if conn.execute_batch("ROLLBACK TO write; RELEASE write").is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    match done {
        Ok(Err(refused)) => Err(refused),
        _ => Err(DbError::Other("a database write panicked".into()).into()),
    }
}

/// The same error again, for each write a commit held (SQLite's code kept, so a busy
/// database still reads as one).
fn copy(e: &DbError) -> DbError {
    match e {
        DbError::Sqlite(rusqlite::Error::SqliteFailure(code, message)) => {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(*code, message.clone()))
        }
        other => DbError::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::params;

    /// A writer over a new file with `t(n UNIQUE)` and a deferred reference `r(n → t)`,
    /// and a way to read what is committed through another connection.
    fn writer() -> (tempfile::TempDir, Writer, impl Fn() -> Vec<i64>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;
             CREATE TABLE t (n INTEGER PRIMARY KEY);
             CREATE TABLE r (n INTEGER REFERENCES t (n) DEFERRABLE INITIALLY DEFERRED);",
        )
        .unwrap();
        let committed = move || {
            let c = Connection::open(&path).unwrap();
            let mut s = c.prepare("SELECT n FROM t ORDER BY n").unwrap();
            s.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
        };
        (dir, Writer::start(conn).unwrap(), committed)
    }

    fn insert(n: i64) -> impl FnOnce(&Conn<'_, '_>) -> Result<(), DbError> + Send + 'static {
        move |c| c.execute("INSERT INTO t (n) VALUES (?1)", params![n]).map(|_| ())
    }

    /// Holds the writer for a while, so the writes sent meanwhile share the next commit.
    fn slow(n: i64) -> impl FnOnce(&Conn<'_, '_>) -> Result<(), DbError> + Send + 'static {
        move |c| {
            std::thread::sleep(Duration::from_millis(400));
            insert(n)(c)
        }
    }

    /// A write sent a while later (an async write sends nothing until first polled).
    async fn after<T>(ms: u64, write: impl std::future::Future<Output = T>) -> T {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        write.await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn every_write_answered_is_committed_whatever_others_sent_at_once() {
        let (_dir, writer, committed) = writer();
        let writer = std::sync::Arc::new(writer);
        let sends: Vec<_> = (1..=200)
            .map(|n| {
                let writer = writer.clone();
                tokio::spawn(async move { writer.write(insert(n)).await })
            })
            .collect();
        for send in sends {
            send.await.unwrap().unwrap();
        }
        assert_eq!(committed(), (1..=200).collect::<Vec<_>>());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_refused_or_panicking_write_is_undone_alone() {
        let (_dir, writer, committed) = writer();
        let refuse = |c: &Conn<'_, '_>| -> Result<(), DbError> {
            insert(2)(c)?;
            Err(DbError::Other("refused by its rule".into()))
        };
        let panic = |c: &Conn<'_, '_>| -> Result<(), DbError> {
            insert(4)(c)?;
            panic!("a bug in a write")
        };
        let (first, one, two, three, four, five) = tokio::join!(
            writer.write(slow(10)),
            after(30, writer.write(insert(1))),
            after(40, writer.write(refuse)),
            after(50, writer.write(insert(3))),
            after(60, writer.write(panic)),
            after(70, writer.write(insert(5))),
        );
        assert!(first.is_ok() && one.is_ok() && three.is_ok() && five.is_ok());
        assert_eq!(two.unwrap_err().to_string(), "refused by its rule");
        assert!(four.unwrap_err().to_string().contains("panicked"));
        assert_eq!(committed(), vec![1, 3, 5, 10]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_commit_that_fails_fails_every_write_it_held_and_the_next_ones_go_in() {
        let (_dir, writer, committed) = writer();
        // A reference to nothing passes its own savepoint and fails at the commit.
        let dangling = |c: &Conn<'_, '_>| c.execute("INSERT INTO r (n) VALUES (99)", params![]).map(|_| ());
        let (first, other, bad) =
            tokio::join!(writer.write(slow(1)), after(30, writer.write(insert(2))), after(60, writer.write(dangling)),);
        for (what, result) in [("the first", first), ("the other", other), ("the dangling reference", bad)] {
            assert!(result.unwrap_err().to_string().contains("FOREIGN KEY"), "{what}");
        }
        assert_eq!(committed(), Vec::<i64>::new());
        writer.write(insert(3)).await.unwrap();
        assert_eq!(committed(), vec![3]);
    }
}
