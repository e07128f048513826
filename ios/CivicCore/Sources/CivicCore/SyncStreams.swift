// Hand-written beside the Swift uniffi generates (CivicCore.swift, copied here by
// scripts/ios-xcframework), in the same module: the core's sync observer as async sequences.
// The same as bindings/kotlin/flows/org/civic/core/SyncFlows.kt.

import Foundation

extension CivicApp {
    /// Every change of sync state (idle, syncing with its progress, offline…) from now on:
    /// subscribed at once, until the stream ends (the task iterating it is cancelled, or the
    /// stream is let go), which cancels the subscription. The state before the first change is
    /// `syncState()`. The core calls on its own threads and never waits: nothing is dropped for
    /// a slow reader. Without a subscription (the core's runtime would not start) the stream
    /// ends at once.
    public func syncStates() -> AsyncStream<SyncState> {
        AsyncStream(SyncState.self, bufferingPolicy: .unbounded) { continuation in
            let relay = SyncRelay(onState: { continuation.yield($0) }, onSynced: { _ in })
            listen(relay, until: continuation)
        }
    }

    /// What each sync that finishes brings (what it sent, what the city answered), from now on,
    /// like `syncStates()`.
    public func syncOutcomes() -> AsyncStream<SyncOutcome> {
        AsyncStream(SyncOutcome.self, bufferingPolicy: .unbounded) { continuation in
            let relay = SyncRelay(onState: { _ in }, onSynced: { continuation.yield($0) })
            listen(relay, until: continuation)
        }
    }

    /// Subscribes `relay` until the stream of `continuation` ends.
    private func listen<Element>(_ relay: SyncRelay, until continuation: AsyncStream<Element>.Continuation) {
        guard let handle = try? subscribe(listener: relay) else {
            continuation.finish()
            return
        }
        continuation.onTermination = { _ in handle.cancel() }
    }
}

/// What the core holds for a stream: the callbacks that feed it, never the stream's reader, so
/// that a reader let go ends the stream (and with it the subscription).
private final class SyncRelay: SyncListener, @unchecked Sendable {
    private let stateChanged: (SyncState) -> Void
    private let syncFinished: (SyncOutcome) -> Void

    init(onState: @escaping (SyncState) -> Void, onSynced: @escaping (SyncOutcome) -> Void) {
        stateChanged = onState
        syncFinished = onSynced
    }

    func onState(state: SyncState) {
        stateChanged(state)
    }

    func onSynced(outcome: SyncOutcome) {
        syncFinished(outcome)
    }
}
