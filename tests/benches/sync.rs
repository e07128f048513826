//! Sync figures over loopback, printed (never asserted):
//! - pushing queued reports with one ~300 KB photo each: time, and bytes on the wire
//!   against the sum of the payloads (photos + report JSON); the goal is at most 5%;
//! - pulling 10,000 timeline events.
//!
//! `cargo bench -p civic-tests --bench sync` runs 500 reports; under `cargo test` it runs a
//! few as a smoke test.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use civic_tests::{Device, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (reports, events) = if full { (500, 10_000) } else { (5, 200) };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(run(reports, events));
}

/// A noisy 1600x1200 photo: after the phone's pipeline it is about 300 KB.
fn noisy_photo(seed: u32) -> Vec<u8> {
    let mut s = seed.wrapping_mul(2_654_435_761) | 1;
    let img = image::RgbImage::from_fn(1600, 1200, |x, y| {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        let n = (s % 30) as u8;
        image::Rgb([((x / 5) as u8).wrapping_add(n), ((y / 5) as u8).wrapping_add(n / 2), n.wrapping_mul(2)])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).expect("encode");
    out.into_inner()
}

async fn run(reports: u32, events: u32) {
    let server_dir = tempfile::tempdir().expect("dir");
    let phone_dir = tempfile::tempdir().expect("dir");
    let server = Server::start(server_dir.path()).await;
    let (proxy, up_bytes) = counting_proxy(&server.url).await;
    let phone = Device::open(phone_dir.path(), &proxy);

    // Capture (not timed): each report with its own photo.
    let mut payload = 0u64;
    for i in 0..reports {
        let id = phone.civic.start_draft().expect("draft").id;
        let attached = phone.civic.attach_photo(id, &noisy_photo(i)).expect("photo");
        payload += attached.photo.bytes;
        let fix = civic_core::model::GeoFix {
            lat: civic_tests::CITADEL.0,
            lon: civic_tests::CITADEL.1,
            accuracy_m: 5.0,
            source: civic_core::model::FixSource::Gps,
            fixed_at: time::OffsetDateTime::now_utc(),
        };
        phone.civic.set_location(id, fix).expect("fix");
        phone.civic.set_category(id, "litter").expect("category");
        phone.civic.set_answer(id, "amount", Some(civic_core::model::AnswerValue::Choice("bag".into()))).expect("answer");
        let report = phone.civic.send(id).expect("send");
        // The report's own JSON is payload too.
        payload += serde_json::to_vec(&report).map(|v| v.len() as u64).unwrap_or(0);
    }
    let start = Instant::now();
    let out = phone.syncer.sync_now().await;
    let elapsed = start.elapsed();
    let wire = up_bytes.load(Ordering::Relaxed);
    assert_eq!(out.submitted.len() as u32, reports, "every report went");
    println!(
        "sync push: {reports} reports in {:.2} s ({:.1} reports/s); photos+JSON {:.1} MiB, on the wire {:.1} MiB: overhead {:.2}%",
        elapsed.as_secs_f64(),
        f64::from(reports) / elapsed.as_secs_f64(),
        payload as f64 / 1048576.0,
        wire as f64 / 1048576.0,
        (wire as f64 / payload as f64 - 1.0) * 100.0
    );

    // Pull: many events for this device's reports, written straight into the server's store.
    let db = rusqlite::Connection::open(server_dir.path().join("civic.sqlite3")).expect("server db");
    let ids: Vec<String> = out.submitted.iter().map(ToString::to_string).collect();
    let device: String = db.query_row("SELECT device_id FROM report LIMIT 1", [], |r| r.get(0)).expect("device");
    let tx = db.unchecked_transaction().expect("tx");
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    for i in 0..events {
        let event = uuid_v7_like(i);
        let report = &ids[i as usize % ids.len()];
        tx.execute(
            "INSERT INTO timeline_event (id, report_id, at, actor, note) VALUES (?1, ?2, ?3, 'officer', ?4)",
            rusqlite::params![event, report, now_ms + i64::from(i), format!("Cập nhật số {i}")],
        )
        .expect("event");
        tx.execute(
            "INSERT INTO change_log (device_id, report_id, event_id, kind) VALUES (?1, ?2, ?3, 'report')",
            rusqlite::params![device, report, event],
        )
        .expect("change");
    }
    tx.commit().expect("commit");
    let start = Instant::now();
    let pulled = phone.syncer.sync_now().await;
    let elapsed = start.elapsed();
    println!(
        "sync pull: {events} timeline events in {:.2} s ({:.0} events/s), {} notifications raised",
        elapsed.as_secs_f64(),
        f64::from(events) / elapsed.as_secs_f64(),
        pulled.notifications.len()
    );
}

fn uuid_v7_like(i: u32) -> String {
    format!("01900000-0000-7000-8000-{i:012x}")
}

/// A pass-through proxy counting the bytes the phone sends.
async fn counting_proxy(upstream: &str) -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let upstream = upstream.trim_start_matches("http://").to_owned();
    let counter = Arc::new(AtomicU64::new(0));
    let c = Arc::clone(&counter);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (upstream, c) = (upstream.clone(), Arc::clone(&c));
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(&upstream).await else { return };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let up = async {
                    let mut buf = vec![0u8; 64 * 1024];
                    while let Ok(n) = cr.read(&mut buf).await {
                        if n == 0 || sw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                        c.fetch_add(n as u64, Ordering::Relaxed);
                    }
                    let _ = sw.shutdown().await;
                };
                let down = async {
                    let _ = tokio::io::copy(&mut sr, &mut cw).await;
                    let _ = cw.shutdown().await;
                };
                tokio::join!(up, down);
            });
        }
    });
    (url, counter)
}
