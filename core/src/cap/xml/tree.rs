//! XML to a small element tree, with the safety rules for untrusted input: no DOCTYPE (so no
//! entity declarations and nothing to expand), only the five predefined entities and character
//! references, a bounded depth, one root element. The tree keeps each element's namespace and
//! where it starts in the text, so the CAP reader can say where a problem is.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::super::CapError;
use super::{CAP_NS, DSIG_NS};

/// CAP nests five deep (alert/info/area/geocode/value); a signature a few more. Anything far
/// deeper is not a CAP message, and a limit keeps a hostile document from costing a deep stack.
const MAX_DEPTH: usize = 32;

/// The namespace an element is in, as far as CAP cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ns {
    Cap,
    /// XML Signature: CAP 1.2 allows signatures at the end of `<alert>`.
    Dsig,
    /// Anything else, with its namespace name ("" for none).
    Other(String),
}

#[derive(Debug)]
pub(super) struct Element {
    pub ns: Ns,
    /// The local name, without prefix.
    pub name: String,
    /// Byte offset of the start tag in the document, for error messages.
    pub pos: usize,
    pub children: Vec<Element>,
    /// The character data directly inside, entities resolved and line ends normalised.
    pub text: String,
}

impl Element {
    /// `<name>` with its namespace when that isn't CAP's, for messages.
    pub fn display_name(&self) -> String {
        match &self.ns {
            Ns::Cap => format!("<{}>", self.name),
            Ns::Dsig => format!("<{}> (XML Signature)", self.name),
            Ns::Other(ns) if ns.is_empty() => format!("<{}> (no namespace)", self.name),
            Ns::Other(ns) => format!("<{}> (namespace {ns})", self.name),
        }
    }
}

/// Says "line L, column C" for a byte offset of the document.
#[derive(Clone, Copy)]
pub(super) struct Locator<'a>(pub &'a str);

impl Locator<'_> {
    pub fn at(&self, pos: usize) -> String {
        let bytes = self.0.as_bytes();
        let pos = pos.min(bytes.len());
        let before = &bytes[..pos];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        format!("line {line}, column {column}")
    }

    pub fn error(&self, pos: usize, what: impl std::fmt::Display) -> CapError {
        CapError::Xml(format!("{}: {what}", self.at(pos)))
    }
}

/// Reads the document into its root element.
pub(super) fn read(xml: &str) -> Result<Element, CapError> {
    let here = Locator(xml);
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().check_end_names = true;
    reader.config_mut().expand_empty_elements = false;

    // Open elements, innermost last; the root once it is closed.
    let mut open: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => (namespace(&ns), event),
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(pos);
                return Err(here.error(at, format_args!("malformed XML: {e}")));
            }
        };
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(here.error(pos, "a second root element: a CAP document holds one <alert>"));
            }
            Event::Start(start) => {
                let element = element(&here, pos, ns, &start)?;
                if open.len() >= MAX_DEPTH {
                    return Err(here.error(pos, format_args!("elements nested deeper than {MAX_DEPTH}")));
                }
                open.push(element);
            }
            Event::Empty(start) => {
                let element = element(&here, pos, ns, &start)?;
                close(&mut open, &mut root, element);
            }
            Event::End(_) => match open.pop() {
                Some(element) => close(&mut open, &mut root, element),
                None => return Err(here.error(pos, "a closing tag with no element open")),
            },
            Event::Text(text) => {
                let text = text.xml10_content().map_err(|e| here.error(pos, e))?;
                push_text(&here, pos, &mut open, &text)?;
            }
            Event::CData(cdata) => {
                let text = cdata.xml10_content().map_err(|e| here.error(pos, e))?;
                push_text(&here, pos, &mut open, &text)?;
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().map_err(|e| here.error(pos, e))?;
                let text = if reference.is_char_ref() {
                    match reference.resolve_char_ref() {
                        Ok(Some(c)) if is_xml_char(c) => c.to_string(),
                        _ => return Err(here.error(pos, format_args!("&{name}; is not a character XML allows"))),
                    }
                } else {
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(s) => s.to_owned(),
                        None => {
                            return Err(here.error(
                                pos,
                                format_args!("undefined entity &{name}; (only &lt; &gt; &amp; &apos; &quot; exist without a DTD)"),
                            ));
                        }
                    }
                };
                push_text(&here, pos, &mut open, &text)?;
            }
            Event::DocType(_) => {
                return Err(here.error(pos, "a DOCTYPE is not allowed in a CAP message (no DTD or entity declarations are read)"));
            }
            // The XML declaration, comments and processing instructions carry nothing for CAP.
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => {
                if let Some(unclosed) = open.last() {
                    return Err(here.error(xml.len(), format_args!("the document ends before {} is closed", unclosed.display_name())));
                }
                return root.ok_or_else(|| CapError::Xml("the document has no root element".into()));
            }
        }
    }
}

fn namespace(ns: &ResolveResult<'_>) -> Result<Ns, String> {
    match ns {
        ResolveResult::Bound(ns) if ns.0 == CAP_NS.as_bytes() => Ok(Ns::Cap),
        ResolveResult::Bound(ns) if ns.0 == DSIG_NS.as_bytes() => Ok(Ns::Dsig),
        ResolveResult::Bound(ns) => Ok(Ns::Other(String::from_utf8_lossy(ns.0).into_owned())),
        ResolveResult::Unbound => Ok(Ns::Other(String::new())),
        ResolveResult::Unknown(prefix) => Err(String::from_utf8_lossy(prefix).into_owned()),
    }
}

fn element(here: &Locator, pos: usize, ns: Result<Ns, String>, start: &BytesStart) -> Result<Element, CapError> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let ns = ns.map_err(|prefix| here.error(pos, format_args!("<{name}> uses the undeclared namespace prefix {prefix:?}")))?;
    // CAP has no attributes, but a malformed one is still malformed XML.
    for attribute in start.attributes() {
        attribute.map_err(|e| here.error(pos, format_args!("malformed attribute in <{name}>: {e}")))?;
    }
    Ok(Element { ns, name, pos, children: Vec::new(), text: String::new() })
}

fn close(open: &mut [Element], root: &mut Option<Element>, element: Element) {
    match open.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn push_text(here: &Locator, pos: usize, open: &mut [Element], text: &str) -> Result<(), CapError> {
    // Writing replaces such characters, so reading must not let them in either.
    if let Some(c) = text.chars().find(|&c| !is_xml_char(c)) {
        return Err(here.error(pos, format_args!("the character U+{:04X} is not allowed in XML", u32::from(c))));
    }
    match open.last_mut() {
        Some(element) => element.text.push_str(text),
        // Outside the root only whitespace may stand.
        None if text.chars().all(char::is_whitespace) => {}
        None => return Err(here.error(pos, "text outside the root element")),
    }
    Ok(())
}

/// XML 1.0's Char production: what a document may contain at all.
pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}
