// The bindings as the iOS app uses them: the real Rust library through the generated Swift,
// against a real civic-server. The same scenarios as bindings/kotlin/test/CivicAppTest.kt.
//
// The server comes from CIVIC_SERVER_URL and CIVIC_ADMIN_PASSWORD (and CIVIC_ADMIN_USERNAME,
// "admin" if unset); ios/README.md says how to start one. Without them the tests that need it
// are skipped; the typed-error test needs no server and always runs.

import CivicCore
import CivicTesting
import CoreGraphics
import CryptoKit
import Foundation
import ImageIO
import XCTest

// MARK: - Tests

final class CivicAppTests: XCTestCase {
    /// Civic on a fresh phone: its own data directory, removed after the test.
    func openApp(serverUrl: String, language: String = "vi") throws -> CivicApp {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("civic-swift-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return try CivicApp.open(dataDir: directory.path, serverUrl: serverUrl, language: language, tokens: MemoryTokens())
    }

    func testAReportCapturedOnThePhoneReachesTheCityAndItsResolutionComesBackThroughTheObserver() async throws {
        let city = try City.fromEnvironment()
        let app = try openApp(serverUrl: city.url)
        let recorder = Recorder()
        let handle = try app.subscribe(listener: recorder)

        let id = try await captureLitter(app, seed: 1)
        let queued = try app.reports().report(id: id).report
        XCTAssertEqual(queued.status, .queued)
        XCTAssertEqual(queued.statusLabel, "Chờ gửi")
        XCTAssertEqual(try app.reports().outbox().waiting, 1)

        let first = try await app.syncNow()
        XCTAssertEqual(first.submitted, [id])
        XCTAssertEqual(try app.reports().outbox().waiting, 0)
        XCTAssertNotNil(try app.reports().report(id: id).report.publicNumber)
        // States reach the observer from the Rust runtime's threads, maybe after syncNow returns.
        let sawSync = await eventually { recorder.states.get().contains { $0.isSyncing } }
        XCTAssertTrue(sawSync, "the observer saw the sync run: \(recorder.states.get())")

        // An official resolves it on site, with an after-photo taken next to the report.
        let official = try await city.login()
        let after = try jpeg(seed: 99)
        let hash = sha256(after)
        let upload = try await city.call("PUT", "/api/v1/photos/\(hash)", token: official, body: after, type: "image/jpeg")
        XCTAssertTrue((200..<300).contains(upload.status), upload.body)
        let fix: [String: Any] = [
            "lat": citadelLat, "lon": citadelLon, "accuracy_m": 5.0, "source": "gps", "fixed_at": iso8601(Date()),
        ]
        let (status, body) = try await city.call("POST", "/api/v1/reports/\(id)/status", token: official, body: json([
            "to": "resolved", "note": "Đã thu gom rác. / Collected.", "photo": hash, "photo_location": fix,
        ]))
        XCTAssertEqual(status, 200, body)

        _ = try await app.syncNow()
        let heard = recorder.outcomes.get().flatMap { $0.notifications }
        XCTAssertTrue(heard.contains { $0.report == id && $0.status == .resolved }, "heard: \(heard)")
        let detail = try app.reports().report(id: id)
        XCTAssertEqual(detail.report.status, .resolved)
        XCTAssertEqual(detail.timeline.last?.note, "Đã thu gom rác. / Collected.")

        // Cancelled, the observer hears nothing more. The pauses let a state already on its way
        // land before counting, and a leaked one land before counting again.
        handle.cancel()
        try await Task.sleep(nanoseconds: 200_000_000)
        let outcomesBefore = recorder.outcomes.get().count
        let statesBefore = recorder.states.get().count
        _ = try await app.syncNow()
        try await Task.sleep(nanoseconds: 200_000_000)
        XCTAssertEqual(recorder.outcomes.get().count, outcomesBefore)
        XCTAssertEqual(recorder.states.get().count, statesBefore)
    }

    /// The sync observer as a stream (SyncStreams.swift), as the app reads it: a real sync, and
    /// the subscription living as long as the stream's reader (bindings/kotlin/test/SyncFlowsTest.kt).
    func testTheSyncStatesStreamSeesASyncRunThenRestAndStopsWithItsReader() async throws {
        let city = try City.fromEnvironment()
        let app = try openApp(serverUrl: city.url)
        // Something to send: the sync goes through its states.
        _ = try await captureLitter(app, seed: 71)
        let states = app.syncStates() // subscribed from here on
        let seen = Locked<[SyncState]>([])
        let reader = Task {
            for await state in states {
                seen.update { $0.append(state) }
            }
        }

        let outcome = try await app.syncNow()
        XCTAssertEqual(outcome.submitted.count, 1)
        // States arrive from the core's threads, maybe after syncNow returns.
        let rested = await eventually { seen.get().contains { $0.isSyncing } && seen.get().contains { $0.isIdle } }
        XCTAssertTrue(rested, "syncing, then idle: \(seen.get())")
        let order = seen.get()
        let syncing = try XCTUnwrap(order.firstIndex { $0.isSyncing })
        let idle = try XCTUnwrap(order.lastIndex { $0.isIdle })
        XCTAssertLessThan(syncing, idle, "syncing, then idle: \(order)")

        // The reader stops: the stream ends, and with it the subscription.
        reader.cancel()
        await reader.value
        let heard = seen.get().count
        _ = try await app.syncNow()
        try await Task.sleep(nanoseconds: 200_000_000)
        XCTAssertEqual(seen.get().count, heard, "nothing more once stopped")
    }

    func testAWarningForTheResidentsHomeArrivesOnce() async throws {
        let city = try City.fromEnvironment()
        let app = try openApp(serverUrl: city.url, language: "en")
        try app.warnings().addPlace(place: .point(name: "Home", lat: citadelLat, lon: citadelLon, radiusM: 300))
        // Warnings come in the language the resident chose for them. Swift records are
        // immutable and have no copy(…): a changed one is rebuilt field by field.
        let current = try app.warnings().subscription()
        try app.warnings().setSubscription(subscription: WarningSubscription(
            places: current.places, currentPosition: current.currentPosition, topics: current.topics,
            minSeverity: .moderate, quietStartMinute: current.quietStartMinute,
            quietEndMinute: current.quietEndMinute, language: "en"))
        XCTAssertEqual(try app.warnings().subscription().places.count, 1)
        _ = try await app.syncNow()
        _ = try app.warnings().takeAlertNotifications()

        let official = try await city.login()
        let expires = iso8601(Date().addingTimeInterval(6 * 3600))
        let (status, body) = try await city.call("POST", "/api/v1/alerts", token: official, body: json([
            "topic": "flood", "urgency": "Immediate", "severity": "Extreme", "certainty": "Observed", "expires": expires,
            "texts": [
                ["language": "vi-VN", "event": "Lũ", "headline": "Lũ khẩn cấp trên sông Hương"],
                ["language": "en-US", "event": "Flood", "headline": "Flash flood on the Perfume River"],
            ],
            "areas": [["kind": "named", "code": "19753"]],
        ]))
        XCTAssertEqual(status, 201, body)
        let alertId = try field(body, "id")

        let outcome = try await app.syncNow()
        XCTAssertGreaterThanOrEqual(outcome.alertsRaised, 1)
        let rang = try app.warnings().takeAlertNotifications().filter { $0.id == alertId }
        XCTAssertEqual(rang.count, 1)
        let notification = try XCTUnwrap(rang.first)
        XCTAssertTrue(notification.loud)
        XCTAssertEqual(notification.severity, .extreme)
        XCTAssertEqual(notification.headline, "Flash flood on the Perfume River")
        _ = try await app.syncNow()
        XCTAssertFalse(try app.warnings().takeAlertNotifications().contains { $0.id == alertId }, "never twice")
        XCTAssertTrue(try app.warnings().alerts(includeEnded: false).contains { $0.id == alertId && !$0.read })
        try app.warnings().markAlertRead(id: alertId)
        XCTAssertEqual(try app.warnings().alerts(includeEnded: false).first(where: { $0.id == alertId })?.read, true)
    }

    func testEachFailureArrivesAsItsOwnTypedError() async throws {
        // Capture is checked on the phone: no server needed.
        let app = try openApp(serverUrl: unreachable)
        let draft = try app.reports().startDraft()

        let notAPhoto = await civicError { try await app.reports().attachPhoto(draft: draft.id, bytes: Data("not a photo".utf8)) }
        guard case let .InvalidPhoto(message)? = notAPhoto else {
            return XCTFail("attaching text: \(String(describing: notAPhoto))")
        }
        XCTAssertTrue(message.hasPrefix("Không đọc được ảnh") || message.hasPrefix("Ảnh"), message)

        let sea = await civicError { try app.reports().setLocation(draft: draft.id, fix: gps(16.9, 108.4)) }
        guard case let .OutsideServiceArea(_, distanceM)? = sea else {
            return XCTFail("a point at sea: \(String(describing: sea))")
        }
        XCTAssertGreaterThan(distanceM, 10_000)

        let incomplete = await civicError { try await app.reports().send(draft: draft.id) }
        guard case let .Incomplete(_, missing)? = incomplete else {
            return XCTFail("sending an empty draft: \(String(describing: incomplete))")
        }
        XCTAssertTrue(Set(["photo", "location", "category"]).isSubset(of: missing), "\(missing)")

        let unknown = await civicError { try app.reports().draft(id: "not-a-report") }
        guard case .NotFound? = unknown else {
            return XCTFail("an unknown draft: \(String(describing: unknown))")
        }

        try app.reports().setCategory(draft: draft.id, code: "litter")
        let mountain = await civicError {
            try app.reports().setAnswer(draft: draft.id, question: "amount", answer: .choice(key: "a mountain"))
        }
        guard case .InvalidInput? = mountain else {
            return XCTFail("a choice the question does not offer: \(String(describing: mountain))")
        }

        // No network: what was captured stays, and a call that needs the server says Offline.
        let offline = try openApp(serverUrl: unreachable)
        let id = try await captureLitter(offline, seed: 2)
        let outcome = try await offline.syncNow()
        XCTAssertEqual(outcome.state, .offline)
        XCTAssertEqual(try offline.reports().outbox().waiting, 1)
        XCTAssertEqual(try offline.reports().report(id: id).report.status, .queued)
        let push = await civicError { try await offline.warnings().registerPush(provider: .fcm, token: "token") }
        guard case .Offline? = push else {
            return XCTFail("registering for push offline: \(String(describing: push))")
        }
        XCTAssertFalse(offline.categories().isEmpty)
    }

    /// The map draws the tiles the core names and shows its credits: before the first sync the
    /// built-in fallback, after it the server's (`--tile-url`, CIVIC_TILE_URL), kept offline; the
    /// credits name the boundaries' source, in the app's language. As CivicAppTest.kt.
    func testTheMapsTilesAreTheCitysOnceSyncedKeptOfflineAndCreditTheBoundaries() async throws {
        let city = try City.fromEnvironment()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("civic-swift-tiles-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }

        let synced: MapTiles
        do {
            let phone = try CivicApp.open(dataDir: directory.path, serverUrl: city.url, language: "vi", tokens: MemoryTokens())
            let builtIn = phone.mapTiles()
            for placeholder in ["{z}", "{x}", "{y}"] {
                XCTAssertTrue(builtIn.urlTemplate.contains(placeholder), builtIn.urlTemplate)
            }
            XCTAssertTrue(builtIn.credits.contains("OpenStreetMap"), builtIn.credits)

            _ = try await phone.syncNow()
            synced = phone.mapTiles()
            if let tiles = city.tileUrl {
                XCTAssertEqual(synced.urlTemplate, tiles, "the server's --tile-url")
            }
            XCTAssertTrue(synced.credits.contains("© OpenStreetMap contributors"), synced.credits)
            XCTAssertTrue(synced.credits.contains("Ranh giới phường, xã") && synced.credits.contains("sapnhap.bando.com.vn"), synced.credits)
            // For MapKit's maps, which credit their own tiles: the boundaries' alone.
            XCTAssertTrue(synced.boundaryCredits.hasPrefix("Ranh giới phường, xã"), synced.boundaryCredits)
            XCTAssertFalse(synced.boundaryCredits.contains("OpenStreetMap"), synced.boundaryCredits)
            phone.setLanguage(language: "en")
            let english = phone.mapTiles().credits
            XCTAssertTrue(english.contains("ward boundaries") && english.contains("sapnhap.bando.com.vn"), english)
        }

        // Reopened with no server: still the city's tiles.
        let again = try CivicApp.open(dataDir: directory.path, serverUrl: unreachable, language: "vi", tokens: MemoryTokens())
        XCTAssertEqual(again.mapTiles().urlTemplate, synced.urlTemplate)
    }
}
