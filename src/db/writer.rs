//! The one writer: every write of the application runs on one SQLite connection owned by
//! one task, which batches the writes that arrive together into one transaction (group
//! commit).
//!
//! Why: SQLite has one writer at a time anyway. With writes spread over pooled
//! connections, each took `BEGIN IMMEDIATE`, the losers slept in SQLite's busy handler and
//! every write paid for its own fsync. Here a write waits in a queue instead, and all
//! writes that queued during one commit share the next one (the figures are in the README
//! and docs/decisions.md).
//!
//! Guarantees:
//! - A caller gets its result only after the COMMIT that holds its write succeeded
//!   (`synchronous = FULL`: durable). Until then nothing is acknowledged.
//! - Each write runs inside its own SAVEPOINT: a write that fails (a rule refuses it, a
//!   constraint) is rolled back alone and its neighbours in the batch commit.
//! - When the transaction as a whole fails (disk full, I/O error: the COMMIT, or a
//!   statement after which SQLite rolled everything back), every write of the batch gets
//!   an error, the transaction is rolled back and the connection, whose state is then
//!   unknown, is closed. The next batch opens a new one: writes work again by themselves
//!   as soon as the disk has space.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use tokio::sync::{mpsc, oneshot};

/// Writes queued beyond this make callers wait before queueing (back-pressure).
const QUEUE: usize = 1024;
/// At most this many writes share one transaction, so one commit stays short.
const BATCH_MAX: usize = 256;
/// `PRAGMA max_page_count` when no limit is set (SQLite's own maximum).
const NO_PAGE_LIMIT: u64 = 4_294_967_294;

/// How a batch ends: its search entries indexed (one FTS5 segment for them all), then the
/// COMMIT, in one round trip to SQLite's thread. A failing statement stops the script
/// before the COMMIT.
const COMMIT: &str = concat!(super::index_pending_sql!(), " COMMIT;");

/// What the writer calls after the transaction ended: `None` if it committed.
type Finish = Box<dyn FnOnce(Option<sqlx::Error>) + Send>;

/// A queued write, with its caller's answer.
trait Job: Send {
    /// Runs the write; says whether it succeeded and how to answer once the outcome of
    /// the transaction is known.
    fn run<'c>(self: Box<Self>, conn: &'c mut SqliteConnection) -> BoxFuture<'c, (bool, Finish)>;
    /// Answers without running (no transaction could be started).
    fn refuse(self: Box<Self>, error: sqlx::Error);
}

struct Pending<F, T, E> {
    write: F,
    answer: oneshot::Sender<Result<T, E>>,
}

impl<F, T, E> Job for Pending<F, T, E>
where
    T: Send + 'static,
    E: From<sqlx::Error> + Send + 'static,
    F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Result<T, E>> + Send + 'static,
{
    fn run<'c>(self: Box<Self>, conn: &'c mut SqliteConnection) -> BoxFuture<'c, (bool, Finish)> {
        let Pending { write, answer } = *self;
        Box::pin(async move {
            let result = write(conn).await;
            let ok = result.is_ok();
            let finish: Finish = Box::new(move |failure| {
                let outcome = match (result, failure) {
                    (Ok(value), None) => Ok(value),
                    (Ok(_), Some(e)) => Err(E::from(e)),
                    (Err(e), _) => Err(e),
                };
                let _ = answer.send(outcome);
            });
            (ok, finish)
        })
    }

    fn refuse(self: Box<Self>, error: sqlx::Error) {
        let _ = self.answer.send(Err(E::from(error)));
    }
}

/// A handle to the writer task; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Box<dyn Job>>,
    page_limit: Arc<AtomicU64>,
}

impl Writer {
    /// Starts the writer task on `conn` (reopened from `options` whenever it must be
    /// closed).
    pub fn start(options: SqliteConnectOptions, conn: SqliteConnection) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let page_limit = Arc::new(AtomicU64::new(NO_PAGE_LIMIT));
        let task = Task {
            options,
            conn: Some(conn),
            page_limit: page_limit.clone(),
            applied_limit: NO_PAGE_LIMIT,
        };
        // Its own thread and runtime: the writer is polled the moment SQLite answers, not
        // when a worker of the main runtime is free of request handling.
        std::thread::Builder::new()
            .name("db-writer".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(task.run(queue)),
                    Err(e) => tracing::error!(error = %e, "cannot start the database writer"),
                }
            })?;
        Ok(Self { jobs, page_limit })
    }

    /// Runs `write` in the writer's transaction and answers once that transaction
    /// committed. `write` must only touch the database: it runs while every other write
    /// waits. An error from `write` rolls back its own changes alone.
    pub async fn write<T, E, F>(&self, write: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<sqlx::Error> + Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Result<T, E>> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel::<Result<T, E>>();
        let job: Box<dyn Job> = Box::new(Pending { write, answer });
        if self.jobs.send(job).await.is_err() {
            return Err(E::from(stopped()));
        }
        // A dropped answer means the write panicked (a bug, not a full disk): the caller
        // gets an error that is not "unavailable", so a 500 rather than a 503.
        answered.await.unwrap_or_else(|_| Err(E::from(panicked())))
    }

    /// Fault injection for tests and drills: caps the database at `pages` pages (`PRAGMA
    /// max_page_count` on the writer's connection), so that writes needing more space fail
    /// exactly as on a full disk. `None` lifts the cap.
    pub fn limit_pages(&self, pages: Option<u64>) {
        self.page_limit
            .store(pages.unwrap_or(NO_PAGE_LIMIT), Ordering::SeqCst);
    }
}

fn stopped() -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other("the database writer has stopped"))
}

fn panicked() -> sqlx::Error {
    sqlx::Error::Protocol("the write failed unexpectedly and was rolled back".into())
}

/// The error given to the writes of a batch that was rolled back as a whole.
fn batch_failed(cause: &sqlx::Error) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(format!(
        "the transaction was rolled back: {cause}"
    )))
}

struct Task {
    options: SqliteConnectOptions,
    conn: Option<SqliteConnection>,
    page_limit: Arc<AtomicU64>,
    applied_limit: u64,
}

impl Task {
    async fn run(mut self, mut queue: mpsc::Receiver<Box<dyn Job>>) {
        while let Some(first) = queue.recv().await {
            self.batch(first, &mut queue).await;
        }
        if let Some(conn) = self.conn.take() {
            let _ = conn.close().await;
        }
    }

    /// One transaction: `first` and whatever else is queued by the time each write is
    /// done, up to [`BATCH_MAX`].
    ///
    /// Each write runs inside the savepoint `write`. Statements are paired to save round
    /// trips to SQLite's thread: the transaction opens with the first savepoint, a write
    /// that succeeded is released together with the next one's savepoint, a write that
    /// failed is rolled back to its savepoint (which stays, empty, for the next write) and
    /// the last write is released by the COMMIT itself.
    async fn batch(&mut self, first: Box<dyn Job>, queue: &mut mpsc::Receiver<Box<dyn Job>>) {
        let conn = match self.connection().await {
            Ok(conn) => conn,
            Err(e) => return fail_unstarted(first, &e),
        };
        if let Err(e) = sqlx::raw_sql("BEGIN IMMEDIATE; SAVEPOINT write")
            .execute(&mut *conn)
            .await
        {
            self.discard().await;
            return fail_unstarted(first, &e);
        }
        let mut finishes: Vec<Finish> = Vec::new();
        let mut job = first;
        let broken = loop {
            let (ok, finish) = run_job(conn, job).await;
            finishes.push(finish);
            let next = if finishes.len() < BATCH_MAX {
                queue.try_recv().ok()
            } else {
                None
            };
            let end = match (ok, next.is_some()) {
                (true, true) => sqlx::raw_sql("RELEASE write; SAVEPOINT write")
                    .execute(&mut *conn)
                    .await
                    .map(|_| ()),
                (true, false) => Ok(()),
                (false, _) => sqlx::query("ROLLBACK TO write")
                    .execute(&mut *conn)
                    .await
                    .map(|_| ()),
            };
            match (end, next) {
                // Undoing or closing the write failed: SQLite has rolled back (or cannot
                // tell) the whole transaction.
                (Err(e), next) => {
                    if let Some(job) = next {
                        job.refuse(batch_failed(&e));
                    }
                    break Some(e);
                }
                (Ok(()), Some(next)) => job = next,
                (Ok(()), None) => break None,
            }
        };
        let failure = match broken {
            Some(e) => Some(e),
            // The batch's search entries go into the index in the same transaction.
            None => sqlx::raw_sql(COMMIT).execute(&mut *conn).await.err(),
        };
        match failure {
            None => finishes.into_iter().for_each(|finish| finish(None)),
            Some(e) => {
                tracing::error!(error = %e, writes = finishes.len(), "write transaction failed; rolled back");
                let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                self.discard().await;
                for finish in finishes {
                    finish(Some(batch_failed(&e)));
                }
            }
        }
    }

    /// The connection, opened anew if the last one was discarded, with the page limit in
    /// force.
    async fn connection(&mut self) -> sqlx::Result<&mut SqliteConnection> {
        if self.conn.is_none() {
            self.conn = Some(self.options.connect().await?);
            self.applied_limit = NO_PAGE_LIMIT;
        }
        let wanted = self.page_limit.load(Ordering::SeqCst);
        let conn = self.conn.as_mut().expect("connection opened above");
        if wanted != self.applied_limit {
            let pragma = format!("PRAGMA max_page_count = {wanted}");
            sqlx::query(sqlx::AssertSqlSafe(pragma))
                .execute(&mut *conn)
                .await?;
            self.applied_limit = wanted;
        }
        Ok(conn)
    }

    /// Closes the connection after a failure left it in a state we cannot be sure of.
    async fn discard(&mut self) {
        if let Some(conn) = self.conn.take() {
            // Closing rolls back whatever SQLite still holds open. Bounded, in case the
            // connection's thread is stuck on a failing disk.
            let _ = tokio::time::timeout(Duration::from_secs(5), conn.close()).await;
        }
    }
}

/// Runs one write (inside the savepoint the batch opened for it): whether it succeeded,
/// and how to answer its caller once the transaction's outcome is known.
async fn run_job(conn: &mut SqliteConnection, job: Box<dyn Job>) -> (bool, Finish) {
    match AssertUnwindSafe(job.run(&mut *conn)).catch_unwind().await {
        Ok(done) => done,
        Err(_) => {
            // Its caller's answer was dropped with it: the caller gets `panicked()`.
            tracing::error!("a write panicked; its changes are rolled back");
            (false, Box::new(|_| {}) as Finish)
        }
    }
}

/// Answers a write that could not run because no transaction could be started.
fn fail_unstarted(job: Box<dyn Job>, e: &sqlx::Error) {
    tracing::error!(error = %e, "cannot start a write transaction");
    job.refuse(batch_failed(e));
}
