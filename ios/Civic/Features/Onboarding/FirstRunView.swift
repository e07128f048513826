import CivicCore
import CivicFeatures
import SwiftUI
import UIKit
import UserNotifications

/// The first run: the language (iOS keeps it per app, in Settings › Civic › Language), what
/// the app does with location and photos, notifications, and an optional name and contact.
/// `requestNotifications` asks the phone (by default the system's dialog, then registration
/// for pushes) and answers whether it was allowed; `onDone` ends the first run.
@MainActor
struct FirstRunView: View {
    @State var model: FirstRunViewModel
    let requestNotifications: () async -> Bool
    let onDone: () -> Void

    @Environment(\.openURL) private var openURL

    init(model: FirstRunViewModel, requestNotifications: (() async -> Bool)? = nil, onDone: @escaping () -> Void) {
        _model = State(initialValue: model)
        self.requestNotifications = requestNotifications ?? { await FirstRunView.askTheSystem() }
        self.onDone = onDone
    }

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) {
                Text("Bước \(model.stepNumber)/\(model.stepCount)", tableName: "Onboarding")
                    .font(.subheadline)
                    .foregroundStyle(.secondary)
                ProgressView(value: Double(model.stepNumber), total: Double(model.stepCount))
                    .accessibilityHidden(true)
                switch model.step {
                case .language:
                    languageStep
                case .privacy:
                    privacyStep
                case .notifications:
                    notificationStep
                case .profile:
                    profileStep
                }
                if let error = model.error {
                    Text(error).foregroundStyle(.red)
                }
            }
            .padding(24)
        }
        .safeAreaInset(edge: .bottom) { buttons }
        .task {
            // The core speaks the language iOS gives the app.
            model.chooseLanguage(AppLanguage.current)
        }
    }

    private func title(_ text: Text) -> some View {
        text.font(.title2.weight(.semibold)).accessibilityAddTraits(.isHeader)
    }

    private var buttons: some View {
        HStack {
            if !model.isFirst {
                Button { model.back() } label: { Text("Quay lại", tableName: "Onboarding").frame(minHeight: 44) }
                    .buttonStyle(.bordered)
            }
            Spacer()
            if model.isLast {
                Button {
                    if model.finish() { onDone() }
                } label: {
                    Text("Bắt đầu dùng", tableName: "Onboarding").frame(minHeight: 44)
                }
                .buttonStyle(.borderedProminent)
            } else {
                Button { model.next() } label: { Text("Tiếp tục", tableName: "Onboarding").frame(minHeight: 44) }
                    .buttonStyle(.borderedProminent)
            }
        }
        .padding(.horizontal, 16)
        .padding(.vertical, 12)
        .background(.bar)
    }

    // MARK: - Steps

    @ViewBuilder
    private var languageStep: some View {
        title(Text("Chào mừng đến với Civic Huế", tableName: "Onboarding"))
        Text("Báo cho thành phố những gì cần sửa trên đường phố, và nhận cảnh báo lũ, bão.", tableName: "Onboarding")
        Text("Ngôn ngữ", tableName: "Onboarding").font(.headline)
        // Each language is named in itself, so anyone can find theirs.
        HStack {
            Image(systemName: "checkmark.circle.fill").foregroundStyle(.tint).accessibilityHidden(true)
            Text(verbatim: AppLanguage.current == .vi ? "Tiếng Việt" : "English").font(.headline)
        }
        .padding(12)
        .frame(maxWidth: .infinity, alignment: .leading)
        .overlay(RoundedRectangle(cornerRadius: 12).stroke(Color.accentColor, lineWidth: 2))
        Text("Civic dùng ngôn ngữ bạn chọn cho ứng dụng trong Cài đặt của iPhone (Cài đặt › Civic › Ngôn ngữ): Tiếng Việt hoặc English.", tableName: "Onboarding")
            .font(.callout)
            .foregroundStyle(.secondary)
        Button(action: openSettings) {
            Text("Mở Cài đặt để đổi ngôn ngữ", tableName: "Onboarding").frame(minHeight: 44)
        }
        .buttonStyle(.bordered)
    }

    @ViewBuilder
    private var privacyStep: some View {
        title(Text("Vị trí, ảnh và danh tính của bạn", tableName: "Onboarding"))
        promise(Text("Vị trí chỉ gửi kèm báo cáo", tableName: "Onboarding"),
                Text("Ứng dụng chỉ gửi vị trí của vấn đề khi bạn gửi báo cáo. Vị trí của bạn không bị theo dõi.", tableName: "Onboarding"))
        promise(Text("Ảnh được xoá thông tin ẩn", tableName: "Onboarding"),
                Text("Trước khi gửi, ảnh được xoá thông tin máy ảnh, giờ chụp và toạ độ ẩn trong tệp.", tableName: "Onboarding"))
        promise(Text("Danh tính không bao giờ công khai", tableName: "Onboarding"),
                Text("Tên và liên hệ của bạn (nếu có) chỉ cán bộ xử lý thấy. Bạn có thể gửi ẩn danh.", tableName: "Onboarding"))
        promise(Text("Không có mạng vẫn báo cáo được", tableName: "Onboarding"),
                Text("Báo cáo được lưu trên máy và tự gửi khi có mạng.", tableName: "Onboarding"))
    }

    private func promise(_ heading: Text, _ body: Text) -> some View {
        VStack(alignment: .leading, spacing: 4) {
            heading.font(.headline)
            body.font(.callout)
        }
        .padding(16)
        .frame(maxWidth: .infinity, alignment: .leading)
        .background(Color(uiColor: .secondarySystemBackground), in: RoundedRectangle(cornerRadius: 12))
        .accessibilityElement(children: .combine)
    }

    @ViewBuilder
    private var notificationStep: some View {
        title(Text("Thông báo", tableName: "Onboarding"))
        Text("Cho phép thông báo để nhận cảnh báo lũ, bão và biết khi thành phố trả lời báo cáo của bạn.", tableName: "Onboarding")
        switch model.notifications {
        case .granted:
            Text("✓ Đã bật thông báo.", tableName: "Onboarding").font(.headline).foregroundStyle(.green)
        case .denied:
            Text("Thông báo đang tắt.", tableName: "Onboarding").font(.headline)
            Text("Bạn vẫn xem được cảnh báo trong ứng dụng. Có thể bật thông báo sau trong phần Cài đặt của điện thoại.", tableName: "Onboarding")
                .font(.callout)
        case nil:
            EmptyView()
        }
        if model.notifications != .granted {
            Button {
                model.askingForNotifications()
                Task {
                    let granted = await requestNotifications()
                    model.notificationsAnswered(granted)
                }
            } label: {
                Text("Cho phép thông báo", tableName: "Onboarding").frame(minHeight: 44)
            }
            .buttonStyle(.borderedProminent)
            .disabled(model.askingNotifications)
        }
        if model.notifications == nil {
            Text("Bạn có thể bỏ qua bước này.", tableName: "Onboarding")
                .font(.footnote)
                .foregroundStyle(.secondary)
        }
    }

    @ViewBuilder
    private var profileStep: some View {
        title(Text("Tên và liên hệ (không bắt buộc)", tableName: "Onboarding"))
        Text("Để cán bộ có thể hỏi thêm khi cần. Chỉ cán bộ xử lý thấy, không bao giờ công khai. Có thể để trống.", tableName: "Onboarding")
        TextField(text: Binding(get: { model.profile.name }, set: { model.setName($0) })) {
            Text("Tên của bạn", tableName: "Onboarding")
        }
        .textContentType(.name)
        .textFieldStyle(.roundedBorder)
        TextField(text: Binding(get: { model.profile.contact }, set: { model.setContact($0) })) {
            Text("Số điện thoại hoặc email", tableName: "Onboarding")
        }
        .textContentType(.telephoneNumber)
        .keyboardType(.emailAddress)
        .textInputAutocapitalization(.never)
        .autocorrectionDisabled()
        .textFieldStyle(.roundedBorder)
    }

    private func openSettings() {
        if let url = URL(string: UIApplication.openSettingsURLString) {
            openURL(url)
        }
    }

    /// The system's permission dialog; when allowed, the phone registers for pushes (the app
    /// delegate hands the token to the core).
    nonisolated static func askTheSystem() async -> Bool {
        let granted = (try? await UNUserNotificationCenter.current().requestAuthorization(options: [.alert, .sound, .badge])) ?? false
        if granted {
            await MainActor.run { UIApplication.shared.registerForRemoteNotifications() }
        }
        return granted
    }
}
