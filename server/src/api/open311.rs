//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>) under `/open311/v2/`, over
//! the same reports as the apps' API.
//!
//! Services are the catalog's active categories (`service_code` = category code), attributes
//! their questions. Requests are reports, named by their public number; they carry nothing
//! about who reported them. A POST goes through the apps' own submission pipeline
//! (`citizen::create_report`): area check, catalog validation, routing, timeline.
//!
//! The format is the path's suffix: `.json` (also no suffix) or `.xml`. Errors take
//! Open311's shape in that format: `[{"code":400,"description":"…"}]` or
//! `<errors><error><code>400</code><description>…</description></error></errors>`.

use std::collections::BTreeMap;

use crate::db::Conn;
use axum::Router;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use civic_core::catalog::{Catalog, Category, Datatype, Question};
use civic_core::model::{ActorRole, AnswerValue, Answers, FixSource, GeoFix, Lang, ReportId, Status};
use civic_core::protocol::{Profile, SubmitReport};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::citizen::{Submitter, create_report};
use super::{RawBody, text_field};
use crate::db::{from_ms, to_ms};
use crate::error::{ApiError, ApiResult};
use crate::reports::{self, Stored};
use crate::state::AppState;

/// Where the endpoints live.
pub const PREFIX: &str = "/open311/v2";
/// The specification the discovery document names.
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// When this endpoint's shape last changed (discovery's `changeset`).
const CHANGESET: &str = "2026-05-01T00:00:00Z";
/// Longest date window of `GET requests`, and the default one (ending now).
const MAX_WINDOW_DAYS: i64 = 90;
/// Most requests one `GET requests` returns (newest first).
const MAX_REQUESTS: usize = 1000;

/// The routes, to nest under [`PREFIX`].
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{file}", get(get_top).post(post_top).fallback(method_not_allowed))
        .route("/services/{file}", get(service_definition).fallback(method_not_allowed))
        .route("/requests/{file}", get(request_one).fallback(method_not_allowed))
        .route("/tokens/{file}", get(token).fallback(method_not_allowed))
        .fallback(not_found)
}

// --- Formats and documents -------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// `name.json` / `name.xml` / `name` (JSON).
fn split(file: &str) -> (&str, Format) {
    match file.rsplit_once('.') {
        Some((stem, "json")) => (stem, Format::Json),
        Some((stem, "xml")) => (stem, Format::Xml),
        _ => (file, Format::Json),
    }
}

/// The format a request's path asks for (its last segment's suffix).
fn format_of(uri: &Uri) -> Format {
    split(uri.path().rsplit('/').next().unwrap_or_default()).1
}

/// A document written once and rendered as JSON or XML.
#[derive(Debug, Clone)]
enum Node {
    Null,
    Text(String),
    Int(i64),
    Number(f64),
    Bool(bool),
    /// Fields in order: JSON object members, XML child elements.
    Object(Vec<(&'static str, Node)>),
    /// A JSON array; in XML, each item an element of this name.
    List(&'static str, Vec<Node>),
}

fn text(s: impl Into<String>) -> Node {
    Node::Text(s.into())
}

fn opt_text(s: Option<impl Into<String>>) -> Node {
    s.map_or(Node::Null, text)
}

impl Node {
    fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Node::Null => Value::Null,
            Node::Text(s) => Value::String(s.clone()),
            Node::Int(i) => Value::from(*i),
            Node::Number(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
            Node::Bool(b) => Value::Bool(*b),
            Node::Object(fields) => Value::Object(fields.iter().map(|(k, v)| ((*k).to_owned(), v.to_json())).collect()),
            Node::List(_, items) => Value::Array(items.iter().map(Node::to_json).collect()),
        }
    }

    fn write_xml(&self, name: &str, out: &mut String) {
        let escape = civic_core::cap::xml::escape;
        match self {
            Node::Null => out.push_str(&format!("<{name}/>")),
            Node::Text(s) => out.push_str(&format!("<{name}>{}</{name}>", escape(s))),
            Node::Int(i) => out.push_str(&format!("<{name}>{i}</{name}>")),
            Node::Number(n) => out.push_str(&format!("<{name}>{n}</{name}>")),
            Node::Bool(b) => out.push_str(&format!("<{name}>{b}</{name}>")),
            Node::Object(fields) => {
                out.push_str(&format!("<{name}>"));
                for (k, v) in fields {
                    v.write_xml(k, out);
                }
                out.push_str(&format!("</{name}>"));
            }
            Node::List(item, items) => {
                out.push_str(&format!("<{name}>"));
                for v in items {
                    v.write_xml(item, out);
                }
                out.push_str(&format!("</{name}>"));
            }
        }
    }
}

/// A document `root` (the XML root element's name) with this status.
fn document(format: Format, status: StatusCode, root: &str, node: &Node) -> Response {
    match format {
        Format::Json => {
            let body = serde_json::to_string(&node.to_json()).unwrap_or_else(|_| "null".into());
            (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
        }
        Format::Xml => {
            let mut body = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
            node.write_xml(root, &mut body);
            body.push('\n');
            (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
        }
    }
}

// --- Errors ------------------------------------------------------------------------------

/// An error in Open311's shape.
#[derive(Debug)]
pub struct Open311Error {
    status: StatusCode,
    description: String,
}

impl Open311Error {
    fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Open311Error { status, description: description.into() }
    }
    fn bad(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }
    fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, description)
    }

    fn respond(self, format: Format) -> Response {
        let error = Node::Object(vec![("code", Node::Int(i64::from(self.status.as_u16()))), ("description", text(self.description))]);
        document(format, self.status, "errors", &Node::List("error", vec![error]))
    }
}

impl From<ApiError> for Open311Error {
    fn from(e: ApiError) -> Self {
        let status = match &e {
            // Open311 has no 422: a rule refusing the request is a 400.
            ApiError::BadRequest { .. } | ApiError::Unprocessable { .. } | ApiError::Conflict { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) | ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMedia(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error (open311)");
                return Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on the server. Please try again.");
            }
        };
        Self::new(status, e.to_string())
    }
}

type Result311<T> = Result<T, Open311Error>;

/// An error of the server's own layers (rate limit, body limit) in Open311's shape, for a
/// request under `/open311/`.
pub fn layer_error(uri: &Uri, e: ApiError) -> Response {
    let retry = match &e {
        ApiError::RateLimited { retry_after_s } | ApiError::Busy { retry_after_s, .. } => Some(*retry_after_s),
        _ => None,
    };
    let mut response = Open311Error::from(e).respond(format_of(uri));
    if let Some(s) = retry.and_then(|s| axum::http::HeaderValue::from_str(&s.to_string()).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, s);
    }
    response
}

/// The document, or the error, in the format asked for.
fn reply(format: Format, result: Result311<(StatusCode, &'static str, Node)>) -> Response {
    match result {
        Ok((status, root, node)) => document(format, status, root, &node),
        Err(e) => e.respond(format),
    }
}

async fn not_found(OriginalUri(uri): OriginalUri) -> Response {
    Open311Error::not_found(format!("there is no Open311 endpoint {}", uri.path())).respond(format_of(&uri))
}

async fn method_not_allowed(OriginalUri(uri): OriginalUri) -> Response {
    Open311Error::new(StatusCode::METHOD_NOT_ALLOWED, format!("this method is not allowed on {}", uri.path())).respond(format_of(&uri))
}

// --- Parameters --------------------------------------------------------------------------

/// Form or query pairs, in order.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(raw: &[u8]) -> Result311<Self> {
        serde_urlencoded::from_bytes(raw)
            .map(Params)
            .map_err(|e| Open311Error::bad(format!("the parameters are not URL-encoded pairs: {e}")))
    }

    /// The first non-empty value of `name`, trimmed.
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim())
    }

    /// `lang` (or `locale`): `en…` for English, Vietnamese otherwise.
    fn lang(&self) -> Lang {
        match self.get("lang").or_else(|| self.get("locale")) {
            Some(l) if l.to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::Vi,
        }
    }
}

/// The query's pairs, once its `jurisdiction_id` (if any) is checked.
fn query(st: &AppState, raw: &Option<String>) -> Result311<Params> {
    let p = Params::parse(raw.as_deref().unwrap_or_default().as_bytes())?;
    jurisdiction(st, &p)?;
    Ok(p)
}

/// This endpoint serves one jurisdiction, the city: its code (`HUE`), the host of
/// `--public-url` or a configured `--open311-jurisdiction-id` name it; any other
/// `jurisdiction_id` is 404, as the specification says.
fn jurisdiction(st: &AppState, p: &Params) -> Result311<()> {
    let Some(j) = p.get("jurisdiction_id") else { return Ok(()) };
    let host = st.limits.public_url.as_deref().and_then(|u| u.split("://").nth(1)).map(|h| h.split(['/', ':']).next().unwrap_or(h));
    let configured = st.limits.open311_jurisdiction_ids.iter().any(|k| j.eq_ignore_ascii_case(k));
    if configured || j.eq_ignore_ascii_case(&st.city.code) || host.is_some_and(|h| j.eq_ignore_ascii_case(h)) {
        Ok(())
    } else {
        Err(Open311Error::not_found(format!("jurisdiction_id {j} is not served here: this endpoint serves {}", st.city.code)))
    }
}

/// A comma-separated list parameter.
fn list(v: &str) -> Vec<String> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn datetime(t: OffsetDateTime, st: &AppState) -> String {
    t.to_offset(st.city.utc_offset).format(&Rfc3339).unwrap_or_default()
}

fn stored_datetime(ms: i64, st: &AppState) -> ApiResult<String> {
    Ok(datetime(from_ms(ms)?, st))
}

// --- GET discovery / services / requests, POST requests ----------------------------------

async fn get_top(State(st): State<AppState>, Path(file): Path<String>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let (stem, format) = split(&file);
    let result = match stem {
        "discovery" => query(&st, &raw).map(|_| discovery(&st, &headers)),
        "services" => query(&st, &raw).map(|q| services(&st, q.lang())),
        "requests" => match query(&st, &raw) {
            Ok(q) => requests(&st, &headers, &q).await,
            Err(e) => Err(e),
        },
        _ => Err(Open311Error::not_found(format!("there is no Open311 endpoint {file}"))),
    };
    reply(format, result)
}

async fn post_top(
    State(st): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Result<RawBody, ApiError>,
) -> Response {
    let (stem, format) = split(&file);
    if stem != "requests" {
        let status = if matches!(stem, "discovery" | "services") { StatusCode::METHOD_NOT_ALLOWED } else { StatusCode::NOT_FOUND };
        return Open311Error::new(status, format!("POST {file} is not an Open311 endpoint")).respond(format);
    }
    let result = async {
        let RawBody(body) = body?;
        submit(&st, &headers, raw.as_deref().unwrap_or_default(), &body).await
    };
    reply(format, result.await)
}

fn discovery(st: &AppState, headers: &HeaderMap) -> (StatusCode, &'static str, Node) {
    let base = super::feed::base_url(st, headers);
    let city = &st.city.name;
    let endpoint = Node::Object(vec![
        ("specification", text(SPECIFICATION)),
        ("url", text(format!("{base}{PREFIX}"))),
        ("changeset", text(CHANGESET)),
        ("type", text("production")),
        ("formats", Node::List("format", vec![text("text/xml"), text("application/json")])),
    ]);
    let node = Node::Object(vec![
        ("changeset", text(CHANGESET)),
        ("contact", text(format!("The operations centre of {} ({})", city.en, city.vi))),
        ("key_service", text("Keys for POST requests are issued by the operations centre and configured on this server.")),
        ("endpoints", Node::List("endpoint", vec![endpoint])),
    ]);
    (StatusCode::OK, "discovery", node)
}

fn group_name<'a>(catalog: &'a Catalog, code: &'a str, lang: Lang) -> &'a str {
    catalog.groups.iter().find(|g| g.code == code).map_or(code, |g| g.name.get(lang))
}

fn service(catalog: &Catalog, c: &Category, lang: Lang) -> Node {
    let (mine, other) = match lang {
        Lang::Vi => (&c.keywords.vi, &c.keywords.en),
        Lang::En => (&c.keywords.en, &c.keywords.vi),
    };
    let keywords = if mine.is_empty() { other } else { mine };
    Node::Object(vec![
        ("service_code", text(&c.code)),
        ("service_name", text(c.name.get(lang))),
        ("description", text(c.description.get(lang))),
        ("metadata", Node::Bool(!c.questions.is_empty())),
        ("type", text("realtime")),
        ("keywords", text(keywords.join(", "))),
        ("group", text(group_name(catalog, &c.group, lang))),
    ])
}

fn services(st: &AppState, lang: Lang) -> (StatusCode, &'static str, Node) {
    let catalog = st.catalog.get();
    let items = catalog.categories().iter().filter(|c| c.active).map(|c| service(&catalog, c, lang)).collect();
    (StatusCode::OK, "services", Node::List("service", items))
}

fn datatype_name(d: Datatype) -> &'static str {
    match d {
        Datatype::String => "string",
        Datatype::Number => "number",
        Datatype::Datetime => "datetime",
        Datatype::Text => "text",
        Datatype::Singlevaluelist => "singlevaluelist",
        Datatype::Multivaluelist => "multivaluelist",
    }
}

fn datatype_description(q: &Question) -> String {
    let code = &q.code;
    match q.datatype {
        Datatype::String => format!("Up to {} characters", civic_core::catalog::MAX_STRING_ANSWER),
        Datatype::Text => format!("Up to {} characters", civic_core::catalog::MAX_TEXT_ANSWER),
        Datatype::Number => "A number, e.g. 3 or 2.5".into(),
        Datatype::Datetime => "A date and time in RFC 3339, e.g. 2026-05-01T19:30:00+07:00".into(),
        Datatype::Singlevaluelist => format!("One key of values: attribute[{code}]=key"),
        Datatype::Multivaluelist => format!("One or more keys of values: attribute[{code}][]=key for each"),
    }
}

fn attribute(q: &Question, order: usize, lang: Lang) -> Node {
    let mut description = q.prompt.get(lang).to_owned();
    if let Some(more) = q.description.as_ref().map(|d| d.get(lang)).filter(|d| !d.is_empty()) {
        description.push_str(" — ");
        description.push_str(more);
    }
    let values = q.values.iter().map(|v| Node::Object(vec![("key", text(&v.key)), ("name", text(v.name.get(lang)))])).collect();
    Node::Object(vec![
        ("variable", Node::Bool(true)),
        ("code", text(&q.code)),
        ("datatype", text(datatype_name(q.datatype))),
        ("required", Node::Bool(q.required)),
        ("datatype_description", text(datatype_description(q))),
        ("order", Node::Int(order as i64)),
        ("description", text(description)),
        ("values", Node::List("value", values)),
    ])
}

async fn service_definition(State(st): State<AppState>, Path(file): Path<String>, RawQuery(raw): RawQuery) -> Response {
    let (code, format) = split(&file);
    let result = query(&st, &raw).and_then(|q| {
        let lang = q.lang();
        let catalog = st.catalog.get();
        let c = catalog.get(code).filter(|c| c.active).ok_or_else(|| Open311Error::not_found(format!("there is no service {code}")))?;
        let attributes = c.questions.iter().enumerate().map(|(i, q)| attribute(q, i + 1, lang)).collect();
        let node = Node::Object(vec![("service_code", text(&c.code)), ("attributes", Node::List("attribute", attributes))]);
        Ok((StatusCode::OK, "service_definition", node))
    });
    reply(format, result)
}

/// One report as an Open311 request: never who reported it.
fn request_node(st: &AppState, catalog: &Catalog, c: &Conn, s: &Stored, base: &str, lang: Lang) -> ApiResult<Node> {
    let category = catalog.get(&s.category);
    let unit = catalog.unit(&s.unit).map_or(s.unit.clone(), |u| u.name.get(lang).to_owned());
    let note = reports::timeline(c, s.id)?
        .into_iter()
        .rev()
        .filter(|e| matches!(e.actor, ActorRole::Officer | ActorRole::Operator))
        .find_map(|e| e.note.filter(|n| !n.trim().is_empty()));
    let photo = reports::photos(c, s.id)?.into_iter().next();
    Ok(Node::Object(vec![
        ("service_request_id", text(&s.public_number)),
        ("status", text(if s.status.is_outcome() { "closed" } else { "open" })),
        ("status_notes", opt_text(note)),
        ("service_name", text(category.map_or(s.category.as_str(), |c| c.name.get(lang)))),
        ("service_code", text(&s.category)),
        ("description", text(&s.description)),
        ("agency_responsible", text(unit)),
        ("service_notice", Node::Null),
        ("requested_datetime", text(stored_datetime(s.received_at, st)?)),
        ("updated_datetime", text(stored_datetime(s.updated_at, st)?)),
        ("expected_datetime", text(stored_datetime(s.due_at, st)?)),
        ("address", opt_text(s.ward.as_ref().map(|w| format!("{}, {}", w.name.get(lang), st.city.name.get(lang))))),
        ("address_id", Node::Null),
        ("zipcode", Node::Null),
        ("lat", Node::Number(s.location.lat)),
        ("long", Node::Number(s.location.lon)),
        ("media_url", opt_text(photo.map(|h| format!("{base}/api/v1/photos/{h}")))),
    ]))
}

/// Reports by a query, as a `service_requests` list.
async fn request_list(st: &AppState, headers: &HeaderMap, lang: Lang, sql: String, args: Vec<crate::db::Value>) -> Result311<Vec<Node>> {
    let base = super::feed::base_url(st, headers);
    let st2 = st.clone();
    let nodes = st
        .db
        .read_as::<_, crate::error::ApiError, _>(move |c| {
            let catalog = st2.catalog.get();
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(args, Stored::from_row)?;
            let mut out = Vec::new();
            for s in rows {
                let s = s??;
                out.push(request_node(&st2, &catalog, c, &s, &base, lang)?);
            }
            Ok(out)
        })
        .await?;
    Ok(nodes)
}

fn parse_date(q: &Params, name: &str) -> Result311<Option<OffsetDateTime>> {
    q.get(name)
        .map(|v| {
            OffsetDateTime::parse(v, &Rfc3339)
                .map_err(|_| Open311Error::bad(format!("{name} must be an RFC 3339 date and time, e.g. 2026-05-01T00:00:00+07:00")))
        })
        .transpose()
}

async fn requests(st: &AppState, headers: &HeaderMap, q: &Params) -> Result311<(StatusCode, &'static str, Node)> {
    let mut sql = format!("SELECT {} FROM report WHERE 1 = 1", reports::COLUMNS);
    let mut args: Vec<crate::db::Value> = Vec::new();
    if let Some(ids) = q.get("service_request_id") {
        // The spec: a list of ids overrides every other filter.
        let ids = list(ids);
        if ids.len() > MAX_REQUESTS {
            return Err(Open311Error::bad(format!("at most {MAX_REQUESTS} service_request_id at once")));
        }
        sql.push_str(&format!(" AND public_number IN ({})", vec!["?"; ids.len()].join(",")));
        args.extend(ids.into_iter().map(Into::into));
    } else {
        let window = Duration::days(MAX_WINDOW_DAYS);
        let (start, end) = match (parse_date(q, "start_date")?, parse_date(q, "end_date")?) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s + window),
            (None, Some(e)) => (e - window, e),
            (None, None) => {
                // Up to now, with a minute's slack for a client's clock.
                let end = st.now() + Duration::minutes(1);
                (end - window, end)
            }
        };
        if end <= start {
            return Err(Open311Error::bad("end_date must be after start_date"));
        }
        if end - start > window {
            return Err(Open311Error::bad(format!("start_date to end_date may span at most {MAX_WINDOW_DAYS} days")));
        }
        sql.push_str(" AND received_at >= ? AND received_at <= ?");
        args.extend([to_ms(start).into(), to_ms(end).into()]);
        if let Some(codes) = q.get("service_code") {
            let codes = list(codes);
            sql.push_str(&format!(" AND category IN ({})", vec!["?"; codes.len()].join(",")));
            args.extend(codes.into_iter().map(Into::into));
        }
        if let Some(status) = q.get("status") {
            let wanted = list(status);
            let (mut open, mut closed) = (false, false);
            for w in &wanted {
                match w.as_str() {
                    "open" => open = true,
                    "closed" => closed = true,
                    other => return Err(Open311Error::bad(format!("status is open or closed, not {other:?}"))),
                }
            }
            let statuses: Vec<&str> =
                Status::ALL.iter().filter(|s| if s.is_outcome() { closed } else { open }).map(|s| s.as_str()).collect();
            sql.push_str(&format!(" AND status IN ({})", vec!["?"; statuses.len()].join(",")));
            args.extend(statuses.into_iter().map(|s| s.to_owned().into()));
        }
    }
    sql.push_str(&format!(" ORDER BY received_at DESC, id DESC LIMIT {MAX_REQUESTS}"));
    let items = request_list(st, headers, q.lang(), sql, args).await?;
    Ok((StatusCode::OK, "service_requests", Node::List("request", items)))
}

async fn request_one(State(st): State<AppState>, Path(file): Path<String>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let (id, format) = split(&file);
    let result = async {
        let q = query(&st, &raw)?;
        let sql = format!("SELECT {} FROM report WHERE public_number = ?", reports::COLUMNS);
        let items = request_list(&st, &headers, q.lang(), sql, vec![id.to_owned().into()]).await?;
        if items.is_empty() {
            return Err(Open311Error::not_found(format!("there is no service request {id}")));
        }
        Ok((StatusCode::OK, "service_requests", Node::List("request", items)))
    };
    reply(format, result.await)
}

async fn token(Path(file): Path<String>) -> Response {
    let (token, format) = split(&file);
    Open311Error::not_found(format!(
        "there is no token {token}: this server answers a POST with the service_request_id at once and issues no tokens"
    ))
    .respond(format)
}

/// Whether `key` is one of the configured keys (compared by hash: no early exit on a prefix).
fn key_ok(st: &AppState, key: &str) -> bool {
    let given = Sha256::digest(key.as_bytes());
    st.limits.open311_api_keys.iter().fold(false, |ok, k| ok | (Sha256::digest(k.as_bytes()) == given))
}

/// `attribute[code]=v` and `attribute[code][]=v` pairs, by code, in order.
fn attributes(p: &Params) -> BTreeMap<String, (bool, Vec<String>)> {
    let mut out: BTreeMap<String, (bool, Vec<String>)> = BTreeMap::new();
    for (k, v) in &p.0 {
        let Some(rest) = k.strip_prefix("attribute[") else { continue };
        let (code, multi) = match rest.strip_suffix("][]") {
            Some(code) => (code, true),
            None => match rest.strip_suffix(']') {
                Some(code) => (code, false),
                None => continue,
            },
        };
        let entry = out.entry(code.to_owned()).or_default();
        entry.0 |= multi;
        let v = v.trim();
        if !v.is_empty() && !entry.1.iter().any(|x| x == v) {
            entry.1.push(v.to_owned());
        }
    }
    out
}

/// Open311 attribute values as answers to the category's questions.
fn answers(c: &Category, p: &Params) -> Result311<Answers> {
    let mut answers = Answers::new();
    for (code, (_, values)) in attributes(p) {
        if values.is_empty() {
            continue; // sent empty: not answered
        }
        let q =
            c.question(&code).ok_or_else(|| Open311Error::bad(format!("attribute[{code}] is not an attribute of service {}", c.code)))?;
        let one = || match &values[..] {
            [v] => Ok(v.clone()),
            _ => Err(Open311Error::bad(format!("attribute[{code}] takes one value"))),
        };
        let value = match q.datatype {
            Datatype::String | Datatype::Text => AnswerValue::Text(one()?),
            Datatype::Number => AnswerValue::Number(
                one()?
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| Open311Error::bad(format!("attribute[{code}] must be a number")))?,
            ),
            Datatype::Datetime => AnswerValue::DateTime(
                OffsetDateTime::parse(&one()?, &Rfc3339)
                    .map_err(|_| Open311Error::bad(format!("attribute[{code}] must be an RFC 3339 date and time")))?,
            ),
            Datatype::Singlevaluelist => AnswerValue::Choice(one()?),
            Datatype::Multivaluelist => AnswerValue::Choices(values),
        };
        c.check_answer(&code, &value).map_err(|e| Open311Error::bad(format!("attribute[{code}]: {e}")))?;
        answers.insert(code, value);
    }
    if let Some(q) = c.questions.iter().find(|q| q.required && !answers.contains_key(&q.code)) {
        return Err(Open311Error::bad(format!("attribute[{}] is required for service {}", q.code, c.code)));
    }
    Ok(answers)
}

/// The reporter's contact, kept private like a citizen's profile.
fn profile(p: &Params) -> Result311<Profile> {
    let field = |name: &str, v: Option<String>, max| -> Result311<Option<String>> {
        Ok(v.map(|v| text_field(name, &v, max, false)).transpose()?.filter(|v| !v.is_empty()))
    };
    let name = [p.get("first_name"), p.get("last_name")].into_iter().flatten().collect::<Vec<_>>().join(" ");
    Ok(Profile {
        display_name: field("first_name/last_name", (!name.is_empty()).then_some(name), 100)?,
        phone: field("phone", p.get("phone").map(str::to_owned), 32)?,
        email: field("email", p.get("email").map(str::to_owned), 254)?,
    })
}

async fn submit(st: &AppState, headers: &HeaderMap, raw_query: &str, body: &[u8]) -> Result311<(StatusCode, &'static str, Node)> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !body.is_empty() && !ct.starts_with("application/x-www-form-urlencoded") {
        return Err(Open311Error::bad("send the request as application/x-www-form-urlencoded"));
    }
    let mut p = Params::parse(body)?;
    // Some clients put api_key (or everything) in the query string.
    p.0.extend(Params::parse(raw_query.as_bytes())?.0);
    jurisdiction(st, &p)?;
    match p.get("api_key") {
        None => return Err(Open311Error::new(StatusCode::FORBIDDEN, "api_key is required to POST a service request")),
        Some(k) if !key_ok(st, k) => return Err(Open311Error::new(StatusCode::FORBIDDEN, "api_key is not valid")),
        Some(_) => {}
    }
    let lang = p.lang();
    let code = p.get("service_code").ok_or_else(|| Open311Error::bad("service_code is required"))?;
    let catalog = st.catalog.get();
    let category = catalog
        .get(code)
        .filter(|c| c.active)
        .ok_or_else(|| Open311Error::bad(format!("service_code {code} is not a service here (see services.json)")))?
        .clone();
    let (lat, lon) = match (p.get("lat"), p.get("long")) {
        (Some(lat), Some(lon)) => {
            let parse = |v: &str| v.parse::<f64>().ok().filter(|x| x.is_finite());
            parse(lat).zip(parse(lon)).ok_or_else(|| Open311Error::bad("lat and long must be decimal degrees (WGS 84)"))?
        }
        _ => match (p.get("address_string").map(str::trim).filter(|a| !a.is_empty()), &st.limits.geocoder_url) {
            (Some(address), Some(geocoder)) => {
                let city = st.city.name.get(Lang::Vi);
                match crate::outbound::geocode(geocoder, address, city, st.city.area.bounds()).await {
                    Ok(Some(point)) => point,
                    Ok(None) => {
                        return Err(Open311Error::bad(format!("address_string {address:?} was not found in {city}: send lat and long")));
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "the geocoder failed");
                        return Err(Open311Error::new(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "the address lookup is not answering: send lat and long, or try again later",
                        ));
                    }
                }
            }
            (Some(_), None) => return Err(Open311Error::bad("address_string cannot be looked up on this server: send lat and long")),
            (None, _) if p.get("address_id").is_some() => return Err(Open311Error::bad("address_id is not supported: send lat and long")),
            (None, _) => return Err(Open311Error::bad("lat and long (or address_string) are required")),
        },
    };
    // The photo at media_url is fetched and goes through the same pipeline as an upload
    // (stripped of metadata); a photo that cannot be had costs the photo, not the report.
    let mut photos = Vec::new();
    let mut media_problem = None;
    if let Some(url) = p.get("media_url").map(str::trim).filter(|u| !u.is_empty()) {
        match crate::outbound::fetch_untrusted(url, st.limits.max_body_bytes, st.limits.media_fetch_private).await {
            Ok(bytes) => {
                let hash = crate::auth::hex(&Sha256::digest(&bytes));
                match super::citizen::store_photo(st, hash.clone(), bytes.into()).await {
                    Ok(_) => photos.push(hash),
                    Err(e) => media_problem = Some(e.to_string()),
                }
            }
            Err(e) => media_problem = Some(e.to_string()),
        }
    }
    let answers = answers(&category, &p)?;
    let profile = profile(&p)?;
    let anonymous = profile.display_name.is_none() && profile.phone.is_none() && profile.email.is_none();
    let at = st.now();
    let req = SubmitReport {
        id: ReportId::new(),
        category: category.code.clone(),
        // A point sent by a client is a pin: its accuracy is not known (0).
        location: GeoFix { lat, lon, accuracy_m: 0.0, source: FixSource::Pin, fixed_at: at },
        description: p.get("description").unwrap_or_default().to_owned(),
        anonymous,
        answers,
        photos,
        captured_at: at,
        alerts: Vec::new(),
    };
    let (_, receipt) = create_report(st, Submitter::Channel { platform: "open311", profile }, req, 0).await?;
    let unit = catalog.unit(&receipt.unit).map_or(receipt.unit.clone(), |u| u.name.get(lang).to_owned());
    let due = datetime(receipt.received_at + Duration::hours(i64::from(category.expected_hours)), st);
    let mut notice = match lang {
        Lang::Vi => format!("Đã tiếp nhận, chuyển đến {unit}; dự kiến xử lý trước {due}."),
        Lang::En => format!("Received and routed to {unit}; expected by {due}."),
    };
    if let Some(problem) = media_problem {
        notice.push_str(&match lang {
            Lang::Vi => format!(" Không lấy được ảnh tại media_url ({problem}); phản ánh được lưu không kèm ảnh."),
            Lang::En => format!(" The photo at media_url could not be had ({problem}); the report is kept without it."),
        });
    }
    let node = Node::Object(vec![
        ("service_request_id", text(receipt.public_number)),
        ("service_notice", text(notice)),
        ("account_id", Node::Null),
    ]);
    Ok((StatusCode::OK, "service_requests", Node::List("request", vec![node])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_choose_the_format() {
        assert_eq!(split("services.json"), ("services", Format::Json));
        assert_eq!(split("services.xml"), ("services", Format::Xml));
        assert_eq!(split("services"), ("services", Format::Json));
        assert_eq!(split("HUE-2026-000001.xml"), ("HUE-2026-000001", Format::Xml));
    }

    #[test]
    fn one_node_renders_as_json_and_escaped_xml() {
        let n = Node::List("request", vec![Node::Object(vec![("a", text("<&>")), ("b", Node::Null), ("c", Node::Int(2))])]);
        assert_eq!(n.to_json().to_string(), r#"[{"a":"<&>","b":null,"c":2}]"#);
        let mut xml = String::new();
        n.write_xml("service_requests", &mut xml);
        assert_eq!(xml, "<service_requests><request><a>&lt;&amp;&gt;</a><b/><c>2</c></request></service_requests>");
    }

    #[test]
    fn attributes_are_grouped_by_code() {
        let p = Params(vec![
            ("attribute[amount]".into(), "bag".into()),
            ("attribute[kind][]".into(), "poster".into()),
            ("attribute[kind][]".into(), "banner".into()),
            ("attribute[kind][]".into(), "poster".into()),
            ("other".into(), "x".into()),
        ]);
        let a = attributes(&p);
        assert_eq!(a["amount"], (false, vec!["bag".to_owned()]));
        assert_eq!(a["kind"], (true, vec!["poster".to_owned(), "banner".to_owned()]));
        assert_eq!(a.len(), 2);
    }
}
