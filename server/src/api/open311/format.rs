//! HTTP edge: the GeoReport v2 format: a request's format (`.json`, `.xml`), documents
//! written once and rendered as JSON or XML, errors in Open311's shape, and the parameters
//! (form or query pairs, `attribute[…]`, dates) as clients send them.

use std::collections::BTreeMap;

use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use civic_core::model::Lang;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::ApiError;
use crate::service::{AppState, ServiceError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// `name.json` / `name.xml` / `name` (JSON).
pub fn split(file: &str) -> (&str, Format) {
    match file.rsplit_once('.') {
        Some((stem, "json")) => (stem, Format::Json),
        Some((stem, "xml")) => (stem, Format::Xml),
        _ => (file, Format::Json),
    }
}

/// The format a request's path asks for (its last segment's suffix).
pub fn format_of(uri: &Uri) -> Format {
    split(uri.path().rsplit('/').next().unwrap_or_default()).1
}

/// A document written once and rendered as JSON or XML.
#[derive(Debug, Clone)]
pub enum Node {
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

pub fn text(s: impl Into<String>) -> Node {
    Node::Text(s.into())
}

pub fn opt_text(s: Option<impl Into<String>>) -> Node {
    s.map_or(Node::Null, text)
}

impl Node {
    pub fn to_json(&self) -> serde_json::Value {
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

    pub fn write_xml(&self, name: &str, out: &mut String) {
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
pub fn document(format: Format, status: StatusCode, root: &str, node: &Node) -> Response {
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
    pub fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Open311Error { status, description: description.into() }
    }
    pub fn bad(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }
    pub fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, description)
    }

    pub fn respond(self, format: Format) -> Response {
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

impl From<ServiceError> for Open311Error {
    fn from(e: ServiceError) -> Self {
        ApiError::from(e).into()
    }
}

pub type Result311<T> = Result<T, Open311Error>;

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
pub fn reply(format: Format, result: Result311<(StatusCode, &'static str, Node)>) -> Response {
    match result {
        Ok((status, root, node)) => document(format, status, root, &node),
        Err(e) => e.respond(format),
    }
}

// --- Parameters --------------------------------------------------------------------------

/// Form or query pairs, in order.
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn parse(raw: &[u8]) -> Result311<Self> {
        serde_urlencoded::from_bytes(raw)
            .map(Params)
            .map_err(|e| Open311Error::bad(format!("the parameters are not URL-encoded pairs: {e}")))
    }

    /// The first non-empty value of `name`, trimmed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim())
    }

    /// `lang` (or `locale`): `en…` for English, Vietnamese otherwise.
    pub fn lang(&self) -> Lang {
        match self.get("lang").or_else(|| self.get("locale")) {
            Some(l) if l.to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::Vi,
        }
    }
}

/// A comma-separated list parameter.
pub fn list(v: &str) -> Vec<String> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

pub fn datetime(t: OffsetDateTime, st: &AppState) -> String {
    t.to_offset(st.city.utc_offset).format(&Rfc3339).unwrap_or_default()
}

/// `attribute[code]=v` and `attribute[code][]=v` pairs, by code, in order.
pub fn attributes(p: &Params) -> BTreeMap<String, (bool, Vec<String>)> {
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

pub fn parse_date(q: &Params, name: &str) -> Result311<Option<OffsetDateTime>> {
    q.get(name)
        .map(|v| {
            OffsetDateTime::parse(v, &Rfc3339)
                .map_err(|_| Open311Error::bad(format!("{name} must be an RFC 3339 date and time, e.g. 2026-05-01T00:00:00+07:00")))
        })
        .transpose()
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
