import CivicCore
import CivicFeatures
import SwiftUI

/// "Việc cần xử lý": open reports of the official's units, most overdue first.
@MainActor
struct OfficialInboxView: View {
    @State var model: OfficialInboxViewModel
    let onOpen: (String) -> Void
    let onSignOut: () -> Void

    var body: some View {
        List {
            Section {
                ScrollView(.horizontal, showsIndicators: false) {
                    HStack(spacing: 8) {
                        ForEach(Array(model.filters.enumerated()), id: \.offset) { _, status in
                            filterChip(status)
                        }
                    }
                }
            }
            if model.offline {
                Text("Không có mạng: danh sách cần mạng để cập nhật. Kéo xuống để thử lại.", tableName: "Official")
                    .font(.callout)
                    .listRowBackground(Color(.secondarySystemBackground))
            }
            if let error = model.error {
                Text(error).foregroundStyle(.red)
            }
            if model.loaded && model.items.isEmpty && !model.offline && model.error == nil {
                ContentUnavailableView {
                    Label { Text("Không có việc nào", tableName: "Official") } icon: { Image(systemName: "checkmark.circle") }
                } description: {
                    Text("Các phản ánh mới của đơn vị sẽ hiện ở đây.", tableName: "Official")
                }
            }
            ForEach(model.items, id: \.id) { item in
                Button { onOpen(item.id) } label: { row(item) }
                    .accessibilityHint(Text("Mở phản ánh", tableName: "Official"))
                    .onAppear {
                        if item.id == model.items.last?.id { Task { await model.loadMore() } }
                    }
            }
        }
        .refreshable { await model.refresh() }
        .task { if !model.loaded { await model.refresh() } }
        .navigationTitle(Text("Việc cần xử lý", tableName: "Official"))
        .toolbar {
            Button(action: onSignOut) { Text("Đăng xuất", tableName: "Official") }
        }
    }

    private func filterChip(_ status: ReportStatus?) -> some View {
        let selected = model.filter == status
        return Button {
            Task { await model.setFilter(status) }
        } label: {
            Group {
                if let status {
                    Text(OfficialWords.status(status, language: OfficialLabels.language))
                } else {
                    Text("Tất cả", tableName: "Official")
                }
            }
            .font(.subheadline)
            .padding(.horizontal, 12).padding(.vertical, 8)
            .background(selected ? Color.accentColor.opacity(0.2) : Color(.secondarySystemFill), in: Capsule())
        }
        .buttonStyle(.plain)
        .accessibilityAddTraits(selected ? .isSelected : [])
    }

    private func row(_ item: WorkItem) -> some View {
        let overdue = OfficialWords.overdue(item.dueAt, now: model.now)
        return VStack(alignment: .leading, spacing: 4) {
            Text(OfficialWords.due(item.dueAt, now: model.now, language: OfficialLabels.language))
                .font(.subheadline.weight(overdue ? .bold : .regular))
                .foregroundStyle(overdue ? Color.red : Color.secondary)
            Text(model.categoryName(item.category)).font(.headline).foregroundStyle(.primary)
            Text([item.ward?.name, item.publicNumber].compactMap { $0 }.joined(separator: " · "))
                .font(.caption).foregroundStyle(.secondary)
            HStack(spacing: 8) {
                StatusChip(status: item.status, label: item.statusLabel)
                if item.supporters > 0 {
                    Text("\(item.supporters) người cũng gặp", tableName: "Official").font(.caption)
                }
            }
        }
        .accessibilityElement(children: .combine)
    }
}
