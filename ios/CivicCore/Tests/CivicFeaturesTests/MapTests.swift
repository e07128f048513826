// The city map's view model as android/ui/src/offDeviceTest/.../map/CityMapTest tests it: the
// box around a spot where no report was lists exactly the reports made there, with how long the
// city took, the rating and the summary, and nothing personal; offline, it says so. Against
// the real core and server (skipped without one); the offline test needs none.

import CivicCore
import CivicFeatures
import CivicTesting
import Foundation
import XCTest

@MainActor
final class MapTests: XCTestCase {
    private let zoom = 19.0

    private func phone(_ url: String, language: String = "vi", tokens: MemoryTokens = MemoryTokens()) throws -> CivicApp {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("civic-map-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return try CivicApp.open(dataDir: directory.path, serverUrl: url, language: language, tokens: tokens)
    }

    /// A complete litter report at (`lat`, `lon`), sent to the outbox.
    private func captureAt(_ app: CivicApp, seed: Int, lat: Double, lon: Double) async throws -> String {
        let reports: Reports = app.reports()
        let draft = try reports.startDraft()
        _ = try await reports.attachPhoto(draft: draft.id, bytes: jpeg(seed: seed))
        _ = try reports.setLocation(draft: draft.id, fix: gps(lat, lon))
        try reports.setCategory(draft: draft.id, code: "litter")
        try reports.setAnswer(draft: draft.id, question: "amount", answer: .choice(key: "bag"))
        try reports.setDescription(draft: draft.id, text: "Bản đồ công khai: rác ở góc phố (\(seed))")
        return try await reports.send(draft: draft.id).id
    }

    func testTheMapListsWhatTheCityDidAtASpotWithHowLongItTookAndNothingPersonal() async throws {
        let city = try City.fromEnvironment()
        let tokens = MemoryTokens()
        let citizen = try phone(city.url, tokens: tokens)

        // A spot near the citadel where no report is yet.
        var spot = (lat: citadelLat, lon: citadelLon)
        var box = MapBox.around(lat: spot.lat, lon: spot.lon, zoom: zoom, width: 411, height: 280)
        var found = false
        for _ in 0..<20 {
            let sign = { Bool.random() ? 1.0 : -1.0 }
            spot = (lat: citadelLat + Double.random(in: 0.002..<0.006) * sign(), lon: citadelLon + Double.random(in: 0.002..<0.006) * sign())
            box = MapBox.around(lat: spot.lat, lon: spot.lon, zoom: zoom, width: 411, height: 280)
            let there = try await citizen.reports().cityReports(south: box.south, west: box.west, north: box.north, east: box.east, limit: 10, after: nil)
            if there.reports.isEmpty {
                found = true
                break
            }
        }
        try XCTSkipUnless(found, "no free spot near the citadel")

        let seed = Int.random(in: 0..<100_000)
        var ids: [String] = []
        for i in 0..<3 {
            ids.append(try await captureAt(citizen, seed: seed + i, lat: spot.lat + Double(i) * 0.00003, lon: spot.lon - Double(i) * 0.00003))
        }
        _ = try await citizen.syncNow()
        let numbers = try ids.map { try XCTUnwrap(try citizen.reports().report(id: $0).report.publicNumber, "not submitted") }

        // The city resolves one; its citizen rates it 4 stars.
        let official = try await loginOfficial(serverUrl: city.url, username: city.admin, password: city.password, language: "vi")
        _ = try await official.resolve(id: ids[0], note: "Đã thu gom (\(seed))", photo: try jpeg(seed: seed + 10), location: gps(spot.lat, spot.lon))
        _ = try await citizen.syncNow()
        try await citizen.reports().rate(report: ids[0], stars: 4, comment: nil)
        _ = try await citizen.syncNow() // the rating is kept on the phone; the sync takes it to the city

        let model = CityMapViewModel(app: citizen, box: box)
        XCTAssertFalse(model.categoryNames.isEmpty)
        await model.refresh()
        XCTAssertTrue(model.loaded)
        XCTAssertFalse(model.loading)
        XCTAssertFalse(model.offline)
        XCTAssertNil(model.error)
        XCTAssertEqual(Set(model.reports.map(\.publicNumber)), Set(numbers), "exactly the spot's reports")
        XCTAssertTrue(model.reports.allSatisfy { box.contains(lat: $0.lat, lon: $0.lon) })
        let resolved = try XCTUnwrap(model.reports.first { $0.status == .resolved })
        XCTAssertEqual(model.reports.filter { $0.status == .resolved }.count, 1)
        XCTAssertEqual(resolved.publicNumber, numbers[0])
        let hours = try XCTUnwrap(resolved.hoursToOutcome, "how long the city took")
        XCTAssertEqual(resolved.rating, 4)
        XCTAssertEqual(model.summary, MapSummary(total: 3, resolved: 1, averageHours: hours))
        let litter = model.categoryName("litter")
        XCTAssertNotEqual(litter, "litter", "the category's name, not its code")

        // What the screen says, in the citizen's words.
        XCTAssertTrue(MapWords.summary(model.summary, language: .vi).hasPrefix("3 báo cáo, 1 đã xử lý, trung bình"))
        XCTAssertTrue(MapWords.summary(model.summary, language: .en).hasPrefix("3 reports, 1 resolved"))
        XCTAssertTrue(MapWords.outcome(resolved, language: .vi)?.hasPrefix("xử lý trong") ?? false)
        XCTAssertEqual(MapWords.stars(Int(resolved.rating ?? 0)), "★★★★☆")
        XCTAssertEqual(model.reports.compactMap { MapWords.outcome($0, language: .vi) }.count, 1, "only the resolved one has a time")

        // Nothing personal reaches the page: no report id, no device token in what it shows.
        let shown = model.reports.flatMap { report -> [String] in
            [model.categoryName(report.category), report.statusLabel, report.ward?.name ?? "",
             MapWords.outcome(report, language: .vi) ?? "", report.publicNumber]
        }
        for secret in ids + [tokens.load()].compactMap({ $0 }) {
            XCTAssertFalse(shown.contains { $0.contains(secret) }, "\(secret) must not be on screen")
        }

        // The filters.
        model.setFilter(.resolved)
        XCTAssertEqual(model.shown.map(\.publicNumber), [numbers[0]])
        model.setFilter(.open)
        XCTAssertEqual(Set(model.shown.map(\.publicNumber)), Set(numbers.dropFirst()))
        model.setFilter(.all)
        XCTAssertEqual(model.shown.count, 3)
        XCTAssertEqual(model.summary.total, 3, "the summary whatever the filter")

        // Picking a report; a move elsewhere loads the new box once the map rests.
        model.select(numbers[1])
        XCTAssertEqual(model.selected, numbers[1])
        let far = MapBox.around(lat: spot.lat + 0.05, lon: spot.lon + 0.05, zoom: zoom, width: 411, height: 280)
        model.move(to: far)
        XCTAssertEqual(model.box, far)
        var moved = false
        for _ in 0..<200 {
            if model.loaded && !model.loading && !model.reports.contains(where: { numbers.contains($0.publicNumber) }) {
                moved = true
                break
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        XCTAssertTrue(moved, "the new box's reports: \(model.reports.map(\.publicNumber))")
    }

    func testOfflineTheMapSaysItNeedsTheNetworkAndDoesNotCrash() async throws {
        let app = try phone(unreachable)
        let model = CityMapViewModel(app: app)
        await model.refresh()
        XCTAssertTrue(model.offline)
        XCTAssertNil(model.error, "the screen says it needs the network itself")
        XCTAssertTrue(model.reports.isEmpty)
        XCTAssertTrue(model.loaded)
        // Reload: the same.
        await model.refresh()
        XCTAssertTrue(model.offline)
        XCTAssertEqual(model.summary, MapSummary(total: 0, resolved: 0, averageHours: nil))
    }

    func testTheBoxOfAMapAndTheSummaryWords() {
        let box = MapBox.around(lat: citadelLat, lon: citadelLon, zoom: 19, width: 411, height: 280)
        XCTAssertTrue(box.contains(lat: citadelLat, lon: citadelLon))
        XCTAssertLessThan(box.north - box.south, 0.002, "a street corner at zoom 19")
        XCTAssertFalse(box.contains(lat: citadelLat + 0.01, lon: citadelLon))
        XCTAssertEqual(MapWords.summary(MapSummary(total: 2, resolved: 0, averageHours: nil), language: .vi), "2 báo cáo, 0 đã xử lý")
        XCTAssertEqual(MapWords.summary(MapSummary(total: 3, resolved: 1, averageHours: 52), language: .en),
                       "3 reports, 1 resolved, 2 d 4 h on average")
        XCTAssertEqual(MapWords.span(0.001, language: .vi), "dưới 1 phút")
        XCTAssertEqual(MapWords.stars(7), "★★★★★")
    }
}
