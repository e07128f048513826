//! Embeds the map library the web pages use (Leaflet, installed from npm by
//! `scripts/web-assets`, never fetched from a CDN) so the server stays one binary.
//! Without it the server still builds; its pages then show lists and figures without a map.

use std::path::{Path, PathBuf};

fn main() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/node_modules/leaflet/dist");
    let js = dist.join("leaflet.js");
    let css = dist.join("leaflet.css");
    println!("cargo:rerun-if-changed={}", js.display());
    println!("cargo:rerun-if-changed={}", css.display());
    // Files arriving keep the times they were packed or copied with, often older than this
    // build, so their own times cannot tell that they arrived. The folder they arrive in
    // takes the time of their arrival: while they are missing, watch the nearest folder on
    // their way that exists.
    if !(js.is_file() && css.is_file()) {
        if let Some(folder) = dist.ancestors().find(|p| p.is_dir()) {
            println!("cargo:rerun-if-changed={}", folder.display());
        }
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("vendor.rs");
    let code = if js.is_file() && css.is_file() {
        format!(
            "/// Leaflet's script and stylesheet.\npub const LEAFLET: Option<(&[u8], &[u8])> = Some((include_bytes!({:?}), include_bytes!({:?})));\n",
            js.display().to_string(),
            css.display().to_string()
        )
    } else {
        println!("cargo:warning=web/node_modules/leaflet is missing: run scripts/web-assets for the pages' map");
        "/// Leaflet was not installed when this server was built.\npub const LEAFLET: Option<(&[u8], &[u8])> = None;\n".to_owned()
    };
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
}
