// The warnings' view models as android/ui/src/offDeviceTest/.../warnings tests them: a warning
// arriving during quiet hours (the Extreme one loud, the Minor one silent, both unread and in
// the core's inbox order, opening one marks it read and brings its areas), and what the
// resident follows, with the core's refusals shown and the input kept. Against the real core;
// the flow with warnings needs the real server (skipped without one), the rest runs offline.

import CivicCore
import CivicFeatures
import CivicTesting
import Foundation
import XCTest

@MainActor
final class WarningsTests: XCTestCase {
    /// A fresh phone: its own data directory, removed after the test.
    private func phone(_ url: String, language: String = "vi") throws -> CivicApp {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("civic-warnings-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return try CivicApp.open(dataDir: directory.path, serverUrl: url, language: language, tokens: MemoryTokens())
    }

    func testTimesAndRadiiAreReadAndWrittenAsPeopleWriteThem() {
        XCTAssertEqual(WarningWords.parseHhmm("22:00"), 22 * 60)
        XCTAssertEqual(WarningWords.parseHhmm(" 6:30 "), 6 * 60 + 30)
        XCTAssertEqual(WarningWords.parseHhmm("21h30"), 21 * 60 + 30)
        XCTAssertEqual(WarningWords.parseHhmm("25:00"), 25 * 60, "the core judges the range")
        XCTAssertNil(WarningWords.parseHhmm("late"))
        XCTAssertNil(WarningWords.parseHhmm("22:75"))
        XCTAssertEqual(WarningWords.hhmm(6 * 60), "06:00")
        XCTAssertEqual(WarningWords.radiusText(500, language: .vi), "500 m")
        XCTAssertEqual(WarningWords.radiusText(1_000, language: .en), "1 km")
        XCTAssertEqual(WarningWords.radiusText(1_500, language: .vi), "1,5 km")
        XCTAssertEqual(WarningWords.radiusText(1_500, language: .en), "1.5 km")
    }

    func testAWarningsShapesAreFramedWhole() throws {
        let shapes: [WarningShape] = [
            .polygon(points: [GeoPoint(lat: 16.46, lon: 107.57), GeoPoint(lat: 16.48, lon: 107.60), GeoPoint(lat: 16.46, lon: 107.60)]),
            .circle(center: GeoPoint(lat: 16.50, lon: 107.55), radiusM: 1_000),
        ]
        let box = try XCTUnwrap(WarningWords.bounds(shapes))
        XCTAssertEqual(box.south, 16.46, accuracy: 1e-9)
        XCTAssertGreaterThan(box.north, 16.50)
        XCTAssertLessThan(box.west, 107.55)
        XCTAssertEqual(box.east, 107.60, accuracy: 1e-9)
        XCTAssertNil(WarningWords.bounds([]))
    }

    // MARK: - Quiet hours, with the real server

    func testAWarningArrivingDuringQuietHoursOnlyTheExtremeOneRingsBothWaitUnreadAndOpeningOneMarksItRead() async throws {
        let city = try City.fromEnvironment()
        let app = try phone(city.url)

        // The resident follows home at the citadel and sleeps now (quiet hours around this minute, Huế time).
        let subs = SubscriptionsViewModel(app: app)
        XCTAssertTrue(subs.loaded)
        subs.startAddPlace()
        subs.setPlaceName("Nhà")
        subs.setRadius(500)
        subs.savePlace()
        XCTAssertNil(subs.adding, "saved: \(String(describing: subs.adding?.error))")
        XCTAssertEqual(subs.subscription?.places.count, 1)
        let now = WarningWords.hueMinute()
        let start = (now + 1440 - 60) % 1440
        subs.setQuietStart(WarningWords.hhmm(start))
        subs.setQuietEnd(WarningWords.hhmm((now + 60) % 1440))
        subs.setQuietHours(true)
        XCTAssertTrue(subs.quietOn, "quiet hours on: \(String(describing: subs.quietError))")
        XCTAssertEqual(try app.warnings().subscription().quietStartMinute, UInt16(start))

        // The phone's first sync brings what the shared server already had; forget its notifications.
        let inbox = WarningsViewModel(app: app)
        XCTAssertTrue(inbox.loaded)
        await inbox.refresh()
        _ = try app.warnings().takeAlertNotifications()

        // The operations centre warns Phú Xuân ward of an extreme flood and a minor power cut.
        let tag = String(UUID().uuidString.prefix(8))
        let floodVi = "Lũ khẩn cấp trên sông Hương \(tag)"
        let outageVi = "Cắt điện sửa chữa lưới \(tag)"
        let admin = try await city.login()
        var published: [String] = []
        do {
            let floodId = try await publish(city, admin, topic: "flood", severity: "Extreme", vi: floodVi, en: "Flash flood \(tag)",
                                            instructionVi: "Di chuyển lên chỗ cao ngay.", instructionEn: "Move to high ground now.")
            published.append(floodId)
            let outageId = try await publish(city, admin, topic: "outage", severity: "Minor", vi: outageVi, en: "Power cut \(tag)")
            published.append(outageId)

            // Pull to refresh: the phone syncs and the inbox shows both.
            await inbox.refresh()
            XCTAssertFalse(inbox.refreshing)
            let flood = try XCTUnwrap(inbox.warning(id: floodId), "the flood in the inbox: \(String(describing: inbox.error))")
            let outage = try XCTUnwrap(inbox.warning(id: outageId))

            // Only the Extreme one rings in quiet hours; the Minor one arrives without a sound.
            let rang = Dictionary(try app.warnings().takeAlertNotifications().filter { $0.id == floodId || $0.id == outageId }.map { ($0.id, $0) },
                                  uniquingKeysWith: { first, _ in first })
            XCTAssertEqual(Set(rang.keys), [floodId, outageId], "both are handed out, once")
            XCTAssertEqual(rang[floodId]?.loud, true, "the Extreme flood rings even in quiet hours")
            XCTAssertEqual(rang[floodId]?.severity, .extreme)
            XCTAssertEqual(rang[floodId]?.headline, floodVi)
            XCTAssertEqual(rang[outageId]?.loud, false, "the Minor outage waits silently")
            XCTAssertTrue(try app.warnings().takeAlertNotifications().allSatisfy { $0.id != floodId && $0.id != outageId }, "never twice")

            // The inbox: the Extreme one first, both unread.
            let ids = inbox.warnings.map(\.id)
            XCTAssertLessThan(try XCTUnwrap(ids.firstIndex(of: floodId)), try XCTUnwrap(ids.firstIndex(of: outageId)), "Extreme before Minor: \(ids)")
            XCTAssertFalse(flood.read)
            XCTAssertFalse(outage.read)
            XCTAssertEqual(flood.instruction, "Di chuyển lên chỗ cao ngay.")
            let unreadBefore = inbox.unread
            XCTAssertGreaterThanOrEqual(unreadBefore, 2)
            XCTAssertEqual(Int(try app.warnings().unreadAlerts()), unreadBefore)

            // Opening the flood marks it read (the count drops by one) and brings its areas for the map.
            inbox.open(id: floodId)
            XCTAssertEqual(inbox.unread, unreadBefore - 1)
            XCTAssertEqual(inbox.warning(id: floodId)?.read, true)
            XCTAssertEqual(inbox.warning(id: outageId)?.read, false)
            XCTAssertEqual(Int(try app.warnings().unreadAlerts()), unreadBefore - 1)
            let shapes = inbox.shapes[floodId] ?? []
            XCTAssertFalse(shapes.isEmpty, "the ward's boundary, from the CAP message's polygons")
            XCTAssertNotNil(WarningWords.bounds(shapes))
            XCTAssertFalse(inbox.warning(id: floodId)?.areas.isEmpty ?? true, "the areas named")

            // The centre withdraws the flood: after a sync it is listed among the ended ones, cancelled.
            let (status, body) = try await city.call("POST", "/api/v1/alerts/\(floodId)/cancel", token: admin, body: json([:]))
            XCTAssertEqual(status, 200, body)
            published.removeAll { $0 == floodId }
            await inbox.refresh()
            XCTAssertEqual(inbox.warning(id: floodId)?.state, .cancelled)
            let order = inbox.warnings.map(\.id)
            XCTAssertLessThan(try XCTUnwrap(order.firstIndex(of: outageId)), try XCTUnwrap(order.firstIndex(of: floodId)),
                              "the Minor one in force before the cancelled Extreme one")
            XCTAssertTrue(inbox.ended.contains { $0.id == floodId })
            XCTAssertEqual(inbox.unread, unreadBefore - 1, "a cancelled warning is not counted")
        } catch {
            XCTFail("\(error)")
        }
        // Withdraw them, so the shared server's other tests are not warned of this run's flood.
        for id in published {
            let (status, body) = try await city.call("POST", "/api/v1/alerts/\(id)/cancel", token: admin, body: json([:]))
            XCTAssertEqual(status, 200, body)
        }
    }

    /// An operator publishes a warning for Phú Xuân ward (19753), where the citadel is; answers its id.
    private func publish(_ city: City, _ token: String, topic: String, severity: String, vi: String, en: String,
                         instructionVi: String? = nil, instructionEn: String? = nil) async throws -> String {
        let expires = iso8601(Date().addingTimeInterval(6 * 3_600))
        let body: [String: Any] = [
            "status": "Actual", "topic": topic, "urgency": "Immediate", "severity": severity, "certainty": "Observed",
            "expires": expires,
            "texts": [
                ["language": "vi-VN", "event": topic, "headline": vi, "instruction": instructionVi ?? NSNull()] as [String: Any],
                ["language": "en-US", "event": topic, "headline": en, "instruction": instructionEn ?? NSNull()] as [String: Any],
            ],
            "areas": [["kind": "named", "code": "19753"]],
        ]
        let (status, answer) = try await city.call("POST", "/api/v1/alerts", token: token, body: json(body))
        XCTAssertEqual(status, 201, answer)
        return try field(answer, "id")
    }

    // MARK: - What the resident follows (no server needed)

    func testAddingAndRemovingPlacesWithTheCoresRefusalShownAndTheInputKept() throws {
        let app = try phone(unreachable)
        let model = SubscriptionsViewModel(app: app)
        XCTAssertEqual(model.subscription?.places.count, 0)
        XCTAssertEqual(model.wards.count, 40, "Huế's 40 wards and communes")

        model.startAddPlace()
        XCTAssertNotNil(model.adding?.centerArea, "the map's centre is located by the core")
        // Too long a name: the core refuses, the form says why and keeps what was typed.
        let long = "Nhà của ông bà nội ở gần cửa Thượng Tứ, bên trong Kinh thành Huế xưa"
        model.setPlaceName(long)
        model.savePlace()
        XCTAssertEqual(model.adding?.error, "Tên địa điểm cần từ 1 đến 60 ký tự.")
        XCTAssertEqual(model.adding?.name, long)
        XCTAssertEqual(try app.warnings().subscription().places.count, 0)
        model.setPlaceName("Nhà")
        XCTAssertNil(model.adding?.error)
        model.setRadius(500)
        model.savePlace()
        XCTAssertNil(model.adding)
        XCTAssertEqual(model.subscription?.places.count, 1)
        XCTAssertEqual(model.placeAreas["Nhà"], "Phường Phú Xuân", "the point's ward, for its row")
        guard case let .point(name, lat, _, radius) = try app.warnings().subscription().places.first else {
            return XCTFail("not a point")
        }
        XCTAssertEqual(name, "Nhà")
        XCTAssertEqual(radius, 500)
        XCTAssertEqual(lat, WarningWords.citadel.lat, accuracy: 1e-9)

        // A ward or commune: "save" without one says so; picking one names the place when it has no name.
        model.startAddPlace()
        model.setPlaceKind(.ward)
        model.savePlace()
        XCTAssertEqual(model.adding?.needsWard, true)
        let phuHo = try XCTUnwrap(model.wards.first { $0.code == "19918" })
        XCTAssertEqual(phuHo.name, "Xã Phú Hồ")
        model.pickWard(code: phuHo.code, name: phuHo.name)
        XCTAssertEqual(model.adding?.name, "Xã Phú Hồ")
        XCTAssertEqual(model.adding?.needsWard, false)
        model.savePlace()
        XCTAssertEqual(model.subscription?.places.count, 2)

        model.removePlace(name: "Nhà")
        XCTAssertEqual(try app.warnings().subscription().places, [.area(name: "Xã Phú Hồ", code: "19918")])

        // A ward the core does not know is refused.
        XCTAssertThrowsError(try app.warnings().addPlace(place: .area(name: "Không có", code: "999")))
    }

    func testTopicsSeverityPositionQuietHoursAndLanguageAreSavedOnThePhoneRefusalsShown() throws {
        let app = try phone(unreachable, language: "en")
        let model = SubscriptionsViewModel(app: app)
        XCTAssertEqual(model.topics.first { $0.code == "flood" }?.name, "Floods")

        model.toggleTopic("traffic")
        XCTAssertEqual(try app.warnings().subscription().topics, ["traffic"])
        model.toggleTopic("flood")
        XCTAssertEqual(Set(try app.warnings().subscription().topics), ["traffic", "flood"])
        model.toggleTopic("traffic")
        XCTAssertEqual(try app.warnings().subscription().topics, ["flood"])
        model.allTopics()
        XCTAssertEqual(try app.warnings().subscription().topics, [])
        model.setMinSeverity(.severe)
        XCTAssertEqual(try app.warnings().subscription().minSeverity, .severe)
        model.setFollowPosition(true)
        XCTAssertEqual(try app.warnings().subscription().currentPosition, true)
        model.setWarningLanguage("en")
        XCTAssertEqual(try app.warnings().subscription().language, "en")

        // An hour that does not exist: the core refuses, the typed text stays.
        model.setQuietStart("25:00")
        model.setQuietHours(true)
        XCTAssertEqual(model.quietError, "These quiet hours are not valid.")
        XCTAssertEqual(model.quietStart, "25:00")
        XCTAssertNil(try app.warnings().subscription().quietStartMinute)
        // Not a time at all: the screen says how to write one.
        model.setQuietStart("late")
        model.saveQuietHours()
        XCTAssertTrue(model.quietBadFormat)
        XCTAssertNil(model.quietError)
        // Overnight hours are fine.
        model.setQuietStart("21:30")
        model.saveQuietHours()
        XCTAssertTrue(model.quietOn)
        XCTAssertTrue(model.quietOvernight)
        XCTAssertEqual(try app.warnings().subscription().quietStartMinute, UInt16(21 * 60 + 30))
        XCTAssertEqual(try app.warnings().subscription().quietEndMinute, UInt16(6 * 60))
        model.setQuietHours(false)
        XCTAssertFalse(model.quietOn)
        XCTAssertNil(try app.warnings().subscription().quietStartMinute, "quiet hours turned off again")
        XCTAssertEqual(model.quietStart, "21:30", "the hours typed stay for next time")

        // "Where I am now": the position is taken while followed, refused when not a position.
        model.updatePosition(lat: citadelLat, lon: citadelLon)
        XCTAssertNil(model.error)
        model.updatePosition(lat: 91, lon: 0)
        XCTAssertEqual(model.error, "This position is not valid.")
    }

    func testEveryWardTheScreenOffersIsOneTheCoreKnows() throws {
        let app = try phone(unreachable)
        let model = SubscriptionsViewModel(app: app)
        XCTAssertEqual(model.wards.count, 40, "Huế's 40 wards and communes: \(model.wards.map(\.name))")
        XCTAssertEqual(model.wards, app.wards(), "as the core lists them, in its order")
        // One at a time: a phone keeps fewer places than the city has wards.
        for ward in model.wards {
            model.startAddPlace()
            model.setPlaceKind(.ward)
            model.pickWard(code: ward.code, name: ward.name)
            model.savePlace()
            XCTAssertNil(model.adding, "\(ward.name) saved: \(String(describing: model.adding?.error))")
            model.removePlace(name: ward.name)
        }
        XCTAssertEqual(try app.warnings().subscription().places.count, 0)
        // The topics one can follow come from the core, named in the app's language.
        XCTAssertEqual(model.topics.first { $0.code == "flood" }?.name, "Lũ lụt, ngập")
        XCTAssertEqual(try app.checkPoint(lat: citadelLat, lon: citadelLon).ward.code, "19753", "the citadel is in Phú Xuân ward")
    }

    func testAPhoneWithNoWarningsHasAnEmptyInboxAndNoUnreadCount() async throws {
        let app = try phone(unreachable)
        let model = WarningsViewModel(app: app)
        XCTAssertTrue(model.loaded)
        XCTAssertTrue(model.warnings.isEmpty)
        XCTAssertEqual(model.unread, 0)
        // Offline, pulling to refresh says why and does not crash.
        await model.refresh()
        XCTAssertFalse(model.refreshing)
        XCTAssertTrue(model.warnings.isEmpty)
        // A warning not on this phone: nothing to mark, no shapes.
        model.open(id: "no-such-warning")
        XCTAssertNil(model.shapes["no-such-warning"])
    }
}
