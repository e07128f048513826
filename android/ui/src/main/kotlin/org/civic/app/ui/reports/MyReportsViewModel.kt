package org.civic.app.ui.reports

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
import org.civic.app.ui.common.followSync
import org.civic.app.ui.common.forPeople
import org.civic.app.ui.common.syncForRefresh
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.Outbox
import org.civic.core.ReportSummary
import org.civic.core.SyncState

/** What "My reports" shows. */
data class MyReportsState(
    val reports: List<ReportSummary> = emptyList(),
    /** Category code → its name in the app's language. */
    val categoryNames: Map<String, String> = emptyMap(),
    val outbox: Outbox? = null,
    val sync: SyncState = SyncState.Idle(null),
    val refreshing: Boolean = false,
    val next: String? = null,
    val error: String? = null,
    val loaded: Boolean = false,
)

/**
 * "My reports": the citizen's reports, newest first, with the outbox and the sync state, kept
 * current by the core's observer. Every call into the core runs on [io]; the screen reads
 * [state]. The Android app creates it in a ViewModel with viewModelScope; tests with a scope of
 * their own. [close] stops observing.
 */
class MyReportsViewModel(
    private val app: CivicApp,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    private val pageSize: UInt = 50u,
) : AutoCloseable {
    private val _state = MutableStateFlow(MyReportsState())
    val state: StateFlow<MyReportsState> = _state.asStateFlow()

    private val reports = app.reports()

    private val observer: Job = app.followSync(
        scope,
        onState = { state ->
            _state.update { it.copy(sync = state) }
            // Submitted reports change status as they go: keep the list in step.
            if (state !is SyncState.Syncing) load()
        },
        onSynced = { load() },
    )

    init {
        _state.update { it.copy(sync = app.syncState()) }
        load()
    }

    /** Reads the first page, the outbox and the category names again. */
    fun load() {
        scope.launch {
            try {
                val (page, outbox, names) = withContext(io) {
                    Triple(
                        reports.myReports(listOf(), pageSize, null),
                        reports.outbox(),
                        app.categories().associate { it.code to it.name },
                    )
                }
                _state.update {
                    it.copy(reports = page.reports, next = page.next, outbox = outbox, categoryNames = names, loaded = true, error = null)
                }
            } catch (e: CivicException) {
                _state.update { it.copy(error = e.forPeople(), loaded = true) }
            }
        }
    }

    /** The next page, appended (the list scrolled to its end). */
    fun loadMore() {
        val after = _state.value.next ?: return
        scope.launch {
            try {
                val page = withContext(io) { reports.myReports(listOf(), pageSize, after) }
                _state.update { it.copy(reports = it.reports + page.reports, next = page.next) }
            } catch (e: CivicException) {
                _state.update { it.copy(error = e.forPeople()) }
            }
        }
    }

    /** Pull to refresh: send what waits and fetch what changed, then read again. */
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

    override fun close() {
        observer.cancel()
    }
}
