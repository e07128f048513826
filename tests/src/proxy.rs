//! A TCP proxy between a phone and the server that breaks connections the ways mobile
//! networks do: resets in the middle of a request, answers lost after the server
//! committed, stalls, and 503/429 from an overloaded gateway.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One way to break a connection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// Forward this many bytes of the request, then reset both sides.
    ResetRequestAt(usize),
    /// Forward the request; once the server starts answering (it has committed), reset the
    /// phone's side: the answer is lost.
    DropResponse,
    /// Accept, then say nothing for this long, then close.
    Stall(Duration),
    /// Answer with this status (and `Retry-After: 1`) without reaching the server.
    Status(u16),
    /// Pass traffic, then drop the link after this long (whatever is in flight is cut).
    LinkDrop(Duration),
}

/// Counts of what the proxy did.
#[derive(Debug, Default)]
pub struct Counts {
    pub connections: AtomicU64,
    pub faults: AtomicU64,
}

/// A running proxy; faults apply while `chaos` is on.
pub struct Proxy {
    pub url: String,
    chaos: Arc<AtomicBool>,
    pub counts: Arc<Counts>,
}

impl Proxy {
    /// Starts a proxy to `upstream` (host:port); `seed` makes the faults repeatable;
    /// `probability` is the share of connections that get a fault.
    pub async fn start(upstream: &str, seed: u64, probability: f64) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let chaos = Arc::new(AtomicBool::new(true));
        let counts = Arc::new(Counts::default());
        let rng = Arc::new(Mutex::new(StdRng::seed_from_u64(seed)));
        let (c, k) = (Arc::clone(&chaos), Arc::clone(&counts));
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                k.connections.fetch_add(1, Ordering::Relaxed);
                let fault = if c.load(Ordering::Relaxed) { pick(&rng, probability) } else { None };
                if fault.is_some_and(|f| !matches!(f, Fault::LinkDrop(_))) {
                    k.faults.fetch_add(1, Ordering::Relaxed);
                }
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let _ = handle(client, &upstream, fault).await;
                });
            }
        });
        Proxy { url, chaos, counts }
    }

    /// A proxy that answers every connection with the same fault.
    pub async fn always(upstream: &str, fault: Fault) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let upstream = upstream.trim_start_matches("http://").to_owned();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let _ = handle(client, &upstream, Some(fault)).await;
                });
            }
        });
        url
    }

    /// Turns faults on or off (connections already open keep their fate).
    pub fn set_chaos(&self, on: bool) {
        self.chaos.store(on, Ordering::Relaxed);
    }
}

fn pick(rng: &Mutex<StdRng>, probability: f64) -> Option<Fault> {
    let mut rng = rng.lock().unwrap_or_else(|p| p.into_inner());
    if !rng.gen_bool(probability) {
        // Even a good link does not last: connections churn, so faults keep coming.
        return Some(Fault::LinkDrop(Duration::from_millis(rng.gen_range(50..600))));
    }
    Some(match rng.gen_range(0..6) {
        0 | 1 => Fault::ResetRequestAt(rng.gen_range(1..30_000)),
        2 | 3 => Fault::DropResponse,
        4 => Fault::Status(if rng.gen_bool(0.5) { 503 } else { 429 }),
        _ => Fault::Stall(Duration::from_secs(4)),
    })
}

async fn handle(mut client: TcpStream, upstream: &str, fault: Option<Fault>) -> std::io::Result<()> {
    match fault {
        None => {
            let mut server = TcpStream::connect(upstream).await?;
            tokio::io::copy_bidirectional(&mut client, &mut server).await?;
        }
        Some(Fault::LinkDrop(after)) => {
            // Works normally, until the link goes: whatever is in flight is cut.
            let mut server = TcpStream::connect(upstream).await?;
            let _ = tokio::time::timeout(after, tokio::io::copy_bidirectional(&mut client, &mut server)).await;
            reset(client);
            reset(server);
        }
        Some(Fault::ResetRequestAt(n)) => {
            let mut server = TcpStream::connect(upstream).await?;
            let mut forwarded = 0;
            let mut buf = vec![0u8; 8192];
            while forwarded < n {
                let read = client.read(&mut buf).await?;
                if read == 0 {
                    break;
                }
                let take = read.min(n - forwarded);
                server.write_all(&buf[..take]).await?;
                forwarded += take;
            }
            reset(client);
            reset(server);
        }
        Some(Fault::DropResponse) => {
            let mut server = TcpStream::connect(upstream).await?;
            let mut buf = vec![0u8; 64 * 1024];
            let mut first = [0u8; 1];
            loop {
                tokio::select! {
                    read = client.read(&mut buf) => {
                        let n = read?;
                        if n == 0 {
                            break;
                        }
                        server.write_all(&buf[..n]).await?;
                    }
                    // The server answers only after it has done the work (and committed it).
                    _ = server.read(&mut first) => break,
                }
            }
            reset(client);
            reset(server);
        }
        Some(Fault::Stall(d)) => {
            tokio::time::sleep(d).await;
        }
        Some(Fault::Status(code)) => {
            let mut buf = vec![0u8; 4096];
            let _ = client.read(&mut buf).await?;
            let reason = if code == 429 { "Too Many Requests" } else { "Service Unavailable" };
            let answer = format!("HTTP/1.1 {code} {reason}\r\nretry-after: 1\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            client.write_all(answer.as_bytes()).await?;
            client.shutdown().await?;
        }
    }
    Ok(())
}

/// Closes with a TCP reset rather than a clean FIN, as a dropped mobile link looks.
fn reset(stream: TcpStream) {
    // A zero linger resets at once; it cannot block the drop.
    #[allow(deprecated)]
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}

/// What a tapped proxy sees of one connection.
#[derive(Debug, Clone, PartialEq)]
pub enum TapEvent {
    /// Bytes of a request have gone to the server: its first line, and how many so far.
    RequestBytes { first_line: String, forwarded: usize },
    /// The server started answering the request with this first line (it has committed).
    ResponseStarted { first_line: String },
}

/// Called for every event; returning true cuts the connection there.
pub type Tap = Arc<dyn Fn(&TapEvent) -> bool + Send + Sync>;

/// A proxy that reports what passes through it, one request per connection at a time,
/// so a test can act (kill the phone) at an exact point of a send.
pub async fn start_tapped(upstream: &str, tap: Tap) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let upstream = upstream.trim_start_matches("http://").to_owned();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (upstream, tap) = (upstream.clone(), Arc::clone(&tap));
            tokio::spawn(async move {
                let _ = tapped(client, &upstream, tap).await;
            });
        }
    });
    url
}

async fn tapped(mut client: TcpStream, upstream: &str, tap: Tap) -> std::io::Result<()> {
    let mut server = TcpStream::connect(upstream).await?;
    let mut up = vec![0u8; 16 * 1024];
    let mut down = vec![0u8; 16 * 1024];
    let mut request_line = String::new();
    let mut forwarded = 0usize;
    let mut answering = false;
    loop {
        tokio::select! {
            read = client.read(&mut up) => {
                let n = read?;
                if n == 0 {
                    return Ok(());
                }
                if answering || request_line.is_empty() {
                    // A new request on this connection.
                    request_line = first_line(&up[..n]);
                    forwarded = 0;
                    answering = false;
                }
                // Forward in small steps so a cut can land in the middle of a body.
                for chunk in up[..n].chunks(4096) {
                    server.write_all(chunk).await?;
                    forwarded += chunk.len();
                    if tap(&TapEvent::RequestBytes { first_line: request_line.clone(), forwarded }) {
                        reset(client);
                        reset(server);
                        return Ok(());
                    }
                }
            }
            read = server.read(&mut down) => {
                let n = read?;
                if n == 0 {
                    return Ok(());
                }
                if !answering {
                    answering = true;
                    if tap(&TapEvent::ResponseStarted { first_line: request_line.clone() }) {
                        reset(client);
                        reset(server);
                        return Ok(());
                    }
                }
                client.write_all(&down[..n]).await?;
            }
        }
    }
}

fn first_line(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == b'\r' || b == b'\n').unwrap_or(bytes.len().min(200));
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}
