import CivicCore
import CivicFeatures
import SwiftUI

/// The warnings' words that the core does not give, in the app's language (Warnings.xcstrings).
/// A severity, a state and a drill are named by the core (`severityLabel`, `alertStateLabel`,
/// `exerciseLabel`).
enum WarningLabels {
    /// Until when a warning holds, or since when it has ended.
    static func expiry(_ state: AlertState, _ expires: Date) -> String {
        let at = dateTime(expires)
        switch state {
        case .active: return String(localized: "đến \(at)", table: "Warnings")
        case .expired: return String(localized: "hết hạn lúc \(at)", table: "Warnings")
        case .cancelled: return String(localized: "lẽ ra đến \(at)", table: "Warnings")
        }
    }

    static func dateTime(_ date: Date) -> String {
        date.formatted(date: .abbreviated, time: .shortened)
    }

    /// "5 phút trước" / "5 minutes ago", in the app's language.
    static func ago(_ date: Date) -> String {
        date.formatted(.relative(presentation: .named))
    }
}

/// The severity as a filled capsule in its warning colour.
struct SeverityChip: View {
    let severity: Severity

    var body: some View {
        Text(severityLabel(severity: severity, language: AppLanguage.current.rawValue))
            .font(.caption.weight(.semibold))
            .foregroundStyle(SeverityColor.on(severity))
            .padding(.horizontal, 10).padding(.vertical, 4)
            .background(SeverityColor.of(severity), in: Capsule())
    }
}

/// A small grey label (drill, cancelled, expired).
struct WarningTag: View {
    let text: String

    var body: some View {
        Text(text)
            .font(.caption.weight(.semibold))
            .foregroundStyle(.secondary)
            .padding(.horizontal, 10).padding(.vertical, 4)
            .background(Color(.secondarySystemFill), in: Capsule())
    }
}
