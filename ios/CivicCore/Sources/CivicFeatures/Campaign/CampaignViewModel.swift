import CivicCore
import Foundation
import Observation

/// One Green Sunday campaign: joining (alone or with a team), the quick capture of a spot,
/// and the live map as a list. Everything the resident does is kept on the phone first (the
/// core's campaign desk); `sync()` delivers it and pulls the map. The same as android/ui's
/// CampaignViewModel.
@MainActor
@Observable
public final class CampaignViewModel {
    public private(set) var campaign: CampaignInfo?
    public private(set) var spots: [CampaignSpot] = []
    /// Actions still only on the phone.
    public private(set) var waiting = 0
    public private(set) var joined = false
    public private(set) var busy = false
    public private(set) var error: String?
    /// After a send: what happened, in words.
    public private(set) var notice: String?

    private let app: CivicApp
    private let campaignId: String

    public init(app: CivicApp, campaignId: String) {
        self.app = app
        self.campaignId = campaignId
        reload()
    }

    /// The campaign itself needs a connection once; the map kept on the phone does not.
    public func load() async {
        reload()
        do {
            let all = try await app.campaigns()
            campaign = all.first { $0.id == campaignId } ?? campaign
            error = nil
        } catch {
            if campaign == nil { self.error = peopleMessage(error) }
        }
    }

    public func join(teamId: String?, newTeam: String?) {
        act { try self.app.joinCampaign(campaign: self.campaignId, teamId: teamId, newTeam: newTeam) }
        if error == nil { joined = true }
    }

    /// The quick capture: the photo just taken, where the phone is, one tap for the category.
    public func reportSpot(category: String, photo: Data, location: LocationFix) {
        act { _ = try self.app.reportSpot(campaign: self.campaignId, category: category, photo: photo, location: location) }
    }

    public func claim(spot: String) {
        act { try self.app.claimSpot(campaign: self.campaignId, spot: spot) }
    }

    /// Delivers what waits, then pulls what changed on the map.
    public func sync() async {
        busy = true
        defer { busy = false }
        do {
            let sent = try await app.sendCampaign()
            if sent.stopped == nil {
                _ = try await app.refreshCampaign(campaign: campaignId)
            }
            notice = sent.stopped ?? sent.refused.first
        } catch {
            self.error = peopleMessage(error)
        }
        reload()
    }

    /// How many of the spots are cleaned (the goal's progress).
    public var cleaned: Int { spots.filter { $0.state == .cleaned }.count }

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
        spots = (try? app.campaignMap(campaign: campaignId)) ?? spots
        waiting = Int((try? app.campaignWaiting()) ?? UInt32(waiting))
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
            campaigns = try await app.campaignsNearMe()
            error = nil
        } catch {
            self.error = peopleMessage(error)
        }
        loaded = true
    }
}
