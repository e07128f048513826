// The official's view models as android/ui/src/offDeviceTest/.../official tests them: signing
// in (a wrong password, no network, success), an officer working a report through to resolved
// and the citizen seeing it, and actions made offline kept on the phone and sent later, in
// order. The network between the official's phone and the city is a real TCP relay switched
// off and on, not a fake core. Against the real core and server (skipped without one).

import CivicCore
import CivicFeatures
import CivicTesting
import Foundation
import Network
import XCTest

@MainActor
final class OfficialTests: XCTestCase {
    private func phone(_ url: String, language: String = "vi") throws -> CivicApp {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("civic-official-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return try CivicApp.open(dataDir: directory.path, serverUrl: url, language: language, tokens: MemoryTokens())
    }

    /// Signs in as the admin through the sign-in view model, as the app does: on `phone`'s server.
    private func signIn(_ city: City, phone: CivicApp) async throws -> OfficialApp {
        let login = OfficialLoginViewModel(serverUrl: city.url, language: .vi, phone: phone)
        login.setUsername(city.admin)
        login.setPassword(city.password)
        await login.login()
        return try XCTUnwrap(login.official, "the admin could not sign in: \(login.error ?? "")")
    }

    // MARK: - Words

    func testDueTimesAreSaidAsOfficialsSayThem() {
        let due = Date()
        let late = due.addingTimeInterval(3 * 3_600 + 5 * 60)
        XCTAssertEqual(OfficialWords.due(due, now: late, language: .vi), "Quá hạn 3 giờ")
        XCTAssertEqual(OfficialWords.due(due, now: late, language: .en), "Overdue by 3 h")
        XCTAssertTrue(OfficialWords.overdue(due, now: late))
        let early = due.addingTimeInterval(-(2 * 86_400 + 4 * 3_600 + 60))
        XCTAssertEqual(OfficialWords.due(due, now: early, language: .vi), "Còn 2 ngày 4 giờ")
        XCTAssertEqual(OfficialWords.due(due, now: early, language: .en), "Due in 2 d 4 h")
        XCTAssertEqual(OfficialWords.hours(0.5, language: .vi), "30 phút")
        XCTAssertEqual(OfficialWords.hours(48, language: .en), "2 d")
    }

    func testTheMovesOfferedAreThoseTheLifecycleAllows() {
        XCTAssertEqual(OfficialReportViewModel.next(from: .received), [.assigned, .inProgress, .resolved, .rejected])
        XCTAssertEqual(OfficialReportViewModel.next(from: .inProgress), [.assigned, .resolved, .rejected])
        XCTAssertEqual(OfficialReportViewModel.next(from: .resolved), [])
        XCTAssertEqual(OfficialReportViewModel.next(from: .rejected), [])
    }

    // MARK: - Sign-in

    func testOfflineSignInSaysItNeedsTheNetworkAndKeepsWhatWasTyped() async {
        for language in [AppLanguage.vi, .en] {
            let model = OfficialLoginViewModel(serverUrl: unreachable, language: language)
            XCTAssertFalse(model.canSubmit, "nothing typed yet")
            model.setUsername("admin")
            model.setPassword("secret")
            XCTAssertTrue(model.canSubmit)
            await model.login()
            XCTAssertEqual(model.error, language.pick(
                "Không có mạng. Cần có mạng để đăng nhập; hãy thử lại khi có sóng.",
                "No connection. Signing in needs the network; try again when you have signal."
            ))
            XCTAssertNil(model.official)
            XCTAssertEqual(model.password, "secret", "typed input is kept on an error")
            XCTAssertFalse(model.busy)
        }
    }

    func testAWrongPasswordSaysSoAndSigningInHandsOverTheOfficialAndForgetsThePassword() async throws {
        let city = try City.fromEnvironment()
        let wrong = OfficialLoginViewModel(serverUrl: city.url, language: .vi)
        wrong.setUsername(city.admin)
        wrong.setPassword("not the password")
        await wrong.login()
        XCTAssertEqual(wrong.error, "Sai tên đăng nhập hoặc mật khẩu.", "not the core's 'session expired'")
        XCTAssertNil(wrong.official)
        XCTAssertEqual(wrong.password, "not the password")

        let right = OfficialLoginViewModel(serverUrl: city.url, language: .vi)
        right.setUsername(" \(city.admin) ")
        right.setPassword(city.password)
        await right.login()
        let official = try XCTUnwrap(right.official, right.error ?? "")
        XCTAssertEqual(official.username(), city.admin)
        XCTAssertEqual(right.password, "", "the password is dropped once signed in")
        XCTAssertFalse(right.busy)
        XCTAssertNil(right.error)
    }

    // MARK: - An officer resolves a report

    func testAnOfficerResolvingAReportIsSeenByTheCitizen() async throws {
        let city = try City.fromEnvironment()
        let seed = Int.random(in: 0..<100_000)
        // A citizen's phone reports litter and sends it.
        let citizen = try phone(city.url)
        let id = try await captureLitter(citizen, seed: seed)
        _ = try await citizen.syncNow()
        let number = try XCTUnwrap(try citizen.reports().report(id: id).report.publicNumber, "not submitted")
        let categories = citizen.categories()
        let litter = try XCTUnwrap(categories.first { $0.code == "litter" }?.name)

        // The admin (an operator too) may act on every unit's reports.
        let officialPhone = try phone(city.url)
        let official = try await signIn(city, phone: officialPhone)
        XCTAssertTrue(official.units().isEmpty, "the admin has no unit of its own")
        // The same admin on an English phone: the core's labels come in English there.
        let officialEn = try await phone(city.url, language: "en").official().login(username: city.admin, password: city.password)

        // The inbox: due later, in the core's words.
        let inbox = OfficialInboxViewModel(app: official, categories: categories)
        let item = try await find(id, in: inbox)
        XCTAssertEqual(item.status, .received)
        XCTAssertEqual(item.statusLabel, "Đã tiếp nhận")
        XCTAssertEqual(item.publicNumber, number)
        XCTAssertEqual(inbox.categoryName(item.category), litter)
        XCTAssertTrue(OfficialWords.due(item.dueAt, now: inbox.now, language: .vi).hasPrefix("Còn "))
        XCTAssertEqual(inbox.filters.count, 5)
        XCTAssertTrue(inbox.filters.first.map { $0 == nil } ?? false, "'all' first")

        // Three hours past its due time: overdue, in both languages.
        let lateAt = item.dueAt.addingTimeInterval(3 * 3_600 + 5 * 60)
        let lateVi = OfficialInboxViewModel(app: official, categories: categories, clock: { lateAt })
        let lateItem = try await find(id, in: lateVi)
        XCTAssertTrue(OfficialWords.overdue(lateItem.dueAt, now: lateVi.now))
        XCTAssertEqual(OfficialWords.due(lateItem.dueAt, now: lateVi.now, language: .vi), "Quá hạn 3 giờ")
        let lateEn = OfficialInboxViewModel(app: officialEn, categories: categories, clock: { lateAt })
        let lateItemEn = try await find(id, in: lateEn)
        XCTAssertEqual(OfficialWords.due(lateItemEn.dueAt, now: lateEn.now, language: .en), "Overdue by 3 h")
        XCTAssertEqual(lateItemEn.statusLabel, "Received")

        // A reply queued on the phone earlier goes when the report is opened.
        let early = "Chúng tôi đã nhận phản ánh (\(seed))."
        _ = try official.queue(report: id, action: .reply(text: early), photo: nil)
        let report = OfficialReportViewModel(app: official, id: id, categories: categories)
        XCTAssertEqual(report.pending.count, 1, "what waited is shown at once")
        await report.open()
        XCTAssertTrue(report.pending.isEmpty, "sent on opening")
        XCTAssertEqual(report.done, .replied)
        XCTAssertEqual(try official.pending().count, 0)
        XCTAssertEqual(report.item?.status, .received)
        XCTAssertFalse(report.photos.isEmpty, "the citizen's photo")
        XCTAssertFalse(report.templates.isEmpty, "the reply templates")
        XCTAssertEqual(report.moves, [.assigned, .inProgress])
        XCTAssertTrue(report.canReject && report.canResolve)
        XCTAssertEqual(report.categoryName, litter)
        XCTAssertEqual(report.item?.description, "Rác đổ trên vỉa hè đường Lê Duẩn (\(seed))")
        if let due = report.item?.dueAt {
            XCTAssertEqual(OfficialWords.due(due, now: report.now, language: .vi), "Còn 23 giờ")
        }

        // Reject needs a reason: nothing is sent without one.
        await report.reject()
        XCTAssertEqual(report.problem, .reasonRequired)
        XCTAssertEqual(report.item?.status, .received)
        XCTAssertTrue(report.pending.isEmpty)

        await report.move(to: .inProgress)
        XCTAssertEqual(report.done, .moved)
        XCTAssertEqual(report.item?.status, .inProgress)
        XCTAssertEqual(report.moves, [.assigned])

        // A template fills the reply, which stays editable.
        let template = try XCTUnwrap(report.templates.last)
        report.useTemplate(template)
        XCTAssertEqual(report.reply, template.text)
        report.setReply(template.text + " ")
        await report.sendReply()
        XCTAssertEqual(report.done, .replied)
        XCTAssertEqual(report.reply, "")

        // Resolving needs a note, an after-photo and where the officer is.
        let note = "Đã thu gom 2 bao rác, vệ sinh vỉa hè (\(seed))"
        report.openResolveForm()
        XCTAssertTrue(report.resolving)
        await report.resolve(location: nil)
        XCTAssertEqual(report.problem, .noteRequired)
        report.setResolveNote(note)
        await report.resolve(location: nil)
        XCTAssertEqual(report.problem, .photoRequired)
        report.setAfterPhoto(try jpeg(seed: seed + 1))
        await report.resolve(location: nil)
        XCTAssertEqual(report.problem, .locationRequired)
        XCTAssertEqual(report.item?.status, .inProgress, "nothing sent yet")
        await report.resolve(location: gps(citadelLat + 0.0001, citadelLon))
        XCTAssertNil(report.error)
        XCTAssertEqual(report.done, .resolved)
        XCTAssertEqual(report.item?.status, .resolved)
        XCTAssertTrue(report.pending.isEmpty)
        XCTAssertFalse(report.resolving)
        XCTAssertEqual(report.resolveNote, "")
        XCTAssertNil(report.afterPhoto)
        XCTAssertTrue(report.moves.isEmpty, "a resolved report has no moves left")
        XCTAssertFalse(report.canResolve || report.canReject)
        XCTAssertTrue(report.item?.timeline.contains { $0.status == .resolved && $0.photo != nil } ?? false)

        // The inbox drops it once closed.
        if let done = report.item {
            inbox.updated(done)
        }
        XCTAssertFalse(inbox.items.contains { $0.id == id })

        // The citizen's phone hears of it.
        _ = try await citizen.syncNow()
        let seen = try citizen.reports().report(id: id)
        XCTAssertEqual(seen.report.status, .resolved)
        let notes = seen.timeline.compactMap(\.note)
        XCTAssertTrue(notes.contains { $0.hasPrefix("Đã thu gom 2 bao rác") }, "the officer's note in the timeline: \(notes)")
        XCTAssertTrue(seen.timeline.contains { $0.actor != .citizen && $0.note == template.text }, "the template's reply: \(notes)")
        XCTAssertTrue(notes.contains(early), "the reply sent on opening: \(notes)")
    }

    /// Pages through the inbox until the report `id` is in it.
    private func find(_ id: String, in inbox: OfficialInboxViewModel) async throws -> WorkItem {
        await inbox.refresh()
        for _ in 0..<100 {
            if let item = inbox.items.first(where: { $0.id == id }) { return item }
            guard inbox.next != nil else { break }
            await inbox.loadMore()
        }
        throw XCTSkip("report \(id) is not in the inbox (\(inbox.items.count) items, error \(inbox.error ?? "none"))")
    }

    // MARK: - Offline work

    func testActionsMadeOfflineWaitOnThePhoneSurviveClosingTheAppAndGoOutWhenTheNetworkIsBack() async throws {
        let city = try City.fromEnvironment()
        let seed = Int.random(in: 0..<100_000)
        let citizen = try phone(city.url)
        let id = try await captureLitter(citizen, seed: seed)
        _ = try await citizen.syncNow()
        let categories = citizen.categories()

        let relay = try Relay(to: city.url)
        addTeardownBlock { relay.close() }
        try await relay.start()
        // The official's phone talks to the city through the relay: signing in on it does too.
        let officialPhone = try phone(relay.url)
        let note = "Đã dọn sạch, chờ mạng (\(seed))"
        let photo = try jpeg(seed: seed + 3)
        do {
            let official = try await signIn(city, phone: officialPhone)
            let model = OfficialReportViewModel(app: official, id: id, categories: categories)
            await model.open()
            XCTAssertEqual(model.item?.status, .received)

            // Out on site, where nothing gets through.
            await relay.stop()
            await model.move(to: .inProgress)
            XCTAssertEqual(model.pending.count, 1)
            XCTAssertTrue(model.offline)
            XCTAssertFalse(model.sending)
            XCTAssertEqual(OfficialWords.describe(try XCTUnwrap(model.pending.first).action, language: .vi), "Chuyển sang “Đang xử lý”")

            model.openResolveForm()
            model.setResolveNote(note)
            model.setAfterPhoto(photo)
            await model.resolve(location: gps(citadelLat, citadelLon + 0.0001))
            // The resolution queues behind the status change; both wait.
            XCTAssertEqual(model.pending.count, 2)
            XCTAssertTrue(model.offline)
            XCTAssertEqual(model.item?.status, .received)
            XCTAssertEqual(model.resolveNote, note, "the typed note is kept")
            XCTAssertEqual(model.afterPhoto, photo, "the after-photo is kept")
            let stored = try official.pending()
            XCTAssertEqual(stored.count, 2, "both kept in the phone's store")
            XCTAssertEqual(stored.last?.hasPhoto, true, "the after-photo with the resolution")

            // Retrying while still offline changes nothing.
            await model.retryPending()
            XCTAssertEqual(model.pending.count, 2)
            XCTAssertTrue(model.offline)
            // The app is closed with both still waiting: the official and the model go.
        }

        // The network is back; the official signs in again: what waited on the phone goes out,
        // in order, by itself.
        try await relay.start()
        let again = try await signIn(city, phone: officialPhone)
        XCTAssertEqual(try again.pending().count, 2, "nothing lost by closing the app")
        let model = OfficialReportViewModel(app: again, id: id, categories: categories)
        XCTAssertEqual(model.pending.count, 2)
        await model.open()
        XCTAssertNil(model.error)
        XCTAssertTrue(model.pending.isEmpty)
        XCTAssertFalse(model.sending)
        XCTAssertFalse(model.offline)
        XCTAssertEqual(model.item?.status, .resolved)
        let statuses = (model.item?.timeline ?? []).compactMap(\.status)
        XCTAssertEqual(Array(statuses.suffix(2)), [.inProgress, .resolved], "in the order they were made")
        XCTAssertTrue(try again.pending().isEmpty)

        _ = try await citizen.syncNow()
        let seen = try citizen.reports().report(id: id)
        XCTAssertEqual(seen.report.status, .resolved)
        XCTAssertTrue(seen.timeline.contains { $0.note?.hasPrefix("Đã dọn sạch, chờ mạng") ?? false })
    }
}

// MARK: - A network that can be cut

/// A plain TCP relay to the server that can be switched off and on: the network between an
/// official's phone and the city, cut and restored, while the same `OfficialApp` (signed in
/// through `url`) lives on. Off, connections are refused and those open are cut.
private final class Relay: @unchecked Sendable {
    private let queue = DispatchQueue(label: "civic.tests.relay")
    private let targetHost: NWEndpoint.Host
    private let targetPort: NWEndpoint.Port
    private var listener: NWListener?
    /// Touched on `queue` only.
    private var connections: [NWConnection] = []
    private var port: NWEndpoint.Port?

    init(to url: String) throws {
        let components = try XCTUnwrap(URLComponents(string: url))
        targetHost = NWEndpoint.Host(try XCTUnwrap(components.host))
        targetPort = try XCTUnwrap(NWEndpoint.Port(rawValue: UInt16(components.port ?? 80)))
    }

    var url: String {
        "http://127.0.0.1:\(port?.rawValue ?? 0)"
    }

    /// Listens (on the same port as before, after the first time).
    func start() async throws {
        let parameters = NWParameters.tcp
        parameters.allowLocalEndpointReuse = true
        let listener: NWListener
        if let port {
            listener = try NWListener(using: parameters, on: port)
        } else {
            listener = try NWListener(using: parameters)
        }
        let ready = Locked<Bool>(false)
        let failure = Locked<NWError?>(nil)
        listener.stateUpdateHandler = { state in
            switch state {
            case .ready: ready.update { $0 = true }
            case let .failed(error): failure.update { $0 = error }
            default: break
            }
        }
        listener.newConnectionHandler = { [weak self] client in
            self?.accept(client)
        }
        listener.start(queue: queue)
        let settled = await eventually(10) { ready.get() || failure.get() != nil }
        if let error = failure.get() {
            listener.cancel()
            throw error
        }
        XCTAssertTrue(settled, "the relay listens")
        self.listener = listener
        if port == nil {
            port = listener.port
        }
    }

    /// The network goes away: nothing connects, and what was connected is cut.
    func stop() async {
        guard let listener else { return }
        let cancelled = Locked<Bool>(false)
        listener.stateUpdateHandler = { state in
            if case .cancelled = state { cancelled.update { $0 = true } }
        }
        listener.cancel()
        self.listener = nil
        queue.sync {
            for connection in connections {
                connection.cancel()
            }
            connections = []
        }
        _ = await eventually(5) { cancelled.get() }
    }

    func close() {
        listener?.cancel()
        listener = nil
        queue.sync {
            for connection in connections {
                connection.cancel()
            }
            connections = []
        }
    }

    /// On `queue`: a client connected; join it to the server.
    private func accept(_ client: NWConnection) {
        let upstream = NWConnection(host: targetHost, port: targetPort, using: .tcp)
        connections.append(client)
        connections.append(upstream)
        client.start(queue: queue)
        upstream.start(queue: queue)
        pump(from: client, to: upstream)
        pump(from: upstream, to: client)
    }

    private func pump(from source: NWConnection, to sink: NWConnection) {
        source.receive(minimumIncompleteLength: 1, maximumLength: 65_536) { [weak self] data, _, isComplete, error in
            if let data, !data.isEmpty {
                sink.send(content: data, completion: .contentProcessed { _ in })
            }
            if isComplete || error != nil {
                sink.send(content: nil, contentContext: .finalMessage, isComplete: true, completion: .contentProcessed { _ in
                    sink.cancel()
                })
                source.cancel()
                return
            }
            self?.pump(from: source, to: sink)
        }
    }
}
