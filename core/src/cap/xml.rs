//! CAP 1.2 XML: reading (`parse`) and writing (`to_xml`).
//!
//! Reading is in two steps: `tree` turns the text into elements under the rules for untrusted
//! input (size, no DOCTYPE, no entities beyond XML's five, bounded depth), then `read` takes
//! the elements in the schema's order into the model. `write` is the way back; `text` holds the
//! text forms of simple values (codes, times, geometry, references) that both directions share.

mod read;
mod text;
mod tree;
mod write;

use super::{Alert, CapError};

/// The CAP 1.2 namespace; `<alert>` must be in it (with or without a prefix).
pub const CAP_NS: &str = "urn:oasis:names:tc:emergency:cap:1.2";

/// XML Signature: the one foreign namespace CAP 1.2 allows, at the end of `<alert>`.
const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// Larger documents are refused before any parsing. Real messages are a few kilobytes; the
/// largest, with inline audio (`derefUri`), a few hundred kilobytes.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// Reads one CAP 1.2 `<alert>` document and checks it (`Alert::check`).
///
/// Errors: `Xml` for anything that is not well-formed XML or not a CAP 1.2 `<alert>` (with the
/// line and column), a DOCTYPE, an element out of the schema's order or unknown, or a document
/// over `MAX_DOCUMENT_BYTES`; `Missing` for an absent required element; `Invalid` for a value
/// CAP does not allow (naming the element and the value); and whatever `Alert::check` finds.
///
/// Times keep the offset they were written with; `Z` and `-00:00` read as UTC and fractions of
/// a second are dropped. XML signatures are skipped, not verified.
pub fn parse(xml: &str) -> Result<Alert, CapError> {
    if xml.len() > MAX_DOCUMENT_BYTES {
        return Err(CapError::Xml(format!(
            "the document is {} bytes; CAP messages over {MAX_DOCUMENT_BYTES} bytes (1 MiB) are refused",
            xml.len()
        )));
    }
    // A byte-order mark is allowed before the XML declaration.
    let xml = xml.strip_prefix('\u{FEFF}').unwrap_or(xml);
    let root = tree::read(xml)?;
    let alert = read::alert(&root, tree::Locator(xml))?;
    alert.check()?;
    Ok(alert)
}

/// Writes the alert as a CAP 1.2 document that validates against the OASIS schema.
///
/// Elements come in the schema's order; times are written `YYYY-MM-DDThh:mm:ss±hh:mm` (UTC as
/// `+00:00`, never `Z`; fractions of a second dropped); numbers so that they read back to the
/// same `f64`; polygons point for point as given. For an alert that passes `Alert::check`,
/// `parse(&to_xml(&a)) == a` when its times are whole seconds and its text holds only
/// characters XML can carry (others are written as U+FFFD).
pub fn to_xml(alert: &Alert) -> String {
    write::alert(alert)
}

/// Escapes text for XML content and attribute values: `&`, `<`, `>`, `"` and `'`, and `\r` as a
/// character reference (a parser would read it as `\n`). Characters XML can't carry become
/// U+FFFD. For documents that sit beside CAP, such as the Atom feed.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    write::escape_into(&mut out, text, true);
    out
}
