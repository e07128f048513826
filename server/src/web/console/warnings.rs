//! Web edge: the console's warnings: the ones in force (to cancel) and the composer, with a
//! preview of the CAP message before it is published.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use civic_core::protocol::{AreaInput, PublishAlert};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use super::super::page::{WebLang, html_response, urlencode};
use super::{Done, Session, drawing_map, explain, failure, flash, operators_only, parse_polygon, userbar, ward_checks};
use crate::service::{AppState, alerts};

/// The composer's fields as typed, kept to show them again with a preview or an error.
#[derive(Debug, Default)]
struct Composer {
    topic: String,
    severity: String,
    urgency: String,
    certainty: String,
    expires: String,
    wards: Vec<String>,
    polygon: String,
    polygon_name: String,
    vi: [String; 4],
    en: [String; 4],
}

const SEVERITIES: &[(&str, &str, &str)] = &[
    ("Extreme", "Cực kỳ nguy hiểm", "Extreme"),
    ("Severe", "Nguy hiểm", "Severe"),
    ("Moderate", "Trung bình", "Moderate"),
    ("Minor", "Nhẹ", "Minor"),
];
const URGENCIES: &[(&str, &str, &str)] = &[
    ("Immediate", "Ngay lập tức", "Immediate"),
    ("Expected", "Sắp xảy ra (trong 1 giờ)", "Expected (within the hour)"),
    ("Future", "Trong thời gian tới", "Future"),
];
const CERTAINTIES: &[(&str, &str, &str)] =
    &[("Observed", "Đã xảy ra", "Observed"), ("Likely", "Nhiều khả năng", "Likely"), ("Possible", "Có thể", "Possible")];
const TEXT_FIELDS: [(&str, &str, &str); 4] = [
    ("event", "Sự kiện", "Event"),
    ("headline", "Tiêu đề (dưới 160 ký tự)", "Headline (under 160 characters)"),
    ("description", "Mô tả", "Description"),
    ("instruction", "Hướng dẫn người dân", "What residents should do"),
];

impl Composer {
    fn from_pairs(pairs: &[(String, String)]) -> (Composer, Option<String>) {
        let mut c = Composer::default();
        let mut csrf = None;
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => csrf = Some(v.clone()),
                "topic" => c.topic = v.clone(),
                "severity" => c.severity = v.clone(),
                "urgency" => c.urgency = v.clone(),
                "certainty" => c.certainty = v.clone(),
                "expires" => c.expires = v.clone(),
                "ward" => c.wards.push(v.clone()),
                "polygon" => c.polygon = v.clone(),
                "polygon_name" => c.polygon_name = v.clone(),
                _ => {
                    for (i, (name, _, _)) in TEXT_FIELDS.iter().enumerate() {
                        if k.strip_prefix("vi_") == Some(name) {
                            c.vi[i] = v.clone();
                        }
                        if k.strip_prefix("en_") == Some(name) {
                            c.en[i] = v.clone();
                        }
                    }
                }
            }
        }
        (c, csrf)
    }

    /// The API's request, or what is wrong with the form.
    fn request(&self, st: &AppState, lang: WebLang) -> Result<PublishAlert, String> {
        let offset = st.city.utc_offset;
        let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
        let expires = time::PrimitiveDateTime::parse(self.expires.trim(), &format)
            .map(|t| t.assume_offset(offset))
            .map_err(|_| lang.t("Nhập thời điểm hết hiệu lực.", "Give the end time.").to_owned())?;
        let mut areas: Vec<AreaInput> = self.wards.iter().map(|code| AreaInput::Named { code: code.clone() }).collect();
        if !self.polygon.trim().is_empty() {
            let points = parse_polygon(&self.polygon).ok_or_else(|| {
                lang.t("Vùng vẽ cần ít nhất 3 điểm \"vĩ độ,kinh độ\".", "A drawn area needs at least 3 \"lat,lon\" points.").to_owned()
            })?;
            let description = if self.polygon_name.trim().is_empty() {
                lang.t("Vùng được vẽ", "Drawn area").to_owned()
            } else {
                self.polygon_name.trim().to_owned()
            };
            areas.push(AreaInput::Polygon { description, points });
        }
        let text = |lang_tag: &str, t: &[String; 4]| {
            json!({
                "language": lang_tag,
                "event": t[0].trim(),
                "headline": t[1].trim(),
                "description": Some(t[2].trim()).filter(|s| !s.is_empty()),
                "instruction": Some(t[3].trim()).filter(|s| !s.is_empty()),
            })
        };
        let mut texts = vec![text("vi-VN", &self.vi)];
        if self.en.iter().any(|s| !s.trim().is_empty()) {
            texts.push(text("en-US", &self.en));
        }
        let value = json!({
            "topic": self.topic,
            "urgency": self.urgency,
            "severity": self.severity,
            "certainty": self.certainty,
            "expires": expires.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            "texts": texts,
            "areas": areas,
        });
        serde_json::from_value(value).map_err(|e| format!("{} ({e})", lang.t("Biểu mẫu chưa đủ thông tin", "The form is incomplete")))
    }
}

pub(super) async fn warnings(State(st): State<AppState>, headers: HeaderMap, Query(d): Query<Done>) -> Response {
    let s = signed_in!(st, headers);
    let expires = (st.now() + time::Duration::hours(6)).to_offset(st.city.utc_offset);
    let c = Composer {
        topic: "flood".into(),
        severity: "Severe".into(),
        urgency: "Expected".into(),
        certainty: "Likely".into(),
        expires: format!("{:04}-{:02}-{:02}T{:02}:00", expires.year(), u8::from(expires.month()), expires.day(), expires.hour()),
        ..Composer::default()
    };
    warnings_page(&st, &s, &c, &d, None, None, StatusCode::OK).await
}

async fn warnings_page(
    st: &AppState,
    s: &Session,
    c: &Composer,
    d: &Done,
    preview: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let l = s.lang;
    if !s.is_operator() {
        return operators_only(
            s,
            l.t("Cảnh báo", "Warnings"),
            "warnings",
            l.t("Chỉ trung tâm điều hành được phát cảnh báo.", "Only the operations centre publishes warnings."),
        );
    }
    let active = match alerts::list(st, false, 50).await {
        Ok(a) => a,
        Err(e) => return failure(l, &e),
    };
    let title = l.t("Cảnh báo", "Warnings");
    let body = html! {
        (userbar(s))
        h1 { (title) }
        (flash(d, l))
        section aria-labelledby="active-h" {
            h2 #active-h { (l.t("Đang có hiệu lực", "In force")) }
            @if active.is_empty() {
                p { (l.t("Không có cảnh báo nào đang có hiệu lực.", "No warning is in force.")) }
            } @else {
                ul.warning-list {
                    @for w in &active {
                        li {
                            @let info = w.message.info.first();
                            strong { (info.map_or("", |i| i.event.as_str())) } ": " (info.and_then(|i| i.headline.as_deref()).unwrap_or(""))
                            " · " a href={ "/cap/alerts/" (w.message.identifier) } { "CAP" }
                            form.inline method="post" action={ "/console/warnings/" (w.id) "/cancel" } {
                                (s.csrf_field())
                                label.visually-hidden for={ "cancel-" (w.id) } { (l.t("Lý do huỷ", "Why it is cancelled")) }
                                input id={ "cancel-" (w.id) } name="note" type="text" placeholder=(l.t("Lý do huỷ", "Why it is cancelled"));
                                button.secondary type="submit" { (l.t("Huỷ cảnh báo", "Cancel warning")) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="compose-h" {
            h2 #compose-h { (l.t("Soạn cảnh báo mới", "Compose a warning")) }
            @if let Some(e) = &error { p.error role="alert" #form-error { (e) } }
            form #composer method="post" action="/console/warnings"
                data-confirm=(l.t("Phát cảnh báo này tới người dân trong vùng?", "Send this warning to the residents of the area?")) {
                (s.csrf_field())
                div.columns {
                    div {
                        (select_field("topic", l.t("Loại cảnh báo", "Topic"), &c.topic,
                            &civic_core::warning::TOPICS.iter().map(|(code, vi, en)| (*code, *vi, *en)).collect::<Vec<_>>(), l))
                        (select_field("severity", l.t("Mức độ nghiêm trọng", "Severity"), &c.severity, SEVERITIES, l))
                        (select_field("urgency", l.t("Mức độ khẩn cấp", "Urgency"), &c.urgency, URGENCIES, l))
                        (select_field("certainty", l.t("Mức độ chắc chắn", "Certainty"), &c.certainty, CERTAINTIES, l))
                        div.field {
                            label for="expires" { (l.t("Hết hiệu lực lúc (giờ địa phương)", "Ends at (local time)")) }
                            input #expires name="expires" type="datetime-local" required value=(c.expires);
                        }
                        (ward_checks(st, l, l.t("Vùng: chọn phường, xã", "Areas: pick wards and communes"), &c.wards))
                    }
                    div {
                        p.small { (l.t("Hoặc vẽ vùng: bấm lên bản đồ để thêm từng đỉnh.", "Or draw an area: click on the map to add each corner.")) }
                        (drawing_map(st, l, l.t("Bản đồ để vẽ vùng cảnh báo", "Map to draw the warning's area"), &c.polygon))
                        div.field {
                            label for="polygon_name" { (l.t("Tên vùng vẽ", "Name of the drawn area")) }
                            input #polygon_name name="polygon_name" type="text" value=(c.polygon_name);
                        }
                    }
                }
                div.columns {
                    fieldset {
                        legend lang="vi" { "Tiếng Việt (bắt buộc)" }
                        (text_fields("vi", &c.vi, true, l))
                    }
                    fieldset {
                        legend lang="en" { "English" }
                        (text_fields("en", &c.en, false, l))
                    }
                }
                div.actions {
                    button.secondary type="submit" name="action" value="preview" { (l.t("Xem trước bản tin CAP", "Preview the CAP message")) }
                    button type="submit" name="action" value="publish" { (l.t("Phát cảnh báo", "Publish the warning")) }
                }
            }
            @if let Some(xml) = &preview {
                section aria-labelledby="preview-h" {
                    h2 #preview-h { (l.t("Bản tin CAP 1.2 sẽ được gửi", "The CAP 1.2 message to be sent")) }
                    p.small { (l.t("Mã định danh và thời điểm gửi sẽ được cấp khi phát.", "The identifier and sent time are given on publishing.")) }
                    pre #cap-preview tabindex="0" { code { (xml) } }
                }
            }
        }
    };
    let mut frame = s.frame(title, "warnings");
    frame.map = true;
    frame.console_js = true;
    html_response(status, frame.render(body))
}

fn select_field(name: &str, label: &str, value: &str, options: &[(&str, &'static str, &'static str)], l: WebLang) -> Markup {
    html! {
        div.field {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                @for (code, vi, en) in options { option value=(code) selected[*code == value] { (l.t(vi, en)) } }
            }
        }
    }
}

fn text_fields(prefix: &str, values: &[String; 4], required: bool, l: WebLang) -> Markup {
    html! {
        @for (i, (name, vi, en)) in TEXT_FIELDS.iter().enumerate() {
            div.field {
                @let id = format!("{prefix}_{name}");
                label for=(id) { (l.t(vi, en)) }
                // The text's own language, for spell-checkers and screen readers.
                @if i < 2 {
                    input id=(id) name=(id) lang=(prefix) type="text" maxlength=(if i == 1 { 160 } else { 200 }) required[required] value=(values[i]);
                } @else {
                    textarea id=(id) name=(id) lang=(prefix) rows="3" maxlength="4000" { (values[i]) }
                }
            }
        }
    }
}

pub(super) async fn compose_warning(
    State(st): State<AppState>,
    headers: HeaderMap,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let s = signed_in!(st, headers);
    let l = s.lang;
    let (composer, csrf) = Composer::from_pairs(&pairs);
    if let Err(r) = s.check_csrf(csrf.as_deref()) {
        return r;
    }
    let none = Done::default();
    let publish = pairs.iter().any(|(k, v)| k == "action" && v == "publish");
    let req = match composer.request(&st, l) {
        Ok(r) => r,
        Err(msg) => return warnings_page(&st, &s, &composer, &none, None, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    if !publish {
        return match alerts::preview(&st, &s.caller(), &req).await {
            Ok(xml) => warnings_page(&st, &s, &composer, &none, Some(xml), None, StatusCode::OK).await,
            Err(e) => warnings_page(&st, &s, &composer, &none, None, Some(explain(&e, l)), StatusCode::UNPROCESSABLE_ENTITY).await,
        };
    }
    match alerts::publish(&st, &s.caller(), &req).await {
        Ok(v) => {
            let headline = v.message.info.first().and_then(|i| i.headline.clone()).unwrap_or_default();
            Redirect::to(&format!("/console/warnings?done=published&n={}", urlencode(&headline))).into_response()
        }
        Err(e) => warnings_page(&st, &s, &composer, &none, None, Some(explain(&e, l)), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

#[derive(Deserialize)]
pub(super) struct CancelForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    note: String,
}

pub(super) async fn cancel_warning(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CancelForm>,
) -> Response {
    let s = signed_in!(st, headers);
    if let Err(r) = s.check_csrf(form.csrf.as_deref()) {
        return r;
    }
    let note = Some(form.note).filter(|n| !n.trim().is_empty());
    match alerts::cancel(&st, &s.caller(), id, note.as_deref()).await {
        Ok(_) => Redirect::to("/console/warnings?done=cancelled").into_response(),
        Err(e) => {
            let none = Done::default();
            warnings_page(&st, &s, &Composer::default(), &none, None, Some(explain(&e, s.lang)), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
