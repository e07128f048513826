import CivicCore
import CivicFeatures
import MapKit
import SwiftUI

/// A Green Sunday map (MapKit, Apple's tiles): the spots as round pins coloured by state, each
/// with its state's symbol (colour is never the only cue), a star on the resident's own, a clock
/// on those still waiting on the phone; the meeting points with their names; the drawn area.
/// A spot's pin is a button: `onPick` hears its id (the screen selects it and scrolls the list
/// to it, to claim it). VoiceOver reads each pin's label from `CampaignMap` (state, category,
/// team, "yours", "waiting to send"). Framed on `region` (CampaignMap's); a new region with a pin
/// outside what the map shows frames them all again.
struct CampaignSpotsMap: View {
    let title: Text
    let pins: [CampaignPin]
    let area: [GeoPoint]
    let region: MapBox
    let selected: String?
    let onPick: (String) -> Void

    @State private var position: MapCameraPosition
    /// What the camera shows, once it rests.
    @State private var visible: MapBox

    init(title: Text, pins: [CampaignPin], area: [GeoPoint], region: MapBox, selected: String?, onPick: @escaping (String) -> Void) {
        self.title = title
        self.pins = pins
        self.area = area
        self.region = region
        self.selected = selected
        self.onPick = onPick
        _position = State(initialValue: .region(Self.coordinateRegion(region)))
        _visible = State(initialValue: region)
    }

    var body: some View {
        Map(position: $position, interactionModes: [.pan, .zoom]) {
            // No `if` in a map's content on iOS 17's builder: the area as a list of none or one.
            ForEach(area.isEmpty ? [] : [0], id: \.self) { _ in
                MapPolygon(coordinates: area.map { CLLocationCoordinate2D(latitude: $0.lat, longitude: $0.lon) })
                    .foregroundStyle(CampaignPinStyle.areaColor.opacity(0.2))
                    .stroke(CampaignPinStyle.areaColor, lineWidth: 2)
            }
            ForEach(pins) { pin in
                Annotation(pin.title, coordinate: CLLocationCoordinate2D(latitude: pin.lat, longitude: pin.lon)) {
                    CampaignPinButton(pin: pin, selected: pin.spotId != nil && pin.spotId == selected, onPick: onPick)
                }
                // The meeting points' names under them; a spot says what it is when VoiceOver reads it.
                .annotationTitles(pin.kind == .meetingPoint ? .visible : .hidden)
            }
        }
        .onMapCameraChange(frequency: .onEnd) { context in
            let r = context.region
            visible = MapBox.region(lat: r.center.latitude, lon: r.center.longitude, latDelta: r.span.latitudeDelta, lonDelta: r.span.longitudeDelta)
        }
        .onChange(of: region) { _, framing in
            // A spot reported (or synced) outside what the map shows: show them all again.
            guard pins.contains(where: { !visible.contains(lat: $0.lat, lon: $0.lon) }) else { return }
            withAnimation { position = .region(Self.coordinateRegion(framing)) }
        }
        .frame(height: 240)
        .clipShape(RoundedRectangle(cornerRadius: 12))
        .accessibilityElement(children: .contain)
        .accessibilityLabel(title)
        // The core's credits, under the map (the boundaries' source asks for them).
        .mapCredits()
    }

    private static func coordinateRegion(_ box: MapBox) -> MKCoordinateRegion {
        MKCoordinateRegion(
            center: CLLocationCoordinate2D(latitude: (box.south + box.north) / 2, longitude: (box.west + box.east) / 2),
            span: MKCoordinateSpan(latitudeDelta: box.north - box.south, longitudeDelta: box.east - box.west)
        )
    }
}

/// The map's colours and symbols, as android's theme: red while a spot is still dirty, amber
/// while a team cleans it, green once clean, grey once handed to the city; the meeting points
/// blue, the area purple (the report statuses' and severities' palette).
enum CampaignPinStyle {
    static func color(_ kind: CampaignPinKind) -> Color {
        switch kind {
        case .reported: return StatusColor.of(.rejected)
        case .claimed: return SeverityColor.of(.moderate)
        case .cleaned: return StatusColor.of(.resolved)
        case .handedOver: return StatusColor.of(.queued)
        case .meetingPoint: return StatusColor.of(.received)
        }
    }

    /// The symbol inside the pin.
    static func symbol(_ kind: CampaignPinKind) -> String {
        switch kind {
        case .reported: return "exclamationmark"
        case .claimed: return "person.2.fill"
        case .cleaned: return "checkmark"
        case .handedOver: return "building.columns.fill"
        case .meetingPoint: return "flag.fill"
        }
    }

    /// The same symbol in a filled circle, for the legend.
    static func legendSymbol(_ kind: CampaignPinKind) -> String {
        switch kind {
        case .reported: return "exclamationmark.circle.fill"
        case .claimed: return "person.2.circle.fill"
        case .cleaned: return "checkmark.circle.fill"
        case .handedOver: return "building.columns.circle.fill"
        case .meetingPoint: return "flag.circle.fill"
        }
    }

    static let areaColor: Color = StatusColor.of(.inProgress)
    static let mineSymbol = "star.fill"
    static let waitingSymbol = "clock.fill"
}

/// A pin: a spot's is a button (with its label, a hint and "selected" when picked), a meeting
/// point's a labelled image.
private struct CampaignPinButton: View {
    let pin: CampaignPin
    let selected: Bool
    let onPick: (String) -> Void

    var body: some View {
        if let spot = pin.spotId {
            Button { onPick(spot) } label: { badge }
                .buttonStyle(.plain)
                .accessibilityLabel(Text(verbatim: pin.accessibilityLabel))
                .accessibilityHint(Text("Hiện điểm này trong danh sách", tableName: "Campaign"))
                .accessibilityAddTraits(selected ? .isSelected : [])
        } else {
            badge
                .accessibilityElement(children: .ignore)
                .accessibilityLabel(Text(verbatim: pin.accessibilityLabel))
        }
    }

    private var badge: some View {
        let size: CGFloat = selected ? 34 : 26
        return Image(systemName: CampaignPinStyle.symbol(pin.kind))
            .font(.system(size: size * 0.45, weight: .bold))
            .foregroundStyle(.white)
            .frame(width: size, height: size)
            .background(CampaignPinStyle.color(pin.kind), in: Circle())
            .overlay(Circle().strokeBorder(selected ? Color.primary : Color.white, lineWidth: selected ? 3 : 2))
            .overlay(alignment: .topTrailing) {
                if pin.mine { corner(CampaignPinStyle.mineSymbol) }
            }
            .overlay(alignment: .bottomTrailing) {
                if pin.waiting { corner(CampaignPinStyle.waitingSymbol) }
            }
            .shadow(radius: 1)
            // A fingertip's room around a small pin.
            .frame(minWidth: 44, minHeight: 44)
            .contentShape(Rectangle())
    }

    /// A small mark on the pin's corner: black on white, readable on any colour.
    private func corner(_ symbol: String) -> some View {
        Image(systemName: symbol)
            .font(.system(size: 8, weight: .bold))
            .foregroundStyle(.black)
            .frame(width: 14, height: 14)
            .background(.white, in: Circle())
            .offset(x: 5, y: 0)
    }
}

/// The map's legend in one wrapping line: each state's symbol in its colour and its words, the
/// area, the star and the clock. VoiceOver reads the words alone.
struct CampaignMapLegend: View {
    let kinds: [CampaignPinKind]
    let area: Bool
    let mine: Bool
    let waiting: Bool

    var body: some View {
        let language = AppLanguage.current
        let words = CampaignMapWords.legend(kinds: kinds, area: area, mine: mine, waiting: waiting, language: language)
        line(language)
            .font(.caption)
            .accessibilityLabel(Text("Chú giải: \(words)", tableName: "Campaign"))
    }

    private func line(_ language: AppLanguage) -> Text {
        var entries: [Text] = kinds.map { kind in
            entry(Text(Image(systemName: CampaignPinStyle.legendSymbol(kind))).foregroundStyle(CampaignPinStyle.color(kind)),
                  CampaignMapWords.kind(kind, language: language))
        }
        if area {
            entries.append(entry(Text(Image(systemName: "square.fill")).foregroundStyle(CampaignPinStyle.areaColor.opacity(0.6)),
                                 CampaignMapWords.area(language: language)))
        }
        if mine {
            entries.append(entry(Text(Image(systemName: CampaignPinStyle.mineSymbol)), CampaignMapWords.mine(language: language)))
        }
        if waiting {
            entries.append(entry(Text(Image(systemName: CampaignPinStyle.waitingSymbol)), CampaignMapWords.waiting(language: language)))
        }
        var text = Text(verbatim: "")
        for (index, item) in entries.enumerated() {
            text = index == 0 ? item : text + Text(verbatim: "   ") + item
        }
        return text
    }

    private func entry(_ symbol: Text, _ words: String) -> Text {
        symbol + Text(verbatim: " \(words)")
    }
}
