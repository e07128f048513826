import CivicCore
import Foundation

/// What a pin on a campaign's map stands for: a spot in one of its states, or a meeting point.
public enum CampaignPinKind: CaseIterable, Equatable, Hashable, Sendable {
    case reported, claimed, cleaned, handedOver, meetingPoint

    public init(_ state: SpotState) {
        switch state {
        case .reported: self = .reported
        case .claimed: self = .claimed
        case .cleaned: self = .cleaned
        case .handedOver: self = .handedOver
        }
    }
}

/// A pin of a campaign's map: a spot (its id is the spot's) or a meeting point. `title` is
/// what the map may print beside it; `accessibilityLabel` is what VoiceOver reads, the state in
/// words (colour is never the only cue), the category, the team, "yours", "waiting to send".
public struct CampaignPin: Equatable, Identifiable, Sendable {
    public let id: String
    /// The spot this pin is, nil for a meeting point.
    public let spotId: String?
    public let lat: Double
    public let lon: Double
    public let kind: CampaignPinKind
    /// The resident reported this spot.
    public let mine: Bool
    /// Something of this spot is still only on the phone.
    public let waiting: Bool
    public let title: String
    public let accessibilityLabel: String

    public init(id: String, spotId: String?, lat: Double, lon: Double, kind: CampaignPinKind, mine: Bool, waiting: Bool,
                title: String, accessibilityLabel: String) {
        self.id = id
        self.spotId = spotId
        self.lat = lat
        self.lon = lon
        self.kind = kind
        self.mine = mine
        self.waiting = waiting
        self.title = title
        self.accessibilityLabel = accessibilityLabel
    }
}

/// A Green Sunday campaign's live map, computed from the campaign and its spots (as android/ui's
/// campaign map): a pin per spot coloured by its state, the meeting points with their names, the
/// drawn area (empty when the campaign is named by wards) and the region that shows them all.
/// For an ended campaign's card, the cleaned spots alone and their region.
public struct CampaignMap: Equatable {
    /// One per spot, in the spots' order.
    public let spotPins: [CampaignPin]
    /// One per meeting point whose position is known, in the campaign's order.
    public let meetingPins: [CampaignPin]
    /// The drawn area's closed ring; empty when the campaign is named by wards (or the
    /// ring is too short to be an area).
    public let area: [GeoPoint]
    /// What the live map frames: every pin and the area.
    public let region: MapBox
    /// The ended campaign's card: the cleaned spots only.
    public let cleanedPins: [CampaignPin]
    /// What the card's map frames: the cleaned spots and the area.
    public let cleanedRegion: MapBox

    /// Where a map starts when it has nothing to frame: the Imperial Citadel, a few streets around.
    public static let fallback = MapBox.region(lat: 16.4698, lon: 107.5786, latDelta: 0.03, lonDelta: 0.03)
    /// The least a region spans, in degrees (about 450 m): a single spot is not shown at a
    /// doorstep's zoom.
    public static let minimumSpan = 0.004
    /// Room around the outermost pins, as a share of the span they take.
    public static let padding = 1.3

    public init(campaign: CampaignInfo?, spots: [CampaignSpot], language: AppLanguage = .vi) {
        let spotPins = spots.map { Self.pin($0, language: language) }
        var meetingPins: [CampaignPin] = []
        if let campaign {
            // A copy kept from before the positions were sent has names without positions.
            for (index, (name, at)) in zip(campaign.meetingPoints, campaign.meetingAt).enumerated() {
                meetingPins.append(CampaignPin(
                    id: "meeting-\(index)", spotId: nil, lat: at.lat, lon: at.lon, kind: .meetingPoint,
                    mine: false, waiting: false, title: name,
                    accessibilityLabel: CampaignMapWords.meetingPoint(name, language: language)
                ))
            }
        }
        let ring = campaign?.area ?? []
        let area = ring.count >= 3 ? ring : []
        let cleanedPins = spotPins.filter { $0.kind == .cleaned }
        let areaPoints: [(lat: Double, lon: Double)] = area.map { (lat: $0.lat, lon: $0.lon) }
        let pinPoints: [(lat: Double, lon: Double)] = (spotPins + meetingPins).map { (lat: $0.lat, lon: $0.lon) }
        let cleanedPoints: [(lat: Double, lon: Double)] = cleanedPins.map { (lat: $0.lat, lon: $0.lon) }
        self.spotPins = spotPins
        self.meetingPins = meetingPins
        self.area = area
        self.region = Self.framing(pinPoints + areaPoints)
        self.cleanedPins = cleanedPins
        self.cleanedRegion = Self.framing(cleanedPoints + areaPoints)
    }

    /// The live map's pins: the spots, then the meeting points (drawn last, on top).
    public var pins: [CampaignPin] { spotPins + meetingPins }

    /// Nothing to draw: no spot, no meeting point with a position, no drawn area.
    public var isEmpty: Bool { pins.isEmpty && area.isEmpty }

    /// The live map's legend: the four states once there is a spot, the meeting point when
    /// there is one (as android's).
    public var legendKinds: [CampaignPinKind] {
        var kinds: [CampaignPinKind] = []
        if !spotPins.isEmpty { kinds += [.reported, .claimed, .cleaned, .handedOver] }
        if !meetingPins.isEmpty { kinds.append(.meetingPoint) }
        return kinds
    }

    /// The card's legend: the cleaned spots'.
    public var cleanedLegendKinds: [CampaignPinKind] {
        cleanedPins.isEmpty ? [] : [CampaignPinKind.cleaned]
    }

    /// The legend mentions "yours" and "waiting to send" only when a pin is so.
    public var showsMine: Bool { spotPins.contains { $0.mine } }
    public var showsWaiting: Bool { spotPins.contains { $0.waiting } }

    /// The pin of a spot.
    public static func pin(_ spot: CampaignSpot, language: AppLanguage = .vi) -> CampaignPin {
        let kind = CampaignPinKind(spot.state)
        return CampaignPin(
            id: spot.id, spotId: spot.id, lat: spot.lat, lon: spot.lon, kind: kind,
            mine: spot.mine, waiting: spot.waiting, title: spot.categoryName,
            accessibilityLabel: CampaignMapWords.spot(spot, language: language)
        )
    }

    /// The box around `points`, padded, at least `minimumSpan` wide and high; `fallback` for none.
    public static func framing(_ points: [(lat: Double, lon: Double)]) -> MapBox {
        guard let first = points.first else { return fallback }
        var box = MapBox(south: first.lat, west: first.lon, north: first.lat, east: first.lon)
        for point in points.dropFirst() {
            box.south = min(box.south, point.lat)
            box.north = max(box.north, point.lat)
            box.west = min(box.west, point.lon)
            box.east = max(box.east, point.lon)
        }
        return MapBox.region(
            lat: (box.south + box.north) / 2, lon: (box.west + box.east) / 2,
            latDelta: max((box.north - box.south) * padding, minimumSpan),
            lonDelta: max((box.east - box.west) * padding, minimumSpan)
        )
    }
}

/// The campaign map's words, in the app's language: the states as the spot list says them (the
/// core's labels), the legend's, and what VoiceOver reads for each pin.
public enum CampaignMapWords {
    /// "Chưa dọn", "Đang dọn", "Đã dọn", "Đã chuyển thành phản ánh"; "Điểm tập trung".
    public static func kind(_ kind: CampaignPinKind, language: AppLanguage = .vi) -> String {
        switch kind {
        case .reported: return language.pick("Chưa dọn", "Not cleaned yet")
        case .claimed: return language.pick("Đang dọn", "Being cleaned")
        case .cleaned: return language.pick("Đã dọn", "Cleaned")
        case .handedOver: return language.pick("Đã chuyển thành phản ánh", "Handed to the city")
        case .meetingPoint: return language.pick("Điểm tập trung", "Meeting point")
        }
    }

    /// The drawn area, in the legend.
    public static func area(language: AppLanguage = .vi) -> String {
        language.pick("Khu vực chiến dịch", "Campaign area")
    }

    public static func mine(language: AppLanguage = .vi) -> String {
        language.pick("Bạn báo", "Yours")
    }

    public static func waiting(language: AppLanguage = .vi) -> String {
        language.pick("Chờ gửi", "Waiting to send")
    }

    /// "Rác thải: chưa dọn, đội Tổ dân phố 5, bạn báo, chờ gửi".
    public static func spot(_ spot: CampaignSpot, language: AppLanguage = .vi) -> String {
        var parts = [lower(kind(CampaignPinKind(spot.state), language: language))]
        if let team = spot.team { parts.append(language.pick("đội \(team)", "team \(team)")) }
        if spot.mine { parts.append(lower(mine(language: language))) }
        if spot.waiting { parts.append(lower(waiting(language: language))) }
        return "\(spot.categoryName): " + parts.joined(separator: ", ")
    }

    /// "Điểm tập trung: Cửa Thượng Tứ" / "Meet at: Cửa Thượng Tứ" (as the campaign's line says).
    public static func meetingPoint(_ name: String, language: AppLanguage = .vi) -> String {
        language.pick("Điểm tập trung: \(name)", "Meet at: \(name)")
    }

    /// A legend in one line, what VoiceOver reads for it: "Chưa dọn, Đang dọn, …, Bạn báo".
    public static func legend(kinds: [CampaignPinKind], area: Bool, mine: Bool, waiting: Bool, language: AppLanguage = .vi) -> String {
        var words = kinds.map { kind($0, language: language) }
        if area { words.append(Self.area(language: language)) }
        if mine { words.append(Self.mine(language: language)) }
        if waiting { words.append(Self.waiting(language: language)) }
        return words.joined(separator: ", ")
    }

    /// Mid-sentence: the first letter in lower case ("Chưa dọn" → "chưa dọn").
    private static func lower(_ word: String) -> String {
        guard let first = word.first else { return word }
        return first.lowercased() + String(word.dropFirst())
    }
}
