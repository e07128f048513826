import CivicCore

extension CivicApp {
    /// Pull to refresh, as every screen does it: sends what waits and fetches what changed.
    /// The new sync state, or (nil and) the error in the citizen's words.
    public func syncForRefresh() async -> (state: SyncState?, error: String?) {
        do {
            return (try await syncNow().state, nil)
        } catch {
            return (nil, peopleMessage(error))
        }
    }
}
