import CivicCore
import CoreLocation
import Foundation
import Observation

/// A fix whose accuracy is unknown is said to be poor rather than perfect.
private let unknownAccuracyM = 500.0

/// Where the phone is, for the report's location: one fresh fix from Core Location with its
/// accuracy, as `LocationFix(source: .gps)` (the core has no separate "network" source: the
/// accuracy says how good it is). Asks for "when in use" permission the first time; nil when
/// there is no permission or no fix in time: the citizen places the pin on the map.
@MainActor
@Observable
final class LocationProvider: NSObject, CLLocationManagerDelegate {
    private(set) var status: CLAuthorizationStatus

    private let manager: CLLocationManager
    @ObservationIgnored private var authorizationWaiters: [CheckedContinuation<Void, Never>] = []
    @ObservationIgnored private var fixWaiters: [CheckedContinuation<Measured?, Never>] = []
    @ObservationIgnored private var request = 0

    /// What the delegate hears, copied out of Core Location's objects for the main actor.
    struct Measured: Sendable {
        let lat: Double
        let lon: Double
        let accuracyM: Double
        let at: Date
    }

    init(accuracy: CLLocationAccuracy = kCLLocationAccuracyBest) {
        let manager = CLLocationManager()
        self.manager = manager
        self.status = manager.authorizationStatus
        super.init()
        manager.delegate = self
        manager.desiredAccuracy = accuracy
    }

    /// The citizen may still be asked.
    var canAsk: Bool { status == .notDetermined }

    /// The citizen said no (or the phone forbids it): only Settings can change that.
    var denied: Bool { status == .denied || status == .restricted }

    var authorized: Bool { status == .authorizedWhenInUse || status == .authorizedAlways }

    /// The fix Core Location already holds, when no older than `maxAgeSeconds`: no request,
    /// no dialog (a sync in the background, "warn me where I am now").
    func lastFix(maxAgeSeconds: Double) -> LocationFix? {
        guard authorized, let last = manager.location, -last.timestamp.timeIntervalSinceNow <= maxAgeSeconds else { return nil }
        let accuracy = last.horizontalAccuracy >= 0 ? last.horizontalAccuracy : unknownAccuracyM
        return LocationFix(lat: last.coordinate.latitude, lon: last.coordinate.longitude, accuracyM: accuracy, source: .gps, fixedAt: last.timestamp)
    }

    /// The current position, asking for permission first if it was never asked; nil without
    /// permission or when no fix comes within `timeoutSeconds`.
    func currentFix(timeoutSeconds: Double = 30) async -> LocationFix? {
        if status == .notDetermined {
            manager.requestWhenInUseAuthorization()
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                authorizationWaiters.append(continuation)
            }
        }
        guard authorized else { return nil }
        request += 1
        let this = request
        let measured = await withCheckedContinuation { (continuation: CheckedContinuation<Measured?, Never>) in
            fixWaiters.append(continuation)
            if fixWaiters.count == 1 {
                manager.requestLocation()
            }
            Task { [weak self] in
                try? await Task.sleep(nanoseconds: UInt64(timeoutSeconds * 1_000_000_000))
                guard let self, self.request == this else { return }
                self.finish(nil)
            }
        }
        guard let measured else { return nil }
        return LocationFix(lat: measured.lat, lon: measured.lon, accuracyM: measured.accuracyM, source: .gps, fixedAt: measured.at)
    }

    private func authorizationChanged(_ status: CLAuthorizationStatus) {
        self.status = status
        guard status != .notDetermined else { return }
        let waiters = authorizationWaiters
        authorizationWaiters = []
        for waiter in waiters {
            waiter.resume()
        }
    }

    private func finish(_ measured: Measured?) {
        let waiters = fixWaiters
        fixWaiters = []
        for waiter in waiters {
            waiter.resume(returning: measured)
        }
    }

    // MARK: - CLLocationManagerDelegate (called on the main thread, where the manager was made)

    nonisolated func locationManagerDidChangeAuthorization(_ manager: CLLocationManager) {
        let status = manager.authorizationStatus
        Task { @MainActor in self.authorizationChanged(status) }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        guard let last = locations.last else { return }
        let accuracy = last.horizontalAccuracy >= 0 ? last.horizontalAccuracy : unknownAccuracyM
        let measured = Measured(lat: last.coordinate.latitude, lon: last.coordinate.longitude, accuracyM: accuracy, at: last.timestamp)
        Task { @MainActor in self.finish(measured) }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {
        // No fix (location services off, nothing heard): the citizen places the pin.
        Task { @MainActor in self.finish(nil) }
    }
}
