//! Service layer: photos: checked, decoded, oriented, resized and stripped of their metadata
//! again on the server (a client's stripping is never trusted), a few at a time, then kept
//! in the photo store under the hash of the result. The apps' uploads, which their pipeline
//! already made small and upright, are checked whole and only stripped of their metadata
//! (`photo::accept_as_is`): compressing them again would cost CPU and quality for nothing.

use civic_core::photo::{self, PhotoOptions, ProcessedPhoto};
use civic_core::protocol::PhotoStored;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use super::accounts::hex;
use super::{AppState, Made, ServiceError, ServiceResult};
use crate::db::photos;
use crate::state::Metrics;

/// Whether a photo's name is the lowercase hex SHA-256 its bytes must have.
pub fn valid_name(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The photos being stored now, by name.
#[derive(Default)]
pub struct InFlight(Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>);

impl InFlight {
    /// The lock of this photo's upload, shared by every upload of it now under way.
    fn slot(&self, hash: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut uploads = self.0.lock().unwrap_or_else(|p| p.into_inner());
        uploads.retain(|_, slot| slot.strong_count() > 0);
        if let Some(slot) = uploads.get(hash).and_then(Weak::upgrade) {
            return slot;
        }
        let slot = Arc::new(tokio::sync::Mutex::new(()));
        uploads.insert(hash.to_owned(), Arc::downgrade(&slot));
        slot
    }
}

/// Where a photo comes from, which decides whether it may be kept as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoSource {
    /// Uploaded through `/api/v1` by the apps, whose pipeline made it: kept as it is (but for
    /// its metadata) when it already is what the server would make.
    App,
    /// The console's uploads: straight from a camera or a disk, always the full pipeline.
    Console,
    /// Fetched from an Open311 client's `media_url`: always the full pipeline.
    Open311,
}

/// Checks, processes and stores a photo named by the SHA-256 of its bytes; a photo stored
/// before is not processed again. Every channel's photos come this way (the apps' uploads,
/// the console's after-photos, Open311's `media_url`).
pub async fn store(
    st: &AppState,
    source: PhotoSource,
    hash: String,
    body: impl AsRef<[u8]> + Send + 'static,
) -> ServiceResult<(Made, PhotoStored)> {
    if hex(&Sha256::digest(body.as_ref())) != hash {
        return Err(ServiceError::malformed("hash-mismatch", "the body's SHA-256 is not the one in the path (upload damaged?)"));
    }
    // One upload of a photo at a time: the others (a phone retrying on a flaky link) wait,
    // then find it stored, instead of each doing the work again.
    let same_photo = st.photo_uploads.slot(&hash);
    let _alone = same_photo.lock().await;
    let known = {
        let hash = hash.clone();
        st.db.read(move |c| photos::size(c, &hash)).await?
    };
    if let Some((width, height, bytes)) = known {
        return Ok((Made::Before, PhotoStored { hash, width, height, bytes }));
    }
    let options = PhotoOptions { max_pixels: st.limits.max_photo_pixels, ..PhotoOptions::default() };
    let (body, kept) = if source == PhotoSource::App { keep_as_is(body, hash.clone(), options).await? } else { (body, None) };
    let processed = match kept {
        Some(photo) => photo,
        None => process(st, body, options).await?,
    };
    let (stored_hash, jpeg) = (processed.sha256.clone(), processed.jpeg);
    let (width, height, bytes) = (processed.width, processed.height, jpeg.len() as u64);
    st.photos.put(&stored_hash, jpeg).await?;
    let h = hash.clone();
    let now = st.now();
    st.db.write_concurrent(move |tx| photos::insert(tx, &h, &stored_hash, width, height, bytes, now)).await?;
    Metrics::inc(&st.metrics.photos_stored);
    Ok((Made::New, PhotoStored { hash, width, height, bytes }))
}

/// The app's photo as it is, stripped of its metadata, if it is what the full pipeline would
/// make (else the body back, for the full pipeline). A structure walk and a check of every
/// Huffman code (`photo::accept_as_is`), about 1.2 ms for the app's 1600 px photos, on the
/// blocking pool; no photo permit: it holds little more than the body (whose size the
/// request limit bounds). `hash`: the body's, checked.
async fn keep_as_is<B>(body: B, hash: String, options: PhotoOptions) -> ServiceResult<(B, Option<ProcessedPhoto>)>
where
    B: AsRef<[u8]> + Send + 'static,
{
    let checked = tokio::task::spawn_blocking(move || {
        let kept = photo::accept_as_is_hashed(body.as_ref(), &hash, &options);
        (body, kept)
    });
    let (body, kept) = checked.await.map_err(ServiceError::internal)?;
    Ok((body, kept?))
}

/// The full pipeline (decode, orient, resize, encode), a few photos at a time.
async fn process<B>(st: &AppState, body: B, options: PhotoOptions) -> ServiceResult<ProcessedPhoto>
where
    B: AsRef<[u8]> + Send + 'static,
{
    // A few at a time, so a burst of uploads cannot take all the memory. Past a short wait,
    // say "busy, come back" rather than queue without end: a phone retries later (honouring
    // Retry-After) instead of holding a connection on 3G.
    let wait = std::time::Duration::from_millis(st.limits.photo_queue_wait_ms);
    let _permit = match tokio::time::timeout(wait, st.photo_permits.acquire()).await {
        Ok(permit) => permit.map_err(ServiceError::internal)?,
        Err(_) => {
            return Err(ServiceError::Busy { detail: "the server is busy processing photos; try again shortly".into(), retry_after_s: 5 });
        }
    };
    Ok(tokio::task::spawn_blocking(move || photo::process(body.as_ref(), &options)).await.map_err(ServiceError::internal)??)
}

/// The stored (processed) photo uploaded under this hash.
pub async fn jpeg(st: &AppState, hash: &str) -> ServiceResult<Vec<u8>> {
    let h = hash.to_owned();
    let stored = st.db.read(move |c| photos::stored_hash(c, &h)).await?;
    let not_found = || ServiceError::NotFound(format!("there is no photo {hash}"));
    let stored = stored.ok_or_else(not_found)?;
    st.photos.get(&stored).await?.ok_or_else(not_found)
}

/// Fetches the photo at a URL a client gave and stores it as an upload: its hash, or why
/// there is none (a photo that cannot be had costs the photo, not what it came with).
pub async fn fetch(st: &AppState, url: &str) -> Result<String, String> {
    let bytes =
        crate::outbound::fetch_untrusted(url, st.limits.max_body_bytes, st.limits.media_fetch_private).await.map_err(|e| e.to_string())?;
    let hash = hex(&Sha256::digest(&bytes));
    store(st, PhotoSource::Open311, hash.clone(), bytes).await.map_err(|e| e.to_string())?;
    Ok(hash)
}
