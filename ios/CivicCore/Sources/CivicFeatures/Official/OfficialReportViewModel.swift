import CivicCore
import Foundation
import Observation

/// One work item in full, and what the official does to it. Each action is given to the core's
/// queue on the phone (`OfficialApp.queue`) and sent at once; when there is no connection it
/// waits there, with the typed text and the after-photo, and `retryPending` (called when the
/// connection returns, and by `open` on opening) sends it. Actions go out in the order they
/// were made; a newer one never overtakes an older one. The same as android/ui's
/// OfficialReportViewModel.
@MainActor
@Observable
public final class OfficialReportViewModel {
    /// A form the official must complete before an action.
    public enum Problem: Sendable {
        case reasonRequired, noteRequired, photoRequired, locationRequired
    }

    /// What the server last accepted, for a short confirmation.
    public enum Done: Sendable {
        case moved, replied, resolved, rejected
    }

    public private(set) var item: WorkItem?
    public let categoryNames: [String: String]
    /// Photo hash → JPEG bytes, as they arrive.
    public private(set) var photos: [String: Data] = [:]
    public private(set) var templates: [ReplyTemplate] = []
    public private(set) var reply = ""
    public private(set) var rejectNote = ""
    public private(set) var resolveNote = ""
    public private(set) var afterPhoto: Data?
    /// The resolve form (note, after-photo, send) is a step of its own.
    public private(set) var resolving = false
    /// This report's actions waiting for the server, oldest first: kept by the core in the
    /// phone's store (with the after-photo), so a closed app loses none.
    public private(set) var pending: [PendingAction] = []
    public private(set) var sending = false
    public private(set) var loaded = false
    public private(set) var offline = false
    public private(set) var problem: Problem?
    public private(set) var done: Done?
    public private(set) var error: String?
    public private(set) var now: Date

    public let id: String
    private let official: OfficialApp
    private let clock: () -> Date
    /// The send under way: the next waits for it, so actions go out one send at a time, in order.
    @ObservationIgnored private var flushing: Task<Void, Never>?

    public init(app official: OfficialApp, id: String, categories: [CivicCore.Category], clock: @escaping () -> Date = { Date() }) {
        self.official = official
        self.id = id
        self.categoryNames = Dictionary(categories.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        self.clock = clock
        self.now = clock()
        pending = pendingHere()
    }

    public var categoryName: String? {
        item.map { categoryNames[$0.category] ?? $0.category }
    }

    /// Plain status moves the server allows from here (Assigned ⇄ In progress); reject and
    /// resolve have forms.
    public var moves: [ReportStatus] {
        guard let status = item?.status else { return [] }
        return Self.next(from: status).filter { $0 == .assigned || $0 == .inProgress }
    }

    public var canReject: Bool {
        item.map { Self.next(from: $0.status).contains(.rejected) } ?? false
    }

    public var canResolve: Bool {
        item.map { Self.next(from: $0.status).contains(.resolved) } ?? false
    }

    /// What an official may move a report to, as the core's lifecycle and the server allow it:
    /// never back to received, never reopened (the citizen's), not to the same status;
    /// duplicate needs the original's number, which an action cannot carry, so it is not offered.
    public nonisolated static func next(from status: ReportStatus) -> [ReportStatus] {
        switch status {
        case .submitted, .received, .reopened: return [.assigned, .inProgress, .resolved, .rejected]
        case .assigned: return [.inProgress, .resolved, .rejected]
        case .inProgress: return [.assigned, .resolved, .rejected]
        default: return []
        }
    }

    /// On opening: reads the report, and sends what waited from an earlier session if it can.
    public func open() async {
        await load()
        if !pendingHere().isEmpty { await retryPending() }
    }

    /// Reads the report, its photos and the reply templates (again).
    public func load() async {
        do {
            let fresh = try await official.report(id: id)
            item = fresh
            loaded = true
            offline = false
            error = nil
            now = clock()
            await loadPhotos(fresh)
        } catch {
            loaded = true
            offline = (error as? CivicError)?.isOffline ?? false
            self.error = offline ? nil : peopleMessage(error)
        }
        // Without templates the official types the reply; the load's error says why.
        if let got = try? await official.templates() {
            templates = got
        }
    }

    private func loadPhotos(_ item: WorkItem) async {
        var hashes: [String] = []
        for hash in item.photos + item.timeline.compactMap({ $0.photo }) where photos[hash] == nil && !hashes.contains(hash) {
            hashes.append(hash)
        }
        guard !hashes.isEmpty else { return }
        let official = self.official
        let got = await withTaskGroup(of: (String, Data?).self) { group -> [(String, Data)] in
            for hash in hashes {
                group.addTask { (hash, try? await official.photo(hash: hash)) }
            }
            var result: [(String, Data)] = []
            for await (hash, data) in group {
                if let data { result.append((hash, data)) }
            }
            return result
        }
        for (hash, data) in got {
            photos[hash] = data
        }
    }

    // MARK: - Forms

    public func setReply(_ text: String) {
        reply = text
        problem = nil
        done = nil
    }

    /// Picking a template fills the reply, which stays editable.
    public func useTemplate(_ template: ReplyTemplate) {
        setReply(template.text)
    }

    public func setRejectNote(_ text: String) {
        rejectNote = text
        problem = nil
        done = nil
    }

    public func setResolveNote(_ text: String) {
        resolveNote = text
        problem = nil
        done = nil
    }

    /// The after-photo's bytes, from the camera the app opened.
    public func setAfterPhoto(_ bytes: Data?) {
        afterPhoto = bytes
        problem = nil
        done = nil
    }

    public func openResolveForm() {
        resolving = true
        problem = nil
        done = nil
    }

    public func closeForm() {
        resolving = false
        problem = nil
    }

    // MARK: - Actions

    /// Assigned or in progress.
    public func move(to status: ReportStatus) async {
        guard moves.contains(status) else { return }
        await submit(.changeStatus(to: status, note: nil))
    }

    public func reject() async {
        let note = rejectNote.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else {
            problem = .reasonRequired
            return
        }
        await submit(.changeStatus(to: .rejected, note: note))
    }

    public func sendReply() async {
        let text = reply.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return }
        await submit(.reply(text: text))
    }

    /// Resolves with the typed note, the after-photo and where the official is now
    /// (`location`, from the platform; nil when there is no fix).
    public func resolve(location: LocationFix?) async {
        let note = resolveNote.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else {
            problem = .noteRequired
            return
        }
        guard let photo = afterPhoto else {
            problem = .photoRequired
            return
        }
        guard let location else {
            problem = .locationRequired
            return
        }
        await submit(.resolve(note: note, location: location), photo: photo)
    }

    /// Sends the actions that waited for a connection, oldest first (on opening, when the
    /// network returns, or "Send now").
    public func retryPending() async {
        await flush()
    }

    private func submit(_ action: OfficialAction, photo: Data? = nil) async {
        do {
            // On the phone first: from here on a closed app or a dead battery loses nothing.
            _ = try official.queue(report: id, action: action, photo: photo)
        } catch {
            self.error = peopleMessage(error)
            return
        }
        pending = pendingHere()
        problem = nil
        done = nil
        error = nil
        await flush()
    }

    private func pendingHere() -> [PendingAction] {
        ((try? official.pending()) ?? []).filter { $0.report == id }
    }

    /// One send at a time: this one starts when the one before it ended.
    private func flush() async {
        let previous = flushing
        let task = Task { @MainActor [weak self] in
            await previous?.value
            await self?.sendNow()
        }
        flushing = task
        await task.value
    }

    private func sendNow() async {
        sending = true
        pending = pendingHere()
        do {
            let outcome = try await official.sendPending()
            let mine = outcome.sent.filter { $0.action.report == id }
            for sent in mine {
                accepted(sent)
            }
            // What the server now holds (a read started before these went may be older).
            if !mine.isEmpty { await load() }
            if let refused = outcome.refused.last(where: { $0.action.report == id }) {
                error = refused.userMessage
            }
            if !outcome.offline, let stopped = outcome.stopped {
                error = stopped
            }
            offline = outcome.offline
            pending = pendingHere()
            now = clock()
        } catch {
            self.error = peopleMessage(error)
            pending = pendingHere()
        }
        sending = false
        if let item { await loadPhotos(item) }
    }

    /// The server took `sent`: show the report as it is now and clear the form it came from.
    private func accepted(_ sent: SentAction) {
        item = sent.item
        offline = false
        switch sent.action.action {
        case let .reply(text):
            if reply.trimmingCharacters(in: .whitespacesAndNewlines) == text { reply = "" }
            done = .replied
        case let .changeStatus(to, _):
            if to == .rejected {
                rejectNote = ""
                done = .rejected
            } else {
                done = .moved
            }
        case .resolve:
            resolveNote = ""
            afterPhoto = nil
            resolving = false
            done = .resolved
        }
    }
}
