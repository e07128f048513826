import CivicCore
import Foundation

/// Hears the core's sync for a view model: every change of state and every finished sync,
/// delivered on the main actor. The core calls on its own threads; this hops.
/// Cancel it (or let it go) to stop hearing.
public final class SyncObserver: SyncListener, @unchecked Sendable {
    private let onStateChange: @MainActor (SyncState) -> Void
    private let onSyncFinished: @MainActor (SyncOutcome) -> Void
    private var handle: TaskHandle?

    public init(
        _ app: CivicApp,
        onState: @escaping @MainActor (SyncState) -> Void = { _ in },
        onSynced: @escaping @MainActor (SyncOutcome) -> Void
    ) {
        self.onStateChange = onState
        self.onSyncFinished = onSynced
        self.handle = try? app.subscribe(listener: self)
    }

    public func onState(state: SyncState) {
        Task { @MainActor in self.onStateChange(state) }
    }

    public func onSynced(outcome: SyncOutcome) {
        Task { @MainActor in self.onSyncFinished(outcome) }
    }

    public func cancel() {
        handle?.cancel()
        handle = nil
    }

    deinit {
        handle?.cancel()
    }
}
