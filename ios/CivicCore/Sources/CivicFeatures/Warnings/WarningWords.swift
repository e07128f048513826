import CivicCore
import Foundation

/// What the warnings' screens compute from the core's records: the same as android/ui's
/// WarningWords and the helpers beside it (times, radii, the areas' bounds). The words of a
/// warning (severity, state, drill) and the inbox's order are the core's.
public enum WarningWords {
    /// The radii offered around a point, in metres.
    public static let radii: [Double] = [500, 1_000, 2_000]

    /// The Imperial Citadel: where a map starts before the resident moves it.
    public static let citadel = GeoPoint(lat: 16.4698, lon: 107.5786)

    /// The severities a resident can choose as the least that reaches them, least first.
    public static let choosable: [Severity] = [.minor, .moderate, .severe, .extreme]

    /// Minutes since midnight as "HH:mm".
    public static func hhmm(_ minute: Int) -> String {
        String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    /// "HH:mm" (or "H:mm", "22h00", "22.00") to minutes since midnight; nil when it is not a
    /// time of that shape. The hour is not bounded here: the core judges the range and says why.
    public static func parseHhmm(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let separator = trimmed.firstIndex(where: { $0 == ":" || $0 == "h" || $0 == "." }) else { return nil }
        let hourText = trimmed[trimmed.startIndex..<separator]
        let minuteText = trimmed[trimmed.index(after: separator)...]
        guard (1...2).contains(hourText.count), minuteText.count == 2,
              hourText.allSatisfy({ $0.isASCII && $0.isNumber }), minuteText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let hour = Int(hourText), let minute = Int(minuteText), minute <= 59
        else { return nil }
        return hour * 60 + minute
    }

    /// A radius in the resident's words: "500 m", "1 km", "1,5 km" (Vietnamese decimal comma).
    public static func radiusText(_ metres: Double, language: AppLanguage) -> String {
        guard metres >= 1000 else { return "\(Int(metres)) m" }
        let km = metres / 1000
        let text = km == km.rounded() ? "\(Int(km)) km" : String(format: "%.1f km", km)
        return language == .vi ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// The box (south, west, north, east) that holds every shape of a warning; nil for none.
    public static func bounds(_ shapes: [WarningShape]) -> (south: Double, west: Double, north: Double, east: Double)? {
        var points: [GeoPoint] = []
        for shape in shapes {
            switch shape {
            case let .polygon(ring):
                points += ring
            case let .circle(center, radiusM):
                let dLat = radiusM / 110_540.0
                let dLon = radiusM / (111_320.0 * cos(center.lat * Double.pi / 180))
                points.append(GeoPoint(lat: center.lat - dLat, lon: center.lon - dLon))
                points.append(GeoPoint(lat: center.lat + dLat, lon: center.lon + dLon))
            }
        }
        guard let first = points.first else { return nil }
        var box = (south: first.lat, west: first.lon, north: first.lat, east: first.lon)
        for point in points {
            box.south = min(box.south, point.lat)
            box.north = max(box.north, point.lat)
            box.west = min(box.west, point.lon)
            box.east = max(box.east, point.lon)
        }
        return box
    }

    /// Huế's time now as minutes since midnight (quiet hours are the city's local time).
    public static func hueMinute(at date: Date = Date()) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600) ?? .current
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
    }
}
