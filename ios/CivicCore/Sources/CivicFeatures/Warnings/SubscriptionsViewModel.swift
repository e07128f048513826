import CivicCore
import Foundation
import Observation

/// What the resident follows: places (a point and a radius, or a ward or commune), "where I am now",
/// topics, the least severity that reaches them, quiet hours and the warnings' language. It all
/// stays on the phone (the server sends every warning of the region and the core decides);
/// changes are saved at once, and the core checks them. The same as android/ui's
/// SubscriptionsViewModel.
@MainActor
@Observable
public final class SubscriptionsViewModel {
    /// How a new place is given: a point on the map with a radius, or a whole ward or commune.
    public enum PlaceKind: Sendable {
        case point, ward
    }

    /// The "add a place" form, kept whole across errors.
    public struct NewPlace {
        public var name = ""
        public var kind = PlaceKind.point
        /// The map's centre: the point saved.
        public var center = WarningWords.citadel
        public var radiusM = 1_000.0
        public var wardCode: String?
        /// The ward or commune (by the core's `checkPoint`) at the map's centre, in the app's language.
        public var centerArea: String?
        /// Why the map's centre cannot be used (outside the city).
        public var centerError: String?
        /// Why the core refused the place, in the app's language.
        public var error: String?
        /// "Save" with no ward or commune picked.
        public var needsWard = false
    }

    public private(set) var subscription: WarningSubscription?
    /// Saved point's name → its ward's or commune's name, as the core locates it.
    public private(set) var placeAreas: [String: String] = [:]
    /// The form, while the resident adds a place.
    public private(set) var adding: NewPlace?
    /// Quiet hours as typed ("HH:mm"), kept when the core refuses them.
    public private(set) var quietStart = "22:00"
    public private(set) var quietEnd = "06:00"
    /// Why the core refused the quiet hours, in the app's language.
    public private(set) var quietError: String?
    /// The quiet hours typed are not like "HH:mm".
    public private(set) var quietBadFormat = false
    public private(set) var error: String?
    public private(set) var loaded = false
    /// The city's wards and communes (in the core's order) and the topics one can follow, named by the core.
    public private(set) var wards: [PlaceName] = []
    public private(set) var topics: [WarningTopic] = []

    private let app: CivicApp

    public init(app: CivicApp) {
        self.app = app
        load()
    }

    public var quietOn: Bool {
        subscription?.quietStartMinute != nil && subscription?.quietEndMinute != nil
    }

    /// The quiet hours saved wrap midnight (22:00 → 06:00).
    public var quietOvernight: Bool {
        guard let start = subscription?.quietStartMinute, let end = subscription?.quietEndMinute else { return false }
        return start > end
    }

    public func load() {
        do {
            let sub = try app.warnings().subscription()
            saved(sub)
            wards = app.wards()
            topics = app.warnings().warningTopics()
        } catch {
            self.error = peopleMessage(error)
        }
        loaded = true
    }

    /// Shows the subscription as saved (the quiet hours as the core keeps them).
    private func saved(_ sub: WarningSubscription) {
        subscription = sub
        placeAreas = locate(sub)
        if let start = sub.quietStartMinute { quietStart = WarningWords.hhmm(Int(start)) }
        if let end = sub.quietEndMinute { quietEnd = WarningWords.hhmm(Int(end)) }
        error = nil
    }

    /// Where each saved point lies (ward or commune), for its row.
    private func locate(_ sub: WarningSubscription) -> [String: String] {
        var areas: [String: String] = [:]
        for place in sub.places {
            guard case let .point(name, lat, lon, _) = place,
                  let check = try? app.checkPoint(lat: lat, lon: lon)
            else { continue }
            areas[name] = check.ward.name
        }
        return areas
    }

    /// Saves a change of the current subscription; on refusal says why and changes nothing.
    /// `quiet`: the refusal belongs under the quiet hours.
    private func save(quiet: Bool = false, _ change: (WarningSubscription) -> WarningSubscription) {
        do {
            let current = try app.warnings().subscription()
            try app.warnings().setSubscription(subscription: change(current))
            let sub = try app.warnings().subscription()
            saved(sub)
        } catch {
            if quiet {
                quietError = peopleMessage(error)
            } else {
                self.error = peopleMessage(error)
            }
        }
    }

    /// The subscription with some fields changed (the bindings' records are immutable).
    private static func with(
        _ s: WarningSubscription,
        places: [SavedPlace]? = nil,
        currentPosition: Bool? = nil,
        topics: [String]? = nil,
        minSeverity: Severity? = nil,
        quiet: (start: UInt16?, end: UInt16?)? = nil,
        language: String? = nil
    ) -> WarningSubscription {
        WarningSubscription(
            places: places ?? s.places,
            currentPosition: currentPosition ?? s.currentPosition,
            topics: topics ?? s.topics,
            minSeverity: minSeverity ?? s.minSeverity,
            quietStartMinute: quiet.map { $0.start } ?? s.quietStartMinute,
            quietEndMinute: quiet.map { $0.end } ?? s.quietEndMinute,
            language: language ?? s.language
        )
    }

    // MARK: - Places

    public func startAddPlace() {
        adding = NewPlace()
        moveCenter(WarningWords.citadel)
    }

    public func cancelAddPlace() {
        adding = nil
    }

    public func setPlaceName(_ name: String) {
        adding?.name = name
        adding?.error = nil
    }

    public func setPlaceKind(_ kind: PlaceKind) {
        adding?.kind = kind
        adding?.error = nil
    }

    public func setRadius(_ metres: Double) {
        adding?.radiusM = metres
    }

    /// The resident picked ward or commune `code`; its name becomes the place's name if they gave none.
    public func pickWard(code: String, name: String) {
        guard var form = adding else { return }
        form.wardCode = code
        if form.name.trimmingCharacters(in: .whitespaces).isEmpty { form.name = name }
        form.error = nil
        form.needsWard = false
        adding = form
    }

    /// The map moved: its centre is the point; says which ward or commune it is in.
    public func moveCenter(_ center: GeoPoint) {
        guard adding != nil else { return }
        adding?.center = center
        do {
            let check = try app.checkPoint(lat: center.lat, lon: center.lon)
            adding?.centerArea = check.ward.name
            adding?.centerError = nil
        } catch {
            adding?.centerArea = nil
            adding?.centerError = peopleMessage(error)
        }
    }

    /// Saves the place of the form; keeps the form and says why when the core refuses it.
    public func savePlace() {
        guard let form = adding else { return }
        let place: SavedPlace
        switch form.kind {
        case .point:
            place = .point(name: form.name, lat: form.center.lat, lon: form.center.lon, radiusM: form.radiusM)
        case .ward:
            guard let code = form.wardCode else {
                adding?.needsWard = true
                return
            }
            place = .area(name: form.name, code: code)
        }
        do {
            try app.warnings().addPlace(place: place)
            let sub = try app.warnings().subscription()
            saved(sub)
            adding = nil
        } catch {
            adding?.error = peopleMessage(error)
        }
    }

    public func removePlace(name: String) {
        do {
            _ = try app.warnings().removePlace(name: name)
            let sub = try app.warnings().subscription()
            saved(sub)
        } catch {
            self.error = peopleMessage(error)
        }
    }

    // MARK: - Where I am now

    public func setFollowPosition(_ on: Bool) {
        save { Self.with($0, currentPosition: on) }
    }

    /// The platform's location provider says where the phone is (kept only while followed).
    public func updatePosition(lat: Double, lon: Double) {
        do {
            try app.warnings().setPosition(lat: lat, lon: lon)
        } catch {
            self.error = peopleMessage(error)
        }
    }

    // MARK: - What and how much

    /// Adds or removes a topic; none chosen means every topic.
    public func toggleTopic(_ code: String) {
        save { s in
            Self.with(s, topics: s.topics.contains(code) ? s.topics.filter { $0 != code } : s.topics + [code])
        }
    }

    public func allTopics() {
        save { Self.with($0, topics: []) }
    }

    public func setMinSeverity(_ severity: Severity) {
        save { Self.with($0, minSeverity: severity) }
    }

    /// "vi" or "en".
    public func setWarningLanguage(_ code: String) {
        save { Self.with($0, language: code) }
    }

    // MARK: - Quiet hours

    public func setQuietStart(_ text: String) {
        quietStart = text
        quietError = nil
        quietBadFormat = false
    }

    public func setQuietEnd(_ text: String) {
        quietEnd = text
        quietError = nil
        quietBadFormat = false
    }

    /// Turns quiet hours on (with the times typed) or off.
    public func setQuietHours(_ on: Bool) {
        if on {
            saveQuietHours()
        } else {
            save { Self.with($0, quiet: (start: nil, end: nil)) }
        }
    }

    /// Saves the quiet hours typed; the core judges them, the typed text stays on refusal.
    public func saveQuietHours() {
        guard let start = WarningWords.parseHhmm(quietStart), let end = WarningWords.parseHhmm(quietEnd) else {
            quietBadFormat = true
            quietError = nil
            return
        }
        quietError = nil
        quietBadFormat = false
        // Beyond what a UInt16 holds the core would refuse anyway: say so as it does.
        guard let startMinute = UInt16(exactly: start), let endMinute = UInt16(exactly: end) else {
            quietBadFormat = true
            return
        }
        save(quiet: true) { Self.with($0, quiet: (start: startMinute, end: endMinute)) }
    }
}
