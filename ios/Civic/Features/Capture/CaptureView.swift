import CivicCore
import CivicFeatures
import CoreLocation
import PhotosUI
import SwiftUI
import UIKit

/// "Báo cáo mới": photos, place, category, questions, description, then send (or "me too").
/// The camera, the photo library and the phone's fix are asked for here and handed to the
/// model; `onClose` leaves the flow (done, discarded, or back).
@MainActor
struct CaptureView: View {
    @State var model: CaptureViewModel
    let onClose: () -> Void

    @State private var location: LocationProvider
    @State private var showCamera = false
    @State private var cameraDenied = false
    @State private var pickerItems: [PhotosPickerItem] = []
    @State private var converting = false
    @State private var autoLocated = false
    @State private var locating = false
    @Environment(\.openURL) private var openURL

    /// Where the map opens before there is a fix: the citadel, the heart of Huế.
    private static let hue = CLLocationCoordinate2D(latitude: 16.4698, longitude: 107.5786)

    init(model: CaptureViewModel, onClose: @escaping () -> Void) {
        _model = State(initialValue: model)
        _location = State(initialValue: LocationProvider())
        self.onClose = onClose
    }

    var body: some View {
        Group {
            if let result = model.result, result != .discarded {
                CaptureResultView(result: result, model: model, onDone: onClose)
            } else {
                form
            }
        }
        .sheet(isPresented: Binding(get: { model.picking }, set: { if !$0 { model.closePicker() } })) {
            CategoryPickerView(model: model)
        }
        .fullScreenCover(isPresented: $showCamera) {
            CameraPicker(onCaptured: { data in
                showCamera = false
                attach([data])
            }, onCancel: { showCamera = false })
            .ignoresSafeArea()
        }
        .onChange(of: model.result) { _, result in
            if result == .discarded { onClose() }
        }
        .onChange(of: model.loading) { _, _ in autoLocate() }
        .onAppear { autoLocate() }
        .onDisappear {
            // Out of sight (another tab, the camera over it): what is typed is saved now; the
            // model keeps listening, and stops when the screen is gone for good.
            model.flush()
        }
    }

    // MARK: - The form

    private var form: some View {
        Form {
            if model.loading {
                ProgressView().frame(maxWidth: .infinity)
            }
            if model.resumed {
                Text("Báo cáo chưa gửi lần trước đã được giữ lại: bạn có thể tiếp tục.", tableName: "Capture")
                    .font(.callout)
                    .foregroundStyle(.secondary)
            }
            photosSection
            locationSection
            categorySection
            if !model.offers.isEmpty {
                meTooSection
            }
            if let questions = model.category?.questions, !questions.isEmpty {
                Section {
                    ForEach(questions, id: \.code) { question in
                        QuestionField(question: question, model: model)
                    }
                } header: {
                    Text("Thông tin thêm", tableName: "Capture")
                }
            }
            Section {
                TextField(text: Binding(get: { model.description }, set: { model.describe($0) }), axis: .vertical) {
                    Text("Ví dụ: rác đổ trước số 12, đã 3 ngày", tableName: "Capture")
                }
                .lineLimit(3...8)
                .disabled(model.draftId == nil)
            } header: {
                Text("Mô tả (không bắt buộc)", tableName: "Capture")
            }
            Section {
                Toggle(isOn: Binding(get: { model.anonymous }, set: { model.setAnonymous($0) })) {
                    VStack(alignment: .leading, spacing: 2) {
                        Text("Gửi ẩn danh", tableName: "Capture")
                        Text("Cán bộ sẽ không thấy tên và số điện thoại của bạn.", tableName: "Capture")
                            .font(.caption)
                            .foregroundStyle(.secondary)
                    }
                }
            }
        }
        .navigationTitle(Text("Báo cáo mới", tableName: "Capture"))
        .navigationBarTitleDisplayMode(.inline)
        .toolbar {
            ToolbarItem(placement: .cancellationAction) {
                Button(action: onClose) { Text("‹ Quay lại", tableName: "Capture") }
            }
            ToolbarItem(placement: .destructiveAction) {
                Button(role: .destructive, action: { model.askDiscard() }) { Text("Xoá", tableName: "Capture") }
                    .disabled(model.draftId == nil)
            }
        }
        .safeAreaInset(edge: .bottom) { sendBar }
        .confirmationDialog(
            Text("Xoá báo cáo này? Ảnh và nội dung sẽ bị xoá khỏi máy.", tableName: "Capture"),
            isPresented: Binding(get: { model.confirmDiscard }, set: { if !$0 { model.cancelDiscard() } }),
            titleVisibility: .visible
        ) {
            Button(role: .destructive, action: { model.discard() }) { Text("Xoá báo cáo", tableName: "Capture") }
            Button(role: .cancel, action: { model.cancelDiscard() }) { Text("Giữ lại", tableName: "Capture") }
        }
    }

    // MARK: - Photos

    private var photosSection: some View {
        Section {
            if model.photos.isEmpty {
                Text("Chụp rõ vấn đề: ảnh giúp cán bộ tìm và xử lý nhanh hơn.", tableName: "Capture")
                    .font(.callout)
                    .foregroundStyle(.secondary)
            } else {
                ScrollView(.horizontal) {
                    HStack(spacing: 8) {
                        ForEach(Array(model.photos.enumerated()), id: \.element.hash) { index, photo in
                            ZStack(alignment: .topTrailing) {
                                PhotoThumbnail(bytes: photo.bytes)
                                    .frame(width: 96, height: 96)
                                    .clipShape(RoundedRectangle(cornerRadius: 8))
                                    .accessibilityLabel(Text("Ảnh \(index + 1)", tableName: "Capture"))
                                Button { model.removePhoto(photo.hash) } label: {
                                    Image(systemName: "xmark.circle.fill")
                                        .font(.title2)
                                        .symbolRenderingMode(.palette)
                                        .foregroundStyle(Color.white, Color.black.opacity(0.6))
                                        .frame(minWidth: 44, minHeight: 44)
                                }
                                .buttonStyle(.plain)
                                .accessibilityLabel(Text("Bỏ ảnh \(index + 1)", tableName: "Capture"))
                            }
                        }
                    }
                }
            }
            if cameraDenied {
                Text("Civic cần quyền dùng máy ảnh để chụp ảnh báo cáo. Bạn có thể cho phép trong Cài đặt, hoặc chọn ảnh từ thư viện.", tableName: "Capture")
                    .font(.callout)
                    .foregroundStyle(.red)
                Button(action: openSettings) { Text("Mở Cài đặt", tableName: "Capture") }
            }
            if converting {
                ProgressView { Text("Đang thêm ảnh…", tableName: "Capture") }
            }
            if model.photos.count < CaptureViewModel.maxPhotos {
                HStack {
                    Button(action: takePhoto) {
                        Label { Text("Chụp ảnh", tableName: "Capture") } icon: { Image(systemName: "camera") }
                            .frame(maxWidth: .infinity)
                    }
                    .buttonStyle(.borderedProminent)
                    .disabled(model.draftId == nil || !CameraPicker.isAvailable)
                    PhotosPicker(
                        selection: $pickerItems,
                        maxSelectionCount: max(1, CaptureViewModel.maxPhotos - model.photos.count),
                        matching: .images
                    ) {
                        Label { Text("Chọn từ thư viện", tableName: "Capture") } icon: { Image(systemName: "photo.on.rectangle") }
                            .frame(maxWidth: .infinity)
                    }
                    .buttonStyle(.bordered)
                    .disabled(model.draftId == nil)
                }
            } else {
                Text("Đã đủ \(CaptureViewModel.maxPhotos) ảnh.", tableName: "Capture").font(.footnote)
            }
        } header: {
            Text("Ảnh (\(model.photos.count)/\(CaptureViewModel.maxPhotos))", tableName: "Capture")
        }
        .onChange(of: pickerItems) { _, items in
            guard !items.isEmpty else { return }
            pickerItems = []
            Task {
                var loaded: [Data] = []
                for item in items {
                    // Images that cannot be read are left out.
                    if let data = try? await item.loadTransferable(type: Data.self) {
                        loaded.append(data)
                    }
                }
                attach(loaded)
            }
        }
    }

    private func takePhoto() {
        Task {
            if await CameraPicker.access() {
                cameraDenied = false
                showCamera = true
            } else {
                cameraDenied = true
            }
        }
    }

    /// HEIC and the rest made JPEG off the main actor, then handed to the model in order.
    private func attach(_ images: [Data]) {
        guard !images.isEmpty else { return }
        converting = true
        Task {
            for image in images {
                let converted = await Task.detached(priority: .userInitiated) {
                    PhotoConversion.jpegOrPng(from: image)
                }.value
                if let converted {
                    model.attachPhoto(converted)
                }
            }
            converting = false
        }
    }

    // MARK: - Location

    private var locationSection: some View {
        Section {
            let fix = model.location
            let center = fix.map { CLLocationCoordinate2D(latitude: $0.lat, longitude: $0.lon) } ?? Self.hue
            PinMap(
                center: center,
                markers: model.offers.map { offer in
                    PinMap.Pin(
                        id: offer.id,
                        coordinate: CLLocationCoordinate2D(latitude: offer.at.lat, longitude: offer.at.lon),
                        label: String(localized: "Báo cáo \(offer.publicNumber)", table: "Capture"),
                        tint: .purple
                    )
                },
                movable: model.draftId != nil,
                spanMetres: fix == nil ? 4000 : 300,
                onCenterChanged: { point in
                    model.movePin(to: GeoPoint(lat: point.latitude, lon: point.longitude))
                }
            )
            .frame(height: 200)
            .clipShape(RoundedRectangle(cornerRadius: 8))
            .listRowInsets(EdgeInsets())
            .accessibilityLabel(Text("Bản đồ: kéo để đặt ghim vào đúng chỗ", tableName: "Capture"))

            VStack(alignment: .leading, spacing: 4) {
                if let fix {
                    if let ward = model.area?.ward {
                        Text(ward.name).font(.headline)
                    }
                    Text(CaptureWords.accuracyWords(fix, language: .current)).font(.callout)
                    if model.area?.nearEdge == true {
                        Text("Điểm này ở sát ranh giới địa bàn: cán bộ sẽ kiểm tra lại vị trí.", tableName: "Capture")
                            .font(.footnote)
                            .foregroundStyle(.secondary)
                    }
                    Text("Kéo bản đồ để ghim đúng chỗ.", tableName: "Capture")
                        .font(.footnote)
                        .foregroundStyle(.secondary)
                } else {
                    Text("Đang chờ vị trí… hoặc kéo bản đồ để đặt ghim.", tableName: "Capture")
                }
            }
            .accessibilityElement(children: .combine)

            if let outside = model.outsideArea {
                VStack(alignment: .leading, spacing: 2) {
                    Text(outside)
                    if fix != nil {
                        Text("Vị trí trước vẫn được giữ.", tableName: "Capture")
                    }
                }
                .foregroundStyle(.red)
                .accessibilityElement(children: .combine)
            }
            if location.denied {
                Text("Civic chưa được phép dùng vị trí. Bạn có thể cho phép trong Cài đặt, hoặc kéo bản đồ để đặt ghim.", tableName: "Capture")
                    .font(.callout)
                    .foregroundStyle(.secondary)
                Button(action: openSettings) { Text("Mở Cài đặt", tableName: "Capture") }
            }
            Button(action: locate) {
                Label {
                    if locating {
                        Text("Đang tìm vị trí…", tableName: "Capture")
                    } else {
                        Text("Vị trí của tôi", tableName: "Capture")
                    }
                } icon: {
                    Image(systemName: "location")
                }
            }
            .disabled(model.draftId == nil || locating || location.denied)
            if let offer = model.photoLocationOffer {
                Button { model.usePhotoLocation(offer.hash) } label: {
                    Label { Text("Dùng vị trí trong ảnh", tableName: "Capture") } icon: { Image(systemName: "photo") }
                }
            }
        } header: {
            Text("Vị trí", tableName: "Capture")
        }
    }

    /// The phone's fix, asked once when the draft has no place yet and the permission is
    /// already given (asking is left to "Vị trí của tôi", so the first thing seen is not a dialog).
    private func autoLocate() {
        guard !autoLocated, !model.loading, model.draftId != nil, model.location == nil, location.authorized else { return }
        autoLocated = true
        locate()
    }

    private func locate() {
        guard !locating else { return }
        locating = true
        Task {
            if let fix = await location.currentFix() {
                model.setLocation(fix)
            }
            locating = false
        }
    }

    private func openSettings() {
        if let url = URL(string: UIApplication.openSettingsURLString) {
            openURL(url)
        }
    }

    // MARK: - Category

    private var categorySection: some View {
        Section {
            Button { model.openPicker() } label: {
                HStack {
                    VStack(alignment: .leading, spacing: 2) {
                        if let category = model.category {
                            Text(category.name).font(.headline).foregroundStyle(.primary)
                            Text(category.groupName).font(.caption).foregroundStyle(.secondary)
                        } else {
                            Text("Chọn loại vấn đề", tableName: "Capture").font(.headline)
                            Text("Ví dụ: rác, ổ gà, đèn đường hỏng", tableName: "Capture")
                                .font(.caption)
                                .foregroundStyle(.secondary)
                        }
                    }
                    Spacer()
                    if model.category == nil {
                        Image(systemName: "chevron.right").accessibilityHidden(true)
                    } else {
                        Text("Đổi", tableName: "Capture")
                    }
                }
                .accessibilityElement(children: .combine)
            }
            .disabled(model.draftId == nil)
        } header: {
            Text("Loại vấn đề", tableName: "Capture")
        }
    }

    // MARK: - Me too

    private var meTooSection: some View {
        Section {
            Text("Nói “Tôi cũng gặp vấn đề này” giúp thành phố ưu tiên xử lý, không cần gửi báo cáo trùng.", tableName: "Capture")
                .font(.footnote)
            ForEach(model.offers) { offer in
                VStack(alignment: .leading, spacing: 8) {
                    HStack(alignment: .top, spacing: 10) {
                        PhotoThumbnail(bytes: offer.photo)
                            .frame(width: 72, height: 72)
                            .clipShape(RoundedRectangle(cornerRadius: 8))
                            .accessibilityLabel(Text("Ảnh của báo cáo \(offer.publicNumber)", tableName: "Capture"))
                        VStack(alignment: .leading, spacing: 4) {
                            Text(offer.category).font(.subheadline.weight(.semibold))
                            StatusChip(status: offer.status, label: offer.statusLabel)
                            Text("Cách \(CaptureWords.distanceWords(offer.distanceM)) · \(offer.supporters) người cũng gặp", tableName: "Capture")
                                .font(.caption)
                            if !offer.description.isEmpty {
                                Text(offer.description).font(.caption).lineLimit(3)
                            }
                        }
                    }
                    .accessibilityElement(children: .combine)
                    Button { model.meToo(offer.id) } label: {
                        if model.supporting == offer.id {
                            Text("Đang gửi…", tableName: "Capture").frame(maxWidth: .infinity)
                        } else {
                            Text("Tôi cũng gặp vấn đề này", tableName: "Capture").frame(maxWidth: .infinity)
                        }
                    }
                    .buttonStyle(.borderedProminent)
                    .disabled(model.supporting != nil)
                }
            }
            Button { model.sendAnyway() } label: {
                Text("Vẫn gửi báo cáo mới", tableName: "Capture").frame(maxWidth: .infinity)
            }
        } header: {
            Text("Đã có người báo vấn đề này ở gần đây", tableName: "Capture")
        }
    }

    // MARK: - Send bar

    private var sendBar: some View {
        VStack(alignment: .leading, spacing: 8) {
            if let error = model.error {
                Text(error)
                    .foregroundStyle(.red)
                    .font(.callout)
                    .onTapGesture { model.dismissError() }
            }
            if !model.loading {
                if model.missing.isEmpty {
                    Text("Đã đủ thông tin. Báo cáo được lưu trên máy và gửi khi có mạng.", tableName: "Capture")
                        .font(.footnote)
                        .foregroundStyle(.secondary)
                } else if let missingLine = model.missingLine {
                    Text(missingLine)
                        .font(.callout)
                }
            }
            Button {
                if model.offers.isEmpty {
                    model.send()
                } else {
                    model.sendAnyway()
                }
            } label: {
                Group {
                    if model.sending {
                        Text("Đang lưu…", tableName: "Capture")
                    } else if !model.offers.isEmpty {
                        Text("Vẫn gửi báo cáo mới", tableName: "Capture")
                    } else {
                        Text("Gửi báo cáo", tableName: "Capture")
                    }
                }
                .font(.headline)
                .frame(maxWidth: .infinity, minHeight: 44)
            }
            .buttonStyle(.borderedProminent)
            .disabled(!model.canSend)
        }
        .padding(.horizontal, 16)
        .padding(.vertical, 10)
        .background(.bar)
    }
}

// MARK: - Questions

/// One question of the category, by its kind: text, number, one of, some of, a time.
@MainActor
private struct QuestionField: View {
    let question: Question
    let model: CaptureViewModel

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            switch question.kind {
            case .shortText, .longText, .number:
                textField
            case .oneOf:
                title
                let chosen = choiceKey
                ForEach(question.choices, id: \.key) { option in
                    Button {
                        let same = option.key == chosen
                        model.answer(question.code, same && !question.required ? nil : Answer.choice(key: option.key))
                    } label: {
                        HStack {
                            Image(systemName: option.key == chosen ? "largecircle.fill.circle" : "circle")
                                .accessibilityHidden(true)
                            Text(option.label).foregroundStyle(.primary)
                        }
                        .frame(minHeight: 44)
                    }
                    .buttonStyle(.plain)
                    .accessibilityAddTraits(option.key == chosen ? .isSelected : [])
                }
            case .someOf:
                title
                let chosen = choiceKeys
                ForEach(question.choices, id: \.key) { option in
                    Button {
                        var keys = chosen
                        if keys.contains(option.key) {
                            keys.remove(option.key)
                        } else {
                            keys.insert(option.key)
                        }
                        let ordered = question.choices.map { $0.key }.filter { keys.contains($0) }
                        model.answer(question.code, ordered.isEmpty ? nil : Answer.choices(keys: ordered))
                    } label: {
                        HStack {
                            Image(systemName: chosen.contains(option.key) ? "checkmark.square.fill" : "square")
                                .accessibilityHidden(true)
                            Text(option.label).foregroundStyle(.primary)
                        }
                        .frame(minHeight: 44)
                    }
                    .buttonStyle(.plain)
                    .accessibilityAddTraits(chosen.contains(option.key) ? .isSelected : [])
                }
            case .dateTime:
                title
                dateTime
            }
        }
    }

    private var label: String {
        question.prompt + (question.required ? " *" : "")
    }

    private var title: some View {
        Text(label)
            .accessibilityLabel(question.required
                ? Text("\(question.prompt) (bắt buộc)", tableName: "Capture")
                : Text(question.prompt))
    }

    private var choiceKey: String? {
        if case let .choice(key) = model.answers[question.code] { return key }
        return nil
    }

    private var choiceKeys: Set<String> {
        if case let .choices(keys) = model.answers[question.code] { return Set(keys) }
        return []
    }

    @ViewBuilder
    private var textField: some View {
        let text = model.answerTexts[question.code] ?? ""
        let number = question.kind == .number
        let bad = number && !text.trimmingCharacters(in: .whitespaces).isEmpty && CaptureViewModel.parseNumber(text) == nil
        TextField(label, text: Binding(get: { model.answerTexts[question.code] ?? "" }, set: { model.typeAnswer(question.code, $0) }),
                  axis: question.kind == .longText ? .vertical : .horizontal)
            .keyboardType(number ? .decimalPad : .default)
            .lineLimit(question.kind == .longText ? 3...8 : 1...1)
        if bad {
            Text("Hãy nhập một số", tableName: "Capture").font(.caption).foregroundStyle(.red)
        }
    }

    @ViewBuilder
    private var dateTime: some View {
        if case let .dateTime(at) = model.answers[question.code] {
            Text(at.formatted(date: .abbreviated, time: .shortened)).font(.body.weight(.semibold))
        } else {
            Text("Chưa chọn thời gian", tableName: "Capture")
        }
        let base: Date = {
            if case let .dateTime(at) = model.answers[question.code] { return at }
            return Date()
        }()
        ScrollView(.horizontal) {
            HStack {
                Button { model.answer(question.code, .dateTime(value: Date())) } label: {
                    Text("Bây giờ", tableName: "Capture")
                }
                Button { model.answer(question.code, .dateTime(value: base.addingTimeInterval(-3600))) } label: {
                    Text("Sớm hơn 1 giờ", tableName: "Capture")
                }
                Button { model.answer(question.code, .dateTime(value: base.addingTimeInterval(-86400))) } label: {
                    Text("Sớm hơn 1 ngày", tableName: "Capture")
                }
            }
            .buttonStyle(.bordered)
        }
    }
}
