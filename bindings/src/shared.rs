//! What every object the apps hold shares: the phone's Civic, its syncer, the server's
//! address and the app's language; and the runtime that network and blocking work run on.

use std::sync::{Arc, Mutex, OnceLock};

use civic_core::Civic;
use civic_core::model::{Lang, ReportId};
use civic_core::sync::Syncer;

use crate::error::CivicError;

type Result<T> = std::result::Result<T, CivicError>;

/// What every object of the app shares: the core, the sync, the server, the language.
pub struct Shared {
    pub(crate) civic: Civic,
    pub(crate) syncer: Arc<Syncer>,
    pub(crate) server_url: String,
    pub(crate) lang: Mutex<Lang>,
}

impl Shared {
    pub(crate) fn lang(&self) -> Lang {
        *self.lang.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The core's error, for the app in its language.
    pub(crate) fn err(&self) -> impl Fn(civic_core::Error) -> CivicError + '_ {
        let lang = self.lang();
        move |e| CivicError::from_core(e, lang)
    }

    pub(crate) fn id(&self, id: &str) -> Result<ReportId> {
        id.parse()
            .map_err(|_| CivicError::NotFound { user_message: civic_core::Error::ReportNotFound(ReportId::new()).message(self.lang()) })
    }
}

/// The runtime sync and observers run on: two threads, started on first use.
pub(crate) fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<std::result::Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("civic-core")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| CivicError::Storage { user_message: format!("cannot start the sync runtime: {e}") })
}

/// Runs core work that needs tokio (HTTP) on the library's runtime, whatever the caller's
/// executor (Kotlin coroutines, Swift tasks), and maps its error.
pub(crate) async fn on_runtime<T: Send + 'static>(
    work: impl std::future::Future<Output = civic_core::Result<T>> + Send + 'static,
    lang: Lang,
) -> Result<T> {
    runtime()?
        .spawn(work)
        .await
        .map_err(|e| CivicError::Storage { user_message: format!("stopped: {e}") })?
        .map_err(|e| CivicError::from_core(e, lang))
}

/// Runs blocking core work (decoding a photo, a write that waits for the disk) on the
/// runtime's blocking pool, so the app's caller suspends instead of holding its thread.
pub(crate) async fn off_thread<T: Send + 'static>(work: impl FnOnce() -> civic_core::Result<T> + Send + 'static, lang: Lang) -> Result<T> {
    runtime()?
        .spawn_blocking(work)
        .await
        .map_err(|e| CivicError::Storage { user_message: format!("stopped: {e}") })?
        .map_err(|e| CivicError::from_core(e, lang))
}
