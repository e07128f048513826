package org.civic.app.ui.common

import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.SyncListener
import org.civic.core.SyncOutcome
import org.civic.core.SyncState
import org.civic.core.TaskHandle

/**
 * Hears the core's sync for a view model: [onState] on every change of state, [onSynced] after
 * every finished sync (on the core's threads). Cancel the handle to stop.
 */
fun CivicApp.followSync(onState: (SyncState) -> Unit = {}, onSynced: (SyncOutcome) -> Unit): TaskHandle = subscribe(object : SyncListener {
    override fun onState(state: SyncState) = onState(state)
    override fun onSynced(outcome: SyncOutcome) = onSynced(outcome)
})

/**
 * Pull to refresh, as every screen does it: sends what waits and fetches what changed. The
 * new sync state, or (null and) the error in the citizen's words.
 */
suspend fun CivicApp.syncForRefresh(): Pair<SyncState?, String?> = try {
    syncNow().state to null
} catch (e: CivicException) {
    null to e.forPeople()
}
