// What the Swift tests share (the bindings' own and the app's view models'): the phone's side
// (token storage in memory, a sync recorder), the real civic-server named by the environment,
// photos, GPS fixes, and a complete report captured as a citizen would. The same as
// bindings/kotlin/testing/Fixtures.kt.
//
// The server comes from CIVIC_SERVER_URL and CIVIC_ADMIN_PASSWORD (and CIVIC_ADMIN_USERNAME,
// "admin" if unset; CIVIC_TILE_URL, the --tile-url it was started with, if any); ios/README.md
// says how to start one.

import CivicCore
import CoreGraphics
import CryptoKit
import Foundation
import ImageIO
import XCTest

// MARK: - The app's side

/// A value the Rust side's threads read and write through the callbacks below.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public func get() -> Value {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    public func update(_ change: (inout Value) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&value)
    }
}

/// The device token, kept in memory as the Keychain would keep it.
public final class MemoryTokens: TokenStorage {
    private let stored = Locked<String?>(nil)

    public init() {}

    public func load() -> String? {
        stored.get()
    }

    public func save(token: String) -> Bool {
        stored.update { $0 = token }
        return true
    }

    public func clear() {
        stored.update { $0 = nil }
    }
}

/// Records what the observer hears.
public final class Recorder: SyncListener {
    public let states = Locked<[SyncState]>([])
    public let outcomes = Locked<[SyncOutcome]>([])

    public init() {}

    public func onState(state: SyncState) {
        states.update { $0.append(state) }
    }

    public func onSynced(outcome: SyncOutcome) {
        outcomes.update { $0.append(outcome) }
    }
}

extension SyncState {
    public var isSyncing: Bool {
        if case .syncing = self {
            return true
        }
        return false
    }

    public var isIdle: Bool {
        if case .idle = self {
            return true
        }
        return false
    }
}

// MARK: - The city's side

/// The real civic-server, spoken to as an official would.
public struct City {
    public let url: String
    public let admin: String
    public let password: String
    /// The map tiles the server was started with (`--tile-url`), from CIVIC_TILE_URL: what a
    /// synced phone's `mapTiles()` must name. Nil when the environment does not say.
    public let tileUrl: String?

    /// The server the environment names; the test is skipped without one.
    public static func fromEnvironment() throws -> City {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["CIVIC_SERVER_URL"], let password = environment["CIVIC_ADMIN_PASSWORD"] else {
            throw XCTSkip("needs a civic-server: set CIVIC_SERVER_URL and CIVIC_ADMIN_PASSWORD (see ios/README.md, Tests)")
        }
        return City(
            url: url,
            admin: environment["CIVIC_ADMIN_USERNAME"] ?? "admin",
            password: password,
            tileUrl: environment["CIVIC_TILE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    /// One API call; answers its status and body.
    public func call(_ method: String, _ path: String, token: String?, body: Data? = nil,
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
    public func login() async throws -> String {
        let (status, body) = try await call("POST", "/api/v1/auth/login", token: nil,
                                            body: json(["username": admin, "password": password]))
        XCTAssertEqual(status, 200, body)
        return try field(body, "token")
    }
}

public func json(_ object: [String: Any]) throws -> Data {
    try JSONSerialization.data(withJSONObject: object)
}

/// A top-level string field of a JSON answer.
public func field(_ body: String, _ name: String) throws -> String {
    let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
    return try XCTUnwrap(object?[name] as? String, "no \(name) in \(body)")
}

// MARK: - Fixtures

public let citadelLat = 16.4698
public let citadelLon = 107.5786
/// Nothing listens on the discard port: every call to it fails at once, as offline.
public let unreachable = "http://127.0.0.1:9"

/// A real JPEG, different for each seed, drawn with CoreGraphics and encoded by ImageIO.
public func jpeg(seed: Int, width: Int = 640, height: Int = 480) throws -> Data {
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

public func sha256(_ bytes: Data) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}

public func iso8601(_ date: Date) -> String {
    ISO8601DateFormatter().string(from: date)
}

public func gps(_ lat: Double, _ lon: Double) -> LocationFix {
    LocationFix(lat: lat, lon: lon, accuracyM: 6, source: .gps, fixedAt: Date())
}

/// Captures a complete litter report at the citadel and sends it to the outbox.
public func captureLitter(_ app: CivicApp, seed: Int) async throws -> String {
    let reports: Reports = app.reports()
    let draft = try reports.startDraft()
    let attached = try await reports.attachPhoto(draft: draft.id, bytes: jpeg(seed: seed))
    XCTAssertTrue(attached.photo.width <= 1600 && attached.photo.bytes > 0)
    let area = try reports.setLocation(draft: draft.id, fix: gps(citadelLat, citadelLon))
    XCTAssertEqual(area.ward.code, "19753")
    try reports.setCategory(draft: draft.id, code: "litter")
    try reports.setAnswer(draft: draft.id, question: "amount", answer: .choice(key: "bag"))
    try reports.setDescription(draft: draft.id, text: "Rác đổ trên vỉa hè đường Lê Duẩn (\(seed))")
    return try await reports.send(draft: draft.id).id
}

/// The `CivicError` that `call` threw; nil, and a failure, if it threw nothing or something else.
public func civicError<T>(file: StaticString = #filePath, line: UInt = #line,
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
public func eventually(_ seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline {
            return false
        }
        try? await Task.sleep(nanoseconds: 50_000_000)
    }
    return true
}

