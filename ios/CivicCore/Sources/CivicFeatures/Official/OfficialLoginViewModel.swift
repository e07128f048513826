import CivicCore
import Foundation
import Observation

/// Signs an official in on the app's own server. Sign-in needs the network: the typed username
/// and password stay on screen when it fails, and the password is dropped as soon as it
/// succeeds. With the phone's core (`phone`, as in the app) the official signs in through it
/// (its server and language); without one, on `serverUrl` in `language`, with nowhere to keep
/// actions made offline. The same as android/ui's OfficialLoginViewModel.
@MainActor
@Observable
public final class OfficialLoginViewModel {
    public private(set) var username = ""
    /// Lives here only until sign-in succeeds.
    public private(set) var password = ""
    public private(set) var busy = false
    public private(set) var error: String?
    /// The signed-in official, once the server said yes: the app moves on to the inbox.
    public private(set) var official: OfficialApp?

    private let serverUrl: String
    private let language: AppLanguage
    /// The phone's core: actions the official makes offline are kept in its store.
    private let phone: CivicApp?

    public init(serverUrl: String, language: AppLanguage = .current, phone: CivicApp? = nil) {
        self.serverUrl = serverUrl
        self.language = language
        self.phone = phone
    }

    public var canSubmit: Bool {
        !busy && !username.trimmingCharacters(in: .whitespaces).isEmpty && !password.isEmpty
    }

    public func setUsername(_ text: String) {
        username = text
        error = nil
    }

    public func setPassword(_ text: String) {
        password = text
        error = nil
    }

    public func login() async {
        guard canSubmit else { return }
        busy = true
        error = nil
        do {
            let name = username.trimmingCharacters(in: .whitespaces)
            let signedIn: OfficialApp
            if let phone {
                signedIn = try await phone.official().login(username: name, password: password)
            } else {
                signedIn = try await loginOfficial(serverUrl: serverUrl, username: name, password: password, language: language.rawValue)
            }
            password = ""
            official = signedIn
        } catch let failure as CivicError {
            switch failure {
            case .Unauthorized:
                // The core's text speaks of an expired session; here the pair was wrong.
                error = language.pick("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.")
            case .Offline:
                error = language.pick(
                    "Không có mạng. Cần có mạng để đăng nhập; hãy thử lại khi có sóng.",
                    "No connection. Signing in needs the network; try again when you have signal."
                )
            default:
                error = failure.userMessage
            }
        } catch {
            self.error = peopleMessage(error)
        }
        busy = false
    }
}

