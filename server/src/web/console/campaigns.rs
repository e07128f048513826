//! Web edge: the console's Green Sunday page: the campaigns (to move or call off) and the
//! form announcing a new one.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::super::page::{WebLang, html_response, phase_label, urlencode};
use super::{Done, Session, drawing_map, explain, failure, flash, operators_only, parse_polygon, userbar, ward_checks};
use crate::service::{AppState, ServiceError, campaigns as campaign_work};

/// The campaign form as typed (kept to show again with what is wrong).
#[derive(Default)]
struct CampaignForm {
    name_vi: String,
    name_en: String,
    date: String,
    starts: String,
    ends: String,
    wards: Vec<String>,
    polygon: String,
    meeting_points: String,
    categories: Vec<String>,
    goal: String,
}

/// The categories a clean-up counts unless the operator picks others.
const CLEAN_UP_CATEGORIES: &[&str] = &["litter", "illegal-dumping", "overflowing-bin", "blocked-drain"];

impl CampaignForm {
    fn from_pairs(pairs: &[(String, String)]) -> (CampaignForm, Option<String>) {
        let mut f = CampaignForm::default();
        let mut csrf = None;
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => csrf = Some(v.clone()),
                "name_vi" => f.name_vi = v.clone(),
                "name_en" => f.name_en = v.clone(),
                "date" => f.date = v.clone(),
                "starts" => f.starts = v.clone(),
                "ends" => f.ends = v.clone(),
                "ward" => f.wards.push(v.clone()),
                "polygon" => f.polygon = v.clone(),
                "meeting_points" => f.meeting_points = v.clone(),
                "category" => f.categories.push(v.clone()),
                "goal" => f.goal = v.clone(),
                _ => {}
            }
        }
        (f, csrf)
    }

    /// The day and hours, in the city's time.
    fn hours(&self, st: &AppState, lang: WebLang) -> Result<(time::OffsetDateTime, time::OffsetDateTime), String> {
        let offset = st.city.utc_offset;
        let date = time::Date::parse(self.date.trim(), time::macros::format_description!("[year]-[month]-[day]"))
            .map_err(|_| lang.t("Chọn ngày diễn ra.", "Pick the day.").to_owned())?;
        let clock = |s: &str| time::Time::parse(s.trim(), time::macros::format_description!("[hour]:[minute]")).ok();
        let (Some(starts), Some(ends)) = (clock(&self.starts), clock(&self.ends)) else {
            return Err(lang.t("Nhập giờ bắt đầu và giờ kết thúc.", "Give the start and end times.").to_owned());
        };
        Ok((date.with_time(starts).assume_offset(offset), date.with_time(ends).assume_offset(offset)))
    }

    /// The API's request, or what is wrong with the form.
    fn request(&self, st: &AppState, lang: WebLang) -> Result<civic_core::campaign::NewCampaign, String> {
        let (starts_at, ends_at) = self.hours(st, lang)?;
        let mut meeting_points = Vec::new();
        for line in self.meeting_points.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let point = line.rsplit_once('|').and_then(|(name, at)| {
                let (lat, lon) = at.split_once(',')?;
                let (lat, lon): (f64, f64) = (lat.trim().parse().ok()?, lon.trim().parse().ok()?);
                st.city.area.locate(lat, lon).ok()?;
                Some(civic_core::campaign::MeetingPoint { name: name.trim().to_owned(), lat, lon })
            });
            meeting_points.push(point.ok_or_else(|| {
                format!(
                    "{} «{line}»",
                    lang.t(
                        "Điểm tập trung cần dạng \"Tên | vĩ độ, kinh độ\" trong thành phố:",
                        "A meeting point is \"Name | lat, lon\" in the city:"
                    )
                )
            })?);
        }
        let polygon = if self.polygon.trim().is_empty() {
            None
        } else {
            Some(parse_polygon(&self.polygon).ok_or_else(|| {
                lang.t("Vùng vẽ cần ít nhất 3 điểm \"vĩ độ,kinh độ\".", "A drawn area needs at least 3 \"lat,lon\" points.").to_owned()
            })?)
        };
        let goal_spots = match self.goal.trim() {
            "" => None,
            g => Some(g.parse::<u32>().map_err(|_| lang.t("Mục tiêu là một số điểm.", "The goal is a number of spots.").to_owned())?),
        };
        Ok(civic_core::campaign::NewCampaign {
            name: civic_core::model::Localized { vi: self.name_vi.trim().to_owned(), en: self.name_en.trim().to_owned() },
            starts_at,
            ends_at,
            areas: self.wards.clone(),
            polygon,
            meeting_points,
            categories: self.categories.clone(),
            goal_spots,
        })
    }
}

pub(super) async fn campaigns(State(st): State<AppState>, headers: HeaderMap, Query(d): Query<Done>) -> Response {
    let s = signed_in!(st, headers);
    // Next Sunday, 6:30 to 9:30, the usual clean-up morning.
    let today = st.now().to_offset(st.city.utc_offset).date();
    let sunday = (1..=7).map(|n| today + time::Duration::days(n)).find(|d| d.weekday() == time::Weekday::Sunday).unwrap_or(today);
    let catalog = st.catalog.get();
    let form = CampaignForm {
        date: format!("{:04}-{:02}-{:02}", sunday.year(), u8::from(sunday.month()), sunday.day()),
        starts: "06:30".into(),
        ends: "09:30".into(),
        categories: CLEAN_UP_CATEGORIES.iter().filter(|c| catalog.get(c).is_some()).map(|c| (*c).to_owned()).collect(),
        ..CampaignForm::default()
    };
    campaigns_page(&st, &s, &form, &d, None, StatusCode::OK).await
}

async fn campaigns_page(st: &AppState, s: &Session, f: &CampaignForm, d: &Done, error: Option<String>, status: StatusCode) -> Response {
    let l = s.lang;
    if !s.is_operator() {
        return operators_only(
            s,
            l.t("Chủ nhật xanh", "Green Sunday"),
            "campaigns",
            l.t("Chỉ trung tâm điều hành được tổ chức chiến dịch.", "Only the operations centre announces campaigns."),
        );
    }
    let listed = match campaign_work::list(st).await {
        Ok(v) => v,
        Err(e) => return failure(l, &e),
    };
    let catalog = st.catalog.get();
    let offset = st.city.utc_offset;
    let when = |t: time::OffsetDateTime| {
        let t = t.to_offset(offset);
        format!("{:02}/{:02}/{} {:02}:{:02}", t.day(), u8::from(t.month()), t.year(), t.hour(), t.minute())
    };
    let title = l.t("Chủ nhật xanh", "Green Sunday");
    let body = html! {
        (userbar(s))
        h1 { (title) }
        (flash(d, l))
        section aria-labelledby="listed-h" {
            h2 #listed-h { (l.t("Các chiến dịch", "Campaigns")) }
            @if listed.is_empty() {
                p { (l.t("Chưa có chiến dịch nào.", "No campaign yet.")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (l.t("Tên", "Name")) }
                        th scope="col" { (l.t("Thời gian", "When")) }
                        th scope="col" { (l.t("Tình trạng", "Phase")) }
                        th scope="col" { (l.t("Người tham gia", "Taking part")) }
                        th scope="col" { (l.t("Dời lịch hoặc huỷ", "Move or call off")) }
                    } }
                    tbody {
                        @for c in &listed {
                            tr {
                                td { a href={ "/" (l.code()) "/campaigns/" (c.id) } { (c.name.get(l.0)) } }
                                td { (when(c.starts_at)) }
                                td { (phase_label(c.phase, l)) }
                                td { (c.participants) " · " (c.teams.len()) " " (l.t("đội", "teams")) }
                                td {
                                    @if matches!(c.phase, civic_core::campaign::Phase::Upcoming | civic_core::campaign::Phase::Running) {
                                        @let local = |t: time::OffsetDateTime| t.to_offset(offset);
                                        @let (from, to) = (local(c.starts_at), local(c.ends_at));
                                        form.inline method="post" action={ "/console/campaigns/" (c.id) "/move" } {
                                            (s.csrf_field())
                                            label for={ "move-date-" (c.id) } { (l.t("Dời sang", "Move to")) }
                                            input id={ "move-date-" (c.id) } name="date" type="date" required
                                                value=(format!("{:04}-{:02}-{:02}", from.year(), u8::from(from.month()), from.day()));
                                            label.visually-hidden for={ "move-starts-" (c.id) } { (l.t("Bắt đầu", "Starts")) }
                                            input id={ "move-starts-" (c.id) } name="starts" type="time" required value=(format!("{:02}:{:02}", from.hour(), from.minute()));
                                            label.visually-hidden for={ "move-ends-" (c.id) } { (l.t("Kết thúc", "Ends")) }
                                            input id={ "move-ends-" (c.id) } name="ends" type="time" required value=(format!("{:02}:{:02}", to.hour(), to.minute()));
                                            button.secondary type="submit" { (l.t("Dời lịch", "Move")) }
                                        }
                                        form.inline method="post" action={ "/console/campaigns/" (c.id) "/cancel" } {
                                            (s.csrf_field())
                                            label.visually-hidden for={ "cancel-" (c.id) } { (l.t("Lý do huỷ", "Why it is called off")) }
                                            input id={ "cancel-" (c.id) } name="reason" type="text" required maxlength="500"
                                                placeholder=(l.t("Lý do huỷ (mưa lớn…)", "Why (heavy rain…)"));
                                            button.secondary type="submit" { (l.t("Huỷ chiến dịch", "Call off")) }
                                        }
                                    } @else if let Some(reason) = &c.cancel_reason {
                                        (reason)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="announce-h" {
            h2 #announce-h { (l.t("Công bố chiến dịch mới", "Announce a campaign")) }
            @if let Some(e) = &error { p.error role="alert" #form-error { (e) } }
            form #campaign-form method="post" action="/console/campaigns" {
                (s.csrf_field())
                div.columns {
                    div {
                        div.field {
                            label for="name_vi" lang="vi" { "Tên chiến dịch (tiếng Việt)" }
                            input #name_vi name="name_vi" lang="vi" type="text" maxlength="200" required value=(f.name_vi);
                        }
                        div.field {
                            label for="name_en" lang="en" { "Name (English)" }
                            input #name_en name="name_en" lang="en" type="text" maxlength="200" value=(f.name_en);
                        }
                        div.field {
                            label for="date" { (l.t("Ngày", "Day")) }
                            input #date name="date" type="date" required value=(f.date);
                        }
                        div.field {
                            label for="starts" { (l.t("Bắt đầu (giờ địa phương)", "Starts (local time)")) }
                            input #starts name="starts" type="time" required value=(f.starts);
                        }
                        div.field {
                            label for="ends" { (l.t("Kết thúc", "Ends")) }
                            input #ends name="ends" type="time" required value=(f.ends);
                        }
                        div.field {
                            label for="goal" { (l.t("Mục tiêu: số điểm được dọn (không bắt buộc)", "Goal: spots cleaned (optional)")) }
                            input #goal name="goal" type="number" min="1" max="100000" value=(f.goal);
                        }
                        fieldset {
                            legend { (l.t("Các loại được tính", "What counts")) }
                            @for c in catalog.categories().iter().filter(|c| c.active) {
                                div.check {
                                    input type="checkbox" name="category" id={ "c-" (c.code) } value=(c.code) checked[f.categories.contains(&c.code)];
                                    label for={ "c-" (c.code) } { (c.name.get(l.0)) }
                                }
                            }
                        }
                    }
                    div {
                        (ward_checks(st, l, l.t("Khu vực: chọn phường, xã…", "Area: pick wards and communes…"), &f.wards))
                        p.small { (l.t("…hoặc vẽ khu phố: bấm lên bản đồ để thêm từng góc.", "…or draw the streets: click on the map to add each corner.")) }
                        (drawing_map(st, l, l.t("Bản đồ để vẽ khu vực của chiến dịch", "Map to draw the campaign's area"), &f.polygon))
                        div.field {
                            label for="meeting_points" { (l.t("Điểm tập trung, mỗi dòng một điểm: Tên | vĩ độ, kinh độ", "Meeting points, one a line: Name | lat, lon")) }
                            textarea #meeting_points name="meeting_points" rows="3" { (f.meeting_points) }
                        }
                    }
                }
                div.actions {
                    button type="submit" { (l.t("Công bố chiến dịch", "Announce the campaign")) }
                }
            }
        }
    };
    let mut frame = s.frame(title, "campaigns");
    frame.map = true;
    frame.console_js = true;
    html_response(status, frame.render(body))
}

pub(super) async fn announce_campaign(
    State(st): State<AppState>,
    headers: HeaderMap,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let s = signed_in!(st, headers);
    let l = s.lang;
    let (form, csrf) = CampaignForm::from_pairs(&pairs);
    if let Err(r) = s.check_csrf(csrf.as_deref()) {
        return r;
    }
    let none = Done::default();
    let req = match form.request(&st, l) {
        Ok(r) => r,
        Err(msg) => return campaigns_page(&st, &s, &form, &none, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match campaign_work::create(&st, &s.caller(), req).await {
        Ok(v) => Redirect::to(&format!("/console/campaigns?done=announced&n={}", urlencode(v.name.get(l.0)))).into_response(),
        Err(e) => {
            let kind = match &e {
                ServiceError::Refused { kind, .. } => *kind,
                _ => "",
            };
            let msg = match kind {
                "bad-time" => l
                    .t("Chiến dịch phải kết thúc sau khi bắt đầu, trong vòng một tuần.", "A campaign ends after it starts, within a week.")
                    .to_owned(),
                "missing-field" => l
                    .t(
                        "Cần tên, ít nhất một khu vực (chọn hoặc vẽ) và một loại được tính.",
                        "Give a name, at least one area (picked or drawn) and one thing that counts.",
                    )
                    .to_owned(),
                "bad-area" => format!("{} ({e})", l.t("Vùng vẽ không hợp lệ", "The drawn area is not valid")),
                _ => explain(&e, l),
            };
            campaigns_page(&st, &s, &form, &none, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

pub(super) async fn move_campaign(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let s = signed_in!(st, headers);
    let l = s.lang;
    let (form, csrf) = CampaignForm::from_pairs(&pairs);
    if let Err(r) = s.check_csrf(csrf.as_deref()) {
        return r;
    }
    let none = Done::default();
    let (starts_at, ends_at) = match form.hours(&st, l) {
        Ok(t) => t,
        Err(msg) => return campaigns_page(&st, &s, &CampaignForm::default(), &none, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match campaign_work::reschedule(&st, &s.caller(), id, starts_at, ends_at).await {
        Ok(v) => Redirect::to(&format!("/console/campaigns?done=moved&n={}", urlencode(v.name.get(l.0)))).into_response(),
        Err(e) => {
            let msg = match &e {
                ServiceError::Refused { kind: "bad-time", .. } => l
                    .t(
                        "Chiến dịch phải kết thúc sau khi bắt đầu, trong vòng một tuần, và ở tương lai.",
                        "A campaign ends after it starts, within a week, and in the future.",
                    )
                    .to_owned(),
                ServiceError::Conflict { kind: "campaign-cancelled", .. } => {
                    l.t("Chiến dịch đã huỷ.", "The campaign was called off.").to_owned()
                }
                ServiceError::Conflict { kind: "campaign-ended", .. } => {
                    l.t("Chiến dịch đã kết thúc.", "The campaign has ended.").to_owned()
                }
                _ => explain(&e, l),
            };
            campaigns_page(&st, &s, &CampaignForm::default(), &none, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[derive(Deserialize)]
pub(super) struct CallOffForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    reason: String,
}

pub(super) async fn cancel_campaign(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CallOffForm>,
) -> Response {
    let s = signed_in!(st, headers);
    if let Err(r) = s.check_csrf(form.csrf.as_deref()) {
        return r;
    }
    match campaign_work::cancel(&st, &s.caller(), id, &form.reason).await {
        Ok(v) => Redirect::to(&format!("/console/campaigns?done=called-off&n={}", urlencode(v.name.get(s.lang.0)))).into_response(),
        Err(e) => {
            let l = s.lang;
            let msg = match &e {
                ServiceError::Refused { kind: "missing-field", .. } => l.t("Cần ghi lý do huỷ.", "Say why it is called off.").to_owned(),
                ServiceError::Conflict { kind: "campaign-ended", .. } => {
                    l.t("Chiến dịch đã kết thúc.", "The campaign has ended.").to_owned()
                }
                _ => explain(&e, l),
            };
            campaigns_page(&st, &s, &CampaignForm::default(), &Done::default(), Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
