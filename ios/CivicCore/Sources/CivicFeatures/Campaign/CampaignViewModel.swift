import CivicCore
import Foundation
import Observation

/// Schedules the reminders before the campaigns the resident joined (the app: a local
/// notification per reminder, keyed by `CampaignReminder.key`). Each call hands over all of
/// them, as `CivicApp.campaigns().reminders()` gives them: those no longer in the list are removed.
public protocol CampaignReminderScheduling {
    func schedule(_ reminders: [CampaignReminder])
}

/// A before/after pair of the summary card, with both photos' bytes (nil when not on the phone).
public struct CampaignPair: Equatable, Identifiable {
    public let spotId: String
    public let categoryName: String
    public let team: String?
    public let before: PhotoBytes
    public let after: PhotoBytes

    public var id: String { spotId }

    public init(spotId: String, categoryName: String, team: String?, before: PhotoBytes, after: PhotoBytes) {
        self.spotId = spotId
        self.categoryName = categoryName
        self.team = team
        self.before = before
        self.after = after
    }
}

/// One Green Sunday campaign: joining (alone or with a team), the quick capture of a spot,
/// the live map (`map(language:)`: pins, meeting points, the drawn area) and its list, and once
/// it has ended its summary card (with the map of the cleaned spots). Everything the resident
/// does is kept on the phone first (the core's campaign desk); `sync()` delivers it and pulls
/// the map. Joining schedules the reminders before the campaign. The same as android/ui's
/// CampaignViewModel.
@MainActor
@Observable
public final class CampaignViewModel {
    public private(set) var campaign: CampaignInfo?
    public private(set) var spots: [CampaignSpot] = []
    /// Actions still only on the phone.
    public private(set) var waiting = 0
    /// The resident joined it (on this phone), and with which team.
    public private(set) var joined = false
    public private(set) var myTeam: String?
    /// An ended campaign's card: what it did, per ward and per team, and the resident's part.
    public private(set) var summary: CampaignSummaryCard?
    /// The card's before/after pairs, with their photos.
    public private(set) var pairs: [CampaignPair] = []
    public private(set) var busy = false
    public private(set) var error: String?
    /// After a send: what happened, in words.
    public private(set) var notice: String?
    /// The spot picked on the map: the list shows it, to claim it.
    public private(set) var selectedSpot: String?

    private let app: CivicApp
    private let campaignId: String
    private let reminders: any CampaignReminderScheduling

    public init(app: CivicApp, campaignId: String, reminders: any CampaignReminderScheduling) {
        self.app = app
        self.campaignId = campaignId
        self.reminders = reminders
        reload()
    }

    /// The campaign as last listed (from the server, or the phone's copy without a
    /// connection), the map kept on the phone and, once the campaign has ended, its summary
    /// card (needs a connection the first time).
    public func load() async {
        reload()
        do {
            let all = try await app.campaigns().list()
            if let found = all.first(where: { $0.id == campaignId }) { show(found) }
            error = nil
        } catch {
            if campaign == nil { self.error = peopleMessage(error) }
        }
        // A campaign no longer listed ended long ago (or does not exist): its summary says which.
        if campaign == nil || campaign?.phase == .ended { await loadSummary() }
    }

    /// Joins (kept on the phone, sent with `sync()`), then schedules the reminders before it.
    public func join(teamId: String?, newTeam: String?) {
        act { try self.app.campaigns().join(campaign: self.campaignId, teamId: teamId, newTeam: newTeam) }
        guard error == nil else { return }
        joined = true
        // The team's name as the core keeps it: the new team's, else the chosen team's.
        let founded = newTeam?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if founded.isEmpty {
            myTeam = campaign?.teams.first(where: { $0.id == teamId })?.name
        } else {
            myTeam = founded
        }
        do {
            let due = try app.campaigns().reminders()
            reminders.schedule(due)
        } catch {
            // Not worth failing the join for: the reminders are scheduled again after each sync.
        }
    }

    /// The quick capture: the photo just taken, where the phone is, one tap for the category.
    /// The photo is made small off the main actor (by the core).
    public func reportSpot(category: String, photo: Data, location: LocationFix) async {
        do {
            _ = try await app.campaigns().reportSpot(campaign: campaignId, category: category, photo: photo, location: location)
            error = nil
        } catch {
            self.error = peopleMessage(error)
        }
        reload()
    }

    public func claim(spot: String) {
        act { try self.app.campaigns().claimSpot(campaign: self.campaignId, spot: spot) }
    }

    /// Delivers what waits, then pulls what changed on the map.
    public func sync() async {
        busy = true
        defer { busy = false }
        do {
            let sent = try await app.campaigns().send()
            if sent.stopped == nil {
                _ = try await app.campaigns().refresh(campaign: campaignId)
            }
            notice = sent.stopped ?? sent.refused.first
        } catch {
            self.error = peopleMessage(error)
        }
        reload()
        if campaign?.phase == .ended { await loadSummary() }
    }

    /// How many of the spots are cleaned (the goal's progress).
    public var cleaned: Int { spots.filter { $0.state == .cleaned }.count }

    /// The live map of the campaign and its spots as they are now, labelled in `language`;
    /// its `cleanedPins` are the ended campaign's card's.
    public func map(language: AppLanguage = .vi) -> CampaignMap {
        CampaignMap(campaign: campaign, spots: spots, language: language)
    }

    /// A spot picked on the map (nil: none); a spot no longer on the map is not picked.
    public func select(spot: String?) {
        selectedSpot = spot.flatMap { id in spots.contains { $0.id == id } ? id : nil }
    }

    private func act(_ work: () throws -> Void) {
        do {
            try work()
            error = nil
        } catch {
            self.error = peopleMessage(error)
        }
        reload()
    }

    private func reload() {
        spots = (try? app.campaigns().map(campaign: campaignId)) ?? spots
        waiting = Int((try? app.campaigns().waiting()) ?? UInt32(waiting))
    }

    private func show(_ found: CampaignInfo) {
        campaign = found
        joined = found.joined
        myTeam = found.myTeam
    }

    /// The summary card, fetched with its before/after photos or, without a connection, as
    /// last fetched; shown once the campaign has ended.
    private func loadSummary() async {
        do {
            let card = try await app.campaigns().summary(campaign: campaignId)
            if campaign == nil { show(card.campaign) }
            guard card.campaign.phase == .ended else { return }
            summary = card
            // A photo not on the phone (its download failed) shows as a placeholder.
            pairs = card.pairs.map { pair in
                CampaignPair(
                    spotId: pair.spotId, categoryName: pair.categoryName, team: pair.team,
                    before: PhotoBytes(hash: pair.beforePhoto, bytes: try? app.reports().photo(hash: pair.beforePhoto)),
                    after: PhotoBytes(hash: pair.afterPhoto, bytes: try? app.reports().photo(hash: pair.afterPhoto))
                )
            }
            error = nil
        } catch {
            if summary == nil { self.error = peopleMessage(error) }
        }
    }
}

/// The campaigns near the resident's places (all of them when no place is saved). The same
/// as android/ui's CampaignsViewModel.
@MainActor
@Observable
public final class CampaignsViewModel {
    public private(set) var campaigns: [CampaignInfo] = []
    public private(set) var loaded = false
    public private(set) var error: String?

    private let app: CivicApp

    public init(app: CivicApp) {
        self.app = app
    }

    public func load() async {
        do {
            campaigns = try await app.campaigns().nearMe()
            error = nil
        } catch {
            self.error = peopleMessage(error)
        }
        loaded = true
    }
}
