import Foundation

/// The app's language for the core ("vi" or "en"): iOS gives each app its own language
/// (Settings › Civic › Language); Vietnamese unless that is English.
public enum AppLanguage: String, Sendable {
    case vi, en

    public static var current: AppLanguage {
        let preferred = Bundle.main.preferredLocalizations.first ?? Locale.preferredLanguages.first ?? "vi"
        return preferred.hasPrefix("en") ? .en : .vi
    }

    /// The text in this language, Vietnamese first at the call site.
    public func pick(_ vi: String, _ en: String) -> String {
        self == .vi ? vi : en
    }
}
