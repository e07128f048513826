//! Warnings on the real server: operators publish, update and cancel them; upstream CAP
//! messages are imported; the public CAP feed validates against the OASIS schema; devices
//! get them through sync; reports filed under a warning are found under it.

use std::path::Path;
use std::process::Command;

use crate::common::*;
use civic_core::cap;
use civic_core::protocol::{AlertDetail, AlertState, AlertView, Change, SyncBatch};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::tempdir;

const PHU_XUAN: &str = "19753";
const PHU_HO: &str = "19918";

pub fn flood(headline_vi: &str, severity: &str) -> Value {
    let expires =
        (time::OffsetDateTime::now_utc() + time::Duration::hours(12)).format(&time::format_description::well_known::Rfc3339).unwrap();
    json!({
        "topic": "flood",
        "urgency": "Expected",
        "severity": severity,
        "certainty": "Likely",
        "response_type": ["Prepare"],
        "expires": expires,
        "texts": [
            {"language": "vi-VN", "event": "Lũ", "headline": headline_vi,
             "description": "Mực nước sông Hương đang lên.", "instruction": "Di chuyển tài sản lên cao."},
            {"language": "en-US", "event": "Flood", "headline": "Flood warning for Huế and Phú Vang",
             "description": "The Perfume River is rising.", "instruction": "Move belongings to higher ground."}
        ],
        "areas": [{"kind": "named", "code": PHU_XUAN}, {"kind": "named", "code": PHU_HO}]
    })
}

async fn put(srv: &TestServer, token: &str, path: &str, body: &Value) -> reqwest::Response {
    srv.http.put(srv.url(path)).bearer_auth(token).json(body).send().await.unwrap()
}

async fn import(srv: &TestServer, token: &str, xml: &str) -> reqwest::Response {
    srv.http
        .post(srv.url("/api/v1/alerts/import"))
        .bearer_auth(token)
        .header("content-type", "application/xml")
        .body(xml.to_owned())
        .send()
        .await
        .unwrap()
}

async fn pull(srv: &TestServer, device: &str, cursor: &str) -> SyncBatch {
    srv.get(Some(device), &format!("/api/v1/sync?cursor={cursor}")).await.json().await.unwrap()
}

fn alerts_in(batch: &SyncBatch) -> Vec<AlertView> {
    batch
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Alert { alert } => Some((**alert).clone()),
            _ => None,
        })
        .collect()
}

async fn active(srv: &TestServer) -> Vec<AlertView> {
    srv.get(None, "/api/v1/alerts").await.json().await.unwrap()
}

/// Validates a CAP document against the OASIS CAP 1.2 schema with xmllint.
fn assert_valid_cap(xml: &str, dir: &Path, name: &str) {
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/cap/CAP-v1.2.xsd");
    let file = dir.join(name);
    std::fs::write(&file, xml).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(&file)
        .output()
        .expect("xmllint is needed for the CAP tests: install libxml2-utils");
    assert!(out.status.success(), "{name} does not validate:\n{}\n{xml}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn an_operator_publishes_updates_and_cancels_a_flood_warning_and_devices_follow() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let device = srv.device().await;
    let first = pull(&srv, &device, "").await;

    let r = srv.post(&operator, "/api/v1/alerts", &flood("Cảnh báo lũ cho Huế và Phú Vang", "Severe")).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let published: AlertView = r.json().await.unwrap();
    assert_eq!((published.version, published.state), (1, AlertState::Active));
    let msg = &published.message;
    assert_eq!(msg.msg_type, cap::MsgType::Alert);
    assert_eq!(msg.info.len(), 2, "one info block per language");
    assert_eq!(msg.info_for("vi").unwrap().headline.as_deref(), Some("Cảnh báo lũ cho Huế và Phú Vang"));
    assert_eq!(msg.info_for("en").unwrap().language, "en-US");
    assert_eq!(msg.topics(), ["flood"]);
    // The named wards became their boundary polygons, with the city's names.
    let areas = &msg.info_for("vi").unwrap().area;
    assert_eq!(areas.iter().map(|a| a.area_desc.as_str()).collect::<Vec<_>>(), ["Phường Phú Xuân", "Xã Phú Hồ"]);
    assert!(areas.iter().all(|a| !a.polygon.is_empty() && a.polygon.iter().all(|r| r.len() >= 4 && r.first() == r.last())));
    assert_eq!(msg.info_for("en").unwrap().area[0].area_desc, "Phu Xuan Ward");
    assert_eq!(areas[0].geocode[0].value, "19753", "the official code");
    assert!(msg.sent.offset().whole_hours() == 7, "CAP times are written in the city's offset");

    // Devices get it through sync; anyone can list it.
    let batch = pull(&srv, &device, &first.cursor).await;
    let got = alerts_in(&batch);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0], published);
    assert_eq!(active(&srv).await.len(), 1);

    // An Update changes the headline everywhere, referencing the first message.
    let r =
        put(&srv, &operator, &format!("/api/v1/alerts/{}", published.id), &flood("Lũ lên nhanh: sơ tán khu thấp trũng", "Extreme")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let updated: AlertView = r.json().await.unwrap();
    assert_eq!((updated.id.as_str(), updated.version), (published.id.as_str(), 2));
    assert_eq!(updated.message.msg_type, cap::MsgType::Update);
    assert_eq!(updated.message.references, vec![published.message.as_reference()]);
    assert_eq!(updated.message.severity(), civic_core::warning::Severity::Extreme);
    let batch = pull(&srv, &device, &batch.cursor).await;
    let got = alerts_in(&batch);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].message.info_for("vi").unwrap().headline.as_deref(), Some("Lũ lên nhanh: sơ tán khu thấp trũng"));

    // A Cancel withdraws it: devices see it cancelled, the active list is empty.
    let r = srv
        .post(&operator, &format!("/api/v1/alerts/{}/cancel", published.id), &json!({"note": "Nước đã rút / The water has receded"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let cancelled: AlertView = r.json().await.unwrap();
    assert_eq!((cancelled.state, cancelled.version), (AlertState::Cancelled, 3));
    assert_eq!(cancelled.cancel_note.as_deref(), Some("Nước đã rút / The water has receded"));
    assert_eq!(alerts_in(&pull(&srv, &device, &batch.cursor).await)[0].state, AlertState::Cancelled);
    assert!(active(&srv).await.is_empty());
    let ended: Vec<AlertView> = srv.get(None, "/api/v1/alerts?include_ended=true").await.json().await.unwrap();
    assert_eq!(ended.len(), 1);

    // The history keeps every message; a second cancel is refused; a new device never
    // hears of the withdrawn warning.
    let detail: AlertDetail = srv.get(None, &format!("/api/v1/alerts/{}", published.id)).await.json().await.unwrap();
    let kinds: Vec<cap::MsgType> = detail.history.iter().map(|m| m.msg_type).collect();
    assert_eq!(kinds, [cap::MsgType::Alert, cap::MsgType::Update, cap::MsgType::Cancel]);
    assert_eq!(detail.history[2].references.len(), 2, "a Cancel references every earlier message");
    let again = srv.post(&operator, &format!("/api/v1/alerts/{}/cancel", published.id), &json!({})).await;
    assert_problem(again, StatusCode::CONFLICT, "alert-cancelled").await;
    let newcomer = srv.device().await;
    assert!(alerts_in(&pull(&srv, &newcomer, "").await).is_empty());
}

#[tokio::test]
async fn only_operators_publish_and_bad_warnings_are_refused_with_nothing_stored() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let officer = srv.officer("thuy", &["thoat-nuoc"]).await;
    let device = srv.device().await;
    let good = flood("Cảnh báo lũ", "Severe");

    let r = srv.http.post(srv.url("/api/v1/alerts")).json(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(srv.post(&device, "/api/v1/alerts", &good).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(srv.post(&officer, "/api/v1/alerts", &good).await.status(), StatusCode::FORBIDDEN);

    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        f(&mut v);
        v
    };
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (with(&|v| v["topic"] = json!("volcano")), StatusCode::UNPROCESSABLE_ENTITY, "unknown-topic"),
        (with(&|v| v["areas"] = json!([])), StatusCode::UNPROCESSABLE_ENTITY, "no-area"),
        (with(&|v| v["areas"] = json!([{"kind": "named", "code": "999"}])), StatusCode::UNPROCESSABLE_ENTITY, "unknown-area"),
        (
            with(&|v| {
                v["areas"] =
                    json!([{"kind": "polygon", "description": "Kim Long", "points": [[16.46, 107.55], [16.47, 107.56], [16.45, 107.57]]}])
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad-area",
        ),
        (
            with(&|v| {
                v["areas"] = json!([{"kind": "circle", "description": "Đập Tả Trạch", "lat": 16.37, "lon": 107.62, "radius_km": -5.0}])
            }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad-area",
        ),
        (with(&|v| v["expires"] = json!("2020-01-01T00:00:00+07:00")), StatusCode::UNPROCESSABLE_ENTITY, "bad-time"),
        (with(&|v| v["texts"] = json!([])), StatusCode::UNPROCESSABLE_ENTITY, "no-text"),
        (with(&|v| v["texts"][0]["headline"] = json!("x".repeat(200))), StatusCode::UNPROCESSABLE_ENTITY, "too-long"),
        (with(&|v| v["severity"] = json!("Apocalyptic")), StatusCode::BAD_REQUEST, "malformed-json"),
        (with(&|v| v["colour"] = json!("red")), StatusCode::BAD_REQUEST, "malformed-json"),
        (with(&|v| v["status"] = json!("Test")), StatusCode::UNPROCESSABLE_ENTITY, "not-published"),
    ];
    for (body, status, kind) in cases {
        let problem = assert_problem(srv.post(&operator, "/api/v1/alerts", &body).await, status, kind).await;
        assert!(!problem["detail"].as_str().unwrap_or("").is_empty(), "{kind}: a clear message");
    }
    let r = put(&srv, &operator, "/api/v1/alerts/no-such-alert", &good).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "{}", r.text().await.unwrap_or_default());
    let all: Vec<AlertView> = srv.get(None, "/api/v1/alerts?include_ended=true").await.json().await.unwrap();
    assert!(all.is_empty(), "nothing stored by refused requests");
    assert!(alerts_in(&pull(&srv, &device, "").await).is_empty());
}

/// When the upstream service sent its messages: an hour before this run began, in Huế's
/// offset; they expire two days after.
static UPSTREAM_SENT: std::sync::LazyLock<time::OffsetDateTime> = std::sync::LazyLock::new(|| {
    let t = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    t.replace_nanosecond(0).unwrap_or(t).to_offset(time::macros::offset!(+7))
});

fn upstream_sent() -> String {
    hue_time(*UPSTREAM_SENT)
}

/// A CAP Alert as an upstream hydro-meteorological service would send it.
fn upstream(identifier: &str, msg_type: &str, references: Option<&str>, headline: &str, area: &str) -> String {
    let references = references.map(|r| format!("<references>{r}</references>")).unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier>
  <sender>kttv-trungbo@nchmf.gov.vn</sender>
  <sent>{sent}</sent>
  <status>Actual</status>
  <msgType>{msg_type}</msgType>
  <scope>Public</scope>
  {references}
  <info>
    <language>vi-VN</language>
    <category>Met</category>
    <event>Lũ trên sông Bồ</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <expires>{expires}</expires>
    <senderName>Đài Khí tượng Thủy văn khu vực Trung Trung Bộ</senderName>
    <headline>{headline}</headline>
    <area>{area}</area>
  </info>
</alert>"#,
        sent = upstream_sent(),
        expires = hue_time(*UPSTREAM_SENT + time::Duration::days(2)),
    )
}

const CIRCLE_AREA: &str = "<areaDesc>Phong Điền</areaDesc><circle>16.55,107.35 8</circle>";

#[tokio::test]
async fn upstream_cap_messages_are_imported_and_bad_ones_refused_whole() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let device = srv.device().await;

    let alert = upstream("KTTV-2026-1127-01", "Alert", None, "Lũ trên sông Bồ lên mức báo động 2", CIRCLE_AREA);
    let r = import(&srv, &operator, &alert).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap_or_default());
    let view: AlertView = import(&srv, &operator, &alert).await.json().await.unwrap();
    assert_eq!(view.version, 1, "the same message again changes nothing");
    assert_eq!(view.id, "KTTV-2026-1127-01");
    assert_eq!(view.message.sent.offset().whole_hours(), 7);

    let reference = format!("kttv-trungbo@nchmf.gov.vn,KTTV-2026-1127-01,{}", upstream_sent());
    let update = upstream("KTTV-2026-1127-02", "Update", Some(&reference), "Lũ trên sông Bồ lên mức báo động 3", CIRCLE_AREA);
    let r = import(&srv, &operator, &update).await;
    assert_eq!(r.status(), StatusCode::OK);
    let view: AlertView = r.json().await.unwrap();
    assert_eq!((view.id.as_str(), view.version), ("KTTV-2026-1127-01", 2));
    assert_eq!(view.message.info[0].headline.as_deref(), Some("Lũ trên sông Bồ lên mức báo động 3"));

    // An area named only by its ward's GSO code gets the ward's boundary.
    let by_code = "<areaDesc>Phường Hương Trà</areaDesc><geocode><valueName>GSO</valueName><value>19996</value></geocode>";
    let view: AlertView =
        import(&srv, &operator, &upstream("KTTV-2026-1127-10", "Alert", None, "Sạt lở đất", by_code)).await.json().await.unwrap();
    let area = &view.message.info[0].area[0];
    assert!(!area.polygon.is_empty() && area.polygon[0].len() > 10, "the ward's outline");
    assert_eq!(view.message.match_areas().len(), area.polygon.len());
    // An older system naming a district of before 2025 (Hương Trà town, 480) gets the wards it became.
    let by_old_code = "<areaDesc>Thị xã Hương Trà</areaDesc><geocode><valueName>GSO</valueName><value>480</value></geocode>";
    let view: AlertView =
        import(&srv, &operator, &upstream("KTTV-2026-1127-11", "Alert", None, "Sạt lở đất", by_old_code)).await.json().await.unwrap();
    let rings = view.message.info[0].area[0].polygon.len();
    assert!(rings >= 3, "the wards Hương Trà became: {rings} rings");

    // Each bad message is a clear error, and none of them changes anything.
    let before: AlertDetail = srv.get(None, "/api/v1/alerts/KTTV-2026-1127-01").await.json().await.unwrap();
    let cursor = pull(&srv, &device, "").await.cursor;
    let unclosed = "<areaDesc>Hương Trà</areaDesc><polygon>16.5,107.5 16.6,107.5 16.6,107.6 16.5,107.61</polygon>";
    let bad: Vec<(String, StatusCode, &str, &str)> = vec![
        ("<alert><identifier>x</identifier".into(), StatusCode::UNPROCESSABLE_ENTITY, "invalid-cap", "CAP"),
        (upstream("KTTV-X1", "Alert", None, "h", unclosed), StatusCode::UNPROCESSABLE_ENTITY, "invalid-cap", "polygon"),
        (
            upstream("KTTV-X2", "Alert", None, "h", "<areaDesc>Đập</areaDesc><circle>16.37,107.62 -5</circle>"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-cap",
            "radius",
        ),
        (
            upstream("KTTV-X3", "Update", Some("kttv-trungbo@nchmf.gov.vn,NO-SUCH,2026-11-20T08:00:00+07:00"), "h", CIRCLE_AREA),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown-reference",
            "NO-SUCH",
        ),
        (
            upstream("KTTV-X4", "Alert", None, "h", "<areaDesc>Không có hình</areaDesc>"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "no-area",
            "polygon",
        ),
        (
            upstream(
                "KTTV-X5",
                "Alert",
                None,
                "h",
                "<areaDesc>Huyện khác</areaDesc><geocode><valueName>GSO</valueName><value>999</value></geocode>",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "no-area",
            "geocode",
        ),
        (
            upstream("KTTV-2026-1127-01", "Alert", None, "a different message, same identifier", CIRCLE_AREA),
            StatusCode::CONFLICT,
            "identifier-taken",
            "KTTV-2026-1127-01",
        ),
        // Entities that expand a billion times, or read the server's files: refused at the
        // DOCTYPE, before any expansion or reading.
        (
            upstream("KTTV-X6", "Alert", None, "&lol9;", CIRCLE_AREA).replacen(
                "<alert",
                "<!DOCTYPE alert [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\
                 <!ENTITY lol9 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>\n<alert",
                1,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-cap",
            "DOCTYPE",
        ),
        (
            upstream("KTTV-X7", "Alert", None, "&secret;", CIRCLE_AREA).replacen(
                "<alert",
                "<!DOCTYPE alert [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n<alert",
                1,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-cap",
            "DOCTYPE",
        ),
    ];
    for (xml, status, kind, mentions) in bad {
        let problem = assert_problem(import(&srv, &operator, &xml).await, status, kind).await;
        let detail = problem["detail"].as_str().unwrap_or("");
        assert!(detail.contains(mentions), "{kind}: {detail:?} should mention {mentions:?}");
    }
    let r = srv.http.post(srv.url("/api/v1/alerts/import")).bearer_auth(&operator).json(&json!({"alert": 1})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A compressed body is not inflated (the server takes none): a gzip bomb is just bytes
    // that are not a CAP message.
    let bomb = gzip_of_zeros(50 << 20);
    assert!(bomb.len() < 100_000, "{} bytes", bomb.len());
    let r = srv
        .http
        .post(srv.url("/api/v1/alerts/import"))
        .bearer_auth(&operator)
        .header("content-type", "application/xml")
        .header("content-encoding", "gzip")
        .body(bomb)
        .send()
        .await
        .unwrap();
    assert!(matches!(r.status(), StatusCode::UNPROCESSABLE_ENTITY | StatusCode::UNSUPPORTED_MEDIA_TYPE), "{}", r.status());
    let after: AlertDetail = srv.get(None, "/api/v1/alerts/KTTV-2026-1127-01").await.json().await.unwrap();
    assert_eq!(after, before);
    assert_eq!(active(&srv).await.len(), 3);
    assert!(alerts_in(&pull(&srv, &device, &cursor).await).is_empty(), "devices hear of nothing");

    // A Cancel from upstream withdraws it.
    let refs = format!("{reference} kttv-trungbo@nchmf.gov.vn,KTTV-2026-1127-02,{}", upstream_sent());
    let cancel = upstream("KTTV-2026-1127-03", "Cancel", Some(&refs), "Hủy cảnh báo", CIRCLE_AREA);
    let view: AlertView = import(&srv, &operator, &cancel).await.json().await.unwrap();
    assert_eq!(view.state, AlertState::Cancelled);
    assert_eq!(
        view.message.info[0].headline.as_deref(),
        Some("Lũ trên sông Bồ lên mức báo động 3"),
        "what residents saw stays, marked cancelled"
    );
}

#[tokio::test]
async fn the_public_cap_feed_lists_warnings_as_valid_cap_1_2_documents() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let published: AlertView =
        srv.post(&operator, "/api/v1/alerts", &flood("Cảnh báo lũ & ngập <khẩn>", "Severe")).await.json().await.unwrap();
    let mut circle = flood("Xả lũ hồ Tả Trạch", "Moderate");
    circle["areas"] = json!([{"kind": "circle", "description": "Hạ du hồ Tả Trạch", "lat": 16.37, "lon": 107.62, "radius_km": 12.5}]);
    let second: AlertView = srv.post(&operator, "/api/v1/alerts", &circle).await.json().await.unwrap();
    put(&srv, &operator, &format!("/api/v1/alerts/{}", second.id), &circle).await;

    let r = srv.get(None, "/cap/alerts.atom").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
    let atom = r.text().await.unwrap();
    let links: Vec<String> = atom
        .split("<link rel=\"alternate\" type=\"application/cap+xml\" href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next().map(str::to_owned))
        .collect();
    assert_eq!(links.len(), 2, "one entry per warning in force:\n{atom}");
    assert!(atom.contains("Cảnh báo lũ &amp; ngập &lt;khẩn&gt;"));
    let files = tempdir().unwrap();
    assert_valid_atom_shape(&atom, files.path());

    for (i, link) in links.iter().enumerate() {
        let path = link.strip_prefix(&srv.base).expect("links point at this server");
        let r = srv.get(None, path).await;
        assert_eq!(r.status(), StatusCode::OK);
        let xml = r.text().await.unwrap();
        assert_valid_cap(&xml, files.path(), &format!("alert-{i}.xml"));
        for sent in xml.split("<sent>").skip(1) {
            let t = sent.split('<').next().unwrap();
            assert!(!t.ends_with('Z') && (t.ends_with("+07:00")), "CAP datetimes carry numeric offsets: {t}");
        }
        // Exported and re-parsed, it is the message the server holds.
        let parsed = cap::xml::parse(&xml).unwrap();
        let detail: AlertDetail =
            srv.get(None, &format!("/api/v1/alerts/{}", if i == 0 { &second.id } else { &published.id })).await.json().await.unwrap();
        assert_eq!(Some(&parsed), detail.history.last());
    }
    assert_eq!(srv.get(None, "/cap/alerts/NO-SUCH").await.status(), StatusCode::NOT_FOUND);
}

/// The Atom index is well-formed XML with the elements a feed reader needs.
fn assert_valid_atom_shape(atom: &str, dir: &Path) {
    let file = dir.join("feed.atom");
    std::fs::write(&file, atom).unwrap();
    let out = Command::new("xmllint").arg("--noout").arg(&file).output().expect("xmllint (libxml2-utils)");
    assert!(out.status.success(), "the feed is not well-formed XML: {}", String::from_utf8_lossy(&out.stderr));
    for needed in ["<feed xmlns=\"http://www.w3.org/2005/Atom\">", "<id>", "<title>", "<updated>", "<author>", "rel=\"self\""] {
        assert!(atom.contains(needed), "the feed lacks {needed}");
    }
}

#[tokio::test]
async fn reports_filed_under_a_warning_are_found_under_it() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &[]);
    let operator = srv.login(ADMIN, ADMIN_PASSWORD).await;
    let warning: AlertView = srv.post(&operator, "/api/v1/alerts", &flood("Cảnh báo lũ", "Severe")).await.json().await.unwrap();
    let device = srv.device().await;
    let photo = srv.upload(&device, &jpeg(640, 480, 1)).await;
    let mut under = litter_report(CITADEL, vec![photo.clone()]);
    under.category = "flooded-street".into();
    under.answers = [("depth".to_owned(), civic_core::model::AnswerValue::Choice("knee".into()))].into_iter().collect();
    under.alerts = vec![warning.id.clone(), "UPSTREAM-UNKNOWN".into()];
    let tagged = srv.submit(&device, &under).await;
    srv.submit(&device, &litter_report(CITADEL, vec![photo])).await;

    let page: Value = srv.get(Some(&operator), &format!("/api/v1/alerts/{}/reports", warning.id)).await.json().await.unwrap();
    let numbers: Vec<&str> = page["items"].as_array().unwrap().iter().filter_map(|r| r["public_number"].as_str()).collect();
    assert_eq!(numbers, [tagged.public_number.as_str()]);
    assert_eq!(srv.get(Some(&device), &format!("/api/v1/alerts/{}/reports", warning.id)).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_demo_has_a_flood_warning() {
    let dir = tempdir().unwrap();
    let srv = TestServer::start(dir.path(), &["--demo"]);
    let warnings = active(&srv).await;
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].message.topics(), ["flood"]);
    assert_eq!(warnings[0].message.info.iter().map(|i| i.language.as_str()).collect::<Vec<_>>(), ["vi-VN", "en-US"]);
}

/// `n` zero bytes, gzipped (a thousandfold smaller): a decompression bomb.
fn gzip_of_zeros(n: usize) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..n / zeros.len() {
        gz.write_all(&zeros).unwrap_or_default();
    }
    gz.finish().unwrap_or_default()
}
