import CivicCore
import Foundation
import Observation

/// A photo of the draft, with its pixels for the thumbnail.
public struct DraftPhoto: Equatable, Identifiable {
    public let hash: String
    public let bytes: Data?

    public var id: String { hash }
}

/// An open report of the same category near the draft's point: offered as "me too".
public struct NearbyOffer: Equatable, Identifiable {
    public let id: String
    public let publicNumber: String
    /// The category's name in the app's language.
    public let category: String
    public let status: ReportStatus
    public let statusLabel: String
    public let distanceM: Double
    public let at: GeoPoint
    public let supporters: UInt32
    public let description: String
    public let photo: Data?
}

/// How the flow ended.
public enum CaptureResult: Equatable {
    /// The report is stored on the phone and waits in the outbox.
    case saved(reportId: String, expectedHours: UInt32?)
    /// The city has it: `publicNumber` is what the citizen quotes.
    case delivered(reportId: String, publicNumber: String?, expectedHours: UInt32?)
    /// The citizen said "me too" to `publicNumber` instead of sending a duplicate; the draft is gone.
    case supported(publicNumber: String)
    /// The citizen threw the draft away.
    case discarded
}

/// The "new report" flow over one draft: `draftId`, else the newest unsent draft (the app died
/// mid-capture and the citizen comes back), else a new one. The core stores the draft at every
/// step, so nothing typed is lost when the app is killed; typed text is saved `typingDelayMs`
/// after the last key. Writes go to the core one at a time, in the order the citizen made them.
///
/// After a send the report waits in the outbox: `onQueued` tells the app (to schedule a
/// background sync), then the model tries to deliver it at once (`syncAfterSend`); offline
/// that simply leaves it saved on the phone. The same as android/ui's CaptureViewModel.
@MainActor
@Observable
public final class CaptureViewModel {
    public private(set) var loading = true
    public private(set) var draftId: String?
    /// The draft was left unsent earlier (the app closed) and is shown again as it was.
    public private(set) var resumed = false
    public private(set) var photos: [DraftPhoto] = []
    public private(set) var location: LocationFix?
    /// The photo whose recorded position the core offers as the draft's place ("use the
    /// photo's location"): one taken somewhere other than where the draft is now.
    public private(set) var photoLocationOffer: PhotoLocation?
    public private(set) var area: AreaCheck?
    /// The last point tried was outside the service area (the draft kept its previous one).
    public private(set) var outsideArea: String?
    /// Every category, in catalog order.
    public private(set) var categories: [CivicCore.Category] = []
    public private(set) var category: CivicCore.Category?
    /// The full-screen category picker is open.
    public private(set) var picking = false
    public private(set) var query = ""
    /// What the picker lists: every category for an empty query, else the best matches first.
    public private(set) var results: [CivicCore.Category] = []
    public private(set) var answers: [String: Answer] = [:]
    /// What is typed into text and number questions (saved shortly after typing stops).
    public private(set) var answerTexts: [String: String] = [:]
    public private(set) var description = ""
    public private(set) var anonymous = false
    /// What the core says is still needed ("photo", "location", "category", "answer:<code>").
    public private(set) var missing: [String] = []
    /// The same in the citizen's words, the core's sentence ("Còn thiếu: …"); nil when complete.
    public private(set) var missingLine: String?
    public private(set) var nearby: [NearbyOffer] = []
    /// The citizen chose to send their own report rather than "me too".
    public private(set) var nearbyDismissed = false
    /// The "me too" being sent (a `NearbyOffer.id`).
    public private(set) var supporting: String?
    public private(set) var sending = false
    public private(set) var confirmDiscard = false
    public private(set) var result: CaptureResult?
    /// Trying to deliver a saved report now.
    public private(set) var syncing = false
    public private(set) var error: String?

    /// The core's limit (`MAX_PHOTOS` in the core); the core refuses a sixth photo anyway.
    public static let maxPhotos = 5

    private let app: CivicApp
    private let reports: Reports
    private let initialDraftId: String?
    private let onQueued: (String) -> Void
    private let syncAfterSend: Bool
    private let typingDelayNs: UInt64

    private struct PendingSave {
        let task: Task<Void, Never>
        let save: (String) throws -> Void
    }

    private struct NearbyKey: Equatable {
        let lat: Double
        let lon: Double
        let code: String
    }

    /// The last write queued: each new one waits for it (writes reach the core in order).
    @ObservationIgnored private var tail: Task<Void, Never>?
    /// Text typed but not saved yet: key → (timer, the save).
    @ObservationIgnored private var pending: [String: PendingSave] = [:]
    @ObservationIgnored private var pinTask: Task<Void, Never>?
    @ObservationIgnored private var nearbyKey: NearbyKey?
    @ObservationIgnored private var observer: SyncObserver?

    public init(
        app: CivicApp,
        draftId: String? = nil,
        onQueued: @escaping (String) -> Void = { _ in },
        syncAfterSend: Bool = true,
        typingDelayMs: UInt64 = 400
    ) {
        self.app = app
        self.reports = app.reports()
        self.initialDraftId = draftId
        self.onQueued = onQueued
        self.syncAfterSend = syncAfterSend
        self.typingDelayNs = typingDelayMs * 1_000_000
        // A background sync may deliver the report while the result is on screen.
        observer = SyncObserver(app, onSynced: { [weak self] _ in self?.heardSync() })
        enqueue { [weak self] in
            guard let self else { return }
            do {
                try self.load()
            } catch {
                self.loading = false
                throw error
            }
        }
    }

    // MARK: - Derived

    public var canSend: Bool {
        !loading && draftId != nil && missing.isEmpty && !sending && result == nil
    }

    /// Reports to offer "me too" on, unless the citizen already chose to send theirs.
    public var offers: [NearbyOffer] {
        nearbyDismissed ? [] : nearby
    }

    // MARK: - The queue of writes

    private func enqueue(_ job: @escaping @MainActor () async throws -> Void) {
        let previous = tail
        tail = Task { @MainActor [weak self] in
            await previous?.value
            do {
                try await job()
            } catch {
                self?.error = peopleMessage(error)
                self?.sending = false
            }
        }
    }

    /// Waits until every intent made so far (typed text too) has reached the core.
    public func settled() async {
        flush()
        let last = tail
        await last?.value
    }

    private func load(fresh: Bool = false) throws {
        let existing: Draft?
        if fresh {
            existing = nil
        } else if let initialDraftId {
            existing = try reports.draft(id: initialDraftId)
        } else {
            existing = try reports.drafts().first
        }
        let draft: Draft
        if let existing {
            draft = existing
        } else {
            draft = try reports.startDraft()
        }
        let all = app.categories()
        var texts: [String: String] = [:]
        for qa in draft.answers {
            switch qa.answer {
            case let .text(value):
                texts[qa.question] = value
            case let .number(value):
                texts[qa.question] = Self.numberText(value)
            default:
                break
            }
        }
        loading = true
        draftId = draft.id
        // Shown as "continue your report" unless nothing was entered yet (the core's rule).
        resumed = existing != nil && !draft.blank
        photos = []
        location = nil
        photoLocationOffer = nil
        outsideArea = nil
        categories = all
        category = nil
        picking = false
        query = ""
        results = all
        answers = [:]
        answerTexts = texts
        description = draft.description
        anonymous = false
        missing = []
        missingLine = nil
        nearby = []
        nearbyDismissed = false
        supporting = nil
        sending = false
        confirmDiscard = false
        result = nil
        syncing = false
        error = nil
        if let fix = draft.location {
            area = try? app.checkPoint(lat: fix.lat, lon: fix.lon)
        } else {
            area = nil
        }
        try refresh()
        loading = false
    }

    /// Reads the draft back from the core (the truth) and what it still needs.
    private func refresh() throws {
        guard let draftId else { return }
        var known: [String: DraftPhoto] = [:]
        for photo in photos {
            known[photo.hash] = photo
        }
        let draft = try reports.draft(id: draftId)
        var list: [DraftPhoto] = []
        for photo in draft.photos {
            if let old = known[photo.hash] {
                list.append(old)
            } else {
                list.append(DraftPhoto(hash: photo.hash, bytes: try? reports.photo(hash: photo.hash)))
            }
        }
        let stillMissing = try reports.missing(draft: draftId)
        let line = try reports.missingLine(draft: draftId)
        // Photos attached before the app was closed keep their recorded position: the core says
        // which one is worth offering.
        let offer = try? reports.photoLocationOffer(draft: draftId)
        photos = list
        location = draft.location
        photoLocationOffer = offer
        category = categories.first(where: { $0.code == draft.category })
        var given: [String: Answer] = [:]
        for qa in draft.answers {
            given[qa.question] = qa.answer
        }
        answers = given
        anonymous = draft.anonymous
        missing = stillMissing
        missingLine = line
        lookNearby()
    }

    // MARK: - Photos

    /// A photo's JPEG or PNG bytes (the app converts HEIC first). Resizing takes a moment: the
    /// core does it off the main actor.
    public func attachPhoto(_ bytes: Data) {
        enqueue { [self] in
            guard let draftId else { return }
            do {
                let attached = try await reports.attachPhoto(draft: draftId, bytes: bytes)
                let thumbnail = try? reports.photo(hash: attached.photo.hash)
                error = nil
                photos = photos.filter { $0.hash != attached.photo.hash }
                    + [DraftPhoto(hash: attached.photo.hash, bytes: thumbnail)]
                // A draft without a place takes the photo's recorded position (the core's rule):
                // it says where that is, or that the photo was taken outside the area.
                if let placed = attached.placed {
                    area = placed
                    outsideArea = nil
                } else if let outside = attached.outsideArea {
                    outsideArea = outside
                }
            } catch let failure as CivicError {
                error = failure.userMessage
            }
            try refresh()
        }
    }

    public func removePhoto(_ hash: String) {
        enqueue { [self] in
            guard let draftId else { return }
            try reports.removePhoto(draft: draftId, hash: hash)
            photos = photos.filter { $0.hash != hash }
            try refresh()
        }
    }

    // MARK: - Location

    /// The phone's fix (or the pin, or the photo's): sets where the problem is.
    public func setLocation(_ fix: LocationFix) {
        enqueue { [self] in
            guard let draftId else { return }
            try placeWith { try reports.setLocation(draft: draftId, fix: fix) }
            try refresh()
        }
    }

    public func usePhotoLocation(_ hash: String) {
        enqueue { [self] in
            guard let draftId else { return }
            try placeWith { try reports.usePhotoLocation(draft: draftId, photoHash: hash) }
            try refresh()
        }
    }

    /// The map was dragged: the pin at its centre is the point (saved once the map rests).
    public func movePin(to point: GeoPoint) {
        if let current = location, current.lat == point.lat, current.lon == point.lon { return }
        pinTask?.cancel()
        pinTask = Task { [weak self] in
            do {
                try await Task.sleep(nanoseconds: 300_000_000)
            } catch {
                return
            }
            self?.setLocation(LocationFix(lat: point.lat, lon: point.lon, accuracyM: 0, source: .pin, fixedAt: Date()))
        }
    }

    private func placeWith(_ call: () throws -> AreaCheck) throws {
        do {
            area = try call()
            outsideArea = nil
        } catch let failure as CivicError {
            // The draft keeps its previous point: say so, lose nothing.
            guard case .OutsideServiceArea = failure else { throw failure }
            outsideArea = failure.userMessage
        }
    }

    // MARK: - Category and questions

    public func openPicker() {
        picking = true
        query = ""
        results = categories
    }

    public func closePicker() {
        picking = false
    }

    /// Accents optional: "rac" finds "Rác".
    public func search(_ text: String) {
        query = text
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            results = categories
        } else {
            results = app.searchCategories(query: text)
        }
    }

    public func chooseCategory(_ code: String) {
        picking = false
        category = categories.first(where: { $0.code == code }) ?? category
        enqueue { [self] in
            guard let draftId else { return }
            try reports.setCategory(draft: draftId, code: code)
            // Answers the new category does not ask are dropped by the core; typed ones too.
            let asks = Set((categories.first(where: { $0.code == code })?.questions ?? []).map { $0.code })
            answerTexts = answerTexts.filter { asks.contains($0.key) }
            try refresh()
        }
    }

    /// A choice, several choices or a time: saved at once (nil clears it).
    public func answer(_ question: String, _ value: Answer?) {
        enqueue { [self] in
            guard let draftId else { return }
            do {
                try reports.setAnswer(draft: draftId, question: question, answer: value)
                error = nil
            } catch let failure as CivicError {
                guard case .InvalidInput = failure else { throw failure }
                error = failure.userMessage
            }
            try refresh()
        }
    }

    /// A text or number question, as typed: kept at once, saved when typing stops.
    public func typeAnswer(_ question: String, _ text: String) {
        answerTexts[question] = text
        let kind = category?.questions.first(where: { $0.code == question })?.kind
        let value: Answer?
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            value = nil
        } else if kind == QuestionKind.number {
            guard let number = Self.parseNumber(text) else { return }
            value = .number(value: number)
        } else {
            value = .text(value: text)
        }
        let reports = self.reports
        later("answer:\(question)") { draftId in
            try reports.setAnswer(draft: draftId, question: question, answer: value)
        }
    }

    /// The description, as typed: kept at once, saved when typing stops.
    public func describe(_ text: String) {
        description = text
        let reports = self.reports
        later("description") { draftId in
            try reports.setDescription(draft: draftId, text: text)
        }
    }

    /// Saves typed text `typingDelayMs` after the last key.
    private func later(_ key: String, _ save: @escaping (String) throws -> Void) {
        pending[key]?.task.cancel()
        let delay = typingDelayNs
        let task = Task { [weak self] in
            do {
                try await Task.sleep(nanoseconds: delay)
            } catch {
                return
            }
            guard !Task.isCancelled, let self, let due = self.pending.removeValue(forKey: key) else { return }
            self.enqueueSave(due.save)
        }
        pending[key] = PendingSave(task: task, save: save)
    }

    private func enqueueSave(_ save: @escaping (String) throws -> Void) {
        enqueue { [self] in
            guard let draftId else { return }
            do {
                try save(draftId)
            } catch let failure as CivicError {
                guard case .InvalidInput = failure else { throw failure }
                error = failure.userMessage
            }
            try refresh()
        }
    }

    /// Takes what is typed but not saved yet, stopping its timers.
    private func takePending() -> [(String) throws -> Void] {
        var saves: [(String) throws -> Void] = []
        for (_, entry) in pending {
            entry.task.cancel()
            saves.append(entry.save)
        }
        pending = [:]
        return saves
    }

    /// Saves what is typed now (before sending).
    /// Saves what is typed now instead of after the pause (the screen goes out of sight).
    public func flush() {
        for save in takePending() {
            enqueueSave(save)
        }
    }

    public func setAnonymous(_ value: Bool) {
        anonymous = value
        enqueue { [self] in
            guard let draftId else { return }
            try reports.setAnonymous(draft: draftId, anonymous: value)
        }
    }

    // MARK: - Me too

    /// Asks the city for open reports of the draft's category around its point (online only).
    private func lookNearby() {
        guard let at = location, let chosen = category, result == nil else {
            nearbyKey = nil
            nearby = []
            return
        }
        let key = NearbyKey(lat: at.lat, lon: at.lon, code: chosen.code)
        if key == nearbyKey { return }
        nearbyKey = key
        let reports = self.reports
        let names = categories
        Task { [weak self] in
            var offers: [NearbyOffer] = []
            do {
                let found = try await reports.nearby(lat: at.lat, lon: at.lon, category: chosen.code)
                for near in found {
                    var photo: Data?
                    if let hash = near.report.photos.first {
                        photo = try? await reports.remotePhoto(hash: hash)
                    }
                    let name = names.first(where: { $0.code == near.report.category })?.name ?? chosen.name
                    offers.append(NearbyOffer(
                        id: near.id,
                        publicNumber: near.report.publicNumber,
                        category: name,
                        status: near.report.status,
                        statusLabel: near.report.statusLabel,
                        distanceM: near.distanceM,
                        at: GeoPoint(lat: near.report.lat, lon: near.report.lon),
                        supporters: near.report.supporters,
                        description: near.report.description,
                        photo: photo
                    ))
                }
            } catch {
                // Offline or the server busy: nothing to offer, the citizen sends theirs.
                offers = []
            }
            guard let self, self.nearbyKey == key else { return }
            self.nearby = offers
        }
    }

    /// "Me too" on `offerId`: counted by the city, and this draft (a duplicate) is thrown away.
    public func meToo(_ offerId: String) {
        guard let offer = nearby.first(where: { $0.id == offerId }), supporting == nil else { return }
        supporting = offerId
        error = nil
        Task { [self] in
            do {
                try await reports.support(report: offerId)
                _ = takePending()
                enqueue { [self] in
                    if let draftId {
                        try reports.discardDraft(draft: draftId)
                    }
                    supporting = nil
                    result = .supported(publicNumber: offer.publicNumber)
                }
            } catch {
                supporting = nil
                self.error = peopleMessage(error)
            }
        }
    }

    /// "Send mine anyway": no more offers; sends at once when the report is complete.
    public func sendAnyway() {
        nearbyDismissed = true
        if missing.isEmpty {
            send()
        }
    }

    // MARK: - Send

    public func send() {
        if sending || result != nil { return }
        flush()
        enqueue { [self] in
            guard let draftId else { return }
            sending = true
            error = nil
            do {
                let report = try await reports.send(draft: draftId)
                let hours = category?.expectedHours
                // The app schedules background delivery before anyone sees "saved".
                onQueued(report.id)
                sending = false
                result = .saved(reportId: report.id, expectedHours: hours)
                nearby = []
                syncing = syncAfterSend
                if syncAfterSend {
                    deliver(reportId: report.id, hours: hours)
                }
            } catch CivicError.Incomplete(let message, let stillMissing) {
                sending = false
                missing = stillMissing
                missingLine = try? reports.missingLine(draft: draftId)
                error = message
            }
        }
    }

    /// Tries to deliver the saved report now; offline it stays saved, which is no failure.
    public func trySyncNow() {
        guard case let .saved(reportId, hours) = result, !syncing else { return }
        syncing = true
        deliver(reportId: reportId, hours: hours)
    }

    private func deliver(reportId: String, hours: UInt32?) {
        Task { [self] in
            // Offline: the outbox keeps it and the background sync will try again.
            _ = try? await app.syncNow()
            checkDelivered(reportId: reportId, hours: hours)
            syncing = false
        }
    }

    private func heardSync() {
        guard case let .saved(reportId, hours) = result else { return }
        checkDelivered(reportId: reportId, hours: hours)
    }

    private func checkDelivered(reportId: String, hours: UInt32?) {
        guard let report = try? reports.report(id: reportId).report else { return }
        guard report.status != ReportStatus.queued, case .saved = result else { return }
        result = .delivered(reportId: reportId, publicNumber: report.publicNumber, expectedHours: hours)
    }

    // MARK: - Discard, again

    public func askDiscard() {
        confirmDiscard = true
    }

    public func cancelDiscard() {
        confirmDiscard = false
    }

    public func discard() {
        _ = takePending()
        enqueue { [self] in
            guard let draftId else { return }
            try reports.discardDraft(draft: draftId)
            confirmDiscard = false
            result = .discarded
            nearby = []
        }
    }

    /// After a result: a new, empty report.
    public func startAnother() {
        nearbyKey = nil
        enqueue { [self] in
            try load(fresh: true)
        }
    }

    public func dismissError() {
        error = nil
    }

    /// The screen is gone: text typed just before is kept, and the model stops listening.
    public func close() {
        let unsaved = takePending()
        if let draftId, result == nil {
            for save in unsaved {
                try? save(draftId)
            }
        }
        pinTask?.cancel()
        observer?.cancel()
        observer = nil
    }

    // MARK: - Numbers

    /// "12,5" or "12.5" → 12.5; nil for anything else.
    public nonisolated static func parseNumber(_ text: String) -> Double? {
        let cleaned = text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ",", with: ".")
        guard let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }

    /// A number as the citizen would type it: no needless ".0".
    public nonisolated static func numberText(_ value: Double) -> String {
        if value == value.rounded(.down), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }
}
