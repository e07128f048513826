//! Store: one way to run SQL on SQLite and on PostgreSQL: the store's functions write their
//! statements once, in the common dialect (`?`/`?N` placeholders, `||`, `ON CONFLICT`,
//! `RETURNING`, `CAST(? AS TEXT)` where PostgreSQL cannot guess a parameter's type), and read
//! rows with `row.get(i)?` into plain Rust types.

use std::cell::RefCell;

use super::pg::{PgTx, PgValue};
use super::{DbError, DbResult, FromValue, Params, Value};

/// One row of a result.
pub struct Row {
    values: Vec<Value>,
}

/// A column's position (from 0).
pub trait ColumnIndex {
    fn index(self) -> usize;
}

impl ColumnIndex for usize {
    fn index(self) -> usize {
        self
    }
}

impl Row {
    /// Column `i` (from 0) as a `T`.
    pub fn get<I: ColumnIndex, T: FromValue>(&self, i: I) -> DbResult<T> {
        let i = i.index();
        let v = self.values.get(i).cloned().ok_or_else(|| DbError::Type(i, "no such column".into()))?;
        T::from_value(v).map_err(|e| DbError::Type(i, e))
    }
}

/// A connection inside a transaction: what the closures of `Db::read` and `write` are given.
pub enum Conn<'a, 'c> {
    Sqlite(&'a rusqlite::Connection),
    Postgres(RefCell<PgTx<'a, 'c>>),
}

/// A statement of a `Conn`.
pub struct Stmt<'s, 'a, 'c> {
    conn: &'s Conn<'a, 'c>,
    sql: String,
}

impl Stmt<'_, '_, '_> {
    pub fn query_map<T>(&mut self, params: impl Params, f: impl FnMut(&Row) -> DbResult<T>) -> DbResult<std::vec::IntoIter<DbResult<T>>> {
        Ok(self.conn.query_all(&self.sql, params, f)?.into_iter().map(Ok).collect::<Vec<_>>().into_iter())
    }

    pub fn query_row<T>(&mut self, params: impl Params, f: impl FnOnce(&Row) -> DbResult<T>) -> DbResult<T> {
        self.conn.query_row(&self.sql, params, f)
    }

    pub fn execute(&mut self, params: impl Params) -> DbResult<usize> {
        self.conn.execute(&self.sql, params)
    }
}

impl<'a, 'c> Conn<'a, 'c> {
    /// Runs a statement; the number of rows it changed.
    pub fn execute(&self, sql: &str, params: impl Params) -> DbResult<usize> {
        let params = params.values();
        match self {
            Conn::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(params.into_iter().map(sqlite_value)))?)
            }
            Conn::Postgres(tx) => {
                let values: Vec<PgValue> = params.into_iter().map(PgValue).collect();
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = values.iter().map(|v| v as _).collect();
                let mut pg = tx.borrow_mut();
                let stmt = pg.statement(sql)?;
                let changed = pg.client.execute(&stmt, &refs);
                Ok(changed.map_err(|e| pg.failed(e))? as usize)
            }
        }
    }

    /// Every row of a query, each through `f`.
    pub fn query_all<T>(&self, sql: &str, params: impl Params, mut f: impl FnMut(&Row) -> DbResult<T>) -> DbResult<Vec<T>> {
        let params = params.values();
        match self {
            Conn::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let width = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(params.into_iter().map(sqlite_value)))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    let values = (0..width).map(|i| r.get_ref(i).map(from_sqlite)).collect::<Result<Vec<_>, _>>()?;
                    out.push(f(&Row { values })?);
                }
                Ok(out)
            }
            Conn::Postgres(tx) => {
                let values: Vec<PgValue> = params.into_iter().map(PgValue).collect();
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = values.iter().map(|v| v as _).collect();
                let rows = {
                    let mut pg = tx.borrow_mut();
                    let stmt = pg.statement(sql)?;
                    let rows = pg.client.query(&stmt, &refs);
                    rows.map_err(|e| pg.failed(e))?
                };
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    let values = (0..r.len()).map(|i| r.try_get::<_, PgValue>(i).map(|v| v.0)).collect::<Result<Vec<_>, _>>()?;
                    out.push(f(&Row { values })?);
                }
                Ok(out)
            }
        }
    }

    /// The first row of a query through `f`; `DbError::NoRow` when there is none.
    pub fn query_row<T>(&self, sql: &str, params: impl Params, f: impl FnOnce(&Row) -> DbResult<T>) -> DbResult<T> {
        // The callers' statements give one row or none.
        let row = self.query_all(sql, params, |r| Ok(Row { values: r.values.clone() }))?.into_iter().next();
        f(&row.ok_or(DbError::NoRow)?)
    }

    /// A statement to run once or several times (prepared statements are cached by the
    /// connection either way).
    pub fn prepare_cached<'s>(&'s self, sql: &str) -> DbResult<Stmt<'s, 'a, 'c>> {
        Ok(Stmt { conn: self, sql: sql.to_owned() })
    }

    /// Whether the backend is PostgreSQL (for the few statements that differ).
    pub fn is_postgres(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }
}

fn sqlite_value(v: Value) -> rusqlite::types::Value {
    match v {
        Value::Null => rusqlite::types::Value::Null,
        Value::Int(i) => rusqlite::types::Value::Integer(i),
        Value::Real(x) => rusqlite::types::Value::Real(x),
        Value::Text(s) => rusqlite::types::Value::Text(s),
        Value::Blob(b) => rusqlite::types::Value::Blob(b),
    }
}

fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(x) => Value::Real(x),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}
