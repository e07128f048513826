import CivicCore
import CivicFeatures
import Foundation
import UserNotifications
import os

/// The notifications sync posts (android's sync/Notifications): one per change on the
/// citizen's reports and one per warning the core hands out. Loud Extreme and Severe warnings
/// are time-sensitive (through Focus, on the lock screen), other loud ones plain, quiet ones
/// (quiet hours, drills) passive. Tapping one opens its report or warning (`DeepLink`).
///
/// Critical alerts (sound even on silent) need Apple's entitlement
/// (com.apple.developer.usernotifications.critical-alerts), which a running app cannot check:
/// a build with it adds `CIVIC_CRITICAL_ALERTS` to SWIFT_ACTIVE_COMPILATION_CONDITIONS, and
/// loud Extreme warnings are then critical. Without it they stay time-sensitive.
enum Notifications {
    private static let log = Logger(subsystem: "org.civic.app", category: "notifications")

    /// Asks to post alerts, sounds and the icon's badge (first run). True when allowed.
    static func requestPermission() async -> Bool {
        var options: UNAuthorizationOptions = [.alert, .sound, .badge]
        #if CIVIC_CRITICAL_ALERTS
        options.insert(.criticalAlert)
        #endif
        do {
            return try await UNUserNotificationCenter.current().requestAuthorization(options: options)
        } catch {
            log.warning("Cannot ask for notifications: \(String(describing: error), privacy: .public)")
            return false
        }
    }

    /// Everything a sync brought: a notification per change on the citizen's reports in
    /// `outcome` (each event once, whoever asks: the background task and the app's listener
    /// both see a sync), and one per warning the core hands out now (each handed out once).
    static func postSync(app: CivicApp, outcome: SyncOutcome?) {
        for notification in outcome?.notifications ?? [] where PostedEvents.shared.firstTime(notification.event) {
            postReport(notification)
        }
        do {
            for warning in try app.warnings().takeAlertNotifications() {
                postWarning(warning)
            }
        } catch {
            log.warning("Cannot read the warnings to show: \(peopleMessage(error), privacy: .public)")
        }
    }

    /// "The city answered / moved your report": opens the report.
    static func postReport(_ n: ReportNotification) {
        let content = UNMutableNotificationContent()
        if let number = n.publicNumber {
            content.title = String(localized: "Báo cáo \(number)", table: "App")
        } else {
            content.title = String(localized: "Báo cáo của bạn", table: "App")
        }
        let what = n.status.map { statusText($0) } ?? String(localized: "Thành phố đã trả lời", table: "App")
        let note = n.note?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        content.body = note.isEmpty ? what : what + "\n" + note
        content.sound = .default
        content.interruptionLevel = .active
        content.threadIdentifier = "report-\(n.report)"
        content.userInfo = DeepLink.report(n.report).userInfo
        add(identifier: "report-event-\(n.event)", content: content)
    }

    /// A warning: time-sensitive when loud and Extreme or Severe, passive when quiet. Its id
    /// is the request's: an update of the same warning replaces the one shown.
    static func postWarning(_ w: WarningNotification) {
        let content = UNMutableNotificationContent()
        content.title = severityText(w.severity)
        content.body = w.headline
        content.threadIdentifier = "warning-\(w.id)"
        content.userInfo = DeepLink.warning(w.id).userInfo
        if w.loud {
            content.relevanceScore = 1
            switch w.severity {
            case .extreme, .severe:
                content.interruptionLevel = .timeSensitive
                content.sound = .default
                #if CIVIC_CRITICAL_ALERTS
                if w.severity == .extreme {
                    content.interruptionLevel = .critical
                    content.sound = .defaultCritical
                }
                #endif
            case .moderate, .minor, .unknown:
                content.interruptionLevel = .active
                content.sound = .default
            }
        } else {
            content.relevanceScore = 0.5
            content.interruptionLevel = .passive
            content.sound = nil
        }
        add(identifier: "warning-\(w.id)", content: content)
    }

    private static func add(identifier: String, content: UNNotificationContent) {
        let request = UNNotificationRequest(identifier: identifier, content: content, trigger: nil)
        // Not allowed (or turned off in Settings): the center refuses it, nothing else to do.
        UNUserNotificationCenter.current().add(request) { error in
            if let error {
                Notifications.log.info("Notification not posted: \(String(describing: error), privacy: .public)")
            }
        }
    }

    private static func statusText(_ status: ReportStatus) -> String {
        switch status {
        case .draft: return String(localized: "Bản nháp", table: "App")
        case .queued: return String(localized: "Đang chờ gửi", table: "App")
        case .submitted: return String(localized: "Đã gửi đến thành phố", table: "App")
        case .received: return String(localized: "Thành phố đã nhận", table: "App")
        case .assigned: return String(localized: "Đã giao cho đơn vị xử lý", table: "App")
        case .inProgress: return String(localized: "Đang xử lý", table: "App")
        case .resolved: return String(localized: "Đã xử lý xong", table: "App")
        case .rejected: return String(localized: "Bị từ chối", table: "App")
        case .duplicate: return String(localized: "Trùng với báo cáo khác", table: "App")
        case .reopened: return String(localized: "Đã mở lại", table: "App")
        }
    }

    private static func severityText(_ severity: Severity) -> String {
        switch severity {
        case .extreme: return String(localized: "Cảnh báo cực kỳ nguy hiểm", table: "App")
        case .severe: return String(localized: "Cảnh báo nguy hiểm", table: "App")
        case .moderate, .unknown: return String(localized: "Cảnh báo mới", table: "App")
        case .minor: return String(localized: "Thông báo", table: "App")
        }
    }
}

/// Report events already posted in this process (the last 512).
private final class PostedEvents: @unchecked Sendable {
    static let shared = PostedEvents()

    private let lock = NSLock()
    private var order: [String] = []
    private var seen: Set<String> = []

    func firstTime(_ event: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard seen.insert(event).inserted else { return false }
        order.append(event)
        if order.count > 512 {
            seen.remove(order.removeFirst())
        }
        return true
    }
}

/// Shows notifications while the app is open too, and follows a tap to its report or
/// warning. Set as the center's delegate at launch (`AppDelegate`), before any tap arrives.
final class NotificationDelegate: NSObject, UNUserNotificationCenterDelegate, @unchecked Sendable {
    static let shared = NotificationDelegate()

    func userNotificationCenter(
        _ center: UNUserNotificationCenter,
        willPresent notification: UNNotification,
        withCompletionHandler completionHandler: @escaping (UNNotificationPresentationOptions) -> Void
    ) {
        completionHandler([.banner, .list, .sound])
    }

    func userNotificationCenter(
        _ center: UNUserNotificationCenter,
        didReceive response: UNNotificationResponse,
        withCompletionHandler completionHandler: @escaping () -> Void
    ) {
        let link = DeepLink(userInfo: response.notification.request.content.userInfo)
        completionHandler()
        guard let link else { return }
        Task { @MainActor in AppRouter.shared.open(link) }
    }
}
