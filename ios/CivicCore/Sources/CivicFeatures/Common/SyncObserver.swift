import CivicCore
import Foundation

/// Hears the core's sync for a view model: every change of state and every finished sync,
/// delivered on the main actor (android/ui's `followSync`), read from the core's streams
/// (`CivicApp.syncStates()` and `syncOutcomes()`, subscribed at once). Cancel it, or let it go
/// (the view model that holds it is gone), to stop hearing: the subscriptions end with the
/// tasks reading the streams.
///
/// The tasks hold only the callbacks, never this object (nor, through the callbacks, the view
/// model, which they take weakly): were it otherwise, the view model would never go, its
/// `deinit` would never cancel, and every screen opened would leave a subscription behind.
public final class SyncObserver: @unchecked Sendable {
    private var tasks: [Task<Void, Never>]

    public init(
        _ app: CivicApp,
        onState: @escaping @MainActor (SyncState) -> Void = { _ in },
        onSynced: @escaping @MainActor (SyncOutcome) -> Void
    ) {
        let states = app.syncStates()
        let outcomes = app.syncOutcomes()
        tasks = [
            Task { @MainActor in
                for await state in states {
                    onState(state)
                }
            },
            Task { @MainActor in
                for await outcome in outcomes {
                    onSynced(outcome)
                }
            },
        ]
    }

    public func cancel() {
        for task in tasks {
            task.cancel()
        }
        tasks = []
    }

    deinit {
        for task in tasks {
            task.cancel()
        }
    }
}
