import CivicCore
import Foundation
import Observation

/// "My reports": the citizen's reports, newest first, with the outbox and the sync state,
/// kept current by the core's observer. The same as android/ui's MyReportsViewModel.
@MainActor
@Observable
public final class MyReportsViewModel {
    public private(set) var reports: [ReportSummary] = []
    /// Category code → its name in the app's language.
    public private(set) var categoryNames: [String: String] = [:]
    public private(set) var outbox: Outbox?
    public private(set) var sync: SyncState = .idle(lastSuccess: nil)
    public private(set) var refreshing = false
    public private(set) var next: String?
    public private(set) var error: String?
    public private(set) var loaded = false

    private let app: CivicApp
    private let pageSize: UInt32
    @ObservationIgnored private var observer: SyncObserver?

    public init(app: CivicApp, pageSize: UInt32 = 50) {
        self.app = app
        self.pageSize = pageSize
        sync = app.syncState()
        observer = SyncObserver(app, onState: { [weak self] state in
            self?.sync = state
            if case .syncing = state { return }
            self?.load()
        }, onSynced: { [weak self] _ in self?.load() })
        load()
    }

    /// Reports waiting to be sent (the banner's count).
    public var waiting: Int { Int(outbox?.waiting ?? 0) }

    /// Reads the first page, the outbox and the category names again.
    public func load() {
        do {
            let page = try app.reports().myReports(statuses: [], limit: pageSize, after: nil)
            reports = page.reports
            next = page.next
            outbox = try app.reports().outbox()
            categoryNames = Dictionary(app.categories().map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
            error = nil
        } catch {
            self.error = peopleMessage(error)
        }
        loaded = true
    }

    /// The next page, appended (the list scrolled to its end).
    public func loadMore() {
        guard let after = next else { return }
        do {
            let page = try app.reports().myReports(statuses: [], limit: pageSize, after: after)
            reports += page.reports
            next = page.next
        } catch {
            self.error = peopleMessage(error)
        }
    }

    /// Pull to refresh: send what waits and fetch what changed, then read again.
    public func refresh() async {
        guard !refreshing else { return }
        refreshing = true
        error = nil
        let (state, problem) = await app.syncForRefresh()
        if let state { sync = state }
        if let problem { error = problem }
        refreshing = false
        load()
    }

    /// How a report stands on its way to the city, for its row.
    public func delivery(of report: ReportSummary) -> Delivery {
        if report.refused { return .refused }
        guard report.status == .queued else { return .delivered }
        if case let .syncing(_, _, sent, total) = sync {
            return .sending(progress: total > 0 ? Double(sent) / Double(total) : 0)
        }
        return .savedOnPhone
    }

    public enum Delivery: Equatable {
        case savedOnPhone
        case sending(progress: Double)
        case delivered
        case refused
    }
}
