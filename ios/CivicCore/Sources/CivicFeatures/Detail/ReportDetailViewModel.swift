import CivicCore
import Foundation
import Observation

/// A question of the report's category and the citizen's answer, both in words.
public struct AnsweredQuestion: Equatable {
    public let prompt: String
    public let answer: String

    public init(prompt: String, answer: String) {
        self.prompt = prompt
        self.answer = answer
    }
}

/// A photo of the report or of the timeline: its bytes when they are on the phone, nil when
/// they are not (not downloaded yet, or the phone's storage failed).
public struct PhotoBytes: Equatable, Identifiable {
    public let hash: String
    public let bytes: Data?

    public var id: String { hash }

    public init(hash: String, bytes: Data?) {
        self.hash = hash
        self.bytes = bytes
    }
}

/// An action that needs the network (rate, reopen): what is typed survives a failure.
public struct ActionState: Equatable {
    public var sending = false
    /// The core's message, in the app's language.
    public var error: String?
    /// The failure was "no connection": the screen says the network is needed.
    public var needsNetwork = false
    public var done = false

    public init(sending: Bool = false, error: String? = nil, needsNetwork: Bool = false, done: Bool = false) {
        self.sending = sending
        self.error = error
        self.needsNetwork = needsNetwork
        self.done = done
    }
}

/// One of the citizen's reports: what was sent, where it stands, the city's answers, and the
/// citizen's rating or reopening. Kept current by the core's sync observer. The same as
/// android/ui's ReportDetailViewModel.
@MainActor
@Observable
public final class ReportDetailViewModel {
    public private(set) var detail: ReportDetail?
    public private(set) var categoryName: String?
    public private(set) var answers: [AnsweredQuestion] = []
    /// The report's photos, in order.
    public private(set) var photos: [PhotoBytes] = []
    /// When resolved: the first report photo and the resolution's after-photo.
    public private(set) var before: PhotoBytes?
    public private(set) var after: PhotoBytes?
    /// Headlines of the warnings the report was filed under.
    public private(set) var warnings: [String] = []
    /// The stars the citizen gave the current outcome, if they rated it.
    public private(set) var ratedStars: Int?
    /// The rating being chosen (0: none yet) and its comment.
    public private(set) var stars = 0
    public private(set) var comment = ""
    public private(set) var rating = ActionState()
    public private(set) var reopenReason = ""
    public private(set) var reopen = ActionState()
    public private(set) var sync: SyncState = .idle(lastSuccess: nil)
    public private(set) var refreshing = false
    public private(set) var error: String?
    public private(set) var loaded = false

    public let reportId: String
    private let app: CivicApp
    private let language: AppLanguage
    @ObservationIgnored private var observer: SyncObserver?

    public init(app: CivicApp, reportId: String, language: AppLanguage = .current) {
        self.app = app
        self.reportId = reportId
        self.language = language
        sync = app.syncState()
        observer = SyncObserver(app, onState: { [weak self] state in
            self?.sync = state
        }, onSynced: { [weak self] _ in
            // A sync may bring a new status, a reply or an after-photo.
            self?.load()
        })
        load()
    }

    // MARK: - Derived

    public var status: ReportStatus? { detail?.report.status }

    /// The core says when: resolved or rejected, not yet rated (and not just rated here).
    public var canRate: Bool { detail?.canRate == true && ratedStars == nil }

    /// A resolved or rejected report may be reopened, with a reason.
    public var canReopen: Bool { status == ReportStatus.resolved || status == ReportStatus.rejected }

    /// The timeline, oldest first (as it happened; the newest step is last).
    public var timeline: [TimelineStep] { detail?.timeline ?? [] }

    /// The status in words for a timeline step: the core's words.
    public func statusText(_ status: ReportStatus) -> String {
        statusLabel(status: status, language: language.rawValue)
    }

    // MARK: - Reading

    /// Reads the report, its photos and its category again from the phone.
    public func load() {
        do {
            let detail = try app.reports().report(id: reportId)
            let report = detail.report
            let category = app.categories().first(where: { $0.code == report.category })
            var questions: [String: Question] = [:]
            for question in category?.questions ?? [] {
                questions[question.code] = question
            }
            answers = report.answers.map { qa in
                let question = questions[qa.question]
                return AnsweredQuestion(prompt: question?.prompt ?? qa.question, answer: Self.answerText(qa.answer, question: question))
            }
            var known: [String: PhotoBytes] = [:]
            func photo(_ hash: String) -> PhotoBytes {
                if let found = known[hash] { return found }
                // A photo that is not on the phone (not fetched yet) shows as a placeholder.
                let read = PhotoBytes(hash: hash, bytes: try? app.reports().photo(hash: hash))
                known[hash] = read
                return read
            }
            let all = report.photos.map { photo($0.hash) }
            let resolution = detail.timeline.last(where: { $0.status == ReportStatus.resolved })
            let afterHash = resolution?.photo ?? detail.timeline.last(where: { $0.photo != nil })?.photo
            let resolved = report.status == ReportStatus.resolved
            var headlines: [String] = []
            if !detail.alerts.isEmpty {
                let inbox = (try? app.warnings().alerts(includeEnded: true)) ?? []
                headlines = detail.alerts.map { id in inbox.first(where: { $0.id == id })?.headline ?? id }
            }
            self.detail = detail
            categoryName = category?.name
            photos = all
            if resolved, let afterHash {
                before = all.first
                after = photo(afterHash)
            } else {
                before = nil
                after = nil
            }
            warnings = headlines
            ratedStars = detail.rating.map { Int($0) }
            error = nil
        } catch {
            self.error = peopleMessage(error)
        }
        loaded = true
    }

    /// Refreshes from the city: sends what waits and fetches what changed.
    public func refresh() async {
        guard !refreshing else { return }
        refreshing = true
        let (state, problem) = await app.syncForRefresh()
        if let state { sync = state }
        if let problem { error = problem }
        refreshing = false
        load()
    }

    // MARK: - Rating

    public func chooseStars(_ value: Int) {
        stars = min(5, max(1, value))
        rating.error = nil
        rating.needsNetwork = false
    }

    public func setComment(_ text: String) {
        comment = text
    }

    /// Rates the outcome: kept on the phone and shown at once, then sent when there is a
    /// connection (without one it waits, kept). The stars and comment stay on an error.
    public func rate() async {
        let chosen = stars
        guard !rating.sending, (1...5).contains(chosen), canRate else { return }
        let trimmed = comment.trimmingCharacters(in: .whitespacesAndNewlines)
        rating = ActionState(sending: true)
        do {
            try await app.reports().rate(report: reportId, stars: UInt8(chosen), comment: trimmed.isEmpty ? nil : trimmed)
            rating = ActionState(done: true)
            ratedStars = chosen
            comment = ""
            load()
            await refresh()
        } catch {
            rating = ActionState(error: peopleMessage(error), needsNetwork: (error as? CivicError)?.isOffline == true)
        }
    }

    // MARK: - Reopening

    public func setReopenReason(_ text: String) {
        reopenReason = text
        reopen.error = nil
        reopen.needsNetwork = false
    }

    /// Reopens the report with the reason typed: kept and shown at once, sent when online. The
    /// reason stays on an error.
    public func reopenReport() async {
        let reason = reopenReason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reopen.sending, !reason.isEmpty, canReopen else { return }
        reopen = ActionState(sending: true)
        do {
            try await app.reports().reopen(report: reportId, reason: reason)
            reopen = ActionState(done: true)
            reopenReason = ""
            load()
            await refresh()
        } catch {
            reopen = ActionState(error: peopleMessage(error), needsNetwork: (error as? CivicError)?.isOffline == true)
        }
    }

    /// The screen is gone: stop listening.
    public func close() {
        observer?.cancel()
        observer = nil
    }

    // MARK: - Words

    /// An answer in words: a list choice by its label, a number without a needless ".0".
    public nonisolated static func answerText(_ answer: Answer, question: Question?) -> String {
        func label(_ key: String) -> String {
            question?.choices.first(where: { $0.key == key })?.label ?? key
        }
        switch answer {
        case let .text(value):
            return value
        case let .number(value):
            if value.isFinite, value.truncatingRemainder(dividingBy: 1) == 0, abs(value) < 1e15 {
                return String(Int64(value))
            }
            var text = String(format: "%.2f", value)
            while text.hasSuffix("0") {
                text.removeLast()
            }
            if text.hasSuffix(".") {
                text.removeLast()
            }
            return text
        case let .dateTime(value):
            return value.formatted(date: .abbreviated, time: .shortened)
        case let .choice(key):
            return label(key)
        case let .choices(keys):
            return keys.map(label).joined(separator: ", ")
        }
    }
}
