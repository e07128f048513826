package org.civic.app.ui.map

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.civic.app.ui.LatLon
import org.civic.app.ui.common.forPeople
import org.civic.core.CityReport
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.ReportStatus
import org.civic.core.statusIsOpen
import kotlin.math.cos
import kotlin.math.pow

/** Which reports the map shows. */
enum class MapFilter { ALL, OPEN, RESOLVED }

/** A map's visible box, in degrees. */
data class Box(val south: Double, val west: Double, val north: Double, val east: Double) {
    operator fun contains(p: LatLon): Boolean = p.lat in south..north && p.lon in west..east

    companion object {
        /**
         * The box a [widthDp] × [heightDp] map shows around [center] at [zoom], as web-mercator
         * tiles draw it (256 dp a tile at zoom 0).
         */
        fun around(center: LatLon, zoom: Double, widthDp: Int, heightDp: Int): Box {
            val metresPerDp = 156_543.03 * cos(Math.toRadians(center.lat)) / 2.0.pow(zoom)
            val halfLat = heightDp / 2.0 * metresPerDp / 110_540.0
            val halfLon = widthDp / 2.0 * metresPerDp / (111_320.0 * cos(Math.toRadians(center.lat)))
            return Box(center.lat - halfLat, center.lon - halfLon, center.lat + halfLat, center.lon + halfLon)
        }
    }
}

/** What the page says in one line: how many, how many fixed, how long it took on average. */
data class MapSummary(val total: Int, val resolved: Int, val averageHours: Double?)

data class CityMapState(
    val center: LatLon,
    val zoom: Double,
    val filter: MapFilter = MapFilter.ALL,
    /** Every report of the box loaded so far (before the filter). */
    val reports: List<CityReport> = emptyList(),
    val categoryNames: Map<String, String> = emptyMap(),
    /** The report picked on the map (by its place in [reports]' public keys, never shown). */
    val selected: String? = null,
    val next: String? = null,
    val loading: Boolean = false,
    val loaded: Boolean = false,
    val offline: Boolean = false,
    val error: String? = null,
) {
    val shown: List<CityReport>
        get() = when (filter) {
            MapFilter.ALL -> reports
            MapFilter.OPEN -> reports.filter { isOpen(it.status) }
            MapFilter.RESOLVED -> reports.filter { it.status == ReportStatus.RESOLVED }
        }

    /** Computed from the loaded page(s), whatever the filter. */
    val summary: MapSummary
        get() {
            val resolved = reports.filter { it.status == ReportStatus.RESOLVED }
            val hours = resolved.mapNotNull { it.hoursToOutcome }
            return MapSummary(reports.size, resolved.size, if (hours.isEmpty()) null else hours.average())
        }

    fun categoryName(code: String): String = categoryNames[code] ?: code

    companion object {
        /** The core's rule ([statusIsOpen]): the city still has work to do on it. */
        fun isOpen(status: ReportStatus): Boolean = statusIsOpen(status)
    }
}

/**
 * The public map: what the city has done near the citizen, for the box the map shows. Reports
 * come from the server (`cityReports`) without anyone's personal data; the map needs a
 * connection and says so when there is none.
 */
class CityMapViewModel(
    private val app: CivicApp,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    center: LatLon = LatLon(16.4698, 107.5786),
    zoom: Double = 15.0,
    /** The map's size on screen, for the box; the screen tells it with [resize]. */
    private var widthDp: Int = 411,
    private var heightDp: Int = 280,
    private val pageSize: UInt = 200u,
    /** How long the map must rest before it loads (a drag moves the centre many times). */
    private val settleMillis: Long = 400,
) : AutoCloseable {
    private val _state = MutableStateFlow(CityMapState(center = center, zoom = zoom))
    val state: StateFlow<CityMapState> = _state.asStateFlow()
    private var loading: Job? = null
    private val reports = app.reports()

    init {
        scope.launch {
            val names = withContext(io) { app.categories().associate { it.code to it.name } }
            _state.update { it.copy(categoryNames = names) }
        }
        load(settle = false)
    }

    val box: Box get() = _state.value.let { Box.around(it.center, it.zoom, widthDp, heightDp) }

    /** The map moved or zoomed: load its new box once it rests. */
    fun move(center: LatLon, zoom: Double = _state.value.zoom) {
        _state.update { it.copy(center = center, zoom = zoom) }
        load(settle = true)
    }

    fun resize(widthDp: Int, heightDp: Int) {
        if (widthDp == this.widthDp && heightDp == this.heightDp) return
        this.widthDp = widthDp
        this.heightDp = heightDp
        load(settle = true)
    }

    fun setFilter(filter: MapFilter) = _state.update { it.copy(filter = filter) }

    fun select(key: String?) = _state.update { it.copy(selected = key) }

    fun refresh() = load(settle = false)

    private fun load(settle: Boolean) {
        loading?.cancel()
        val box = box
        _state.update { it.copy(loading = true, error = null) }
        loading = scope.launch {
            if (settle) delay(settleMillis)
            try {
                val page = reports.cityReports(box.south, box.west, box.north, box.east, pageSize, null)
                _state.update {
                    it.copy(reports = page.reports, next = page.next, loading = false, loaded = true, offline = false, selected = null)
                }
            } catch (e: CivicException) {
                // Keep what was shown; say why nothing new came.
                _state.update {
                    it.copy(
                        loading = false,
                        loaded = true,
                        offline = e is CivicException.Offline,
                        error = if (e is CivicException.Offline) null else e.forPeople(),
                    )
                }
            }
        }
    }

    /** More of the same box (the list scrolled to its end). */
    fun loadMore() {
        val after = _state.value.next ?: return
        if (loading?.isActive == true) return
        val box = box
        loading = scope.launch {
            try {
                val page = reports.cityReports(box.south, box.west, box.north, box.east, pageSize, after)
                _state.update { it.copy(reports = it.reports + page.reports, next = page.next) }
            } catch (e: CivicException) {
                _state.update {
                    it.copy(offline = e is CivicException.Offline, error = if (e is CivicException.Offline) null else e.forPeople())
                }
            }
        }
    }

    override fun close() {
        loading?.cancel()
    }
}
