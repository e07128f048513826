//! Warnings over `/api/v1`: operators publish, update, cancel and import CAP alerts;
//! anyone reads the active ones; devices say how to wake them.

use crate::params;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use civic_core::cap::{self, CapArea, Category, Circle, Info, MsgType, NamedValue, TOPIC_CODE};
use civic_core::protocol::{
    AlertDetail, AlertText, AlertView, AreaInput, CancelAlert, Page, PublishAlert, PushRegistration, ReportView, Role,
};
use serde::Deserialize;
use time::OffsetDateTime;

use super::citizen::{PageQuery, parse_page_token};
use super::{Json, Path, Query, RawBody, text_field};
use crate::alerts::{self, Applied};
use crate::auth::{Caller, Official};
use crate::error::{ApiError, ApiResult};
use crate::reports::{self, Stored};
use crate::state::AppState;

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
const MAX_TEXT: usize = 4000;
const MAX_AREAS: usize = 50;

fn operator(caller: &Caller) -> ApiResult<&Official> {
    let o = caller.official()?;
    if o.has(Role::Operator) { Ok(o) } else { Err(ApiError::Forbidden("only the operations centre publishes warnings".into())) }
}

/// `POST /api/v1/alerts`: an operator publishes a new warning.
#[utoipa::path(
    post,
    path = "/alerts",
    tag = "warnings",
    operation_id = "publishAlert",
    summary = "Publish a warning",
    description = "Makes a CAP 1.2 Alert of what the operator wrote (named areas become the city's boundary polygons) and publishes it to devices and the CAP feed.",
    request_body = PublishAlert,
    security(("official_token" = [])),
    responses(
        (status = 201, description = "Published", body = AlertView),
        (status = 400, description = "Malformed JSON, a wrong type or an unknown field (`malformed-json`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused by a rule: `unknown-topic`, `unknown-area`, `no-area`, `no-text`, `bad-area`, `bad-time`, `missing-field`, `too-long`, `not-published`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn publish(
    State(st): State<AppState>,
    caller: Caller,
    Json(req): Json<PublishAlert>,
) -> ApiResult<(StatusCode, Json<AlertView>)> {
    operator(&caller)?;
    let msg = compose(&st, &req, MsgType::Alert, Vec::new())?;
    let (_, view) = store(&st, msg).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The CAP 1.2 XML `publish` would send for this request, without storing or sending
/// anything (the console's preview). Its identifier and `sent` are the preview's own.
pub async fn preview(st: &AppState, caller: &Caller, req: &PublishAlert) -> ApiResult<String> {
    operator(caller)?;
    let mut msg = compose(st, req, MsgType::Alert, Vec::new())?;
    msg.check().map_err(|e| ApiError::unprocessable("invalid-cap", e.to_string()))?;
    resolve_geocodes(st, &mut msg);
    Ok(cap::xml::to_xml(&msg))
}

/// `PUT /api/v1/alerts/{id}`: an operator updates a warning (a CAP Update).
#[utoipa::path(
    put,
    path = "/alerts/{id}",
    tag = "warnings",
    operation_id = "updateAlert",
    summary = "Update a warning",
    description = "Publishes a CAP Update that replaces what residents see of the warning, referencing every earlier message of it.",
    params(("id" = String, Path, description = "The warning's id (its first message's CAP identifier)")),
    request_body = PublishAlert,
    security(("official_token" = [])),
    responses(
        (status = 200, description = "The warning after the update", body = AlertView),
        (status = 403, description = "Not an operator", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such warning", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The warning was cancelled (`alert-cancelled`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused by a rule (as for publishing)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<PublishAlert>,
) -> ApiResult<Json<AlertView>> {
    operator(&caller)?;
    let references = st.db.read_as::<_, crate::error::ApiError, _>(move |c| alerts::references(c, &id)).await?;
    let msg = compose(&st, &req, MsgType::Update, references)?;
    Ok(Json(store(&st, msg).await?.1))
}

/// `POST /api/v1/alerts/{id}/cancel`: an operator withdraws a warning (a CAP Cancel).
#[utoipa::path(
    post,
    path = "/alerts/{id}/cancel",
    tag = "warnings",
    operation_id = "cancelAlert",
    summary = "Cancel a warning",
    description = "Publishes a CAP Cancel of the warning: devices withdraw it and the feed says so.",
    params(("id" = String, Path, description = "The warning's id")),
    request_body = CancelAlert,
    security(("official_token" = [])),
    responses(
        (status = 200, description = "The warning, now cancelled", body = AlertView),
        (status = 403, description = "Not an operator", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such warning", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already cancelled (`alert-cancelled`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn cancel(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<CancelAlert>,
) -> ApiResult<Json<AlertView>> {
    operator(&caller)?;
    let note = req.note.as_deref().map(|n| text_field("note", n, MAX_TEXT, false)).transpose()?.filter(|n| !n.is_empty());
    let references = st.db.read_as::<_, crate::error::ApiError, _>(move |c| alerts::references(c, &id)).await?;
    let mut msg = cap::Alert::new(new_identifier(&st), st.warnings.sender.clone(), sent_now(&st), MsgType::Cancel);
    msg.note = note;
    msg.references = references;
    Ok(Json(store(&st, msg).await?.1))
}

/// `POST /api/v1/alerts/import`: publishes a CAP 1.2 message from an upstream feed.
#[utoipa::path(
    post,
    path = "/alerts/import",
    tag = "warnings",
    operation_id = "importAlert",
    summary = "Import a CAP message",
    description = "Takes one CAP 1.2 XML message (an Alert, or an Update or Cancel of one received before) and publishes it. Sending the same message again changes nothing.",
    request_body(content = String, content_type = "application/xml", description = "A CAP 1.2 `<alert>` document"),
    security(("official_token" = [])),
    responses(
        (status = 200, description = "Applied to a warning already here, or a repeat of a message already received", body = AlertView),
        (status = 201, description = "A new warning", body = AlertView),
        (status = 403, description = "Not an operator", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`identifier-taken` (another message had this identifier), `alert-cancelled`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as XML", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invalid-cap` (malformed XML or a broken CAP rule, named), `unknown-reference`, `not-a-warning`, `not-published`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn import(
    State(st): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<(StatusCode, Json<AlertView>)> {
    operator(&caller)?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !matches!(mime.as_str(), "application/xml" | "text/xml" | "application/cap+xml") {
        return Err(ApiError::UnsupportedMedia("send the CAP message as `Content-Type: application/xml`".into()));
    }
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::unprocessable("invalid-cap", "the message is not UTF-8 text"))?;
    let msg = cap::xml::parse(text).map_err(|e| ApiError::unprocessable("invalid-cap", e.to_string()))?;
    let (applied, view) = store(&st, msg).await?;
    let status = if applied == Applied::Created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(view)))
}

/// Stores a message in one transaction, then wakes the devices it may concern.
async fn store(st: &AppState, mut msg: cap::Alert) -> ApiResult<(Applied, AlertView)> {
    msg.check().map_err(|e| ApiError::unprocessable("invalid-cap", e.to_string()))?;
    if matches!(msg.msg_type, MsgType::Alert | MsgType::Update) {
        resolve_geocodes(st, &mut msg);
        if msg.match_areas().is_empty() {
            return Err(ApiError::unprocessable(
                "no-area",
                format!(
                    "the message's areas have no polygon or circle, and no geocode ({AREA_CODE} or GSO) naming a ward or \
                     commune of {}: phones could not tell whom it concerns",
                    st.city.name.en
                ),
            ));
        }
    }
    let now = st.now();
    let (applied, view, history) = st
        .db
        .write_as::<_, crate::error::ApiError, _>(move |tx| {
            let (applied, view) = alerts::apply(tx, &msg, now)?;
            let history = if applied == Applied::Repeated { Vec::new() } else { alerts::detail(tx, &view.id, now)?.history };
            Ok((applied, view, history))
        })
        .await?;
    if applied != Applied::Repeated {
        tracing::info!(alert = %view.id, version = view.version, state = ?view.state, "warning published");
        st.warnings.wake(&view, &history, &st.db);
    }
    Ok((applied, view))
}

fn new_identifier(st: &AppState) -> String {
    format!("{}-IOC-{}", st.city.code, uuid::Uuid::now_v7().simple())
}

/// Now in the city's time, to the second (CAP times have no fractions).
fn sent_now(st: &AppState) -> OffsetDateTime {
    let t = st.now().to_offset(st.city.utc_offset);
    t.replace_nanosecond(0).unwrap_or(t)
}

fn local(st: &AppState, t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(st.city.utc_offset);
    t.replace_nanosecond(0).unwrap_or(t)
}

/// Makes the CAP message of what an operator wrote.
fn compose(st: &AppState, req: &PublishAlert, msg_type: MsgType, references: Vec<cap::Reference>) -> ApiResult<cap::Alert> {
    let category = TOPICS.iter().find(|(t, _)| *t == req.topic).map(|(_, c)| *c).ok_or_else(|| {
        let known: Vec<&str> = TOPICS.iter().map(|(t, _)| *t).collect();
        ApiError::unprocessable("unknown-topic", format!("topic {:?} is not one of {}", req.topic, known.join(", ")))
    })?;
    if req.texts.is_empty() {
        return Err(ApiError::unprocessable("no-text", "a warning needs its text in at least one language (Vietnamese first)"));
    }
    if req.areas.is_empty() {
        return Err(ApiError::unprocessable("no-area", "a warning must say where it applies: give at least one area"));
    }
    if req.areas.len() > MAX_AREAS {
        return Err(ApiError::unprocessable("too-many-areas", format!("at most {MAX_AREAS} areas")));
    }
    let sent = sent_now(st);
    if req.expires <= sent {
        return Err(ApiError::unprocessable("bad-time", "`expires` is in the past"));
    }
    if req.onset.is_some_and(|o| o >= req.expires) {
        return Err(ApiError::unprocessable("bad-time", "`onset` must come before `expires`"));
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

fn info_block(st: &AppState, req: &PublishAlert, text: &AlertText, category: Category, sent: OffsetDateTime) -> ApiResult<Info> {
    let language = text_field("language", &text.language, 35, true)?;
    let vietnamese = language.to_ascii_lowercase().starts_with("vi");
    let optional = |name: &str, v: &Option<String>| -> ApiResult<Option<String>> {
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
fn area(st: &AppState, input: &AreaInput, vietnamese: bool) -> ApiResult<CapArea> {
    let bad = |e: String| ApiError::unprocessable("bad-area", e);
    let area = match input {
        AreaInput::Named { code } => {
            let unknown = || ApiError::unprocessable("unknown-area", format!("the city has no ward or commune {code:?}"));
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
fn resolve_geocodes(st: &AppState, msg: &mut cap::Alert) {
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlertsQuery {
    /// Also list cancelled and expired warnings.
    #[serde(default)]
    pub include_ended: bool,
    /// At most this many, newest first (1 to 500, 100 by default).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// `GET /api/v1/alerts`: the region's warnings, for anyone.
#[utoipa::path(
    get,
    path = "/alerts",
    tag = "warnings",
    operation_id = "listAlerts",
    summary = "List warnings",
    description = "The active warnings of the region, newest first (with `include_ended`, also the cancelled and expired ones).",
    params(AlertsQuery),
    responses(
        (status = 200, description = "The warnings", body = Vec<AlertView>),
        (status = 400, description = "A bad parameter (`bad-query`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(State(st): State<AppState>, Query(q): Query<AlertsQuery>) -> ApiResult<Json<Vec<AlertView>>> {
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let now = st.now();
    Ok(Json(st.db.read_as::<_, crate::error::ApiError, _>(move |c| alerts::list(c, q.include_ended, limit, now)).await?))
}

/// `GET /api/v1/alerts/{id}`: one warning with its history, for anyone.
#[utoipa::path(
    get,
    path = "/alerts/{id}",
    tag = "warnings",
    operation_id = "getAlert",
    summary = "Get a warning",
    description = "A warning as it stands, with every message of it (the Alert, its Updates, its Cancel), oldest first.",
    params(("id" = String, Path, description = "The warning's id")),
    responses(
        (status = 200, description = "The warning and its history", body = AlertDetail),
        (status = 404, description = "No such warning", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn detail(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<AlertDetail>> {
    let now = st.now();
    Ok(Json(st.db.read_as::<_, crate::error::ApiError, _>(move |c| alerts::detail(c, &id, now)).await?))
}

/// `GET /api/v1/alerts/{id}/reports`: reports filed inside the warning's area while it was
/// active, for officials (each sees those of their units; operators all).
#[utoipa::path(
    get,
    path = "/alerts/{id}/reports",
    tag = "warnings",
    operation_id = "alertReports",
    summary = "Reports under a warning",
    description = "The reports citizens filed inside the warning's area while it was active, newest first.",
    params(("id" = String, Path, description = "The warning's id"), PageQuery),
    security(("official_token" = [])),
    responses(
        (status = 200, description = "A page of reports", body = Page<ReportView>),
        (status = 403, description = "Not an official", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such warning", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn tagged_reports(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<ReportView>>> {
    let official = caller.official()?.clone();
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let after = q.after.map(|a| parse_page_token(&a)).transpose()?;
    let now = st.now();
    let page = st
        .db
        .read_as::<_, crate::error::ApiError, _>(move |c| {
            alerts::view(c, &id, now)?;
            let (ms, rid) = after.unwrap_or((i64::MAX, "~".to_owned()));
            let sql = format!(
                "SELECT {} FROM report r JOIN report_alert t ON t.report_id = r.id
                 WHERE t.alert_id = ?1 AND (r.received_at, r.id) < (?2, ?3)
                 ORDER BY r.received_at DESC, r.id DESC",
                reports::COLUMNS.split(", ").map(|col| format!("r.{col}")).collect::<Vec<_>>().join(", ")
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![id, ms, rid], Stored::from_row)?;
            let mut stored = Vec::new();
            for row in rows {
                let s = row??;
                if official.may_work_on(&s.unit) {
                    stored.push(s);
                    if stored.len() > limit as usize {
                        break;
                    }
                }
            }
            reports::page(&stored, limit, |s| reports::view(c, s), |s| s.received_at)
        })
        .await?;
    Ok(Json(page))
}

/// `PUT /api/v1/devices/me/push`: how to wake this device for warnings.
#[utoipa::path(
    put,
    path = "/devices/me/push",
    tag = "warnings",
    operation_id = "registerPush",
    summary = "Register for warning pushes",
    description = "Stores the device's push token and the coarse cells around its resident's places (never the places), so a warning for those cells wakes it to sync.",
    request_body = PushRegistration,
    security(("device_token" = [])),
    responses(
        (status = 204, description = "Stored"),
        (status = 403, description = "Not a citizen's device", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`bad-token`, `bad-cell`, `too-many-cells`", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn register_push(State(st): State<AppState>, caller: Caller, Json(req): Json<PushRegistration>) -> ApiResult<StatusCode> {
    let device = caller.device()?.to_owned();
    st.warnings.register(&st.db, device, req, st.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
