package org.civic.app.ui.common

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.SyncOutcome
import org.civic.core.SyncState
import org.civic.core.syncOutcomes
import org.civic.core.syncStates

/**
 * Hears the core's sync for a view model, in its [scope]: [onState] on every change of state,
 * [onSynced] after every finished sync (the core's flows, [syncStates] and [syncOutcomes]).
 * Cancel the job (or the scope) to stop: the subscriptions end with it. When the core cannot
 * observe (its runtime would not start), [onError] hears why and the screen still works,
 * refreshed by hand.
 */
fun CivicApp.followSync(
    scope: CoroutineScope,
    onState: (SyncState) -> Unit = {},
    onError: (CivicException) -> Unit = {},
    onSynced: suspend (SyncOutcome) -> Unit,
): Job = scope.launch {
    launch { hear(onError) { syncStates().collect { onState(it) } } }
    hear(onError) { syncOutcomes().collect { onSynced(it) } }
}

private suspend fun hear(onError: (CivicException) -> Unit, collect: suspend () -> Unit) {
    try {
        collect()
    } catch (e: CivicException) {
        onError(e)
    }
}

/**
 * Pull to refresh, as every screen does it: sends what waits and fetches what changed. The
 * new sync state, or (null and) the error in the citizen's words.
 */
suspend fun CivicApp.syncForRefresh(): Pair<SyncState?, String?> = try {
    syncNow().state to null
} catch (e: CivicException) {
    null to e.forPeople()
}
