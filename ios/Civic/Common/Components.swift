import CivicCore
import SwiftUI
import UIKit

/// A report's status as a coloured capsule; `label` is the core's, in the app's language.
struct StatusChip: View {
    let status: ReportStatus
    let label: String

    var body: some View {
        Text(label)
            .font(.caption.weight(.semibold))
            .foregroundStyle(StatusColor.of(status))
            .padding(.horizontal, 10).padding(.vertical, 4)
            .background(StatusColor.of(status).opacity(0.15), in: Capsule())
    }
}

/// The status colours of android/ui's theme, lighter in dark mode.
enum StatusColor {
    static func of(_ status: ReportStatus) -> Color {
        switch status {
        case .draft, .queued: return .gray
        case .submitted, .received: return .blue
        case .assigned, .inProgress, .reopened: return .purple
        case .resolved: return .green
        case .rejected, .duplicate: return .red
        }
    }
}

/// CAP severities in the colours residents know from weather warnings.
enum SeverityColor {
    static func of(_ severity: Severity) -> Color {
        switch severity {
        case .extreme: return Color(red: 0.56, green: 0, blue: 0)
        case .severe: return Color(red: 0.85, green: 0.26, blue: 0.08)
        case .moderate: return Color(red: 0.98, green: 0.66, blue: 0.15)
        case .minor: return Color(red: 0.18, green: 0.49, blue: 0.2)
        case .unknown: return .gray
        }
    }

    /// Text on `of(severity)`, in light and dark mode alike: dark on the amber of Moderate,
    /// white on the others (android/ui's onSeverityColor).
    static func on(_ severity: Severity) -> Color {
        severity == .moderate ? Color(red: 0.11, green: 0.11, blue: 0.11) : .white
    }
}

/// A photo from its JPEG bytes, or a grey placeholder.
struct PhotoThumbnail: View {
    let bytes: Data?

    var body: some View {
        if let bytes, let image = UIImage(data: bytes) {
            Image(uiImage: image).resizable().scaledToFill()
        } else {
            Rectangle().fill(Color.gray.opacity(0.3))
        }
    }
}
