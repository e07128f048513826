package org.civic.app.ui.about

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.civic.core.CivicApp

data class AboutState(
    /**
     * What the map credits, in the app's language: the tiles' data and the boundaries' source,
     * as the city's configuration says (the server's once synced). Empty until read.
     */
    val credits: String = "",
)

/**
 * "Giới thiệu": the app, its version and the map's credits, which the boundaries' source asks
 * the app to show. The credits are the core's (`mapTiles`), read when the screen opens and on
 * [reload]: a sync may have brought the city's own.
 */
class AboutViewModel(private val app: CivicApp, private val scope: CoroutineScope, private val io: CoroutineDispatcher = Dispatchers.IO) :
    AutoCloseable {
    private val _state = MutableStateFlow(AboutState())
    val state: StateFlow<AboutState> = _state.asStateFlow()

    init {
        reload()
    }

    fun reload() {
        scope.launch {
            val credits = withContext(io) { app.mapTiles().credits }
            _state.update { it.copy(credits = credits) }
        }
    }

    override fun close() {}
}
