import CivicCore
import CivicFeatures
import Foundation
import UserNotifications
import os

/// The reminders before the campaigns the resident joined, as local notifications (android's
/// CampaignReminders): one per `CampaignReminder`, at its time, its identifier the reminder's
/// key (adding the same identifier again replaces it), in the "campaigns" thread. Pending
/// campaign reminders whose keys the core no longer gives (a campaign moved, or over) are
/// removed. Scheduled after joining (`CampaignViewModel`) and after each sync (`BackgroundSync`).
struct CampaignReminders: CampaignReminderScheduling {
    /// The core's keys: "campaign-<id>-<kind>".
    static let prefix = "campaign-"
    static let thread = "campaigns"

    private static let log = Logger(subsystem: "org.civic.app", category: "notifications")

    /// Everything the core has now, after a sync (its times and texts, in the app's language).
    static func reschedule(_ app: CivicApp) {
        tellCalledOff(app)
        do {
            let due = try app.campaigns().reminders()
            CampaignReminders().schedule(due)
        } catch {
            log.warning("Cannot read the campaign reminders: \(peopleMessage(error), privacy: .public)")
        }
    }

    /// A joined campaign called off (the sync lists the campaigns again when one is ahead):
    /// told at once, each once (the core hands each out once).
    static func tellCalledOff(_ app: CivicApp) {
        let notices: [CampaignNotice]
        do {
            notices = try app.campaigns().takeNotices()
        } catch {
            log.warning("Cannot read the campaign notices: \(peopleMessage(error), privacy: .public)")
            return
        }
        for notice in notices {
            let content = UNMutableNotificationContent()
            content.title = notice.title
            content.body = notice.body
            content.sound = .default
            content.threadIdentifier = thread
            content.userInfo = DeepLink.campaign(notice.campaignId).userInfo
            // Not under `prefix`: `schedule` removes pending requests there that it did not list.
            let request = UNNotificationRequest(identifier: "called-off-\(notice.campaignId)", content: content, trigger: nil)
            UNUserNotificationCenter.current().add(request) { error in
                if let error {
                    log.info("Campaign notice not shown: \(String(describing: error), privacy: .public)")
                }
            }
        }
    }

    func schedule(_ reminders: [CampaignReminder]) {
        let center = UNUserNotificationCenter.current()
        let keys = Set(reminders.map(\.key))
        center.getPendingNotificationRequests { pending in
            let stale = pending.map(\.identifier).filter { $0.hasPrefix(Self.prefix) && !keys.contains($0) }
            if !stale.isEmpty {
                UNUserNotificationCenter.current().removePendingNotificationRequests(withIdentifiers: stale)
            }
        }
        let now = Date()
        for reminder in reminders where reminder.at > now {
            let content = UNMutableNotificationContent()
            content.title = reminder.title
            content.body = reminder.body
            content.sound = .default
            content.interruptionLevel = .active
            content.threadIdentifier = Self.thread
            content.userInfo = DeepLink.campaign(reminder.campaignId).userInfo
            let when = Calendar.current.dateComponents([.year, .month, .day, .hour, .minute, .second], from: reminder.at)
            let trigger = UNCalendarNotificationTrigger(dateMatching: when, repeats: false)
            let request = UNNotificationRequest(identifier: reminder.key, content: content, trigger: trigger)
            // Not allowed (or turned off in Settings): the center refuses it, nothing else to do.
            center.add(request) { error in
                if let error {
                    Self.log.info("Campaign reminder not scheduled: \(String(describing: error), privacy: .public)")
                }
            }
        }
    }
}
