//! `GET /api/v1/openapi.json` has what a client generator needs, and names exactly the
//! routes the server has.

use std::collections::BTreeSet;

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tempfile::tempdir;

const DEVICE: &[&str] = &["device_token"];
const OFFICIAL: &[&str] = &["official_token"];
const EITHER: &[&str] = &["device_token", "official_token"];
const NONE: &[&str] = &[];

/// Every route under `/api/v1`, as `civic_server::router` registers them, with the bearer
/// token kinds its handler takes (a `Caller`), none for the public ones.
const ROUTES: &[(&str, &str, &[&str])] = &[
    ("POST", "/api/v1/devices", NONE),
    ("PUT", "/api/v1/me", DEVICE),
    ("POST", "/api/v1/auth/login", NONE),
    ("POST", "/api/v1/admin/officials", OFFICIAL),
    ("PUT", "/api/v1/admin/categories/{code}", OFFICIAL),
    ("PUT", "/api/v1/admin/units/{code}", OFFICIAL),
    ("GET", "/api/v1/catalog", NONE),
    ("GET", "/api/v1/city", NONE),
    ("GET", "/api/v1/city/wards", NONE),
    ("PUT", "/api/v1/photos/{hash}", EITHER),
    ("GET", "/api/v1/photos/{hash}", NONE),
    ("POST", "/api/v1/reports", DEVICE),
    ("GET", "/api/v1/reports/mine", DEVICE),
    ("GET", "/api/v1/reports/nearby", NONE),
    ("GET", "/api/v1/reports/{id}", EITHER),
    ("POST", "/api/v1/reports/{id}/support", DEVICE),
    ("POST", "/api/v1/reports/{id}/rating", DEVICE),
    ("POST", "/api/v1/reports/{id}/reopen", DEVICE),
    ("POST", "/api/v1/reports/{id}/status", OFFICIAL),
    ("POST", "/api/v1/reports/{id}/replies", OFFICIAL),
    ("GET", "/api/v1/reply-templates", OFFICIAL),
    ("POST", "/api/v1/reply-templates", OFFICIAL),
    ("GET", "/api/v1/work/inbox", OFFICIAL),
    ("GET", "/api/v1/public/reports", NONE),
    ("GET", "/api/v1/public/reports/{number}", NONE),
    ("GET", "/api/v1/public/stats", NONE),
    ("GET", "/api/v1/sync", DEVICE),
    ("POST", "/api/v1/alerts", OFFICIAL),
    ("GET", "/api/v1/alerts", NONE),
    ("PUT", "/api/v1/alerts/{id}", OFFICIAL),
    ("GET", "/api/v1/alerts/{id}", NONE),
    ("POST", "/api/v1/alerts/{id}/cancel", OFFICIAL),
    ("POST", "/api/v1/alerts/import", OFFICIAL),
    ("GET", "/api/v1/alerts/{id}/reports", OFFICIAL),
    ("PUT", "/api/v1/devices/me/push", DEVICE),
    ("POST", "/api/v1/campaigns", OFFICIAL),
    ("GET", "/api/v1/campaigns", NONE),
    ("GET", "/api/v1/campaigns/{id}", NONE),
    ("PATCH", "/api/v1/campaigns/{id}", OFFICIAL),
    ("POST", "/api/v1/campaigns/{id}/join", DEVICE),
    ("POST", "/api/v1/campaigns/{id}/spots", DEVICE),
    ("GET", "/api/v1/campaigns/{id}/spots", NONE),
    ("POST", "/api/v1/campaigns/{id}/spots/{spot}/claim", DEVICE),
    ("POST", "/api/v1/campaigns/{id}/spots/{spot}/clean", DEVICE),
    ("GET", "/api/v1/campaigns/{id}/summary", NONE),
    ("POST", "/api/v1/campaigns/{id}/cancel", OFFICIAL),
    ("GET", "/api/v1/openapi.json", NONE),
];

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

async fn document(srv: &TestServer) -> Value {
    let r = srv.get(None, "/api/v1/openapi.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(ct.starts_with("application/json"), "content type {ct}");
    r.json().await.expect("the document is JSON")
}

/// Every (METHOD, path) the document names.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    let mut ops = BTreeSet::new();
    for (path, item) in paths {
        for m in METHODS {
            if item.get(m).is_some() {
                ops.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

/// The target of a local `$ref`.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.strip_prefix('#').expect("a local $ref")).unwrap_or_else(|| panic!("dangling $ref {r}")),
        None => v,
    }
}

fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                out.push(r);
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

fn strings(v: &Value) -> BTreeSet<&str> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

#[tokio::test]
async fn the_document_describes_every_route_and_only_routes_that_exist() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let doc = document(&srv).await;

    assert!(doc["openapi"].as_str().unwrap_or_default().starts_with("3.1"), "openapi {}", doc["openapi"]);
    assert_eq!(doc["info"]["title"], "Civic API");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    let about = doc["info"]["description"].as_str().unwrap_or_default();
    assert!(about.contains("/api/v1") && about.contains("Open311") && about.contains("CAP 1.2"), "{about}");

    // Every route the router serves is documented, and nothing else is.
    let expected: BTreeSet<(String, String)> = ROUTES.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    let documented = operations(&doc);
    let missing: Vec<_> = expected.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&expected).collect();
    assert!(missing.is_empty(), "served but not documented: {missing:?}");
    assert!(extra.is_empty(), "documented but not in the router's list: {extra:?}");
    assert!(doc["paths"].get("/healthz").is_none() && doc["paths"].get("/metrics").is_none());

    // Each documented operation exists on the server: called without a token it answers,
    // neither 405 nor the fallback's 404; one that declares security asks for the token.
    let http = reqwest::Client::new();
    for (method, path) in &documented {
        let url = path
            .replace("{id}", "01900000-0000-7000-8000-000000000000")
            .replace("{hash}", &"0".repeat(64))
            .replace("{number}", "HUE-2000-000000")
            .replace("{code}", "no-such-code");
        let r = http.request(Method::from_bytes(method.as_bytes()).unwrap(), srv.url(&url)).send().await.expect("probe");
        let status = r.status();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(
            !(status == StatusCode::NOT_FOUND && body["detail"] == "no such endpoint"),
            "{method} {path} is documented but the server has no such route"
        );
        let op = &doc["paths"][path][method.to_lowercase()];
        if op.get("security").is_some() {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} declares security");
        } else {
            assert_ne!(status, StatusCode::UNAUTHORIZED, "{method} {path} wants a token but declares no security");
        }
    }
}

#[tokio::test]
async fn the_document_has_what_a_client_generator_needs() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let doc = document(&srv).await;
    let schemas = &doc["components"]["schemas"];

    // No dangling references.
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        assert!(doc.pointer(r.trim_start_matches('#')).is_some(), "dangling $ref {r}");
    }

    // The key schemas, with their required properties.
    let required = |name: &str, props: &[&str]| {
        let s = &schemas[name];
        assert!(s.is_object(), "no schema {name}");
        let req = strings(&s["required"]);
        for p in props {
            assert!(req.contains(p), "{name}.{p} is not required: {s}");
            assert!(s["properties"].get(*p).is_some(), "{name} has no property {p}");
        }
    };
    required("SubmitReport", &["id", "category", "location", "photos", "captured_at"]);
    required("ReportReceipt", &["id", "public_number", "status", "unit", "received_at"]);
    required("Problem", &["type", "title", "status", "detail"]);
    required("SyncBatch", &["changes", "cursor", "more"]);
    required("GeoFix", &["lat", "lon", "accuracy_m", "source", "fixed_at"]);
    for optional in ["description", "anonymous", "answers"] {
        assert!(schemas["SubmitReport"]["properties"].get(optional).is_some(), "SubmitReport.{optional}");
    }
    assert_eq!(schemas["SubmitReport"]["properties"]["captured_at"]["format"], "date-time");
    assert_eq!(schemas["ReportId"]["type"], "string");
    assert_eq!(schemas["ReportId"]["format"], "uuid");
    assert_eq!(schemas["Status"]["enum"][5], "in_progress");

    // Serde's tagging as it is on the wire: answers are {"type", "value"}, changes carry `kind`.
    let answers = &schemas["SubmitReport"]["properties"]["answers"];
    assert_eq!(answers["additionalProperties"]["$ref"], "#/components/schemas/AnswerValue");
    let variants = schemas["AnswerValue"]["oneOf"].as_array().expect("AnswerValue.oneOf");
    let tags: BTreeSet<&str> = variants.iter().filter_map(|v| v["properties"]["type"]["enum"][0].as_str()).collect();
    assert_eq!(tags, BTreeSet::from(["text", "number", "date_time", "choice", "choices"]));
    assert!(variants.iter().all(|v| strings(&v["required"]) == BTreeSet::from(["type", "value"])));
    let changes = schemas["Change"]["oneOf"].as_array().expect("Change.oneOf");
    let kinds: BTreeSet<&str> = changes.iter().filter_map(|v| v["properties"]["kind"]["enum"][0].as_str()).collect();
    assert_eq!(kinds, BTreeSet::from(["report", "catalog", "alert"]));

    // The photo upload takes a binary JPEG body.
    let upload = &doc["paths"]["/api/v1/photos/{hash}"]["put"];
    let jpeg = &upload["requestBody"]["content"]["image/jpeg"]["schema"];
    assert_eq!((jpeg["type"].as_str(), jpeg["format"].as_str()), (Some("string"), Some("binary")));
    assert!(doc["paths"]["/api/v1/photos/{hash}"]["get"]["responses"]["200"]["content"].get("image/jpeg").is_some());

    // Both bearer schemes exist; each operation's security is what its handler takes.
    for scheme in ["device_token", "official_token"] {
        let s = &doc["components"]["securitySchemes"][scheme];
        assert_eq!((s["type"].as_str(), s["scheme"].as_str()), (Some("http"), Some("bearer")), "{scheme}");
    }
    let mut ids = BTreeSet::new();
    for (method, path, tokens) in ROUTES {
        let op = &doc["paths"][path][method.to_lowercase()];
        let declared: BTreeSet<&str> = op["security"]
            .as_array()
            .map(|reqs| reqs.iter().flat_map(|r| r.as_object().into_iter().flat_map(|o| o.keys().map(String::as_str))).collect())
            .unwrap_or_default();
        assert_eq!(declared, tokens.iter().copied().collect::<BTreeSet<_>>(), "{method} {path}");

        // Named, tagged, described once each; success and problem answers typed.
        let id = op["operationId"].as_str().unwrap_or_default();
        assert!(!id.is_empty() && ids.insert(id.to_owned()), "{method} {path}: operationId {id:?} missing or repeated");
        assert!(
            strings(&op["tags"]).iter().all(|t| ["citizen", "officials", "public", "warnings", "campaigns"].contains(t))
                && op["tags"][0].is_string()
        );
        assert!(op["description"].as_str().is_some_and(|d| !d.is_empty()), "{method} {path} has no description");
        let responses = op["responses"].as_object().expect("responses");
        assert!(responses.keys().any(|s| s.starts_with('2')), "{method} {path} has no success response");
        for (status, response) in responses {
            let response = resolve(&doc, response);
            if status.starts_with('4') || status.starts_with('5') {
                let schema = &response["content"]["application/problem+json"]["schema"];
                assert_eq!(schema["$ref"], "#/components/schemas/Problem", "{method} {path} {status}");
            }
        }
        if !tokens.is_empty() {
            assert!(responses.contains_key("401"), "{method} {path} takes a token but documents no 401");
        }
        for status in ["429", "500"] {
            assert!(responses.contains_key(status), "{method} {path} has no {status}");
        }
    }
    for (method, path, status) in [("POST", "/api/v1/reports", "201"), ("PUT", "/api/v1/me", "204"), ("GET", "/api/v1/sync", "200")] {
        assert!(doc["paths"][path][method.to_lowercase()]["responses"].get(status).is_some(), "{method} {path} {status}");
    }
}

#[tokio::test]
async fn a_real_problem_has_the_documented_shape() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let doc = document(&srv).await;
    let problem = assert_problem(srv.get(None, "/api/v1/reports/mine").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let keys: BTreeSet<&str> = problem.as_object().expect("object").keys().map(String::as_str).collect();
    let documented: BTreeSet<&str> =
        doc["components"]["schemas"]["Problem"]["properties"].as_object().expect("Problem").keys().map(String::as_str).collect();
    assert_eq!(keys, documented);
}

/// What a client generated from the document must be ready for: a body that is not JSON, a
/// path parameter of the wrong form and a bad Idempotency-Key get only statuses the operation
/// documents, each a problem.
#[tokio::test]
async fn bad_bodies_paths_and_keys_get_only_documented_answers() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let doc = document(&srv).await;
    let (device, official) = (srv.device().await, srv.login(ADMIN, ADMIN_PASSWORD).await);
    let mut undocumented = Vec::new();
    for (method, path) in operations(&doc) {
        let op = &doc["paths"][&path][method.to_lowercase()];
        let documented: BTreeSet<String> = op["responses"].as_object().unwrap().keys().cloned().collect();
        let token = match op["security"].as_array().and_then(|s| s.first()).and_then(|s| s.as_object()?.keys().next().cloned()) {
            Some(kind) if kind == "device_token" => Some(&device),
            Some(_) => Some(&official),
            None => None,
        };
        let takes_body = op.get("requestBody").is_some();
        let mut tries: Vec<(&str, String, Option<&str>, Option<&str>)> = Vec::new();
        if path.contains('{') {
            tries.push((
                "a path of the wrong form",
                path.replace("{id}", "not-an-id")
                    .replace("{spot}", "x")
                    .replace("{hash}", "xyz")
                    .replace("{number}", "?")
                    .replace("{code}", "%00"),
                None,
                None,
            ));
        }
        let concrete = path
            .replace("{id}", "0192f3a0-0000-7000-8000-000000000001")
            .replace("{spot}", "0192f3a0-0000-7000-8000-000000000002")
            .replace("{hash}", &"a".repeat(64))
            .replace("{number}", "HUE-2026-000001")
            .replace("{code}", "litter");
        if takes_body && !path.contains("/photos/") {
            tries.push(("a body that is not JSON", concrete.clone(), Some("{"), None));
        }
        if matches!(method.as_str(), "POST" | "PATCH") && token.is_some() {
            tries.push(("a bad Idempotency-Key", concrete.clone(), Some("{}"), Some("has space")));
        }
        for (what, url, body, key) in tries {
            let mut req = srv.http.request(Method::from_bytes(method.as_bytes()).unwrap(), srv.url(&url));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            if let Some(b) = body {
                req = req.header("content-type", "application/json").body(b.to_owned());
            }
            if let Some(k) = key {
                req = req.header("Idempotency-Key", k);
            }
            let r = req.send().await.unwrap();
            let status = r.status().as_u16().to_string();
            if !documented.contains(&status) {
                undocumented.push(format!("{method} {path} with {what}: {status} (documented: {documented:?})"));
            }
        }
    }
    assert!(undocumented.is_empty(), "answers the document does not list:\n{}", undocumented.join("\n"));
}

#[tokio::test]
async fn what_a_create_makes_is_linked_to_the_operations_that_take_its_id() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let doc = document(&srv).await;
    let mut by_id = std::collections::BTreeMap::new();
    for (method, path) in operations(&doc) {
        let op = &doc["paths"][&path][method.to_lowercase()];
        if let Some(id) = op["operationId"].as_str() {
            by_id.insert(id.to_owned(), (path.clone(), op.clone()));
        }
    }
    let mut linked = BTreeSet::new();
    for (method, path) in operations(&doc) {
        let responses = doc["paths"][&path][method.to_lowercase()]["responses"].as_object().unwrap().clone();
        for (status, response) in responses {
            let Some(links) = response.get("links").and_then(Value::as_object) else { continue };
            for (name, link) in links {
                let target = link["operationId"].as_str().unwrap_or_default();
                let (target_path, _) = by_id.get(target).unwrap_or_else(|| panic!("{method} {path} {status}: link {name} to no operation"));
                // A link fills exactly the target's path parameters.
                let wanted: BTreeSet<&str> = target_path.split('{').skip(1).filter_map(|s| s.split('}').next()).collect();
                let given: BTreeSet<&str> = link["parameters"].as_object().unwrap().keys().map(String::as_str).collect();
                assert_eq!(given, wanted, "{method} {path} {status}: link {name}");
                linked.insert((format!("{method} {path}"), target.to_owned()));
            }
        }
    }
    for (made_by, used_by) in [
        ("POST /api/v1/reports", "rateReport"),
        ("POST /api/v1/reports", "changeStatus"),
        ("POST /api/v1/alerts", "updateAlert"),
        ("POST /api/v1/alerts", "cancelAlert"),
        ("POST /api/v1/campaigns", "reportSpot"),
        ("POST /api/v1/campaigns/{id}/spots", "cleanSpot"),
    ] {
        assert!(linked.contains(&(made_by.to_owned(), used_by.to_owned())), "no link from {made_by} to {used_by}");
    }
}

#[tokio::test]
async fn the_limits_the_document_declares_are_the_ones_the_server_keeps() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let doc = document(&srv).await;
    let device = srv.device().await;
    let param = |path: &str, name: &str| -> Value {
        let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
        params.iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{path} has no {name}"))["schema"].clone()
    };
    assert_eq!(
        (param("/api/v1/public/reports", "limit")["minimum"].clone(), param("/api/v1/public/reports", "limit")["maximum"].clone()),
        (1.into(), 200.into())
    );
    assert_eq!(param("/api/v1/sync", "limit")["maximum"], 1000);
    // At the edge, in range; one past it, a 400 that says the range.
    for (path, ok, past) in [
        ("/api/v1/public/reports", "limit=200", "limit=201"),
        ("/api/v1/public/reports", "limit=1", "limit=0"),
        ("/api/v1/alerts", "limit=500", "limit=501"),
        (
            "/api/v1/reports/nearby",
            "lat=16.46&lon=107.59&category=litter&radius_m=500",
            "lat=16.46&lon=107.59&category=litter&radius_m=501",
        ),
        ("/api/v1/public/reports", "bbox=107.5,16.4,107.7,16.5", "bbox=1e2,16.4,107.7,16.5"),
    ] {
        assert_eq!(srv.get(None, &format!("{path}?{ok}")).await.status(), StatusCode::OK, "{path}?{ok}");
        let r = srv.get(None, &format!("{path}?{past}")).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}?{past}");
    }
    let r = srv.get(Some(&device), "/api/v1/sync?limit=1001").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // A box with west east of east is well formed but no box: its own problem.
    let r = srv.get(None, "/api/v1/public/reports?bbox=107.7,16.4,107.5,16.5").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let problem: Value = r.json().await.unwrap();
    assert!(problem["type"].as_str().unwrap_or_default().ends_with("/bad-bbox"), "{problem}");
}

#[tokio::test]
async fn a_body_must_be_an_object_and_a_whole_number_may_be_written_as_a_float() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let admin = srv.login(ADMIN, ADMIN_PASSWORD).await;
    // serde would read `[null, null]` as a struct of two optional fields; the schema says object.
    for (path, body) in [("/api/v1/devices", "[null, null]"), ("/api/v1/devices", "\"x\"")] {
        let r = srv.http.post(srv.url(path)).header("content-type", "application/json").body(body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path} {body}");
    }
    let r =
        srv.http.put(srv.url("/api/v1/admin/categories/litter")).bearer_auth(&admin).json(&serde_json::json!(["x"])).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // No body, or `null`, still registers a device with nothing said.
    for body in ["", "null"] {
        let r = srv.http.post(srv.url("/api/v1/devices")).header("content-type", "application/json").body(body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "body {body:?}");
    }
    // JSON Schema's integer 24.0 is 24: a client that writes floats is understood, 24.5 is not.
    let change = |hours: Value| {
        srv.http
            .put(srv.url("/api/v1/admin/categories/litter"))
            .bearer_auth(&admin)
            .json(&serde_json::json!({ "expected_hours": hours }))
            .send()
    };
    let r = change(serde_json::json!(24.0)).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let category: Value = r.json().await.unwrap();
    assert_eq!(category["expected_hours"], 24);
    assert_eq!(change(serde_json::json!(24.5)).await.unwrap().status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn every_error_answer_names_the_problem_kinds_it_carries() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let doc = document(&srv).await;
    let mut unnamed = Vec::new();
    for (method, path) in operations(&doc) {
        let op = &doc["paths"][&path][method.to_lowercase()];
        for (status, answer) in op["responses"].as_object().unwrap() {
            let description = resolve(&doc, answer)["description"].as_str().unwrap_or_default();
            if status.starts_with(['4', '5']) && !description.contains('`') {
                unnamed.push(format!("{method} {path} {status}: {description:?}"));
            }
        }
        // A POST that takes a token names the Idempotency-Key's kinds where they are answered.
        if method == "POST" && op["security"].as_array().is_some_and(|s| !s.is_empty()) {
            let described = |status: &str| resolve(&doc, &op["responses"][status])["description"].as_str().unwrap_or_default().to_owned();
            assert!(described("422").contains("`idempotency-key-reused`"), "{method} {path}: {}", described("422"));
            assert!(described("400").contains("`bad-idempotency-key`"), "{method} {path}: {}", described("400"));
        }
    }
    assert!(unnamed.is_empty(), "error answers that name no problem kind:\n{}", unnamed.join("\n"));
}
