import CivicCore
import Foundation

/// Words of the official's screens that the core does not return, and the times they show.
/// The same as android/ui's OfficialWords.
public enum OfficialWords {
    /// A status's name for filter chips, timeline steps and buttons: the core's words.
    public static func status(_ status: ReportStatus, language: AppLanguage) -> String {
        statusLabel(status: status, language: language.rawValue)
    }

    /// Whether a report due at `due` is overdue at `now`: the core's rule.
    public static func overdue(_ due: Date, now: Date) -> Bool {
        isOverdue(due: due, now: now)
    }

    /// "Quá hạn 3 giờ" / "Overdue by 3 h", or "Còn 5 giờ" / "Due in 5 h": the core's words.
    public static func due(_ due: Date, now: Date, language: AppLanguage) -> String {
        dueLabel(due: due, now: now, language: language.rawValue)
    }

    /// A span of hours: "3 giờ", "2 ngày 4 giờ", "40 phút" / "3 h", "2 d 4 h", "40 min" (the core's).
    public static func hours(_ hours: Double, language: AppLanguage) -> String {
        spanLabel(hours: hours, language: language.rawValue)
    }

    /// Said of an action kept on the phone until there is a connection.
    public static func waiting(language: AppLanguage) -> String {
        language.pick("Chờ gửi khi có mạng", "Waiting for the network")
    }

    /// An action waiting on the phone, in words.
    public static func describe(_ action: OfficialAction, language: AppLanguage) -> String {
        switch action {
        case let .changeStatus(to, note):
            if to == .rejected {
                let reason = note ?? ""
                return language.pick("Từ chối: \(reason)", "Reject: \(reason)")
            }
            let name = status(to, language: language)
            return language.pick("Chuyển sang “\(name)”", "Move to “\(name)”")
        case let .reply(text):
            return language.pick("Trả lời: \(text)", "Reply: \(text)")
        case let .resolve(note, _):
            return language.pick("Xử lý xong (kèm ảnh): \(note)", "Resolved (with photo): \(note)")
        }
    }

    /// The statuses still open: an official's work, the inbox's filters.
    public static func isOpen(_ status: ReportStatus) -> Bool {
        statusIsOpen(status: status)
    }
}
