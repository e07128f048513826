import CivicCore
import Foundation
import Observation

/// The steps of the first run, in order.
public enum FirstRunStep: Int, CaseIterable, Sendable {
    case language, privacy, notifications, profile
}

/// What the phone answered when asked for permission to notify.
public enum NotificationAnswer: Sendable {
    case granted, denied
}

/// The name and contact the citizen may give (both optional). The core keeps them and sends
/// them to the city with the next sync (`setProfile`): officials handling the citizen's named
/// reports see them, the public never does. The contact is an e-mail when it has an @, else a
/// phone.
public struct FirstRunProfile: Equatable, Sendable {
    public var name: String
    public var contact: String

    public init(name: String = "", contact: String = "") {
        self.name = name
        self.contact = contact
    }

    public var isEmpty: Bool {
        name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            && contact.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }
}

/// The first run: the language, what the app does with location and photos, notifications,
/// and an optional name and contact. On iOS the language is the app's own setting (Settings ›
/// Civic › Language): the view explains it and opens Settings; this model tells the core the
/// language (its texts and the warnings follow). The view asks the phone for the notification
/// permission and reports the answer back (`notificationsAnswered`). The same as android/ui's
/// FirstRunViewModel.
@MainActor
@Observable
public final class FirstRunViewModel {
    public private(set) var step: FirstRunStep = .language
    public private(set) var language: AppLanguage
    /// Nil until the phone answered.
    public private(set) var notifications: NotificationAnswer?
    /// The permission dialog is up (asked, no answer yet).
    public private(set) var askingNotifications = false
    public private(set) var profile = FirstRunProfile()
    public private(set) var error: String?
    public private(set) var done = false

    /// The server's limits for a citizen's display name and e-mail.
    public static let maxName = 100
    public static let maxContact = 254

    private let app: CivicApp

    public init(app: CivicApp, initial: AppLanguage = .current) {
        self.app = app
        self.language = initial
    }

    public var isFirst: Bool { step == FirstRunStep.allCases.first }
    public var isLast: Bool { step == FirstRunStep.allCases.last }

    /// "Bước 2/4": the step's number from 1, and how many there are.
    public var stepNumber: Int { step.rawValue + 1 }
    public var stepCount: Int { FirstRunStep.allCases.count }

    /// Shows everything in `language` from now on, the core's texts and warnings included.
    public func chooseLanguage(_ chosen: AppLanguage) {
        language = chosen
        error = nil
        app.setLanguage(language: chosen.rawValue)
        do {
            // Warnings come in the language the resident chose for them.
            let current = try app.warnings().subscription()
            if current.language != chosen.rawValue {
                try app.warnings().setSubscription(subscription: WarningSubscription(
                    places: current.places,
                    currentPosition: current.currentPosition,
                    topics: current.topics,
                    minSeverity: current.minSeverity,
                    quietStartMinute: current.quietStartMinute,
                    quietEndMinute: current.quietEndMinute,
                    language: chosen.rawValue
                ))
            }
        } catch {
            self.error = peopleMessage(error)
        }
    }

    public func next() {
        guard !isLast, let following = FirstRunStep(rawValue: step.rawValue + 1) else { return }
        step = following
        error = nil
    }

    public func back() {
        guard !isFirst, let previous = FirstRunStep(rawValue: step.rawValue - 1) else { return }
        step = previous
        error = nil
    }

    /// The screen is about to ask the phone.
    public func askingForNotifications() {
        askingNotifications = true
    }

    /// The phone's answer to the permission request.
    public func notificationsAnswered(_ granted: Bool) {
        askingNotifications = false
        notifications = granted ? .granted : .denied
    }

    public func setName(_ name: String) {
        profile.name = String(name.prefix(Self.maxName))
    }

    public func setContact(_ contact: String) {
        profile.contact = String(contact.prefix(Self.maxContact))
    }

    /// Ends the first run, giving the profile to the core; true when it is done. When the core
    /// refuses a field (too long), the run does not end and `error` says why, with what was
    /// typed kept.
    @discardableResult
    public func finish() -> Bool {
        let name = profile.name.trimmingCharacters(in: .whitespacesAndNewlines)
        let contact = profile.contact.trimmingCharacters(in: .whitespacesAndNewlines)
        let email: String? = contact.contains("@") ? contact : nil
        let phone: String? = contact.isEmpty || email != nil ? nil : contact
        do {
            try app.setProfile(profile: CitizenProfile(name: name.isEmpty ? nil : name, phone: phone, email: email))
        } catch {
            self.error = peopleMessage(error)
            return false
        }
        profile = FirstRunProfile(name: name, contact: contact)
        error = nil
        done = true
        return true
    }
}
