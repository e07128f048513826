// The bindings as the iOS app uses them: the real Rust library through the generated Swift,
// against a real civic-server. The same scenarios as bindings/kotlin/test/CivicAppTest.kt.
//
// The server comes from CIVIC_SERVER_URL and CIVIC_ADMIN_PASSWORD (and CIVIC_ADMIN_USERNAME,
// "admin" if unset); ios/README.md says how to start one. Without them the tests that need it
// are skipped; the typed-error test needs no server and always runs.

import CivicCore
import CoreGraphics
import CryptoKit
import Foundation
import ImageIO
import XCTest

// MARK: - The app's side

/// A value the Rust side's threads read and write through the callbacks below.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func get() -> Value {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func update(_ change: (inout Value) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&value)
    }
}

/// The device token, kept in memory as the Keychain would keep it.
final class MemoryTokens: TokenStorage {
    private let stored = Locked<String?>(nil)

    func load() -> String? {
        stored.get()
    }

    func save(token: String) -> Bool {
        stored.update { $0 = token }
        return true
    }

    func clear() {
        stored.update { $0 = nil }
    }
}

/// Records what the observer hears.
final class Recorder: SyncListener {
    let states = Locked<[SyncState]>([])
    let outcomes = Locked<[SyncOutcome]>([])

    func onState(state: SyncState) {
        states.update { $0.append(state) }
    }

    func onSynced(outcome: SyncOutcome) {
        outcomes.update { $0.append(outcome) }
    }
}

extension SyncState {
    var isSyncing: Bool {
        if case .syncing = self {
            return true
        }
        return false
    }
}

// MARK: - The city's side

/// The real civic-server, spoken to as an official would.
struct City {
    let url: String
    let admin: String
    let password: String

    /// The server the environment names; the test is skipped without one.
    static func fromEnvironment() throws -> City {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["CIVIC_SERVER_URL"], let password = environment["CIVIC_ADMIN_PASSWORD"] else {
            throw XCTSkip("needs a civic-server: set CIVIC_SERVER_URL and CIVIC_ADMIN_PASSWORD (see ios/README.md, Tests)")
        }
        return City(url: url, admin: environment["CIVIC_ADMIN_USERNAME"] ?? "admin", password: password)
    }

    /// One API call; answers its status and body.
    func call(_ method: String, _ path: String, token: String?, body: Data? = nil,
              type: String = "application/json") async throws -> (status: Int, body: String) {
        let endpoint = try XCTUnwrap(URL(string: url + path))
        var request = URLRequest(url: endpoint)
        request.httpMethod = method
        request.httpBody = body
        request.setValue(type, forHTTPHeaderField: "content-type")
        if let token = token {
            request.setValue("Bearer \(token)", forHTTPHeaderField: "authorization")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = try XCTUnwrap(response as? HTTPURLResponse).statusCode
        return (status, String(decoding: data, as: UTF8.self))
    }

    /// An official's session token.
    func login() async throws -> String {
        let (status, body) = try await call("POST", "/api/v1/auth/login", token: nil,
                                            body: json(["username": admin, "password": password]))
        XCTAssertEqual(status, 200, body)
        return try field(body, "token")
    }
}

func json(_ object: [String: Any]) throws -> Data {
    try JSONSerialization.data(withJSONObject: object)
}

/// A top-level string field of a JSON answer.
func field(_ body: String, _ name: String) throws -> String {
    let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
    return try XCTUnwrap(object?[name] as? String, "no \(name) in \(body)")
}

// MARK: - Fixtures

let citadelLat = 16.4637
let citadelLon = 107.5909
/// Nothing listens on the discard port: every call to it fails at once, as offline.
let unreachable = "http://127.0.0.1:9"

/// A real JPEG, different for each seed, drawn with CoreGraphics and encoded by ImageIO.
func jpeg(seed: Int, width: Int = 640, height: Int = 480) throws -> Data {
    let context = try XCTUnwrap(CGContext(
        data: nil, width: width, height: height, bitsPerComponent: 8, bytesPerRow: 0,
        space: CGColorSpaceCreateDeviceRGB(), bitmapInfo: CGImageAlphaInfo.noneSkipLast.rawValue))
    context.setFillColor(red: CGFloat(90 + seed % 100) / 255, green: 120.0 / 255, blue: 160.0 / 255, alpha: 1)
    context.fill(CGRect(x: 0, y: 0, width: width, height: height))
    context.setFillColor(red: 200.0 / 255, green: CGFloat(180 - seed % 50) / 255, blue: 60.0 / 255, alpha: 1)
    context.fillEllipse(in: CGRect(x: width / 4, y: height / 4, width: width / 2, height: height / 2))
    let image = try XCTUnwrap(context.makeImage())

    let data = NSMutableData()
    let destination = try XCTUnwrap(CGImageDestinationCreateWithData(data as CFMutableData, "public.jpeg" as CFString, 1, nil))
    CGImageDestinationAddImage(destination, image, nil)
    XCTAssertTrue(CGImageDestinationFinalize(destination), "ImageIO wrote the JPEG")
    return data as Data
}

func sha256(_ bytes: Data) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}

func iso8601(_ date: Date) -> String {
    ISO8601DateFormatter().string(from: date)
}

func gps(_ lat: Double, _ lon: Double) -> LocationFix {
    LocationFix(lat: lat, lon: lon, accuracyM: 6, source: .gps, fixedAt: Date())
}

/// Captures a complete litter report at the citadel and sends it to the outbox.
func captureLitter(_ app: CivicApp, seed: Int) throws -> String {
    let draft = try app.startDraft()
    let attached = try app.attachPhoto(draft: draft.id, bytes: jpeg(seed: seed))
    XCTAssertTrue(attached.photo.width <= 1600 && attached.photo.bytes > 0)
    let area = try app.setLocation(draft: draft.id, fix: gps(citadelLat, citadelLon))
    XCTAssertEqual(area.district?.code, "474")
    try app.setCategory(draft: draft.id, code: "litter")
    try app.setAnswer(draft: draft.id, question: "amount", answer: .choice(key: "bag"))
    try app.setDescription(draft: draft.id, text: "Rác đổ trên vỉa hè đường Lê Duẩn (\(seed))")
    return try app.send(draft: draft.id).id
}

/// The `CivicError` that `call` threw; nil, and a failure, if it threw nothing or something else.
func civicError<T>(file: StaticString = #filePath, line: UInt = #line,
                   _ call: () async throws -> T) async -> CivicError? {
    do {
        _ = try await call()
        XCTFail("no error thrown", file: file, line: line)
    } catch let error as CivicError {
        return error
    } catch {
        XCTFail("not a CivicError: \(error)", file: file, line: line)
    }
    return nil
}

/// Waits up to `seconds` for what the Rust side does on its own threads.
func eventually(_ seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline {
            return false
        }
        try? await Task.sleep(nanoseconds: 50_000_000)
    }
    return true
}

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

        let id = try captureLitter(app, seed: 1)
        let queued = try app.report(id: id).report
        XCTAssertEqual(queued.status, .queued)
        XCTAssertEqual(queued.statusLabel, "Chờ gửi")
        XCTAssertEqual(try app.outbox().waiting, 1)

        let first = try await app.syncNow()
        XCTAssertEqual(first.submitted, [id])
        XCTAssertEqual(try app.outbox().waiting, 0)
        XCTAssertNotNil(try app.report(id: id).report.publicNumber)
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
        let detail = try app.report(id: id)
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

    func testAWarningForTheResidentsHomeArrivesOnce() async throws {
        let city = try City.fromEnvironment()
        let app = try openApp(serverUrl: city.url, language: "en")
        try app.addPlace(place: .point(name: "Home", lat: citadelLat, lon: citadelLon, radiusM: 300))
        // Warnings come in the language the resident chose for them. Swift records are
        // immutable and have no copy(…): a changed one is rebuilt field by field.
        let current = try app.subscription()
        try app.setSubscription(subscription: WarningSubscription(
            places: current.places, currentPosition: current.currentPosition, topics: current.topics,
            minSeverity: .moderate, quietStartMinute: current.quietStartMinute,
            quietEndMinute: current.quietEndMinute, language: "en"))
        XCTAssertEqual(try app.subscription().places.count, 1)
        _ = try await app.syncNow()
        _ = try app.takeAlertNotifications()

        let official = try await city.login()
        let expires = iso8601(Date().addingTimeInterval(6 * 3600))
        let (status, body) = try await city.call("POST", "/api/v1/alerts", token: official, body: json([
            "topic": "flood", "urgency": "Immediate", "severity": "Extreme", "certainty": "Observed", "expires": expires,
            "texts": [
                ["language": "vi-VN", "event": "Lũ", "headline": "Lũ khẩn cấp trên sông Hương"],
                ["language": "en-US", "event": "Flood", "headline": "Flash flood on the Perfume River"],
            ],
            "areas": [["kind": "named", "code": "474"]],
        ]))
        XCTAssertEqual(status, 201, body)
        let alertId = try field(body, "id")

        let outcome = try await app.syncNow()
        XCTAssertGreaterThanOrEqual(outcome.alertsRaised, 1)
        let rang = try app.takeAlertNotifications().filter { $0.id == alertId }
        XCTAssertEqual(rang.count, 1)
        let notification = try XCTUnwrap(rang.first)
        XCTAssertTrue(notification.loud)
        XCTAssertEqual(notification.severity, .extreme)
        XCTAssertEqual(notification.headline, "Flash flood on the Perfume River")
        _ = try await app.syncNow()
        XCTAssertFalse(try app.takeAlertNotifications().contains { $0.id == alertId }, "never twice")
        XCTAssertTrue(try app.alerts(includeEnded: false).contains { $0.id == alertId && !$0.read })
        try app.markAlertRead(id: alertId)
        XCTAssertEqual(try app.alerts(includeEnded: false).first(where: { $0.id == alertId })?.read, true)
    }

    func testEachFailureArrivesAsItsOwnTypedError() async throws {
        // Capture is checked on the phone: no server needed.
        let app = try openApp(serverUrl: unreachable)
        let draft = try app.startDraft()

        let notAPhoto = await civicError { try app.attachPhoto(draft: draft.id, bytes: Data("not a photo".utf8)) }
        guard case let .InvalidPhoto(message)? = notAPhoto else {
            return XCTFail("attaching text: \(String(describing: notAPhoto))")
        }
        XCTAssertTrue(message.hasPrefix("Không đọc được ảnh") || message.hasPrefix("Ảnh"), message)

        let sea = await civicError { try app.setLocation(draft: draft.id, fix: gps(16.9, 108.4)) }
        guard case let .OutsideServiceArea(_, distanceM)? = sea else {
            return XCTFail("a point at sea: \(String(describing: sea))")
        }
        XCTAssertGreaterThan(distanceM, 10_000)

        let incomplete = await civicError { try app.send(draft: draft.id) }
        guard case let .Incomplete(_, missing)? = incomplete else {
            return XCTFail("sending an empty draft: \(String(describing: incomplete))")
        }
        XCTAssertTrue(Set(["photo", "location", "category"]).isSubset(of: missing), "\(missing)")

        let unknown = await civicError { try app.draft(id: "not-a-report") }
        guard case .NotFound? = unknown else {
            return XCTFail("an unknown draft: \(String(describing: unknown))")
        }

        try app.setCategory(draft: draft.id, code: "litter")
        let mountain = await civicError {
            try app.setAnswer(draft: draft.id, question: "amount", answer: .choice(key: "a mountain"))
        }
        guard case .InvalidInput? = mountain else {
            return XCTFail("a choice the question does not offer: \(String(describing: mountain))")
        }

        // No network: what was captured stays, and a call that needs the server says Offline.
        let offline = try openApp(serverUrl: unreachable)
        let id = try captureLitter(offline, seed: 2)
        let outcome = try await offline.syncNow()
        XCTAssertEqual(outcome.state, .offline)
        XCTAssertEqual(try offline.outbox().waiting, 1)
        XCTAssertEqual(try offline.report(id: id).report.status, .queued)
        let push = await civicError { try await offline.registerPush(provider: .fcm, token: "token") }
        guard case .Offline? = push else {
            return XCTFail("registering for push offline: \(String(describing: push))")
        }
        XCTAssertFalse(offline.categories().isEmpty)
    }
}
