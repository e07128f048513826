//! HTTP edge: the GeoReport v2 documents: discovery, the services (the catalog's active
//! categories, their questions as attributes) and reports as service requests.

use axum::http::{HeaderMap, StatusCode};
use civic_core::catalog::{Catalog, Category, Datatype, Question};
use civic_core::model::Lang;

use super::PREFIX;
use super::format::{Node, datetime, opt_text, text};
use crate::service::AppState;
use crate::service::open311::Request;

/// The specification the discovery document names.
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// When this endpoint's shape last changed (discovery's `changeset`).
const CHANGESET: &str = "2026-05-01T00:00:00Z";

/// The discovery document: where the endpoint is and what it speaks.
pub fn discovery(st: &AppState, headers: &HeaderMap) -> (StatusCode, &'static str, Node) {
    let base = crate::api::feed::base_url(st, headers);
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

pub fn services(st: &AppState, lang: Lang) -> (StatusCode, &'static str, Node) {
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

/// A service's definition: its attributes (the category's questions), in order.
pub fn service_definition(c: &Category, lang: Lang) -> Node {
    let attributes = c.questions.iter().enumerate().map(|(i, q)| attribute(q, i + 1, lang)).collect();
    Node::Object(vec![("service_code", text(&c.code)), ("attributes", Node::List("attribute", attributes))])
}

/// One report as an Open311 request: never who reported it.
pub fn request(st: &AppState, catalog: &Catalog, r: &Request, base: &str, lang: Lang) -> Node {
    let category = catalog.get(&r.category);
    let unit = catalog.unit(&r.unit).map_or(r.unit.clone(), |u| u.name.get(lang).to_owned());
    Node::Object(vec![
        ("service_request_id", text(&r.number)),
        ("status", text(if r.status.is_outcome() { "closed" } else { "open" })),
        ("status_notes", opt_text(r.note.clone())),
        ("service_name", text(category.map_or(r.category.as_str(), |c| c.name.get(lang)))),
        ("service_code", text(&r.category)),
        ("description", text(&r.description)),
        ("agency_responsible", text(unit)),
        ("service_notice", Node::Null),
        ("requested_datetime", text(datetime(r.received_at, st))),
        ("updated_datetime", text(datetime(r.updated_at, st))),
        ("expected_datetime", text(datetime(r.due_at, st))),
        ("address", opt_text(r.ward.as_ref().map(|w| format!("{}, {}", w.name.get(lang), st.city.name.get(lang))))),
        ("address_id", Node::Null),
        ("zipcode", Node::Null),
        ("lat", Node::Number(r.lat)),
        ("long", Node::Number(r.lon)),
        ("media_url", opt_text(r.photo.as_ref().map(|h| format!("{base}/api/v1/photos/{h}")))),
    ])
}
