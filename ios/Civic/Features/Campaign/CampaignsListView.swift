import CivicCore
import CivicFeatures
import SwiftUI

/// "Chủ nhật xanh": the clean-up campaigns near the resident's places.
struct CampaignsListView: View {
    @State var model: CampaignsViewModel
    var onOpen: (String) -> Void

    var body: some View {
        List {
            Section {
                Text("Cùng hàng xóm dọn sạch đường phố: báo điểm rác, nhận dọn, chụp ảnh sau khi dọn.", tableName: "Campaign")
                if let error = model.error {
                    Text(verbatim: error).foregroundStyle(.red)
                }
            }
            if model.loaded && model.campaigns.isEmpty && model.error == nil {
                ContentUnavailableView {
                    Label { Text("Chưa có chiến dịch nào gần bạn", tableName: "Campaign") } icon: { Image(systemName: "leaf") }
                } description: {
                    Text("Các chiến dịch ở nơi bạn theo dõi sẽ hiện ở đây.", tableName: "Campaign")
                }
            }
            ForEach(model.campaigns, id: \.id) { c in
                Button { onOpen(c.id) } label: {
                    VStack(alignment: .leading, spacing: 2) {
                        HStack {
                            Text(verbatim: c.name).font(.headline)
                            if c.joined {
                                CampaignTag(text: Text("Đã tham gia", tableName: "Campaign"))
                            }
                        }
                        Text(verbatim: "\(c.phaseLabel) · \(c.startsAt.formatted(date: .abbreviated, time: .shortened))").font(.subheadline)
                        Text("\(Int(c.participants)) người tham gia · \(c.teams.count) đội", tableName: "Campaign").font(.subheadline)
                    }
                }
            }
        }
        .navigationTitle(Text("Ngày Chủ nhật xanh", tableName: "Campaign"))
        .refreshable { await model.load() }
        .task { await model.load() }
    }
}
