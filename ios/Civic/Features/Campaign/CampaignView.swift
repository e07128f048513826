import CivicCore
import CivicFeatures
import SwiftUI

/// "Ngày Chủ nhật xanh": one campaign, its goal, joining, the quick capture and the spots.
struct CampaignView: View {
    @State var model: CampaignViewModel
    /// Opens the camera for the quick capture of a spot of this category.
    var onCapture: (String) -> Void
    @State private var newTeam = ""

    var body: some View {
        List {
            Section {
                if let c = model.campaign {
                    Text(c.name).font(.title2.bold()).accessibilityAddTraits(.isHeader)
                    Text(verbatim: "\(c.phaseLabel) · \(c.startsAt.formatted(date: .abbreviated, time: .shortened)) – \(c.endsAt.formatted(date: .omitted, time: .shortened))")
                    if !c.meetingPoints.isEmpty {
                        Text("Điểm tập trung: \(c.meetingPoints.joined(separator: ", "))", tableName: "Campaign")
                    }
                    if let goal = c.goalSpots {
                        Text("Đã dọn \(model.cleaned) / \(Int(goal)) điểm", tableName: "Campaign")
                        ProgressView(value: min(Double(model.cleaned) / Double(goal), 1))
                    }
                } else {
                    Text("Đang tải…", tableName: "Campaign")
                }
                if let error = model.error {
                    Text(verbatim: error).foregroundStyle(.red)
                }
            }
            if let c = model.campaign, !model.joined, c.phase != .ended {
                Section {
                    ForEach(c.teams, id: \.id) { team in
                        Button { model.join(teamId: team.id, newTeam: nil) } label: { Text(verbatim: "\(team.name) (\(team.members))") }
                    }
                    TextField(text: $newTeam) { Text("Lập đội mới (trường, chi đoàn, tổ dân phố…)", tableName: "Campaign") }
                    Button { model.join(teamId: nil, newTeam: newTeam) } label: { Text("Lập đội", tableName: "Campaign") }
                        .disabled(newTeam.trimmingCharacters(in: .whitespaces).isEmpty)
                    Button { model.join(teamId: nil, newTeam: nil) } label: { Text("Tham gia một mình", tableName: "Campaign") }
                } header: {
                    Text("Tham gia", tableName: "Campaign")
                }
            }
            if let c = model.campaign, c.phase == .running {
                Section {
                    ForEach(c.categories, id: \.code) { category in
                        Button { onCapture(category.code) } label: { Label(category.name, systemImage: "camera") }
                    }
                } header: {
                    Text("Báo điểm rác: chụp ảnh, chọn loại", tableName: "Campaign")
                }
            }
            Section {
                if model.spots.isEmpty {
                    Text("Chưa có điểm nào.", tableName: "Campaign")
                }
                ForEach(model.spots, id: \.id) { spot in
                    VStack(alignment: .leading, spacing: 2) {
                        Text(verbatim: spot.categoryName).font(.headline)
                        Text(verbatim: details(spot)).font(.subheadline)
                        if model.joined, spot.state == .reported, !spot.waiting, model.campaign?.phase == .running {
                            Button { model.claim(spot: spot.id) } label: { Text("Đội tôi nhận dọn", tableName: "Campaign") }
                        }
                    }
                }
            } header: {
                Text("Các điểm", tableName: "Campaign")
            }
        }
        .navigationTitle(Text("Ngày Chủ nhật xanh", tableName: "Campaign"))
        .toolbar {
            Button { Task { await model.sync() } } label: {
                if model.waiting > 0 { Text("Gửi \(model.waiting) thao tác", tableName: "Campaign") } else { Text("Cập nhật", tableName: "Campaign") }
            }
            .disabled(model.busy)
        }
        .refreshable { await model.sync() }
        .task { await model.load() }
    }

    private func details(_ spot: CampaignSpot) -> String {
        var parts = [spot.stateLabel]
        if let team = spot.team { parts.append(team) }
        if let kg = spot.kg { parts.append(kg.formatted(.number.precision(.fractionLength(1))) + " kg") }
        if spot.alsoReported > 0 { parts.append("+\(spot.alsoReported)") }
        if spot.waiting { parts.append(String(localized: "Chờ gửi", table: "Campaign")) }
        if let number = spot.reportNumber { parts.append(number) }
        return parts.joined(separator: " · ")
    }
}
