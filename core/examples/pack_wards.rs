//! Writes a city's wards and communes in the compact form the phone carries
//! (`config/hue/wards.civb` for Huế), from the city's full-resolution boundaries.
//!
//! `cargo run -p civic-core --example pack_wards -- [CITY_DIR]` (default `config/hue`)

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).map_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../config/hue")), PathBuf::from);
    let city = civic_core::City::load(&dir)?;
    let bytes = city.area.compact();
    let out = dir.join("wards.civb");
    std::fs::write(&out, &bytes)?;
    println!("{}: {} units, {} bytes", out.display(), city.area.wards().count(), bytes.len());
    Ok(())
}
