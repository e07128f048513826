package org.civic.app

import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.Immutable
import androidx.compose.runtime.State
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.SyncListener
import org.civic.core.SyncOutcome
import org.civic.core.SyncState
import org.civic.core.TaskHandle

/** The bottom bar's counts: what the city did on my reports unseen, warnings unread. */
@Immutable
data class Badges(val reports: Int = 0, val warnings: Int = 0)

/** Reads the counts again after every sync, and when [BadgeCounter.reload] is called. */
class BadgeCounter(private val app: CivicApp, private val scope: CoroutineScope) {
    val state = mutableStateOf(Badges())

    fun reload() {
        scope.launch {
            val badges = withContext(Dispatchers.IO) {
                try {
                    Badges(reports = app.notifications().size, warnings = app.unreadAlerts().toInt())
                } catch (e: CivicException) {
                    null
                }
            }
            if (badges != null) state.value = badges
        }
    }

    fun listen(): TaskHandle? = try {
        app.subscribe(object : SyncListener {
            override fun onState(state: SyncState) {}
            override fun onSynced(outcome: SyncOutcome) = reload()
        })
    } catch (e: CivicException) {
        null
    }
}

/** The badges, kept current while in composition. */
@Composable
fun rememberBadgeCounter(app: CivicApp): BadgeCounter {
    val scope = rememberCoroutineScope()
    val counter = remember(app) { BadgeCounter(app, scope) }
    DisposableEffect(counter) {
        counter.reload()
        val handle = counter.listen()
        onDispose { handle?.cancel() }
    }
    return counter
}

/** Shorthand for reading the counts. */
val BadgeCounter.badges: State<Badges> get() = state
