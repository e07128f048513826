import CivicCore
import CivicFeatures
import MapKit
import SwiftUI

/// "Cảnh báo tôi theo dõi": places, "where I am now", topics, severity, quiet hours and the
/// language of warnings. Everything stays on the phone.
@MainActor
struct SubscriptionsView: View {
    @State var model: SubscriptionsViewModel

    var body: some View {
        Form {
            Section {
                Text("Các lựa chọn này chỉ lưu trên điện thoại và dùng được cả khi không có mạng; máy chủ không biết bạn theo dõi nơi nào.", tableName: "Warnings")
                    .font(.callout).foregroundStyle(.secondary)
                if let error = model.error {
                    Text(error).foregroundStyle(.red)
                }
            }
            if let sub = model.subscription {
                places(sub)
                Section {
                    Toggle(isOn: Binding(get: { sub.currentPosition }, set: { model.setFollowPosition($0) })) {
                        VStack(alignment: .leading, spacing: 2) {
                            Text("Nơi tôi đang ở", tableName: "Warnings")
                            Text("Nhận cảnh báo cho nơi điện thoại đang ở. Chỉ vị trí mới nhất được giữ trên điện thoại, không gửi đi.", tableName: "Warnings")
                                .font(.caption).foregroundStyle(.secondary)
                        }
                    }
                }
                topics(sub)
                severity(sub)
                quietHours(sub)
                language(sub)
            }
        }
        .navigationTitle(Text("Cảnh báo tôi theo dõi", tableName: "Warnings"))
        .navigationBarTitleDisplayMode(.inline)
    }

    // MARK: - Places

    private func places(_ sub: WarningSubscription) -> some View {
        Section {
            if sub.places.isEmpty {
                Text("Chưa có địa điểm nào. Thêm nhà, nơi làm việc, trường của con…", tableName: "Warnings")
            }
            ForEach(Array(sub.places.enumerated()), id: \.offset) { _, place in
                let name = placeName(place)
                HStack {
                    VStack(alignment: .leading, spacing: 2) {
                        Text(name).font(.headline)
                        Text(placeText(place)).font(.caption).foregroundStyle(.secondary)
                    }
                    .accessibilityElement(children: .combine)
                    Spacer()
                    Button(role: .destructive) { model.removePlace(name: name) } label: {
                        Text("Xoá", tableName: "Warnings")
                    }
                    .buttonStyle(.borderless)
                    .accessibilityLabel(Text("Xoá \(name)", tableName: "Warnings"))
                }
            }
            if let form = model.adding {
                addPlace(form)
            } else {
                Button { model.startAddPlace() } label: { Text("+ Thêm địa điểm", tableName: "Warnings") }
            }
        } header: {
            Text("Địa điểm (\(sub.places.count))", tableName: "Warnings")
        }
    }

    private func placeName(_ place: SavedPlace) -> String {
        switch place {
        case let .point(name, _, _, _): return name
        case let .area(name, _): return name
        }
    }

    /// Where a saved place is, in words.
    private func placeText(_ place: SavedPlace) -> String {
        switch place {
        case let .point(name, _, _, radiusM):
            let radius = WarningWords.radiusText(radiusM, language: AppLanguage.current)
            if let area = model.placeAreas[name] {
                return String(localized: "Trong vòng \(radius) quanh một điểm ở \(area)", table: "Warnings")
            }
            return String(localized: "Trong vòng \(radius)", table: "Warnings")
        case let .area(_, code):
            if let ward = model.wards.first(where: { $0.code == code }) {
                return String(localized: "Toàn địa bàn \(ward.name)", table: "Warnings")
            }
            return String(localized: "Toàn địa bàn khu vực \(code)", table: "Warnings")
        }
    }

    @ViewBuilder
    private func addPlace(_ form: SubscriptionsViewModel.NewPlace) -> some View {
        VStack(alignment: .leading, spacing: 12) {
            Text("Thêm địa điểm", tableName: "Warnings").font(.headline).accessibilityAddTraits(.isHeader)
            TextField(
                String(localized: "Tên (ví dụ: Nhà, Trường của con)", table: "Warnings"),
                text: Binding(get: { model.adding?.name ?? "" }, set: { model.setPlaceName($0) })
            )
            .textFieldStyle(.roundedBorder)
            Picker(selection: Binding(get: { form.kind }, set: { model.setPlaceKind($0) })) {
                Text("Một điểm trên bản đồ", tableName: "Warnings").tag(SubscriptionsViewModel.PlaceKind.point)
                Text("Cả một phường, xã", tableName: "Warnings").tag(SubscriptionsViewModel.PlaceKind.ward)
            } label: {
                Text("Loại địa điểm", tableName: "Warnings")
            }
            .pickerStyle(.segmented)
            switch form.kind {
            case .point:
                pointForm(form)
            case .ward:
                wardForm(form)
            }
            if let error = form.error {
                Text(error).foregroundStyle(.red)
            }
            HStack {
                Spacer()
                Button { model.cancelAddPlace() } label: { Text("Huỷ", tableName: "Warnings") }
                    .buttonStyle(.borderless)
                Button { model.savePlace() } label: { Text("Lưu địa điểm", tableName: "Warnings") }
                    .buttonStyle(.borderedProminent)
            }
        }
        .padding(.vertical, 4)
    }

    @ViewBuilder
    private func pointForm(_ form: SubscriptionsViewModel.NewPlace) -> some View {
        Text("Kéo bản đồ để đặt tâm vào địa điểm của bạn.", tableName: "Warnings").font(.caption)
        PlacePickerMap(center: form.center, radiusM: form.radiusM) { model.moveCenter($0) }
            .frame(height: 200)
            .clipShape(RoundedRectangle(cornerRadius: 8))
            .accessibilityElement()
            .accessibilityLabel(Text("Bản đồ chọn địa điểm", tableName: "Warnings"))
        if let centerError = form.centerError {
            Text(centerError).foregroundStyle(.red)
        } else if let area = form.centerArea {
            Text("Dùng tâm bản đồ (ở \(area))", tableName: "Warnings")
        } else {
            Text("Dùng tâm bản đồ", tableName: "Warnings")
        }
        Picker(selection: Binding(get: { form.radiusM }, set: { model.setRadius($0) })) {
            ForEach(WarningWords.radii, id: \.self) { radius in
                Text(WarningWords.radiusText(radius, language: AppLanguage.current)).tag(radius)
            }
        } label: {
            Text("Bán kính", tableName: "Warnings")
        }
        .pickerStyle(.segmented)
    }

    @ViewBuilder
    private func wardForm(_ form: SubscriptionsViewModel.NewPlace) -> some View {
        ForEach(model.wards, id: \.code) { ward in
            Button { model.pickWard(code: ward.code, name: ward.name) } label: {
                HStack {
                    Image(systemName: form.wardCode == ward.code ? "largecircle.fill.circle" : "circle")
                        .accessibilityHidden(true)
                    Text(ward.name).foregroundStyle(.primary)
                    Spacer()
                }
            }
            .buttonStyle(.borderless)
            .accessibilityAddTraits(form.wardCode == ward.code ? .isSelected : [])
        }
        if form.needsWard {
            Text("Hãy chọn một phường, xã.", tableName: "Warnings").foregroundStyle(.red)
        }
    }

    // MARK: - What and how much

    private func topics(_ sub: WarningSubscription) -> some View {
        Section {
            Toggle(isOn: Binding(get: { sub.topics.isEmpty }, set: { if $0 { model.allTopics() } })) {
                Text("Tất cả", tableName: "Warnings")
            }
            ForEach(model.topics, id: \.code) { topic in
                Toggle(topic.name, isOn: Binding(get: { sub.topics.contains(topic.code) }, set: { _ in model.toggleTopic(topic.code) }))
            }
        } header: {
            Text("Chủ đề", tableName: "Warnings")
        } footer: {
            Text("Không chọn chủ đề nào là nhận mọi chủ đề.", tableName: "Warnings")
        }
    }

    private func severity(_ sub: WarningSubscription) -> some View {
        Section {
            Picker(selection: Binding(get: { sub.minSeverity }, set: { model.setMinSeverity($0) })) {
                ForEach(WarningWords.choosable, id: \.self) { level in
                    Text(severityLabel(severity: level, language: AppLanguage.current.rawValue)).tag(level)
                }
            } label: {
                Text("Mức độ", tableName: "Warnings")
            }
            .pickerStyle(.inline)
            .labelsHidden()
        } header: {
            Text("Mức độ", tableName: "Warnings")
        } footer: {
            Text("Nhận cảnh báo từ mức này trở lên.", tableName: "Warnings")
        }
    }

    private func quietHours(_ sub: WarningSubscription) -> some View {
        Section {
            Toggle(isOn: Binding(get: { model.quietOn }, set: { model.setQuietHours($0) })) {
                VStack(alignment: .leading, spacing: 2) {
                    Text("Giờ yên lặng", tableName: "Warnings")
                    Text(quietText(sub)).font(.caption).foregroundStyle(.secondary)
                }
            }
            HStack {
                TextField(
                    String(localized: "Từ (HH:mm)", table: "Warnings"),
                    text: Binding(get: { model.quietStart }, set: { model.setQuietStart($0) })
                )
                .keyboardType(.numbersAndPunctuation)
                .accessibilityLabel(Text("Từ (HH:mm)", tableName: "Warnings"))
                TextField(
                    String(localized: "Đến (HH:mm)", table: "Warnings"),
                    text: Binding(get: { model.quietEnd }, set: { model.setQuietEnd($0) })
                )
                .keyboardType(.numbersAndPunctuation)
                .accessibilityLabel(Text("Đến (HH:mm)", tableName: "Warnings"))
            }
            .textFieldStyle(.roundedBorder)
            if model.quietBadFormat {
                Text("Nhập giờ dạng HH:mm, ví dụ 22:00.", tableName: "Warnings").foregroundStyle(.red)
            }
            if let error = model.quietError {
                Text(error).foregroundStyle(.red)
            }
            Button { model.saveQuietHours() } label: {
                if model.quietOn {
                    Text("Lưu giờ yên lặng", tableName: "Warnings")
                } else {
                    Text("Bật với giờ này", tableName: "Warnings")
                }
            }
        }
    }

    private func quietText(_ sub: WarningSubscription) -> String {
        guard let start = sub.quietStartMinute, let end = sub.quietEndMinute else {
            return String(localized: "Tắt: mọi cảnh báo đều đổ chuông. Khi bật, chỉ cảnh báo Đặc biệt nguy hiểm mới đổ chuông trong khoảng giờ này.", table: "Warnings")
        }
        let from = WarningWords.hhmm(Int(start))
        let to = WarningWords.hhmm(Int(end))
        let span = model.quietOvernight
            ? String(localized: "Từ \(from) đến \(to) (qua đêm)", table: "Warnings")
            : String(localized: "Từ \(from) đến \(to)", table: "Warnings")
        return span + ". " + String(localized: "Chỉ cảnh báo Đặc biệt nguy hiểm mới đổ chuông; các cảnh báo khác vào hộp thư không có âm thanh.", table: "Warnings")
    }

    private func language(_ sub: WarningSubscription) -> some View {
        Section {
            Picker(selection: Binding(get: { sub.language.hasPrefix("en") ? "en" : "vi" }, set: { model.setWarningLanguage($0) })) {
                Text(verbatim: "Tiếng Việt").tag("vi")
                Text(verbatim: "English").tag("en")
            } label: {
                Text("Ngôn ngữ của cảnh báo", tableName: "Warnings")
            }
            .pickerStyle(.segmented)
        } header: {
            Text("Ngôn ngữ của cảnh báo", tableName: "Warnings")
        }
    }
}

/// A map whose centre is the place chosen, with the radius drawn around it.
struct PlacePickerMap: View {
    let center: GeoPoint
    let radiusM: Double
    let onCenter: (GeoPoint) -> Void

    @State private var position: MapCameraPosition = .automatic

    var body: some View {
        Map(position: $position) {
            MapCircle(center: coordinate, radius: radiusM)
                .foregroundStyle(Color.accentColor.opacity(0.2))
                .stroke(Color.accentColor, lineWidth: 2)
        }
        .overlay {
            Image(systemName: "plus.circle.fill")
                .font(.title2)
                .foregroundStyle(Color.accentColor)
                .allowsHitTesting(false)
                .accessibilityHidden(true)
        }
        .onMapCameraChange(frequency: .onEnd) { context in
            let c = context.region.center
            onCenter(GeoPoint(lat: c.latitude, lon: c.longitude))
        }
        .onAppear {
            position = .region(MKCoordinateRegion(center: coordinate, latitudinalMeters: radiusM * 3, longitudinalMeters: radiusM * 3))
        }
        .mapCredits()
    }

    private var coordinate: CLLocationCoordinate2D {
        CLLocationCoordinate2D(latitude: center.lat, longitude: center.lon)
    }
}
