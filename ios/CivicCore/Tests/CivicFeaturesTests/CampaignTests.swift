// Green Sunday's view model as android/ui's CampaignScreenTest checks it, against the real
// core: with no signal the quick capture lands on the phone's map at once, waiting, and nothing
// is lost; joining schedules the reminders before the campaign (and the campaign says joined,
// with the team, here and in the list); an ended campaign loads its summary card, with its
// before/after photos, and shows it again without a connection. The flows with campaigns need
// the real server (skipped without one); the offline capture runs without.

import CivicCore
import CivicFeatures
import CivicTesting
import Foundation
import XCTest

/// What the app's notification scheduler would have been asked to do.
private final class RecordingScheduler: CampaignReminderScheduling {
    var calls: [[CampaignReminder]] = []

    func schedule(_ reminders: [CampaignReminder]) {
        calls.append(reminders)
    }
}

@MainActor
final class CampaignTests: XCTestCase {
    /// A fresh data directory, removed after the test.
    private func newDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("civic-campaign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// Civic on a phone's data directory, talking to `url`.
    private func open(_ url: String, _ dir: URL, language: String = "vi") throws -> CivicApp {
        try CivicApp.open(dataDir: dir.path, serverUrl: url, language: language, tokens: MemoryTokens())
    }

    /// An operator announces a campaign in Phú Xuân ward (19753), litter only, a goal of 20
    /// spots, meeting at the Thượng Tứ gate; answers its id.
    private func announce(_ city: City, startsAt: Date, endsAt: Date) async throws -> String {
        let token = try await city.login()
        let body: [String: Any] = [
            "name": ["vi": "Chủ nhật xanh", "en": "Green Sunday"],
            "starts_at": iso8601(startsAt), "ends_at": iso8601(endsAt),
            "areas": ["19753"], "categories": ["litter"], "goal_spots": 20,
            "meeting_points": [["name": "Cửa Thượng Tứ", "lat": 16.4699, "lon": 107.5862] as [String: Any]],
        ]
        let (status, answer) = try await city.call("POST", "/api/v1/campaigns", token: token, body: json(body))
        XCTAssertEqual(status, 201, answer)
        return try field(answer, "id")
    }

    func testWithNoSignalTheQuickCaptureLandsOnThePhonesMapAtOnceWaiting() async throws {
        let app = try open(unreachable, try newDirectory())
        let reminders = RecordingScheduler()
        let model = CampaignViewModel(app: app, campaignId: "c-offline", reminders: reminders)
        model.join(teamId: nil, newTeam: "Tổ dân phố 5")
        await model.reportSpot(category: "litter", photo: try jpeg(seed: 51), location: gps(citadelLat, citadelLon))
        XCTAssertNil(model.error)
        XCTAssertEqual(model.waiting, 2, "the join and the spot wait on the phone")
        XCTAssertTrue(model.joined)
        XCTAssertEqual(model.myTeam, "Tổ dân phố 5")
        XCTAssertEqual(reminders.calls.count, 1, "joining schedules the reminders")
        XCTAssertEqual(reminders.calls.first, [], "a campaign never listed on this phone: nothing to remind of yet")
        XCTAssertEqual(model.spots.count, 1)
        XCTAssertEqual(model.spots.first?.waiting, true)
        XCTAssertEqual(model.spots.first?.mine, true, "the resident's own spot")
        XCTAssertEqual(model.spots.first?.state, .reported)

        await model.sync()
        XCTAssertFalse(model.busy)
        let notice = try XCTUnwrap(model.notice, "says why nothing went")
        XCTAssertFalse(notice.trimmingCharacters(in: .whitespaces).isEmpty)
        XCTAssertEqual(model.waiting, 2, "nothing lost")
        XCTAssertEqual(model.spots.count, 1)
        XCTAssertNil(model.summary, "no summary for a campaign not ended")
    }

    func testJoiningSchedulesTheRemindersAndTheCampaignSaysJoinedWithTheTeam() async throws {
        let city = try City.fromEnvironment()
        // In three days: both reminders (the evening before, an hour before) are still ahead.
        let start = Date().addingTimeInterval(3 * 86_400)
        let id = try await announce(city, startsAt: start, endsAt: start.addingTimeInterval(3 * 3_600))
        let dir = try newDirectory()
        let app = try open(city.url, dir)
        let reminders = RecordingScheduler()
        let model = CampaignViewModel(app: app, campaignId: id, reminders: reminders)
        await model.load()
        let listed = try XCTUnwrap(model.campaign)
        XCTAssertEqual(listed.phase, .upcoming)
        XCTAssertFalse(model.joined)
        XCTAssertNil(model.myTeam)
        XCTAssertTrue(reminders.calls.isEmpty, "nothing scheduled before joining")

        model.join(teamId: nil, newTeam: "Tổ dân phố 7")
        XCTAssertNil(model.error)
        XCTAssertTrue(model.joined)
        XCTAssertEqual(model.myTeam, "Tổ dân phố 7")
        XCTAssertEqual(reminders.calls.count, 1)
        let mine = (reminders.calls.last ?? []).filter { $0.campaignId == id }
        XCTAssertEqual(mine.count, 2, "\(mine)")
        guard mine.count == 2 else { return }
        let (evening, hour) = (mine[0], mine[1])
        XCTAssertTrue(evening.title.hasPrefix("Ngày mai: Chủ nhật xanh"), evening.title)
        XCTAssertTrue(evening.body.contains("Cửa Thượng Tứ") && evening.body.contains("Đội: Tổ dân phố 7"), evening.body)
        XCTAssertTrue(hour.title.hasPrefix("1 giờ nữa"), hour.title)
        XCTAssertLessThan(evening.at, hour.at)
        XCTAssertGreaterThan(evening.at, Date())
        XCTAssertEqual(hour.at.timeIntervalSince(start), -3_600, accuracy: 1, "an hour before the start")
        XCTAssertNotEqual(evening.key, hour.key)
        XCTAssertTrue(evening.key.hasPrefix("campaign-") && hour.key.hasPrefix("campaign-"), "the app removes stale ones by this prefix")

        // Sent, and read again: the core says joined, with the team, here and in the list.
        await model.sync()
        XCTAssertEqual(model.waiting, 0, String(describing: model.notice))
        await model.load()
        XCTAssertEqual(model.campaign?.joined, true)
        XCTAssertEqual(model.campaign?.myTeam, "Tổ dân phố 7")
        XCTAssertTrue(model.joined)
        XCTAssertEqual(model.myTeam, "Tổ dân phố 7")
        let list = CampaignsViewModel(app: app)
        await list.load()
        XCTAssertEqual(list.campaigns.first(where: { $0.id == id })?.joined, true, "joined campaigns are always near")

        // Reopened without a connection: the campaign as last listed, still joined, the same reminders.
        let offlineApp = try open(unreachable, dir)
        let offline = CampaignViewModel(app: offlineApp, campaignId: id, reminders: RecordingScheduler())
        await offline.load()
        XCTAssertNil(offline.error)
        XCTAssertEqual(offline.campaign?.phase, .upcoming)
        XCTAssertTrue(offline.joined)
        XCTAssertEqual(offline.myTeam, "Tổ dân phố 7")
        XCTAssertEqual(try offlineApp.campaigns().reminders().filter { $0.campaignId == id }.map(\.key), mine.map(\.key))
    }

    func testAnEndedCampaignLoadsItsSummaryCardWithItsPairsAndKeepsItOffline() async throws {
        let city = try City.fromEnvironment()
        // Under way for a few more seconds: time to join, report a spot and clean it.
        let end = Date().addingTimeInterval(15)
        let id = try await announce(city, startsAt: Date().addingTimeInterval(-600), endsAt: end)
        let dir = try newDirectory()
        let app = try open(city.url, dir)
        let reminders = RecordingScheduler()
        let running = CampaignViewModel(app: app, campaignId: id, reminders: reminders)
        await running.load()
        XCTAssertEqual(running.campaign?.phase, .running)
        XCTAssertNil(running.summary, "no card while it runs")
        running.join(teamId: nil, newTeam: "Tổ dân phố 9")
        XCTAssertEqual(reminders.calls.last?.filter { $0.campaignId == id }, [], "a campaign under way has nothing left to remind of")
        let lat = citadelLat + 0.002 + Double.random(in: 0..<0.001)
        let lon = citadelLon + 0.002 + Double.random(in: 0..<0.001)
        await running.reportSpot(category: "litter", photo: try jpeg(seed: 52), location: gps(lat, lon))
        await running.sync()
        XCTAssertEqual(running.waiting, 0, String(describing: running.notice))
        let spot = try XCTUnwrap(running.spots.first(where: { $0.mine }))
        try await app.campaigns().cleanSpot(campaign: id, spot: spot.id, photo: try jpeg(seed: 53), location: gps(lat, lon), kg: 2.5)
        let cleaned = try await app.campaigns().send()
        XCTAssertEqual(cleaned.sent, 1, String(describing: cleaned.stopped))

        // The campaign ends; the resident opens it again.
        let left = end.timeIntervalSinceNow + 1
        if left > 0 { try await Task.sleep(nanoseconds: UInt64(left * 1_000_000_000)) }
        let model = CampaignViewModel(app: app, campaignId: id, reminders: reminders)
        await model.load()
        XCTAssertEqual(model.campaign?.phase, .ended)
        XCTAssertNil(model.error)
        let card = try XCTUnwrap(model.summary, "the card of an ended campaign")
        XCTAssertEqual(card.headline, "Đã dọn 1/1 điểm · 2,5 kg")
        XCTAssertEqual(card.reported, 1)
        XCTAssertEqual(card.cleaned, 1)
        XCTAssertEqual(card.handedOver, 0)
        XCTAssertEqual(card.kg, 2.5, accuracy: 1e-9)
        XCTAssertEqual(card.goalSpots, 20)
        XCTAssertFalse(card.goalReached)
        XCTAssertEqual(card.myTeam?.name, "Tổ dân phố 9")
        XCTAssertEqual(card.myTeam?.cleaned, 1)
        XCTAssertEqual(card.mine, "Bạn đã báo 1 điểm, 1 điểm đã được dọn.")
        XCTAssertEqual(card.byTeam.map(\.name), ["Tổ dân phố 9"])
        XCTAssertEqual(card.byWard.reduce(0) { $0 + $1.reported }, 1, "the spot counts in its ward: \(card.byWard)")
        XCTAssertEqual(model.pairs.count, 1)
        let pair = try XCTUnwrap(model.pairs.first)
        XCTAssertEqual(pair.spotId, spot.id)
        XCTAssertEqual(pair.team, "Tổ dân phố 9")
        let before = try XCTUnwrap(pair.before.bytes, "the before-photo is on the phone")
        let after = try XCTUnwrap(pair.after.bytes, "the after-photo is on the phone")
        XCTAssertFalse(before.isEmpty || after.isEmpty)
        XCTAssertNotEqual(before, after)
        XCTAssertTrue(model.spots.first(where: { $0.id == spot.id })?.mine == true)

        // Without a connection (the app reopened on the same data), the card as last fetched.
        let offline = CampaignViewModel(app: try open(unreachable, dir), campaignId: id, reminders: RecordingScheduler())
        await offline.load()
        XCTAssertEqual(offline.campaign?.phase, .ended, "the campaign as last listed")
        XCTAssertEqual(offline.summary?.headline, card.headline)
        XCTAssertEqual(offline.pairs.first?.before.bytes, before)
        XCTAssertEqual(offline.pairs.first?.after.bytes, after)
        XCTAssertTrue(offline.joined)
        XCTAssertEqual(offline.myTeam, "Tổ dân phố 9")
    }
}
