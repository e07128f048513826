import CivicCore
import Foundation
import Observation

/// "Giới thiệu": the app's name and version (the platform's), and the map's credits, which
/// the boundaries' source asks the app to show. The credits are the core's (`mapTiles`, in the
/// app's language: the tiles' data and the boundaries' source as the city's configuration says,
/// the server's once synced), read when the screen opens and on `reload()`. The same as
/// android/ui's AboutViewModel.
@MainActor
@Observable
public final class AboutViewModel {
    public let appName: String
    public let version: String
    public private(set) var credits: String

    private let app: CivicApp

    public init(app: CivicApp, appName: String, version: String) {
        self.app = app
        self.appName = appName
        self.version = version
        credits = app.mapTiles().credits
    }

    /// Reads the credits again: a sync may have brought the city's own.
    public func reload() {
        credits = app.mapTiles().credits
    }
}
