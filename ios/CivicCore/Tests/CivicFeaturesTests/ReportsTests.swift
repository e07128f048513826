// "My reports" as android/ui's MyReportsTest checks it: reports captured offline are listed
// as saved on the phone; an empty list is loaded with nothing waiting; pull to refresh delivers
// them and they get the city's number.

import CivicCore
import CivicFeatures
import CivicTesting
import Foundation
import XCTest

@MainActor
final class ReportsTests: XCTestCase {
    private func open(_ url: String) throws -> CivicApp {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("civic-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try CivicApp.open(dataDir: dir.path, serverUrl: url, language: "vi", tokens: MemoryTokens())
    }

    func testReportsCapturedOfflineAreListedAsSavedOnThePhone() async throws {
        let app = try open(unreachable)
        let first = try await captureLitter(app, seed: 1)
        let second = try await captureLitter(app, seed: 2)
        let model = MyReportsViewModel(app: app)
        XCTAssertEqual(Set(model.reports.map(\.id)), [first, second])
        XCTAssertEqual(model.waiting, 2)
        for report in model.reports {
            XCTAssertEqual(report.statusLabel, "Chờ gửi")
            XCTAssertEqual(model.delivery(of: report), .savedOnPhone)
            XCTAssertEqual(model.categoryNames[report.category], "Rác thải trên đường phố", "the name, not the code")
        }
    }

    func testAnEmptyListIsLoadedWithNothingWaiting() throws {
        // The screen then says what the app is for ("Chưa có báo cáo nào").
        let app = try open(unreachable)
        let model = MyReportsViewModel(app: app)
        XCTAssertTrue(model.loaded)
        XCTAssertTrue(model.reports.isEmpty)
        XCTAssertEqual(model.waiting, 0)
        XCTAssertNil(model.error)
        XCTAssertNil(model.next, "no page after an empty one")
    }

    func testPullToRefreshSendsWhatWaitedAndTheListShowsItsNumber() async throws {
        let city = try City.fromEnvironment()
        let app = try open(city.url)
        let id = try await captureLitter(app, seed: 7)
        let model = MyReportsViewModel(app: app)
        XCTAssertEqual(model.reports.first?.status, .queued)
        await model.refresh()
        let report = try XCTUnwrap(model.reports.first { $0.id == id })
        XCTAssertTrue(report.publicNumber?.hasPrefix("HUE-") == true, "\(String(describing: report.publicNumber))")
        XCTAssertEqual(model.waiting, 0)
        XCTAssertEqual(model.delivery(of: report), .delivered)
        XCTAssertFalse(model.refreshing)
    }
}
