//! A city's configuration: its name, time zone, catalog and service area.
//!
//! Huế's is built in (`config/hue/`); another city points `City::load` at a folder with
//! the same files.

use std::path::Path;

use serde::Deserialize;
use time::UtcOffset;

use crate::area::{BoundaryError, ServiceArea};
use crate::catalog::{Catalog, CatalogError};
use crate::model::{Localized, Place};

/// Why a city configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("city.json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("city.json: utc_offset {0:?} is not like \"+07:00\"")]
    Offset(String),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Boundary(#[from] BoundaryError),
    #[error(
        "city.json names no wards: reports are routed to the ward or commune they are in, so \"wards\" must name their \
         boundary file (GeoJSON with a code and names per unit)"
    )]
    NoWards,
    #[error("the server's configuration: {0}")]
    Served(String),
    #[error("former-units.json: {0}")]
    Former(String),
    #[error("{0} is not UTF-8 text")]
    Encoding(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CityFile {
    code: String,
    name: Localized,
    utc_offset: String,
    /// The wards and communes: GeoJSON, or their compact form (`area::pack`).
    wards: Option<String>,
    edge_tolerance_m: f64,
    catalog: String,
    /// Units the city no longer has, and those each became (`former-units.json`).
    #[serde(default)]
    former_units: Option<String>,
    /// Whom the boundaries are credited to, wherever a map shows them.
    #[serde(default)]
    credits: Option<Localized>,
    /// The map tiles (an XYZ template) until the server names the city's own.
    #[serde(default)]
    tile_url: Option<String>,
}

/// The credit OpenStreetMap's licence asks of every map drawn from its data.
pub const MAP_DATA_CREDITS: &str = "© OpenStreetMap contributors";

/// OpenStreetMap's own tiles: fine for a city's web pages at modest traffic, not for an app
/// at a city's scale (their usage policy). A city names its tile server in `city.json` or on
/// the server (`--tile-url`), which phones learn through sync.
pub const FALLBACK_TILE_URL: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

#[derive(Debug, Deserialize)]
struct FormerUnitsFile {
    units: Vec<FormerUnit>,
}

/// A unit the city had before a reform (Huế's districts before 2025), which stored places may
/// still name.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormerUnit {
    pub code: String,
    pub name: Localized,
    /// The codes of today's wards and communes it became.
    pub became: Vec<String>,
}

/// Everything the core needs to know about the city it serves.
#[derive(Debug, Clone)]
pub struct City {
    /// Short code, also the prefix of public report numbers (e.g. "HUE").
    pub code: String,
    pub name: Localized,
    /// The city's local time, for what citizens and officials read.
    pub utc_offset: UtcOffset,
    /// The catalog, with a People's Committee for each ward and commune.
    pub catalog: Catalog,
    pub area: ServiceArea,
    /// Units of the past, for moving what was stored under them.
    pub former_units: Vec<FormerUnit>,
    /// The boundaries' credits, as their source asks (empty when none is asked).
    pub credits: Localized,
    /// The map tiles the apps show (an XYZ template).
    pub tile_url: String,
}

const NOT_BUILT_IN: &str = "not built in";

impl City {
    /// Huế, built into the core, with its boundaries at full resolution (for the server).
    pub fn hue() -> Result<Self, ConfigError> {
        Self::hue_with_wards(include_bytes!("../../config/hue/wards.geojson"))
    }

    /// Huế as the phone carries it before it first hears from the server: the same catalog,
    /// the boundaries in their compact, simplified form (`config/hue/wards.civb`, written by
    /// `cargo run -p civic-core --example pack_wards`).
    pub fn hue_compact() -> Result<Self, ConfigError> {
        Self::hue_with_wards(include_bytes!("../../config/hue/wards.civb"))
    }

    /// Huế's built-in files, with these bytes (GeoJSON or compact) for its wards. Each public
    /// constructor names one file, so a phone library links in only the compact one.
    fn hue_with_wards(wards: &'static [u8]) -> Result<Self, ConfigError> {
        Self::from_files(include_str!("../../config/hue/city.json"), |name| match name {
            "wards.geojson" => Ok(wards.to_vec()),
            "catalog.json" => Ok(include_bytes!("../../config/hue/catalog.json").to_vec()),
            "former-units.json" => Ok(include_bytes!("../../config/hue/former-units.json").to_vec()),
            other => Err(not_built_in(other)),
        })
    }

    /// A city from a folder holding `city.json` and the files it names.
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|source| ConfigError::Read { path: path.display().to_string(), source })
        };
        let city_json = read("city.json")?;
        Self::from_files(&String::from_utf8_lossy(&city_json), read)
    }

    fn from_files(city_json: &str, read: impl Fn(&str) -> Result<Vec<u8>, ConfigError>) -> Result<Self, ConfigError> {
        let file: CityFile = serde_json::from_str(city_json)?;
        let utc_offset = parse_offset(&file.utc_offset)?;
        let wards_file = file.wards.as_deref().ok_or(ConfigError::NoWards)?;
        let wards = read(wards_file)?;
        let area = if wards.starts_with(b"CIVB") {
            ServiceArea::from_compact(file.name.clone(), &wards, file.edge_tolerance_m)?
        } else {
            let text = std::str::from_utf8(&wards).map_err(|_| ConfigError::Encoding(wards_file.to_owned()))?;
            ServiceArea::from_geojson(file.name.clone(), text, file.edge_tolerance_m)?
        };
        let catalog_file = read(&file.catalog)?;
        let catalog_text = std::str::from_utf8(&catalog_file).map_err(|_| ConfigError::Encoding(file.catalog.clone()))?;
        let catalog = Catalog::from_json(catalog_text)?.with_committees(area.wards());
        let former_units = match &file.former_units {
            None => Vec::new(),
            Some(name) => {
                let units: FormerUnitsFile = serde_json::from_slice(&read(name)?).map_err(|e| ConfigError::Former(e.to_string()))?;
                if let Some((unit, code)) =
                    units.units.iter().find_map(|u| u.became.iter().find(|c| area.zone(c).is_none()).map(|c| (u, c)))
                {
                    return Err(ConfigError::Former(format!("{} became {code:?}, which is not one of the wards", unit.code)));
                }
                units.units
            }
        };
        Ok(City {
            code: file.code,
            name: file.name,
            utc_offset,
            catalog,
            area,
            former_units,
            credits: file.credits.unwrap_or_default(),
            tile_url: file.tile_url.unwrap_or_else(|| FALLBACK_TILE_URL.to_owned()),
        })
    }

    /// What a map of the city credits, in `lang`: the tiles' source (OpenStreetMap's data under
    /// every tile server Civic is pointed at) and the boundaries' as their source asks.
    pub fn map_credits(&self, lang: crate::model::Lang) -> String {
        match self.credits.get(lang) {
            "" => MAP_DATA_CREDITS.to_owned(),
            boundaries => format!("{MAP_DATA_CREDITS} · {boundaries}"),
        }
    }

    /// The wards and communes a stored code stands for today: itself if it is one, those a
    /// former unit became, none if the city never had it.
    pub fn current_units(&self, code: &str) -> Vec<&Place> {
        if let Some((place, _)) = self.area.zone(code) {
            return vec![place];
        }
        self.former_units
            .iter()
            .filter(|f| f.code == code)
            .flat_map(|f| &f.became)
            .filter_map(|c| self.area.zone(c).map(|(p, _)| p))
            .collect()
    }
}

const OFFSET_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]");

/// An offset written like "+07:00".
pub fn parse_offset(text: &str) -> Result<UtcOffset, ConfigError> {
    UtcOffset::parse(text, OFFSET_FORMAT).map_err(|_| ConfigError::Offset(text.to_owned()))
}

/// An offset as "+07:00".
pub fn format_offset(offset: UtcOffset) -> String {
    offset.format(OFFSET_FORMAT).unwrap_or_else(|_| "+00:00".to_owned())
}

fn not_built_in(name: &str) -> ConfigError {
    ConfigError::Read { path: name.to_owned(), source: std::io::Error::new(std::io::ErrorKind::NotFound, NOT_BUILT_IN) }
}

/// The city a device works in: the built-in one until the server sends its own, then that one
/// (kept on the phone for when there is no connection). Everything that reads the city holds
/// a handle and takes the current one when it needs it.
#[derive(Debug, Clone)]
pub struct CityHandle(std::sync::Arc<std::sync::RwLock<std::sync::Arc<City>>>);

impl CityHandle {
    pub fn new(city: City) -> Self {
        CityHandle(std::sync::Arc::new(std::sync::RwLock::new(std::sync::Arc::new(city))))
    }

    /// The city as it is now.
    pub fn get(&self) -> std::sync::Arc<City> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Puts a newer configuration in place: what reads the city from now on sees it.
    pub fn replace(&self, city: City) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = std::sync::Arc::new(city);
    }
}
