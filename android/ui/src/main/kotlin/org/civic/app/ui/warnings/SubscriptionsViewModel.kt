package org.civic.app.ui.warnings

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.civic.app.ui.LatLon
import org.civic.app.ui.common.forPeople
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.PlaceName
import org.civic.core.SavedPlace
import org.civic.core.Severity
import org.civic.core.WarningSubscription
import org.civic.core.WarningTopic

/** How a new place is given: a point on the map with a radius, or a whole ward or commune. */
enum class PlaceKind { POINT, WARD }

/** The radii offered around a point, in metres. */
val RADII_M = listOf(500.0, 1_000.0, 2_000.0)

/** The Imperial Citadel: where the map starts before the resident moves it. */
val CITADEL = LatLon(16.4698, 107.5786)

/** The "add a place" form, kept whole across errors. */
data class NewPlace(
    val name: String = "",
    val kind: PlaceKind = PlaceKind.POINT,
    /** The map's centre: the point saved. */
    val center: LatLon = CITADEL,
    val radiusM: Double = 1_000.0,
    val wardCode: String? = null,
    /** The ward or commune (by the core's `checkPoint`) at the map's centre, in the app's language. */
    val centerArea: String? = null,
    /** Why the map's centre cannot be used (outside the city). */
    val centerError: String? = null,
    /** Why the core refused the place, in the app's language. */
    val error: String? = null,
    /** "Save" with no ward or commune picked. */
    val needsWard: Boolean = false,
)

/** What the "warnings I follow" screen shows. */
data class SubscriptionsState(
    val subscription: WarningSubscription? = null,
    /** Saved point's name → its ward's or commune's name, as the core locates it. */
    val placeAreas: Map<String, String> = emptyMap(),
    /** The form, while the resident adds a place. */
    val adding: NewPlace? = null,
    /** Quiet hours as typed ("HH:mm"), kept when the core refuses them. */
    val quietStart: String = "22:00",
    val quietEnd: String = "06:00",
    /** Why the core refused the quiet hours, in the app's language. */
    val quietError: String? = null,
    /** The quiet hours typed are not like "HH:mm". */
    val quietBadFormat: Boolean = false,
    val error: String? = null,
    val loaded: Boolean = false,
    /** The city's wards and communes (in the core's order) and the topics one can follow, named by the core. */
    val wards: List<PlaceName> = emptyList(),
    val topics: List<WarningTopic> = emptyList(),
) {
    val quietOn: Boolean get() = subscription?.quietStartMinute != null && subscription.quietEndMinute != null
}

/**
 * What the resident follows: places (a point and a radius, or a ward or commune), "where I am now",
 * topics, the least severity that reaches them, quiet hours and the warnings' language. It all
 * stays on the phone (the server sends every warning of the region and the core decides);
 * changes are saved at once, and the core checks them.
 */
class SubscriptionsViewModel(
    private val app: CivicApp,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) : AutoCloseable {
    private val _state = MutableStateFlow(SubscriptionsState())
    val state: StateFlow<SubscriptionsState> = _state.asStateFlow()

    private val warnings = app.warnings()

    init {
        load()
    }

    fun load() {
        scope.launch {
            try {
                val (sub, areas) = withContext(io) { warnings.subscription().let { it to locate(it) } }
                val (wards, topics) = withContext(io) { app.wards() to warnings.warningTopics() }
                _state.update { saved(it, sub, areas).copy(loaded = true, wards = wards, topics = topics) }
            } catch (e: CivicException) {
                _state.update { it.copy(error = e.forPeople(), loaded = true) }
            }
        }
    }

    /** [st] with the subscription as saved (the quiet hours as the core keeps them). */
    private fun saved(st: SubscriptionsState, sub: WarningSubscription, areas: Map<String, String>) = st.copy(
        subscription = sub,
        placeAreas = areas,
        quietStart = sub.quietStartMinute?.let { hhmm(it.toInt()) } ?: st.quietStart,
        quietEnd = sub.quietEndMinute?.let { hhmm(it.toInt()) } ?: st.quietEnd,
        error = null,
    )

    /** Where each saved point lies (ward or commune), for its row. */
    private fun locate(sub: WarningSubscription): Map<String, String> = sub.places.filterIsInstance<SavedPlace.Point>().mapNotNull { p ->
        try {
            p.name to app.checkPoint(p.lat, p.lon).ward.name
        } catch (e: CivicException) {
            null
        }
    }.toMap()

    /** Saves [change] of the current subscription; on refusal says why and changes nothing. */
    private fun save(
        onError: (SubscriptionsState, String) -> SubscriptionsState = { st, m -> st.copy(error = m) },
        change: (WarningSubscription) -> WarningSubscription,
    ) {
        scope.launch {
            try {
                val (sub, areas) = withContext(io) {
                    warnings.setSubscription(change(warnings.subscription()))
                    warnings.subscription().let { it to locate(it) }
                }
                _state.update { saved(it, sub, areas) }
            } catch (e: CivicException) {
                _state.update { onError(it, e.forPeople()) }
            }
        }
    }

    // --- Places ---

    fun startAddPlace() {
        _state.update { it.copy(adding = NewPlace()) }
        moveCenter(CITADEL)
    }

    fun cancelAddPlace() = _state.update { it.copy(adding = null) }

    private fun form(change: (NewPlace) -> NewPlace) = _state.update { st -> st.copy(adding = st.adding?.let(change)) }

    fun setPlaceName(name: String) = form { it.copy(name = name, error = null) }

    fun setPlaceKind(kind: PlaceKind) = form { it.copy(kind = kind, error = null) }

    fun setRadius(metres: Double) = form { it.copy(radiusM = metres) }

    /** The resident picked ward or commune [code]; its name becomes the place's name if they gave none. */
    fun pickWard(code: String, name: String) =
        form { it.copy(wardCode = code, name = it.name.ifBlank { name }, error = null, needsWard = false) }

    /** The map moved: its centre is the point; says which ward or commune it is in. */
    fun moveCenter(center: LatLon) {
        form { it.copy(center = center) }
        scope.launch {
            val (area, error) = withContext(io) {
                try {
                    app.checkPoint(center.lat, center.lon).ward.name to null
                } catch (e: CivicException) {
                    null to e.forPeople()
                }
            }
            form { if (it.center == center) it.copy(centerArea = area, centerError = error) else it }
        }
    }

    /** Saves the place of the form; keeps the form and says why when the core refuses it. */
    fun savePlace() {
        val f = _state.value.adding ?: return
        val place = when (f.kind) {
            PlaceKind.POINT -> SavedPlace.Point(f.name, f.center.lat, f.center.lon, f.radiusM)
            PlaceKind.WARD -> {
                val code = f.wardCode ?: run {
                    form { it.copy(needsWard = true) }
                    return
                }
                SavedPlace.Area(f.name, code)
            }
        }
        scope.launch {
            try {
                val (sub, areas) = withContext(io) {
                    warnings.addPlace(place)
                    warnings.subscription().let { it to locate(it) }
                }
                _state.update { saved(it, sub, areas).copy(adding = null) }
            } catch (e: CivicException) {
                form { it.copy(error = e.forPeople()) }
            }
        }
    }

    fun removePlace(name: String) {
        scope.launch {
            try {
                val (sub, areas) = withContext(io) {
                    warnings.removePlace(name)
                    warnings.subscription().let { it to locate(it) }
                }
                _state.update { saved(it, sub, areas) }
            } catch (e: CivicException) {
                _state.update { it.copy(error = e.forPeople()) }
            }
        }
    }

    // --- Where I am now ---

    fun setFollowPosition(on: Boolean) = save { it.copy(currentPosition = on) }

    /** The platform's location provider says where the phone is (kept only while followed). */
    fun updatePosition(lat: Double, lon: Double) {
        scope.launch {
            try {
                withContext(io) { warnings.setPosition(lat, lon) }
            } catch (e: CivicException) {
                _state.update { it.copy(error = e.forPeople()) }
            }
        }
    }

    // --- What and how much ---

    /** Adds or removes a topic; none chosen means every topic. */
    fun toggleTopic(code: String) = save { s ->
        s.copy(topics = if (code in s.topics) s.topics - code else s.topics + code)
    }

    fun allTopics() = save { it.copy(topics = emptyList()) }

    fun setMinSeverity(severity: Severity) = save { it.copy(minSeverity = severity) }

    /** "vi" or "en". */
    fun setWarningLanguage(code: String) = save { it.copy(language = code) }

    // --- Quiet hours ---

    fun setQuietStart(text: String) = _state.update { it.copy(quietStart = text, quietError = null, quietBadFormat = false) }

    fun setQuietEnd(text: String) = _state.update { it.copy(quietEnd = text, quietError = null, quietBadFormat = false) }

    /** Turns quiet hours on (with the times typed) or off. */
    fun setQuietHours(on: Boolean) = if (on) saveQuietHours() else save { it.copy(quietStartMinute = null, quietEndMinute = null) }

    /** Saves the quiet hours typed; the core judges them, the typed text stays on refusal. */
    fun saveQuietHours() {
        val st = _state.value
        val start = parseHhmm(st.quietStart)
        val end = parseHhmm(st.quietEnd)
        if (start == null || end == null) {
            _state.update { it.copy(quietBadFormat = true, quietError = null) }
            return
        }
        _state.update { it.copy(quietError = null, quietBadFormat = false) }
        save(onError = { s, m -> s.copy(quietError = m) }) {
            it.copy(quietStartMinute = start.toUShort(), quietEndMinute = end.toUShort())
        }
    }

    override fun close() {}
}
