import CivicCore
import CivicFeatures
import SwiftUI

/// The category picker, full height: a search field (accents optional: "rac" finds "Rác") and
/// the categories under their groups' names, or the best matches first while searching.
@MainActor
struct CategoryPickerView: View {
    let model: CaptureViewModel

    var body: some View {
        NavigationStack {
            List {
                if model.results.isEmpty {
                    Text("Không tìm thấy. Thử từ khác, hoặc chọn “Khác”.", tableName: "Capture")
                }
                if grouped {
                    ForEach(groups, id: \.code) { group in
                        Section {
                            ForEach(group.categories, id: \.code) { category in
                                row(category, detail: category.description)
                            }
                        } header: {
                            Text(group.name)
                        }
                    }
                } else {
                    ForEach(model.results, id: \.code) { category in
                        row(category, detail: category.groupName)
                    }
                }
            }
            .searchable(
                text: Binding(get: { model.query }, set: { model.search($0) }),
                placement: .navigationBarDrawer(displayMode: .always),
                prompt: Text("Tìm: rác, ổ gà, đèn…", tableName: "Capture")
            )
            .navigationTitle(Text("Chọn loại vấn đề", tableName: "Capture"))
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button { model.closePicker() } label: { Text("‹ Quay lại", tableName: "Capture") }
                }
            }
        }
    }

    /// Grouped while nothing is typed; a search lists the best matches first.
    private var grouped: Bool {
        model.query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    private struct CategoryGroup {
        let code: String
        let name: String
        var categories: [CivicCore.Category]
    }

    /// The categories under their groups, in catalog order.
    private var groups: [CategoryGroup] {
        var result: [CategoryGroup] = []
        for category in model.results {
            if let last = result.indices.last, result[last].code == category.group {
                result[last].categories.append(category)
            } else {
                result.append(CategoryGroup(code: category.group, name: category.groupName, categories: [category]))
            }
        }
        return result
    }

    private func row(_ category: CivicCore.Category, detail: String) -> some View {
        let selected = category.code == model.category?.code
        return Button { model.chooseCategory(category.code) } label: {
            HStack {
                VStack(alignment: .leading, spacing: 2) {
                    Text(category.name)
                        .font(selected ? .body.weight(.semibold) : .body)
                        .foregroundStyle(.primary)
                    Text(detail)
                        .font(.caption)
                        .foregroundStyle(.secondary)
                        .lineLimit(2)
                }
                Spacer()
                if selected {
                    Image(systemName: "checkmark").foregroundStyle(.tint).accessibilityHidden(true)
                }
            }
            .frame(minHeight: 44)
        }
        .accessibilityAddTraits(selected ? .isSelected : [])
    }
}
