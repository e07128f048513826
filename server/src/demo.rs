//! Seed data, a client of the service layer as the handlers are: the units and reply
//! templates every city starts with, and (with `--demo`) a handful of realistic Huế reports
//! at different stages, made through the same services the API uses, so they obey the same
//! rules.

use civic_core::cap::{AlertStatus, Certainty, ResponseType, Urgency};
use civic_core::model::{AnswerValue, Answers, FixSource, GeoFix, Localized, ReportId, Status};
use civic_core::protocol::{AlertText, AreaInput, ChangeStatus, PublishAlert, Rate, RegisterDevice, Role, SubmitReport};
use civic_core::warning::Severity;
use sha2::{Digest, Sha256};

use crate::db::{self, DbResult};
use crate::service::accounts::{Caller, NewOfficial, Official, create_account, hex, new_token};
use crate::service::{AppState, ServiceResult, alerts, devices, feedback, photos, submission, work};

/// Units from the catalog, and the default reply templates, if not there yet.
pub async fn seed_units_and_templates(st: &AppState) -> ServiceResult<()> {
    let units: Vec<(String, Localized)> = st.city.catalog.units.iter().map(|u| (u.code.clone(), u.name.clone())).collect();
    st.db
        .write(move |tx| -> DbResult<()> {
            for (code, name) in units {
                // An admin's later renaming wins over the file's name.
                db::catalog::seed_unit(tx, &code, &name)?;
            }
            if db::templates::count(tx)? == 0 {
                for (tvi, ten, vi, en) in TEMPLATES {
                    let title = Localized { vi: tvi.to_owned(), en: ten.to_owned() };
                    db::templates::insert(tx, &title, &Localized { vi: vi.to_owned(), en: en.to_owned() })?;
                }
            }
            Ok(())
        })
        .await?;
    Ok(())
}

const TEMPLATES: [(&str, &str, &str, &str); 4] = [
    (
        "Đã tiếp nhận",
        "Received",
        "Cảm ơn bạn đã phản ánh. Đơn vị đã tiếp nhận và sẽ kiểm tra hiện trường trong thời gian sớm nhất.",
        "Thank you for your report. The unit has received it and will inspect the site as soon as possible.",
    ),
    (
        "Đang xử lý",
        "In progress",
        "Đơn vị đang triển khai xử lý tại hiện trường. Chúng tôi sẽ cập nhật kết quả ngay khi hoàn thành.",
        "The unit is working on site. We will post the outcome as soon as it is done.",
    ),
    (
        "Đã xử lý xong",
        "Resolved",
        "Vấn đề đã được xử lý. Ảnh sau khi xử lý được đính kèm. Mời bạn đánh giá kết quả.",
        "The problem has been fixed; the after-photo is attached. Please rate the outcome.",
    ),
    (
        "Không thuộc thẩm quyền",
        "Not our responsibility",
        "Nội dung phản ánh không thuộc thẩm quyền giải quyết của thành phố; đã chuyển đến cơ quan có thẩm quyền.",
        "This is not the city's responsibility; it has been passed to the competent authority.",
    ),
];

struct DemoReport {
    category: &'static str,
    answers: &'static [(&'static str, &'static str)],
    at: (f64, f64),
    description: &'static str,
    /// The stages an official moves it through, in order.
    stages: &'static [Status],
}

const REPORTS: [DemoReport; 6] = [
    DemoReport {
        category: "litter",
        answers: &[("amount", "bag")],
        at: (16.4698, 107.5786),
        description: "Rác thải sinh hoạt đổ dồn ở góc đường Lê Duẩn, gần cửa Thượng Tứ.",
        stages: &[],
    },
    DemoReport {
        category: "pothole",
        answers: &[("size", "large"), ("danger", "yes")],
        at: (16.4569, 107.5932),
        description: "Ổ gà lớn giữa đường Hùng Vương, xe máy phải tránh gấp.",
        stages: &[Status::Assigned, Status::InProgress],
    },
    DemoReport {
        category: "street-light-out",
        answers: &[("problem", "off")],
        at: (16.4632, 107.5870),
        description: "Ba cột đèn liền nhau trên đường Đinh Tiên Hoàng không sáng từ tối qua.",
        stages: &[Status::Assigned, Status::InProgress, Status::Resolved],
    },
    DemoReport {
        category: "pavement-encroachment",
        answers: &[("kind", "vendors,goods")],
        at: (16.4731, 107.5906),
        description: "Hàng quán bày bán lấn chiếm toàn bộ vỉa hè đường Trần Hưng Đạo gần chợ Đông Ba.",
        stages: &[Status::Assigned],
    },
    DemoReport {
        category: "flooded-street",
        answers: &[("depth", "knee")],
        at: (16.4555, 107.5990),
        description: "Đường Bà Triệu ngập sâu sau mưa lớn, nước chưa rút.",
        stages: &[Status::Assigned, Status::Resolved],
    },
    DemoReport {
        category: "illegal-advertising",
        answers: &[("kind", "poster")],
        at: (16.4612, 107.5955),
        description: "Quảng cáo rao vặt dán kín cột điện trên đường Nguyễn Huệ.",
        stages: &[Status::Rejected],
    },
];

/// Seeds demo officials (with random passwords, logged once) and the demo reports, once.
pub async fn seed(st: &AppState) -> ServiceResult<()> {
    let already = st.db.read(db::stats::count).await?;
    if already > 0 {
        tracing::info!("demo: the database already has reports; nothing seeded");
        return Ok(());
    }
    let operator = Official { id: 0, username: "demo-operator".into(), roles: vec![Role::Operator], units: vec![] };
    for (username, roles, units) in [
        ("demo-operator", vec![Role::Operator], vec![]),
        ("demo-moi-truong", vec![Role::UnitOfficer], vec!["moi-truong".to_owned()]),
        // Phú Xuân's People's Committee: the ward of the citadel, where most demo reports are.
        ("demo-phu-xuan", vec![Role::UnitOfficer], vec![civic_core::catalog::committee("19753")]),
        ("demo-giao-thong", vec![Role::UnitOfficer], vec!["giao-thong".to_owned()]),
    ] {
        let password = new_token("p");
        create_account(st, NewOfficial { username: username.into(), password: password.clone(), roles, units }).await?;
        tracing::info!(username, password = %password, "demo official (password shown once)");
    }
    let device = devices::register(st, RegisterDevice { platform: Some("demo".into()), app_version: None }).await?;
    let citizen = Caller::Device { id: device.device_id };
    let by_operator = Caller::Official(operator);
    for (i, r) in REPORTS.iter().enumerate() {
        let photo = demo_photo(i as u32);
        let hash = hex(&Sha256::digest(&photo));
        photos::store(st, photos::PhotoSource::App, hash.clone(), photo).await?;
        let mut answers = Answers::new();
        for (q, v) in r.answers {
            let list = st.catalog.get().get(r.category).and_then(|c| c.question(q)).map(|q| q.datatype);
            let value = match list {
                Some(civic_core::catalog::Datatype::Multivaluelist) => AnswerValue::Choices(v.split(',').map(str::to_owned).collect()),
                _ => AnswerValue::Choice((*v).to_owned()),
            };
            answers.insert((*q).to_owned(), value);
        }
        let now = st.now();
        let location = GeoFix { lat: r.at.0, lon: r.at.1, accuracy_m: 10.0, source: FixSource::Gps, fixed_at: now };
        let id = ReportId::new();
        let submit = SubmitReport {
            id,
            category: r.category.into(),
            location,
            description: r.description.into(),
            anonymous: i % 2 == 0,
            answers,
            photos: vec![hash],
            captured_at: now,
            alerts: Vec::new(),
        };
        submission::submit(st, &citizen, submit).await?;
        for stage in r.stages {
            let mut change = ChangeStatus { to: *stage, note: None, photo: None, photo_location: None, duplicate_of: None, unit: None };
            match stage {
                Status::Resolved => {
                    let after = demo_photo(100 + i as u32);
                    let after_hash = hex(&Sha256::digest(&after));
                    photos::store(st, photos::PhotoSource::Console, after_hash.clone(), after).await?;
                    change.note = Some("Đã xử lý xong tại hiện trường. / Fixed on site.".into());
                    change.photo = Some(after_hash);
                    change.photo_location = Some(location);
                }
                Status::Rejected => {
                    change.note = Some(
                        "Đã chuyển cho lực lượng ra quân định kỳ; không xử lý riêng lẻ. / Passed to the scheduled clean-up crews.".into(),
                    );
                }
                _ => {}
            }
            work::change_status(st, &by_operator, id, change).await?;
        }
        if r.stages.last() == Some(&Status::Resolved) && i == 2 {
            feedback::rate(st, &citizen, id, Rate { stars: 5, comment: Some("Xử lý nhanh, cảm ơn!".into()) }).await?;
        }
    }
    spread_over_past_days(st).await?;
    tracing::info!(reports = REPORTS.len(), "demo: seeded Huế reports at different stages");
    demo_warning(st, by_operator).await?;
    Ok(())
}

/// A flood warning for the wards along the Perfume River (Kim Long, Phú Xuân, Thuận Hóa), in
/// Vietnamese and English, for the next day.
async fn demo_warning(st: &AppState, operator: Caller) -> ServiceResult<()> {
    let now = st.now();
    let warning = PublishAlert {
        status: AlertStatus::Actual,
        topic: "flood".into(),
        urgency: Urgency::Expected,
        severity: Severity::Severe,
        certainty: Certainty::Likely,
        response_type: vec![ResponseType::Prepare, ResponseType::Avoid],
        onset: Some(now + time::Duration::hours(3)),
        expires: now + time::Duration::hours(27),
        texts: vec![
            AlertText {
                language: "vi-VN".into(),
                event: "Lũ trên sông Hương".into(),
                headline: "Cảnh báo lũ: mực nước sông Hương tại Kim Long dự báo vượt báo động 2".into(),
                description: Some("Mưa lớn ở thượng nguồn; mực nước sông Hương tại trạm Kim Long dự báo lên mức 2,5 m trong 12 giờ tới. Các tuyến đường trũng thấp ven sông có thể ngập sâu 0,3–0,5 m.".into()),
                instruction: Some("Di chuyển xe và tài sản lên cao. Không đi qua đường ngập sâu, nước chảy xiết. Theo dõi thông báo của chính quyền địa phương.".into()),
                web: None,
            },
            AlertText {
                language: "en-US".into(),
                event: "Perfume River flood".into(),
                headline: "Flood warning: Perfume River at Kim Long forecast above alarm level 2".into(),
                description: Some("Heavy rain upstream; the Perfume River at Kim Long station is forecast to reach 2.5 m within 12 hours. Low-lying riverside streets may flood 0.3–0.5 m deep.".into()),
                instruction: Some("Move vehicles and belongings to higher ground. Do not cross deep or fast-flowing water. Follow local authorities' announcements.".into()),
                web: None,
            },
        ],
        areas: ["19774", "19753", "19789"].into_iter().map(|code| AreaInput::Named { code: code.into() }).collect(),
    };
    alerts::publish(st, &operator, &warning).await?;
    tracing::info!("demo: published a flood warning for Kim Long, Phú Xuân and Thuận Hóa");
    Ok(())
}

/// Makes the demo look lived-in: each report received some days ago, each step of its
/// timeline a few hours after the one before, so processing times and overdue counts mean
/// something on a newcomer's first look.
async fn spread_over_past_days(st: &AppState) -> ServiceResult<()> {
    Ok(st.db.write(db::demo::spread_over_past_days).await?)
}

/// A street-coloured test photo (a JPEG), different for each seed.
fn demo_photo(seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(800, 600, |x, y| {
        let sky = y < 250;
        let n = ((x * 7 + y * 13 + seed * 31) % 23) as u8;
        if sky { image::Rgb([120 + n, 160 + n, 210]) } else { image::Rgb([90 + n, 90 + (seed % 40) as u8, 85 + n]) }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    match img.write_to(&mut out, image::ImageFormat::Jpeg) {
        Ok(()) => out.into_inner(),
        Err(e) => {
            tracing::warn!("demo photo: {e}");
            Vec::new()
        }
    }
}
