//! Store: TLS to PostgreSQL. `sslmode=require` in a `--database-url` (or libpq's `verify-ca`,
//! `verify-full`) connects over TLS and always checks the server's certificate, against the
//! system's roots and the CA file `sslrootcert=` names (a managed database's CA). Other modes
//! (the default `prefer`, `disable`) connect in the clear, as before.

use std::sync::Arc;

use tokio_postgres_rustls::MakeRustlsConnect;

/// How to reach the database: the URL as the PostgreSQL client takes it, and TLS or not.
#[derive(Clone)]
pub struct PgTarget {
    pub url: String,
    tls: Option<MakeRustlsConnect>,
}

impl PgTarget {
    /// Reads `sslmode` and `sslrootcert` off a URL.
    pub fn parse(url: &str) -> Result<PgTarget, String> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let (mut mode, mut root, mut kept) = (None, None, Vec::new());
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("sslmode", m)) => mode = Some(m.to_owned()),
                Some(("sslrootcert", path)) => root = Some(path.to_owned()),
                _ => kept.push(pair),
            }
        }
        let tls = match mode.as_deref() {
            Some("require" | "verify-ca" | "verify-full") => Some(connector(root.as_deref())?),
            None | Some("prefer" | "disable" | "allow") => None,
            Some(other) => return Err(format!("sslmode={other} is not one of disable, prefer, require, verify-ca, verify-full")),
        };
        // The client knows `require` (with our connector, verified) and not libpq's verify-*.
        if tls.is_some() {
            kept.push("sslmode=require");
        } else if mode.as_deref() == Some("disable") {
            kept.push("sslmode=disable");
        }
        let url = if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
        Ok(PgTarget { url, tls })
    }

    /// A new connection.
    pub fn connect(&self) -> Result<postgres::Client, postgres::Error> {
        match &self.tls {
            Some(tls) => postgres::Client::connect(&self.url, tls.clone()),
            None => postgres::Client::connect(&self.url, postgres::NoTls),
        }
    }
}

/// An error with what caused it ("error performing TLS handshake: invalid peer certificate:
/// UnknownIssuer"): the client's own message alone does not say why.
pub fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(&format!(": {c}"));
        cause = c.source();
    }
    text
}

fn connector(root: Option<&str>) -> Result<MakeRustlsConnect, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    // The system's roots (managed databases signed by a public CA); a missing store is fine.
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = root {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .map_err(|e| format!("sslrootcert {path}: {e}"))?
            .collect::<Result<_, _>>()
            .map_err(|e| format!("sslrootcert {path}: {e}"))?;
        if certs.is_empty() {
            return Err(format!("sslrootcert {path}: no certificate in it"));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| format!("sslrootcert {path}: {e}"))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    use super::PgTarget;

    #[test]
    fn the_url_keeps_what_the_client_knows_and_the_mode_decides_tls() {
        let plain = PgTarget::parse("postgres://civic@127.0.0.1:5432/civic").unwrap();
        assert_eq!((plain.url.as_str(), plain.tls.is_some()), ("postgres://civic@127.0.0.1:5432/civic", false));
        let tls = PgTarget::parse("postgres://u@db.example:5432/civic?sslmode=verify-full&connect_timeout=5").unwrap();
        assert_eq!((tls.url.as_str(), tls.tls.is_some()), ("postgres://u@db.example:5432/civic?connect_timeout=5&sslmode=require", true));
        assert!(PgTarget::parse("postgres://h/d?sslmode=sometimes").is_err());
        let missing = PgTarget::parse("postgres://h/d?sslmode=require&sslrootcert=/nonexistent/ca.pem");
        assert!(missing.err().is_some_and(|e| e.contains("/nonexistent/ca.pem")));
    }
}
