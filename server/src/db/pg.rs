//! Store: what PostgreSQL needs of the common dialect: `$N` placeholders, values converted to
//! each column's type, and a transaction's prepared statements.

use std::collections::HashMap;

use super::{DbResult, Value};

/// A connection, in a transaction `pg_pool` begins and ends (or, for `Db::write_statement`,
/// each statement its own), and its prepared statements.
pub struct PgTx<'a, 'c> {
    pub client: &'a mut postgres::Client,
    pub cache: &'c mut HashMap<String, postgres::Statement>,
    /// Whether a statement failed in a way PostgreSQL asks to be run again (a
    /// serialization failure, a deadlock): the transaction runner then tries it again.
    pub retryable: bool,
}

impl PgTx<'_, '_> {
    /// A statement's error as the store's, noting whether the transaction may be run again.
    pub(super) fn failed(&mut self, e: postgres::Error) -> super::DbError {
        let e = super::DbError::from(e);
        self.retryable |= e.is_retryable();
        e
    }

    /// The prepared statement for `sql`, prepared once per connection.
    pub(super) fn statement(&mut self, sql: &str) -> DbResult<postgres::Statement> {
        if let Some(s) = self.cache.get(sql) {
            return Ok(s.clone());
        }
        let stmt = self.client.prepare(&postgres_sql(sql))?;
        self.cache.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }
}

/// `?` and `?N` placeholders as PostgreSQL's `$N` (outside quoted text).
pub fn postgres_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut next = 0u32;
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                out.push(c);
            }
            '?' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                let n = if digits.is_empty() {
                    next += 1;
                    next
                } else {
                    let n: u32 = digits.parse().unwrap_or(0);
                    next = next.max(n);
                    n
                };
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

/// A value as PostgreSQL takes and gives it: converted to whatever type the statement's
/// parameter or column has (our integers are BIGINT, flags included; reals DOUBLE).
#[derive(Debug)]
pub(super) struct PgValue(pub(super) Value);

impl postgres::types::ToSql for PgValue {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, Type};
        match (&self.0, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Int(i), &Type::INT8) => i.to_sql(ty, out),
            (Value::Int(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
            (Value::Int(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (Value::Int(i), &Type::TEXT | &Type::VARCHAR) => i.to_string().to_sql(ty, out),
            (Value::Real(x), &Type::FLOAT8) => x.to_sql(ty, out),
            (Value::Real(x), &Type::FLOAT4) => (*x as f32).to_sql(ty, out),
            (Value::Text(s), _) => s.as_str().to_sql(ty, out),
            (Value::Blob(b), _) => b.as_slice().to_sql(ty, out),
            (v, t) => Err(format!("cannot send {v:?} as {t}").into()),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

impl<'a> postgres::types::FromSql<'a> for PgValue {
    fn from_sql(ty: &postgres::types::Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        let v = match *ty {
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Int(i64::from(i32::from_sql(ty, raw)?)),
            Type::INT2 => Value::Int(i64::from(i16::from_sql(ty, raw)?)),
            Type::BOOL => Value::Int(i64::from(bool::from_sql(ty, raw)?)),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f64::from(f32::from_sql(ty, raw)?)),
            Type::BYTEA => Value::Blob(<Vec<u8>>::from_sql(ty, raw)?),
            _ => Value::Text(String::from_sql(ty, raw)?),
        };
        Ok(PgValue(v))
    }

    fn from_sql_null(_: &postgres::types::Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(PgValue(Value::Null))
    }

    fn accepts(ty: &postgres::types::Type) -> bool {
        use postgres::types::Type;
        matches!(
            *ty,
            Type::INT8
                | Type::INT4
                | Type::INT2
                | Type::BOOL
                | Type::FLOAT8
                | Type::FLOAT4
                | Type::BYTEA
                | Type::TEXT
                | Type::VARCHAR
                | Type::BPCHAR
                | Type::NAME
        )
    }
}

#[cfg(test)]
mod tests {
    use super::postgres_sql;

    #[test]
    fn placeholders_become_numbered_outside_quotes() {
        assert_eq!(postgres_sql("SELECT a FROM t WHERE b = ?1 AND c = ?2 OR d = ?1"), "SELECT a FROM t WHERE b = $1 AND c = $2 OR d = $1");
        assert_eq!(postgres_sql("INSERT INTO t VALUES (?, ?, '?')"), "INSERT INTO t VALUES ($1, $2, '?')");
        assert_eq!(postgres_sql("SELECT ?2, ?"), "SELECT $2, $3");
    }
}
