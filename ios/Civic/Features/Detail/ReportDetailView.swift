import CivicCore
import CivicFeatures
import CoreLocation
import SwiftUI

/// A report's detail: what was sent, where it stands, the city's answers, rate or reopen.
@MainActor
struct ReportDetailView: View {
    @State var model: ReportDetailViewModel

    var body: some View {
        List {
            if case .offline = model.sync {
                Text("Không có mạng: đang xem những gì có trên máy.", tableName: "Detail")
                    .font(.footnote)
                    .foregroundStyle(.secondary)
            }
            if let error = model.error {
                Text(error).foregroundStyle(.red)
            }
            if let detail = model.detail {
                header(detail)
                if let refusal = detail.refusal {
                    refusalSection(refusal)
                }
                // With one photo, "before" already shows it.
                if model.before == nil || model.photos.count > 1 {
                    photosSection
                }
                if !detail.report.description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    Section { Text(detail.report.description) }
                }
                if model.before != nil || model.after != nil {
                    beforeAfterSection
                }
                if model.status == .resolved {
                    ratingSection
                }
                if model.canReopen {
                    reopenSection
                }
                timelineSection
                detailsSection(detail.report)
            }
        }
        .overlay {
            if model.loaded && model.detail == nil {
                ContentUnavailableView {
                    Label { Text("Không mở được báo cáo", tableName: "Detail") } icon: { Image(systemName: "exclamationmark.triangle") }
                } description: {
                    Text("Hãy quay lại và thử lại.", tableName: "Detail")
                }
            }
        }
        .refreshable { await model.refresh() }
        .navigationTitle(Text("Chi tiết báo cáo", tableName: "Detail"))
        .navigationBarTitleDisplayMode(.inline)
    }

    // MARK: - Header and refusal

    private func header(_ detail: ReportDetail) -> some View {
        let report = detail.report
        return Section {
            VStack(alignment: .leading, spacing: 8) {
                Text(model.categoryName ?? report.category).font(.title2.weight(.semibold))
                HStack {
                    StatusChip(status: report.status, label: report.statusLabel)
                    if let number = report.publicNumber {
                        Text(number).font(.callout)
                    }
                }
                // A refused report stays "waiting" in the core; the refusal says what happened.
                if detail.refusal == nil && report.status == .queued {
                    Text("Đã lưu trên máy, sẽ gửi khi có mạng. Mã số báo cáo sẽ có khi thành phố nhận được.", tableName: "Detail")
                        .font(.callout)
                }
            }
            .accessibilityElement(children: .combine)
        }
    }

    private func refusalSection(_ reason: String) -> some View {
        Section {
            VStack(alignment: .leading, spacing: 4) {
                Text("Thành phố không nhận báo cáo này", tableName: "Detail").font(.headline)
                Text("Lý do: \(reason)", tableName: "Detail").font(.callout)
                Text("Báo cáo sẽ không được gửi lại. Bạn có thể tạo báo cáo mới.", tableName: "Detail").font(.footnote)
            }
            .foregroundStyle(.red)
            .accessibilityElement(children: .combine)
        }
    }

    // MARK: - Photos

    private var photosSection: some View {
        Section {
            ScrollView(.horizontal) {
                HStack(spacing: 8) {
                    ForEach(Array(model.photos.enumerated()), id: \.element.hash) { index, photo in
                        PhotoOrPlaceholder(photo: photo)
                            .frame(width: 200, height: 150)
                            .accessibilityLabel(Text("Ảnh \(index + 1) của báo cáo", tableName: "Detail"))
                    }
                }
            }
        }
    }

    private var beforeAfterSection: some View {
        Section {
            HStack(alignment: .top, spacing: 8) {
                VStack(alignment: .leading, spacing: 4) {
                    PhotoOrPlaceholder(photo: model.before)
                        .frame(height: 140)
                        .accessibilityLabel(Text("Ảnh trước khi xử lý", tableName: "Detail"))
                    Text("Trước", tableName: "Detail").font(.caption.weight(.semibold))
                }
                VStack(alignment: .leading, spacing: 4) {
                    PhotoOrPlaceholder(photo: model.after)
                        .frame(height: 140)
                        .accessibilityLabel(Text("Ảnh sau khi xử lý", tableName: "Detail"))
                    Text("Sau", tableName: "Detail").font(.caption.weight(.semibold))
                }
            }
        } header: {
            Text("Trước và sau khi xử lý", tableName: "Detail")
        }
    }

    // MARK: - Rating and reopening

    @ViewBuilder
    private var ratingSection: some View {
        if let rated = model.ratedStars {
            Section {
                Text(String(repeating: "★", count: max(0, min(5, rated))) + String(repeating: "☆", count: max(0, 5 - rated)))
                    .font(.title)
                    .foregroundStyle(.tint)
                    .accessibilityLabel(Text("\(rated) trên 5 sao", tableName: "Detail"))
                Text("Cảm ơn bạn. Thành phố dùng đánh giá để cải thiện việc xử lý.", tableName: "Detail")
            } header: {
                Text("Bạn đã đánh giá", tableName: "Detail")
            }
        } else {
            Section {
                Text("Không cần có mạng: đánh giá được lưu trên máy và tự gửi khi có mạng.", tableName: "Detail")
                    .font(.footnote)
                    .foregroundStyle(.secondary)
                HStack {
                    ForEach(1...5, id: \.self) { n in
                        Button { model.chooseStars(n) } label: {
                            Image(systemName: n <= model.stars ? "star.fill" : "star")
                                .font(.title)
                                .frame(minWidth: 44, minHeight: 44)
                        }
                        .buttonStyle(.plain)
                        .foregroundStyle(n <= model.stars ? Color.accentColor : Color.secondary)
                        .accessibilityLabel(Text("\(n) sao", tableName: "Detail"))
                        .accessibilityAddTraits(n == model.stars ? .isSelected : [])
                    }
                }
                TextField(text: Binding(get: { model.comment }, set: { model.setComment($0) }), axis: .vertical) {
                    Text("Nhận xét (không bắt buộc)", tableName: "Detail")
                }
                needsNetwork(model.rating)
                Button { Task { await model.rate() } } label: {
                    if model.rating.sending {
                        Text("Đang gửi…", tableName: "Detail")
                    } else {
                        Text("Gửi đánh giá", tableName: "Detail")
                    }
                }
                .disabled(!(1...5).contains(model.stars) || model.rating.sending || !model.canRate)
            } header: {
                Text("Đánh giá kết quả xử lý", tableName: "Detail")
            }
        }
    }

    private var reopenSection: some View {
        Section {
            Text("Mở lại báo cáo và nói rõ lý do. Không cần có mạng: yêu cầu được lưu và tự gửi khi có mạng.", tableName: "Detail").font(.callout)
            TextField(text: Binding(get: { model.reopenReason }, set: { model.setReopenReason($0) }), axis: .vertical) {
                Text("Lý do mở lại", tableName: "Detail")
            }
            needsNetwork(model.reopen)
            Button { Task { await model.reopenReport() } } label: {
                if model.reopen.sending {
                    Text("Đang gửi…", tableName: "Detail")
                } else {
                    Text("Mở lại báo cáo", tableName: "Detail")
                }
            }
            .disabled(model.reopenReason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || model.reopen.sending)
        } header: {
            Text("Chưa được xử lý?", tableName: "Detail")
        }
    }

    /// Not the core's Offline message: it says what waits will be sent later, which is not true
    /// of a rating or a reopening (they are not queued).
    @ViewBuilder
    private func needsNetwork(_ action: ActionState) -> some View {
        if action.needsNetwork {
            Text("Cần có mạng để gửi. Chưa gửi được — những gì bạn đã nhập vẫn còn đây, hãy thử lại khi có mạng.", tableName: "Detail")
                .foregroundStyle(.red)
        } else if let error = action.error {
            Text(error).foregroundStyle(.red)
        }
    }

    // MARK: - Timeline

    private var timelineSection: some View {
        Section {
            if model.timeline.isEmpty {
                Text("Chưa có gì. Thành phố sẽ trả lời tại đây.", tableName: "Detail")
            }
            ForEach(Array(model.timeline.enumerated()), id: \.offset) { _, step in
                HStack(alignment: .top, spacing: 12) {
                    Circle()
                        .fill(step.status.map { StatusColor.of($0) } ?? Color.secondary)
                        .frame(width: 10, height: 10)
                        .padding(.top, 6)
                        .accessibilityHidden(true)
                    VStack(alignment: .leading, spacing: 2) {
                        HStack(spacing: 4) {
                            actorText(step.actor)
                            Text(verbatim: "·")
                            Text(step.at.formatted(date: .abbreviated, time: .shortened))
                        }
                        .font(.caption)
                        .foregroundStyle(.secondary)
                        if let status = step.status {
                            Text(model.statusText(status)).font(.body.weight(.semibold))
                        }
                        if let note = step.note {
                            Text(note)
                        }
                        if step.photo != nil {
                            Text("Kèm ảnh sau khi xử lý", tableName: "Detail").font(.caption).foregroundStyle(.secondary)
                        }
                    }
                }
                .accessibilityElement(children: .combine)
            }
        } header: {
            Text("Diễn biến (cũ nhất trước)", tableName: "Detail")
        }
    }

    /// Who acted on a timeline step, as the citizen would say it.
    private func actorText(_ who: TimelineActor) -> Text {
        switch who {
        case .citizen:
            return Text("Bạn", tableName: "Detail")
        case .operator:
            return Text("Tổng đài thành phố", tableName: "Detail")
        case .officer:
            return Text("Cán bộ xử lý", tableName: "Detail")
        case .system:
            return Text("Hệ thống", tableName: "Detail")
        }
    }

    // MARK: - Details

    private func detailsSection(_ report: Report) -> some View {
        let at = CLLocationCoordinate2D(latitude: report.location.lat, longitude: report.location.lon)
        return Section {
            PinMap(
                center: at,
                markers: [PinMap.Pin(id: report.id, coordinate: at, label: model.categoryName ?? report.category, tint: StatusColor.of(report.status))],
                spanMetres: 300
            )
            .frame(height: 160)
            .listRowInsets(EdgeInsets())
            .accessibilityLabel(Text("Bản đồ vị trí của báo cáo", tableName: "Detail"))
            LabeledContent {
                if let ward = report.ward?.name {
                    Text(ward)
                } else {
                    Text("Không rõ", tableName: "Detail")
                }
            } label: {
                Text("Phường/xã", tableName: "Detail")
            }
            LabeledContent {
                Text(report.capturedAt.formatted(date: .abbreviated, time: .shortened))
            } label: {
                Text("Chụp lúc", tableName: "Detail")
            }
            LabeledContent {
                if let number = report.publicNumber {
                    Text(number)
                } else {
                    Text("Chưa có (chưa gửi)", tableName: "Detail")
                }
            } label: {
                Text("Mã số", tableName: "Detail")
            }
            VStack(alignment: .leading, spacing: 2) {
                Text("Người gửi", tableName: "Detail").font(.caption).foregroundStyle(.secondary)
                if report.anonymous {
                    Text("Ẩn danh: cán bộ không thấy tên và liên hệ của bạn", tableName: "Detail")
                } else {
                    Text("Có tên: chỉ cán bộ thấy tên và liên hệ của bạn, không công khai", tableName: "Detail")
                }
            }
            .accessibilityElement(children: .combine)
            ForEach(Array(model.answers.enumerated()), id: \.offset) { _, answer in
                VStack(alignment: .leading, spacing: 2) {
                    Text(answer.prompt).font(.caption).foregroundStyle(.secondary)
                    Text(answer.answer)
                }
                .accessibilityElement(children: .combine)
            }
            if !model.warnings.isEmpty {
                VStack(alignment: .leading, spacing: 2) {
                    Text("Gửi trong cảnh báo", tableName: "Detail").font(.caption).foregroundStyle(.secondary)
                    Text(model.warnings.joined(separator: "\n"))
                }
                .accessibilityElement(children: .combine)
            }
            Text("Vị trí: \(String(format: "%.5f, %.5f", report.location.lat, report.location.lon))", tableName: "Detail")
                .font(.caption)
                .foregroundStyle(.secondary)
        } header: {
            Text("Chi tiết", tableName: "Detail")
        }
    }
}

/// A photo, or a grey box that says the photo is not on this phone.
@MainActor
private struct PhotoOrPlaceholder: View {
    let photo: PhotoBytes?

    var body: some View {
        ZStack {
            PhotoThumbnail(bytes: photo?.bytes)
            if photo?.bytes == nil {
                Text("Ảnh chưa có trên máy", tableName: "Detail")
                    .font(.caption)
                    .multilineTextAlignment(.center)
                    .padding(8)
            }
        }
        .frame(maxWidth: .infinity)
        .clipShape(RoundedRectangle(cornerRadius: 8))
        // One image for VoiceOver: the caller's label, and whether the photo is missing.
        .accessibilityElement(children: .ignore)
        .accessibilityAddTraits(.isImage)
        .accessibilityValue(photo?.bytes == nil ? Text("Ảnh chưa có trên máy", tableName: "Detail") : Text(verbatim: ""))
    }
}
