import CivicCore
import Foundation
import Observation

/// The warnings that concern the resident (their places, topics, severity), kept current by the
/// core's sync observer, and a warning opened from it. The same as android/ui's WarningsViewModel.
@MainActor
@Observable
public final class WarningsViewModel {
    /// In the core's inbox order: in force first, the most severe first (a real one before a
    /// drill, then the newest); then the ended ones, newest first.
    public private(set) var warnings: [Warning] = []
    /// Active warnings not read yet (the badge).
    public private(set) var unread: Int = 0
    public private(set) var sync: SyncState = .idle(lastSuccess: nil)
    public private(set) var refreshing = false
    public private(set) var error: String?
    public private(set) var loaded = false
    /// The areas of the warnings opened so far, for the detail's map (warning id → shapes).
    public private(set) var shapes: [String: [WarningShape]] = [:]

    private let app: CivicApp
    @ObservationIgnored private var observer: SyncObserver?

    public init(app: CivicApp) {
        self.app = app
        sync = app.syncState()
        observer = SyncObserver(app, onState: { [weak self] state in
            self?.sync = state
        }, onSynced: { [weak self] _ in
            // A sync in the background may bring, update or withdraw warnings.
            self?.load()
        })
        load()
    }

    public func warning(id: String) -> Warning? {
        warnings.first { $0.id == id }
    }

    /// The warnings in force, then the ended ones (the inbox's two parts).
    public var active: [Warning] { warnings.filter { $0.state == .active } }
    public var ended: [Warning] { warnings.filter { $0.state != .active } }

    /// Reads the inbox (ended warnings too) and the unread count again.
    public func load() {
        do {
            let all = try app.warnings().alerts(includeEnded: true)
            let count = try app.warnings().unreadAlerts()
            warnings = all
            unread = Int(count)
            error = nil
        } catch {
            self.error = peopleMessage(error)
        }
        loaded = true
    }

    /// Pull to refresh: fetch what the city published, then read again.
    public func refresh() async {
        guard !refreshing else { return }
        refreshing = true
        error = nil
        let (state, problem) = await app.syncForRefresh()
        if let state { sync = state }
        if let problem { error = problem }
        refreshing = false
        load()
    }

    /// The resident opened warning `id`: its shapes are read for the map, and it is read from
    /// now on. Opened from a notification the inbox may not hold it yet: marked all the same.
    public func open(id: String) {
        if shapes[id] == nil {
            // Not on this phone (yet): the screen says so from the inbox's state.
            if let detail = try? app.warnings().warning(id: id) {
                shapes[id] = detail.shapes
            }
        }
        if warning(id: id)?.read == true { return }
        do {
            try app.warnings().markAlertRead(id: id)
        } catch {
            self.error = peopleMessage(error)
        }
        load()
    }
}
