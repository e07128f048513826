//! Service layer: the CAP 1.2 message of what an operator wrote: one `info` block per
//! language, named wards and communes as their boundary polygons, the city's time and the
//! operations centre as sender; and areas upstream named only by geocodes given polygons.

use civic_core::cap::{self, CapArea, Category, Circle, Info, MsgType, NamedValue, TOPIC_CODE};
use civic_core::protocol::{AlertText, AreaInput, PublishAlert};
use time::OffsetDateTime;

use super::{AppState, ServiceError, ServiceResult, text_field};

/// Our topics, and the CAP category each is published under.
pub const TOPICS: &[(&str, Category)] = &[
    ("flood", Category::Met),
    ("storm", Category::Met),
    ("outage", Category::Infra),
    ("traffic", Category::Transport),
    ("health", Category::Health),
    ("environment", Category::Env),
    ("fire", Category::Fire),
    ("security", Category::Security),
    ("other", Category::Other),
];

/// CAP advises headlines under 160 characters (they go out as SMS and notifications).
const MAX_HEADLINE: usize = 160;
/// The longest description, instruction or note.
pub const MAX_TEXT: usize = 4000;
const MAX_AREAS: usize = 50;

/// A new message's identifier: the city's operations centre and a time-ordered id.
pub fn new_identifier(st: &AppState) -> String {
    format!("{}-IOC-{}", st.city.code, uuid::Uuid::now_v7().simple())
}

/// Now in the city's time, to the second (CAP times have no fractions).
pub fn sent_now(st: &AppState) -> OffsetDateTime {
    let t = st.now().to_offset(st.city.utc_offset);
    t.replace_nanosecond(0).unwrap_or(t)
}

fn local(st: &AppState, t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(st.city.utc_offset);
    t.replace_nanosecond(0).unwrap_or(t)
}

/// Makes the CAP message of what an operator wrote.
pub fn compose(st: &AppState, req: &PublishAlert, msg_type: MsgType, references: Vec<cap::Reference>) -> ServiceResult<cap::Alert> {
    let category = TOPICS.iter().find(|(t, _)| *t == req.topic).map(|(_, c)| *c).ok_or_else(|| {
        let known: Vec<&str> = TOPICS.iter().map(|(t, _)| *t).collect();
        ServiceError::refused("unknown-topic", format!("topic {:?} is not one of {}", req.topic, known.join(", ")))
    })?;
    if req.texts.is_empty() {
        return Err(ServiceError::refused("no-text", "a warning needs its text in at least one language (Vietnamese first)"));
    }
    if req.areas.is_empty() {
        return Err(ServiceError::refused("no-area", "a warning must say where it applies: give at least one area"));
    }
    if req.areas.len() > MAX_AREAS {
        return Err(ServiceError::refused("too-many-areas", format!("at most {MAX_AREAS} areas")));
    }
    let sent = sent_now(st);
    if req.expires <= sent {
        return Err(ServiceError::refused("bad-time", "`expires` is in the past"));
    }
    if req.onset.is_some_and(|o| o >= req.expires) {
        return Err(ServiceError::refused("bad-time", "`onset` must come before `expires`"));
    }
    let mut info = Vec::new();
    for text in &req.texts {
        info.push(info_block(st, req, text, category, sent)?);
    }
    let mut msg = cap::Alert::new(new_identifier(st), st.warnings.sender.clone(), sent, msg_type);
    msg.status = req.status;
    msg.references = references;
    msg.info = info;
    Ok(msg)
}

fn info_block(st: &AppState, req: &PublishAlert, text: &AlertText, category: Category, sent: OffsetDateTime) -> ServiceResult<Info> {
    let language = text_field("language", &text.language, 35, true)?;
    let vietnamese = language.to_ascii_lowercase().starts_with("vi");
    let optional = |name: &str, v: &Option<String>| -> ServiceResult<Option<String>> {
        Ok(v.as_deref().map(|v| text_field(name, v, MAX_TEXT, false)).transpose()?.filter(|v| !v.is_empty()))
    };
    let mut areas = Vec::new();
    for input in &req.areas {
        areas.push(area(st, input, vietnamese)?);
    }
    let name = &st.warnings.sender_name;
    Ok(Info {
        language,
        category: vec![category],
        event: text_field("event", &text.event, 200, true)?,
        response_type: req.response_type.clone(),
        urgency: req.urgency,
        severity: req.severity,
        certainty: req.certainty,
        audience: None,
        event_code: vec![NamedValue { value_name: TOPIC_CODE.into(), value: req.topic.clone() }],
        effective: Some(sent),
        onset: req.onset.map(|t| local(st, t)),
        expires: Some(local(st, req.expires)),
        sender_name: Some(if vietnamese { name.vi.clone() } else { name.en.clone() }),
        headline: Some(text_field("headline", &text.headline, MAX_HEADLINE, true)?),
        description: optional("description", &text.description)?,
        instruction: optional("instruction", &text.instruction)?,
        web: optional("web", &text.web)?,
        contact: None,
        parameter: Vec::new(),
        resource: Vec::new(),
        area: areas,
    })
}

/// One area as CAP has it; a named ward or commune becomes its boundary's outer rings.
fn area(st: &AppState, input: &AreaInput, vietnamese: bool) -> ServiceResult<CapArea> {
    let bad = |e: String| ServiceError::refused("bad-area", e);
    let area = match input {
        AreaInput::Named { code } => {
            let unknown = || ServiceError::refused("unknown-area", format!("the city has no ward or commune {code:?}"));
            let (place, _) = st.city.area.zone(code).ok_or_else(unknown)?;
            let polygon = st.city.area.cap_polygons(code).ok_or_else(unknown)?;
            CapArea {
                area_desc: if vietnamese { place.name.vi.clone() } else { place.name.en.clone() },
                polygon,
                circle: Vec::new(),
                geocode: vec![NamedValue { value_name: AREA_CODE.into(), value: code.clone() }],
                altitude: None,
                ceiling: None,
            }
        }
        AreaInput::Polygon { description, points } => CapArea {
            area_desc: text_field("description", description, 200, true)?,
            polygon: vec![points.clone()],
            circle: Vec::new(),
            geocode: Vec::new(),
            altitude: None,
            ceiling: None,
        },
        &AreaInput::Circle { ref description, lat, lon, radius_km } => CapArea {
            area_desc: text_field("description", description, 200, true)?,
            polygon: Vec::new(),
            circle: vec![Circle { lat, lon, radius_km }],
            geocode: Vec::new(),
            altitude: None,
            ceiling: None,
        },
    };
    area.check().map_err(|e| bad(e.to_string()))?;
    Ok(area)
}

/// The geocode naming a ward or commune of the city (by its official code) in the areas
/// Civic writes.
pub const AREA_CODE: &str = "civic:area";

/// An area upstream described only by geocodes gets the boundary polygons of the city's
/// wards and communes they name (by our code, or Viet Nam's GSO code, which Huế's use), so
/// phones can match it. A code of a former unit (a district before 2025) stands for the
/// wards it became.
pub fn resolve_geocodes(st: &AppState, msg: &mut cap::Alert) {
    for area in msg.info.iter_mut().flat_map(|i| i.area.iter_mut()) {
        if !area.polygon.is_empty() || !area.circle.is_empty() {
            continue;
        }
        for code in &area.geocode {
            if code.value_name == AREA_CODE || code.value_name.eq_ignore_ascii_case("GSO") {
                for ward in st.city.current_units(&code.value) {
                    area.polygon.extend(st.city.area.cap_polygons(&ward.code).unwrap_or_default());
                }
            }
        }
    }
}
