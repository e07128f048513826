import CivicCore
import Foundation

/// Hears the core's sync for a view model: every change of state and every finished sync,
/// delivered on the main actor (android/ui's `followSync`). The core calls on its own threads;
/// this hops. Cancel it, or let it go (the view model that holds it is gone), to stop hearing.
///
/// The core keeps the listener it is given until the subscription's `TaskHandle` is cancelled,
/// so the listener is a `Relay` holding only the callbacks, never this object: were it this
/// object, the core would keep it alive, its `deinit` would never cancel, and every screen
/// opened would leave a subscription behind.
public final class SyncObserver: @unchecked Sendable {
    private var handle: TaskHandle?

    public init(
        _ app: CivicApp,
        onState: @escaping @MainActor (SyncState) -> Void = { _ in },
        onSynced: @escaping @MainActor (SyncOutcome) -> Void
    ) {
        handle = try? app.subscribe(listener: Relay(onState: onState, onSynced: onSynced))
    }

    public func cancel() {
        handle?.cancel()
        handle = nil
    }

    deinit {
        handle?.cancel()
    }
}

/// What the core holds for a `SyncObserver`: its callbacks, called on the main actor.
private final class Relay: SyncListener, @unchecked Sendable {
    private let stateChanged: @MainActor (SyncState) -> Void
    private let syncFinished: @MainActor (SyncOutcome) -> Void

    init(onState: @escaping @MainActor (SyncState) -> Void, onSynced: @escaping @MainActor (SyncOutcome) -> Void) {
        stateChanged = onState
        syncFinished = onSynced
    }

    func onState(state: SyncState) {
        let call = stateChanged
        Task { @MainActor in call(state) }
    }

    func onSynced(outcome: SyncOutcome) {
        let call = syncFinished
        Task { @MainActor in call(outcome) }
    }
}
