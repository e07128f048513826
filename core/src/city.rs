//! A city's configuration: its name, time zone, catalog and service area.
//!
//! Huế's is built in (`config/hue/`); another city points `City::load` at a folder with
//! the same files.

use std::path::Path;

use serde::Deserialize;
use time::UtcOffset;

use crate::area::{BoundaryError, ServiceArea};
use crate::catalog::{Catalog, CatalogError};
use crate::model::Localized;

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
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CityFile {
    code: String,
    name: Localized,
    utc_offset: String,
    outline: String,
    districts: String,
    wards: Option<String>,
    edge_tolerance_m: f64,
    catalog: String,
}

/// Everything the core needs to know about the city it serves.
#[derive(Debug, Clone)]
pub struct City {
    /// Short code, also the prefix of public report numbers (e.g. "HUE").
    pub code: String,
    pub name: Localized,
    /// The city's local time, for what citizens and officials read.
    pub utc_offset: UtcOffset,
    pub catalog: Catalog,
    pub area: ServiceArea,
}

impl City {
    /// Huế, built into the core.
    pub fn hue() -> Result<Self, ConfigError> {
        Self::from_files(include_str!("../../config/hue/city.json"), |name| match name {
            "province.geojson" => Ok(include_str!("../../config/hue/province.geojson").to_owned()),
            "districts.geojson" => Ok(include_str!("../../config/hue/districts.geojson").to_owned()),
            "catalog.json" => Ok(include_str!("../../config/hue/catalog.json").to_owned()),
            other => {
                Err(ConfigError::Read { path: other.to_owned(), source: std::io::Error::new(std::io::ErrorKind::NotFound, "not built in") })
            }
        })
    }

    /// A city from a folder holding `city.json` and the files it names.
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|source| ConfigError::Read { path: path.display().to_string(), source })
        };
        Self::from_files(&read("city.json")?, read)
    }

    fn from_files(city_json: &str, read: impl Fn(&str) -> Result<String, ConfigError>) -> Result<Self, ConfigError> {
        let file: CityFile = serde_json::from_str(city_json)?;
        let offset_format = time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]");
        let utc_offset = UtcOffset::parse(&file.utc_offset, &offset_format).map_err(|_| ConfigError::Offset(file.utc_offset.clone()))?;
        let wards = file.wards.as_deref().map(&read).transpose()?;
        let area = ServiceArea::from_geojson(
            file.name.clone(),
            &read(&file.outline)?,
            &read(&file.districts)?,
            wards.as_deref(),
            file.edge_tolerance_m,
        )?;
        Ok(City { code: file.code, name: file.name, utc_offset, catalog: Catalog::from_json(&read(&file.catalog)?)?, area })
    }
}
