import CivicCore
import CivicFeatures
import SwiftUI

/// "Giới thiệu": the app's name and version, what it is for, and the map's credits from the
/// core, with the boundaries' source as it asks to be credited (android's AboutScreen).
@MainActor
struct AboutView: View {
    @State var model: AboutViewModel

    var body: some View {
        List {
            Section {
                VStack(alignment: .leading, spacing: 4) {
                    Text(verbatim: model.appName)
                        .font(.title2.weight(.semibold))
                        .accessibilityAddTraits(.isHeader)
                    Text("Phiên bản \(model.version)", tableName: "About")
                        .font(.subheadline)
                        .foregroundStyle(.secondary)
                }
                Text("Phản ánh những gì chưa ổn trên đường phố bằng ảnh và vị trí, theo dõi thành phố trả lời, nhận cảnh báo của thành phố.", tableName: "About")
            }
            Section {
                Text("Ranh giới phường, xã trên bản đồ là ranh giới trong cấu hình của thành phố.", tableName: "About")
                if !model.credits.isEmpty {
                    Text(verbatim: model.credits)
                        .font(.callout)
                        .foregroundStyle(.secondary)
                }
            } header: {
                Text("Bản đồ", tableName: "About")
            }
        }
        .navigationTitle(Text("Giới thiệu", tableName: "About"))
        .navigationBarTitleDisplayMode(.inline)
        .onAppear { model.reload() }
    }
}

/// The app's name and version as the bundle gives them (project.yml: `CFBundleDisplayName`,
/// `MARKETING_VERSION`, `CURRENT_PROJECT_VERSION`).
enum AppInfo {
    static var name: String {
        Bundle.main.object(forInfoDictionaryKey: "CFBundleDisplayName") as? String
            ?? Bundle.main.object(forInfoDictionaryKey: "CFBundleName") as? String
            ?? "Civic"
    }

    /// "0.1.0 (1)".
    static var version: String {
        let short = Bundle.main.object(forInfoDictionaryKey: "CFBundleShortVersionString") as? String ?? "?"
        let build = Bundle.main.object(forInfoDictionaryKey: "CFBundleVersion") as? String ?? "?"
        return "\(short) (\(build))"
    }
}
