package org.civic.app.ui.warnings

import androidx.compose.ui.graphics.Color
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.civic.app.ui.LatLon
import org.civic.app.ui.MapArea
import org.civic.app.ui.common.followSync
import org.civic.app.ui.common.forPeople
import org.civic.app.ui.common.syncForRefresh
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.SyncState
import org.civic.core.Warning
import org.civic.core.WarningShape
import kotlin.math.PI
import kotlin.math.cos
import kotlin.math.sin

/** What the warnings inbox (and a warning's detail) shows. */
data class WarningsState(
    /**
     * In the core's inbox order: in force first, the most severe first (a real one before a
     * drill, then the newest); then the ended ones, newest first.
     */
    val warnings: List<Warning> = emptyList(),
    /** Active warnings not read yet (the badge). */
    val unread: Int = 0,
    val sync: SyncState = SyncState.Idle(null),
    val refreshing: Boolean = false,
    val error: String? = null,
    val loaded: Boolean = false,
    /** The areas of the warnings opened so far, for the detail's map (warning id → shapes). */
    val shapes: Map<String, List<WarningShape>> = emptyMap(),
) {
    fun warning(id: String): Warning? = warnings.firstOrNull { it.id == id }
}

/** A warning's areas as the map draws them: polygons as they are, circles as 48-gons. */
fun mapAreas(shapes: List<WarningShape>, color: Color): List<MapArea> = shapes.map { shape ->
    when (shape) {
        is WarningShape.Polygon -> MapArea(shape.points.map { LatLon(it.lat, it.lon) }, color)
        is WarningShape.Circle -> {
            val dLat = shape.radiusM / 110_540.0
            val dLon = shape.radiusM / (111_320.0 * cos(Math.toRadians(shape.center.lat)))
            val ring = (0..48).map { i ->
                val a = 2 * PI * i / 48
                LatLon(shape.center.lat + dLat * sin(a), shape.center.lon + dLon * cos(a))
            }
            MapArea(ring, color)
        }
    }
}

/**
 * The warnings that concern the resident (their places, topics, severity), kept current by the
 * core's sync observer, and a warning opened from it. Every call into the core runs on [io].
 */
class WarningsViewModel(
    private val app: CivicApp,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) : AutoCloseable {
    private val _state = MutableStateFlow(WarningsState())
    val state: StateFlow<WarningsState> = _state.asStateFlow()

    private val inbox = app.warnings()

    // A sync in the background may bring, update or withdraw warnings.
    private val observer: Job = app.followSync(scope, onState = { state -> _state.update { it.copy(sync = state) } }, onSynced = { load() })

    init {
        _state.update { it.copy(sync = app.syncState()) }
        load()
    }

    /** Reads the inbox (ended warnings too) and the unread count again. */
    fun load() {
        scope.launch {
            try {
                val (warnings, unread) = withContext(io) { inbox.alerts(true) to inbox.unreadAlerts() }
                _state.update { it.copy(warnings = warnings, unread = unread.toInt(), loaded = true, error = null) }
            } catch (e: CivicException) {
                _state.update { it.copy(error = e.forPeople(), loaded = true) }
            }
        }
    }

    /** Pull to refresh: fetch what the city published, then read again. */
    fun refresh() {
        if (_state.value.refreshing) return
        _state.update { it.copy(refreshing = true, error = null) }
        scope.launch {
            try {
                val (sync, error) = app.syncForRefresh()
                _state.update { it.copy(sync = sync ?: it.sync, error = error ?: it.error) }
            } finally {
                _state.update { it.copy(refreshing = false) }
                load()
            }
        }
    }

    /** The resident opened warning [id]: it is read from now on. */
    fun open(id: String) {
        // Opened from a notification the inbox may not hold it yet: mark it all the same.
        if (id !in _state.value.shapes) {
            scope.launch {
                try {
                    val detail = withContext(io) { inbox.warning(id) }
                    _state.update { it.copy(shapes = it.shapes + (id to detail.shapes)) }
                } catch (_: CivicException) {
                    // Not on this phone (yet): the screen says so from the inbox's state.
                }
            }
        }
        if (_state.value.warning(id)?.read == true) return
        scope.launch {
            try {
                withContext(io) { inbox.markAlertRead(id) }
            } catch (e: CivicException) {
                _state.update { it.copy(error = e.forPeople()) }
            }
            load()
        }
    }

    override fun close() {
        observer.cancel()
    }
}
