import CivicCore
import Foundation
import Observation

/// The four tabs of the tab bar.
enum AppTab: Hashable {
    case reports
    case warnings
    case map
    case campaigns
}

/// Every screen a tab's NavigationStack can push (android's Routes).
enum Route: Hashable {
    case report(String)
    case newReport
    case warning(String)
    case subscriptions
    case officialLogin
    case officialInbox
    case officialReport(String)
    case campaign(String)
    /// "Giới thiệu": the app, its version, the map's credits.
    case about
}

/// Where a notification leads: its report, its warning, or (a reminder) its campaign. Carried
/// in the notification's `userInfo` ("route" and "id") and followed by `AppRouter.open(_:)`.
enum DeepLink: Hashable {
    case report(String)
    case warning(String)
    case campaign(String)

    var userInfo: [AnyHashable: Any] {
        switch self {
        case let .report(id): return ["route": "report", "id": id]
        case let .warning(id): return ["route": "warning", "id": id]
        case let .campaign(id): return ["route": "campaign", "id": id]
        }
    }

    init?(userInfo: [AnyHashable: Any]) {
        guard let route = userInfo["route"] as? String, let id = userInfo["id"] as? String, !id.isEmpty else { return nil }
        switch route {
        case "report": self = .report(id)
        case "warning": self = .warning(id)
        case "campaign": self = .campaign(id)
        default: return nil
        }
    }
}

/// The app's navigation state: the selected tab and each tab's stack, shared by `RootView`
/// and the notification delegate (a tap opens its report or warning, even before the core
/// is open: the paths wait here).
@MainActor
@Observable
final class AppRouter {
    static let shared = AppRouter()

    var tab: AppTab = .reports
    var reportsPath: [Route] = []
    var warningsPath: [Route] = []
    var mapPath: [Route] = []
    var campaignsPath: [Route] = []

    /// The signed-in official, if any: in memory only (the session lives in the OfficialApp),
    /// so a relaunched app asks for the password again.
    private(set) var official: OfficialApp?

    /// Opens a notification's report, warning or campaign on top of its tab's root.
    func open(_ link: DeepLink) {
        switch link {
        case let .report(id):
            tab = .reports
            reportsPath = [.report(id)]
        case let .warning(id):
            tab = .warnings
            warningsPath = [.warning(id)]
        case let .campaign(id):
            tab = .campaigns
            campaignsPath = [.campaign(id)]
        }
    }

    /// Pushes a route on the selected tab's stack.
    func push(_ route: Route) {
        switch tab {
        case .reports: reportsPath.append(route)
        case .warnings: warningsPath.append(route)
        case .map: mapPath.append(route)
        case .campaigns: campaignsPath.append(route)
        }
    }

    /// Goes back one screen on the selected tab.
    func pop() {
        switch tab {
        case .reports: if !reportsPath.isEmpty { reportsPath.removeLast() }
        case .warnings: if !warningsPath.isEmpty { warningsPath.removeLast() }
        case .map: if !mapPath.isEmpty { mapPath.removeLast() }
        case .campaigns: if !campaignsPath.isEmpty { campaignsPath.removeLast() }
        }
    }

    /// Replaces the top screen (sign-in → inbox, so "back" does not return to the form).
    func replaceTop(with route: Route) {
        pop()
        push(route)
    }

    func signIn(_ official: OfficialApp) {
        self.official = official
        replaceTop(with: .officialInbox)
    }

    /// Forgets the session and leaves the officials' screens. Not closed here: a screen may
    /// still be finishing a call on it; the bindings free it once nothing holds it.
    func signOut() {
        official = nil
        reportsPath.removeAll { route in
            switch route {
            case .officialLogin, .officialInbox, .officialReport: return true
            default: return false
            }
        }
    }
}
