import SwiftUI

/// Holds a screen's view model for as long as the screen is on its stack (android's
/// ScreenModel): made once, when the screen first appears, not at every re-evaluation of the
/// parent's body (a view model subscribes to sync and reads the core when made).
///
///     ScreenModel(make: { ReportDetailViewModel(app: app, reportId: id) }) { model in
///         ReportDetailView(model: model)
///     }
struct ScreenModel<Model: AnyObject, Content: View>: View {
    private let make: () -> Model
    private let content: (Model) -> Content

    @State private var model: Model?

    init(make: @escaping () -> Model, @ViewBuilder content: @escaping (Model) -> Content) {
        self.make = make
        self.content = content
    }

    var body: some View {
        if let model {
            content(model)
        } else {
            Color.clear.onAppear {
                if model == nil {
                    model = make()
                }
            }
        }
    }
}
