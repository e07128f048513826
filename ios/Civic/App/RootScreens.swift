import CivicCore
import CivicFeatures
import SwiftUI

/// The screens `RootView` shows, each with its view model made once (`ScreenModel`) and its
/// callbacks wired to the router (android's CivicNavHost composables).
@MainActor
enum RootScreens {
    /// "Cảnh báo": the warnings inbox.
    static func warnings(app: CivicApp, router: AppRouter) -> some View {
        ScreenModel(make: { WarningsViewModel(app: app) }) { model in
            WarningsInboxView(
                model: model,
                onOpen: { id in router.push(.warning(id)) },
                onSubscriptions: { router.push(.subscriptions) }
            )
        }
    }

    /// "Chủ nhật xanh": the clean-up campaigns near the resident's places.
    static func campaigns(app: CivicApp, router: AppRouter) -> some View {
        ScreenModel(make: { CampaignsViewModel(app: app) }) { model in
            CampaignsListView(model: model, onOpen: { id in router.push(.campaign(id)) })
        }
    }

    /// "Bản đồ": what the city did nearby. A tab: no "back".
    static func map(app: CivicApp, router: AppRouter) -> some View {
        ScreenModel(make: { CityMapViewModel(app: app) }) { model in
            CityMapView(model: model)
        }
    }

    /// The first run: language, what the app does, notifications, optional name and contact.
    /// The core keeps the profile and sends it with the next sync.
    static func firstRun(app: CivicApp, onDone: @escaping () -> Void) -> some View {
        ScreenModel(make: { FirstRunViewModel(app: app) }) { model in
            FirstRunView(
                model: model,
                requestNotifications: { await Notifications.requestPermission() },
                onDone: onDone
            )
        }
    }

    @ViewBuilder
    static func destination(_ route: Route, app: CivicApp, router: AppRouter) -> some View {
        switch route {
        case let .report(id):
            ScreenModel(make: { ReportDetailViewModel(app: app, reportId: id) }) { model in
                ReportDetailView(model: model)
            }
            .id(id)
        case .newReport:
            // After "send" the report waits in the outbox: a sync now, with time to finish
            // should the citizen leave the app, and the outbox task behind it.
            ScreenModel(make: { CaptureViewModel(app: app, onQueued: { _ in BackgroundSync.syncSoon(app) }) }) { model in
                CaptureView(model: model, onClose: { router.pop() })
            }
        case let .warning(id):
            ScreenModel(make: { WarningsViewModel(app: app) }) { model in
                WarningDetailView(model: model, id: id)
            }
            .id(id)
        case .subscriptions:
            ScreenModel(make: { SubscriptionsViewModel(app: app) }) { model in
                SubscriptionsView(model: model)
            }
            // The server wakes the phone for the places followed: tell it what changed.
            .onDisappear { Task { await PushRegistration.register() } }
        case .officialLogin:
            officialLogin(app: app, router: router)
        case .officialInbox:
            if let official = router.official {
                ScreenModel(make: { OfficialInboxViewModel(app: official, categories: app.categories()) }) { model in
                    OfficialInboxView(
                        model: model,
                        onOpen: { id in router.push(.officialReport(id)) },
                        onSignOut: { router.signOut() }
                    )
                }
            } else {
                // The session lives in memory: signed out, or the app was relaunched.
                officialLogin(app: app, router: router)
            }
        case let .officialReport(id):
            if let official = router.official {
                OfficialReportRoute(app: app, official: official, id: id)
                    .id(id)
            } else {
                officialLogin(app: app, router: router)
            }
        case let .campaign(id):
            CampaignRoute(app: app, id: id)
                .id(id)
        case .about:
            ScreenModel(make: { AboutViewModel(app: app, appName: AppInfo.name, version: AppInfo.version) }) { model in
                AboutView(model: model)
            }
        }
    }

    private static func officialLogin(app: CivicApp, router: AppRouter) -> some View {
        ScreenModel(make: { OfficialLoginViewModel(serverUrl: CoreHolder.serverURL, phone: app) }) { model in
            OfficialLoginView(model: model, onSignedIn: { official in router.signIn(official) })
        }
    }
}

/// A work item for the signed-in official (android's OfficialReportRoute): the camera for the
/// after-photo (its JPEG's bytes), the phone's fix where it was resolved (asking for the
/// permission if needed).
@MainActor
struct OfficialReportRoute: View {
    let app: CivicApp
    let official: OfficialApp
    let id: String

    @State private var location = LocationProvider()
    @State private var camera = CameraRequest()

    init(app: CivicApp, official: OfficialApp, id: String) {
        self.app = app
        self.official = official
        self.id = id
    }

    var body: some View {
        ScreenModel(make: { OfficialReportViewModel(app: official, id: id, categories: app.categories()) }) { model in
            OfficialReportView(
                model: model,
                takeAfterPhoto: { await camera.take() },
                currentLocation: { await location.currentFix() }
            )
        }
        .fullScreenCover(isPresented: $camera.showing, onDismiss: { camera.finish(nil) }) {
            CameraPicker(onCaptured: { bytes in camera.finish(bytes) }, onCancel: { camera.finish(nil) })
                .ignoresSafeArea()
        }
    }
}

/// A campaign: a category tapped opens the camera; the photo and the phone's fix become a
/// spot kept on the phone, then sent at once when there is a connection. Joining schedules
/// the reminders before it as local notifications (`CampaignReminders`).
@MainActor
struct CampaignRoute: View {
    let app: CivicApp
    let id: String

    @State private var location = LocationProvider()
    @State private var camera = CameraRequest()

    var body: some View {
        ScreenModel(make: { CampaignViewModel(app: app, campaignId: id, reminders: CampaignReminders()) }) { model in
            CampaignView(model: model, onCapture: { category in
                Task {
                    guard let photo = await camera.take(), let fix = await location.currentFix() else { return }
                    await model.reportSpot(category: category, photo: photo, location: fix)
                    await model.sync()
                }
            })
        }
        .fullScreenCover(isPresented: $camera.showing, onDismiss: { camera.finish(nil) }) {
            CameraPicker(onCaptured: { bytes in camera.finish(bytes) }, onCancel: { camera.finish(nil) })
                .ignoresSafeArea()
        }
    }
}

/// The camera shown over a screen that awaits its photo: `take()` returns the JPEG's bytes,
/// nil when cancelled or when the camera is not allowed.
@MainActor
@Observable
final class CameraRequest {
    var showing = false
    @ObservationIgnored private var waiter: CheckedContinuation<Data?, Never>?

    func take() async -> Data? {
        // Only one at a time: an earlier request still waiting gets nothing.
        finish(nil)
        // The simulator has no camera: the picker shows the photo library, which needs no permission.
        if CameraPicker.isAvailable {
            let allowed = await CameraPicker.access()
            if !allowed { return nil }
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Data?, Never>) in
            waiter = continuation
            showing = true
        }
    }

    func finish(_ bytes: Data?) {
        let pending = waiter
        waiter = nil
        showing = false
        pending?.resume(returning: bytes)
    }
}
