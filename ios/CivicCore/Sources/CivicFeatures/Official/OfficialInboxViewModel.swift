import CivicCore
import Foundation
import Observation

/// The official's inbox: open reports of their units, most overdue first (the server sorts),
/// a page at a time, filtered by status. Everything here needs the network. The same as
/// android/ui's OfficialInboxViewModel.
@MainActor
@Observable
public final class OfficialInboxViewModel {
    /// The statuses an official filters by (nil: every open report).
    public let filters: [ReportStatus?] = [nil, .received, .assigned, .inProgress, .reopened]

    public private(set) var items: [WorkItem] = []
    /// Only this status, or every open report (nil).
    public private(set) var filter: ReportStatus?
    /// Category code → its name (from the citizen app's catalog: the official app has none).
    public let categoryNames: [String: String]
    /// The moment "due in" / "overdue by" is computed against.
    public private(set) var now: Date
    public private(set) var next: String?
    public private(set) var refreshing = false
    public private(set) var loaded = false
    /// No connection: the screen says the list needs one.
    public private(set) var offline = false
    public private(set) var error: String?

    private let official: OfficialApp
    private let pageSize: UInt32
    private let clock: () -> Date
    /// Bumped by each first-page read: an older answer is dropped when a newer read started.
    @ObservationIgnored private var generation = 0
    @ObservationIgnored private var loadingMore = false

    public init(app official: OfficialApp, categories: [CivicCore.Category], pageSize: UInt32 = 50, clock: @escaping () -> Date = { Date() }) {
        self.official = official
        self.categoryNames = Dictionary(categories.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        self.pageSize = pageSize
        self.clock = clock
        self.now = clock()
    }

    public func categoryName(_ code: String) -> String {
        categoryNames[code] ?? code
    }

    /// Reads the first page again (on opening, pull to refresh).
    public func refresh() async {
        generation += 1
        let mine = generation
        let status = filter
        refreshing = true
        error = nil
        do {
            let page = try await official.inbox(status: status, limit: pageSize, after: nil)
            guard mine == generation else { return }
            items = page.items
            next = page.next
            offline = false
            now = clock()
        } catch {
            guard mine == generation else { return }
            fail(error)
        }
        refreshing = false
        loaded = true
    }

    public func setFilter(_ status: ReportStatus?) async {
        guard status != filter else { return }
        filter = status
        items = []
        next = nil
        loaded = false
        await refresh()
    }

    /// The next page, appended (the list scrolled to its end).
    public func loadMore() async {
        guard let after = next, !loadingMore, !refreshing else { return }
        loadingMore = true
        defer { loadingMore = false }
        let mine = generation
        do {
            let page = try await official.inbox(status: filter, limit: pageSize, after: after)
            guard mine == generation else { return }
            let known = Set(items.map { $0.id })
            items += page.items.filter { !known.contains($0.id) }
            next = page.next
            offline = false
        } catch {
            guard mine == generation else { return }
            fail(error)
        }
    }

    /// An item changed on its detail screen: show it as it is now (or drop it once closed).
    public func updated(_ item: WorkItem) {
        let keep = OfficialWords.isOpen(item.status) && (filter == nil || filter == item.status)
        items = items.compactMap { $0.id == item.id ? (keep ? item : nil) : $0 }
    }

    // The core's offline text promises to send later; reading the inbox simply needs a
    // connection, which the screen says itself (`offline`).
    private func fail(_ error: Error) {
        let civic = error as? CivicError
        offline = civic?.isOffline ?? false
        self.error = offline ? nil : peopleMessage(error)
    }
}
