//! HTTP edge: the GeoReport v2 endpoints: discovery, services, a service's definition,
//! requests (listed, one, and POSTed through the apps' submission pipeline) and tokens.

use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use civic_core::catalog::{Category, Datatype};
use civic_core::model::{AnswerValue, Answers, FixSource, GeoFix, Lang, ReportId, Status};
use civic_core::protocol::{Profile, SubmitReport};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::documents;
use super::format::{Node, Open311Error, Params, Result311, attributes, datetime, format_of, list, parse_date, reply, split, text};
use crate::api::RawBody;
use crate::api::feed::base_url;
use crate::error::ApiError;
use crate::service::open311::{self as service, MAX_REQUESTS, Open311Query, Request};
use crate::service::submission::{Submitter, create_report};
use crate::service::{AppState, optional_text, photos};

/// Longest date window of `GET requests`, and the default one (ending now).
const MAX_WINDOW_DAYS: i64 = 90;

/// The query's pairs, once its `jurisdiction_id` (if any) is checked.
fn query(st: &AppState, raw: &Option<String>) -> Result311<Params> {
    let p = Params::parse(raw.as_deref().unwrap_or_default().as_bytes())?;
    service::check_jurisdiction(st, p.get("jurisdiction_id"))?;
    Ok(p)
}

pub(super) async fn not_found(OriginalUri(uri): OriginalUri) -> Response {
    Open311Error::not_found(format!("there is no Open311 endpoint {}", uri.path())).respond(format_of(&uri))
}

pub(super) async fn method_not_allowed(OriginalUri(uri): OriginalUri) -> Response {
    Open311Error::new(StatusCode::METHOD_NOT_ALLOWED, format!("this method is not allowed on {}", uri.path())).respond(format_of(&uri))
}

/// `GET discovery`, `GET services`, `GET requests`.
pub(super) async fn get_top(State(st): State<AppState>, Path(file): Path<String>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let (stem, format) = split(&file);
    let result = match stem {
        "discovery" => query(&st, &raw).map(|_| documents::discovery(&st, &headers)),
        "services" => query(&st, &raw).map(|q| documents::services(&st, q.lang())),
        "requests" => match query(&st, &raw) {
            Ok(q) => requests(&st, &headers, &q).await,
            Err(e) => Err(e),
        },
        _ => Err(Open311Error::not_found(format!("there is no Open311 endpoint {file}"))),
    };
    reply(format, result)
}

/// `POST requests`.
pub(super) async fn post_top(
    State(st): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Result<RawBody, ApiError>,
) -> Response {
    let (stem, format) = split(&file);
    if stem != "requests" {
        let status = if matches!(stem, "discovery" | "services") { StatusCode::METHOD_NOT_ALLOWED } else { StatusCode::NOT_FOUND };
        return Open311Error::new(status, format!("POST {file} is not an Open311 endpoint")).respond(format);
    }
    let result = async {
        let RawBody(body) = body?;
        submit(&st, &headers, raw.as_deref().unwrap_or_default(), &body).await
    };
    reply(format, result.await)
}

/// `GET services/{code}`: a service's definition.
pub(super) async fn service_definition(State(st): State<AppState>, Path(file): Path<String>, RawQuery(raw): RawQuery) -> Response {
    let (code, format) = split(&file);
    let result = query(&st, &raw).and_then(|q| {
        let catalog = st.catalog.get();
        let c = catalog.get(code).filter(|c| c.active).ok_or_else(|| Open311Error::not_found(format!("there is no service {code}")))?;
        Ok((StatusCode::OK, "service_definition", documents::service_definition(c, q.lang())))
    });
    reply(format, result)
}

/// Requests as a `service_requests` list.
fn request_list(st: &AppState, headers: &HeaderMap, lang: Lang, found: &[Request]) -> Node {
    let base = base_url(st, headers);
    let catalog = st.catalog.get();
    Node::List("request", found.iter().map(|r| documents::request(st, &catalog, r, &base, lang)).collect())
}

async fn requests(st: &AppState, headers: &HeaderMap, q: &Params) -> Result311<(StatusCode, &'static str, Node)> {
    let query = if let Some(ids) = q.get("service_request_id") {
        // The spec: a list of ids overrides every other filter.
        let ids = list(ids);
        if ids.len() > MAX_REQUESTS {
            return Err(Open311Error::bad(format!("at most {MAX_REQUESTS} service_request_id at once")));
        }
        Open311Query::Numbers(ids)
    } else {
        let window = Duration::days(MAX_WINDOW_DAYS);
        let (start, end) = match (parse_date(q, "start_date")?, parse_date(q, "end_date")?) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s + window),
            (None, Some(e)) => (e - window, e),
            (None, None) => {
                // Up to now, with a minute's slack for a client's clock.
                let end = st.now() + Duration::minutes(1);
                (end - window, end)
            }
        };
        if end <= start {
            return Err(Open311Error::bad("end_date must be after start_date"));
        }
        if end - start > window {
            return Err(Open311Error::bad(format!("start_date to end_date may span at most {MAX_WINDOW_DAYS} days")));
        }
        let categories = q.get("service_code").map(list);
        let statuses = match q.get("status") {
            Some(status) => {
                let (mut open, mut closed) = (false, false);
                for w in &list(status) {
                    match w.as_str() {
                        "open" => open = true,
                        "closed" => closed = true,
                        other => return Err(Open311Error::bad(format!("status is open or closed, not {other:?}"))),
                    }
                }
                Some(Status::ALL.iter().copied().filter(|s| if s.is_outcome() { closed } else { open }).collect())
            }
            None => None,
        };
        Open311Query::Window { start, end, categories, statuses }
    };
    let found = service::requests(st, query).await?;
    Ok((StatusCode::OK, "service_requests", request_list(st, headers, q.lang(), &found)))
}

/// `GET requests/{id}`: one request, by its public number.
pub(super) async fn request_one(
    State(st): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let (id, format) = split(&file);
    let result = async {
        let q = query(&st, &raw)?;
        let found = service::request_by_number(&st, id.to_owned()).await?;
        let Some(found) = found else {
            return Err(Open311Error::not_found(format!("there is no service request {id}")));
        };
        Ok((StatusCode::OK, "service_requests", request_list(&st, &headers, q.lang(), &[found])))
    };
    reply(format, result.await)
}

/// `GET tokens/{token}`: this server issues none.
pub(super) async fn token(Path(file): Path<String>) -> Response {
    let (token, format) = split(&file);
    Open311Error::not_found(format!(
        "there is no token {token}: this server answers a POST with the service_request_id at once and issues no tokens"
    ))
    .respond(format)
}

/// Open311 attribute values as answers to the category's questions.
fn answers(c: &Category, p: &Params) -> Result311<Answers> {
    let mut answers = Answers::new();
    for (code, (_, values)) in attributes(p) {
        if values.is_empty() {
            continue; // sent empty: not answered
        }
        let q =
            c.question(&code).ok_or_else(|| Open311Error::bad(format!("attribute[{code}] is not an attribute of service {}", c.code)))?;
        let one = || match &values[..] {
            [v] => Ok(v.clone()),
            _ => Err(Open311Error::bad(format!("attribute[{code}] takes one value"))),
        };
        let value = match q.datatype {
            Datatype::String | Datatype::Text => AnswerValue::Text(one()?),
            Datatype::Number => AnswerValue::Number(
                one()?
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| Open311Error::bad(format!("attribute[{code}] must be a number")))?,
            ),
            Datatype::Datetime => AnswerValue::DateTime(
                OffsetDateTime::parse(&one()?, &Rfc3339)
                    .map_err(|_| Open311Error::bad(format!("attribute[{code}] must be an RFC 3339 date and time")))?,
            ),
            Datatype::Singlevaluelist => AnswerValue::Choice(one()?),
            Datatype::Multivaluelist => AnswerValue::Choices(values),
        };
        c.check_answer(&code, &value).map_err(|e| Open311Error::bad(format!("attribute[{code}]: {e}")))?;
        answers.insert(code, value);
    }
    if let Some(q) = c.questions.iter().find(|q| q.required && !answers.contains_key(&q.code)) {
        return Err(Open311Error::bad(format!("attribute[{}] is required for service {}", q.code, c.code)));
    }
    Ok(answers)
}

/// The reporter's contact, kept private like a citizen's profile.
fn profile(p: &Params) -> Result311<Profile> {
    let name = [p.get("first_name"), p.get("last_name")].into_iter().flatten().collect::<Vec<_>>().join(" ");
    Ok(Profile {
        display_name: optional_text("first_name/last_name", (!name.is_empty()).then_some(name.as_str()), 100)?,
        phone: optional_text("phone", p.get("phone"), 32)?,
        email: optional_text("email", p.get("email"), 254)?,
    })
}

/// `POST requests`: a report by another channel, in the name of a device made for it.
async fn submit(st: &AppState, headers: &HeaderMap, raw_query: &str, body: &[u8]) -> Result311<(StatusCode, &'static str, Node)> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !body.is_empty() && !ct.starts_with("application/x-www-form-urlencoded") {
        return Err(Open311Error::bad("send the request as application/x-www-form-urlencoded"));
    }
    let mut p = Params::parse(body)?;
    // Some clients put api_key (or everything) in the query string.
    p.0.extend(Params::parse(raw_query.as_bytes())?.0);
    service::check_jurisdiction(st, p.get("jurisdiction_id"))?;
    service::check_key(st, p.get("api_key"))?;
    let lang = p.lang();
    let code = p.get("service_code").ok_or_else(|| Open311Error::bad("service_code is required"))?;
    let catalog = st.catalog.get();
    let category = catalog
        .get(code)
        .filter(|c| c.active)
        .ok_or_else(|| Open311Error::bad(format!("service_code {code} is not a service here (see services.json)")))?
        .clone();
    let (lat, lon) = match (p.get("lat"), p.get("long")) {
        (Some(lat), Some(lon)) => {
            let parse = |v: &str| v.parse::<f64>().ok().filter(|x| x.is_finite());
            parse(lat).zip(parse(lon)).ok_or_else(|| Open311Error::bad("lat and long must be decimal degrees (WGS 84)"))?
        }
        _ => match p.get("address_string").map(str::trim).filter(|a| !a.is_empty()) {
            Some(address) => service::geocode(st, address).await?,
            None if p.get("address_id").is_some() => return Err(Open311Error::bad("address_id is not supported: send lat and long")),
            None => return Err(Open311Error::bad("lat and long (or address_string) are required")),
        },
    };
    // The photo at media_url is fetched and goes through the same pipeline as an upload
    // (stripped of metadata); a photo that cannot be had costs the photo, not the report.
    let mut photos = Vec::new();
    let mut media_problem = None;
    if let Some(url) = p.get("media_url").map(str::trim).filter(|u| !u.is_empty()) {
        match photos::fetch(st, url).await {
            Ok(hash) => photos.push(hash),
            Err(problem) => media_problem = Some(problem),
        }
    }
    let answers = answers(&category, &p)?;
    let profile = profile(&p)?;
    let anonymous = profile.display_name.is_none() && profile.phone.is_none() && profile.email.is_none();
    let at = st.now();
    let req = SubmitReport {
        id: ReportId::new(),
        category: category.code.clone(),
        // A point sent by a client is a pin: its accuracy is not known (0).
        location: GeoFix { lat, lon, accuracy_m: 0.0, source: FixSource::Pin, fixed_at: at },
        description: p.get("description").unwrap_or_default().to_owned(),
        anonymous,
        answers,
        photos,
        captured_at: at,
        alerts: Vec::new(),
    };
    let (_, receipt) = create_report(st, Submitter::Channel { platform: "open311", profile }, req, 0).await?;
    let unit = catalog.unit(&receipt.unit).map_or(receipt.unit.clone(), |u| u.name.get(lang).to_owned());
    let due = datetime(receipt.received_at + Duration::hours(i64::from(category.expected_hours)), st);
    let mut notice = match lang {
        Lang::Vi => format!("Đã tiếp nhận, chuyển đến {unit}; dự kiến xử lý trước {due}."),
        Lang::En => format!("Received and routed to {unit}; expected by {due}."),
    };
    if let Some(problem) = media_problem {
        notice.push_str(&match lang {
            Lang::Vi => format!(" Không lấy được ảnh tại media_url ({problem}); phản ánh được lưu không kèm ảnh."),
            Lang::En => format!(" The photo at media_url could not be had ({problem}); the report is kept without it."),
        });
    }
    let node = Node::Object(vec![
        ("service_request_id", text(receipt.public_number)),
        ("service_notice", text(notice)),
        ("account_id", Node::Null),
    ]);
    Ok((StatusCode::OK, "service_requests", Node::List("request", vec![node])))
}
