import CivicCore
import SwiftUI

/// What a map credits, read from the core each time a map is drawn: `CivicApp.mapTiles()`'s
/// boundary credits, in the app's language (the boundaries' source asks to be credited wherever
/// they are shown; the city's configuration, the server's once synced). MapKit credits its own
/// tiles. `RootView` provides it to every screen; without it (previews) a map credits nothing.
/// The maps are MapKit's (Apple's tiles, which MapKit credits itself): the core's tile template
/// is for maps that draw raster tiles, as Android's does.
struct MapCreditsSource {
    let read: () -> String

    init(read: @escaping () -> String) {
        self.read = read
    }

    init(app: CivicApp) {
        read = { app.mapTiles().boundaryCredits }
    }

    static let none = MapCreditsSource(read: { "" })
}

private struct MapCreditsKey: EnvironmentKey {
    static let defaultValue = MapCreditsSource.none
}

extension EnvironmentValues {
    var mapCredits: MapCreditsSource {
        get { self[MapCreditsKey.self] }
        set { self[MapCreditsKey.self] = newValue }
    }
}

/// The credits as a caption along a map's bottom edge.
struct MapCreditsCaption: View {
    @Environment(\.mapCredits) private var source

    var body: some View {
        let credits = source.read()
        if !credits.isEmpty {
            Text(verbatim: credits)
                .font(.caption2)
                .foregroundStyle(.secondary)
                .frame(maxWidth: .infinity, alignment: .leading)
                .padding(.horizontal, 6)
                .padding(.vertical, 2)
                .background(.thinMaterial)
        }
    }
}

extension View {
    /// The core's map credits as a caption under a map: `Map { … }.mapCredits()`. Under it,
    /// not over it: MapKit's own legal link and logo stay visible, and the map's centre (where
    /// the capture screen's pin stands) stays the centre of what the map shows.
    func mapCredits() -> some View {
        VStack(spacing: 0) {
            self
            MapCreditsCaption()
        }
    }
}
