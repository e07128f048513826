//! What the city has done, as the public sees it: reports near a point ("me too") and in a
//! map's box, without anyone's personal data.

use std::time::SystemTime;

use civic_core::model::Lang;
use civic_core::protocol::{NearbyReport as CoreNearby, PublicEvent, PublicReport};

use super::records::{TimelineActor, TimelineStep};
use crate::types::{PlaceName, ReportStatus, place};

/// A report anyone may see (the public map, "me too").
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CityReport {
    /// The number citizens quote, e.g. HUE-2026-000123.
    pub public_number: String,
    pub category: String,
    pub status: ReportStatus,
    pub status_label: String,
    pub lat: f64,
    pub lon: f64,
    pub ward: Option<PlaceName>,
    /// The unit responsible.
    pub unit: String,
    pub description: String,
    /// Photo hashes (`CivicApp.remotePhoto`).
    pub photos: Vec<String>,
    pub received_at: SystemTime,
    pub updated_at: SystemTime,
    /// Hours from receipt to the outcome, once there is one: how long the city took.
    pub hours_to_outcome: Option<f64>,
    pub timeline: Vec<TimelineStep>,
    /// Citizens who said "me too".
    pub supporters: u32,
    /// The reporter's rating of the outcome (1 to 5), once given.
    pub rating: Option<u8>,
}

/// An open report near the one being written.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NearbyReport {
    /// What "me too" (`CivicApp.support`) is said to.
    pub id: String,
    pub distance_m: f64,
    pub report: CityReport,
    /// This phone said "me too" to it (sent, or waiting to be; counted in `supporters`).
    #[uniffi(default)]
    pub me_too: bool,
}

/// A page of the public map's reports.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CityReportPage {
    pub reports: Vec<CityReport>,
    pub next: Option<String>,
}

fn step(e: PublicEvent) -> TimelineStep {
    TimelineStep { at: e.at.into(), actor: TimelineActor::from(e.actor), status: e.status.map(Into::into), note: e.note, photo: e.photo }
}

pub(crate) fn city_report(r: PublicReport, lang: Lang) -> CityReport {
    CityReport {
        public_number: r.public_number,
        category: r.category,
        status: r.status.into(),
        status_label: r.status.label(lang).to_owned(),
        lat: r.lat,
        lon: r.lon,
        ward: r.ward.map(|d| place(d, lang)),
        unit: r.unit,
        description: r.description,
        photos: r.photos,
        received_at: r.received_at.into(),
        updated_at: r.updated_at.into(),
        hours_to_outcome: r.hours_to_outcome,
        timeline: r.timeline.into_iter().map(step).collect(),
        supporters: r.supporters,
        rating: r.rating,
    }
}

pub(crate) fn nearby(n: CoreNearby, me_too: bool, lang: Lang) -> NearbyReport {
    NearbyReport { id: n.id.to_string(), distance_m: n.distance_m, report: city_report(n.report, lang), me_too }
}
