import CivicCore
import Foundation

/// The capture flow's composite sentences, in the app's language (as android/ui's CaptureWords);
/// what a draft still needs is the core's sentence (`reports().missingLine`).
public enum CaptureWords {
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

    /// How long the city expects to take: "khoảng 24 giờ" / "about 24 hours", days beyond two
    /// (the core's words).
    public static func expectedWords(_ hours: UInt32, language: AppLanguage) -> String {
        expectedLabel(hours: hours, language: language.rawValue)
    }

    /// A measure rounded for people; never a crash on a strange value.
    private static func whole(_ value: Double) -> Int {
        guard value.isFinite else { return 0 }
        return Int(max(-1e9, min(1e9, value)).rounded())
    }
}
