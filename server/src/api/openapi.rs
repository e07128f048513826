//! HTTP edge: the OpenAPI 3.1 document of `/api/v1`, served at `GET /api/v1/openapi.json`.
//!
//! It is generated: every handler carries its `#[utoipa::path]`, the wire types derive
//! `ToSchema` (civic-core's `openapi` feature), and `crate::router` builds the axum router
//! from the same `OpenApiRouter` the document comes from, so no route can be served without
//! being documented and the document names no route the server lacks.

mod links;
mod problems;

use axum::Extension;
use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi, ToResponse, ToSchema};

/// The document's top level: info, tags, security schemes and the shared error schema.
/// The paths come from the handlers, through `crate::router`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Civic API",
        version = env!("CARGO_PKG_VERSION"),
        description = "Civic's own REST API (/api/v1): citizens' devices report street issues and follow them, \
            officials work on them, and anyone may read the public reports and figures. Errors are \
            RFC 9457 problems (application/problem+json). Open311 GeoReport v2 and CAP 1.2 are separate \
            standards endpoints, not part of this document."
    ),
    tags(
        (name = "citizen", description = "What a citizen's device does: register, upload photos, report, follow its reports."),
        (name = "officials", description = "What officials do: sign in, work on their units' reports, reply, manage accounts."),
        (name = "public", description = "What anyone may read: the catalog, photos, public reports and figures."),
        (name = "campaigns", description = "Green Sunday clean-up campaigns: operators announce them; devices join alone or with a team, report spots, claim and clean them; anyone reads the live map and the summary."),
        (name = "warnings", description = "Warnings in CAP 1.2: operators publish, update, cancel and import them; anyone reads them; devices register to be woken. The CAP feed itself is at `/cap/alerts.atom`."),
    ),
    components(schemas(Problem), responses(TooManyRequests, InternalError, Unauthorized, Forbidden, TooLarge, UnsupportedMedia, IdempotencyInProgress, IdempotencyRefused, BadIdempotencyKey, BadRequest)),
    modifiers(&BearerTokens)
)]
pub struct ApiDoc;

/// An RFC 9457 problem: the body of every error answer, as `crate::error` writes it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A stable URI naming the kind of problem; its last segment is the machine-readable kind.
    #[serde(rename = "type")]
    #[schema(example = "https://civic.invalid/problems/not-found")]
    pub kind: String,
    /// A short summary of the HTTP status, e.g. "Not found".
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this case, in English.
    pub detail: String,
}

/// Too many requests from this token (or address) (`rate-limited`): try again after
/// `Retry-After` seconds.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))
)]
pub struct TooManyRequests(pub Problem);

/// No token, or a forged or expired one (`unauthorized`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Unauthorized(pub Problem);

/// The token is valid but not for this (`forbidden`): a device's token where an official's is
/// needed or the other way round, or an official without the role or the unit.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Forbidden(pub Problem);

/// The body is larger than allowed (`too-large`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct TooLarge(pub Problem);

/// The body is not sent with the content type this operation takes (`unsupported-media-type`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct UnsupportedMedia(pub Problem);

/// The request cannot be read: a body that is not valid JSON for the operation
/// (`malformed-json`), a query (`bad-query`) or a path parameter (`bad-path`) of the wrong form.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct BadRequest(pub Problem);

/// The request cannot be read (the operation's own kinds), or its `Idempotency-Key` is not 1 to
/// 255 visible ASCII characters (`bad-idempotency-key`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct BadIdempotencyKey(pub Problem);

/// The first request with this `Idempotency-Key` is still running (`idempotency-in-progress`):
/// try again in a moment, and get its answer.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))
)]
pub struct IdempotencyInProgress(pub Problem);

/// Refused by a rule (the operation's own kinds), or this `Idempotency-Key` was sent before with
/// another request (`idempotency-key-reused`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct IdempotencyRefused(pub Problem);

/// The server's fault (`internal`); nothing the client sent was lost. Try again.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct InternalError(pub Problem);

/// The two kinds of bearer token: a citizen's device token (`d.…`, from `POST /devices`) and
/// an official's session token (`o.…`, from `POST /auth/login`).
struct BearerTokens;

impl Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            let mut http = Http::new(HttpAuthScheme::Bearer);
            http.description = Some(description.to_owned());
            SecurityScheme::Http(http)
        };
        components.add_security_scheme("device_token", bearer("A citizen's device token (`d.…`), from `POST /api/v1/devices`."));
        components.add_security_scheme("official_token", bearer("An official's session token (`o.…`), from `POST /api/v1/auth/login`."));
    }
}

/// The document as served: JSON bytes, made once when the router is built.
#[derive(Clone)]
pub struct Served(pub Bytes);

/// Completes the document `crate::router` split off its routes and serializes it: every
/// operation also answers 429 (rate limit, before any handler) and 500; one that takes a
/// token, 401 and 403; one that takes a body, a query or a path parameter, 400; one that takes a body,
/// 413 and 415; a POST or PATCH that takes a token, the
/// `Idempotency-Key` header and its 400, 409 and 422. Handlers document only their own answers.
pub fn finish(mut doc: utoipa::openapi::OpenApi) -> Served {
    for item in doc.paths.paths.values_mut() {
        for op in [&mut item.post, &mut item.patch].into_iter().flatten() {
            idempotent(op);
        }
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for op in operations.into_iter().flatten() {
            let takes_token = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let takes_body = op.request_body.is_some();
            let responses = &mut op.responses.responses;
            if takes_token {
                responses.entry("401".into()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("Unauthorized")));
                responses.entry("403".into()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("Forbidden")));
            }
            // A body, a query or a path parameter that cannot be read is 400 before the handler.
            let takes_input = takes_body || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            if takes_input {
                responses.entry("400".into()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("BadRequest")));
            }
            if takes_body {
                responses.entry("413".into()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("TooLarge")));
                responses.entry("415".into()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("UnsupportedMedia")));
            }
            responses.entry("429".into()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("TooManyRequests")));
            responses.entry("500".into()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("InternalError")));
        }
    }
    // Serializing our own document cannot fail (string keys, no non-finite numbers).
    let mut json = serde_json::to_value(&doc).unwrap_or_default();
    close_variants(&mut json, &["AreaInput"]);
    links::add(&mut json);
    problems::name(&mut json);
    reference_inlined_schemas(&mut json);
    Served(Bytes::from(serde_json::to_vec(&json).unwrap_or_default()))
}

/// A POST or PATCH that takes credentials may carry an `Idempotency-Key` (see
/// `api::idempotency`): the header, and the answers it can bring.
fn idempotent(op: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::Required;
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    if op.security.as_ref().is_none_or(|s| s.is_empty()) {
        return;
    }
    let key = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Any unique value (a UUID): the same request sent again with it after a lost answer gets the first answer, \
             marked `Idempotent-Replayed: true`; sent with another request, 422 `idempotency-key-reused`. Kept 24 hours, per token.",
        ))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)).max_length(Some(255)).pattern(Some("^[!-~]+$"))))
        .build();
    op.parameters.get_or_insert_with(Vec::new).push(key);
    let responses = &mut op.responses.responses;
    responses.entry("400".into()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("BadIdempotencyKey")));
    responses.entry("409".into()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("IdempotencyInProgress")));
    responses.entry("422".into()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("IdempotencyRefused")));
}

/// serde's `deny_unknown_fields` on an internally tagged enum refuses unknown fields in every
/// variant; utoipa says so for structs only. Says it for the variants of these schemas.
fn close_variants(doc: &mut Value, names: &[&str]) {
    for name in names {
        let pointer = format!("/components/schemas/{name}/oneOf");
        let Some(Value::Array(variants)) = doc.pointer_mut(&pointer) else { continue };
        for variant in variants.iter_mut().filter_map(Value::as_object_mut) {
            variant.insert("additionalProperties".into(), Value::Bool(false));
        }
    }
}

/// utoipa 5 inlines a generic type's argument (`Page<ReportView>` becomes `Page_ReportView`
/// with the whole `ReportView` copied into `items`): put a `$ref` back wherever an object
/// schema is exactly one of the named ones, so generated clients get one type, not copies.
fn reference_inlined_schemas(doc: &mut Value) {
    let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) else { return };
    let named: Vec<(String, Value)> = schemas
        .iter()
        .filter(|(_, s)| s.get("properties").is_some() || s.get("oneOf").is_some())
        .map(|(name, s)| (format!("#/components/schemas/{name}"), s.clone()))
        .collect();
    fn walk(v: &mut Value, named: &[(String, Value)], top: bool) {
        if !top {
            if let Some((reference, _)) = named.iter().find(|(_, s)| s == v) {
                *v = serde_json::json!({ "$ref": reference });
                return;
            }
        }
        match v {
            Value::Object(map) => map.values_mut().for_each(|x| walk(x, named, false)),
            Value::Array(items) => items.iter_mut().for_each(|x| walk(x, named, false)),
            _ => {}
        }
    }
    if let Some(paths) = doc.get_mut("paths") {
        walk(paths, &named, false);
    }
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        schemas.values_mut().for_each(|s| walk(s, &named, true));
    }
}

/// `GET /api/v1/openapi.json`
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "public",
    operation_id = "openapi",
    summary = "This document",
    description = "The OpenAPI 3.1 document of /api/v1, generated from the server's code.",
    responses((status = 200, description = "The OpenAPI document", body = Object, content_type = "application/json"))
)]
pub async fn document(Extension(doc): Extension<Served>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], doc.0)
}

/// A photo's bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PhotoBytes(pub Vec<u8>);
