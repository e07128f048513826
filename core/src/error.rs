//! The core's error type: every way an intent can fail, typed, with a message for the
//! citizen in Vietnamese and English.

use crate::area::AreaError;
use crate::catalog::AnswerError;
use crate::city::ConfigError;
use crate::model::{Lang, ReportId};
use crate::photo::PhotoError;
use crate::warning::{MAX_PLACE_NAME_CHARS, MAX_PLACES, SubscriptionError};

/// The result of a core operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something a report needs before it can be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    Photo,
    Location,
    Category,
    /// A required question of the category, by code.
    Answer(String),
}

impl Missing {
    /// What the draft still needs, in the citizen's words; a question is named by its prompt
    /// in `category`.
    pub fn describe(&self, category: Option<&crate::catalog::Category>, lang: Lang) -> String {
        let pick = |vi: &str, en: &str| if lang == Lang::Vi { vi.to_owned() } else { en.to_owned() };
        match self {
            Missing::Photo => pick("ít nhất một ảnh", "at least one photo"),
            Missing::Location => pick("vị trí", "the location"),
            Missing::Category => pick("loại vấn đề", "what kind of problem it is"),
            Missing::Answer(code) => category
                .and_then(|c| c.questions.iter().find(|q| &q.code == code))
                .map(|q| format!("“{}”", q.prompt.get(lang)))
                .unwrap_or_else(|| pick("một câu hỏi bắt buộc", "a required question")),
        }
    }
}

/// "Còn thiếu: ít nhất một ảnh, vị trí" / "Still needed: at least one photo, the location";
/// none when nothing is missing.
pub fn missing_line(missing: &[Missing], category: Option<&crate::catalog::Category>, lang: Lang) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let items: Vec<String> = missing.iter().map(|m| m.describe(category, lang)).collect();
    Some(format!("{}{}", if lang == Lang::Vi { "Còn thiếu: " } else { "Still needed: " }, items.join(", ")))
}

/// Every way a core operation can fail. Not `non_exhaustive`: the bindings map every case,
/// so a new one is a compile error there until it is mapped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("photo refused: {0}")]
    Photo(#[from] PhotoError),
    #[error(transparent)]
    Area(#[from] AreaError),
    #[error("answer refused: {0}")]
    Answer(#[from] AnswerError),
    #[error("there is no category {0:?}")]
    UnknownCategory(String),
    #[error("category {0:?} no longer takes new reports")]
    InactiveCategory(String),
    #[error("the description has {chars} characters; at most {max} are allowed")]
    DescriptionTooLong { chars: usize, max: usize },
    #[error("the {field} has {chars} characters; at most {max} are allowed")]
    ProfileFieldTooLong { field: &'static str, chars: usize, max: usize },
    /// A rating, reopening or "me too" the rules refuse now.
    #[error("feedback refused: {0}")]
    Feedback(#[from] crate::feedback::FeedbackError),
    #[error("a reply or note needs some text")]
    EmptyText,
    #[error("a report has at most {max} photos")]
    TooManyPhotos { max: usize },
    #[error("the report is not ready to send; missing: {0:?}")]
    Incomplete(Vec<Missing>),
    #[error("there is no draft {0}")]
    DraftNotFound(ReportId),
    #[error("there is no report {0}")]
    ReportNotFound(ReportId),
    #[error("there is no photo {0}")]
    PhotoNotFound(String),
    #[error("there is no warning {0:?}")]
    AlertNotFound(String),
    #[error("subscription refused: {0}")]
    Subscription(#[from] SubscriptionError),
    #[error("this data was written by a newer version of Civic (schema {found}; this version knows up to {supported})")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("city configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("local storage: {0}")]
    Store(#[from] rusqlite::Error),
    #[error("local storage: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// An official signed in without the app's store cannot keep actions made offline.
    #[error("no store on this phone to keep actions made offline")]
    NoOfflineStore,
    /// No connection to the server (no signal, server unreachable, timed out).
    #[error("offline: {0}")]
    Offline(String),
    /// The server refused the request (its problem `kind` and what it said).
    #[error("the server refused: {detail}")]
    Refused { kind: String, detail: String },
    /// The server could not take it now: try again later.
    #[error("the server is busy: {0}")]
    ServerBusy(String),
    /// The device's (or official's) token is not valid any more.
    #[error("not signed in, or the session expired")]
    Unauthorized,
}

impl Error {
    /// What to tell the citizen, in their language.
    pub fn message(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        let pick = |v: &str, e: &str| if vi { v.to_owned() } else { e.to_owned() };
        match self {
            Error::Photo(PhotoError::UnsupportedFormat) => pick(
                "Ảnh không đúng định dạng. Vui lòng chọn ảnh JPEG hoặc PNG.",
                "This photo's format is not supported. Please choose a JPEG or PNG photo.",
            ),
            Error::Photo(PhotoError::TooLarge { .. } | PhotoError::TooManyBytes { .. }) => {
                pick("Ảnh quá lớn. Vui lòng chọn ảnh khác.", "This photo is too large. Please choose another one.")
            }
            Error::Photo(_) => pick(
                "Không đọc được ảnh này (tệp hỏng hoặc không đầy đủ).",
                "This photo cannot be read (the file is damaged or incomplete).",
            ),
            Error::Area(AreaError::Outside { distance_m, area }) => {
                if vi {
                    format!(
                        "Vị trí này nằm ngoài địa bàn {} (cách {:.1} km). Chỉ tiếp nhận phản ánh trong địa bàn.",
                        area.vi,
                        distance_m / 1000.0
                    )
                } else {
                    format!(
                        "This place is {:.1} km outside {}. Only reports inside the area can be accepted.",
                        distance_m / 1000.0,
                        area.en
                    )
                }
            }
            Error::Area(AreaError::InvalidCoordinates { .. }) => pick("Vị trí không hợp lệ.", "This position is not valid."),
            Error::Answer(AnswerError::Missing { .. }) | Error::Incomplete(_) => pick(
                "Phản ánh chưa đủ thông tin: cần ít nhất một ảnh, vị trí, lĩnh vực và các câu hỏi bắt buộc.",
                "The report is not complete: it needs a photo, a location, a category and the required answers.",
            ),
            Error::Answer(AnswerError::TooLong { max, .. }) => {
                if vi {
                    format!("Câu trả lời quá dài (tối đa {max} ký tự).")
                } else {
                    format!("The answer is too long (at most {max} characters).")
                }
            }
            Error::NoOfflineStore => {
                pick("Đăng nhập trên ứng dụng để lưu thao tác khi không có mạng.", "Sign in within the app to keep actions made offline.")
            }
            Error::Answer(_) => pick("Câu trả lời không hợp lệ.", "This answer is not valid."),
            Error::UnknownCategory(_) | Error::InactiveCategory(_) => pick(
                "Lĩnh vực này không còn tiếp nhận phản ánh. Vui lòng chọn lĩnh vực khác.",
                "This category no longer takes reports. Please choose another one.",
            ),
            Error::DescriptionTooLong { max, .. } => {
                if vi {
                    format!("Nội dung quá dài (tối đa {max} ký tự).")
                } else {
                    format!("The description is too long (at most {max} characters).")
                }
            }
            Error::ProfileFieldTooLong { field, max, .. } => {
                let (vi_name, en_name) = match *field {
                    "display_name" => ("Tên", "The name"),
                    "phone" => ("Số điện thoại", "The phone number"),
                    _ => ("Email", "The email"),
                };
                if vi {
                    format!("{vi_name} quá dài (tối đa {max} ký tự).")
                } else {
                    format!("{en_name} is too long (at most {max} characters).")
                }
            }
            Error::Feedback(e) => e.message(lang),
            Error::EmptyText => pick("Hãy viết nội dung trước khi gửi.", "Please write something before sending."),
            Error::TooManyPhotos { max } => {
                if vi {
                    format!("Mỗi phản ánh có tối đa {max} ảnh.")
                } else {
                    format!("A report can have at most {max} photos.")
                }
            }
            Error::DraftNotFound(_) | Error::ReportNotFound(_) | Error::PhotoNotFound(_) => {
                pick("Không tìm thấy phản ánh này.", "This report cannot be found.")
            }
            Error::AlertNotFound(_) => pick("Không tìm thấy cảnh báo này.", "This warning cannot be found."),
            Error::Offline(_) => pick(
                // Only calls that need the network fail so: reports are queued, never refused
                // for want of a connection.
                "Không có kết nối mạng. Việc này cần có mạng, hãy thử lại khi có sóng.",
                "No connection. This needs the network: please try again when you are online.",
            ),
            Error::ServerBusy(_) => pick("Máy chủ đang bận. Vui lòng thử lại sau.", "The server is busy. Please try again later."),
            Error::Unauthorized => pick(
                "Sai tên đăng nhập hoặc mật khẩu, hoặc phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.",
                "Wrong username or password, or the session has expired. Please sign in again.",
            ),
            Error::Refused { detail, .. } => {
                if vi {
                    format!("Máy chủ từ chối yêu cầu: {detail}")
                } else {
                    format!("The server refused the request: {detail}")
                }
            }
            Error::Subscription(SubscriptionError::PlaceName) => {
                if vi {
                    format!("Tên địa điểm cần từ 1 đến {MAX_PLACE_NAME_CHARS} ký tự.")
                } else {
                    format!("A place's name needs 1 to {MAX_PLACE_NAME_CHARS} characters.")
                }
            }
            Error::Subscription(SubscriptionError::DuplicatePlace(name)) => {
                if vi {
                    format!("Đã có địa điểm tên \"{name}\". Vui lòng chọn tên khác.")
                } else {
                    format!("There is already a place named \"{name}\". Please choose another name.")
                }
            }
            Error::Subscription(SubscriptionError::TooManyPlaces) => {
                if vi {
                    format!("Chỉ lưu được tối đa {MAX_PLACES} địa điểm.")
                } else {
                    format!("At most {MAX_PLACES} places can be saved.")
                }
            }
            Error::Subscription(SubscriptionError::BadPoint(..)) => pick("Vị trí không hợp lệ.", "This position is not valid."),
            Error::Subscription(SubscriptionError::BadRadius) => {
                pick("Bán kính phải lớn hơn 0 và không quá 50 km.", "The radius must be more than 0 and at most 50 km.")
            }
            Error::Subscription(SubscriptionError::UnknownArea(_)) => {
                pick("Không có phường, xã này trong địa bàn.", "There is no such ward or commune in the area.")
            }
            Error::Subscription(SubscriptionError::BadQuietHours) => pick("Giờ yên lặng không hợp lệ.", "These quiet hours are not valid."),
            Error::SchemaTooNew { .. } => pick(
                "Dữ liệu được tạo bởi phiên bản ứng dụng mới hơn. Vui lòng cập nhật ứng dụng.",
                "This data comes from a newer version of the app. Please update the app.",
            ),
            Error::Config(_) | Error::Store(_) | Error::Io(_) | Error::Corrupt(_) => pick(
                "Lỗi lưu trữ trên máy. Phản ánh đã lưu không bị mất; vui lòng thử lại.",
                "A storage error occurred on this phone. Saved reports are not lost; please try again.",
            ),
        }
    }
}
