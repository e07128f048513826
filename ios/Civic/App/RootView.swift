import CivicCore
import CivicFeatures
import SwiftUI

/// Every screen of the app and the way between them (android's CivicNavHost): four tabs
/// (Báo cáo / Cảnh báo / Bản đồ / Chủ nhật xanh) with the unseen counts as badges, a NavigationStack per tab
/// over typed `Route`s, the first run once, over everything, and the officials' screens and
/// About from the reports tab. Every map below captions the core's credits (`mapCredits`). A notification's tap arrives through `AppRouter.open(_:)`.
@MainActor
struct RootView: View {
    let app: CivicApp

    @State private var router = AppRouter.shared
    @State private var badges: BadgeCounter?
    @AppStorage("org.civic.app.first-run-done") private var firstRunDone = false
    @Environment(\.scenePhase) private var scenePhase

    init(app: CivicApp) {
        self.app = app
    }

    var body: some View {
        TabView(selection: $router.tab) {
            reportsTab
                .tabItem {
                    Label { Text("Báo cáo", tableName: "App") } icon: { Image(systemName: "list.bullet") }
                }
                .badge(badges?.reports ?? 0)
                .tag(AppTab.reports)
            warningsTab
                .tabItem {
                    Label { Text("Cảnh báo", tableName: "App") } icon: { Image(systemName: "exclamationmark.triangle") }
                }
                .badge(badges?.warnings ?? 0)
                .tag(AppTab.warnings)
            mapTab
                .tabItem {
                    Label { Text("Bản đồ", tableName: "App") } icon: { Image(systemName: "map") }
                }
                .tag(AppTab.map)
            campaignsTab
                .tabItem {
                    Label { Text("Chủ nhật xanh", tableName: "App") } icon: { Image(systemName: "leaf") }
                }
                .tag(AppTab.campaigns)
        }
        .fullScreenCover(isPresented: firstRunShown) {
            firstRun
        }
        // Every map captions the core's credits, read each time it is drawn (`MapCreditsCaption`).
        .environment(\.mapCredits, MapCreditsSource(app: app))
        .onAppear {
            if badges == nil {
                badges = BadgeCounter(app: app)
            }
        }
        // Counts change as screens are read (a warning opened, a report seen): read them again.
        .onChange(of: router.tab) { badges?.reload() }
        .onChange(of: router.reportsPath) { badges?.reload() }
        .onChange(of: router.warningsPath) { badges?.reload() }
        .onChange(of: scenePhase) { _, phase in
            switch phase {
            case .active:
                AppServices.cameToForeground(app)
                badges?.reload()
            case .background:
                AppServices.wentToBackground(app)
            default:
                break
            }
        }
    }

    // MARK: Tabs

    private var reportsTab: some View {
        NavigationStack(path: $router.reportsPath) {
            ScreenModel(make: { MyReportsViewModel(app: app) }) { model in
                MyReportsView(
                    model: model,
                    photo: { hash in try? app.reports().photo(hash: hash) },
                    onOpen: { id in router.reportsPath.append(.report(id)) },
                    onNewReport: { router.reportsPath.append(.newReport) }
                )
            }
            .toolbar {
                ToolbarItem(placement: .topBarLeading) {
                    Button {
                        router.reportsPath.append(router.official == nil ? .officialLogin : .officialInbox)
                    } label: {
                        Text("Cán bộ", tableName: "App")
                    }
                    .accessibilityHint(Text("Đăng nhập cho cán bộ thành phố", tableName: "App"))
                }
                ToolbarItem(placement: .topBarLeading) {
                    Button {
                        router.reportsPath.append(.about)
                    } label: {
                        Label { Text("Giới thiệu", tableName: "App") } icon: { Image(systemName: "info.circle") }
                    }
                }
            }
            .navigationDestination(for: Route.self) { route in
                destination(route)
            }
        }
    }

    private var campaignsTab: some View {
        NavigationStack(path: $router.campaignsPath) {
            RootScreens.campaigns(app: app, router: router)
                .navigationDestination(for: Route.self) { route in
                    destination(route)
                }
        }
    }

    private var warningsTab: some View {
        NavigationStack(path: $router.warningsPath) {
            warningsRoot
                .navigationDestination(for: Route.self) { route in
                    destination(route)
                }
        }
    }

    private var mapTab: some View {
        NavigationStack(path: $router.mapPath) {
            mapRoot
                .navigationDestination(for: Route.self) { route in
                    destination(route)
                }
        }
    }

    /// Shown until the citizen finishes it; never again after (a flag in UserDefaults).
    private var firstRunShown: Binding<Bool> {
        Binding(get: { !firstRunDone }, set: { shown in
            if !shown { firstRunDone = true }
        })
    }

    // MARK: Screens

    private var warningsRoot: some View {
        RootScreens.warnings(app: app, router: router)
    }

    private var mapRoot: some View {
        RootScreens.map(app: app, router: router)
    }

    private var firstRun: some View {
        RootScreens.firstRun(app: app, onDone: { firstRunDone = true })
    }

    @ViewBuilder
    private func destination(_ route: Route) -> some View {
        RootScreens.destination(route, app: app, router: router)
    }
}
