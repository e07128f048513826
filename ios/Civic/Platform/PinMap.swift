import CoreLocation
import MapKit
import SwiftUI

/// A map (MapKit, Apple's tiles) centred on `center`, with markers and areas. With `movable`
/// the citizen pans the map under a pin fixed at its centre, and `onCenterChanged` hears the
/// centre once the map rests (the "adjust the pin" of the capture screen). A new `center` from
/// outside (a GPS fix) moves the map there. Used by capture, the report's detail, warnings and
/// the city map. The core's map credits are captioned under it (`mapCredits()`).
struct PinMap: View {
    /// A pin: a report, a place, the draft's location.
    struct Pin: Identifiable {
        let id: String
        let coordinate: CLLocationCoordinate2D
        let label: String
        let tint: Color

        init(id: String, coordinate: CLLocationCoordinate2D, label: String, tint: Color = .red) {
            self.id = id
            self.coordinate = coordinate
            self.label = label
            self.tint = tint
        }
    }

    /// An area drawn on the map: a warning's polygon, a saved place's circle as a ring.
    struct Area: Identifiable {
        let id: String
        let ring: [CLLocationCoordinate2D]
        let color: Color

        init(id: String, ring: [CLLocationCoordinate2D], color: Color) {
            self.id = id
            self.ring = ring
            self.color = color
        }
    }

    let center: CLLocationCoordinate2D
    let markers: [Pin]
    let polygons: [Area]
    let movable: Bool
    let spanMetres: Double
    let onCenterChanged: ((CLLocationCoordinate2D) -> Void)?
    let onMarkerTap: ((Pin) -> Void)?

    @State private var position: MapCameraPosition
    @State private var selection: String?
    /// The centre last shown or reported: nearer than `sameSpot` counts as the same place,
    /// so the map moving to a centre it reported does not report it again.
    @State private var shown: CLLocationCoordinate2D

    /// About a metre, in degrees.
    private static let sameSpot = 0.00001

    init(
        center: CLLocationCoordinate2D,
        markers: [Pin] = [],
        polygons: [Area] = [],
        movable: Bool = false,
        spanMetres: Double = 400,
        onCenterChanged: ((CLLocationCoordinate2D) -> Void)? = nil,
        onMarkerTap: ((Pin) -> Void)? = nil
    ) {
        self.center = center
        self.markers = markers
        self.polygons = polygons
        self.movable = movable
        self.spanMetres = spanMetres
        self.onCenterChanged = onCenterChanged
        self.onMarkerTap = onMarkerTap
        _position = State(initialValue: .region(MKCoordinateRegion(center: center, latitudinalMeters: spanMetres, longitudinalMeters: spanMetres)))
        _shown = State(initialValue: center)
    }

    var body: some View {
        Map(position: $position, interactionModes: interactive ? .all : [], selection: $selection) {
            ForEach(polygons) { area in
                MapPolygon(coordinates: area.ring)
                    .stroke(area.color, lineWidth: 2)
                    .foregroundStyle(area.color.opacity(0.25))
            }
            ForEach(markers) { marker in
                Marker(marker.label, coordinate: marker.coordinate)
                    .tint(marker.tint)
                    .tag(marker.id)
            }
        }
        .onMapCameraChange(frequency: .onEnd) { context in
            let now = context.region.center
            guard movable, Self.apart(now, shown) else { return }
            shown = now
            onCenterChanged?(now)
        }
        .onChange(of: Spot(center)) { _, spot in
            guard Self.apart(spot.coordinate, shown) else { return }
            shown = spot.coordinate
            withAnimation {
                position = .region(MKCoordinateRegion(center: spot.coordinate, latitudinalMeters: spanMetres, longitudinalMeters: spanMetres))
            }
        }
        .onChange(of: selection) { _, id in
            guard let id, let marker = markers.first(where: { $0.id == id }) else { return }
            onMarkerTap?(marker)
            selection = nil
        }
        .overlay {
            if movable {
                // The pin stays at the centre; the map moves under it.
                Image(systemName: "mappin")
                    .font(.largeTitle)
                    .foregroundStyle(.red)
                    .offset(y: -18)
                    .allowsHitTesting(false)
                    .accessibilityHidden(true)
            }
        }
        // The core's credits (the boundaries' source asks for them wherever they are shown).
        .mapCredits()
    }

    private var interactive: Bool {
        movable || onMarkerTap != nil
    }

    private static func apart(_ a: CLLocationCoordinate2D, _ b: CLLocationCoordinate2D) -> Bool {
        abs(a.latitude - b.latitude) > sameSpot || abs(a.longitude - b.longitude) > sameSpot
    }

    /// A coordinate that `onChange` can compare.
    private struct Spot: Equatable {
        let lat: Double
        let lon: Double

        init(_ coordinate: CLLocationCoordinate2D) {
            lat = coordinate.latitude
            lon = coordinate.longitude
        }

        var coordinate: CLLocationCoordinate2D {
            CLLocationCoordinate2D(latitude: lat, longitude: lon)
        }
    }
}
