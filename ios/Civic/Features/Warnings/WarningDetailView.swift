import CivicCore
import CivicFeatures
import MapKit
import SwiftUI

/// One warning, opened from the inbox or a notification: marks it read, says what to do first,
/// and draws the warning's areas on a map.
@MainActor
struct WarningDetailView: View {
    let model: WarningsViewModel
    let id: String

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) {
                if let error = model.error {
                    Text(error).foregroundStyle(.red)
                }
                if let warning = model.warning(id: id) {
                    content(warning)
                } else if model.loaded {
                    ContentUnavailableView {
                        Label { Text("Không tìm thấy cảnh báo", tableName: "Warnings") } icon: { Image(systemName: "questionmark.circle") }
                    } description: {
                        Text("Cảnh báo này không còn trên điện thoại.", tableName: "Warnings")
                    }
                }
            }
            .padding()
        }
        .navigationTitle(Text("Chi tiết cảnh báo", tableName: "Warnings"))
        .navigationBarTitleDisplayMode(.inline)
        .task(id: id) { model.open(id: id) }
    }

    @ViewBuilder
    private func content(_ warning: Warning) -> some View {
        let ended = warning.state != .active
        // The state first when it matters most: a drill, or a warning that no longer holds.
        if warning.exercise || ended {
            Text(banner(warning))
                .font(.subheadline.weight(.semibold))
                .frame(maxWidth: .infinity, alignment: .leading)
                .padding(12)
                .background(Color(.secondarySystemBackground), in: RoundedRectangle(cornerRadius: 8))
        }
        HStack(spacing: 8) {
            SeverityChip(severity: warning.severity)
            WarningTag(text: alertStateLabel(state: warning.state, language: AppLanguage.current.rawValue))
            if warning.exercise { WarningTag(text: exerciseLabel(language: AppLanguage.current.rawValue)) }
        }
        VStack(alignment: .leading, spacing: 4) {
            Text(warning.event).font(.subheadline).foregroundStyle(.secondary)
            Text(warning.headline).font(.title2.bold()).accessibilityAddTraits(.isHeader)
        }
        if let instruction = warning.instruction, !instruction.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            // What the resident must do: the most important words on the screen.
            VStack(alignment: .leading, spacing: 6) {
                Text("Bạn cần làm gì", tableName: "Warnings").font(.headline).accessibilityAddTraits(.isHeader)
                Text(instruction).font(.body.weight(.semibold))
            }
            .frame(maxWidth: .infinity, alignment: .leading)
            .padding(16)
            .background(Color(.secondarySystemBackground), in: RoundedRectangle(cornerRadius: 12))
            .overlay(RoundedRectangle(cornerRadius: 12).stroke(SeverityColor.of(warning.severity), lineWidth: 3))
            .accessibilityElement(children: .combine)
        }
        if let description = warning.description, !description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            VStack(alignment: .leading, spacing: 4) {
                Text("Chi tiết", tableName: "Warnings").font(.subheadline.bold()).accessibilityAddTraits(.isHeader)
                Text(description)
            }
        }
        VStack(alignment: .leading, spacing: 8) {
            field(Text("Cơ quan phát", tableName: "Warnings"), warning.senderName)
            if !warning.areas.isEmpty {
                field(Text("Khu vực", tableName: "Warnings"), warning.areas.joined(separator: ", "))
            }
            if let note = warning.cancelNote, !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                field(Text("Lý do huỷ", tableName: "Warnings"), note)
            }
            field(Text("Phát lúc", tableName: "Warnings"), "\(WarningLabels.dateTime(warning.sent)) (\(WarningLabels.ago(warning.sent)))")
            field(endLabel(warning.state), warning.expires.map(WarningLabels.dateTime)
                ?? String(localized: "Chưa có giờ kết thúc", table: "Warnings"))
            field(Text("Trạng thái", tableName: "Warnings"), alertStateLabel(state: warning.state, language: AppLanguage.current.rawValue))
        }
        let shapes = model.shapes[id] ?? []
        if let bounds = WarningWords.bounds(shapes) {
            Text("Vùng cảnh báo", tableName: "Warnings").font(.subheadline.bold()).accessibilityAddTraits(.isHeader)
            WarningAreaMap(shapes: shapes, bounds: bounds, color: SeverityColor.of(warning.severity))
                .frame(height: 240)
                .clipShape(RoundedRectangle(cornerRadius: 12))
                .accessibilityElement()
                .accessibilityLabel(Text("Bản đồ vùng cảnh báo", tableName: "Warnings"))
        }
    }

    private func banner(_ warning: Warning) -> String {
        let language = AppLanguage.current.rawValue
        if warning.exercise && warning.state != .active {
            return exerciseLabel(language: language) + " · " + alertStateLabel(state: warning.state, language: language)
        }
        if warning.exercise {
            return String(localized: "Diễn tập: đây không phải cảnh báo thật.", table: "Warnings")
        }
        if warning.state == .cancelled {
            return String(localized: "Đã huỷ: cảnh báo này không còn hiệu lực.", table: "Warnings")
        }
        return String(localized: "Đã hết hạn: cảnh báo này không còn hiệu lực.", table: "Warnings")
    }

    private func endLabel(_ state: AlertState) -> Text {
        switch state {
        case .expired: return Text("Hết hạn lúc", tableName: "Warnings")
        case .cancelled: return Text("Lẽ ra đến", tableName: "Warnings")
        case .active: return Text("Hiệu lực đến", tableName: "Warnings")
        }
    }

    private func field(_ label: Text, _ value: String) -> some View {
        VStack(alignment: .leading, spacing: 2) {
            label.font(.caption).foregroundStyle(.secondary)
            Text(value)
        }
        .accessibilityElement(children: .combine)
    }
}

/// A warning's areas on a map: polygons as they are, circles as circles, framed to show all.
struct WarningAreaMap: View {
    let shapes: [WarningShape]
    let bounds: (south: Double, west: Double, north: Double, east: Double)
    let color: Color

    var body: some View {
        Map(initialPosition: .region(region), interactionModes: [.pan, .zoom]) {
            ForEach(Array(shapes.enumerated()), id: \.offset) { _, shape in
                switch shape {
                case let .polygon(points):
                    MapPolygon(coordinates: points.map { CLLocationCoordinate2D(latitude: $0.lat, longitude: $0.lon) })
                        .foregroundStyle(color.opacity(0.25))
                        .stroke(color, lineWidth: 2)
                case let .circle(center, radiusM):
                    MapCircle(center: CLLocationCoordinate2D(latitude: center.lat, longitude: center.lon), radius: radiusM)
                        .foregroundStyle(color.opacity(0.25))
                        .stroke(color, lineWidth: 2)
                }
            }
        }
        // A ward's or commune's boundaries: credited as their source asks, under the map.
        .mapCredits()
    }

    private var region: MKCoordinateRegion {
        let center = CLLocationCoordinate2D(latitude: (bounds.south + bounds.north) / 2, longitude: (bounds.west + bounds.east) / 2)
        let span = MKCoordinateSpan(
            latitudeDelta: max((bounds.north - bounds.south) * 1.3, 0.002),
            longitudeDelta: max((bounds.east - bounds.west) * 1.3, 0.002)
        )
        return MKCoordinateRegion(center: center, span: span)
    }
}
