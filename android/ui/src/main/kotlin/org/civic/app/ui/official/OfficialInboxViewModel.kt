package org.civic.app.ui.official

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.civic.app.ui.common.forPeople
import org.civic.core.Category
import org.civic.core.CivicException
import org.civic.core.OfficialApp
import org.civic.core.ReportStatus
import org.civic.core.WorkItem
import java.time.Instant

/** What the official's work list shows. */
data class OfficialInboxState(
    val items: List<WorkItem> = emptyList(),
    /** Only this status, or every open report (null). */
    val filter: ReportStatus? = null,
    /** Category code → its name (from the citizen app's catalog: the official app has none). */
    val categoryNames: Map<String, String> = emptyMap(),
    /** The moment "due in"/"overdue by" is computed against. */
    val now: Instant = Instant.now(),
    val next: String? = null,
    val refreshing: Boolean = false,
    val loaded: Boolean = false,
    val offline: Boolean = false,
    val error: String? = null,
) {
    fun categoryName(code: String): String = categoryNames[code] ?: code
}

/**
 * The official's inbox: open reports of their units, most overdue first (the server sorts),
 * a page at a time, filtered by status. Everything here needs the network.
 */
class OfficialInboxViewModel(
    private val app: OfficialApp,
    categories: List<Category>,
    private val scope: CoroutineScope,
    private val pageSize: UInt = 50u,
    private val clock: () -> Instant = Instant::now,
) : AutoCloseable {
    /** The statuses an official filters by: the open ones the inbox holds. */
    val filters: List<ReportStatus?> =
        listOf(null, ReportStatus.RECEIVED, ReportStatus.ASSIGNED, ReportStatus.IN_PROGRESS, ReportStatus.REOPENED)

    private val _state = MutableStateFlow(OfficialInboxState(categoryNames = categories.associate { it.code to it.name }, now = clock()))
    val state: StateFlow<OfficialInboxState> = _state.asStateFlow()
    private var loading: Job? = null

    init {
        load()
    }

    /** Reads the first page again (pull to refresh). */
    fun refresh() = load()

    fun setFilter(status: ReportStatus?) {
        if (status == _state.value.filter) return
        _state.update { it.copy(filter = status, items = emptyList(), next = null, loaded = false) }
        load()
    }

    private fun load() {
        loading?.cancel()
        val filter = _state.value.filter
        _state.update { it.copy(refreshing = true, error = null) }
        loading = scope.launch {
            try {
                val page = app.inbox(filter, pageSize, null)
                _state.update {
                    it.copy(items = page.items, next = page.next, refreshing = false, loaded = true, offline = false, now = clock())
                }
            } catch (e: CivicException) {
                _state.update {
                    it.copy(refreshing = false, loaded = true, offline = e is CivicException.Offline, error = message(e))
                }
            }
        }
    }

    /** The next page, appended (the list scrolled to its end). */
    fun loadMore() {
        val now = _state.value
        val after = now.next ?: return
        if (loading?.isActive == true) return
        loading = scope.launch {
            try {
                val page = app.inbox(now.filter, pageSize, after)
                _state.update { st ->
                    val known = st.items.map { it.id }.toSet()
                    st.copy(items = st.items + page.items.filter { it.id !in known }, next = page.next, offline = false)
                }
            } catch (e: CivicException) {
                _state.update { it.copy(offline = e is CivicException.Offline, error = message(e)) }
            }
        }
    }

    /** An item changed on its detail screen: show it as it is now (or drop it once closed). */
    fun updated(item: WorkItem) {
        _state.update { st ->
            val open =
                item.status in
                    setOf(
                        ReportStatus.SUBMITTED,
                        ReportStatus.RECEIVED,
                        ReportStatus.ASSIGNED,
                        ReportStatus.IN_PROGRESS,
                        ReportStatus.REOPENED,
                    )
            val keep = open && (st.filter == null || st.filter == item.status)
            st.copy(items = st.items.mapNotNull { if (it.id == item.id) item.takeIf { keep } else it })
        }
    }

    // The core's offline text promises to send later; reading the inbox simply needs a
    // connection, which the screen says itself (`offline`).
    private fun message(e: CivicException): String? = if (e is CivicException.Offline) null else e.forPeople()

    override fun close() {
        loading?.cancel()
    }
}
