import CivicCore
import CivicFeatures
import SwiftUI

/// Civic for iPhone. (Not `CivicApp`: that is the core's type.)
@main
@MainActor
struct CivicMain: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var delegate
    @State private var core = CoreHolder.shared

    var body: some Scene {
        WindowGroup {
            Group {
                switch core.state {
                case .opening:
                    ProgressView()
                case let .failed(message):
                    ContentUnavailableView {
                        Label {
                            Text("Không mở được dữ liệu của Civic trên điện thoại.", tableName: "App")
                        } icon: {
                            Image(systemName: "exclamationmark.triangle")
                        }
                    } description: {
                        Text(message)
                    } actions: {
                        Button { core.open() } label: { Text("Thử lại", tableName: "App") }
                    }
                case let .ready(app):
                    RootView(app: app)
                }
            }
            .task { core.open() }
        }
    }
}

/// The one `CivicApp` of the process: the core's store in Application Support, the server
/// from Info.plist (`CivicServerURL`), the device token in the Keychain.
@MainActor
@Observable
final class CoreHolder {
    static let shared = CoreHolder()

    enum State {
        case opening
        case failed(String)
        case ready(CivicApp)
    }

    private(set) var state: State = .opening

    var app: CivicApp? {
        if case let .ready(app) = state { return app }
        return nil
    }

    /// The server, from Info.plist (`CivicServerURL`, the `CIVIC_SERVER_URL` build setting).
    static var serverURL: String {
        let configured = Bundle.main.object(forInfoDictionaryKey: "CivicServerURL") as? String ?? ""
        return configured.isEmpty ? "http://127.0.0.1:8080" : configured
    }

    func open() {
        if app != nil { return }
        do {
            let support = try FileManager.default.url(for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
            let dir = support.appendingPathComponent("civic", isDirectory: true)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            // The core's data is the citizen's: kept out of iCloud backups with the token.
            var values = URLResourceValues()
            values.isExcludedFromBackup = true
            var excluded = dir
            try? excluded.setResourceValues(values)
            let app = try CivicApp.open(dataDir: dir.path, serverUrl: Self.serverURL, language: AppLanguage.current.rawValue, tokens: KeychainTokenStorage())
            state = .ready(app)
            AppServices.coreOpened(app)
        } catch {
            state = .failed(peopleMessage(error))
        }
    }
}
