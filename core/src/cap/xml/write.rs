//! The model to CAP 1.2 XML, each element in the place the OASIS schema's sequences give it,
//! indented two spaces a level. Free text is written as it is: only `&`, `<`, `>` are escaped,
//! and `\r` as a character reference, since a parser would otherwise turn it into `\n`.

use super::super::{Alert, CapArea, Info, NamedValue, Resource};
use super::CAP_NS;
use super::text::*;
use super::tree::is_xml_char;

pub(super) fn alert(a: &Alert) -> String {
    let mut w = Writer { out: String::with_capacity(2048), depth: 0 };
    w.out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.out.push_str("<alert xmlns=\"");
    w.out.push_str(CAP_NS);
    w.out.push_str("\">\n");
    w.depth = 1;
    w.text("identifier", &a.identifier);
    w.text("sender", &a.sender);
    w.value("sent", |o| write_time(o, a.sent));
    w.text("status", status_text(a.status));
    w.text("msgType", msg_type_text(a.msg_type));
    w.opt("source", &a.source);
    w.text("scope", scope_text(a.scope));
    w.opt("restriction", &a.restriction);
    w.opt("addresses", &a.addresses);
    for code in &a.code {
        w.text("code", code);
    }
    w.opt("note", &a.note);
    if !a.references.is_empty() {
        // A reference's sender and identifier are only checked on the message they name.
        let mut references = String::new();
        write_references(&mut references, &a.references);
        w.text("references", &references);
    }
    w.opt("incidents", &a.incidents);
    for info in &a.info {
        w.block("info", |w| self::info(w, info));
    }
    w.out.push_str("</alert>\n");
    w.out
}

fn info(w: &mut Writer, i: &Info) {
    // An empty tag is no language (and not a valid xs:language): the schema's default applies.
    if !i.language.is_empty() {
        w.text("language", &i.language);
    }
    for c in &i.category {
        w.text("category", category_text(*c));
    }
    w.text("event", &i.event);
    for r in &i.response_type {
        w.text("responseType", response_type_text(*r));
    }
    w.text("urgency", urgency_text(i.urgency));
    w.text("severity", severity_text(i.severity));
    w.text("certainty", certainty_text(i.certainty));
    w.opt("audience", &i.audience);
    for code in &i.event_code {
        named_value(w, "eventCode", code);
    }
    for (name, time) in [("effective", i.effective), ("onset", i.onset), ("expires", i.expires)] {
        if let Some(t) = time {
            w.value(name, |o| write_time(o, t));
        }
    }
    w.opt("senderName", &i.sender_name);
    w.opt("headline", &i.headline);
    w.opt("description", &i.description);
    w.opt("instruction", &i.instruction);
    w.opt("web", &i.web);
    w.opt("contact", &i.contact);
    for p in &i.parameter {
        named_value(w, "parameter", p);
    }
    for r in &i.resource {
        w.block("resource", |w| resource(w, r));
    }
    for a in &i.area {
        w.block("area", |w| area(w, a));
    }
}

fn resource(w: &mut Writer, r: &Resource) {
    w.text("resourceDesc", &r.resource_desc);
    w.text("mimeType", &r.mime_type);
    if let Some(size) = r.size {
        w.value("size", |o| o.push_str(&size.to_string()));
    }
    w.opt("uri", &r.uri);
    w.opt("derefUri", &r.deref_uri);
    w.opt("digest", &r.digest);
}

fn area(w: &mut Writer, a: &CapArea) {
    w.text("areaDesc", &a.area_desc);
    for ring in &a.polygon {
        w.value("polygon", |o| write_polygon(o, ring));
    }
    for c in &a.circle {
        w.value("circle", |o| write_circle(o, c));
    }
    for g in &a.geocode {
        named_value(w, "geocode", g);
    }
    for (name, v) in [("altitude", a.altitude), ("ceiling", a.ceiling)] {
        if let Some(v) = v {
            w.value(name, |o| o.push_str(&v.to_string()));
        }
    }
}

fn named_value(w: &mut Writer, name: &str, nv: &NamedValue) {
    w.block(name, |w| {
        w.text("valueName", &nv.value_name);
        w.text("value", &nv.value);
    });
}

struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    /// `<name>` + what `body` writes (already XML-safe) + `</name>`, on one line.
    fn value(&mut self, name: &str, body: impl FnOnce(&mut String)) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        body(&mut self.out);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn text(&mut self, name: &str, text: &str) {
        self.value(name, |o| escape_into(o, text, false));
    }

    fn opt(&mut self, name: &str, text: &Option<String>) {
        if let Some(text) = text {
            self.text(name, text);
        }
    }

    /// An element holding elements.
    fn block(&mut self, name: &str, body: impl FnOnce(&mut Writer)) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(">\n");
        self.depth += 1;
        body(self);
        self.depth -= 1;
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }
}

/// Character data, escaped. `>` is escaped too, so `]]>` can't appear; `quotes` also escapes
/// `"` and `'` for attribute values. A character XML 1.0 can't carry at all (most C0 controls,
/// U+FFFE, U+FFFF) becomes U+FFFD: the document must stay XML.
pub(super) fn escape_into(out: &mut String, text: &str, quotes: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}
