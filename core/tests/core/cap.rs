//! CAP 1.2 XML: real messages from several publishers come in and go out unchanged, every
//! message Civic writes validates against the OASIS schema, and bad input is refused with an
//! error that says what is wrong.
//!
//! Schema validation runs `xmllint` (Debian: libxml2-utils); without it these tests fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use civic_core::cap::xml::{parse, to_xml};
use civic_core::cap::*;
use civic_core::warning::{Area as MatchArea, Severity};
use time::OffsetDateTime;
use time::macros::datetime;

/// Real messages, as their publishers sent them (sources in data/cap/README.md).
const REAL: &[&str] = &[
    "oasis-a1-homeland-security.xml",
    "oasis-a2-thunderstorm.xml",
    "oasis-a3-earthquake-update.xml",
    "oasis-a4-amber.xml",
    "nws-hurricane-warning-update.xml",
    "eccc-naad-special-weather-statement.xml",
    "imo-iceland-wind-warning.xml",
    "bom-australia-thunderstorm.xml",
    "wra-taiwan-reservoir-release.xml",
    "ipaws-alabama-rwt-cancel.xml",
];

/// Civic's own: a flood warning for Huế, its update and its cancellation.
const HUE_FLOOD: [&str; 3] = ["hue-flood-1-alert.xml", "hue-flood-2-update.xml", "hue-flood-3-cancel.xml"];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cap")
}

fn data(name: &str) -> String {
    std::fs::read_to_string(data_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn read(name: &str) -> Alert {
    parse(&data(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Validates documents against the OASIS schema with xmllint, all in one run.
fn assert_schema_valid(docs: &[(String, String)]) {
    if Command::new("xmllint").arg("--version").output().is_err() {
        panic!("xmllint is needed to check CAP exports against the OASIS schema: install libxml2-utils (apt-get install libxml2-utils)");
    }
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, xml) in docs {
        let path = dir.path().join(name);
        std::fs::write(&path, xml).unwrap();
        files.push(path);
    }
    for chunk in files.chunks(200) {
        let out = Command::new("xmllint").arg("--noout").arg("--schema").arg(data_dir().join("CAP-v1.2.xsd")).args(chunk).output().unwrap();
        assert!(out.status.success(), "schema validation failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
}

// --- real messages ---

#[test]
fn every_real_message_is_read_written_and_read_back_the_same() {
    for name in REAL.iter().chain(&HUE_FLOOD) {
        let alert = read(name);
        let xml = to_xml(&alert);
        let again = parse(&xml).unwrap_or_else(|e| panic!("{name} as written does not read back: {e}\n{xml}"));
        assert_eq!(again, alert, "{name}");
        assert_eq!(to_xml(&again), xml, "{name}: writing is stable");
    }
}

#[test]
fn every_export_validates_against_the_oasis_schema() {
    let docs: Vec<(String, String)> = REAL.iter().chain(&HUE_FLOOD).map(|name| (format!("export-{name}"), to_xml(&read(name)))).collect();
    assert_schema_valid(&docs);
}

#[test]
fn exported_times_carry_a_numeric_offset_never_z() {
    let times_in = |xml: &str| -> Vec<String> {
        let mut out = Vec::new();
        for tag in ["sent", "effective", "onset", "expires"] {
            for piece in xml.split(&format!("<{tag}>")).skip(1) {
                out.push(piece.split('<').next().unwrap().to_owned());
            }
        }
        for piece in xml.split("<references>").skip(1) {
            let refs = piece.split('<').next().unwrap();
            out.extend(refs.split(' ').map(|r| r.rsplit(',').next().unwrap().to_owned()));
        }
        out
    };
    let shaped = |t: &str| {
        let b = t.as_bytes();
        b.len() == 25
            && t.is_char_boundary(19)
            && matches!(b[19], b'+' | b'-')
            && b[22] == b':'
            && t[..19].bytes().enumerate().all(|(i, c)| match i {
                4 | 7 => c == b'-',
                10 => c == b'T',
                13 | 16 => c == b':',
                _ => c.is_ascii_digit(),
            })
    };
    let mut seen = 0;
    for name in REAL.iter().chain(&HUE_FLOOD) {
        for t in times_in(&to_xml(&read(name))) {
            assert!(shaped(&t) && !t.ends_with('Z'), "{name}: time {t:?}");
            seen += 1;
        }
    }
    assert!(seen > 40, "only {seen} times seen");

    // Environment Canada writes UTC as -00:00: it comes out as +00:00, the same instant.
    let naad = to_xml(&read("eccc-naad-special-weather-statement.xml"));
    assert!(naad.contains("<sent>2019-07-12T17:59:29+00:00</sent>"), "{naad}");
    // A time built in UTC, with a fraction of a second, is written +00:00 and whole.
    let mut a = hue_alert();
    a.sent = datetime!(2026-11-27 01:02:03.456 UTC);
    let xml = to_xml(&a);
    assert!(xml.contains("<sent>2026-11-27T01:02:03+00:00</sent>"), "{xml}");
    // Offsets are kept as given, not turned into UTC.
    assert!(to_xml(&read("oasis-a1-homeland-security.xml")).contains("<sent>2003-04-02T14:39:01-05:00</sent>"));
}

#[test]
fn several_info_blocks_keep_their_order_and_languages() {
    let languages = |name: &str| read(name).info.iter().map(|i| i.language.clone()).collect::<Vec<_>>();
    assert_eq!(languages("eccc-naad-special-weather-statement.xml"), ["en-CA", "fr-CA"]);
    assert_eq!(languages("oasis-a4-amber.xml"), ["en-US", "es-US"]);
    assert_eq!(languages("imo-iceland-wind-warning.xml"), ["is-IS", "en-US"]);
    assert_eq!(languages("hue-flood-1-alert.xml"), ["vi-VN", "en-US"]);
    // No <language>: CAP's default.
    assert_eq!(languages("oasis-a2-thunderstorm.xml"), ["en-US"]);

    let naad = read("eccc-naad-special-weather-statement.xml");
    assert_eq!(naad.info_for("fr").unwrap().event, "météo");
    assert_eq!(naad.info_for("en").unwrap().headline.as_deref(), Some("special weather statement in effect"));
    let iceland = read("imo-iceland-wind-warning.xml");
    assert_eq!(iceland.info[0].area[0].geocode[0].value_name, "Spásvæði");
    assert_eq!(iceland.info[1].resource[0].size, Some(17296));
    assert_eq!(iceland.info[1].resource[0].digest.as_deref(), Some("1c8015126336af265ec36ef202e91611f9cfd7a7"));
}

#[test]
fn updates_and_cancels_name_the_messages_they_replace() {
    let nws = read("nws-hurricane-warning-update.xml");
    assert_eq!(nws.msg_type, MsgType::Update);
    assert_eq!(nws.references.len(), 8);
    assert_eq!(
        nws.references[0],
        Reference {
            sender: "w-nws.webmaster@noaa.gov".into(),
            identifier: "NWS-IDP-PROD-4410291-3675936".into(),
            sent: datetime!(2020-08-25 10:32:00 -05:00),
        }
    );
    assert_eq!(nws.info[0].area[0].polygon.len(), 2, "two polygons for one area");
    assert_eq!(nws.note.as_deref(), Some(""), "an empty <note> is kept");

    let quake = read("oasis-a3-earthquake-update.xml");
    assert_eq!(quake.references[0].identifier, "TRI13970876.1");
    assert_eq!(quake.info[0].area[0].circle, [Circle { lat: 32.9525, lon: -115.5527, radius_km: 0.0 }]);

    // A signed IPAWS cancellation: the signature is skipped (not verified), the rest read.
    let cancel = read("ipaws-alabama-rwt-cancel.xml");
    assert_eq!(cancel.msg_type, MsgType::Cancel);
    assert_eq!(cancel.references[0].identifier, "6a90b38a3fedd9125cff7287");
    assert_eq!(cancel.references[0].sent, datetime!(2026-08-27 17:01:25 -05:00));
    assert!(!to_xml(&cancel).contains("Signature"));
}

#[test]
fn the_hue_flood_is_warned_raised_and_called_off() {
    let [alert, update, cancel] = HUE_FLOOD.map(read);

    assert_eq!(alert.msg_type, MsgType::Alert);
    assert_eq!(alert.topics(), ["flood"]);
    assert_eq!(alert.severity(), Severity::Severe);
    assert_eq!(alert.info_for("vi").unwrap().event, "Lũ trên sông Hương");
    assert_eq!(alert.info_for("en").unwrap().event, "Perfume River flood");
    assert!(alert.info[0].instruction.as_deref().unwrap().contains("đường ngập & không"), "&amp; read as &");
    assert_eq!(alert.expires(), Some(datetime!(2026-11-28 18:00 +07:00)));
    // The phone matches a polygon over the riverside wards and a circle round Kim Long.
    let areas = alert.match_areas();
    assert!(areas.iter().any(|a| matches!(a, MatchArea::Polygon { points } if points.len() == 7)));
    assert!(areas.contains(&MatchArea::Circle { lat: 16.456, lon: 107.556, radius_m: 1500.0 }));

    assert_eq!(update.msg_type, MsgType::Update);
    assert_eq!(update.references, [alert.as_reference()]);
    assert_eq!(update.severity(), Severity::Extreme);
    assert_eq!(update.info[0].response_type, [ResponseType::Evacuate]);
    assert_eq!(update.info[0].category, [Category::Met, Category::Safety]);

    assert_eq!(cancel.msg_type, MsgType::Cancel);
    assert_eq!(cancel.references, [alert.as_reference(), update.as_reference()]);
    assert_eq!(cancel.info[1].response_type, [ResponseType::AllClear]);
    assert!(cancel.match_areas().is_empty(), "the cancellation names the city, no shape");
}

#[test]
fn a_prefixed_cap_namespace_reads_the_same_and_is_written_plainly() {
    let bom = read("bom-australia-thunderstorm.xml");
    assert_eq!(bom.sender, "CAP.Message@bom.gov.au");
    assert_eq!(bom.info[0].area[0].geocode.len(), 7);
    let xml = to_xml(&bom);
    assert!(xml.contains("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">") && !xml.contains("cap:alert"));
}

#[test]
fn free_text_keeps_its_whitespace_and_simple_values_are_trimmed() {
    let bom = read("bom-australia-thunderstorm.xml");
    let description = bom.info[0].description.as_deref().unwrap();
    assert!(description.starts_with("\n          Severe thunderstorms") && description.ends_with("Coonamble.  \n        "));
    let naad = read("eccc-naad-special-weather-statement.xml");
    assert_eq!(naad.info[0].instruction.as_deref(), Some(""), "<instruction /> is an empty instruction");
    assert_eq!(naad.restriction.as_deref(), Some(""));
    assert!(naad.references.is_empty(), "<references /> is no reference");
    assert_eq!(naad.source.as_deref(), Some("Env. Can. - Can. Met. Ctr. – Montréal"));

    let padded = data("oasis-a2-thunderstorm.xml")
        .replace("<severity>Severe</severity>", "<severity>\n   Severe </severity>")
        .replace("<sent>2003-06-17T14:57:00-07:00</sent>", "<sent> 2003-06-17T14:57:00-07:00\n</sent>");
    assert_eq!(parse(&padded).unwrap(), read("oasis-a2-thunderstorm.xml"));
}

// --- bad input ---

/// The Huế alert with `from` replaced by `to`, read.
fn hue_with(from: &str, to: &str) -> Result<Alert, CapError> {
    let xml = data("hue-flood-1-alert.xml");
    assert!(xml.contains(from), "{from:?} not in the message");
    parse(&xml.replacen(from, to, 1))
}

fn xml_error(result: Result<Alert, CapError>) -> String {
    match result {
        Err(CapError::Xml(message)) => message,
        other => panic!("expected an XML error, got {other:?}"),
    }
}

#[test]
fn malformed_xml_is_refused_with_where() {
    let message = xml_error(hue_with("</identifier>", "</identifer>"));
    assert!(message.contains("line 4, column 45") && message.contains("</identifer>"), "{message}");
    let message = xml_error(parse("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>x"));
    assert!(message.contains("identifier"), "{message}");
    assert!(xml_error(parse("")).contains("no root element"));
    assert!(xml_error(parse("not xml at all")).contains("line 1"));
    let message = xml_error(hue_with("Lũ trên", "Lũ &nbsp; trên"));
    assert!(message.contains("undefined entity &nbsp;"), "{message}");
}

#[test]
fn only_cap_1_2_is_read() {
    let message = xml_error(hue_with(CAP_1_2, "urn:oasis:names:tc:emergency:cap:1.1"));
    assert!(message.contains("only CAP 1.2"), "{message}");
    let message = xml_error(hue_with(" xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"", ""));
    assert!(message.contains("not a CAP 1.2 <alert>"), "{message}");
    let message = xml_error(parse(r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry/></feed>"#));
    assert!(message.contains("<feed>"), "{message}");
}

const CAP_1_2: &str = "urn:oasis:names:tc:emergency:cap:1.2";

#[test]
fn polygons_must_be_closed_rings_of_four_points() {
    let open = hue_with("107.575 16.478,107.575</polygon>", "107.575</polygon>");
    assert!(matches!(open, Err(CapError::OpenPolygon { .. })), "{open:?}");
    let triangle = hue_with(
        "16.478,107.575 16.48,107.605 16.47,107.62 16.455,107.615 16.45,107.59 16.46,107.575 16.478,107.575",
        "16.478,107.575 16.48,107.605 16.478,107.575",
    );
    assert!(matches!(&triangle, Err(CapError::OpenPolygon { area }) if area.contains("Thuận Hóa")), "{triangle:?}");
    let garbled = hue_with("16.48,107.605", "16.48;107.605");
    assert!(matches!(garbled, Err(CapError::Invalid { element: "polygon", .. })), "{garbled:?}");
    let off_earth = hue_with("16.48,107.605", "96.48,107.605");
    assert!(matches!(off_earth, Err(CapError::BadPoint { lat, .. }) if lat == 96.48), "{off_earth:?}");
}

#[test]
fn a_circle_with_a_negative_radius_is_refused() {
    let result = hue_with("<circle>16.456,107.556 1.5</circle>", "<circle>16.456,107.556 -1.5</circle>");
    assert!(matches!(result, Err(CapError::BadRadius { radius_km, .. }) if radius_km == -1.5), "{result:?}");
    let result = hue_with("<circle>16.456,107.556 1.5</circle>", "<circle>16.456,107.556</circle>");
    assert!(matches!(result, Err(CapError::Invalid { element: "circle", .. })), "{result:?}");
}

#[test]
fn an_alert_must_say_where() {
    let mut xml = data("hue-flood-1-alert.xml");
    while let (Some(start), Some(end)) = (xml.find("    <area>"), xml.find("</area>\n")) {
        xml.replace_range(start..end + "</area>\n".len(), "");
    }
    assert!(!xml.contains("<area>"));
    assert_eq!(parse(&xml), Err(CapError::NoArea));
}

#[test]
fn an_update_must_reference_what_it_updates() {
    let xml = data("hue-flood-2-update.xml");
    let start = xml.find("  <references>").unwrap();
    let end = xml.find("</references>\n").unwrap() + "</references>\n".len();
    let mut bare = xml.clone();
    bare.replace_range(start..end, "");
    assert_eq!(parse(&bare), Err(CapError::NoReferences(MsgType::Update)));
    let mut empty = xml.clone();
    empty.replace_range(start..end, "  <references/>\n");
    assert_eq!(parse(&empty), Err(CapError::NoReferences(MsgType::Update)));
    let broken = xml.replace(",civic-hue-2026-11-27-flood-001,", ",civic-hue-2026-11-27-flood-001;");
    assert!(matches!(parse(&broken), Err(CapError::Invalid { element: "references", .. })));
}

#[test]
fn a_code_cap_does_not_have_is_named_with_its_value() {
    let result = hue_with("<severity>Severe</severity>", "<severity>Very Severe</severity>");
    match result {
        Err(e @ CapError::Invalid { element: "severity", .. }) => {
            let message = e.to_string();
            assert!(message.contains("\"Very Severe\"") && message.contains("Extreme, Severe"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let result = hue_with("<category>Met</category>", "<category>Weather</category>");
    assert!(matches!(result, Err(CapError::Invalid { element: "category", value, .. }) if value == "Weather"));
}

#[test]
fn a_bad_time_is_named_with_its_value() {
    for bad in ["2026-11-27 06:00:00+07:00", "2026-11-31T06:00:00+07:00", "2026-11-27T06:00:00", "tomorrow"] {
        let result = hue_with("<sent>2026-11-27T06:00:00+07:00</sent>", &format!("<sent>{bad}</sent>"));
        assert!(matches!(&result, Err(CapError::Invalid { element: "sent", value, .. }) if value == bad), "{bad}: {result:?}");
    }
    let result = hue_with("<onset>2026-11-27T12:00:00+07:00</onset>", "<onset>2026-11-27T12:00:00+7:00</onset>");
    assert!(matches!(result, Err(CapError::Invalid { element: "onset", .. })), "{result:?}");
}

#[test]
fn required_elements_are_missed_by_name() {
    let result = hue_with("<identifier>civic-hue-2026-11-27-flood-001</identifier>", "");
    assert_eq!(result, Err(CapError::Missing { parent: "alert", element: "identifier" }));
    assert_eq!(result.unwrap_err().to_string(), "identifier is required in <alert>");
    let result = hue_with("<event>Lũ trên sông Hương</event>", "");
    assert_eq!(result, Err(CapError::Missing { parent: "info", element: "event" }));
    let result = hue_with("<areaDesc>Phường Kim Long, trong vòng 1,5 km quanh trạm thủy văn</areaDesc>", "");
    assert_eq!(result, Err(CapError::Missing { parent: "area", element: "areaDesc" }));
    let result = hue_with("<value>flood</value>", "");
    assert_eq!(result, Err(CapError::Missing { parent: "eventCode", element: "value" }));
    let result = hue_with("<identifier>civic-hue-2026-11-27-flood-001</identifier>", "<identifier></identifier>");
    assert!(matches!(result, Err(CapError::BadIdentifier { element: "identifier", .. })), "{result:?}");
}

#[test]
fn elements_out_of_order_or_unknown_are_refused() {
    // <sender> moved before <identifier>.
    let message = xml_error(hue_with(
        "<identifier>civic-hue-2026-11-27-flood-001</identifier>\n  <sender>canhbao@hue.civic.example.invalid</sender>",
        "<sender>canhbao@hue.civic.example.invalid</sender>\n  <identifier>civic-hue-2026-11-27-flood-001</identifier>",
    ));
    assert!(message.contains("<identifier> is out of CAP 1.2's order in <alert>"), "{message}");
    let message = xml_error(hue_with("<scope>Public</scope>", "<scope>Public</scope><colour>red</colour>"));
    assert!(message.contains("<colour> is not a CAP 1.2 element of <alert>"), "{message}");
    let message = xml_error(hue_with("<status>Actual</status>", "<status>Actual</status><status>Test</status>"));
    assert!(message.contains("<status> is out of CAP 1.2's order in <alert>, or repeated"), "{message}");
    let message = xml_error(hue_with("<scope>Public</scope>", "<scope>Public</scope><x:extra xmlns:x=\"urn:example\"/>"));
    assert!(message.contains("only as XML signatures"), "{message}");
    let message = xml_error(hue_with("<event>Lũ trên sông Hương</event>", "<event>Lũ <b>lớn</b></event>"));
    assert!(message.contains("<event> holds <b>"), "{message}");
}

#[test]
fn a_doctype_is_refused_so_no_entity_is_ever_expanded() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE alert [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>"#;
    let message = xml_error(parse(laughs));
    assert!(message.contains("DOCTYPE is not allowed") && message.contains("line 2"), "{message}");
    let external = data("hue-flood-1-alert.xml").replacen("<alert ", "<!DOCTYPE alert SYSTEM \"file:///etc/passwd\">\n<alert ", 1);
    assert!(xml_error(parse(&external)).contains("DOCTYPE"));
}

#[test]
fn a_document_over_one_mebibyte_is_refused_before_reading() {
    let xml = data("hue-flood-1-alert.xml");
    let padding = " ".repeat(2 * 1024 * 1024);
    let big = xml.replacen("<description>", &format!("<description>{padding}"), 1);
    let message = xml_error(parse(&big));
    assert!(message.contains("1 MiB"), "{message}");
    // Just under the limit is read.
    let room = civic_core::cap::xml::MAX_DOCUMENT_BYTES - xml.len();
    let fits = xml.replacen("<description>", &format!("<description>{}", " ".repeat(room)), 1);
    assert_eq!(fits.len(), civic_core::cap::xml::MAX_DOCUMENT_BYTES);
    assert!(parse(&fits).is_ok());
}

#[test]
fn deep_nesting_and_stray_text_are_refused() {
    let deep = format!("<alert xmlns=\"{CAP_1_2}\">{}{}</alert>", "<a>".repeat(100_000), "</a>".repeat(100_000));
    assert!(xml_error(parse(&deep)).contains("nested deeper"));
    assert!(xml_error(hue_with("<status>", "hello <status>")).contains("holds text"));
    assert!(xml_error(parse(&format!("{}trailing", data("hue-flood-1-alert.xml")))).contains("outside the root"));
    assert!(xml_error(parse(&format!("{0}{0}", data("oasis-a1-homeland-security.xml")))).contains("root"));
}

#[test]
fn no_input_makes_the_reader_panic() {
    // Every prefix of real messages, and each with bytes swapped for markup characters.
    for name in REAL.iter().chain(&HUE_FLOOD) {
        let xml = data(name);
        let step = (xml.len() / 150).max(1);
        for cut in (0..xml.len()).step_by(step).filter(|&i| xml.is_char_boundary(i)) {
            let _ = parse(&xml[..cut]);
            for swap in ["<", ">", "&", "\"", "]]>", "<!--", "&#0;", "&#x110000;", "\u{0}"] {
                let mut broken = xml.clone();
                broken.insert_str(cut, swap);
                let _ = parse(&broken);
            }
        }
    }
}

// --- alerts Civic writes ---

fn hue_alert() -> Alert {
    Alert {
        identifier: "civic-test-1".into(),
        sender: "canhbao@hue.civic.example.invalid".into(),
        sent: datetime!(2026-11-27 06:00:00 +07:00),
        status: AlertStatus::Actual,
        msg_type: MsgType::Alert,
        source: None,
        scope: Scope::Public,
        restriction: None,
        addresses: None,
        code: vec![],
        note: None,
        references: vec![],
        incidents: None,
        info: vec![Info {
            language: "vi-VN".into(),
            category: vec![Category::Met],
            event: "Lũ".into(),
            response_type: vec![],
            urgency: Urgency::Expected,
            severity: Severity::Severe,
            certainty: Certainty::Likely,
            audience: None,
            event_code: vec![NamedValue { value_name: TOPIC_CODE.into(), value: "flood".into() }],
            effective: None,
            onset: None,
            expires: None,
            sender_name: None,
            headline: None,
            description: None,
            instruction: None,
            web: None,
            contact: None,
            parameter: vec![],
            resource: vec![],
            area: vec![CapArea {
                area_desc: "Thuận Hóa".into(),
                polygon: vec![],
                circle: vec![Circle { lat: 16.461, lon: 107.596, radius_km: 1.0 }],
                geocode: vec![],
                altitude: None,
                ceiling: None,
            }],
        }],
    }
}

/// A small deterministic generator: the same awkward alerts on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn unit(&mut self) -> f64 {
        self.next() as f64 / (1u64 << 31) as f64
    }
}

const AWKWARD: &[&str] = &[
    "<",
    ">",
    "&",
    "&amp;",
    "\"",
    "'",
    "]]>",
    "<![CDATA[x]]>",
    "<!--",
    "-->",
    "Lũ lụt ở Huế",
    "Thừa Thiên – Huế",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "  ",
    " leading",
    "trailing ",
    "🌊 nước dâng",
    "a,b c",
    "\u{A0}",
    "\u{2028}",
    "x",
];

fn awkward_text(rng: &mut Lcg) -> String {
    (0..rng.below(6)).map(|_| *rng.pick(AWKWARD)).collect()
}

fn maybe_text(rng: &mut Lcg) -> Option<String> {
    (rng.below(3) > 0).then(|| awkward_text(rng))
}

fn awkward_alert(rng: &mut Lcg, n: usize) -> Alert {
    let offsets = [(7, 0), (0, 0), (-5, 0), (5, 45), (-3, -30), (14, 0), (-12, 0)];
    let time = |rng: &mut Lcg| {
        let (h, m) = *rng.pick(&offsets);
        let unix = 1_000_000_000 + rng.below(1_000_000_000) as i64;
        OffsetDateTime::from_unix_timestamp(unix).unwrap().to_offset(time::UtcOffset::from_hms(h, m, 0).unwrap())
    };
    let mut a = hue_alert();
    a.identifier = format!("civic-awkward-{n}");
    a.sent = time(rng);
    a.msg_type = *rng.pick(&[MsgType::Alert, MsgType::Update, MsgType::Cancel]);
    if a.msg_type != MsgType::Alert {
        a.references = (0..1 + rng.below(3))
            .map(|i| Reference { sender: a.sender.clone(), identifier: format!("civic-awkward-{n}-{i}"), sent: time(rng) })
            .collect();
    }
    a.source = maybe_text(rng);
    a.note = maybe_text(rng);
    a.code = (0..rng.below(3)).map(|_| awkward_text(rng)).collect();
    a.incidents = maybe_text(rng);
    a.info = (0..1 + rng.below(3))
        .map(|k| {
            let mut info = hue_alert().info.remove(0);
            info.language = (*rng.pick(&["vi-VN", "en-US", "fr"])).into();
            info.event = awkward_text(rng);
            info.audience = maybe_text(rng);
            info.headline = maybe_text(rng);
            info.description = maybe_text(rng);
            info.instruction = maybe_text(rng);
            info.sender_name = maybe_text(rng);
            info.contact = maybe_text(rng);
            info.web = (rng.below(2) == 0).then(|| format!("https://civic.example.invalid/w/{n}?a=1&b={k}"));
            info.effective = (rng.below(2) == 0).then(|| time(rng));
            info.expires = (rng.below(2) == 0).then(|| time(rng));
            info.severity = *rng.pick(&[Severity::Unknown, Severity::Minor, Severity::Moderate, Severity::Severe, Severity::Extreme]);
            info.category = vec![*rng.pick(&[Category::Met, Category::Cbrne, Category::Infra, Category::Other])];
            info.parameter = (0..rng.below(3)).map(|_| NamedValue { value_name: awkward_text(rng), value: awkward_text(rng) }).collect();
            info.resource = (0..rng.below(2))
                .map(|_| Resource {
                    resource_desc: awkward_text(rng),
                    mime_type: "image/png".into(),
                    size: (rng.below(2) == 0).then(|| rng.next()),
                    uri: Some("https://civic.example.invalid/map.png".into()),
                    deref_uri: maybe_text(rng),
                    digest: maybe_text(rng),
                })
                .collect();
            let (lat, lon) = (16.0 + rng.unit(), 107.0 + rng.unit());
            let d = 0.001 + rng.unit() / 100.0;
            info.area[0].area_desc = awkward_text(rng);
            info.area[0].polygon = vec![vec![(lat, lon), (lat + d, lon), (lat + d, lon + d / 3.0), (lat, lon)]];
            info.area[0].circle = vec![Circle { lat: -lat, lon: -lon, radius_km: rng.unit() * 50.0 }];
            info.area[0].altitude = (rng.below(2) == 0).then(|| rng.unit() * 1e4 - 100.0);
            info.area[0].ceiling = (rng.below(2) == 0).then(|| rng.unit() * 1e5);
            info
        })
        .collect();
    a
}

#[test]
fn alerts_with_awkward_text_survive_the_round_trip_and_validate() {
    let mut rng = Lcg(0x5EED_C1E1C);
    let mut docs = Vec::new();
    for n in 0..300 {
        let alert = awkward_alert(&mut rng, n);
        alert.check().unwrap_or_else(|e| panic!("generated alert {n} is not valid: {e}"));
        let xml = to_xml(&alert);
        let again = parse(&xml).unwrap_or_else(|e| panic!("alert {n}: {e}\n{xml}"));
        assert_eq!(again, alert, "alert {n}:\n{xml}");
        docs.push((format!("awkward-{n}.xml"), xml));
    }
    // The hand-built Huế alert too, with every optional element present.
    let mut full = hue_alert();
    full.source = Some("Đài KTTV".into());
    full.restriction = Some("none".into());
    full.addresses = Some("\"Phường Thuận Hóa\" \"Phường Vỹ Dạ\"".into());
    full.scope = Scope::Private;
    full.info[0].area[0].geocode = vec![NamedValue { value_name: "civic:ward".into(), value: "Thuận Hóa".into() }];
    full.info[0].area[0].altitude = Some(0.5);
    full.info[0].area[0].ceiling = Some(12.25);
    assert_eq!(parse(&to_xml(&full)).unwrap(), full);
    docs.push(("full.xml".into(), to_xml(&full)));
    assert_schema_valid(&docs);
}

#[test]
fn text_xml_cannot_carry_is_written_as_a_replacement_character() {
    let mut a = hue_alert();
    a.info[0].description = Some("bell\u{7} and nul\u{0}".into());
    let xml = to_xml(&a);
    assert!(xml.contains("<description>bell\u{FFFD} and nul\u{FFFD}</description>"), "{xml}");
    assert_eq!(parse(&xml).unwrap().info[0].description.as_deref(), Some("bell\u{FFFD} and nul\u{FFFD}"));
}

#[test]
fn escape_makes_text_safe_for_content_and_attributes() {
    use civic_core::cap::xml::escape;
    assert_eq!(escape(r#"a<b>&"c"'d'"#), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
    assert_eq!(escape("Huế\r\n\u{1}"), "Huế&#13;\n\u{FFFD}");
}
