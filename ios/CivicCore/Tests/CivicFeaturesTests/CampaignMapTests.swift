// Green Sunday's live map as android/ui's campaign screen draws it: a pin per spot with its
// state's kind, the meeting points named, the drawn area, a region that shows them all, the
// ended card's map with the cleaned spots only, and labels that say the state in words
// (Vietnamese unless the app is in English). Built from the core's records directly: no server.
// The last test picks a spot on the map of a view model over a phone without a connection.

import CivicCore
import CivicFeatures
import CivicTesting
import Foundation
import XCTest

@MainActor
final class CampaignMapTests: XCTestCase {
    /// A campaign around the citadel with two meeting points (the second's position unknown
    /// on a copy kept from before positions were sent, when `positions` is 1) and a drawn area.
    private func campaign(phase: CampaignPhase = .running, positions: Int = 2, area: [GeoPoint]? = nil) -> CampaignInfo {
        let meeting = [GeoPoint(lat: 16.4699, lon: 107.5862), GeoPoint(lat: 16.4580, lon: 107.5950)]
        let ring = area ?? [
            GeoPoint(lat: 16.455, lon: 107.580), GeoPoint(lat: 16.455, lon: 107.600),
            GeoPoint(lat: 16.475, lon: 107.600), GeoPoint(lat: 16.475, lon: 107.580),
            GeoPoint(lat: 16.455, lon: 107.580),
        ]
        return CampaignInfo(
            id: "c-map", name: "Chủ nhật xanh", startsAt: Date().addingTimeInterval(-3_600), endsAt: Date().addingTimeInterval(3_600),
            areas: [], meetingPoints: ["Cửa Thượng Tứ", "Chợ Đông Ba"], meetingAt: Array(meeting.prefix(positions)), area: ring,
            categories: [CampaignCategory(code: "litter", name: "Rác thải")], goalSpots: 20, phase: phase,
            phaseLabel: "Đang diễn ra", cancelReason: nil, participants: 3, teams: [], joined: true, myTeam: "Tổ dân phố 5"
        )
    }

    private func spot(_ id: String, _ state: SpotState, lat: Double, lon: Double, mine: Bool = false, waiting: Bool = false,
                      team: String? = nil) -> CampaignSpot {
        let label: String
        switch state {
        case .reported: label = "Chưa dọn"
        case .claimed: label = "Đang dọn"
        case .cleaned: label = "Đã dọn"
        case .handedOver: label = "Đã chuyển thành phản ánh"
        }
        return CampaignSpot(
            id: id, categoryName: "Rác thải", lat: lat, lon: lon, state: state, stateLabel: label, team: team,
            alsoReported: 0, kg: state == .cleaned ? 2.5 : nil, waiting: waiting, reportNumber: nil, mine: mine
        )
    }

    /// One spot in each state, the first the resident's and still waiting on the phone; one
    /// outside the drawn area, to the north-east.
    private var spots: [CampaignSpot] {
        [
            spot("s-reported", .reported, lat: 16.4640, lon: 107.5900, mine: true, waiting: true),
            spot("s-claimed", .claimed, lat: 16.4650, lon: 107.5910, team: "Tổ dân phố 5"),
            spot("s-cleaned", .cleaned, lat: 16.4660, lon: 107.5920, team: "Chi đoàn Phú Xuân"),
            spot("s-handed", .handedOver, lat: 16.4700, lon: 107.5850),
            spot("s-far", .cleaned, lat: 16.4800, lon: 107.6100, mine: true),
        ]
    }

    func testOnePinPerSpotWithItsKindAndTheMeetingPointsNamed() {
        let map = CampaignMap(campaign: campaign(), spots: spots)
        XCTAssertEqual(map.spotPins.map(\.id), spots.map(\.id), "one pin per spot, in the list's order")
        XCTAssertEqual(map.spotPins.compactMap(\.spotId), spots.map(\.id), "each spot's pin carries its id")
        XCTAssertEqual(map.spotPins.map(\.kind), [.reported, .claimed, .cleaned, .handedOver, .cleaned])
        for (pin, spot) in zip(map.spotPins, spots) {
            XCTAssertEqual(pin.lat, spot.lat)
            XCTAssertEqual(pin.lon, spot.lon)
            XCTAssertEqual(pin.mine, spot.mine)
            XCTAssertEqual(pin.waiting, spot.waiting)
            XCTAssertEqual(pin.title, "Rác thải")
        }

        XCTAssertEqual(map.meetingPins.count, 2)
        XCTAssertEqual(map.meetingPins.map(\.title), ["Cửa Thượng Tứ", "Chợ Đông Ba"])
        XCTAssertEqual(map.meetingPins.map(\.kind), [.meetingPoint, .meetingPoint])
        XCTAssertEqual(map.meetingPins.map(\.accessibilityLabel), ["Điểm tập trung: Cửa Thượng Tứ", "Điểm tập trung: Chợ Đông Ba"])
        XCTAssertEqual(map.meetingPins.first?.lat, 16.4699)
        XCTAssertEqual(map.meetingPins.first?.lon, 107.5862)
        XCTAssertTrue(map.meetingPins.allSatisfy { $0.spotId == nil && !$0.mine && !$0.waiting })
        XCTAssertEqual(map.pins.count, spots.count + 2)
        XCTAssertEqual(Set(map.pins.map(\.id)).count, map.pins.count, "ids unique across spots and meeting points")
        XCTAssertFalse(map.isEmpty)

        // The legend: the four states once there is a spot, the meeting point; yours and waiting.
        XCTAssertEqual(map.legendKinds, [.reported, .claimed, .cleaned, .handedOver, .meetingPoint])
        XCTAssertTrue(map.showsMine)
        XCTAssertTrue(map.showsWaiting)
        XCTAssertEqual(
            CampaignMapWords.legend(kinds: map.legendKinds, area: true, mine: map.showsMine, waiting: map.showsWaiting),
            "Chưa dọn, Đang dọn, Đã dọn, Đã chuyển thành phản ánh, Điểm tập trung, Khu vực chiến dịch, Bạn báo, Chờ gửi"
        )

        // A copy kept from before the positions were sent: only the points with a position.
        let older = CampaignMap(campaign: campaign(positions: 1), spots: [])
        XCTAssertEqual(older.meetingPins.map(\.title), ["Cửa Thượng Tứ"])
        XCTAssertEqual(older.legendKinds, [.meetingPoint], "no spot: no states in the legend")
    }

    func testTheLabelsSayTheStateInWordsInVietnameseByDefault() {
        let vi = CampaignMap(campaign: campaign(), spots: spots)
        XCTAssertEqual(vi.spotPins.map(\.accessibilityLabel), [
            "Rác thải: chưa dọn, bạn báo, chờ gửi",
            "Rác thải: đang dọn, đội Tổ dân phố 5",
            "Rác thải: đã dọn, đội Chi đoàn Phú Xuân",
            "Rác thải: đã chuyển thành phản ánh",
            "Rác thải: đã dọn, bạn báo",
        ])
        XCTAssertEqual(CampaignMap(campaign: campaign(), spots: spots, language: .vi), vi, "Vietnamese is the default")
        XCTAssertEqual(CampaignMapWords.kind(.claimed), "Đang dọn")

        let en = CampaignMap(campaign: campaign(), spots: spots, language: .en)
        XCTAssertEqual(en.spotPins.first?.accessibilityLabel, "Rác thải: not cleaned yet, yours, waiting to send")
        XCTAssertEqual(en.spotPins[1].accessibilityLabel, "Rác thải: being cleaned, team Tổ dân phố 5")
        XCTAssertEqual(en.spotPins[3].accessibilityLabel, "Rác thải: handed to the city")
        XCTAssertEqual(en.meetingPins.first?.accessibilityLabel, "Meet at: Cửa Thượng Tứ")
        XCTAssertEqual(en.spotPins.map(\.kind), vi.spotPins.map(\.kind), "the language changes words, not kinds")
        XCTAssertEqual(en.region, vi.region)

        // Each state has its own words: colour is never the only cue.
        let words = CampaignPinKind.allCases.map { CampaignMapWords.kind($0) }
        XCTAssertEqual(Set(words).count, CampaignPinKind.allCases.count)
        XCTAssertTrue(vi.spotPins.allSatisfy { $0.accessibilityLabel.hasPrefix("Rác thải: ") }, "the category in every label")
    }

    func testTheRegionShowsEveryPinAndTheArea() {
        let c = campaign()
        let map = CampaignMap(campaign: c, spots: spots)
        XCTAssertEqual(map.area, c.area)
        for pin in map.pins {
            XCTAssertTrue(map.region.contains(lat: pin.lat, lon: pin.lon), "\(pin.id) outside \(map.region)")
        }
        for point in c.area {
            XCTAssertTrue(map.region.contains(lat: point.lat, lon: point.lon), "the area's \(point) outside \(map.region)")
        }
        // Framed, not the whole province: a little room around what it shows.
        XCTAssertLessThan(map.region.north - map.region.south, 0.1)
        XCTAssertLessThan(map.region.east - map.region.west, 0.1)
        XCTAssertFalse(map.region.contains(lat: 16.60, lon: 107.59))

        // A single spot and no area: a street or two around it, not a doorstep.
        let one = CampaignMap(campaign: campaign(positions: 0, area: []), spots: [spots[0]])
        XCTAssertTrue(one.region.contains(lat: spots[0].lat, lon: spots[0].lon))
        XCTAssertGreaterThanOrEqual(one.region.north - one.region.south, CampaignMap.minimumSpan - 1e-12)
        XCTAssertGreaterThanOrEqual(one.region.east - one.region.west, CampaignMap.minimumSpan - 1e-12)
        XCTAssertTrue(one.area.isEmpty, "named by wards: no area")

        // Nothing to show (no campaign yet, no spot): the citadel, and the screen hides the map.
        let none = CampaignMap(campaign: nil, spots: [])
        XCTAssertTrue(none.isEmpty)
        XCTAssertEqual(none.region, CampaignMap.fallback)
        XCTAssertTrue(none.region.contains(lat: citadelLat, lon: citadelLon))
        // An area alone is something to show.
        XCTAssertFalse(CampaignMap(campaign: campaign(positions: 0), spots: []).isEmpty)
    }

    func testTheEndedCardsMapHasOnlyTheCleanedSpots() {
        let c = campaign(phase: .ended)
        let map = CampaignMap(campaign: c, spots: spots)
        XCTAssertEqual(map.cleanedPins.map(\.id), ["s-cleaned", "s-far"])
        XCTAssertTrue(map.cleanedPins.allSatisfy { $0.kind == .cleaned })
        XCTAssertFalse(map.cleanedPins.contains { $0.kind == .meetingPoint }, "no meeting points on the card")
        XCTAssertEqual(map.cleanedLegendKinds, [.cleaned])
        for pin in map.cleanedPins {
            XCTAssertTrue(map.cleanedRegion.contains(lat: pin.lat, lon: pin.lon))
        }
        for point in c.area {
            XCTAssertTrue(map.cleanedRegion.contains(lat: point.lat, lon: point.lon))
        }

        // Nothing cleaned: the card has no map.
        let dirty = CampaignMap(campaign: c, spots: spots.filter { $0.state != .cleaned })
        XCTAssertTrue(dirty.cleanedPins.isEmpty)
        XCTAssertEqual(dirty.cleanedLegendKinds, [])
    }

    func testASpotPickedOnTheMapIsSelectedOnAPhoneWithoutAConnection() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("civic-campaign-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let app = try CivicApp.open(dataDir: dir.path, serverUrl: unreachable, language: "vi", tokens: MemoryTokens())
        let model = CampaignViewModel(app: app, campaignId: "c-map-offline", reminders: NoReminders())
        XCTAssertTrue(model.map().isEmpty, "nothing yet")

        model.join(teamId: nil, newTeam: nil)
        await model.reportSpot(category: "litter", photo: try jpeg(seed: 61), location: gps(citadelLat, citadelLon))
        XCTAssertNil(model.error)
        let map = model.map()
        let pin = try XCTUnwrap(map.spotPins.first)
        XCTAssertEqual(map.spotPins.count, 1)
        XCTAssertEqual(pin.kind, .reported)
        XCTAssertTrue(pin.mine && pin.waiting, "the resident's, still on the phone")
        XCTAssertTrue(pin.accessibilityLabel.contains("chưa dọn") && pin.accessibilityLabel.contains("bạn báo")
            && pin.accessibilityLabel.contains("chờ gửi"), pin.accessibilityLabel)
        XCTAssertTrue(map.region.contains(lat: pin.lat, lon: pin.lon))
        XCTAssertTrue(map.cleanedPins.isEmpty)

        XCTAssertNil(model.selectedSpot)
        model.select(spot: pin.spotId)
        XCTAssertEqual(model.selectedSpot, pin.id)
        model.select(spot: "not-a-spot")
        XCTAssertNil(model.selectedSpot, "a spot not on the map is not picked")
        model.select(spot: pin.spotId)
        model.select(spot: nil)
        XCTAssertNil(model.selectedSpot)
    }
}

private struct NoReminders: CampaignReminderScheduling {
    func schedule(_ reminders: [CampaignReminder]) {}
}
