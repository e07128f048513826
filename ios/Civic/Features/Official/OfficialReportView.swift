import CivicCore
import CivicFeatures
import MapKit
import SwiftUI

/// A work item in full for an official: the citizen's photos, where it is, what they wrote,
/// the timeline, and what to do next (move it on, reply, reject, resolve). `takeAfterPhoto`
/// opens the camera and gives the JPEG's bytes (nil when cancelled); `currentLocation` is the
/// official's fix now (nil when there is none). `onChanged` hands the item, as the server now
/// holds it, back to the inbox.
@MainActor
struct OfficialReportView: View {
    @State var model: OfficialReportViewModel
    let takeAfterPhoto: () async -> Data?
    let currentLocation: () async -> LocationFix?
    var onChanged: (WorkItem) -> Void = { _ in }

    @State private var network: NetworkReturn? = nil

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                banners
                if let item = model.item {
                    if model.resolving {
                        resolveForm(item)
                    } else {
                        detail(item)
                    }
                } else if !model.loaded {
                    ProgressView { Text("Đang tải…", tableName: "Official") }
                } else if model.offline {
                    Button { Task { await model.load() } } label: { Text("Thử lại", tableName: "Official") }
                }
            }
            .padding()
        }
        .navigationTitle(title)
        .navigationBarTitleDisplayMode(.inline)
        .toolbar {
            ToolbarItem(placement: .cancellationAction) {
                if model.resolving {
                    Button { model.closeForm() } label: { Text("Huỷ", tableName: "Official") }
                }
            }
        }
        .task { await model.open() }
        .onAppear {
            // What waits on the phone goes by itself when the network returns.
            network = NetworkReturn { Task { await model.retryPending() } }
        }
        .onDisappear {
            network?.stop()
            network = nil
        }
        .onChange(of: model.item?.timeline.count) { _, _ in
            if let item = model.item { onChanged(item) }
        }
    }

    private var title: Text {
        if model.resolving { return Text("Báo đã xử lý xong", tableName: "Official") }
        if let number = model.item?.publicNumber { return Text(number) }
        return Text("Phản ánh", tableName: "Official")
    }

    // MARK: - Banners

    @ViewBuilder
    private var banners: some View {
        if model.offline {
            notice(Text("Không có mạng. Các thao tác của cán bộ cần mạng; việc chưa gửi được giữ lại và sẽ gửi khi có mạng.", tableName: "Official"))
        }
        if !model.pending.isEmpty {
            VStack(alignment: .leading, spacing: 6) {
                Text("Việc chưa gửi", tableName: "Official").font(.headline).accessibilityAddTraits(.isHeader)
                ForEach(model.pending, id: \.seq) { waiting in
                    VStack(alignment: .leading, spacing: 2) {
                        Text(OfficialWords.describe(waiting.action, language: OfficialLabels.language))
                        if model.sending {
                            Text("Đang gửi…", tableName: "Official").font(.caption).foregroundStyle(.secondary)
                        } else {
                            Text(OfficialWords.waiting(language: OfficialLabels.language)).font(.caption).foregroundStyle(.secondary)
                        }
                    }
                    .accessibilityElement(children: .combine)
                }
                Text("Đã lưu trên máy, kể cả khi đóng ứng dụng; sẽ tự gửi khi có mạng.", tableName: "Official").font(.caption)
                if !model.sending {
                    Button { Task { await model.retryPending() } } label: { Text("Gửi lại ngay", tableName: "Official") }
                        .buttonStyle(.bordered)
                }
            }
            .frame(maxWidth: .infinity, alignment: .leading)
            .padding(12)
            .background(Color(.secondarySystemBackground), in: RoundedRectangle(cornerRadius: 12))
        }
        if let error = model.error {
            Text(error).foregroundStyle(.red)
        }
        if let done = model.done {
            switch done {
            case .moved: notice(Text("Đã cập nhật trạng thái.", tableName: "Official"))
            case .replied: notice(Text("Đã gửi trả lời cho người dân.", tableName: "Official"))
            case .resolved: notice(Text("Đã báo xử lý xong. Người dân sẽ được thông báo.", tableName: "Official"))
            case .rejected: notice(Text("Đã từ chối phản ánh.", tableName: "Official"))
            }
        }
    }

    private func notice(_ text: Text) -> some View {
        text
            .frame(maxWidth: .infinity, alignment: .leading)
            .padding(12)
            .background(Color.accentColor.opacity(0.12), in: RoundedRectangle(cornerRadius: 8))
    }

    private func section(_ title: Text) -> some View {
        title.font(.headline).padding(.top, 8).accessibilityAddTraits(.isHeader)
    }

    // MARK: - Detail

    @ViewBuilder
    private func detail(_ item: WorkItem) -> some View {
        let isOpen = !model.moves.isEmpty || model.canReject || model.canResolve
        let overdue = OfficialWords.overdue(item.dueAt, now: model.now)
        VStack(alignment: .leading, spacing: 6) {
            Text(model.categoryName ?? item.category).font(.title2.bold())
            HStack(spacing: 8) {
                StatusChip(status: item.status, label: item.statusLabel)
                if isOpen {
                    Text(OfficialWords.due(item.dueAt, now: model.now, language: OfficialLabels.language))
                        .font(.subheadline.weight(overdue ? .bold : .regular))
                        .foregroundStyle(overdue ? Color.red : Color.secondary)
                }
            }
        }
        .accessibilityElement(children: .combine)
        VStack(alignment: .leading, spacing: 6) {
            if let ward = item.ward {
                field(Text("Phường/xã", tableName: "Official"), ward.name)
            }
            field(Text("Tiếp nhận", tableName: "Official"), OfficialLabels.dateTime(item.receivedAt))
            field(Text("Hạn xử lý", tableName: "Official"), OfficialLabels.dateTime(item.dueAt))
            field(Text("Người cùng phản ánh", tableName: "Official"), "\(item.supporters)")
        }
        if !item.photos.isEmpty {
            ScrollView(.horizontal, showsIndicators: false) {
                HStack(spacing: 8) {
                    ForEach(Array(item.photos.enumerated()), id: \.offset) { index, hash in
                        PhotoThumbnail(bytes: model.photos[hash])
                            .frame(width: 160, height: 120)
                            .clipShape(RoundedRectangle(cornerRadius: 8))
                            .accessibilityElement()
                            .accessibilityLabel(Text("Ảnh của người dân \(index + 1)", tableName: "Official"))
                    }
                }
            }
        }
        let spot = CLLocationCoordinate2D(latitude: item.location.lat, longitude: item.location.lon)
        Map(initialPosition: .region(MKCoordinateRegion(center: spot, latitudinalMeters: 300, longitudinalMeters: 300))) {
            Marker(String(localized: "Vị trí phản ánh", table: "Official"), coordinate: spot)
                .tint(StatusColor.of(item.status))
        }
        .frame(height: 180)
        .clipShape(RoundedRectangle(cornerRadius: 8))
        .mapCredits()
        if !item.description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            section(Text("Người dân viết", tableName: "Official"))
            Text(item.description)
        }
        if isOpen {
            section(Text("Cập nhật", tableName: "Official"))
            HStack {
                ForEach(model.moves, id: \.self) { status in
                    Button {
                        Task { await model.move(to: status) }
                    } label: {
                        Text(verbatim: "→ " + OfficialWords.status(status, language: OfficialLabels.language))
                    }
                    .buttonStyle(.bordered)
                    .disabled(model.sending)
                }
            }
            if model.canResolve {
                Button { model.openResolveForm() } label: { Text("Báo đã xử lý xong…", tableName: "Official") }
                    .buttonStyle(.borderedProminent)
            }
        }
        replyForm
        if model.canReject {
            section(Text("Từ chối", tableName: "Official"))
            TextField(
                String(localized: "Lý do từ chối (bắt buộc)", table: "Official"),
                text: Binding(get: { model.rejectNote }, set: { model.setRejectNote($0) }),
                axis: .vertical
            )
            .textFieldStyle(.roundedBorder)
            if model.problem == .reasonRequired {
                Text("Cần ghi lý do từ chối.", tableName: "Official").foregroundStyle(.red)
            }
            Button(role: .destructive) {
                Task { await model.reject() }
            } label: {
                Text("Từ chối phản ánh", tableName: "Official")
            }
            .buttonStyle(.bordered)
            .disabled(model.sending)
        }
        section(Text("Diễn biến", tableName: "Official"))
        ForEach(Array(item.timeline.enumerated()), id: \.offset) { _, step in
            timelineStep(step)
            Divider()
        }
    }

    @ViewBuilder
    private var replyForm: some View {
        section(Text("Trả lời người dân", tableName: "Official"))
        if !model.templates.isEmpty {
            Text("Chọn mẫu rồi sửa nếu cần:", tableName: "Official").font(.caption)
            ScrollView(.horizontal, showsIndicators: false) {
                HStack(spacing: 8) {
                    ForEach(Array(model.templates.enumerated()), id: \.offset) { _, template in
                        Button(template.title) { model.useTemplate(template) }
                            .buttonStyle(.bordered)
                    }
                }
            }
        }
        TextField(
            String(localized: "Nội dung trả lời", table: "Official"),
            text: Binding(get: { model.reply }, set: { model.setReply($0) }),
            axis: .vertical
        )
        .lineLimit(3...8)
        .textFieldStyle(.roundedBorder)
        Button {
            Task { await model.sendReply() }
        } label: {
            Text("Gửi trả lời", tableName: "Official")
        }
        .buttonStyle(.borderedProminent)
        .disabled(model.reply.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || model.sending)
    }

    private func timelineStep(_ step: TimelineStep) -> some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(verbatim: OfficialLabels.dateTime(step.at) + " · " + actorLabel(actor: step.actor, language: OfficialLabels.language.rawValue))
                .font(.caption).foregroundStyle(.secondary)
            if let status = step.status {
                Text(OfficialWords.status(status, language: OfficialLabels.language))
                    .fontWeight(.semibold)
                    .foregroundStyle(StatusColor.of(status))
            }
            if let note = step.note {
                Text(note)
            }
            if let hash = step.photo {
                PhotoThumbnail(bytes: model.photos[hash])
                    .frame(width: 120, height: 90)
                    .clipShape(RoundedRectangle(cornerRadius: 8))
                    .accessibilityElement()
                    .accessibilityLabel(Text("Ảnh sau xử lý", tableName: "Official"))
            }
        }
        .frame(maxWidth: .infinity, alignment: .leading)
        .accessibilityElement(children: .combine)
    }

    private func field(_ label: Text, _ value: String) -> some View {
        HStack(alignment: .firstTextBaseline) {
            label.font(.caption).foregroundStyle(.secondary)
            Spacer()
            Text(value)
        }
        .accessibilityElement(children: .combine)
    }

    // MARK: - Resolve

    @ViewBuilder
    private func resolveForm(_ item: WorkItem) -> some View {
        Text(model.categoryName ?? item.category).font(.headline)
        Text("Ghi rõ việc đã làm và chụp ảnh sau xử lý tại hiện trường; vị trí của bạn được gửi kèm để đối chiếu.", tableName: "Official")
        TextField(
            String(localized: "Đã làm gì (bắt buộc)", table: "Official"),
            text: Binding(get: { model.resolveNote }, set: { model.setResolveNote($0) }),
            axis: .vertical
        )
        .lineLimit(3...8)
        .textFieldStyle(.roundedBorder)
        if model.problem == .noteRequired {
            Text("Cần ghi việc đã làm.", tableName: "Official").foregroundStyle(.red)
        }
        if let photo = model.afterPhoto {
            PhotoThumbnail(bytes: photo)
                .frame(maxWidth: .infinity)
                .frame(height: 200)
                .clipShape(RoundedRectangle(cornerRadius: 8))
                .accessibilityElement()
                .accessibilityLabel(Text("Ảnh sau xử lý", tableName: "Official"))
        }
        Button {
            Task {
                if let bytes = await takeAfterPhoto() { model.setAfterPhoto(bytes) }
            }
        } label: {
            if model.afterPhoto == nil {
                Text("Chụp ảnh sau xử lý", tableName: "Official")
            } else {
                Text("Chụp lại", tableName: "Official")
            }
        }
        .buttonStyle(.bordered)
        .disabled(model.sending)
        if model.problem == .photoRequired {
            Text("Cần ảnh sau xử lý.", tableName: "Official").foregroundStyle(.red)
        }
        if model.problem == .locationRequired {
            Text("Chưa xác định được vị trí của bạn. Hãy bật định vị rồi thử lại.", tableName: "Official").foregroundStyle(.red)
        }
        Button {
            Task { await model.resolve(location: await currentLocation()) }
        } label: {
            Text("Gửi: đã xử lý xong", tableName: "Official").frame(maxWidth: .infinity)
        }
        .buttonStyle(.borderedProminent)
        .disabled(model.sending)
        Button { model.closeForm() } label: { Text("Huỷ", tableName: "Official") }
    }
}
