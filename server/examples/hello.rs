//! The ceiling to compare civic-server against: the smallest axum 0.8 server there is.
//!
//! `hello [ADDR]` (default `127.0.0.1:0`) answers `GET /` with `hello` and prints
//! `listening on http://ADDR` as its first line, like civic-server does.

use std::io::Write;
use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;

#[tokio::main]
async fn main() {
    let addr: SocketAddr = match std::env::args().nth(1) {
        Some(a) => a.parse().unwrap_or_else(|e| {
            eprintln!("hello: bad address {a:?}: {e}");
            std::process::exit(2)
        }),
        None => SocketAddr::from(([127, 0, 0, 1], 0)),
    };
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap_or_else(|e| {
        eprintln!("hello: listen on {addr}: {e}");
        std::process::exit(1)
    });
    let local = listener.local_addr().expect("local address");
    println!("listening on http://{local}");
    let _ = std::io::stdout().flush();
    let app = Router::new().route("/", get(|| async { "hello" }));
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("hello: {e}");
        std::process::exit(1);
    }
}
