//! The Common Alerting Protocol 1.2 (OASIS): the model of a warning message, its rules, and
//! its XML form (`xml`).
//!
//! One model serves every side: the server imports CAP XML from upstream feeds, publishes
//! what operators write, and exports CAP XML and JSON; the phone receives the same messages
//! through sync and decides on the device whether one concerns its resident.
//!
//! Times keep the offset they were written with (CAP forbids `Z`: `2026-11-27T09:00:00+07:00`).
//! Positions are WGS 84 `(lat, lon)` pairs, as CAP writes them.

pub mod xml;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::warning::{Area as MatchArea, Severity};

/// A CAP `<alert>`: one message. An Update or Cancel names the messages it follows in
/// `references`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    pub identifier: String,
    pub sender: String,
    #[serde(with = "time::serde::rfc3339")]
    pub sent: OffsetDateTime,
    pub status: AlertStatus,
    pub msg_type: MsgType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub scope: Scope,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restriction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The earlier messages this one updates or cancels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incidents: Option<String>,
    /// One block per language (Vietnamese and English here).
    #[serde(default)]
    pub info: Vec<Info>,
}

/// A reference to an earlier message: `sender,identifier,sent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reference {
    pub sender: String,
    pub identifier: String,
    #[serde(with = "time::serde::rfc3339")]
    pub sent: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AlertStatus {
    Actual,
    Exercise,
    System,
    Test,
    Draft,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MsgType {
    Alert,
    Update,
    Cancel,
    Ack,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Scope {
    Public,
    Restricted,
    Private,
}

/// A CAP `<info>` block: the warning in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Info {
    /// RFC 3066 language tag; CAP's default is "en-US".
    #[serde(default = "default_language")]
    pub language: String,
    pub category: Vec<Category>,
    pub event: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_type: Vec<ResponseType>,
    pub urgency: Urgency,
    pub severity: Severity,
    pub certainty: Certainty,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_code: Vec<NamedValue>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "time::serde::rfc3339::option")]
    pub effective: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "time::serde::rfc3339::option")]
    pub onset: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "time::serde::rfc3339::option")]
    pub expires: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instruction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameter: Vec<NamedValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource: Vec<Resource>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub area: Vec<CapArea>,
}

fn default_language() -> String {
    "en-US".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CapCategory))]
pub enum Category {
    Geo,
    Met,
    Safety,
    Security,
    Rescue,
    Fire,
    Health,
    Env,
    Transport,
    Infra,
    #[serde(rename = "CBRNE")]
    Cbrne,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ResponseType {
    Shelter,
    Evacuate,
    Prepare,
    Execute,
    Avoid,
    Monitor,
    Assess,
    AllClear,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Urgency {
    Immediate,
    Expected,
    Future,
    Past,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Certainty {
    Observed,
    Likely,
    Possible,
    Unlikely,
    Unknown,
}

/// A `valueName`/`value` pair (eventCode, parameter, geocode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedValue {
    pub value_name: String,
    pub value: String,
}

/// A CAP `<resource>`: a file that goes with the warning (a map, a photo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resource {
    pub resource_desc: String,
    pub mime_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deref_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// A CAP `<area>`: a description and the shapes it covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CapArea {
    pub area_desc: String,
    /// Closed rings of at least four `(lat, lon)` points, the last equal to the first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<crate::model::LatLonPair>>))]
    pub polygon: Vec<Vec<(f64, f64)>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub circle: Vec<Circle>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub geocode: Vec<NamedValue>,
    /// Feet above mean sea level, as CAP has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub altitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<f64>,
}

/// A CAP circle: a centre and a radius in kilometres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Circle {
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
}

/// Why a message breaks CAP's rules (or cannot be read at all).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CapError {
    /// Not well-formed XML, or not a CAP 1.2 `<alert>`.
    #[error("not a CAP 1.2 message: {0}")]
    Xml(String),
    /// A required element is absent.
    #[error("{element} is required in <{parent}>")]
    Missing { parent: &'static str, element: &'static str },
    /// An element's text is not a value CAP allows.
    #[error("<{element}> has an invalid value {value:?}: {why}")]
    Invalid { element: &'static str, value: String, why: String },
    /// A polygon is not a closed ring of at least four points.
    #[error("a polygon of area {area:?} must have at least 4 points, the last equal to the first")]
    OpenPolygon { area: String },
    /// A circle's radius is negative or not a number.
    #[error("a circle of area {area:?} has radius {radius_km} km; it must be 0 or more")]
    BadRadius { area: String, radius_km: f64 },
    /// A position is not on Earth.
    #[error("({lat}, {lon}) in area {area:?} is not a valid position")]
    BadPoint { area: String, lat: f64, lon: f64 },
    /// An Alert or Update must say where it applies.
    #[error("the message has no area: a warning must say where it applies")]
    NoArea,
    /// An Update or Cancel must reference what it replaces.
    #[error("a {0:?} must reference the message it replaces")]
    NoReferences(MsgType),
    /// Identifiers and senders may not be empty or hold whitespace, commas, `<` or `&`.
    #[error("{element} {value:?} must be non-empty, without whitespace, commas, '<' or '&'")]
    BadIdentifier { element: &'static str, value: String },
}

impl Alert {
    /// A public, actual message of this type with nothing else in it yet.
    pub fn new(identifier: impl Into<String>, sender: impl Into<String>, sent: OffsetDateTime, msg_type: MsgType) -> Self {
        Alert {
            identifier: identifier.into(),
            sender: sender.into(),
            sent,
            status: AlertStatus::Actual,
            msg_type,
            source: None,
            scope: Scope::Public,
            restriction: None,
            addresses: None,
            code: Vec::new(),
            note: None,
            references: Vec::new(),
            incidents: None,
            info: Vec::new(),
        }
    }

    /// Checks CAP 1.2's rules beyond the XML shape: identifiers, references on Update and
    /// Cancel, an area on every Alert and Update, closed polygons, positive radii.
    ///
    /// An area needs no polygon or circle: CAP lets `areaDesc` and geocodes alone say where
    /// (the OASIS examples and IPAWS messages do). Such an area gives
    /// `match_areas` nothing, so a phone can't place it.
    pub fn check(&self) -> Result<(), CapError> {
        // Any whitespace, not only spaces: references list `sender,identifier,sent` triplets
        // separated by whitespace, so a tab or newline in an identifier would break them.
        let ident_ok = |s: &str| !s.is_empty() && !s.contains(|c: char| c.is_whitespace() || matches!(c, ',' | '<' | '&'));
        if !ident_ok(&self.identifier) {
            return Err(CapError::BadIdentifier { element: "identifier", value: self.identifier.clone() });
        }
        if !ident_ok(&self.sender) {
            return Err(CapError::BadIdentifier { element: "sender", value: self.sender.clone() });
        }
        if matches!(self.msg_type, MsgType::Update | MsgType::Cancel) && self.references.is_empty() {
            return Err(CapError::NoReferences(self.msg_type));
        }
        if self.scope == Scope::Restricted && self.restriction.is_none() {
            return Err(CapError::Missing { parent: "alert", element: "restriction" });
        }
        if self.scope == Scope::Private && self.addresses.is_none() {
            return Err(CapError::Missing { parent: "alert", element: "addresses" });
        }
        for info in &self.info {
            if info.category.is_empty() {
                return Err(CapError::Missing { parent: "info", element: "category" });
            }
            for area in &info.area {
                area.check()?;
            }
        }
        if matches!(self.msg_type, MsgType::Alert | MsgType::Update) && self.info.iter().all(|i| i.area.is_empty()) {
            return Err(CapError::NoArea);
        }
        Ok(())
    }

    /// The most severe of the info blocks' severities.
    pub fn severity(&self) -> Severity {
        self.info.iter().map(|i| i.severity).max().unwrap_or(Severity::Unknown)
    }

    /// When the warning ends: the latest `expires` of its info blocks, if every block has one.
    pub fn expires(&self) -> Option<OffsetDateTime> {
        let mut latest = None;
        for info in &self.info {
            let e = info.expires?;
            latest = Some(latest.map_or(e, |l: OffsetDateTime| l.max(e)));
        }
        latest
    }

    /// The info block to show a reader of `lang` ("vi", "en"): the first whose language
    /// starts with it, else the first block.
    pub fn info_for(&self, lang: &str) -> Option<&Info> {
        self.info.iter().find(|i| i.language.split('-').next().is_some_and(|l| l.eq_ignore_ascii_case(lang))).or_else(|| self.info.first())
    }

    /// Our topic codes for the subscription filter: flood, storm, outage, traffic, health,
    /// environment, fire, security, other. An explicit `civic:topic` event code wins; else
    /// they are read from the CAP categories and the event's name.
    pub fn topics(&self) -> Vec<String> {
        let mut topics: Vec<String> = Vec::new();
        fn add(topics: &mut Vec<String>, t: &str) {
            if !topics.iter().any(|x| x == t) {
                topics.push(t.to_owned());
            }
        }
        let explicit: Vec<&NamedValue> = self.info.iter().flat_map(|i| &i.event_code).filter(|c| c.value_name == TOPIC_CODE).collect();
        if !explicit.is_empty() {
            for c in explicit {
                add(&mut topics, &c.value);
            }
            return topics;
        }
        for info in &self.info {
            let event = crate::catalog::fold(&info.event);
            let has = |words: &[&str]| words.iter().any(|w| event.contains(w));
            if has(&["flood", "lu ", "lu,", "ngap", "inundat", "dam release", "xa lu", "river level", "nuoc dang"]) || event == "lu" {
                add(&mut topics, "flood");
            }
            if has(&["storm", "typhoon", "cyclone", "bao", "wind", "gio", "thunder", "dong", "rain", "mua"]) {
                add(&mut topics, "storm");
            }
            if has(&["outage", "power", "water cut", "mat dien", "cat dien", "mat nuoc", "cat nuoc"]) {
                add(&mut topics, "outage");
            }
            for c in &info.category {
                match c {
                    Category::Transport => add(&mut topics, "traffic"),
                    Category::Health => add(&mut topics, "health"),
                    Category::Env => add(&mut topics, "environment"),
                    Category::Fire => add(&mut topics, "fire"),
                    Category::Security | Category::Cbrne => add(&mut topics, "security"),
                    Category::Infra => add(&mut topics, "outage"),
                    Category::Met if topics.is_empty() => add(&mut topics, "storm"),
                    _ => {}
                }
            }
        }
        if topics.is_empty() {
            add(&mut topics, "other");
        }
        topics
    }

    /// Every polygon and circle of every info block, in the form the phone matches against.
    pub fn match_areas(&self) -> Vec<MatchArea> {
        let mut out = Vec::new();
        for area in self.info.iter().flat_map(|i| &i.area) {
            for ring in &area.polygon {
                out.push(MatchArea::Polygon { points: ring.clone() });
            }
            for c in &area.circle {
                out.push(MatchArea::Circle { lat: c.lat, lon: c.lon, radius_m: (c.radius_km * 1000.0).max(1.0) });
            }
        }
        out
    }

    /// This message as a reference for an Update or Cancel that follows it.
    pub fn as_reference(&self) -> Reference {
        Reference { sender: self.sender.clone(), identifier: self.identifier.clone(), sent: self.sent }
    }
}

/// The event code naming our topic ("flood", "storm"…) in messages Civic writes.
pub const TOPIC_CODE: &str = "civic:topic";

impl CapArea {
    /// Checks the area's shapes: closed polygons of valid points, radii of 0 or more.
    pub fn check(&self) -> Result<(), CapError> {
        let valid = |lat: f64, lon: f64| lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0;
        for ring in &self.polygon {
            if ring.len() < 4 || ring.first() != ring.last() {
                return Err(CapError::OpenPolygon { area: self.area_desc.clone() });
            }
            if let Some(&(lat, lon)) = ring.iter().find(|(lat, lon)| !valid(*lat, *lon)) {
                return Err(CapError::BadPoint { area: self.area_desc.clone(), lat, lon });
            }
        }
        for c in &self.circle {
            if !valid(c.lat, c.lon) {
                return Err(CapError::BadPoint { area: self.area_desc.clone(), lat: c.lat, lon: c.lon });
            }
            // CAP writes a point as a circle of radius 0; a negative radius is an error.
            if !(c.radius_km.is_finite() && c.radius_km >= 0.0) {
                return Err(CapError::BadRadius { area: self.area_desc.clone(), radius_km: c.radius_km });
            }
        }
        Ok(())
    }
}
