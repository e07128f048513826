//! Photos in S3-compatible object storage (`--photo-store s3://…`): a real S3 server over a
//! folder (s3s-fs, on loopback, with signed requests) in place of a cloud bucket.

use crate::common::*;
use reqwest::StatusCode;
use tempfile::tempdir;

const KEY_ID: &str = "civic-test-key";
const SECRET: &str = "civic-test-secret-0123456789";

/// Starts the S3 server over `root` and returns its URL.
async fn s3_server(root: &std::path::Path) -> String {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    let fs = s3s_fs::FileSystem::new(root).expect("s3s-fs");
    let mut builder = s3s::service::S3ServiceBuilder::new(fs);
    builder.set_auth(s3s::auth::SimpleAuth::from_single(KEY_ID, SECRET));
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { continue };
            let service = service.clone();
            tokio::spawn(async move {
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    url
}

/// A server whose photos go to `store` on the S3 server at `endpoint`; its S3 settings come
/// from the environment, as in production.
fn start_on_s3(dir: &std::path::Path, endpoint: &str, store: &str) -> TestServer {
    start_with_secret(dir, endpoint, store, SECRET)
}

fn start_with_secret(dir: &std::path::Path, endpoint: &str, store: &str, secret: &str) -> TestServer {
    let env = [
        ("AWS_ACCESS_KEY_ID", KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", secret),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT", endpoint),
        ("AWS_ALLOW_HTTP", "true"),
    ];
    TestServer::start_with_env(dir, &["--photo-store", store], &env)
}

#[tokio::test]
async fn photos_go_to_the_bucket_and_come_back_from_it_after_a_restart() {
    let bucket_root = tempdir().unwrap();
    std::fs::create_dir(bucket_root.path().join("civic-photos")).unwrap();
    let endpoint = s3_server(bucket_root.path()).await;
    let dir = tempdir().unwrap();
    let srv = start_on_s3(dir.path(), &endpoint, "s3://civic-photos/hue");

    let citizen = srv.device().await;
    let original = jpeg(800, 600, 7);
    let hash = srv.upload(&citizen, &original).await;
    let receipt = srv.submit(&citizen, &litter_report(CITADEL, vec![hash.clone()])).await;
    let served = srv.get(None, &format!("/api/v1/photos/{hash}")).await;
    assert_eq!(served.status(), StatusCode::OK);
    let served = served.bytes().await.unwrap();
    assert!(served.starts_with(&[0xFF, 0xD8]));

    // The stored JPEG is an object in the bucket, under the prefix; nothing in the data folder.
    let objects: Vec<_> = walk(&bucket_root.path().join("civic-photos/hue"));
    assert_eq!(objects.len(), 1, "{objects:?}");
    assert_eq!(std::fs::read(&objects[0]).unwrap(), served.to_vec());
    assert!(walk(&dir.path().join("photos")).is_empty());

    // Another process (another data folder) on the same database and bucket serves it too.
    srv.kill();
    let srv = start_on_s3(dir.path(), &endpoint, "s3://civic-photos/hue");
    let again = srv.get(None, &format!("/api/v1/public/reports/{}", receipt.public_number)).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(srv.get(None, &format!("/api/v1/photos/{hash}")).await.bytes().await.unwrap(), served);
    assert_eq!(srv.get(None, &format!("/api/v1/photos/{}", "0".repeat(64))).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_store_that_refuses_costs_the_upload_and_the_retry_succeeds() {
    let bucket_root = tempdir().unwrap();
    std::fs::create_dir(bucket_root.path().join("civic-photos")).unwrap();
    let endpoint = s3_server(bucket_root.path()).await;
    let dir = tempdir().unwrap();
    // Credentials the store refuses: uploads fail with a 500 that says nothing was lost.
    let srv = start_with_secret(dir.path(), &endpoint, "s3://civic-photos", "not-the-secret");
    let citizen = srv.device().await;
    let bytes = jpeg(320, 240, 8);
    let r = srv.put_photo(&citizen, &sha256(&bytes), bytes.clone()).await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.text().await.unwrap().contains("nothing you sent was lost"));
    // The photo is not recorded as stored, so the phone's retry (once the store is right) works.
    srv.kill();
    let srv = start_on_s3(dir.path(), &endpoint, "s3://civic-photos");
    let r = srv.put_photo(&citizen, &sha256(&bytes), bytes).await;
    assert_eq!(r.status(), StatusCode::CREATED, "stored now, not 'already known'");
    assert_eq!(walk(&bucket_root.path().join("civic-photos")).len(), 1);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            out.push(p);
        }
    }
    out
}
