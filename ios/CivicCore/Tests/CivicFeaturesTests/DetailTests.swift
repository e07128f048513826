// A report's detail as android/ui's ReportDetailTest checks it: a report waiting on the phone,
// one that does not exist, the officer's answers reaching the phone then the citizen rating
// and reopening, a rating without a connection keeping what was typed, and a refusal.

import CivicCore
import CivicFeatures
import CivicTesting
import Foundation
import XCTest

@MainActor
final class DetailTests: XCTestCase {
    /// A fresh data directory, removed after the test.
    private func newDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("civic-detail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    private func open(_ url: String, _ dir: URL, tokens: MemoryTokens = MemoryTokens()) throws -> CivicApp {
        try CivicApp.open(dataDir: dir.path, serverUrl: url, language: "vi", tokens: tokens)
    }

    func testAReportWaitingOnThePhoneShowsWhatWasSentAndThatItIsSaved() async throws {
        let app = try open(unreachable, try newDirectory())
        let id = try await captureLitter(app, seed: 31)
        let model = ReportDetailViewModel(app: app, reportId: id, language: .vi)
        XCTAssertTrue(model.loaded)
        XCTAssertNil(model.error)
        XCTAssertEqual(model.categoryName, "Rác thải trên đường phố")
        XCTAssertEqual(model.status, .queued)
        XCTAssertEqual(model.detail?.report.statusLabel, "Chờ gửi")
        XCTAssertEqual(model.timeline.first?.status, .queued)
        XCTAssertEqual(model.statusText(.queued), "Chờ gửi", "the core's words")
        XCTAssertEqual(model.detail?.report.description, "Rác đổ trên vỉa hè đường Lê Duẩn (31)")
        // The category's question by its prompt, the answer by its label.
        XCTAssertEqual(model.answers, [AnsweredQuestion(prompt: "Lượng rác khoảng bao nhiêu?", answer: "Khoảng một bao")])
        XCTAssertNil(model.detail?.report.publicNumber, "no number before it is sent")
        XCTAssertEqual(model.detail?.report.anonymous, false)
        XCTAssertEqual(model.detail?.report.ward?.name, "Phường Phú Xuân")
        XCTAssertEqual(model.photos.count, 1)
        XCTAssertNotNil(model.photos.first?.bytes)
        XCTAssertNil(model.before, "no before/after before an outcome")
        XCTAssertFalse(model.canRate, "no rating before an outcome")
        XCTAssertFalse(model.canReopen, "nothing to reopen")
        XCTAssertNil(model.detail?.refusal)
        model.close()
    }

    func testAReportThatDoesNotExistSaysSo() throws {
        let app = try open(unreachable, try newDirectory())
        let model = ReportDetailViewModel(app: app, reportId: UUID().uuidString, language: .vi)
        XCTAssertTrue(model.loaded)
        XCTAssertNil(model.detail)
        XCTAssertNotNil(model.error, "the core's message is shown")
        model.close()
    }

    func testTheOfficersAnswersReachThePhoneThenTheCitizenRatesAndReopens() async throws {
        let city = try City.fromEnvironment()
        let uniq = String(UUID().uuidString.prefix(8))
        let reply = "Đội sẽ đến trong hôm nay, cảm ơn bạn (\(uniq))"
        let resolution = "Đã thu gom rác (\(uniq))"
        let app = try open(city.url, try newDirectory())
        let id = try await captureLitter(app, seed: 41)
        let first = try await app.syncNow()
        XCTAssertEqual(first.submitted, [id])
        let official = try await loginOfficial(serverUrl: city.url, username: city.admin, password: city.password, language: "vi")

        let model = ReportDetailViewModel(app: app, reportId: id, language: .vi)
        XCTAssertNotNil(model.detail?.report.publicNumber)
        XCTAssertTrue(model.status == .submitted || model.status == .received, "\(String(describing: model.status))")

        // The official moves it on and answers; the phone hears it at its next sync.
        let inProgressNote = "Đã giao đội vệ sinh (\(uniq))"
        _ = try await official.changeStatus(id: id, to: .inProgress, note: inProgressNote)
        _ = try await official.reply(id: id, text: reply)
        _ = try await app.syncNow()
        let working = await waitUntil {
            model.status == .inProgress && model.timeline.contains(where: { $0.note == reply })
        }
        XCTAssertTrue(working, "in progress with the reply: \(model.timeline)")
        XCTAssertTrue(model.timeline.contains(where: { $0.status == .inProgress && $0.note == inProgressNote }))
        XCTAssertNotEqual(model.timeline.first(where: { $0.note == reply })?.actor, .citizen)
        XCTAssertEqual(model.statusText(.inProgress), "Đang xử lý")
        XCTAssertFalse(model.canRate, "no rating before it is resolved")
        XCTAssertFalse(model.canReopen)

        // Resolved on site with an after-photo; pull to refresh brings it.
        _ = try await official.resolve(id: id, note: resolution, photo: try jpeg(seed: 77), location: gps(citadelLat + 0.0001, citadelLon))
        await model.refresh()
        XCTAssertFalse(model.refreshing)
        XCTAssertEqual(model.status, .resolved)
        XCTAssertNotNil(model.before?.bytes, "the report's own photo is on the phone")
        XCTAssertNotNil(model.after?.bytes, "the after-photo was fetched")
        XCTAssertTrue(model.canRate)
        XCTAssertTrue(model.canReopen)
        XCTAssertEqual(model.timeline.last?.note, resolution, "newest last")
        XCTAssertEqual(model.statusText(.resolved), "Đã xử lý xong")

        // Rated, as the citizen would.
        model.chooseStars(9)
        XCTAssertEqual(model.stars, 5, "at most five")
        model.chooseStars(4)
        model.setComment("Sạch rồi (\(uniq))")
        await model.rate()
        XCTAssertTrue(model.rating.done, "\(model.rating)")
        XCTAssertEqual(model.ratedStars, 4)
        XCTAssertEqual(model.comment, "")
        XCTAssertFalse(model.canRate, "rated once per outcome")
        XCTAssertEqual(try app.reports().report(id: id).rating, 4, "read back from the phone's store")
        XCTAssertEqual(try app.reports().report(id: id).canRate, false)

        // Not happy after all: reopened with why.
        let why = "Rác lại bị đổ ở góc đường (\(uniq))"
        model.setReopenReason(why)
        await model.reopenReport()
        XCTAssertTrue(model.reopen.done, "\(model.reopen)")
        XCTAssertEqual(model.reopenReason, "")
        let reopened = await waitUntil {
            model.status == .reopened && model.timeline.contains(where: { $0.status == .reopened && $0.note == why })
        }
        XCTAssertTrue(reopened, "\(model.timeline)")
        XCTAssertFalse(model.canReopen, "already reopened")
        let seen = try await official.report(id: id)
        XCTAssertEqual(seen.status, .reopened)
        model.close()
    }

    func testARatingWithoutAConnectionIsKeptAndShownAndReachesTheCityOnceBackOnline() async throws {
        let city = try City.fromEnvironment()
        let dir = try newDirectory()
        let tokens = MemoryTokens()
        let id: String
        do {
            let app = try open(city.url, dir, tokens: tokens)
            id = try await captureLitter(app, seed: 51)
            _ = try await app.syncNow()
            let official = try await loginOfficial(serverUrl: city.url, username: city.admin, password: city.password, language: "vi")
            _ = try await official.resolve(id: id, note: "Đã dọn", photo: try jpeg(seed: 52), location: gps(citadelLat, citadelLon))
            _ = try await app.syncNow()
            XCTAssertEqual(try app.reports().report(id: id).report.status, .resolved)
        }
        // The same phone, now without a connection: the rating is kept and shown at once.
        do {
            let app = try open(unreachable, dir, tokens: tokens)
            let model = ReportDetailViewModel(app: app, reportId: id, language: .vi)
            XCTAssertTrue(model.canRate)
            model.chooseStars(5)
            model.setComment("Tốt lắm")
            await model.rate()
            XCTAssertNil(model.rating.error, "\(model.rating)")
            XCTAssertTrue(model.rating.done)
            XCTAssertEqual(model.ratedStars, 5)
            XCTAssertFalse(model.canRate, "rated once per outcome")
            XCTAssertEqual(model.detail?.feedbackWaiting, true, "waiting to be sent")
            model.close()
        }
        // Back online: sent once.
        let app = try open(city.url, dir, tokens: tokens)
        XCTAssertEqual(try await app.syncNow().feedbackSent, 1)
        XCTAssertEqual(try await app.syncNow().feedbackSent, 0, "sent once")
        let official = try await loginOfficial(serverUrl: city.url, username: city.admin, password: city.password, language: "vi")
        XCTAssertEqual(try await official.report(id: id).rating, 5)
    }

    func testAReportTheCityRefusedSaysWhy() async throws {
        let city = try City.fromEnvironment()
        // Captured offline, then the phone's data copied to a second phone: the first to send
        // it owns its id, and the city refuses the copy for good.
        let first = try newDirectory()
        let id = try await captureLitter(try open(unreachable, first), seed: 61)
        let second = FileManager.default.temporaryDirectory.appendingPathComponent("civic-detail-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: first, to: second)
        addTeardownBlock { try? FileManager.default.removeItem(at: second) }
        let sent = try await open(city.url, first).syncNow()
        XCTAssertEqual(sent.submitted, [id])
        let phone = try open(city.url, second)
        let refused = try await phone.syncNow()
        XCTAssertEqual(refused.refused, [id])

        let model = ReportDetailViewModel(app: phone, reportId: id, language: .vi)
        let reason = try XCTUnwrap(model.detail?.refusal)
        XCTAssertFalse(reason.isEmpty)
        XCTAssertEqual(model.categoryName, "Rác thải trên đường phố")
        XCTAssertFalse(model.canRate)
        model.close()
    }
}

/// Waits up to `seconds` for what the view models hear from the core, on the main actor.
@MainActor
private func waitUntil(_ seconds: Double = 30, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline { return false }
        try? await Task.sleep(nanoseconds: 50_000_000)
    }
    return true
}
