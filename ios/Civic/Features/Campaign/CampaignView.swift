import CivicCore
import CivicFeatures
import SwiftUI

/// "Ngày Chủ nhật xanh": one campaign, its goal, joining, the quick capture, the live map of
/// the spots and their list (a spot picked on the map is selected and the list scrolls to it, to
/// claim it); once it has ended, its summary card on top, with the map of the cleaned spots
/// (android's CampaignContent).
@MainActor
struct CampaignView: View {
    @State var model: CampaignViewModel
    /// Opens the camera for the quick capture of a spot of this category.
    var onCapture: (String) -> Void
    @State private var newTeam = ""

    var body: some View {
        ScrollViewReader { proxy in
            content(proxy)
        }
    }

    /// A spot picked on a map: selected, and its row brought into view.
    private func pick(_ spot: String, _ proxy: ScrollViewProxy) {
        model.select(spot: spot)
        withAnimation { proxy.scrollTo(SpotRowID(spot: spot), anchor: .center) }
    }

    private func content(_ proxy: ScrollViewProxy) -> some View {
        let map = model.map(language: AppLanguage.current)
        return List {
            Section {
                if let c = model.campaign {
                    Text(c.name).font(.title2.bold()).accessibilityAddTraits(.isHeader)
                    Text(verbatim: "\(c.phaseLabel) · \(c.startsAt.formatted(date: .abbreviated, time: .shortened)) – \(c.endsAt.formatted(date: .omitted, time: .shortened))")
                    if !c.meetingPoints.isEmpty {
                        Text("Điểm tập trung: \(c.meetingPoints.joined(separator: ", "))", tableName: "Campaign")
                    }
                    // After the campaign the summary card says how far it got.
                    if model.summary == nil, let goal = c.goalSpots {
                        Text("Đã dọn \(model.cleaned) / \(Int(goal)) điểm", tableName: "Campaign")
                        ProgressView(value: min(Double(model.cleaned) / Double(goal), 1))
                    }
                    if let reason = c.cancelReason {
                        Text("Chiến dịch đã huỷ: \(reason)", tableName: "Campaign")
                            .font(.headline)
                            .foregroundStyle(.red)
                    }
                    if model.joined, c.phase != .cancelled {
                        joinedLine
                    }
                } else {
                    Text("Đang tải…", tableName: "Campaign")
                }
                if let error = model.error {
                    Text(verbatim: error).foregroundStyle(.red)
                }
            }
            if let summary = model.summary {
                summarySections(summary, map: map, proxy: proxy)
            }
            if let c = model.campaign, !model.joined, c.phase == .upcoming || c.phase == .running {
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
            // The live map; after the campaign the summary card has the map of what was cleaned.
            if model.summary == nil, !map.isEmpty {
                Section {
                    CampaignSpotsMap(
                        title: Text("Bản đồ các điểm", tableName: "Campaign"),
                        pins: map.pins, area: map.area, region: map.region, selected: model.selectedSpot
                    ) { pick($0, proxy) }
                    .listRowInsets(EdgeInsets())
                    CampaignMapLegend(kinds: map.legendKinds, area: !map.area.isEmpty, mine: map.showsMine, waiting: map.showsWaiting)
                    if !map.spotPins.isEmpty {
                        // VoiceOver hears it as each pin's hint.
                        Text("Chạm vào một điểm trên bản đồ để xem nó trong danh sách.", tableName: "Campaign")
                            .font(.caption)
                            .foregroundStyle(.secondary)
                            .accessibilityHidden(true)
                    }
                } header: {
                    Text("Bản đồ các điểm", tableName: "Campaign")
                }
            }
            Section {
                if model.spots.isEmpty {
                    Text("Chưa có điểm nào.", tableName: "Campaign")
                }
                ForEach(model.spots, id: \.id) { spot in
                    let picked = model.selectedSpot == spot.id
                    VStack(alignment: .leading, spacing: 2) {
                        HStack {
                            Text(verbatim: spot.categoryName).font(.headline)
                            if spot.mine {
                                CampaignTag(text: Text("Bạn báo", tableName: "Campaign"))
                            }
                        }
                        Text(verbatim: details(spot)).font(.subheadline)
                        if model.joined, spot.state == .reported, !spot.waiting, model.campaign?.phase == .running {
                            Button { model.claim(spot: spot.id) } label: { Text("Đội tôi nhận dọn", tableName: "Campaign") }
                        }
                    }
                    .id(SpotRowID(spot: spot.id))
                    // Picked on the map: highlighted, and VoiceOver says "selected".
                    .listRowBackground(picked ? Color.accentColor.opacity(0.15) : nil)
                    .accessibilityAddTraits(picked ? .isSelected : [])
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
        if let kg = spot.kg { parts.append(kgText(kg)) }
        if spot.alsoReported > 0 { parts.append("+\(spot.alsoReported)") }
        if spot.waiting { parts.append(String(localized: "Chờ gửi", table: "Campaign")) }
        if let number = spot.reportNumber { parts.append(number) }
        return parts.joined(separator: " · ")
    }

    /// "Bạn đã tham gia · Đội X", or taking part alone.
    private var joinedLine: some View {
        Label {
            if let team = model.myTeam {
                Text("Bạn đã tham gia · Đội \(team)", tableName: "Campaign")
            } else {
                Text("Bạn tham gia một mình", tableName: "Campaign")
            }
        } icon: {
            Image(systemName: "checkmark.circle.fill")
        }
        .font(.subheadline.weight(.semibold))
        .foregroundStyle(.green)
    }

    /// What the morning did: the card (with the map of the cleaned spots), the tables per ward
    /// and per team, the before/after pairs.
    @ViewBuilder
    private func summarySections(_ s: CampaignSummaryCard, map: CampaignMap, proxy: ScrollViewProxy) -> some View {
        Section {
            Text(verbatim: s.headline).font(.title3.bold())
            if let goal = s.goalSpots {
                if s.goalReached {
                    Label { Text("Đã đạt mục tiêu \(Int(goal)) điểm", tableName: "Campaign") } icon: { Image(systemName: "checkmark.seal.fill") }
                        .foregroundStyle(.green)
                } else {
                    Text("Chưa đạt mục tiêu \(Int(goal)) điểm", tableName: "Campaign")
                }
                ProgressView(value: min(Double(s.cleaned) / Double(goal), 1))
            }
            if s.kg > 0 {
                Text("Thu gom \(kgText(s.kg)) rác", tableName: "Campaign")
            }
            if s.handedOver > 0 {
                Text("\(Int(s.handedOver)) điểm còn lại đã chuyển cho đơn vị vệ sinh môi trường", tableName: "Campaign")
            }
            // The morning on the map: where it is clean now.
            if !map.cleanedPins.isEmpty {
                Text("Bản đồ điểm đã dọn", tableName: "Campaign")
                    .font(.headline)
                    .accessibilityAddTraits(.isHeader)
                CampaignSpotsMap(
                    title: Text("Bản đồ điểm đã dọn", tableName: "Campaign"),
                    pins: map.cleanedPins, area: map.area, region: map.cleanedRegion, selected: model.selectedSpot
                ) { pick($0, proxy) }
                .listRowInsets(EdgeInsets())
                CampaignMapLegend(
                    kinds: map.cleanedLegendKinds, area: !map.area.isEmpty,
                    mine: map.cleanedPins.contains { $0.mine }, waiting: map.cleanedPins.contains { $0.waiting }
                )
            }
        } header: {
            Text("Tổng kết buổi ra quân", tableName: "Campaign")
        }
        if s.mine != nil || s.myTeam != nil {
            Section {
                if let mine = s.mine {
                    Text(verbatim: mine)
                }
                if let team = s.myTeam {
                    Text("Đội \(team.name): đã dọn \(Int(team.cleaned))/\(Int(team.reported)) điểm · \(kgText(team.kg))", tableName: "Campaign")
                }
            } header: {
                Text("Phần của bạn", tableName: "Campaign")
            }
        }
        if !s.byWard.isEmpty {
            Section {
                TallyTable(rows: s.byWard, mine: nil)
            } header: {
                Text("Theo phường", tableName: "Campaign")
            }
        }
        if !s.byTeam.isEmpty {
            Section {
                TallyTable(rows: s.byTeam, mine: s.myTeam?.name)
            } header: {
                Text("Theo đội", tableName: "Campaign")
            }
        }
        if !model.pairs.isEmpty {
            Section {
                ForEach(model.pairs) { pair in
                    PairRow(pair: pair)
                }
            } header: {
                Text("Trước và sau khi dọn", tableName: "Campaign")
            }
        }
    }
}

/// Kilograms as people write them in the app's language: "3,5 kg", "3.5 kg".
func kgText(_ kg: Double) -> String {
    kgNumber(kg) + " kg"
}

/// The number alone, one decimal: "3,5", "3.5".
func kgNumber(_ kg: Double) -> String {
    kg.formatted(.number.precision(.fractionLength(1)).locale(Locale(identifier: AppLanguage.current.rawValue)))
}

/// A spot's row in the list, for `ScrollViewProxy.scrollTo` (its own type: the before/after
/// pairs' rows are keyed by the same spot ids).
private struct SpotRowID: Hashable {
    let spot: String
}

/// A small label on a row: "Bạn báo", "Đã tham gia".
struct CampaignTag: View {
    let text: Text

    var body: some View {
        text
            .font(.caption.weight(.semibold))
            .foregroundStyle(.green)
            .padding(.horizontal, 8).padding(.vertical, 2)
            .background(Color.green.opacity(0.15), in: Capsule())
    }
}

/// A ward's or a team's figures, one row each; the resident's team in bold. VoiceOver reads
/// each row whole.
private struct TallyTable: View {
    let rows: [CampaignTally]
    let mine: String?

    var body: some View {
        Grid(alignment: .leading, horizontalSpacing: 12, verticalSpacing: 6) {
            GridRow {
                Text("Tên", tableName: "Campaign")
                Text("Điểm", tableName: "Campaign").gridColumnAlignment(.trailing)
                Text("Đã dọn", tableName: "Campaign").gridColumnAlignment(.trailing)
                Text(verbatim: "kg").gridColumnAlignment(.trailing)
            }
            .font(.caption.weight(.semibold))
            .foregroundStyle(.secondary)
            .accessibilityHidden(true)
            ForEach(rows, id: \.name) { row in
                GridRow {
                    Text(verbatim: row.name)
                    Text(verbatim: "\(row.reported)")
                    Text(verbatim: "\(row.cleaned)")
                    Text(verbatim: kgNumber(row.kg))
                }
                .fontWeight(row.name == mine ? .bold : .regular)
                .accessibilityElement(children: .ignore)
                .accessibilityLabel(Text("\(row.name): \(Int(row.reported)) điểm, đã dọn \(Int(row.cleaned)), \(kgText(row.kg))", tableName: "Campaign"))
            }
        }
        .font(.subheadline)
    }
}

/// A spot before and after it was cleaned, side by side.
private struct PairRow: View {
    let pair: CampaignPair

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(verbatim: [pair.categoryName, pair.team].compactMap { $0 }.joined(separator: " · ")).font(.subheadline.weight(.semibold))
            HStack(alignment: .top, spacing: 8) {
                VStack(alignment: .leading, spacing: 4) {
                    PairPhoto(photo: pair.before)
                        .accessibilityLabel(Text("Trước khi dọn: \(pair.categoryName)", tableName: "Campaign"))
                    Text("Trước", tableName: "Campaign").font(.caption.weight(.semibold))
                }
                VStack(alignment: .leading, spacing: 4) {
                    PairPhoto(photo: pair.after)
                        .accessibilityLabel(Text("Sau khi dọn: \(pair.categoryName)", tableName: "Campaign"))
                    Text("Sau", tableName: "Campaign").font(.caption.weight(.semibold))
                }
            }
        }
    }
}

/// A photo of a pair, or a grey box that says it is not on this phone.
private struct PairPhoto: View {
    let photo: PhotoBytes

    var body: some View {
        ZStack {
            PhotoThumbnail(bytes: photo.bytes)
            if photo.bytes == nil {
                Text("Ảnh chưa có trên máy", tableName: "Campaign")
                    .font(.caption)
                    .multilineTextAlignment(.center)
                    .padding(8)
            }
        }
        .frame(maxWidth: .infinity)
        .frame(height: 130)
        .clipShape(RoundedRectangle(cornerRadius: 8))
        .accessibilityElement(children: .ignore)
        .accessibilityAddTraits(.isImage)
    }
}
