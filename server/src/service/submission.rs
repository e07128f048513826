//! Service layer: the one submission pipeline every channel goes through (the apps, Open311,
//! campaigns' spots left at their end): category and answers checked against the catalog,
//! the point placed in its ward or commune, the report numbered, routed to its unit, and its
//! timeline started. Submitting is idempotent: the same id and body again gets the same receipt.

use civic_core::model::{ActorRole, MAX_DESCRIPTION_CHARS, MAX_PHOTOS, ReportId, Status};
use civic_core::protocol::{Profile, ReportReceipt, SubmitReport};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::accounts::{Caller, hex};
use super::reports::new_event;
use super::{AppState, Made, ServiceError, ServiceResult, text_field};
use crate::db::report_create::{self, Created, NewReport, Numbering};
use crate::db::report_writes;
use crate::db::reports::{self, Stored};
use crate::db::{Conn, devices, from_ms};
use crate::state::Metrics;

/// Who submits a report.
pub enum Submitter {
    /// A citizen's device, by its id.
    Device(String),
    /// Another channel (Open311): a device is made for the report, holding the reporter's
    /// contact, so the operations centre sees it like a citizen's profile.
    Channel { platform: &'static str, profile: Profile },
    /// A clean-up campaign's spot left uncleaned, handed over in the name of the device that
    /// reported it (so the citizen follows it like their own report). Its quick capture asked
    /// no category questions: answers given are checked, none is required.
    CampaignSpot(String),
}

/// A citizen's device submits a report (with at least one photo).
pub async fn submit(st: &AppState, caller: &Caller, req: SubmitReport) -> ServiceResult<(Made, ReportReceipt)> {
    let device = caller.device()?.to_owned();
    create_report(st, Submitter::Device(device), req, 1).await
}

/// The pipeline. `min_photos` is 1 for the apps; a channel without photo uploads (Open311)
/// passes 0.
pub async fn create_report(
    st: &AppState,
    submitter: Submitter,
    req: SubmitReport,
    min_photos: usize,
) -> ServiceResult<(Made, ReportReceipt)> {
    let answers_required = !matches!(submitter, Submitter::CampaignSpot(_));
    let (device, new_device) = match submitter {
        Submitter::Device(id) | Submitter::CampaignSpot(id) => (id, None),
        Submitter::Channel { platform, profile } => {
            let id = Uuid::now_v7().to_string();
            (id.clone(), Some((id, platform, profile)))
        }
    };
    let body_hash = hex(&Sha256::digest(serde_json::to_vec(&req).map_err(ServiceError::internal)?));

    // Checks that need no database.
    let category = st
        .catalog
        .get()
        .get(&req.category)
        .filter(|c| c.active)
        .ok_or_else(|| ServiceError::refused("unknown-category", format!("there is no active category {:?}", req.category)))?
        .clone();
    let answers = if answers_required {
        category.check_answers(&req.answers)
    } else {
        req.answers.iter().try_for_each(|(code, value)| category.check_answer(code, value))
    };
    answers.map_err(|e| ServiceError::refused("bad-answer", e.to_string()))?;
    let description = text_field("description", &req.description, MAX_DESCRIPTION_CHARS, false)?;
    if req.photos.len() < min_photos || req.photos.len() > MAX_PHOTOS {
        return Err(ServiceError::refused("photo-count", format!("a report has {min_photos} to {MAX_PHOTOS} photos")));
    }
    if let Some(p) = req.photos.iter().enumerate().find_map(|(i, p)| req.photos[..i].contains(p).then_some(p)) {
        return Err(missing_photo(p));
    }
    let placed = st.city.area.locate(req.location.lat, req.location.lon).map_err(|e| match e {
        civic_core::area::AreaError::Outside { .. } => ServiceError::refused("outside-service-area", e.to_string()),
        other => ServiceError::refused("bad-location", other.to_string()),
    })?;
    let received = st.now();
    if req.captured_at > received + time::Duration::days(1) {
        return Err(ServiceError::refused("bad-time", "captured_at is in the future"));
    }
    let city_code = st.city.code.clone();
    let year = received.to_offset(st.city.utc_offset).year();
    let due = received + time::Duration::hours(i64::from(category.expected_hours));

    // Beside other writes: the same report sent to two processes at once is written by one,
    // and the other answers as for a report sent again (taking no number). A citizen's report
    // is one statement on PostgreSQL, its own transaction (see `report_create`); a channel's
    // makes its reporter's device first, in one transaction with it.
    let channel = new_device.is_some();
    let write = move |tx: &Conn| {
        // A report sent before finds its id taken at the insert (below), and is answered
        // from what was stored: a new one, the common case, costs no look-up first.
        if let Some((id, platform, p)) = &new_device {
            devices::insert_channel(tx, id, platform, p, received)?;
        }
        let ward = &placed.ward;
        let answers = serde_json::to_string(&req.answers).map_err(ServiceError::internal)?;
        let unit = category.unit_for(Some(&ward.code));
        let event = new_event(received, ActorRole::System, Some(Status::Received), None);
        let created = report_create::create(
            tx,
            &NewReport {
                id: req.id,
                device: &device,
                body_hash: &body_hash,
                category: &category.code,
                unit: &unit,
                location: &req.location,
                ward,
                near_edge: placed.near_edge,
                description: &description,
                anonymous: req.anonymous,
                answers: &answers,
                captured_at: req.captured_at,
                received_at: received,
                due_at: due,
                photos: &req.photos,
                alerts: &req.alerts,
            },
            &event,
            &Numbering { counter: &format!("report-{year}"), prefix: &format!("{city_code}-{year}-") },
        )?;
        let public_number = match created {
            Created::New(number) => number,
            // Sent before, or by a concurrent transaction committed since.
            Created::Exists => {
                return sent_before(tx, req.id, &device, &body_hash)?
                    .ok_or_else(|| ServiceError::internal("a report id taken by no report"));
            }
            Created::PhotoMissing(p) => return Err(missing_photo(&p)),
        };
        // What was just written, not read back.
        let receipt =
            ReportReceipt { id: req.id, public_number, status: Status::Received, ward: Some(ward.clone()), unit, received_at: received };
        Ok((Made::New, receipt))
    };
    let (made, receipt) = if channel { st.db.write_concurrent(write).await? } else { st.db.write_statement(write).await? };
    Metrics::inc(if made == Made::New { &st.metrics.reports_created } else { &st.metrics.reports_replayed });
    Ok((made, receipt))
}

fn missing_photo(hash: &str) -> ServiceError {
    ServiceError::refused("photo-missing", format!("photo {hash} was not uploaded first (or is repeated)"))
}

/// The receipt of a report sent before with this id, by this device with this body; a
/// conflict when the id was used otherwise; None when there is no such report.
fn sent_before(tx: &Conn, id: ReportId, device: &str, body_hash: &str) -> ServiceResult<Option<(Made, ReportReceipt)>> {
    let Some((owner, hash)) = report_writes::submitted(tx, id)? else { return Ok(None) };
    if owner != device || hash != body_hash {
        return Err(ServiceError::conflict("id-reused", "this report id was already used for a different report"));
    }
    let stored = reports::get(tx, id)?;
    Ok(Some((Made::Before, receipt_of(&stored)?)))
}

fn receipt_of(s: &Stored) -> ServiceResult<ReportReceipt> {
    Ok(ReportReceipt {
        id: s.id,
        public_number: s.public_number.clone(),
        status: Status::Received,
        ward: s.ward.clone(),
        unit: s.unit.clone(),
        received_at: from_ms(s.received_at)?,
    })
}
