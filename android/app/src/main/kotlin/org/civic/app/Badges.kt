package org.civic.app

import androidx.compose.runtime.Composable
import androidx.compose.runtime.Immutable
import androidx.compose.runtime.LaunchedEffect
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
import org.civic.core.syncOutcomes

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
                    Badges(reports = app.reports().notifications().size, warnings = app.warnings().unreadAlerts().toInt())
                } catch (e: CivicException) {
                    null
                }
            }
            if (badges != null) state.value = badges
        }
    }

    /** Reads the counts again after every sync, until cancelled. */
    suspend fun listen() {
        try {
            app.syncOutcomes().collect { reload() }
        } catch (e: CivicException) {
            // No observer: the counts are read again when the screens ask.
        }
    }
}

/** The badges, kept current while in composition. */
@Composable
fun rememberBadgeCounter(app: CivicApp): BadgeCounter {
    val scope = rememberCoroutineScope()
    val counter = remember(app) { BadgeCounter(app, scope) }
    // Left with the composition: the subscription ends with it.
    LaunchedEffect(counter) {
        counter.reload()
        counter.listen()
    }
    return counter
}

/** Shorthand for reading the counts. */
val BadgeCounter.badges: State<Badges> get() = state
