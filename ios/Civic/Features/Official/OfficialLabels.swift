import CivicCore
import CivicFeatures
import Network
import SwiftUI

/// The official's screens' shared words and pieces.
enum OfficialLabels {
    static func dateTime(_ date: Date) -> String {
        date.formatted(date: .abbreviated, time: .shortened)
    }

    static var language: AppLanguage { AppLanguage.current }
}

/// Calls `onReturn` each time the network comes back (offline → online), so actions waiting
/// on the phone go without the official asking.
@MainActor
final class NetworkReturn {
    private let monitor = NWPathMonitor()
    private var online = true

    init(onReturn: @escaping @MainActor () -> Void) {
        monitor.pathUpdateHandler = { [weak self] path in
            let up = path.status == .satisfied
            Task { @MainActor in
                guard let self else { return }
                let came = up && !self.online
                self.online = up
                if came { onReturn() }
            }
        }
        monitor.start(queue: DispatchQueue(label: "civic.official.network"))
    }

    func stop() {
        monitor.cancel()
    }
}
