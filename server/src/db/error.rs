//! Store: what goes wrong in the database layer, and reading "no row" as `None`.

/// What went wrong in the database layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no row")]
    NoRow,
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {}", pg_message(.0))]
    Postgres(#[from] postgres::Error),
    #[error("column {0}: {1}")]
    Type(usize, String),
    #[error("{0}")]
    Other(String),
}

impl DbError {
    /// Whether this is a unique (or primary key) constraint refusing a row.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            }
            DbError::Postgres(e) => e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
            _ => false,
        }
    }

    /// Whether the database asks for the transaction to be run again (a serialization
    /// failure or deadlock between instances, or SQLite busy).
    pub fn is_retryable(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => e.code == rusqlite::ErrorCode::DatabaseBusy,
            DbError::Postgres(e) => {
                e.code() == Some(&postgres::error::SqlState::T_R_SERIALIZATION_FAILURE)
                    || e.code() == Some(&postgres::error::SqlState::T_R_DEADLOCK_DETECTED)
            }
            _ => false,
        }
    }
}

/// PostgreSQL's own words for an error (its Display says only "db error").
fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{} ({}){}", d.message(), d.code().code(), d.detail().map(|x| format!(": {x}")).unwrap_or_default()),
        None => e.to_string(),
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// `.optional()` on a query that may find no row.
pub trait OptionalExt<T> {
    fn optional(self) -> DbResult<Option<T>>;
}

impl<T> OptionalExt<T> for DbResult<T> {
    fn optional(self) -> DbResult<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(DbError::NoRow) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
