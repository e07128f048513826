//! Every error answer names the problem kinds it can carry (the last segment of a problem's
//! `type`, in backquotes), so a client knows every problem it can meet and where. Handlers
//! name their own kinds (a rule's 409 or 422); the kinds every operation of a shape can meet
//! (a body that is not JSON, a missing token, the rate limit…) are named here, on the
//! operation's own copy of the answer when a shared one does not name them all.

use serde_json::Value;

/// The kinds an operation of this shape can answer with this status, whatever its handler.
fn generic_kinds(op: &Value, method: &str, status: &str) -> Vec<&'static str> {
    let parameters = op.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let takes = |place: &str| parameters.iter().any(|p| p["in"] == place);
    let idempotent = matches!(method, "post" | "patch") && parameters.iter().any(|p| p["name"] == "Idempotency-Key");
    let body = op.get("requestBody");
    let json_body = body.is_some_and(|b| b.pointer("/content/application~1json").is_some());
    let mut kinds = Vec::new();
    match status {
        "400" => {
            if json_body {
                kinds.push("malformed-json");
            }
            if body.is_some() {
                kinds.push("unreadable-body");
            }
            if takes("query") {
                kinds.push("bad-query");
            }
            if takes("path") {
                kinds.push("bad-path");
            }
            if idempotent {
                kinds.push("bad-idempotency-key");
            }
        }
        "401" => kinds.push("unauthorized"),
        "403" => kinds.push("forbidden"),
        "404" => kinds.push("not-found"),
        "409" if idempotent => kinds.push("idempotency-in-progress"),
        "413" => kinds.push("too-large"),
        "415" => kinds.push("unsupported-media-type"),
        "422" if idempotent => kinds.push("idempotency-key-reused"),
        "429" => kinds.push("rate-limited"),
        "500" => kinds.push("internal"),
        "503" => kinds.push("busy"),
        _ => {}
    }
    kinds
}

/// Names the generic kinds in every error answer of the serialized document.
pub fn name(doc: &mut Value) {
    let Some(responses) = doc.pointer("/components/responses").cloned() else { return };
    let Some(Value::Object(paths)) = doc.get_mut("paths") else { return };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for (method, op) in item.iter_mut() {
            let Some(answers) = op.get("responses").and_then(Value::as_object).cloned() else { continue };
            for (status, mut answer) in answers {
                let kinds = generic_kinds(op, method, &status);
                if let Some(name) = answer.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) {
                    answer = responses.get(name).cloned().unwrap_or(answer);
                }
                let description = answer.get("description").and_then(Value::as_str).unwrap_or_default().to_owned();
                let missing: Vec<String> = kinds.iter().map(|k| format!("`{k}`")).filter(|k| !description.contains(k.as_str())).collect();
                if missing.is_empty() {
                    continue;
                }
                let named = format!("{} Also: {}.", description.trim_end(), missing.join(", "));
                answer["description"] = Value::String(named.trim_start().to_owned());
                op["responses"][&status] = answer;
            }
        }
    }
}
