import CivicCore
import CivicFeatures
import SwiftUI

/// "Cảnh báo": the warnings for the resident's places, those in force first.
struct WarningsInboxView: View {
    @State var model: WarningsViewModel
    let onOpen: (String) -> Void
    let onSubscriptions: () -> Void

    var body: some View {
        List {
            if let error = model.error {
                Text(error).foregroundStyle(.red)
            }
            if model.loaded && model.warnings.isEmpty {
                Section {
                    ContentUnavailableView {
                        Label { Text("Không có cảnh báo nào", tableName: "Warnings") } icon: { Image(systemName: "bell.slash") }
                    } description: {
                        Text("Khi thành phố phát cảnh báo (lũ, bão, mất điện…) cho nơi bạn theo dõi, cảnh báo sẽ hiện ở đây. Kéo xuống để kiểm tra (cần mạng).", tableName: "Warnings")
                    } actions: {
                        Button(action: onSubscriptions) { Text("Chọn nơi theo dõi", tableName: "Warnings") }
                    }
                }
            }
            ForEach(model.active, id: \.id) { warning in
                row(warning)
            }
            if !model.ended.isEmpty {
                Section {
                    ForEach(model.ended, id: \.id) { warning in
                        row(warning)
                    }
                } header: {
                    Text("Đã kết thúc", tableName: "Warnings").accessibilityAddTraits(.isHeader)
                }
            }
        }
        .refreshable { await model.refresh() }
        .navigationTitle(Text("Cảnh báo", tableName: "Warnings"))
        .toolbar {
            ToolbarItem(placement: .topBarLeading) {
                if model.unread > 0 {
                    // The unread count as a badge beside the title (short: it must fit in large text).
                    Text("\(model.unread) mới", tableName: "Warnings")
                        .font(.caption.weight(.bold))
                        .foregroundStyle(.white)
                        .padding(.horizontal, 10).padding(.vertical, 4)
                        .background(Color.accentColor, in: Capsule())
                        .accessibilityLabel(Text("\(model.unread) cảnh báo chưa đọc", tableName: "Warnings"))
                }
            }
            ToolbarItem(placement: .topBarTrailing) {
                Button(action: onSubscriptions) { Text("Theo dõi", tableName: "Warnings") }
            }
        }
    }

    private func row(_ warning: Warning) -> some View {
        let ended = warning.state != .active
        let unread = !warning.read && !ended
        return Button { onOpen(warning.id) } label: {
            HStack(alignment: .top, spacing: 12) {
                // The severity's colour as a band down the row's side.
                RoundedRectangle(cornerRadius: 2)
                    .fill(SeverityColor.of(warning.severity))
                    .frame(width: 6)
                    .accessibilityHidden(true)
                VStack(alignment: .leading, spacing: 6) {
                    HStack(spacing: 8) {
                        SeverityChip(severity: warning.severity)
                        if warning.exercise { WarningTag(text: exerciseLabel(language: AppLanguage.current.rawValue)) }
                        if ended { WarningTag(text: alertStateLabel(state: warning.state, language: AppLanguage.current.rawValue)) }
                        if unread {
                            Text("● Mới", tableName: "Warnings")
                                .font(.caption.weight(.bold))
                                .foregroundStyle(Color.accentColor)
                                .accessibilityLabel(Text("Chưa đọc", tableName: "Warnings"))
                        }
                    }
                    Text(warning.headline)
                        .font(.headline.weight(unread ? .bold : .regular))
                        .foregroundStyle(.primary)
                    Text([warning.event, warning.senderName].filter { !$0.isEmpty }.joined(separator: " · "))
                        .font(.caption).foregroundStyle(.secondary)
                    Text(sentLine(warning)).font(.caption).foregroundStyle(.secondary)
                }
                .opacity(ended ? 0.75 : 1)
            }
        }
        .accessibilityElement(children: .combine)
        .accessibilityHint(Text("Mở cảnh báo", tableName: "Warnings"))
    }

    private func sentLine(_ warning: Warning) -> String {
        let sent = String(localized: "Phát \(WarningLabels.ago(warning.sent))", table: "Warnings")
        guard let expires = warning.expires else { return sent }
        return sent + " · " + WarningLabels.expiry(warning.state, expires)
    }
}
