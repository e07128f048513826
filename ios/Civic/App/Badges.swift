import CivicCore
import CivicFeatures
import Foundation
import Observation
import UserNotifications

/// The tab bar's counts (android's Badges): what the city did on my reports unseen, warnings
/// unread. Read again after every sync and when `reload()` is called (a screen was read);
/// their sum is the app icon's badge.
@MainActor
@Observable
final class BadgeCounter {
    private(set) var reports = 0
    private(set) var warnings = 0

    private let app: CivicApp
    @ObservationIgnored private var observer: SyncObserver?

    init(app: CivicApp) {
        self.app = app
        observer = SyncObserver(app, onSynced: { [weak self] _ in self?.reload() })
        reload()
    }

    func reload() {
        do {
            reports = try app.reports().notifications().count
            warnings = try Int(app.warnings().unreadAlerts())
        } catch {
            // The counts stay as they were; the next sync reads them again.
            return
        }
        UNUserNotificationCenter.current().setBadgeCount(reports + warnings, withCompletionHandler: nil)
    }
}
