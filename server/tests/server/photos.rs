//! Photos the apps made are kept as they are, stripped of their metadata; the console's and
//! Open311's always go through the full pipeline (see `web.rs` and `open311.rs` for those).

use crate::common::*;
use civic_core::photo::sample::{self, Ifd, Tiff};
use civic_core::photo::{PhotoOptions, process};
use reqwest::StatusCode;
use serde_json::Value;
use tempfile::tempdir;

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    s.extend_from_slice(payload);
    s
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn an_apps_photo_is_served_as_it_was_made_without_the_metadata_added_to_it() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    // What the app's pipeline makes of a camera photo: 1600x1200, q80, JFIF only.
    let made = process(&sample::camera_jpeg(2000, 1500), &PhotoOptions::default()).unwrap();
    // Then metadata put back in: EXIF with GPS, XMP, a comment, data after the end.
    let gps = Tiff::new()
        .ascii(Ifd::Gps, 0x0001, "N")
        .rationals(Ifd::Gps, 0x0002, &[(16, 1), (28, 1), (1128, 100)])
        .ascii(Ifd::Gps, 0x0003, "E")
        .rationals(Ifd::Gps, 0x0004, &[(107, 1), (34, 1), (4296, 100)])
        .app1();
    let xmp = segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>XMP-SECRET</x:xmpmeta>");
    let com = segment(0xFE, b"COMMENT-SECRET");
    let mut upload = sample::insert_segments(&made.jpeg, &[&gps, &xmp, &com]);
    upload.extend_from_slice(b"TRAILING-SECRET");

    let hash = sha256(&upload);
    let r = srv.put_photo(&citizen, &hash, upload.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let stored: Value = r.json().await.unwrap();
    assert_eq!((stored["width"].as_u64(), stored["height"].as_u64()), (Some(1600), Some(1200)));
    let served = srv.get(None, &format!("/api/v1/photos/{hash}")).await.bytes().await.unwrap();
    for secret in [&b"Exif"[..], b"XMP-SECRET", b"COMMENT-SECRET", b"TRAILING-SECRET"] {
        assert!(!contains(&served, secret), "{} served", String::from_utf8_lossy(secret));
    }
    // Not compressed again: exactly the app's bytes, so exactly its pixels.
    assert_eq!(served.as_ref(), made.jpeg.as_slice());
    assert_eq!(stored["bytes"].as_u64(), Some(made.jpeg.len() as u64));

    // A report with it goes in like any other.
    let receipt = srv.submit(&citizen, &litter_report(CITADEL, vec![hash])).await;
    assert!(!receipt.public_number.is_empty());
}

#[tokio::test]
async fn an_apps_photo_that_is_too_big_or_turned_is_made_again() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    let made = process(&sample::camera_jpeg(2000, 1500), &PhotoOptions::default()).unwrap();
    let turned = sample::insert_segments(&made.jpeg, &[&Tiff::new().short(Ifd::Primary, 0x0112, 6).app1()]);
    let hash = srv.upload(&citizen, &turned).await;
    let served = srv.get(None, &format!("/api/v1/photos/{hash}")).await.bytes().await.unwrap();
    let img = image::load_from_memory(&served).unwrap();
    assert_eq!((img.width(), img.height()), (1200, 1600), "turned upright");
    assert!(!contains(&served, b"Exif"));

    let big = srv.upload(&citizen, &jpeg(2400, 1800, 9)).await;
    let served = srv.get(None, &format!("/api/v1/photos/{big}")).await.bytes().await.unwrap();
    let img = image::load_from_memory(&served).unwrap();
    assert_eq!((img.width(), img.height()), (1600, 1200), "resized");
}

#[tokio::test]
async fn the_same_photo_uploaded_many_times_at_once_is_stored_once_and_every_upload_answered() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let citizen = srv.device().await;
    // A phone retrying on a flaky link, and the full pipeline's path as well as the app's.
    for photo in [process(&sample::camera_jpeg(1200, 900), &PhotoOptions::default()).unwrap().jpeg, sample::camera_jpeg(2400, 1800)] {
        let hash = sha256(&photo);
        let uploads = (0..16).map(|_| srv.put_photo(&citizen, &hash, photo.clone()));
        for r in futures_util::future::join_all(uploads).await {
            assert!(r.status() == StatusCode::CREATED || r.status() == StatusCode::OK, "{}", r.status());
        }
        let served = srv.get(None, &format!("/api/v1/photos/{hash}")).await;
        assert_eq!(served.status(), StatusCode::OK);
    }
    let photos =
        std::fs::read_dir(dir.path().join("photos")).unwrap().flatten().flat_map(|d| std::fs::read_dir(d.path()).unwrap().flatten());
    let names: Vec<String> = photos.map(|f| f.file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 2, "one file each, no temporary left: {names:?}");
}
