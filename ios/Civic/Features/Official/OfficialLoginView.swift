import CivicCore
import CivicFeatures
import SwiftUI

/// The officials' sign-in: username and password for the city's server.
@MainActor
struct OfficialLoginView: View {
    @State var model: OfficialLoginViewModel
    let onSignedIn: (OfficialApp) -> Void
    @State private var shown = false

    var body: some View {
        Form {
            Section {
                Text("Dành cho cán bộ các đơn vị xử lý phản ánh. Cần có mạng để đăng nhập.", tableName: "Official")
                    .font(.callout)
            }
            Section {
                TextField(
                    String(localized: "Tên đăng nhập", table: "Official"),
                    text: Binding(get: { model.username }, set: { model.setUsername($0) })
                )
                .textContentType(.username)
                .textInputAutocapitalization(.never)
                .autocorrectionDisabled()
                .keyboardType(.asciiCapable)
                HStack {
                    Group {
                        if shown {
                            TextField(String(localized: "Mật khẩu", table: "Official"), text: password)
                        } else {
                            SecureField(String(localized: "Mật khẩu", table: "Official"), text: password)
                        }
                    }
                    .textContentType(.password)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                    .onSubmit { Task { await model.login() } }
                    Button { shown.toggle() } label: {
                        if shown {
                            Text("Ẩn", tableName: "Official")
                        } else {
                            Text("Hiện", tableName: "Official")
                        }
                    }
                    .buttonStyle(.borderless)
                }
            }
            if let error = model.error {
                Section {
                    Text(error).foregroundStyle(.red)
                }
            }
            Section {
                Button {
                    Task { await model.login() }
                } label: {
                    HStack {
                        Spacer()
                        if model.busy {
                            ProgressView()
                                .accessibilityLabel(Text("Đang đăng nhập…", tableName: "Official"))
                        } else {
                            Text("Đăng nhập", tableName: "Official").bold()
                        }
                        Spacer()
                    }
                }
                .disabled(!model.canSubmit)
            }
        }
        .navigationTitle(Text("Đăng nhập cán bộ", tableName: "Official"))
        .onChange(of: model.official != nil) { _, signedIn in
            if signedIn, let official = model.official { onSignedIn(official) }
        }
    }

    private var password: Binding<String> {
        Binding(get: { model.password }, set: { model.setPassword($0) })
    }
}
