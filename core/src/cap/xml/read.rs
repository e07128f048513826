//! The element tree to the model, in the order the OASIS schema gives (an `xs:sequence` for
//! every element). An element out of order, repeated where CAP allows one, or unknown is an
//! error: CAP allows extension only as XML signatures at the end of `<alert>`.
//!
//! Simple values (codes, times, numbers, geometry, identifiers, language tags, URIs) are read
//! with the surrounding whitespace trimmed; free text (descriptions, names, values) is kept as
//! written, so a message says what its author wrote.

use super::super::{Alert, CapArea, CapError, Info, NamedValue, Resource};
use super::CAP_NS;
use super::text::*;
use super::tree::{Element, Locator, Ns};

// The schema's order of each element's children.
const ALERT: &[&str] = &[
    "identifier",
    "sender",
    "sent",
    "status",
    "msgType",
    "source",
    "scope",
    "restriction",
    "addresses",
    "code",
    "note",
    "references",
    "incidents",
    "info",
];
const INFO: &[&str] = &[
    "language",
    "category",
    "event",
    "responseType",
    "urgency",
    "severity",
    "certainty",
    "audience",
    "eventCode",
    "effective",
    "onset",
    "expires",
    "senderName",
    "headline",
    "description",
    "instruction",
    "web",
    "contact",
    "parameter",
    "resource",
    "area",
];
const RESOURCE: &[&str] = &["resourceDesc", "mimeType", "size", "uri", "derefUri", "digest"];
const AREA: &[&str] = &["areaDesc", "polygon", "circle", "geocode", "altitude", "ceiling"];
const NAMED_VALUE: &[&str] = &["valueName", "value"];

pub(super) fn alert(root: &Element, here: Locator) -> Result<Alert, CapError> {
    if root.ns != Ns::Cap || root.name != "alert" {
        let why = match &root.ns {
            Ns::Other(ns) if ns.starts_with("urn:oasis:names:tc:emergency:cap:") => {
                format!("this is CAP in namespace {ns}; only CAP 1.2 ({CAP_NS}) is read")
            }
            _ => format!("the root element is {}, not a CAP 1.2 <alert> in namespace {CAP_NS}", root.display_name()),
        };
        return Err(here.error(root.pos, why));
    }
    let mut c = Children::new("alert", ALERT, root, here)?;
    let identifier = c.simple("identifier")?.to_owned();
    let sender = c.simple("sender")?.to_owned();
    let sent = read_time("sent", c.simple("sent")?)?;
    let status = c.code("status", read_status, "Actual, Exercise, System, Test or Draft")?;
    let msg_type = c.code("msgType", read_msg_type, "Alert, Update, Cancel, Ack or Error")?;
    let source = c.opt_text("source")?;
    let scope = c.code("scope", read_scope, "Public, Restricted or Private")?;
    let restriction = c.opt_text("restriction")?;
    let addresses = c.opt_text("addresses")?;
    let code = c.many("code").map(|e| leaf_text(e, here).map(str::to_owned)).collect::<Result<_, _>>()?;
    let note = c.opt_text("note")?;
    let references = match c.opt("references") {
        Some(e) => read_references(simple_text(e, here)?)?,
        None => Vec::new(),
    };
    let incidents = c.opt_text("incidents")?;
    let info = c.many("info").map(|e| info(e, here)).collect::<Result<_, _>>()?;
    // The schema's one extension point: signatures (`xs:any` from the XML Signature namespace).
    while c.next().is_some_and(|e| e.ns == Ns::Dsig) {
        c.pos += 1;
    }
    c.finish()?;
    Ok(Alert { identifier, sender, sent, status, msg_type, source, scope, restriction, addresses, code, note, references, incidents, info })
}

fn info(element: &Element, here: Locator) -> Result<Info, CapError> {
    let mut c = Children::new("info", INFO, element, here)?;
    // An empty <language/> says nothing, and the schema's default is en-US.
    let language = match c.opt("language") {
        Some(e) if !simple_text(e, here)?.is_empty() => simple_text(e, here)?.to_owned(),
        _ => "en-US".to_owned(),
    };
    let mut category = vec![c.code("category", read_category, CATEGORIES)?];
    for e in c.many("category") {
        category.push(code(e, here, "category", read_category, CATEGORIES)?);
    }
    let event = c.text("event")?.to_owned();
    const RESPONSES: &str = "Shelter, Evacuate, Prepare, Execute, Avoid, Monitor, Assess, AllClear or None";
    let response_type =
        c.many("responseType").map(|e| code(e, here, "responseType", read_response_type, RESPONSES)).collect::<Result<_, _>>()?;
    let urgency = c.code("urgency", read_urgency, "Immediate, Expected, Future, Past or Unknown")?;
    let severity = c.code("severity", read_severity, "Extreme, Severe, Moderate, Minor or Unknown")?;
    let certainty = c.code("certainty", read_certainty, "Observed, Likely, Possible, Unlikely or Unknown")?;
    let audience = c.opt_text("audience")?;
    let event_code = c.many("eventCode").map(|e| named_value("eventCode", e, here)).collect::<Result<_, _>>()?;
    let effective = c.opt_time("effective")?;
    let onset = c.opt_time("onset")?;
    let expires = c.opt_time("expires")?;
    let sender_name = c.opt_text("senderName")?;
    let headline = c.opt_text("headline")?;
    let description = c.opt_text("description")?;
    let instruction = c.opt_text("instruction")?;
    let web = c.opt("web").map(|e| simple_text(e, here).map(str::to_owned)).transpose()?;
    let contact = c.opt_text("contact")?;
    let parameter = c.many("parameter").map(|e| named_value("parameter", e, here)).collect::<Result<_, _>>()?;
    let resource = c.many("resource").map(|e| resource(e, here)).collect::<Result<_, _>>()?;
    let area = c.many("area").map(|e| area(e, here)).collect::<Result<_, _>>()?;
    c.finish()?;
    Ok(Info {
        language,
        category,
        event,
        response_type,
        urgency,
        severity,
        certainty,
        audience,
        event_code,
        effective,
        onset,
        expires,
        sender_name,
        headline,
        description,
        instruction,
        web,
        contact,
        parameter,
        resource,
        area,
    })
}

const CATEGORIES: &str = "Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE or Other";

fn resource(element: &Element, here: Locator) -> Result<Resource, CapError> {
    let mut c = Children::new("resource", RESOURCE, element, here)?;
    let resource_desc = c.text("resourceDesc")?.to_owned();
    let mime_type = c.text("mimeType")?.to_owned();
    let size = match c.opt("size") {
        Some(e) => {
            let s = simple_text(e, here)?;
            Some(s.parse::<u64>().map_err(|_| invalid("size", s, "expected a size in bytes (a whole number)"))?)
        }
        None => None,
    };
    let uri = c.opt("uri").map(|e| simple_text(e, here).map(str::to_owned)).transpose()?;
    let deref_uri = c.opt_text("derefUri")?;
    let digest = c.opt_text("digest")?;
    c.finish()?;
    Ok(Resource { resource_desc, mime_type, size, uri, deref_uri, digest })
}

fn area(element: &Element, here: Locator) -> Result<CapArea, CapError> {
    let mut c = Children::new("area", AREA, element, here)?;
    let area_desc = c.text("areaDesc")?.to_owned();
    // Some feeds send an empty <polygon/> for "no polygon"; it is read as none.
    let mut polygon = Vec::new();
    for e in c.many("polygon") {
        let s = simple_text(e, here)?;
        if !s.is_empty() {
            polygon.push(read_polygon(s)?);
        }
    }
    let mut circle = Vec::new();
    for e in c.many("circle") {
        let s = simple_text(e, here)?;
        if !s.is_empty() {
            circle.push(read_circle(s)?);
        }
    }
    let geocode = c.many("geocode").map(|e| named_value("geocode", e, here)).collect::<Result<_, _>>()?;
    let altitude = c.opt("altitude").map(|e| read_number("altitude", simple_text(e, here)?)).transpose()?;
    let ceiling = c.opt("ceiling").map(|e| read_number("ceiling", simple_text(e, here)?)).transpose()?;
    c.finish()?;
    Ok(CapArea { area_desc, polygon, circle, geocode, altitude, ceiling })
}

fn named_value(parent: &'static str, element: &Element, here: Locator) -> Result<NamedValue, CapError> {
    let mut c = Children::new(parent, NAMED_VALUE, element, here)?;
    let value_name = c.text("valueName")?.to_owned();
    let value = c.text("value")?.to_owned();
    c.finish()?;
    Ok(NamedValue { value_name, value })
}

/// The children of one element, taken in the schema's order.
struct Children<'a> {
    parent: &'static str,
    /// The schema's children of `parent`, in order: to tell "out of order" from "unknown".
    order: &'static [&'static str],
    items: &'a [Element],
    pos: usize,
    here: Locator<'a>,
}

impl<'a> Children<'a> {
    fn new(parent: &'static str, order: &'static [&'static str], element: &'a Element, here: Locator<'a>) -> Result<Self, CapError> {
        if !element.text.trim().is_empty() {
            return Err(here.error(element.pos, format_args!("<{parent}> holds text; CAP gives it only elements")));
        }
        Ok(Children { parent, order, items: &element.children, pos: 0, here })
    }

    fn next(&self) -> Option<&'a Element> {
        self.items.get(self.pos)
    }

    fn opt(&mut self, name: &str) -> Option<&'a Element> {
        let e = self.next().filter(|e| e.ns == Ns::Cap && e.name == name)?;
        self.pos += 1;
        Some(e)
    }

    fn many(&mut self, name: &str) -> std::slice::Iter<'a, Element> {
        let start = self.pos;
        while self.opt(name).is_some() {}
        self.items[start..self.pos].iter()
    }

    fn one(&mut self, name: &'static str) -> Result<&'a Element, CapError> {
        if let Some(e) = self.opt(name) {
            return Ok(e);
        }
        if let Some(next) = self.next() {
            // What stands here instead is the problem when CAP doesn't have it here at all, or
            // has it before `name` (a repeat, or out of order).
            let at = |n: &str| self.order.iter().position(|o| *o == n);
            let next_at = if next.ns == Ns::Cap { at(&next.name) } else { None };
            if next_at.is_none() || next_at < at(name) {
                return Err(self.unexpected(next));
            }
            // Present further on: the message has it, in the wrong place.
            if let Some(later) = self.items[self.pos..].iter().find(|e| e.ns == Ns::Cap && e.name == name) {
                return Err(self.here.error(
                    later.pos,
                    format_args!("<{name}> is out of CAP 1.2's order in <{}>: it comes before {}", self.parent, next.display_name()),
                ));
            }
        }
        Err(CapError::Missing { parent: self.parent, element: name })
    }

    fn text(&mut self, name: &'static str) -> Result<&'a str, CapError> {
        leaf_text(self.one(name)?, self.here)
    }

    fn simple(&mut self, name: &'static str) -> Result<&'a str, CapError> {
        simple_text(self.one(name)?, self.here)
    }

    fn opt_text(&mut self, name: &str) -> Result<Option<String>, CapError> {
        self.opt(name).map(|e| leaf_text(e, self.here).map(str::to_owned)).transpose()
    }

    fn opt_time(&mut self, name: &'static str) -> Result<Option<time::OffsetDateTime>, CapError> {
        self.opt(name).map(|e| read_time(name, simple_text(e, self.here)?)).transpose()
    }

    fn code<T>(&mut self, name: &'static str, read: fn(&str) -> Option<T>, expected: &str) -> Result<T, CapError> {
        code(self.one(name)?, self.here, name, read, expected)
    }

    /// Every child has been read: anything left is out of order, repeated, or not CAP.
    fn finish(self) -> Result<(), CapError> {
        match self.next() {
            Some(e) => Err(self.unexpected(e)),
            None => Ok(()),
        }
    }

    fn unexpected(&self, e: &Element) -> CapError {
        let parent = self.parent;
        let why = match &e.ns {
            Ns::Cap if self.order.contains(&e.name.as_str()) => {
                format!("<{}> is out of CAP 1.2's order in <{parent}>, or repeated where CAP allows one", e.name)
            }
            Ns::Cap => format!("<{}> is not a CAP 1.2 element of <{parent}>", e.name),
            _ => format!(
                "{} is not allowed in <{parent}>: CAP 1.2 takes extensions only as XML signatures at the end of <alert>",
                e.display_name()
            ),
        };
        self.here.error(e.pos, why)
    }
}

/// The text of an element that holds only text.
fn leaf_text<'a>(e: &'a Element, here: Locator) -> Result<&'a str, CapError> {
    match e.children.first() {
        Some(child) => Err(here.error(child.pos, format_args!("<{}> holds {}; CAP gives it only text", e.name, child.display_name()))),
        None => Ok(&e.text),
    }
}

/// A simple value's text: XML whitespace around it is not part of it.
fn simple_text<'a>(e: &'a Element, here: Locator) -> Result<&'a str, CapError> {
    Ok(leaf_text(e, here)?.trim_matches([' ', '\t', '\n', '\r']))
}

fn code<T>(e: &Element, here: Locator, name: &'static str, read: fn(&str) -> Option<T>, expected: &str) -> Result<T, CapError> {
    let s = simple_text(e, here)?;
    read(s).ok_or_else(|| invalid(name, s, format!("expected {expected}")))
}
