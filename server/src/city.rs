//! The city's configuration as phones fetch it (`GET /api/v1/city`, `/city/wards`): the
//! wards' compact form is made once at start, the rest follows the catalog in force.

use std::sync::{Arc, Mutex};

use civic_core::City;
use civic_core::catalog::Catalog;
use civic_core::protocol::CityConfig;

/// What phones are sent of the city.
pub struct CityFiles {
    /// The wards in the compact form (`area::pack`).
    pub wards: Vec<u8>,
    pub wards_sha256: String,
    tile_url: String,
    /// The configuration for the catalog version it was made with.
    made: Mutex<Option<(u32, Arc<CityConfig>)>>,
}

impl CityFiles {
    /// Packs the city's wards for phones (a fraction of a second for Huế's 40 at full
    /// resolution), with the tiles phones are to show.
    pub fn new(city: &City, tile_url: &str) -> CityFiles {
        let wards = city.area.compact();
        let wards_sha256 = civic_core::area::pack::sha256_hex(&wards);
        CityFiles { wards, wards_sha256, tile_url: tile_url.to_owned(), made: Mutex::new(None) }
    }

    /// The configuration with the catalog in force; made again only when that changes.
    pub fn config(&self, city: &City, catalog: &Catalog) -> Arc<CityConfig> {
        let mut made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        match &*made {
            Some((version, config)) if *version == catalog.version => config.clone(),
            _ => {
                let config = Arc::new(CityConfig::of(city, catalog, &self.tile_url, &self.wards_sha256));
                *made = Some((catalog.version, config.clone()));
                config
            }
        }
    }
}
