import CivicCore
import CivicFeatures
import MapKit
import SwiftUI

/// "Thành phố đã làm gì": a map of reports near the citizen and what became of them: where,
/// what, its status, how long the city took, the rating and the "me too"s. Nothing personal:
/// the core's `CityReport` carries no one's name, phone or report id.
@MainActor
struct CityMapView: View {
    @State var model: CityMapViewModel
    @State private var position: MapCameraPosition = .automatic

    var body: some View {
        VStack(spacing: 0) {
            map
                .frame(height: 280)
                .mapCredits()
            if model.loading {
                ProgressView().progressViewStyle(.linear)
            }
            List {
                Section {
                    Picker(selection: Binding(get: { model.filter }, set: { model.setFilter($0) })) {
                        Text("Tất cả", tableName: "Map").tag(MapFilter.all)
                        Text("Chưa xong", tableName: "Map").tag(MapFilter.open)
                        Text("Đã xử lý", tableName: "Map").tag(MapFilter.resolved)
                    } label: {
                        Text("Lọc", tableName: "Map")
                    }
                    .pickerStyle(.segmented)
                    if model.offline {
                        Text("Không có mạng: bản đồ cần mạng để xem thành phố đã xử lý những gì. Hãy thử lại khi có sóng.", tableName: "Map")
                            .font(.callout)
                    }
                    if let error = model.error {
                        Text(error).foregroundStyle(.red)
                    }
                    if model.loaded && !model.offline && model.error == nil {
                        Text(MapWords.summary(model.summary, language: AppLanguage.current)).font(.subheadline.weight(.semibold))
                    }
                }
                if model.loaded && model.shown.isEmpty && !model.offline {
                    Text("Không có báo cáo nào trong vùng này. Kéo hoặc thu nhỏ bản đồ để xem thêm.", tableName: "Map")
                        .font(.callout)
                }
                ForEach(list, id: \.publicNumber) { report in
                    Button { model.select(report.publicNumber) } label: { card(report) }
                        .listRowBackground(report.publicNumber == model.selected ? Color.accentColor.opacity(0.15) : nil)
                        .onAppear {
                            if report.publicNumber == list.last?.publicNumber { Task { await model.loadMore() } }
                        }
                }
            }
            .listStyle(.plain)
        }
        .navigationTitle(Text("Thành phố đã làm gì", tableName: "Map"))
        .navigationBarTitleDisplayMode(.inline)
        .toolbar {
            Button { Task { await model.refresh() } } label: { Text("Tải lại", tableName: "Map") }
        }
        .task {
            position = .region(region(model.box))
            await model.refresh()
        }
    }

    /// The picked report first, so the list shows it without scrolling.
    private var list: [CityReport] {
        guard let key = model.selected else { return model.shown }
        return model.shown.filter { $0.publicNumber == key } + model.shown.filter { $0.publicNumber != key }
    }

    private var map: some View {
        Map(position: $position, selection: Binding(get: { model.selected }, set: { model.select($0) })) {
            ForEach(model.shown, id: \.publicNumber) { report in
                Marker(
                    markerTitle(report),
                    coordinate: CLLocationCoordinate2D(latitude: report.lat, longitude: report.lon)
                )
                .tint(StatusColor.of(report.status))
                .tag(report.publicNumber)
            }
        }
        .onMapCameraChange(frequency: .onEnd) { context in
            let r = context.region
            model.move(to: MapBox.region(
                lat: r.center.latitude, lon: r.center.longitude,
                latDelta: r.span.latitudeDelta, lonDelta: r.span.longitudeDelta
            ))
        }
    }

    /// What a marker says (VoiceOver reads it): the category and the status, nothing personal.
    private func markerTitle(_ report: CityReport) -> String {
        model.categoryName(report.category) + ": " + report.statusLabel
    }

    private func region(_ box: MapBox) -> MKCoordinateRegion {
        MKCoordinateRegion(
            center: CLLocationCoordinate2D(latitude: (box.south + box.north) / 2, longitude: (box.west + box.east) / 2),
            span: MKCoordinateSpan(latitudeDelta: box.north - box.south, longitudeDelta: box.east - box.west)
        )
    }

    private func card(_ report: CityReport) -> some View {
        let outcome = MapWords.outcome(report, language: AppLanguage.current)
        return VStack(alignment: .leading, spacing: 6) {
            Text(model.categoryName(report.category)).font(.headline).foregroundStyle(.primary)
            if let ward = report.ward {
                Text(ward.name).font(.caption).foregroundStyle(.secondary)
            }
            HStack(spacing: 8) {
                StatusChip(status: report.status, label: report.statusLabel)
                if let outcome {
                    Text(outcome).font(.caption.weight(.semibold))
                } else {
                    Text("tiếp nhận \(report.receivedAt.formatted(.relative(presentation: .named)))", tableName: "Map")
                        .font(.caption)
                }
            }
            HStack(spacing: 12) {
                if let rating = report.rating {
                    Text(MapWords.stars(Int(rating)))
                        .foregroundStyle(.orange)
                        .accessibilityLabel(Text("Đánh giá \(Int(rating))/5 sao", tableName: "Map"))
                }
                if report.supporters > 0 {
                    Text("\(report.supporters) người cũng gặp", tableName: "Map").font(.caption)
                }
            }
        }
        .accessibilityElement(children: .combine)
    }
}
