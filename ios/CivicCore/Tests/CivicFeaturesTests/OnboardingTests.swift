// The first run as android/ui's FirstRunTest checks it: the language reaches the core (and the
// warnings), the steps go back and forth, the notification answer is shown, and the optional
// name and contact are kept by the core, or refused (too long) with what was typed kept.

import CivicCore
import CivicFeatures
import CivicTesting
import Foundation
import XCTest

@MainActor
final class OnboardingTests: XCTestCase {
    /// The first run needs no network: the phone is offline.
    private func open(_ language: String) throws -> CivicApp {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("civic-first-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return try CivicApp.open(dataDir: dir.path, serverUrl: unreachable, language: language, tokens: MemoryTokens())
    }

    private func litterName(_ app: CivicApp) -> String? {
        app.categories().first(where: { $0.code == "litter" })?.name
    }

    func testTheWholeFirstRunEnglishChosenNotificationsAskedANameGiven() throws {
        let app = try open("vi")
        let model = FirstRunViewModel(app: app, initial: .vi)
        XCTAssertEqual(model.step, .language)
        XCTAssertTrue(model.isFirst)
        XCTAssertEqual(model.stepNumber, 1)
        XCTAssertEqual(model.stepCount, 4)

        model.chooseLanguage(.en)
        XCTAssertEqual(model.language, .en)
        XCTAssertNil(model.error)
        // The core speaks English now, and warnings will come in English.
        XCTAssertEqual(litterName(app), "Litter on the street")
        XCTAssertEqual(try app.warnings().subscription().language, "en")

        model.next()
        XCTAssertEqual(model.step, .privacy)
        model.back()
        XCTAssertEqual(model.step, .language)
        model.next()
        model.next()
        XCTAssertEqual(model.step, .notifications)
        XCTAssertNil(model.notifications)
        model.askingForNotifications()
        XCTAssertTrue(model.askingNotifications)
        // The view reports the phone's answer.
        model.notificationsAnswered(true)
        XCTAssertFalse(model.askingNotifications)
        XCTAssertEqual(model.notifications, .granted)

        model.next()
        XCTAssertTrue(model.isLast)
        model.setName("Nguyễn Văn An")
        model.setContact("0905 123 456")
        XCTAssertTrue(model.finish())
        XCTAssertTrue(model.done)
        XCTAssertEqual(model.profile, FirstRunProfile(name: "Nguyễn Văn An", contact: "0905 123 456"))
        // The core keeps it, to send with the next sync: a phone number, not an e-mail.
        XCTAssertEqual(try app.profile(), CitizenProfile(name: "Nguyễn Văn An", phone: "0905 123 456", email: nil))
    }

    func testSkippingTheOptionalStepsEndsWithTheLanguageAndNoProfileAndTooLongIsRefused() throws {
        let app = try open("en")
        let model = FirstRunViewModel(app: app, initial: .en)
        model.chooseLanguage(.vi)
        for _ in 0..<5 {
            model.next()
        }
        XCTAssertEqual(model.step, .profile, "stops at the last step")
        model.back()
        XCTAssertEqual(model.step, .notifications)
        XCTAssertNil(model.notifications, "not asked: no answer shown")
        model.next()
        model.setName(String(repeating: "x", count: 500))
        XCTAssertEqual(model.profile.name.count, FirstRunViewModel.maxName, "within the server's limit")
        model.setName("  ")
        // The core speaks Vietnamese again once the choice has reached it.
        XCTAssertEqual(litterName(app), "Rác thải trên đường phố")
        XCTAssertEqual(try app.warnings().subscription().language, "vi")

        // A phone number longer than the server takes: refused by the core, the run goes on.
        model.setContact(String(repeating: "0", count: 40))
        XCTAssertFalse(model.finish())
        XCTAssertFalse(model.done)
        XCTAssertEqual(model.error, "Số điện thoại quá dài (tối đa 32 ký tự).")
        XCTAssertEqual(model.profile.contact, String(repeating: "0", count: 40), "what was typed is kept")

        model.setContact("hoa@example.vn")
        XCTAssertTrue(model.finish())
        XCTAssertEqual(try app.profile().email, "hoa@example.vn")
        XCTAssertNil(try app.profile().phone)
        XCTAssertNil(model.error)

        model.setContact("")
        XCTAssertTrue(model.finish())
        XCTAssertEqual(model.language, .vi)
        XCTAssertTrue(model.profile.isEmpty)
        XCTAssertEqual(try app.profile(), CitizenProfile(name: nil, phone: nil, email: nil))
    }
}
