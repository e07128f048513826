//! PostgreSQL over TLS, as managed databases require: `sslmode=require` connects encrypted and
//! checks the server's certificate (here against the CA `sslrootcert` names); a certificate
//! nobody vouches for is refused. Runs on the PostgreSQL pass, whose server
//! (`scripts/postgres`) takes TLS with a CA of its own (`CIVIC_TEST_DATABASE_CA`).

use civic_server::db::Db;
use civic_server::params;

// Not a tokio test: the PostgreSQL client blocks, and opening it inside a runtime is refused.
#[test]
fn sslmode_require_encrypts_and_checks_the_servers_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (Some(url), Ok(ca)) = (crate::common::test_database(dir.path()), std::env::var("CIVIC_TEST_DATABASE_CA")) else {
        eprintln!("skipped: needs CIVIC_TEST_DATABASE_URL and CIVIC_TEST_DATABASE_CA (scripts/postgres start)");
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    let encrypted = |db: &Db| {
        runtime
            .block_on(
                db.read(|c| c.query_row("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", params![], |r| r.get::<_, bool>(0))),
            )
            .expect("pg_stat_ssl")
    };

    let plain = Db::open_url(&url, 1).expect("in the clear, as before");
    assert!(!encrypted(&plain));
    for mode in ["require", "verify-full"] {
        let db = Db::open_url(&format!("{url}?sslmode={mode}&sslrootcert={ca}"), 2).expect("over TLS");
        assert!(encrypted(&db), "sslmode={mode}");
    }
    // The same server without its CA: nobody vouches for its certificate.
    let refused = Db::open_url(&format!("{url}?sslmode=require"), 1).err().expect("refused");
    assert!(refused.to_lowercase().contains("certificate") || refused.contains("UnknownIssuer"), "{refused}");
}
