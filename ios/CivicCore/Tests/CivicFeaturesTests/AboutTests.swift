// The About screen's view model as android/ui's AboutTest checks it: the app's name and
// version as the platform gives them, and the map's credits as the core says (the boundaries'
// source among them), in the app's language, before a sync and after one.

import CivicCore
import CivicFeatures
import CivicTesting
import Foundation
import XCTest

@MainActor
final class AboutTests: XCTestCase {
    private func open(_ url: String, language: String) throws -> CivicApp {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("civic-about-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return try CivicApp.open(dataDir: dir.path, serverUrl: url, language: language, tokens: MemoryTokens())
    }

    func testAboutNamesTheAppAndCreditsTheMapsBoundariesAsTheCoreSays() throws {
        // Offline: the city's built-in configuration.
        let app = try open(unreachable, language: "vi")
        let model = AboutViewModel(app: app, appName: "Civic Huế", version: "0.1.0 (1)")
        XCTAssertEqual(model.appName, "Civic Huế")
        XCTAssertEqual(model.version, "0.1.0 (1)")
        XCTAssertEqual(model.credits, app.mapTiles().credits)
        XCTAssertTrue(model.credits.contains("© OpenStreetMap contributors"), model.credits)
        XCTAssertTrue(model.credits.contains("Ranh giới phường, xã 2025") && model.credits.contains("sapnhap.bando.com.vn"), model.credits)

        // The language changes: read again, the credits follow.
        app.setLanguage(language: "en")
        model.reload()
        XCTAssertEqual(model.credits, app.mapTiles().credits)
        XCTAssertTrue(model.credits.contains("2025 ward boundaries"), model.credits)
    }

    func testAfterASyncAboutCreditsWhatTheCitysServerSent() async throws {
        let city = try City.fromEnvironment()
        let app = try open(city.url, language: "vi")
        _ = try await app.syncNow()
        if let tiles = city.tileUrl {
            XCTAssertEqual(app.mapTiles().urlTemplate, tiles)
        }
        let model = AboutViewModel(app: app, appName: "Civic Huế", version: "0.1.0 (1)")
        XCTAssertEqual(model.credits, app.mapTiles().credits)
        XCTAssertTrue(model.credits.contains("sapnhap.bando.com.vn"), model.credits)
    }
}
