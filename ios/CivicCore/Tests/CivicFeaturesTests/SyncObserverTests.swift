// The view models' sync observer (android/ui's common/Sync.kt, `followSync`): it hears every
// finished sync while it is held, and nothing once it is let go or cancelled. The core keeps
// what it is given to listen with until the subscription is cancelled: letting the observer go
// must cancel it, or every screen opened would leave a subscription behind. Offline, no server.

import CivicCore
import CivicFeatures
import CivicTesting
import Foundation
import XCTest

@MainActor
final class SyncObserverTests: XCTestCase {
    private func phone() throws -> CivicApp {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("civic-sync-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return try CivicApp.open(dataDir: directory.path, serverUrl: unreachable, language: "vi", tokens: MemoryTokens())
    }

    func testAnObserverLetGoHearsNoMoreSyncs() async throws {
        let app = try phone()
        let heard = Locked(0)
        var observer: SyncObserver? = SyncObserver(app, onSynced: { _ in heard.update { $0 += 1 } })
        XCTAssertNotNil(observer)

        // Offline a sync still finishes (with nothing sent), and the observer hears it.
        _ = try? await app.syncNow()
        let first = await eventually { heard.get() == 1 }
        XCTAssertTrue(first, "heard the sync while held")

        // The view model that held it is gone: the subscription ends with it.
        observer = nil
        _ = try? await app.syncNow()
        try await Task.sleep(nanoseconds: 300_000_000)
        XCTAssertEqual(heard.get(), 1, "nothing heard after the observer was let go")
    }

    func testACancelledObserverHearsNoMoreSyncs() async throws {
        let app = try phone()
        let heard = Locked(0)
        let observer = SyncObserver(app, onSynced: { _ in heard.update { $0 += 1 } })
        _ = try? await app.syncNow()
        let first = await eventually { heard.get() == 1 }
        XCTAssertTrue(first, "heard the sync before the cancel")

        observer.cancel()
        _ = try? await app.syncNow()
        try await Task.sleep(nanoseconds: 300_000_000)
        XCTAssertEqual(heard.get(), 1, "nothing heard after the cancel")
    }
}
