import CivicCore
import Foundation

/// The capture flow's composite sentences, in the app's language (as android/ui's CaptureWords).
public enum CaptureWords {
    /// One thing the draft still needs (the core's "photo", "location", "category",
    /// "answer:<code>"), in the citizen's words: a question is named by its prompt.
    public static func missingWords(_ code: String, category: CivicCore.Category?, language: AppLanguage) -> String {
        switch code {
        case "photo":
            return language.pick("ít nhất một ảnh", "at least one photo")
        case "location":
            return language.pick("vị trí", "the location")
        case "category":
            return language.pick("loại vấn đề", "what kind of problem it is")
        default:
            guard code.hasPrefix("answer:") else { return code }
            let question = String(code.dropFirst("answer:".count))
            if let prompt = category?.questions.first(where: { $0.code == question })?.prompt {
                return "“\(prompt)”"
            }
            return language.pick("một câu hỏi bắt buộc", "a required question")
        }
    }

    /// "Còn thiếu: ít nhất một ảnh, vị trí" / "Still needed: at least one photo, the location".
    public static func missingLine(_ missing: [String], category: CivicCore.Category?, language: AppLanguage) -> String {
        language.pick("Còn thiếu: ", "Still needed: ")
            + missing.map { missingWords($0, category: category, language: language) }.joined(separator: ", ")
    }

    /// The fix's precision and where it came from: "±12 m (GPS)", "Đã chỉnh trên bản đồ".
    public static func accuracyWords(_ fix: LocationFix, language: AppLanguage) -> String {
        let metres = "±\(whole(fix.accuracyM)) m"
        switch fix.source {
        case .gps:
            return "\(metres) (GPS)"
        case .photoExif:
            return language.pick("\(metres) (vị trí trong ảnh)", "\(metres) (from the photo)")
        case .pin:
            return language.pick("Đã chỉnh trên bản đồ", "Set on the map")
        }
    }

    /// A distance for people: "20 m".
    public static func distanceWords(_ metres: Double) -> String {
        "\(whole(metres)) m"
    }

    /// How long the city expects to take: "khoảng 24 giờ" / "about 24 hours", days beyond two.
    public static func expectedWords(_ hours: UInt32, language: AppLanguage) -> String {
        let h = Int(hours)
        if h > 48 && h % 24 == 0 {
            return language.pick("khoảng \(h / 24) ngày", "about \(h / 24) days")
        }
        return language.pick("khoảng \(h) giờ", "about \(h) hours")
    }

    /// A measure rounded for people; never a crash on a strange value.
    private static func whole(_ value: Double) -> Int {
        guard value.isFinite else { return 0 }
        return Int(max(-1e9, min(1e9, value)).rounded())
    }
}
