import BackgroundTasks
import CivicCore
import CivicFeatures
import CoreLocation
import Foundation
import Network
import UIKit
import os

/// When sync runs (android's SyncScheduler and SyncWorker). The core decides when a failed
/// report is tried again (its backoff, `SyncState.waitingToRetry`); iOS only wakes the app:
/// the outbox task (`org.civic.app.outbox`, a BGProcessingTask that needs the network) at the
/// core's retry time or as soon as the system allows while something waits, the pull task
/// (`org.civic.app.pull`, a BGAppRefreshTask) every 15 minutes at the earliest, a sync right
/// after "send" (`syncSoon`), when the app comes to the foreground, and when the network
/// comes back (`NetworkMonitor`). Both identifiers are in Info.plist
/// (BGTaskSchedulerPermittedIdentifiers, project.yml).
enum BackgroundSync {
    static let outboxTask = "org.civic.app.outbox"
    static let pullTask = "org.civic.app.pull"
    /// The pull's earliest interval; iOS decides the real one from how the app is used.
    static let pullInterval: TimeInterval = 15 * 60

    static let log = Logger(subsystem: "org.civic.app", category: "sync")

    // MARK: Scheduling

    /// Wakes the app to send the outbox once there is a connection, not before `earliest`
    /// (the core's next attempt after a failure; now when nil). Replaces an earlier request.
    static func scheduleOutbox(earliest: Date? = nil) {
        let request = BGProcessingTaskRequest(identifier: outboxTask)
        request.requiresNetworkConnectivity = true
        request.requiresExternalPower = false
        request.earliestBeginDate = earliest
        submit(request)
    }

    /// Wakes the app to fetch what changed (answers, warnings) in `pullInterval` at the earliest.
    static func schedulePull() {
        let request = BGAppRefreshTaskRequest(identifier: pullTask)
        request.earliestBeginDate = Date(timeIntervalSinceNow: pullInterval)
        submit(request)
    }

    /// After a sync: the outbox task at the core's retry time, or as soon as possible while
    /// reports still wait; nothing when the outbox is empty.
    static func reschedule(after state: SyncState, app: CivicApp) {
        if case let .waitingToRetry(nextAttempt) = state {
            scheduleOutbox(earliest: nextAttempt)
            return
        }
        let waiting = (try? app.reports().outbox().waiting) ?? 0
        if waiting > 0 {
            scheduleOutbox()
        }
    }

    private static func submit(_ request: BGTaskRequest) {
        do {
            try BGTaskScheduler.shared.submit(request)
        } catch {
            // The simulator, Background App Refresh turned off, too many requests: the
            // foreground and network syncs still run.
            log.info("Cannot schedule \(request.identifier, privacy: .public): \(String(describing: error), privacy: .public)")
        }
    }

    // MARK: Running

    /// One sync: gives the core the phone's position if the resident follows "where I am now",
    /// sends what waits, fetches what changed, posts the notifications it brought,
    /// schedules the campaign reminders again, and the next outbox task if needed. Nil when
    /// the sync failed (offline…).
    @MainActor
    @discardableResult
    static func sync(_ app: CivicApp) async -> SyncOutcome? {
        await updatePosition(app)
        var outcome: SyncOutcome?
        do {
            outcome = try await app.syncNow()
        } catch {
            log.info("Sync failed: \(peopleMessage(error), privacy: .public)")
        }
        Notifications.postSync(app: app, outcome: outcome)
        CampaignReminders.reschedule(app)
        reschedule(after: outcome?.state ?? app.syncState(), app: app)
        return outcome
    }

    /// "Warn me where I am now" (android's SyncWorker.updatePosition): the core matches
    /// warnings against the last position it was given. Only with the permission already
    /// given (a sync never asks), a fix iOS holds from the last 10 minutes or, failing that, a
    /// fresh one within 20 seconds (none in the background, where "when in use" gives none):
    /// the position is a hint, the saved places still work without it.
    @MainActor
    private static func updatePosition(_ app: CivicApp) async {
        guard (try? app.warnings().subscription().currentPosition) == true else { return }
        let location = LocationProvider(accuracy: kCLLocationAccuracyHundredMeters)
        guard location.authorized else { return }
        var fix = location.lastFix(maxAgeSeconds: 10 * 60)
        if fix == nil, UIApplication.shared.applicationState != .background {
            fix = await location.currentFix(timeoutSeconds: 20)
        }
        guard let fix else { return }
        do {
            try app.warnings().setPosition(lat: fix.lat, lon: fix.lon)
        } catch {
            log.info("Cannot keep the position: \(peopleMessage(error), privacy: .public)")
        }
    }

    /// A sync now that may finish after the app leaves the screen (after "send"): extra
    /// background time while it runs, and the outbox task as a fallback if iOS suspends us.
    @MainActor
    static func syncSoon(_ app: CivicApp) {
        scheduleOutbox()
        let background = BackgroundTime()
        background.begin()
        Task { @MainActor in
            await sync(app)
            background.end()
        }
    }

    /// The network came back: every waiting report is due now, then a sync.
    @MainActor
    static func networkReturned(_ app: CivicApp) {
        do {
            try app.retryNow()
        } catch {
            log.info("retryNow failed: \(peopleMessage(error), privacy: .public)")
        }
        syncSoon(app)
    }

    // MARK: Background tasks

    /// Registers both tasks' handlers; only valid before `application(_:didFinishLaunching…)`
    /// returns. The handlers run on the main queue.
    static func registerTasks() {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: outboxTask, using: .main) { task in
            MainActor.assumeIsolated { run(task, reschedule: { scheduleOutbox() }) }
        }
        BGTaskScheduler.shared.register(forTaskWithIdentifier: pullTask, using: .main) { task in
            // The next pull is asked for first: this one may be stopped before it ends.
            schedulePull()
            MainActor.assumeIsolated { run(task, reschedule: {}) }
        }
    }

    /// Opens the core if this is a background launch, syncs, and ends the task; when iOS
    /// takes the time back first, ends it at once and calls `reschedule` (the work is not done).
    @MainActor
    private static func run(_ task: BGTask, reschedule: @escaping @Sendable () -> Void) {
        let completion = TaskCompletion(task)
        CoreHolder.shared.open()
        guard let app = CoreHolder.shared.app else {
            // The data cannot be opened now (a full disk…): the next wake tries again.
            reschedule()
            completion.finish(success: false)
            return
        }
        let work = Task { @MainActor in
            let outcome = await sync(app)
            completion.finish(success: outcome != nil)
        }
        // Called on a queue of iOS's: nothing here needs the main actor.
        task.expirationHandler = { @Sendable in
            work.cancel()
            reschedule()
            completion.finish(success: false)
        }
    }
}

/// Ends a BGTask exactly once, whichever comes first: the work or the expiration.
private final class TaskCompletion: @unchecked Sendable {
    private let task: BGTask
    private let lock = NSLock()
    private var done = false

    init(_ task: BGTask) {
        self.task = task
    }

    func finish(success: Bool) {
        lock.lock()
        let first = !done
        done = true
        lock.unlock()
        if first {
            task.setTaskCompleted(success: success)
        }
    }
}

/// Extra time for a sync started in the foreground, should the app be sent to the background.
@MainActor
private final class BackgroundTime {
    private var identifier: UIBackgroundTaskIdentifier = .invalid

    func begin() {
        identifier = UIApplication.shared.beginBackgroundTask(withName: "org.civic.app.sync") { [weak self] in
            // Out of time: iOS suspends the app; the outbox task takes over.
            MainActor.assumeIsolated { self?.end() }
        }
    }

    func end() {
        guard identifier != .invalid else { return }
        UIApplication.shared.endBackgroundTask(identifier)
        identifier = .invalid
    }
}

/// Watches the network for the life of the process: when it returns after being lost, every
/// waiting report is made due and a sync starts. The first answer (the network there at
/// launch) only asks for a sync.
@MainActor
final class NetworkMonitor {
    static let shared = NetworkMonitor()

    private let monitor = NWPathMonitor()
    private let queue = DispatchQueue(label: "org.civic.app.network")
    private var started = false
    private var connected: Bool?

    func start(app: CivicApp) {
        guard !started else { return }
        started = true
        monitor.pathUpdateHandler = { @Sendable path in
            let satisfied = path.status == .satisfied
            Task { @MainActor in NetworkMonitor.shared.changed(satisfied: satisfied, app: app) }
        }
        monitor.start(queue: queue)
    }

    private func changed(satisfied: Bool, app: CivicApp) {
        let before = connected
        connected = satisfied
        guard satisfied, before != true else { return }
        if before == false {
            BackgroundSync.networkReturned(app)
        } else {
            BackgroundSync.syncSoon(app)
        }
    }
}
