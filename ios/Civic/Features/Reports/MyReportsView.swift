import CivicCore
import CivicFeatures
import SwiftUI

/// "Báo cáo của tôi": the citizen's reports with their status and where each stands in sync.
@MainActor
struct MyReportsView: View {
    @State var model: MyReportsViewModel
    let photo: (String) -> Data?
    let onOpen: (String) -> Void
    let onNewReport: () -> Void

    var body: some View {
        List {
            if let banner = banner {
                Section { Text(banner).font(.callout) }
            }
            if let error = model.error {
                Text(error).foregroundStyle(.red).accessibilityLabel(error)
            }
            ForEach(model.reports, id: \.id) { report in
                Button { onOpen(report.id) } label: { row(report) }
                    .onAppear { if report.id == model.reports.last?.id { model.loadMore() } }
            }
        }
        .overlay {
            if model.loaded && model.reports.isEmpty {
                ContentUnavailableView {
                    Label { Text("Chưa có báo cáo nào", tableName: "Reports") } icon: { Image(systemName: "tray") }
                } description: {
                    Text("Thấy rác, ổ gà, đèn hỏng? Chụp ảnh và gửi cho thành phố.", tableName: "Reports")
                }
            }
        }
        .refreshable { await model.refresh() }
        .navigationTitle(Text("Báo cáo của tôi", tableName: "Reports"))
        .toolbar {
            Button(action: onNewReport) {
                Label { Text("Báo cáo mới", tableName: "Reports") } icon: { Image(systemName: "plus") }
            }
        }
    }

    private var banner: String? {
        switch model.sync {
        case .offline where model.waiting > 0:
            return String(localized: "Không có mạng: \(model.waiting) báo cáo sẽ được gửi khi có mạng", table: "Reports")
        case let .syncing(sent, total, _, _):
            return String(localized: "Đang gửi \(sent)/\(total) báo cáo", table: "Reports")
        default:
            return model.waiting > 0 ? String(localized: "\(model.waiting) báo cáo đang chờ gửi", table: "Reports") : nil
        }
    }

    private func row(_ report: ReportSummary) -> some View {
        HStack(spacing: 12) {
            PhotoThumbnail(bytes: report.coverPhoto.flatMap(photo))
                .frame(width: 64, height: 64)
                .clipShape(RoundedRectangle(cornerRadius: 8))
                .accessibilityLabel(Text("Ảnh của báo cáo", tableName: "Reports"))
            VStack(alignment: .leading, spacing: 4) {
                Text(model.categoryNames[report.category] ?? report.category).font(.headline)
                Text([report.ward?.name, report.publicNumber].compactMap { $0 }.joined(separator: " · "))
                    .font(.caption).foregroundStyle(.secondary)
                StatusChip(status: report.status, label: report.statusLabel)
                switch model.delivery(of: report) {
                case .savedOnPhone:
                    Text("Đã lưu trên máy, sẽ gửi khi có mạng", tableName: "Reports").font(.caption)
                case let .sending(progress):
                    ProgressView(value: progress) { Text("Đang gửi…", tableName: "Reports").font(.caption) }
                case .refused:
                    Text("Thành phố không nhận báo cáo này: mở để xem lý do", tableName: "Reports").font(.caption)
                case .delivered:
                    EmptyView()
                }
            }
        }
        .accessibilityElement(children: .combine)
    }
}
