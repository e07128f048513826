import CivicCore
import CivicFeatures
import UIKit
import UserNotifications
import os

/// The app's UIKit side (android's CivicApplication): at launch the notification delegate, the
/// background tasks' handlers (BGTaskScheduler wants them before launch ends) and the push
/// token; a warning's silent push wakes a sync. The core may not be open yet when iOS
/// launches the app in the background: each entry point opens it (`CoreHolder.open()`).
@MainActor
final class AppDelegate: NSObject, UIApplicationDelegate {
    private let log = Logger(subsystem: "org.civic.app", category: "app")

    func application(
        _ application: UIApplication,
        didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil
    ) -> Bool {
        UNUserNotificationCenter.current().delegate = NotificationDelegate.shared
        BackgroundSync.registerTasks()
        // The APNs token, whatever the notification permission: the server wakes the app
        // silently for warnings, which it then posts if allowed.
        application.registerForRemoteNotifications()
        return true
    }

    func application(_ application: UIApplication, didRegisterForRemoteNotificationsWithDeviceToken deviceToken: Data) {
        PushRegistration.tokenReceived(deviceToken)
    }

    func application(_ application: UIApplication, didFailToRegisterForRemoteNotificationsWithError error: Error) {
        // The simulator, no aps-environment: the pull task and foreground syncs still fetch warnings.
        log.info("No push token: \(String(describing: error), privacy: .public)")
    }

    /// A warning's wake-up (`{"aps": {"content-available": 1}, "alert": id}`): a sync, which
    /// brings the warning and posts it.
    func application(
        _ application: UIApplication,
        didReceiveRemoteNotification userInfo: [AnyHashable: Any],
        fetchCompletionHandler completionHandler: @escaping (UIBackgroundFetchResult) -> Void
    ) {
        CoreHolder.shared.open()
        guard let app = CoreHolder.shared.app else {
            completionHandler(.failed)
            return
        }
        Task { @MainActor in
            let outcome = await BackgroundSync.sync(app)
            completionHandler(outcome == nil ? .failed : .newData)
        }
    }
}

/// What runs once the core is open, in the foreground or a background launch: the listener
/// that posts notifications for every sync (the screens' pull to refresh too: loud warnings
/// must not wait for the next background task), the network monitor and the next pull.
@MainActor
enum AppServices {
    /// Reads the core's finished syncs for the life of the process.
    private static var listener: Task<Void, Never>?

    /// Called by `CoreHolder.open()` once the core is open.
    static func coreOpened(_ app: CivicApp) {
        guard listener == nil else { return }
        let outcomes = app.syncOutcomes()
        listener = Task { @MainActor in
            for await outcome in outcomes {
                Notifications.postSync(app: app, outcome: outcome)
                // The server knows this device after a sync: a push token that could not be
                // registered before (first launch, offline) is now.
                Task { @MainActor in await PushRegistration.registerIfNeeded() }
            }
        }
        NetworkMonitor.shared.start(app: app)
        BackgroundSync.schedulePull()
    }

    /// The app came to the foreground: a sync (sending what waits, fetching answers and warnings).
    static func cameToForeground(_ app: CivicApp) {
        BackgroundSync.syncSoon(app)
    }

    /// The app left the screen: the next pull, and the outbox task while reports wait.
    static func wentToBackground(_ app: CivicApp) {
        BackgroundSync.schedulePull()
        BackgroundSync.reschedule(after: app.syncState(), app: app)
    }
}

/// Tells the server how to wake this phone for warnings: the APNs token (hex), registered when
/// it arrives, again after a failure, and after the resident's subscription changes (call
/// `register()`: the server keeps coarse cells around the places followed).
@MainActor
enum PushRegistration {
    private static let tokenKey = "org.civic.app.apns-token"
    private static let log = Logger(subsystem: "org.civic.app", category: "push")
    private static var registered = false
    private static var registering = false

    static func tokenReceived(_ deviceToken: Data) {
        let token = deviceToken.map { String(format: "%02x", $0) }.joined()
        if UserDefaults.standard.string(forKey: tokenKey) != token {
            UserDefaults.standard.set(token, forKey: tokenKey)
        }
        registered = false
        Task { @MainActor in await register() }
    }

    /// Registers the token (if iOS gave one) with the core's current subscription.
    static func register() async {
        guard !registering, let token = UserDefaults.standard.string(forKey: tokenKey) else { return }
        CoreHolder.shared.open()
        guard let app = CoreHolder.shared.app else { return }
        registering = true
        defer { registering = false }
        do {
            // APNs encrypts on its own: no Web Push keys (those are for UnifiedPush).
            try await app.warnings().registerPush(provider: .apns, token: token, keys: nil)
            registered = true
        } catch {
            log.info("Push not registered: \(peopleMessage(error), privacy: .public)")
        }
    }

    static func registerIfNeeded() async {
        if !registered {
            await register()
        }
    }
}
