import CivicCore

extension CivicError {
    /// What went wrong in the citizen's words, in the app's language (the core's text).
    public var userMessage: String {
        switch self {
        case let .Offline(message),
             let .InvalidPhoto(message),
             let .InvalidInput(message),
             let .NotFound(message),
             let .Refused(message, _),
             let .ServerBusy(message),
             let .Unauthorized(message),
             let .Storage(message):
            return message
        case let .OutsideServiceArea(message, _), let .Incomplete(message, _):
            return message
        }
    }

    /// No connection: the view models say so plainly and keep what was typed.
    public var isOffline: Bool {
        if case .Offline = self { return true }
        return false
    }
}

/// The error's words when it is the core's, else a generic line (never a crash).
public func peopleMessage(_ error: Error) -> String {
    (error as? CivicError)?.userMessage ?? String(describing: error)
}
