//! The one error the apps catch: a few cases an app handles differently, each with the
//! text to show the user (`user_message`) in the app's language (from `civic_core::Error::message`).
//! Every core error is mapped by name (no catch-all): a new one must be placed here.

use civic_core::Error;
use civic_core::feedback::FeedbackError;
use civic_core::model::Lang;

/// Why an intent failed. Kotlin: `CivicException.Offline` etc.; Swift: `CivicError.Offline(userMessage:)`.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum CivicError {
    /// No connection; what was captured is kept and will be sent later.
    #[error("{user_message}")]
    Offline { user_message: String },
    /// The point is outside the city's service area.
    #[error("{user_message}")]
    OutsideServiceArea { user_message: String, distance_m: f64 },
    /// Not a photo the app can use (format, size, damaged).
    #[error("{user_message}")]
    InvalidPhoto { user_message: String },
    /// The report is not ready to send: these are missing ("photo", "location",
    /// "category", "answer:<question>").
    #[error("{user_message}")]
    Incomplete { user_message: String, missing: Vec<String> },
    /// A value the rules refuse (an answer, a category, a too long text, a place).
    #[error("{user_message}")]
    InvalidInput { user_message: String },
    /// No such draft, report, photo or warning.
    #[error("{user_message}")]
    NotFound { user_message: String },
    /// The server refused the request for good (`kind` is its problem type).
    #[error("{user_message}")]
    Refused { user_message: String, kind: String },
    /// The server is busy; try again later.
    #[error("{user_message}")]
    ServerBusy { user_message: String },
    /// The device's registration or the official's session is no longer valid.
    #[error("{user_message}")]
    Unauthorized { user_message: String },
    /// The phone's storage failed (full, damaged, or written by a newer app).
    #[error("{user_message}")]
    Storage { user_message: String },
}

impl CivicError {
    pub(crate) fn from_core(e: Error, lang: Lang) -> Self {
        let user_message = e.message(lang);
        match e {
            Error::Offline(_) => CivicError::Offline { user_message },
            Error::Area(civic_core::area::AreaError::Outside { distance_m, .. }) => {
                CivicError::OutsideServiceArea { user_message, distance_m }
            }
            Error::Io(_) | Error::Store(_) | Error::Corrupt(_) | Error::SchemaTooNew { .. } | Error::NoOfflineStore => {
                CivicError::Storage { user_message }
            }
            Error::Photo(_) => CivicError::InvalidPhoto { user_message },
            Error::Incomplete(missing) => {
                let missing = missing
                    .into_iter()
                    .map(|m| match m {
                        civic_core::Missing::Photo => "photo".to_owned(),
                        civic_core::Missing::Location => "location".to_owned(),
                        civic_core::Missing::Category => "category".to_owned(),
                        civic_core::Missing::Answer(q) => format!("answer:{q}"),
                    })
                    .collect();
                CivicError::Incomplete { user_message, missing }
            }
            Error::DraftNotFound(_) | Error::ReportNotFound(_) | Error::PhotoNotFound(_) | Error::AlertNotFound(_) => {
                CivicError::NotFound { user_message }
            }
            Error::Refused { kind, .. } => CivicError::Refused { user_message, kind },
            // Not now (no outcome to rate, already rated): as the server would refuse it.
            Error::Feedback(e @ (FeedbackError::NotRateable | FeedbackError::NotReopenable)) => {
                CivicError::Refused { user_message, kind: e.kind().to_owned() }
            }
            Error::Feedback(FeedbackError::BadRating | FeedbackError::TooLong { .. } | FeedbackError::NoReason) => {
                CivicError::InvalidInput { user_message }
            }
            Error::ServerBusy(_) => CivicError::ServerBusy { user_message },
            Error::Unauthorized => CivicError::Unauthorized { user_message },
            Error::Area(civic_core::area::AreaError::InvalidCoordinates { .. })
            | Error::Answer(_)
            | Error::UnknownCategory(_)
            | Error::InactiveCategory(_)
            | Error::DescriptionTooLong { .. }
            | Error::ProfileFieldTooLong { .. }
            | Error::EmptyText
            | Error::TooManyPhotos { .. }
            | Error::Subscription(_) => CivicError::InvalidInput { user_message },
            // The city's configuration the app opened with does not load: nothing the user
            // typed, and nothing the app can go on without.
            Error::Config(_) => CivicError::Storage { user_message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use civic_core::area::AreaError;
    use civic_core::model::Localized;

    #[test]
    fn each_core_error_reaches_the_app_as_the_case_it_handles() {
        let case = |e: Error| std::mem::discriminant(&CivicError::from_core(e, Lang::Vi));
        let input = std::mem::discriminant(&CivicError::InvalidInput { user_message: String::new() });
        assert_eq!(case(Error::EmptyText), input);
        assert_eq!(case(Error::UnknownCategory("x".into())), input);
        assert_eq!(case(Error::Area(AreaError::InvalidCoordinates { lat: 91.0, lon: 0.0 })), input);
        let outside = CivicError::from_core(Error::Area(AreaError::Outside { distance_m: 2500.0, area: Localized::default() }), Lang::En);
        assert!(matches!(outside, CivicError::OutsideServiceArea { distance_m, .. } if distance_m == 2500.0));
        let storage = std::mem::discriminant(&CivicError::Storage { user_message: String::new() });
        assert_eq!(case(Error::Config(civic_core::city::ConfigError::NoWards)), storage);
        assert_eq!(case(Error::Corrupt("x".into())), storage);
        let offline = CivicError::from_core(Error::Offline("no route".into()), Lang::Vi);
        assert!(matches!(&offline, CivicError::Offline { user_message } if !user_message.is_empty()), "{offline:?}");
    }
}
