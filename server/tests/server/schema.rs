//! The two databases' schemas describe the same tables and columns. They are written twice
//! (`schema_v*.sql` for SQLite, `pg_v*.sql` for PostgreSQL, with each one's types): a table or
//! column added to one and not the other, or NOT NULL on one side only, fails here. Runs on
//! PostgreSQL (`CIVIC_TEST_DATABASE_URL`, which `scripts/test-on-postgres` sets).

use std::collections::BTreeSet;

use civic_server::db::Db;
use civic_server::params;

/// (table, column, not null) of every table the migrations make.
type Columns = BTreeSet<(String, String, bool)>;

async fn columns(db: &Db, sql: &'static str) -> Columns {
    db.read(move |c| c.query_all(sql, params![], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?))))
        .await
        .expect("the columns")
        .into_iter()
        .collect()
}

// Not a tokio test: the PostgreSQL client blocks, and opening it inside a runtime is refused.
#[test]
fn sqlite_and_postgresql_have_the_same_tables_columns_and_not_nulls() {
    let dir = tempfile::tempdir().unwrap();
    let Some(url) = crate::common::test_database(dir.path()) else {
        eprintln!("skipped: set CIVIC_TEST_DATABASE_URL (scripts/test-on-postgres does) to compare with PostgreSQL");
        return;
    };
    let sqlite = Db::open(&dir.path().join("civic.sqlite3")).expect("SQLite");
    let postgres = Db::open_url(&url, 1).expect("PostgreSQL");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    // A primary key is never null, whether or not SQLite's schema says so.
    let on_sqlite = runtime.block_on(columns(
        &sqlite,
        "SELECT m.name, p.name, p.\"notnull\" = 1 OR p.pk > 0 FROM sqlite_master m, pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
    ));
    let on_postgres = runtime.block_on(columns(
        &postgres,
        "SELECT table_name::text, column_name::text, is_nullable = 'NO' FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name <> 'schema_version'",
    ));
    // The one difference on purpose: units listed in insertion order, which SQLite's rowid
    // gives and PostgreSQL needs a column for.
    let mut on_postgres = on_postgres;
    assert!(on_postgres.remove(&("unit".to_owned(), "position".to_owned(), true)), "unit.position (SQLite's rowid) is gone");
    let only_sqlite: Vec<_> = on_sqlite.difference(&on_postgres).collect();
    let only_postgres: Vec<_> = on_postgres.difference(&on_sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the schemas differ:\n  only on SQLite: {only_sqlite:?}\n  only on PostgreSQL: {only_postgres:?}"
    );
    assert!(on_sqlite.len() > 50, "the comparison saw the tables: {}", on_sqlite.len());
}
