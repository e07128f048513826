import CivicCore
import Foundation
import Observation

/// Which reports the map shows.
public enum MapFilter: CaseIterable, Sendable {
    case all, open, resolved
}

/// A map's visible box, in degrees.
public struct MapBox: Equatable, Sendable {
    public var south: Double
    public var west: Double
    public var north: Double
    public var east: Double

    public init(south: Double, west: Double, north: Double, east: Double) {
        self.south = south
        self.west = west
        self.north = north
        self.east = east
    }

    public func contains(lat: Double, lon: Double) -> Bool {
        lat >= south && lat <= north && lon >= west && lon <= east
    }

    /// The box a `width` × `height` point map shows around a centre at web-mercator `zoom`
    /// (256 points a tile at zoom 0).
    public static func around(lat: Double, lon: Double, zoom: Double, width: Double, height: Double) -> MapBox {
        let cosLat = cos(lat * Double.pi / 180)
        let metresPerPoint = 156_543.03 * cosLat / pow(2, zoom)
        let halfLat = height / 2 * metresPerPoint / 110_540.0
        let halfLon = width / 2 * metresPerPoint / (111_320.0 * cosLat)
        return MapBox(south: lat - halfLat, west: lon - halfLon, north: lat + halfLat, east: lon + halfLon)
    }

    /// The box of a region given by its centre and its span in degrees (MapKit's).
    public static func region(lat: Double, lon: Double, latDelta: Double, lonDelta: Double) -> MapBox {
        MapBox(south: lat - latDelta / 2, west: lon - lonDelta / 2, north: lat + latDelta / 2, east: lon + lonDelta / 2)
    }
}

/// What the page says in one line: how many, how many fixed, how long it took on average.
public struct MapSummary: Equatable, Sendable {
    public let total: Int
    public let resolved: Int
    public let averageHours: Double?

    public init(total: Int, resolved: Int, averageHours: Double?) {
        self.total = total
        self.resolved = resolved
        self.averageHours = averageHours
    }
}

/// The public map: what the city has done near the citizen, for the box the map shows.
/// Reports come from the server (`cityReports`) without anyone's personal data; the map needs a
/// connection and says so when there is none. The same as android/ui's CityMapViewModel.
@MainActor
@Observable
public final class CityMapViewModel {
    public private(set) var box: MapBox
    public private(set) var filter: MapFilter = .all
    /// Every report of the box loaded so far (before the filter).
    public private(set) var reports: [CityReport] = []
    public private(set) var categoryNames: [String: String] = [:]
    /// The report picked on the map or in the list (by its public number).
    public private(set) var selected: String?
    public private(set) var next: String?
    public private(set) var loading = false
    public private(set) var loaded = false
    public private(set) var offline = false
    public private(set) var error: String?

    private let app: CivicApp
    private let pageSize: UInt32
    /// How long the map must rest before it loads (a drag moves it many times).
    private let settle: Duration
    @ObservationIgnored private var pendingMove: Task<Void, Never>?
    /// Bumped by each read of a box: an older answer is dropped when a newer one started.
    @ObservationIgnored private var generation = 0

    /// Around the Imperial Citadel, as far as a phone's map shows at zoom 15, unless given.
    public init(app: CivicApp, box: MapBox? = nil, pageSize: UInt32 = 200, settle: Duration = .milliseconds(400)) {
        self.app = app
        self.box = box ?? MapBox.around(lat: 16.4698, lon: 107.5786, zoom: 15, width: 390, height: 280)
        self.pageSize = pageSize
        self.settle = settle
        categoryNames = Dictionary(app.categories().map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    public var shown: [CityReport] {
        switch filter {
        case .all: return reports
        case .open: return reports.filter { Self.isOpen($0.status) }
        case .resolved: return reports.filter { $0.status == .resolved }
        }
    }

    /// Computed from the loaded page(s), whatever the filter.
    public var summary: MapSummary {
        let resolved = reports.filter { $0.status == .resolved }
        let hours = resolved.compactMap { $0.hoursToOutcome }
        return MapSummary(
            total: reports.count,
            resolved: resolved.count,
            averageHours: hours.isEmpty ? nil : hours.reduce(0, +) / Double(hours.count)
        )
    }

    public func categoryName(_ code: String) -> String {
        categoryNames[code] ?? code
    }

    /// The core's rule (`statusIsOpen`): the city still has work to do on it.
    public nonisolated static func isOpen(_ status: ReportStatus) -> Bool {
        statusIsOpen(status: status)
    }

    /// The map moved or zoomed: load its new box once it rests.
    public func move(to box: MapBox) {
        self.box = box
        pendingMove?.cancel()
        let settle = self.settle
        pendingMove = Task { [weak self] in
            try? await Task.sleep(for: settle)
            if Task.isCancelled { return }
            await self?.refresh()
        }
    }

    public func setFilter(_ filter: MapFilter) {
        self.filter = filter
    }

    public func select(_ publicNumber: String?) {
        selected = publicNumber
    }

    /// Reads the box now (on opening, "Reload").
    public func refresh() async {
        generation += 1
        let mine = generation
        let box = self.box
        loading = true
        error = nil
        do {
            let page = try await app.reports().cityReports(
                south: box.south, west: box.west, north: box.north, east: box.east, limit: pageSize, after: nil
            )
            guard mine == generation else { return }
            reports = page.reports
            next = page.next
            offline = false
            selected = nil
        } catch {
            guard mine == generation else { return }
            // Keep what was shown; say why nothing new came.
            fail(error)
        }
        loading = false
        loaded = true
    }

    /// More of the same box (the list scrolled to its end).
    public func loadMore() async {
        guard let after = next, !loading else { return }
        let mine = generation
        let box = self.box
        loading = true
        defer { loading = false }
        do {
            let page = try await app.reports().cityReports(
                south: box.south, west: box.west, north: box.north, east: box.east, limit: pageSize, after: after
            )
            guard mine == generation else { return }
            reports += page.reports
            next = page.next
        } catch {
            guard mine == generation else { return }
            fail(error)
        }
    }

    private func fail(_ error: Error) {
        offline = (error as? CivicError)?.isOffline ?? false
        self.error = offline ? nil : peopleMessage(error)
    }
}

/// Words of the map, computed from the core's records.
public enum MapWords {
    /// A span of hours, with "under a minute" for the quickest.
    public static func span(_ hours: Double, language: AppLanguage) -> String {
        hours * 60 < 1 ? language.pick("dưới 1 phút", "under 1 min") : OfficialWords.hours(hours, language: language)
    }

    /// "xử lý trong 2 ngày 4 giờ" / "resolved in 2 d 4 h" (or answered, for a refusal).
    public static func outcome(_ report: CityReport, language: AppLanguage) -> String? {
        guard let hours = report.hoursToOutcome else { return nil }
        let text = span(hours, language: language)
        return report.status == .resolved
            ? language.pick("xử lý trong \(text)", "resolved in \(text)")
            : language.pick("trả lời trong \(text)", "answered in \(text)")
    }

    public static func summary(_ s: MapSummary, language: AppLanguage) -> String {
        guard let average = s.averageHours.map({ span($0, language: language) }) else {
            return language.pick("\(s.total) báo cáo, \(s.resolved) đã xử lý", "\(s.total) reports, \(s.resolved) resolved")
        }
        return language.pick(
            "\(s.total) báo cáo, \(s.resolved) đã xử lý, trung bình \(average)",
            "\(s.total) reports, \(s.resolved) resolved, \(average) on average"
        )
    }

    /// "★★★★☆" for four stars.
    public static func stars(_ stars: Int) -> String {
        let n = min(max(stars, 0), 5)
        return String(repeating: "★", count: n) + String(repeating: "☆", count: 5 - n)
    }
}
