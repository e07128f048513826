//! Open311 GeoReport v2 (`/open311/v2/`) driven over HTTP as a third-party client would, in
//! JSON and XML, against the real server binary.

use crate::common::*;
use quick_xml::events::Event;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tempfile::tempdir;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const KEY: &str = "open311-test-key-1";
const OTHER_KEY: &str = "open311-test-key-2";
/// In the sea off Thuận An, outside Huế's service area.
const SEA: (f64, f64) = (16.60, 107.80);

fn start(dir: &std::path::Path, extra: &[&str]) -> TestServer {
    let mut args = vec!["--open311-api-key", KEY, "--open311-api-key", OTHER_KEY, "--open311-jurisdiction-id", "hue.vn"];
    args.extend_from_slice(extra);
    TestServer::start(dir, &args)
}

// --- A small XML tree (parsed with quick-xml, which also checks well-formedness) ---------

#[derive(Debug)]
struct El {
    name: String,
    text: String,
    children: Vec<El>,
}

impl El {
    fn all(&self, name: &str) -> Vec<&El> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
    fn child(&self, name: &str) -> &El {
        self.children.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("<{}> has no <{name}>", self.name))
    }
    fn text_of(&self, name: &str) -> &str {
        &self.child(name).text
    }
}

fn parse_xml(xml: &str) -> El {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut open: Vec<El> = Vec::new();
    let mut root = None;
    let new = |e: &quick_xml::events::BytesStart<'_>| El {
        name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
        text: String::new(),
        children: Vec::new(),
    };
    let mut close = |open: &mut Vec<El>, el: El| match open.last_mut() {
        Some(parent) => parent.children.push(el),
        None => {
            assert!(root.is_none(), "two root elements in {xml}");
            root = Some(el);
        }
    };
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("not well-formed XML ({e}): {xml}")) {
            Event::Start(e) => open.push(new(&e)),
            Event::Empty(e) => close(&mut open, new(&e)),
            Event::End(_) => {
                let el = open.pop().expect("a closing tag with nothing open");
                close(&mut open, el);
            }
            Event::Text(t) => {
                let t = t.decode().unwrap();
                if let Some(el) = open.last_mut() {
                    el.text.push_str(&t);
                } else {
                    assert!(t.trim().is_empty(), "text outside the root: {t:?}");
                }
            }
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap();
                let s = quick_xml::escape::resolve_predefined_entity(&name).unwrap_or_else(|| panic!("entity &{name};"));
                open.last_mut().expect("a reference outside the root").text.push_str(s);
            }
            Event::Eof => break,
            Event::Decl(_) => {}
            other => panic!("unexpected XML event {other:?}"),
        }
    }
    assert!(open.is_empty(), "unclosed elements in {xml}");
    check_with_xmllint(xml);
    root.expect("no root element")
}

/// Also checks with xmllint where it is installed (CI has it).
fn check_with_xmllint(xml: &str) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let Ok(mut child) = Command::new("xmllint").args(["--noout", "-"]).stdin(Stdio::piped()).stderr(Stdio::piped()).spawn() else {
        return;
    };
    child.stdin.take().unwrap().write_all(xml.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "xmllint: {} in {xml}", String::from_utf8_lossy(&out.stderr));
}

// --- Calls -------------------------------------------------------------------------------

async fn get_json(srv: &TestServer, path: &str) -> (StatusCode, Value) {
    let r = srv.get(None, &format!("/open311/v2/{path}")).await;
    let status = r.status();
    let ct = content_type(&r);
    let body = r.text().await.unwrap();
    assert!(ct.starts_with("application/json"), "{path}: content type {ct}: {body}");
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")))
}

async fn get_xml(srv: &TestServer, path: &str) -> (StatusCode, El) {
    let r = srv.get(None, &format!("/open311/v2/{path}")).await;
    let status = r.status();
    let ct = content_type(&r);
    let body = r.text().await.unwrap();
    assert!(ct.starts_with("text/xml"), "{path}: content type {ct}: {body}");
    assert!(body.starts_with("<?xml"), "{body}");
    (status, parse_xml(&body))
}

fn content_type(r: &Response) -> String {
    r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

async fn post(srv: &TestServer, format: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let r = srv.http.post(srv.url(&format!("/open311/v2/requests.{format}"))).form(form).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// Posts a valid request in JSON; returns its service_request_id.
async fn post_ok(srv: &TestServer, form: &[(&str, &str)]) -> String {
    let (status, body) = post(srv, "json", form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    v[0]["service_request_id"].as_str().unwrap().to_owned()
}

/// Checks a JSON Open311 error.
fn assert_json_error(status: StatusCode, body: &str, want: StatusCode, contains: &str) {
    assert_eq!(status, want, "{body}");
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    let errors = v.as_array().unwrap_or_else(|| panic!("errors are a list: {body}"));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["code"], want.as_u16());
    let d = errors[0]["description"].as_str().unwrap();
    assert!(d.contains(contains), "{d:?} does not say {contains:?}");
}

/// Checks an XML Open311 error.
fn assert_xml_error(status: StatusCode, el: &El, want: StatusCode, contains: &str) {
    assert_eq!(status, want);
    assert_eq!(el.name, "errors");
    let errors = el.all("error");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].text_of("code"), want.as_u16().to_string());
    assert!(errors[0].text_of("description").contains(contains), "{el:?}");
}

fn litter_form(at: &(String, String)) -> Vec<(&str, &str)> {
    vec![
        ("api_key", KEY),
        ("service_code", "litter"),
        ("lat", at.0.as_str()),
        ("long", at.1.as_str()),
        ("attribute[amount]", "bag"),
        ("description", "Rác trên vỉa hè"),
    ]
}

fn citadel() -> (String, String) {
    (CITADEL.0.to_string(), CITADEL.1.to_string())
}

fn rfc3339(v: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(v.as_str().unwrap_or_else(|| panic!("not a string: {v}")), &Rfc3339).unwrap()
}

// --- Tests -------------------------------------------------------------------------------

#[tokio::test]
async fn discovery_services_and_definitions_in_json_and_xml() {
    let dir = tempdir().unwrap();
    let srv = start(dir.path(), &["--public-url", "https://civic.example.org/"]);

    // Discovery: with no suffix too, in JSON.
    for path in ["discovery.json", "discovery"] {
        let (status, d) = get_json(&srv, path).await;
        assert_eq!(status, StatusCode::OK);
        let e = &d["endpoints"][0];
        assert_eq!(e["specification"], "http://wiki.open311.org/GeoReport_v2");
        assert_eq!(e["url"], "https://civic.example.org/open311/v2");
        assert_eq!(e["type"], "production");
        assert_eq!(e["formats"], json!(["text/xml", "application/json"]));
        assert!(d["changeset"].is_string() && d["contact"].is_string() && d["key_service"].is_string());
    }
    let (status, d) = get_xml(&srv, "discovery.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d.name, "discovery");
    let endpoint = d.child("endpoints").all("endpoint")[0];
    assert_eq!(endpoint.text_of("specification"), "http://wiki.open311.org/GeoReport_v2");
    assert_eq!(endpoint.text_of("url"), "https://civic.example.org/open311/v2");
    let formats: Vec<&str> = endpoint.child("formats").all("format").iter().map(|f| f.text.as_str()).collect();
    assert_eq!(formats, ["text/xml", "application/json"]);

    // Services: every active category, with its group's name.
    let catalog: Value = srv.get(None, "/api/v1/catalog").await.json().await.unwrap();
    let active: Vec<&str> =
        catalog["categories"].as_array().unwrap().iter().filter(|c| c["active"] == true).map(|c| c["code"].as_str().unwrap()).collect();
    assert!(active.len() > 20);
    let (status, services) = get_json(&srv, "services.json").await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&str> = services.as_array().unwrap().iter().map(|s| s["service_code"].as_str().unwrap()).collect();
    assert_eq!(codes, active);
    let litter = services.as_array().unwrap().iter().find(|s| s["service_code"] == "litter").unwrap();
    let cat = catalog["categories"].as_array().unwrap().iter().find(|c| c["code"] == "litter").unwrap();
    assert_eq!(litter["service_name"], cat["name"]["vi"]);
    assert_eq!(litter["description"], cat["description"]["vi"]);
    assert_eq!(litter["metadata"], true);
    assert_eq!(litter["type"], "realtime");
    assert_eq!(litter["group"], "Môi trường và rác thải");
    assert!(litter["keywords"].as_str().unwrap().contains(cat["keywords"]["vi"][0].as_str().unwrap()));
    let (_, english) = get_json(&srv, "services.json?lang=en").await;
    let litter_en = english.as_array().unwrap().iter().find(|s| s["service_code"] == "litter").unwrap();
    assert_eq!((&litter_en["service_name"], &litter_en["group"]), (&cat["name"]["en"], &json!("Environment and waste")));

    let (status, xml) = get_xml(&srv, "services.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(xml.name, "services");
    let items = xml.all("service");
    assert_eq!(items.iter().map(|s| s.text_of("service_code")).collect::<Vec<_>>(), active);
    let litter = items.iter().find(|s| s.text_of("service_code") == "litter").unwrap();
    assert_eq!((litter.text_of("metadata"), litter.text_of("type")), ("true", "realtime"));
    assert_eq!(litter.text_of("group"), "Môi trường và rác thải");

    // A service definition: attributes in order, with their values.
    let (status, def) = get_json(&srv, "services/illegal-dumping.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(def["service_code"], "illegal-dumping");
    let attrs = def["attributes"].as_array().unwrap();
    assert_eq!(attrs.len(), 2);
    let waste = &attrs[0];
    assert_eq!(
        (&waste["variable"], &waste["code"], &waste["datatype"], &waste["required"], &waste["order"]),
        (&json!(true), &json!("waste_type"), &json!("multivaluelist"), &json!(true), &json!(1))
    );
    assert!(waste["datatype_description"].as_str().unwrap().contains("attribute[waste_type][]"));
    assert!(!waste["description"].as_str().unwrap().is_empty());
    let keys: Vec<&str> = waste["values"].as_array().unwrap().iter().map(|v| v["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["household", "construction", "bulky", "green", "hazardous"]);
    assert!(waste["values"][0]["name"].as_str().is_some_and(|n| !n.is_empty()));
    assert_eq!((&attrs[1]["code"], &attrs[1]["datatype"], &attrs[1]["order"]), (&json!("amount"), &json!("singlevaluelist"), &json!(2)));

    let (status, def) = get_xml(&srv, "services/abandoned-vehicle.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(def.name, "service_definition");
    assert_eq!(def.text_of("service_code"), "abandoned-vehicle");
    let attrs = def.child("attributes").all("attribute");
    let summary: Vec<(&str, &str, &str, &str)> =
        attrs.iter().map(|a| (a.text_of("code"), a.text_of("datatype"), a.text_of("required"), a.text_of("order"))).collect();
    assert_eq!(
        summary,
        [("vehicle_type", "singlevaluelist", "true", "1"), ("plate", "string", "false", "2"), ("days", "number", "false", "3")]
    );
    let values: Vec<&str> = attrs[0].child("values").all("value").iter().map(|v| v.text_of("key")).collect();
    assert_eq!(values, ["motorbike", "car", "bicycle", "other"]);
    assert!(attrs[1].child("values").children.is_empty());

    // Unknown things: 404 in Open311's shape, in the format asked for.
    let (status, e) = get_json(&srv, "services/unicorns.json").await;
    assert_json_error(status, &e.to_string(), StatusCode::NOT_FOUND, "unicorns");
    let (status, e) = get_xml(&srv, "services/unicorns.xml").await;
    assert_xml_error(status, &e, StatusCode::NOT_FOUND, "unicorns");
    let (status, e) = get_xml(&srv, "nothing-here.xml").await;
    assert_xml_error(status, &e, StatusCode::NOT_FOUND, "nothing-here");
    let (status, e) = get_json(&srv, "tokens/abc123.json").await;
    assert_json_error(status, &e.to_string(), StatusCode::NOT_FOUND, "token");
    let (status, e) = get_xml(&srv, "tokens/abc123.xml").await;
    assert_xml_error(status, &e, StatusCode::NOT_FOUND, "token");
}

#[tokio::test]
async fn a_request_posted_through_open311_enters_the_same_pipeline_as_the_apps() {
    let dir = tempdir().unwrap();
    let srv = start(dir.path(), &[]);
    let at = citadel();
    let form = [
        ("api_key", KEY),
        ("jurisdiction_id", "hue.vn"),
        ("service_code", "illegal-dumping"),
        ("lat", at.0.as_str()),
        ("long", at.1.as_str()),
        ("attribute[waste_type][]", "household"),
        ("attribute[waste_type][]", "construction"),
        ("attribute[amount]", "bags"),
        ("description", "Đổ xà bần & rác <cạnh> bờ sông"),
        ("media_url", "https://example.org/photo.jpg"),
        ("device_id", "some-device"),
        ("account_id", "some-account"),
    ];
    let (status, body) = post(&srv, "json", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    let number = v[0]["service_request_id"].as_str().unwrap().to_owned();
    assert!(number.starts_with("HUE-20"), "{number}");
    assert!(v[0]["service_notice"].as_str().unwrap().contains("media_url"), "{body}");
    assert_eq!(v[0]["account_id"], Value::Null);

    // Open311 GET, JSON and XML.
    let (status, r) = get_json(&srv, &format!("requests/{number}.json")).await;
    assert_eq!(status, StatusCode::OK);
    let r = &r[0];
    let catalog: Value = srv.get(None, "/api/v1/catalog").await.json().await.unwrap();
    let unit_name = catalog["units"].as_array().unwrap().iter().find(|u| u["code"] == PHU_XUAN_COMMITTEE).unwrap()["name"]["vi"].clone();
    assert_eq!(r["service_request_id"], number.as_str());
    assert_eq!((&r["status"], &r["status_notes"]), (&json!("open"), &Value::Null));
    assert_eq!((&r["service_code"], &r["agency_responsible"]), (&json!("illegal-dumping"), &unit_name));
    assert_eq!(r["description"], "Đổ xà bần & rác <cạnh> bờ sông");
    assert_eq!((r["lat"].as_f64(), r["long"].as_f64()), (Some(CITADEL.0), Some(CITADEL.1)));
    assert_eq!(r["media_url"], Value::Null, "the photo at media_url is not fetched");
    let requested = rfc3339(&r["requested_datetime"]);
    assert_eq!(rfc3339(&r["expected_datetime"]) - requested, time::Duration::hours(72));
    assert!(rfc3339(&r["updated_datetime"]) >= requested);
    assert!((OffsetDateTime::now_utc() - requested).abs() < time::Duration::minutes(5));

    let (status, xml) = get_xml(&srv, &format!("requests/{number}.xml")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(xml.name, "service_requests");
    let x = xml.all("request")[0];
    assert_eq!(x.text_of("service_request_id"), number);
    assert_eq!(x.text_of("description"), "Đổ xà bần & rác <cạnh> bờ sông");
    assert_eq!(x.text_of("agency_responsible"), unit_name.as_str().unwrap());
    assert_eq!(x.text_of("lat").parse::<f64>().unwrap(), CITADEL.0);
    assert_eq!(x.text_of("long").parse::<f64>().unwrap(), CITADEL.1);

    // The apps' public API shows the same report, routed and placed like an app's.
    let public: Value = srv.get(None, "/api/v1/public/reports").await.json().await.unwrap();
    let items = public["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["public_number"], number.as_str());
    assert_eq!(
        (&items[0]["category"], &items[0]["unit"], &items[0]["status"]),
        (&json!("illegal-dumping"), &json!(PHU_XUAN_COMMITTEE), &json!("received"))
    );
    assert_eq!(items[0]["ward"]["code"], "19753");
    assert_eq!(r["address"], format!("{}, Thành phố Huế", items[0]["ward"]["name"]["vi"].as_str().unwrap()));
    assert_eq!(items[0]["timeline"][0]["status"], "received");

    // The unit's officer has it in the inbox with the attributes as answers.
    let officer = srv.officer("sanitation-1", &[PHU_XUAN_COMMITTEE]).await;
    let inbox: Value = srv.get(Some(&officer), "/api/v1/work/inbox").await.json().await.unwrap();
    let mine = &inbox["items"][0];
    assert_eq!(mine["public_number"], number.as_str());
    assert_eq!(mine["answers"]["waste_type"], json!({"type": "choices", "value": ["household", "construction"]}));
    assert_eq!(mine["answers"]["amount"], json!({"type": "choice", "value": "bags"}));
    assert_eq!(mine["location"]["source"], "pin");

    // The XML answer to a POST.
    let at2 = citadel();
    let (status, body) = post(&srv, "xml", &litter_form(&at2)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let xml = parse_xml(&body);
    assert_eq!(xml.name, "service_requests");
    let second = xml.all("request")[0].text_of("service_request_id").to_owned();
    assert!(second.starts_with("HUE-20") && second != number);
    assert!(!xml.all("request")[0].text_of("service_notice").contains("media_url"));
    let (_, all) = get_json(&srv, "requests.json").await;
    let numbers: Vec<&str> = all.as_array().unwrap().iter().map(|r| r["service_request_id"].as_str().unwrap()).collect();
    assert_eq!(numbers, [second.as_str(), number.as_str()], "newest first");
    let (_, all) = get_xml(&srv, "requests.xml").await;
    assert_eq!(all.all("request").len(), 2);
}

#[tokio::test]
async fn bad_posts_are_refused_in_open311s_shape_and_nothing_is_stored() {
    let dir = tempdir().unwrap();
    let srv = start(dir.path(), &[]);
    let at = citadel();
    let good = litter_form(&at);
    let without = |name: &str| good.iter().filter(|(k, _)| *k != name).copied().collect::<Vec<_>>();
    let with = |name: &'static str, value: &'static str| {
        let mut f = without(name);
        f.push((name, value));
        f
    };

    let (status, body) = post(&srv, "json", &without("api_key")).await;
    assert_json_error(status, &body, StatusCode::FORBIDDEN, "api_key");
    let (status, body) = post(&srv, "json", &with("api_key", "guessed")).await;
    assert_json_error(status, &body, StatusCode::FORBIDDEN, "api_key");
    let (status, body) = post(&srv, "xml", &with("api_key", "guessed")).await;
    assert_xml_error(status, &parse_xml(&body), StatusCode::FORBIDDEN, "api_key");

    let (status, body) = post(&srv, "json", &with("service_code", "unicorns")).await;
    assert_json_error(status, &body, StatusCode::BAD_REQUEST, "unicorns");
    let (status, body) = post(&srv, "xml", &with("service_code", "unicorns")).await;
    assert_xml_error(status, &parse_xml(&body), StatusCode::BAD_REQUEST, "unicorns");
    let (status, body) = post(&srv, "json", &without("service_code")).await;
    assert_json_error(status, &body, StatusCode::BAD_REQUEST, "service_code");

    let sea = (SEA.0.to_string(), SEA.1.to_string());
    let mut in_the_sea = without("lat");
    in_the_sea.retain(|(k, _)| *k != "long");
    in_the_sea.extend([("lat", sea.0.as_str()), ("long", sea.1.as_str())]);
    let (status, body) = post(&srv, "json", &in_the_sea).await;
    assert_json_error(status, &body, StatusCode::BAD_REQUEST, "outside");
    let (status, body) = post(&srv, "xml", &in_the_sea).await;
    assert_xml_error(status, &parse_xml(&body), StatusCode::BAD_REQUEST, "outside");

    let mut by_address = without("lat");
    by_address.retain(|(k, _)| *k != "long");
    by_address.push(("address_string", "1 Lê Duẩn, Huế"));
    let (status, body) = post(&srv, "json", &by_address).await;
    assert_json_error(status, &body, StatusCode::BAD_REQUEST, "address_string cannot be looked up on this server");
    by_address.pop();
    let (status, body) = post(&srv, "json", &by_address).await;
    assert_json_error(status, &body, StatusCode::BAD_REQUEST, "lat and long (or address_string) are required");
    let (status, body) = post(&srv, "json", &with("lat", "north")).await;
    assert_json_error(status, &body, StatusCode::BAD_REQUEST, "lat and long");

    let (status, body) = post(&srv, "json", &without("attribute[amount]")).await;
    assert_json_error(status, &body, StatusCode::BAD_REQUEST, "attribute[amount] is required");
    let (status, body) = post(&srv, "xml", &without("attribute[amount]")).await;
    assert_xml_error(status, &parse_xml(&body), StatusCode::BAD_REQUEST, "attribute[amount] is required");
    let (status, body) = post(&srv, "json", &with("attribute[amount]", "mountain")).await;
    assert_json_error(status, &body, StatusCode::BAD_REQUEST, "mountain");
    let (status, body) = post(&srv, "json", &with("attribute[colour]", "red")).await;
    assert_json_error(status, &body, StatusCode::BAD_REQUEST, "attribute[colour]");
    let long = "x".repeat(5000);
    let mut too_long = without("description");
    too_long.push(("description", &long));
    let (status, body) = post(&srv, "json", &too_long).await;
    assert_json_error(status, &body, StatusCode::BAD_REQUEST, "description");
    // A multivaluelist needs at least one known key.
    let dumping = [
        ("api_key", KEY),
        ("service_code", "illegal-dumping"),
        ("lat", at.0.as_str()),
        ("long", at.1.as_str()),
        ("attribute[waste_type][]", "household"),
        ("attribute[waste_type][]", "dragons"),
        ("attribute[amount]", "bags"),
    ];
    let (status, body) = post(&srv, "json", &dumping).await;
    assert_json_error(status, &body, StatusCode::BAD_REQUEST, "dragons");

    // None of these left a report behind.
    let public: Value = srv.get(None, "/api/v1/public/reports").await.json().await.unwrap();
    assert!(public["items"].as_array().unwrap().is_empty(), "{public}");
    let (_, list) = get_json(&srv, "requests.json").await;
    assert_eq!(list, json!([]));

    // The second configured key works too; a server without keys takes no POST at all.
    post_ok(&srv, &with("api_key", OTHER_KEY)).await;
    drop(srv);
    let dir2 = tempdir().unwrap();
    let closed = TestServer::start(dir2.path(), &[]);
    let (status, body) = post(&closed, "json", &good).await;
    assert_json_error(status, &body, StatusCode::FORBIDDEN, "api_key");
}

#[tokio::test]
async fn get_requests_filters_by_id_service_status_and_dates() {
    let dir = tempdir().unwrap();
    let srv = start(dir.path(), &[]);
    // Two litter reports from the app, one pothole through Open311.
    let citizen = srv.device().await;
    let photo = srv.upload(&citizen, &jpeg(640, 480, 1)).await;
    let first = litter_report(CITADEL, vec![photo.clone()]);
    let a = srv.submit(&citizen, &first).await.public_number;
    let photo2 = srv.upload(&citizen, &jpeg(640, 480, 2)).await;
    let b = srv.submit(&citizen, &litter_report(CITADEL, vec![photo2])).await.public_number;
    let at = citadel();
    let c = post_ok(
        &srv,
        &[
            ("api_key", KEY),
            ("service_code", "pothole"),
            ("lat", at.0.as_str()),
            ("long", at.1.as_str()),
            ("attribute[size]", "large"),
            ("attribute[danger]", "yes"),
        ],
    )
    .await;

    // The first litter report is resolved by its unit's officer.
    let officer = srv.officer("sanitation-1", &[PHU_XUAN_COMMITTEE]).await;
    let after = srv.upload(&officer, &jpeg(640, 480, 3)).await;
    let near = json!({"lat": CITADEL.0 + 0.0002, "lon": CITADEL.1, "accuracy_m": 5.0, "source": "gps", "fixed_at": hue_time(time::OffsetDateTime::now_utc())});
    let r = srv
        .post(
            &officer,
            &format!("/api/v1/reports/{}/status", first.id),
            &json!({"to": "resolved", "note": "Đã thu gom sạch", "photo": after, "photo_location": near}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap_or_default());

    let ids = |v: &Value| v.as_array().unwrap().iter().map(|r| r["service_request_id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    let (_, all) = get_json(&srv, "requests.json").await;
    assert_eq!(ids(&all), [c.clone(), b.clone(), a.clone()], "newest first");

    // A list of ids overrides every other filter.
    let (_, v) = get_json(&srv, &format!("requests.json?service_request_id={a},{c}&service_code=litter")).await;
    assert_eq!(ids(&v), [c.clone(), a.clone()]);
    let (_, x) = get_xml(&srv, &format!("requests.xml?service_request_id={a},HUE-2000-000009")).await;
    assert_eq!(x.all("request").iter().map(|r| r.text_of("service_request_id")).collect::<Vec<_>>(), [a.as_str()]);

    let (_, v) = get_json(&srv, "requests.json?service_code=pothole").await;
    assert_eq!(ids(&v), [c.as_str()]);
    assert!(v[0]["agency_responsible"].as_str().is_some_and(|a| !a.is_empty() && a != "giao-thong"), "the unit's name: {v}");
    let (_, v) = get_json(&srv, "requests.json?service_code=pothole,litter&jurisdiction_id=hue.vn").await;
    assert_eq!(v.as_array().unwrap().len(), 3);

    // Status: closed once the city gave an outcome, with the officer's note.
    let (_, closed) = get_json(&srv, "requests.json?status=closed").await;
    assert_eq!(ids(&closed), [a.as_str()]);
    assert_eq!((&closed[0]["status"], &closed[0]["status_notes"]), (&json!("closed"), &json!("Đã thu gom sạch")));
    let (_, open) = get_json(&srv, "requests.json?status=open").await;
    assert_eq!(ids(&open), [c.clone(), b.clone()]);
    assert!(open.as_array().unwrap().iter().all(|r| r["status"] == "open"));
    let (_, x) = get_xml(&srv, "requests.xml?status=closed").await;
    let closed_xml = x.all("request");
    assert_eq!(closed_xml.len(), 1);
    assert_eq!((closed_xml[0].text_of("status"), closed_xml[0].text_of("status_notes")), ("closed", "Đã thu gom sạch"));
    let (status, e) = get_json(&srv, "requests.json?status=pending").await;
    assert_json_error(status, &e.to_string(), StatusCode::BAD_REQUEST, "status");

    // media_url: the first photo, at this server (the request's Host), served metadata-free.
    let media = closed[0]["media_url"].as_str().unwrap();
    assert_eq!(media, srv.url(&format!("/api/v1/photos/{photo}")));
    let r = srv.http.get(media).send().await.unwrap();
    assert_eq!((r.status(), content_type(&r)), (StatusCode::OK, "image/jpeg".to_owned()));
    let (_, x) = get_xml(&srv, &format!("requests/{a}.xml")).await;
    assert_eq!(x.all("request")[0].text_of("media_url"), media);

    // Dates: a window around now finds all, one in the future none; over 90 days is refused.
    let now = OffsetDateTime::now_utc();
    let fmt = |t: OffsetDateTime| t.format(&Rfc3339).unwrap().replace('+', "%2B");
    let (_, v) = get_json(
        &srv,
        &format!("requests.json?start_date={}&end_date={}", fmt(now - time::Duration::hours(1)), fmt(now + time::Duration::hours(1))),
    )
    .await;
    assert_eq!(v.as_array().unwrap().len(), 3);
    let (_, v) = get_json(&srv, &format!("requests.json?start_date={}", fmt(now + time::Duration::hours(1)))).await;
    assert_eq!(v, json!([]));
    let (_, v) = get_json(&srv, &format!("requests.json?end_date={}", fmt(now - time::Duration::hours(1)))).await;
    assert_eq!(v, json!([]));
    let (_, v) = get_json(&srv, &format!("requests.json?end_date={}", fmt(now + time::Duration::hours(1)))).await;
    assert_eq!(v.as_array().unwrap().len(), 3);
    let (status, e) =
        get_json(&srv, &format!("requests.json?start_date={}&end_date={}", fmt(now - time::Duration::days(100)), fmt(now))).await;
    assert_json_error(status, &e.to_string(), StatusCode::BAD_REQUEST, "90 days");
    let (status, e) =
        get_xml(&srv, &format!("requests.xml?start_date={}&end_date={}", fmt(now - time::Duration::days(100)), fmt(now))).await;
    assert_xml_error(status, &e, StatusCode::BAD_REQUEST, "90 days");
    let (status, e) =
        get_json(&srv, &format!("requests.json?start_date={}&end_date={}", fmt(now), fmt(now - time::Duration::hours(1)))).await;
    assert_json_error(status, &e.to_string(), StatusCode::BAD_REQUEST, "after start_date");
    let (status, e) = get_json(&srv, "requests.json?start_date=yesterday").await;
    assert_json_error(status, &e.to_string(), StatusCode::BAD_REQUEST, "RFC 3339");

    // Unknown ids: 404 in both formats.
    let (status, e) = get_json(&srv, "requests/HUE-2000-000009.json").await;
    assert_json_error(status, &e.to_string(), StatusCode::NOT_FOUND, "HUE-2000-000009");
    let (status, e) = get_xml(&srv, "requests/HUE-2000-000009.xml").await;
    assert_xml_error(status, &e, StatusCode::NOT_FOUND, "HUE-2000-000009");
}

#[tokio::test]
async fn the_reporters_contact_stays_private() {
    let dir = tempdir().unwrap();
    let srv = start(dir.path(), &[]);
    let at = citadel();
    let mut form = litter_form(&at);
    form.extend([
        ("email", "zyxwv.reporter@example.org"),
        ("first_name", "Qwertyuiop"),
        ("last_name", "Asdfghjkl"),
        ("phone", "0905-271828"),
        ("device_id", "device-314159"),
        ("account_id", "account-265358"),
    ]);
    let (status, body) = post(&srv, "json", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, xml_body) = post(&srv, "xml", &form).await;
    let number = serde_json::from_str::<Value>(&body).unwrap()[0]["service_request_id"].as_str().unwrap().to_owned();
    let private = ["zyxwv", "Qwertyuiop", "Asdfghjkl", "0905-271828", "271828", "device-314159", "account-265358"];

    let mut seen = vec![body, xml_body];
    for path in [
        "/open311/v2/requests.json".to_owned(),
        "/open311/v2/requests.xml".to_owned(),
        format!("/open311/v2/requests/{number}.json"),
        format!("/open311/v2/requests/{number}.xml"),
        format!("/open311/v2/requests.json?service_request_id={number}"),
        "/api/v1/public/reports".to_owned(),
        format!("/api/v1/public/reports/{number}"),
    ] {
        let r = srv.get(None, &path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let text = r.text().await.unwrap();
        assert!(text.contains(&number), "{path}: {text}");
        seen.push(text);
    }
    for text in &seen {
        for p in private {
            assert!(!text.contains(p), "{p} is shown: {text}");
        }
    }

    // The operations centre, and the unit, see the contact, as for a citizen's profile.
    let officer = srv.officer("sanitation-1", &[PHU_XUAN_COMMITTEE]).await;
    let inbox: Value = srv.get(Some(&officer), "/api/v1/work/inbox").await.json().await.unwrap();
    let item = inbox["items"].as_array().unwrap().iter().find(|i| i["public_number"] == number.as_str()).unwrap();
    assert_eq!(
        item["reporter"],
        json!({"display_name": "Qwertyuiop Asdfghjkl", "phone": "0905-271828", "email": "zyxwv.reporter@example.org"})
    );
}

/// A stand-in for the outside world on loopback: a Nominatim-style geocoder at `/search`
/// (it knows one street) and a photo host. Returns its base URL and the queries it saw.
async fn outside_world() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use axum::extract::RawQuery;
    use axum::response::IntoResponse;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = axum::Router::new()
        .route(
            "/search",
            axum::routing::get(move |RawQuery(q): RawQuery| {
                let log = log.clone();
                async move {
                    let q = q.unwrap_or_default();
                    log.lock().unwrap().push(q.clone());
                    let params: Vec<(String, String)> = serde_urlencoded::from_str(&q).unwrap_or_default();
                    let text = params.iter().find(|(k, _)| k == "q").map(|(_, v)| v.clone()).unwrap_or_default();
                    let found = if text.contains("Lê Duẩn") {
                        json!([{"lat": "16.4698", "lon": "107.5786", "display_name": "Lê Duẩn, Phú Thuận, Huế"}])
                    } else {
                        json!([])
                    };
                    axum::Json(found)
                }
            }),
        )
        .route(
            "/photo.jpg",
            axum::routing::get(|| async { ([("content-type", "image/jpeg")], civic_core::photo::sample::camera_jpeg(640, 480)) }),
        )
        .route("/page.html", axum::routing::get(|| async { ([("content-type", "text/html")], "<html>not a photo</html>") }))
        .route("/gone.jpg", axum::routing::get(|| async { StatusCode::NOT_FOUND.into_response() }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, seen)
}

#[tokio::test]
async fn an_address_is_looked_up_and_the_photo_at_media_url_is_fetched_and_stripped() {
    let (world, queries) = outside_world().await;
    let dir = tempdir().unwrap();
    let geocoder = format!("{world}/search");
    let srv = start(dir.path(), &["--geocoder-url", &geocoder, "--media-fetch-private"]);
    let here = citadel();
    let photo = format!("{world}/photo.jpg");
    let form = vec![
        ("api_key", KEY),
        ("service_code", "litter"),
        ("address_string", "12 Lê Duẩn"),
        ("attribute[amount]", "bag"),
        ("media_url", photo.as_str()),
    ];
    let id = post_ok(&srv, &form).await;
    // The geocoder was asked within the city's bounds, with the city's name.
    let asked = queries.lock().unwrap().clone();
    assert_eq!(asked.len(), 1, "{asked:?}");
    let params: Vec<(String, String)> = serde_urlencoded::from_str(&asked[0]).unwrap();
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    assert!(get("q").starts_with("12 Lê Duẩn, ") && get("q").contains("Huế"), "{asked:?}");
    assert_eq!(get("bounded"), "1");
    assert_eq!(get("viewbox").split(',').count(), 4);

    let (status, v) = get_json(&srv, &format!("requests/{id}.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((v[0]["lat"].as_f64(), v[0]["long"].as_f64()), (Some(16.4698), Some(107.5786)));
    let media = v[0]["media_url"].as_str().expect("the fetched photo is the request's media");
    let path = media.split_once("/api/v1/").map(|(_, p)| format!("/api/v1/{p}")).unwrap();
    let bytes = srv.get(None, &path).await.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8]), "a JPEG");
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "stripped of its EXIF (and GPS)");
    // Fetched media always go through the full pipeline, though an app's upload this small
    // would be kept as it is.
    let fetched = civic_core::photo::sample::camera_jpeg(640, 480);
    let as_is = civic_core::photo::accept_as_is(&fetched, &civic_core::photo::PhotoOptions::default()).unwrap().expect("keepable");
    assert_ne!(bytes.as_ref(), as_is.jpeg.as_slice(), "compressed again");

    // An address the geocoder does not know, and a photo that cannot be had.
    let (status, body) = post(
        &srv,
        "json",
        &[("api_key", KEY), ("service_code", "litter"), ("address_string", "nowhere street"), ("attribute[amount]", "bag")],
    )
    .await;
    assert_json_error(status, &body, StatusCode::BAD_REQUEST, "was not found");
    for (url, says) in [
        (format!("{world}/page.html"), "could not be had"),
        (format!("{world}/gone.jpg"), "404"),
        ("ftp://example.org/x.jpg".to_owned(), "not an http"),
    ] {
        let mut form = litter_form(&here);
        form.push(("media_url", url.as_str()));
        form.push(("lang", "en"));
        let (status, body) = post(&srv, "json", &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        let notice = v[0]["service_notice"].as_str().unwrap();
        assert!(notice.contains(says), "{url}: {notice}");
        let id = v[0]["service_request_id"].as_str().unwrap();
        let (_, r) = get_json(&srv, &format!("requests/{id}.json")).await;
        assert!(r[0]["media_url"].is_null(), "no photo, but the report is kept: {r}");
    }
}

#[tokio::test]
async fn a_media_url_inside_the_network_is_not_fetched_and_no_address_lookup_without_a_geocoder() {
    let (world, _) = outside_world().await;
    let dir = tempdir().unwrap();
    let srv = start(dir.path(), &[]);
    let here = citadel();
    let port = world.rsplit(':').next().unwrap().to_owned();
    // Loopback by address and by name, in every spelling a URL parser accepts (IPv6, mapped,
    // shortened, decimal, hexadecimal, behind a user name), private and shared networks, the
    // cloud metadata address and name: none is fetched.
    let inside = [
        format!("{world}/photo.jpg"),
        format!("http://localhost:{port}/photo.jpg"),
        format!("http://LOCALHOST.:{port}/photo.jpg"),
        format!("http://[::1]:{port}/photo.jpg"),
        format!("http://[::ffff:127.0.0.1]:{port}/photo.jpg"),
        format!("http://127.1:{port}/photo.jpg"),
        format!("http://2130706433:{port}/photo.jpg"),
        format!("http://0x7f000001:{port}/photo.jpg"),
        format!("http://example.org@127.0.0.1:{port}/photo.jpg"),
        "http://10.0.0.1/photo.jpg".to_owned(),
        "http://192.168.1.1/photo.jpg".to_owned(),
        "http://100.64.0.1/photo.jpg".to_owned(),
        "http://[fd00::1]/photo.jpg".to_owned(),
        "http://0.0.0.0/photo.jpg".to_owned(),
        "http://169.254.169.254/latest/meta-data".to_owned(),
        "http://metadata.google.internal/computeMetadata/v1/".to_owned(),
    ];
    for url in inside {
        let mut form = litter_form(&here);
        form.push(("media_url", url.as_str()));
        form.push(("lang", "en"));
        let (status, body) = post(&srv, "json", &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        let notice = v[0]["service_notice"].as_str().unwrap();
        assert!(notice.contains("not a public one"), "{url}: {notice}");
    }
    let (status, body) =
        post(&srv, "json", &[("api_key", KEY), ("service_code", "litter"), ("address_string", "12 Lê Duẩn"), ("attribute[amount]", "bag")])
            .await;
    assert_json_error(status, &body, StatusCode::BAD_REQUEST, "cannot be looked up");
}

#[tokio::test]
async fn jurisdictions_rate_limits_and_body_limits_answer_in_open311s_shape() {
    let dir = tempdir().unwrap();
    let srv = start(dir.path(), &["--max-body-bytes", "2000", "--requests-per-minute", "12"]);
    let here = citadel();
    for j in ["HUE", "hue", "hue.vn"] {
        let (status, _) = get_json(&srv, &format!("services.json?jurisdiction_id={j}")).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, el) = get_xml(&srv, "requests.xml?jurisdiction_id=hanoi.gov.vn").await;
    assert_xml_error(status, &el, StatusCode::NOT_FOUND, "jurisdiction_id hanoi.gov.vn is not served here");
    let mut form = litter_form(&here);
    form.push(("jurisdiction_id", "DNG"));
    let (status, body) = post(&srv, "json", &form).await;
    assert_json_error(status, &body, StatusCode::NOT_FOUND, "not served here");

    // A body past the limit: 413 in the format asked for, nothing stored.
    let long = "x".repeat(3000);
    let mut form = litter_form(&here);
    form.push(("description", long.as_str()));
    let (status, body) = post(&srv, "json", &form).await;
    assert_json_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "at most 2000");

    // Past the rate limit: 429 with Retry-After, as an Open311 error document.
    let mut last = None;
    for _ in 0..30 {
        let r = srv.http.get(srv.url("/open311/v2/services.xml")).send().await.unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            last = Some(r);
            break;
        }
    }
    let r = last.expect("the limit is reached");
    assert!(r.headers().get("retry-after").is_some());
    assert!(content_type(&r).contains("xml"));
    let el = parse_xml(&r.text().await.unwrap());
    assert_xml_error(StatusCode::TOO_MANY_REQUESTS, &el, StatusCode::TOO_MANY_REQUESTS, "too many requests");
    let (status, v) = get_json(&srv, "requests.json").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{v}");
}
