// The "new report" flow as android/ui's CaptureFlowTest checks it, against the real core,
// offline and with the real server: saved offline then delivered, a point in the sea refused
// with nothing lost, what is missing in words, the photo's own GPS, a draft resumed after the
// app was killed, and "me too" instead of a duplicate.

import CivicCore
import CivicFeatures
import CivicTesting
import CoreGraphics
import Foundation
import ImageIO
import XCTest

@MainActor
final class CaptureTests: XCTestCase {
    /// A fresh data directory, removed after the test.
    private func newDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("civic-capture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// Civic on a phone's data directory, talking to `url`.
    private func open(_ url: String, _ dir: URL, language: String = "vi") throws -> CivicApp {
        try CivicApp.open(dataDir: dir.path, serverUrl: url, language: language, tokens: MemoryTokens())
    }

    /// A complete litter report at a point (a photo, the fix, the category, its answer, a description).
    private func fillLitter(_ model: CaptureViewModel, seed: Int, lat: Double, lon: Double, description: String) async throws {
        model.attachPhoto(try jpeg(seed: seed))
        model.setLocation(gps(lat, lon))
        model.chooseCategory("litter")
        model.answer("amount", .choice(key: "bag"))
        model.describe(description)
        await model.settled()
        XCTAssertEqual(model.missing, [])
        XCTAssertEqual(model.description, description)
        XCTAssertNotNil(model.area, "not in Huế: \(lat),\(lon)")
    }

    func testAReportCapturedOfflineIsSavedOnThePhoneAndTheReopenedPhoneDeliversIt() async throws {
        let dir = try newDirectory()
        let app = try open(unreachable, dir)
        var queued: [String] = []
        let description = "Rác trước cổng Ngọ Môn \(UUID().uuidString)"
        let model = CaptureViewModel(app: app, onQueued: { queued.append($0) }, typingDelayMs: 50)
        await model.settled()
        XCTAssertFalse(model.loading)
        XCTAssertNotNil(model.draftId)
        XCTAssertFalse(model.resumed, "a first report starts empty")
        XCTAssertEqual(model.missing, ["photo", "location", "category"])

        model.attachPhoto(try jpeg(seed: 21))
        model.setLocation(gps(citadelLat, citadelLon))
        await model.settled()
        XCTAssertEqual(model.photos.count, 1)
        XCTAssertNotNil(model.photos.first?.bytes, "the thumbnail's bytes")
        XCTAssertEqual(model.area?.ward.code, "19753")
        XCTAssertEqual(model.area?.ward.name, "Phường Phú Xuân")
        XCTAssertEqual(model.location?.accuracyM, 6)
        XCTAssertEqual(model.missing, ["category"])

        model.openPicker()
        XCTAssertTrue(model.picking)
        XCTAssertEqual(model.results.count, model.categories.count, "every category before a search")
        model.search("rac")
        XCTAssertFalse(model.results.isEmpty)
        XCTAssertLessThan(model.results.count, model.categories.count)
        XCTAssertEqual(model.results.first?.code, "litter", "accents optional: \(model.results.map(\.code))")
        XCTAssertFalse(model.results.first?.groupName.isEmpty ?? true, "the group's name for the picker")
        model.chooseCategory("litter")
        await model.settled()
        XCTAssertFalse(model.picking)
        XCTAssertEqual(model.category?.name, "Rác thải trên đường phố")
        XCTAssertEqual(model.missing, ["answer:amount"])
        XCTAssertEqual(model.category?.questions.count, 1)
        XCTAssertEqual(model.category?.questions.first?.required, true)

        model.answer("amount", .choice(key: "bag"))
        model.describe(description)
        await model.settled()
        XCTAssertEqual(model.missing, [])
        XCTAssertTrue(model.offers.isEmpty, "offline: no me-too offer, silently")
        XCTAssertTrue(model.canSend)

        model.send()
        await model.settled()
        let ended = await waitUntil { model.result != nil && !model.syncing }
        XCTAssertTrue(ended, "the send ended")
        guard case let .saved(reportId, hours) = model.result else {
            return XCTFail("saved on the phone, not \(String(describing: model.result))")
        }
        XCTAssertEqual(hours, 24)
        XCTAssertEqual(queued, [reportId], "the app is told to schedule a sync")
        XCTAssertNil(model.error, "offline is no failure of the send")
        XCTAssertEqual(try app.reports().report(id: reportId).report.description, description)
        XCTAssertEqual(try app.reports().report(id: reportId).report.status, .queued)
        XCTAssertTrue(try app.reports().drafts().isEmpty, "the draft became the report")
        model.close()

        // The phone comes back online (the app restarted on the same data).
        let city = try City.fromEnvironment()
        let online = try open(city.url, dir)
        let reports = MyReportsViewModel(app: online)
        await reports.refresh()
        let number = reports.reports.first(where: { $0.id == reportId })?.publicNumber
        XCTAssertTrue(number?.hasPrefix("HUE-") == true, "public number: \(String(describing: number))")
    }

    func testTheModelDeliversAtOnceWhenOnlineAndSaysSoWithTheNumber() async throws {
        let city = try City.fromEnvironment()
        let app = try open(city.url, try newDirectory())
        let model = CaptureViewModel(app: app)
        await model.settled()
        try await fillLitter(model, seed: 22, lat: citadelLat + 0.002, lon: citadelLon - 0.002, description: "Online \(UUID().uuidString)")
        model.sendAnyway()
        let delivered = await waitUntil(30) {
            if case .delivered = model.result { return true }
            return false
        }
        XCTAssertTrue(delivered, "delivered: \(String(describing: model.result))")
        guard case let .delivered(_, number, hours) = model.result else { return }
        XCTAssertTrue(number?.hasPrefix("HUE-") == true, "\(String(describing: number))")
        XCTAssertEqual(hours, 24)
        XCTAssertEqual(CaptureWords.expectedWords(24, language: .vi), "khoảng 24 giờ")
        XCTAssertEqual(CaptureWords.expectedWords(72, language: .en), "about 3 days")
        model.close()
    }

    func testAPointInTheSeaIsRefusedClearlyAndNothingIsLost() async throws {
        let app = try open(unreachable, try newDirectory())
        let model = CaptureViewModel(app: app, typingDelayMs: 50)
        await model.settled()
        try await fillLitter(model, seed: 23, lat: citadelLat, lon: citadelLon, description: "Ở Đại Nội")
        model.setLocation(gps(16.9, 108.5))
        await model.settled()
        let message = try XCTUnwrap(model.outsideArea)
        XCTAssertTrue(message.contains("ngoài địa bàn"), message)
        XCTAssertEqual(model.location?.lat, citadelLat, "the draft keeps its previous point")
        XCTAssertEqual(model.area?.ward.name, "Phường Phú Xuân")
        XCTAssertEqual(model.photos.count, 1)
        XCTAssertEqual(model.category?.code, "litter")
        XCTAssertEqual(model.description, "Ở Đại Nội")
        let draftId = try XCTUnwrap(model.draftId)
        XCTAssertEqual(try app.reports().draft(id: draftId).description, "Ở Đại Nội", "saved in the core too")
        XCTAssertEqual(model.missing, [])
        // A good point again clears the message.
        model.setLocation(gps(citadelLat + 0.001, citadelLon))
        await model.settled()
        XCTAssertNil(model.outsideArea)
        model.close()
    }

    func testWhatIsMissingIsListedInWordsAndSendIsRefusedUntilComplete() async throws {
        let app = try open(unreachable, try newDirectory())
        let model = CaptureViewModel(app: app)
        await model.settled()
        // The core's sentence, in the phone's language.
        XCTAssertEqual(model.missingLine, "Còn thiếu: ít nhất một ảnh, vị trí, loại vấn đề")
        XCTAssertFalse(model.canSend)
        let draftId = try XCTUnwrap(model.draftId)
        let empty = await civicError { try await app.reports().send(draft: draftId) }
        guard case .Incomplete? = empty else { return XCTFail("sending an empty draft: \(String(describing: empty))") }

        model.send()
        await model.settled()
        XCTAssertNotNil(model.error)
        XCTAssertNil(model.result, "nothing was sent")
        XCTAssertEqual(model.missing, ["photo", "location", "category"])

        model.attachPhoto(try jpeg(seed: 24))
        model.setLocation(gps(citadelLat, citadelLon))
        model.chooseCategory("pothole")
        await model.settled()
        XCTAssertEqual(model.missing, ["answer:size", "answer:danger"])
        XCTAssertEqual(model.missingLine,
                       "Còn thiếu: “Chỗ hư hỏng rộng khoảng bao nhiêu?”, “Có đang gây nguy hiểm cho người đi đường không?”")
        let unanswered = await civicError { try await app.reports().send(draft: draftId) }
        guard case let .Incomplete(_, missing)? = unanswered else {
            return XCTFail("sending with questions unanswered: \(String(describing: unanswered))")
        }
        XCTAssertEqual(missing, ["answer:size", "answer:danger"])

        let questions = model.category?.questions ?? []
        let size = try XCTUnwrap(questions.first(where: { $0.code == "size" })?.choices.first?.key)
        let danger = try XCTUnwrap(questions.first(where: { $0.code == "danger" })?.choices.first?.key)
        model.answer("size", .choice(key: size))
        model.answer("danger", .choice(key: danger))
        await model.settled()
        XCTAssertEqual(model.missing, [])
        XCTAssertNil(model.missingLine, "nothing is missing")
        XCTAssertTrue(model.canSend)
        model.close()
    }

    func testThePhotosOwnGPSIsOfferedAndUsedAndUsedAtOnceWhenThereIsNoFix() async throws {
        let app = try open(unreachable, try newDirectory())
        let model = CaptureViewModel(app: app)
        await model.settled()
        // No fix yet: the core places the draft where the photo was taken, and says where.
        model.attachPhoto(try exifJpeg(seed: 25, lat: 16.4700, lon: 107.5800))
        await model.settled()
        let fix = try XCTUnwrap(model.location)
        XCTAssertEqual(fix.source, .photoExif)
        XCTAssertEqual(fix.lat, 16.47, accuracy: 1e-4)
        XCTAssertEqual(fix.lon, 107.58, accuracy: 1e-4)
        XCTAssertEqual(model.area?.ward.name, "Phường Phú Xuân", "the core's answer: where the photo placed the draft")
        XCTAssertNil(model.outsideArea)
        let draftId = try XCTUnwrap(model.draftId)
        XCTAssertNil(model.photoLocationOffer, "nothing more to offer")
        XCTAssertNil(try app.reports().photoLocationOffer(draft: draftId), "the core offers nothing either")
        XCTAssertTrue(CaptureWords.accuracyWords(fix, language: .vi).hasSuffix("(vị trí trong ảnh)"))

        // A GPS fix elsewhere: the photo's position is offered.
        model.setLocation(gps(citadelLat, citadelLon))
        await model.settled()
        XCTAssertEqual(model.location?.source, .gps)
        let gpsFix = try XCTUnwrap(model.location)
        XCTAssertEqual(CaptureWords.accuracyWords(gpsFix, language: .vi), "±6 m (GPS)")
        let offered = try XCTUnwrap(model.photoLocationOffer)
        let core = try app.reports().photoLocationOffer(draft: draftId)
        XCTAssertEqual(core?.hash, offered.hash, "the core's offer")
        XCTAssertEqual(core?.fix.lat, offered.fix.lat)
        XCTAssertEqual(core?.fix.lon, offered.fix.lon)
        XCTAssertEqual(offered.hash, model.photos.first?.hash)
        model.usePhotoLocation(offered.hash)
        await model.settled()
        XCTAssertEqual(model.location?.source, .photoExif)
        XCTAssertEqual(model.area?.ward.name, "Phường Phú Xuân")
        XCTAssertNil(model.photoLocationOffer)
        model.close()
    }

    func testAnUnsentDraftSurvivesTheAppBeingKilledAndIsResumed() async throws {
        let dir = try newDirectory()
        do {
            let app = try open(unreachable, dir)
            let model = CaptureViewModel(app: app, typingDelayMs: 10_000)
            await model.settled()
            model.attachPhoto(try jpeg(seed: 26))
            model.setLocation(gps(citadelLat, citadelLon))
            model.chooseCategory("litter")
            await model.settled()
            model.describe("Gõ dở thì máy tắt")
            model.close() // the typing timer had not fired: closing keeps it
        }
        let app = try open(unreachable, dir)
        XCTAssertEqual(try app.reports().drafts().first?.blank, false, "the core's rule: something was entered")
        let model = CaptureViewModel(app: app)
        await model.settled()
        XCTAssertTrue(model.resumed)
        XCTAssertEqual(model.photos.count, 1)
        XCTAssertEqual(model.category?.code, "litter")
        XCTAssertEqual(model.description, "Gõ dở thì máy tắt")
        XCTAssertEqual(model.area?.ward.name, "Phường Phú Xuân", "the area is worked out again")
        XCTAssertEqual(model.missing, ["answer:amount"])
        model.close()
    }

    func testADraftLeftWithNothingEnteredIsTakenUpAgainButNotOfferedAsKeptFromBefore() async throws {
        let dir = try newDirectory()
        let draftId: String
        do {
            let model = CaptureViewModel(app: try open(unreachable, dir))
            await model.settled()
            draftId = try XCTUnwrap(model.draftId)
            model.close()
        }
        let app = try open(unreachable, dir)
        let left = try XCTUnwrap(try app.reports().drafts().first)
        XCTAssertEqual(left.id, draftId)
        XCTAssertTrue(left.blank, "the core's rule: nothing entered yet")
        let model = CaptureViewModel(app: app)
        await model.settled()
        XCTAssertEqual(model.draftId, draftId, "the same draft, not a second one")
        XCTAssertFalse(model.resumed, "no \"kept from last time\" for an empty draft")
        model.close()
    }

    func testMeTooInsteadOfADuplicateCountsOnceAndEndsTheFlowWithoutSending() async throws {
        let city = try City.fromEnvironment()
        // A unique spot in Huế, a few hundred metres from the citadel.
        let lat = citadelLat - 0.004 - Double.random(in: 0..<0.003)
        let lon = citadelLon + 0.004 + Double.random(in: 0..<0.004)
        let first = try open(city.url, try newDirectory())
        let model = CaptureViewModel(app: first)
        await model.settled()
        try await fillLitter(model, seed: 27, lat: lat, lon: lon, description: "Đống rác \(UUID().uuidString)")
        model.sendAnyway()
        _ = await waitUntil(30) {
            if case .delivered = model.result { return true }
            return false
        }
        guard case let .delivered(firstId, publicNumber, _) = model.result, let number = publicNumber else {
            return XCTFail("the first report was not delivered: \(String(describing: model.result))")
        }
        model.close()

        let second = try open(city.url, try newDirectory())
        let duplicate = CaptureViewModel(app: second)
        await duplicate.settled()
        duplicate.attachPhoto(try jpeg(seed: 28))
        duplicate.setLocation(gps(lat + 20.0 / 110_540.0, lon))
        duplicate.chooseCategory("litter")
        await duplicate.settled()
        let offered = await waitUntil { duplicate.offers.contains(where: { $0.id == firstId }) }
        XCTAssertTrue(offered, "the first report is offered")
        let offer = try XCTUnwrap(duplicate.offers.first(where: { $0.id == firstId }))
        XCTAssertEqual(offer.publicNumber, number)
        XCTAssertEqual(offer.distanceM, 20, accuracy: 2)
        XCTAssertEqual(offer.supporters, 0)
        XCTAssertEqual(offer.category, "Rác thải trên đường phố")
        XCTAssertNotNil(offer.photo, "the first report's photo, from the server")

        duplicate.meToo(offer.id)
        let thanked = await waitUntil(30) { duplicate.result == .supported(publicNumber: number) }
        XCTAssertTrue(thanked, "\(String(describing: duplicate.result)) \(String(describing: duplicate.error))")
        XCTAssertTrue(try second.reports().drafts().isEmpty, "the duplicate draft is gone")
        XCTAssertTrue(try second.reports().myReports(statuses: [], limit: 10, after: nil).reports.isEmpty, "nothing was sent")
        let again = try await second.reports().nearby(lat: lat, lon: lon, category: "litter").first(where: { $0.id == firstId })
        XCTAssertEqual(again?.report.supporters, 1)
        duplicate.close()
    }
}

/// Waits up to `seconds` for what the view models do in their tasks, on the main actor.
@MainActor
private func waitUntil(_ seconds: Double = 15, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline { return false }
        try? await Task.sleep(nanoseconds: 50_000_000)
    }
    return true
}

/// A JPEG as a phone camera writes it: with EXIF GPS (ImageIO writes the GPS dictionary).
private func exifJpeg(seed: Int, lat: Double, lon: Double) throws -> Data {
    let plain = try jpeg(seed: seed)
    let source = try XCTUnwrap(CGImageSourceCreateWithData(plain as CFData, nil))
    let image = try XCTUnwrap(CGImageSourceCreateImageAtIndex(source, 0, nil))
    let data = NSMutableData()
    let destination = try XCTUnwrap(CGImageDestinationCreateWithData(data as CFMutableData, "public.jpeg" as CFString, 1, nil))
    let position: [String: Any] = [
        kCGImagePropertyGPSLatitude as String: abs(lat),
        kCGImagePropertyGPSLatitudeRef as String: lat >= 0 ? "N" : "S",
        kCGImagePropertyGPSLongitude as String: abs(lon),
        kCGImagePropertyGPSLongitudeRef as String: lon >= 0 ? "E" : "W",
    ]
    let properties: [String: Any] = [kCGImagePropertyGPSDictionary as String: position]
    CGImageDestinationAddImage(destination, image, properties as CFDictionary)
    XCTAssertTrue(CGImageDestinationFinalize(destination), "ImageIO wrote the JPEG")
    return data as Data
}
