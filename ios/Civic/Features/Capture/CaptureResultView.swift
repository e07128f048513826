import CivicCore
import CivicFeatures
import SwiftUI

/// After the flow: saved on the phone, delivered with its number, or "me too" counted.
@MainActor
struct CaptureResultView: View {
    let result: CaptureResult
    let model: CaptureViewModel
    let onDone: () -> Void

    /// The big symbol grows with the text size (Dynamic Type).
    @ScaledMetric(relativeTo: .largeTitle) private var symbolSize: CGFloat = 72

    var body: some View {
        ScrollView {
            VStack(spacing: 16) {
                Image(systemName: done ? "checkmark.circle.fill" : "tray.and.arrow.down.fill")
                    .font(.system(size: symbolSize))
                    .foregroundStyle(done ? Color.green : Color.accentColor)
                    .accessibilityHidden(true)
                title
                    .font(.title2.weight(.semibold))
                    .multilineTextAlignment(.center)
                    .accessibilityAddTraits(.isHeader)
                message
                    .font(.body)
                    .multilineTextAlignment(.center)
                Button(action: onDone) {
                    Text("Xong", tableName: "Capture").frame(maxWidth: .infinity, minHeight: 44)
                }
                .buttonStyle(.borderedProminent)
                if case .saved = result {
                    Button { model.trySyncNow() } label: {
                        Group {
                            if model.syncing {
                                Text("Đang gửi…", tableName: "Capture")
                            } else {
                                Text("Thử gửi ngay", tableName: "Capture")
                            }
                        }
                        .frame(maxWidth: .infinity, minHeight: 44)
                    }
                    .buttonStyle(.bordered)
                    .disabled(model.syncing)
                }
                Button { model.startAnother() } label: {
                    Text("Báo cáo vấn đề khác", tableName: "Capture").frame(maxWidth: .infinity, minHeight: 44)
                }
            }
            .padding(24)
        }
        .navigationBarBackButtonHidden(true)
    }

    private var done: Bool {
        if case .saved = result { return false }
        return true
    }

    @ViewBuilder
    private var title: some View {
        switch result {
        case .saved:
            Text("Đã lưu, sẽ gửi khi có mạng", tableName: "Capture")
        case .delivered:
            Text("Đã gửi", tableName: "Capture")
        case .supported:
            Text("Cảm ơn bạn!", tableName: "Capture")
        case .discarded:
            Text("Đã xoá báo cáo", tableName: "Capture")
        }
    }

    @ViewBuilder
    private var message: some View {
        switch result {
        case .saved:
            Text("Báo cáo đã được lưu an toàn trên máy. Ứng dụng sẽ tự gửi khi có mạng, bạn không cần làm gì thêm.", tableName: "Capture")
        case let .delivered(_, number, hours):
            VStack(spacing: 8) {
                if let number {
                    Text("Mã số báo cáo: \(number)", tableName: "Capture")
                }
                if let hours {
                    Text("Thành phố thường xử lý trong \(CaptureWords.expectedWords(hours, language: .current)).", tableName: "Capture")
                }
            }
        case let .supported(number):
            Text("Đã ghi nhận bạn cũng gặp vấn đề này (báo cáo \(number)). Không cần gửi báo cáo trùng.", tableName: "Capture")
        case .discarded:
            EmptyView()
        }
    }
}
