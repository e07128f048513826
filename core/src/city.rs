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
}

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
}

const NOT_BUILT_IN: &str = "not built in";

impl City {
    /// Huế, built into the core, with its boundaries at full resolution (for the server).
    pub fn hue() -> Result<Self, ConfigError> {
        Self::from_files(include_str!("../../config/hue/city.json"), |name| match name {
            "wards.geojson" => Ok(include_bytes!("../../config/hue/wards.geojson").to_vec()),
            "catalog.json" => Ok(include_bytes!("../../config/hue/catalog.json").to_vec()),
            "former-units.json" => Ok(include_bytes!("../../config/hue/former-units.json").to_vec()),
            other => Err(not_built_in(other)),
        })
    }

    /// Huế as the phone carries it before it first hears from the server: the same catalog,
    /// the boundaries in their compact, simplified form (`config/hue/wards.civb`, written by
    /// `cargo run -p civic-core --example pack_wards`).
    pub fn hue_compact() -> Result<Self, ConfigError> {
        Self::from_files(include_str!("../../config/hue/city.json"), |name| match name {
            "wards.geojson" => Ok(include_bytes!("../../config/hue/wards.civb").to_vec()),
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
        let offset_format = time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]");
        let utc_offset = UtcOffset::parse(&file.utc_offset, &offset_format).map_err(|_| ConfigError::Offset(file.utc_offset.clone()))?;
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
        Ok(City { code: file.code, name: file.name, utc_offset, catalog, area, former_units, credits: file.credits.unwrap_or_default() })
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

fn not_built_in(name: &str) -> ConfigError {
    ConfigError::Read { path: name.to_owned(), source: std::io::Error::new(std::io::ErrorKind::NotFound, NOT_BUILT_IN) }
}
