//! OpenAPI links: where the ids an operation makes can be used next, so a client (or a
//! fuzzer's stateful phase) can chain a report's creation to its rating, a warning's to its
//! update, a campaign's to its spots.

use serde_json::{Map, Value, json};

/// One link: its name, the operation it leads to, and that operation's parameters as runtime
/// expressions over this answer (or this request).
type Link = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

const REPORT: &[(&str, &str)] = &[("id", "$response.body#/id")];
const ALERT: &[(&str, &str)] = &[("id", "$response.body#/id")];
const CAMPAIGN: &[(&str, &str)] = &[("id", "$response.body#/id")];
const SPOT: &[(&str, &str)] = &[("id", "$request.path.id"), ("spot", "$response.body#/spot/id")];

/// `(path, method, answers that carry the made thing, links)`.
const LINKS: &[(&str, &str, &[&str], &[Link])] = &[
    (
        "/api/v1/reports",
        "post",
        &["200", "201"],
        &[
            ("GetReport", "getReport", REPORT),
            ("SupportReport", "supportReport", REPORT),
            ("RateReport", "rateReport", REPORT),
            ("ReopenReport", "reopenReport", REPORT),
            ("ReplyToReport", "replyToReport", REPORT),
            ("ChangeStatus", "changeStatus", REPORT),
            ("GetPublicReport", "getPublicReport", &[("number", "$response.body#/public_number")]),
        ],
    ),
    ("/api/v1/photos/{hash}", "put", &["200", "201"], &[("GetPhoto", "getPhoto", &[("hash", "$response.body#/hash")])]),
    (
        "/api/v1/alerts",
        "post",
        &["201"],
        &[
            ("GetAlert", "getAlert", ALERT),
            ("UpdateAlert", "updateAlert", ALERT),
            ("CancelAlert", "cancelAlert", ALERT),
            ("AlertReports", "alertReports", ALERT),
        ],
    ),
    ("/api/v1/alerts/import", "post", &["200", "201"], &[("GetAlert", "getAlert", ALERT), ("AlertReports", "alertReports", ALERT)]),
    (
        "/api/v1/campaigns",
        "post",
        &["201"],
        &[
            ("GetCampaign", "getCampaign", CAMPAIGN),
            ("MoveCampaign", "moveCampaign", CAMPAIGN),
            ("CancelCampaign", "cancelCampaign", CAMPAIGN),
            ("JoinCampaign", "joinCampaign", CAMPAIGN),
            ("CampaignSpots", "campaignSpots", CAMPAIGN),
            ("ReportSpot", "reportSpot", CAMPAIGN),
            ("CampaignSummary", "campaignSummary", CAMPAIGN),
        ],
    ),
    ("/api/v1/campaigns/{id}/spots", "post", &["200", "201"], &[("ClaimSpot", "claimSpot", SPOT), ("CleanSpot", "cleanSpot", SPOT)]),
];

/// Adds the links to the serialized document. A link to an operation the document lacks is
/// left out, so a renamed operation cannot leave a dangling link (the openapi test checks
/// every link resolves).
pub fn add(doc: &mut Value) {
    let known: Vec<String> = operation_ids(doc);
    for (path, method, statuses, links) in LINKS {
        for status in *statuses {
            let pointer = format!("/paths/{}/{method}/responses/{status}", path.replace('~', "~0").replace('/', "~1"));
            let Some(Value::Object(response)) = doc.pointer_mut(&pointer) else { continue };
            let mut made = Map::new();
            for (name, operation, parameters) in links.iter().filter(|(_, op, _)| known.iter().any(|k| k == op)) {
                let parameters: Map<String, Value> = parameters.iter().map(|(p, e)| ((*p).to_owned(), json!(e))).collect();
                made.insert((*name).to_owned(), json!({ "operationId": operation, "parameters": parameters }));
            }
            response.insert("links".into(), Value::Object(made));
        }
    }
}

fn operation_ids(doc: &Value) -> Vec<String> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return Vec::new() };
    paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op.get("operationId").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}
