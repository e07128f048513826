package org.civic.app.ui.official

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.civic.app.ui.common.forPeople
import org.civic.core.Category
import org.civic.core.CivicException
import org.civic.core.LocationFix
import org.civic.core.OfficialAction
import org.civic.core.OfficialApp
import org.civic.core.PendingAction
import org.civic.core.ReplyTemplate
import org.civic.core.ReportStatus
import org.civic.core.SentAction
import org.civic.core.WorkItem
import java.time.Instant

/** A form the official must complete before an action. */
enum class Problem { REASON_REQUIRED, NOTE_REQUIRED, PHOTO_REQUIRED, LOCATION_REQUIRED }

/** What the server last accepted, for a short confirmation. */
enum class Done { MOVED, REPLIED, RESOLVED, REJECTED }

/** The resolve form is a step of its own (note, after-photo, send). */
enum class Form { RESOLVE, }

data class OfficialReportState(
    val item: WorkItem? = null,
    val categoryNames: Map<String, String> = emptyMap(),
    /** Photo hash → JPEG bytes, as they arrive. */
    val photos: Map<String, ByteArray> = emptyMap(),
    val templates: List<ReplyTemplate> = emptyList(),
    val reply: String = "",
    val rejectNote: String = "",
    val resolveNote: String = "",
    val afterPhoto: ByteArray? = null,
    val form: Form? = null,
    /**
     * This report's actions waiting for the server, oldest first: kept by the core in the
     * phone's store (with the after-photo), so a closed app loses none.
     */
    val pending: List<PendingAction> = emptyList(),
    val sending: Boolean = false,
    val loaded: Boolean = false,
    val offline: Boolean = false,
    val problem: Problem? = null,
    val done: Done? = null,
    val error: String? = null,
    val now: Instant = Instant.now(),
) {
    val categoryName: String? get() = item?.let { categoryNames[it.category] ?: it.category }

    /** Plain status moves the server allows from here (Assigned ⇄ In progress); reject and resolve have forms. */
    val moves: List<ReportStatus>
        get() = item?.status?.let { next(it) }.orEmpty().filter { it == ReportStatus.ASSIGNED || it == ReportStatus.IN_PROGRESS }

    val canReject: Boolean get() = item?.status?.let { ReportStatus.REJECTED in next(it) } == true
    val canResolve: Boolean get() = item?.status?.let { ReportStatus.RESOLVED in next(it) } == true

    companion object {
        /**
         * What an official may move a report to, as the core's lifecycle (`Status::next`) and
         * the server (`POST /reports/{id}/status`) allow it: never back to received, never
         * reopened (the citizen's), not to the same status; duplicate needs the original's
         * number, which the bindings' `changeStatus` cannot send, so it is not offered.
         */
        fun next(from: ReportStatus): List<ReportStatus> = when (from) {
            ReportStatus.SUBMITTED, ReportStatus.RECEIVED, ReportStatus.REOPENED ->
                listOf(ReportStatus.ASSIGNED, ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED, ReportStatus.REJECTED)
            ReportStatus.ASSIGNED -> listOf(ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED, ReportStatus.REJECTED)
            ReportStatus.IN_PROGRESS -> listOf(ReportStatus.ASSIGNED, ReportStatus.RESOLVED, ReportStatus.REJECTED)
            else -> emptyList()
        }
    }

    override fun toString(): String =
        "OfficialReportState(item=${item?.id}/${item?.status}, pending=${pending.map { it.action::class.simpleName }}, " +
            "sending=$sending, offline=$offline, problem=$problem, done=$done, error=$error)"
}

/**
 * One work item in full, and what the official does to it. Each action is given to the core's
 * queue on the phone (`OfficialApp.queue`) and sent at once; when there is no connection it
 * waits there, with the typed text and the after-photo, and [retryPending] (called by the app
 * when the connection returns, and on opening) sends it. Actions go out in the order they were
 * made; a newer one never overtakes an older one.
 */
class OfficialReportViewModel(
    private val app: OfficialApp,
    private val id: String,
    categories: List<Category>,
    private val scope: CoroutineScope,
    private val clock: () -> Instant = Instant::now,
) : AutoCloseable {
    private val _state = MutableStateFlow(OfficialReportState(categoryNames = categories.associate { it.code to it.name }, now = clock()))
    val state: StateFlow<OfficialReportState> = _state.asStateFlow()
    private val sendLock = Mutex()
    init {
        load()
        // What waited from an earlier session goes now, if it can.
        if (pendingHere().isNotEmpty()) retryPending()
    }

    /** Reads the report, its photos and the reply templates (again). */
    fun load() {
        scope.launch {
            try {
                val item = app.report(id)
                _state.update { it.copy(item = item, loaded = true, offline = false, error = null, now = clock()) }
                loadPhotos(item)
            } catch (e: CivicException) {
                _state.update { it.copy(loaded = true, offline = e is CivicException.Offline, error = message(e)) }
            }
        }
        scope.launch {
            try {
                val templates = app.templates()
                _state.update { it.copy(templates = templates) }
            } catch (_: CivicException) {
                // Without templates the official types the reply; the load error says why.
            }
        }
    }

    private suspend fun loadPhotos(item: WorkItem) {
        val hashes = (item.photos + item.timeline.mapNotNull { it.photo }).distinct().filter { it !in _state.value.photos }
        val got = hashes.map { hash ->
            scope.async {
                try {
                    hash to app.photo(hash)
                } catch (_: CivicException) {
                    null
                }
            }
        }.awaitAll().filterNotNull()
        if (got.isNotEmpty()) _state.update { it.copy(photos = it.photos + got) }
    }

    fun setReply(text: String) = _state.update { it.copy(reply = text, problem = null, done = null) }

    /** Picking a template fills the reply, which stays editable. */
    fun useTemplate(template: ReplyTemplate) = setReply(template.text)

    fun setRejectNote(text: String) = _state.update { it.copy(rejectNote = text, problem = null, done = null) }

    fun setResolveNote(text: String) = _state.update { it.copy(resolveNote = text, problem = null, done = null) }

    /** The after-photo's bytes, from the camera the Android layer opened. */
    fun setAfterPhoto(bytes: ByteArray?) = _state.update { it.copy(afterPhoto = bytes, problem = null, done = null) }

    fun openResolveForm() = _state.update { it.copy(form = Form.RESOLVE, problem = null, done = null) }

    fun closeForm() = _state.update { it.copy(form = null, problem = null) }

    /** Assigned or in progress. */
    fun move(to: ReportStatus) {
        if (to !in _state.value.moves) return
        submit(OfficialAction.ChangeStatus(to, null))
    }

    fun reject() {
        val note = _state.value.rejectNote.trim()
        if (note.isEmpty()) return _state.update { it.copy(problem = Problem.REASON_REQUIRED) }
        submit(OfficialAction.ChangeStatus(ReportStatus.REJECTED, note))
    }

    fun sendReply() {
        val text = _state.value.reply.trim()
        if (text.isEmpty()) return
        submit(OfficialAction.Reply(text))
    }

    /** Resolves with the typed note, the after-photo and where the official is now ([location], from the platform). */
    fun resolve(location: LocationFix?) {
        val st = _state.value
        val note = st.resolveNote.trim()
        val photo = st.afterPhoto
        when {
            note.isEmpty() -> _state.update { it.copy(problem = Problem.NOTE_REQUIRED) }
            photo == null -> _state.update { it.copy(problem = Problem.PHOTO_REQUIRED) }
            location == null -> _state.update { it.copy(problem = Problem.LOCATION_REQUIRED) }
            else -> submit(OfficialAction.Resolve(note, location), photo)
        }
    }

    /** Sends the actions that waited for a connection, oldest first. */
    fun retryPending() {
        scope.launch { flush() }
    }

    private fun submit(action: OfficialAction, photo: ByteArray? = null) {
        try {
            // On the phone first: from here on a closed app or a dead battery loses nothing.
            app.queue(id, action, photo)
        } catch (e: CivicException) {
            _state.update { it.copy(error = e.forPeople()) }
            return
        }
        _state.update { it.copy(pending = pendingHere(), problem = null, done = null, error = null) }
        scope.launch { flush() }
    }

    private fun pendingHere(): List<PendingAction> = try {
        app.pending().filter { it.report == id }
    } catch (_: CivicException) {
        emptyList()
    }

    private suspend fun flush() = sendLock.withLock {
        _state.update { it.copy(sending = true, pending = pendingHere()) }
        try {
            val outcome = app.sendPending()
            // A read started before these went may come back after them: read again.
            if (outcome.sent.any { it.action.report == id }) load()
            _state.update { st ->
                var next = outcome.sent.filter { it.action.report == id }.fold(st) { acc, sent -> accepted(acc, sent) }
                outcome.refused.lastOrNull { it.action.report == id }?.let { next = next.copy(error = it.userMessage) }
                if (!outcome.offline && outcome.stopped != null) next = next.copy(error = outcome.stopped)
                next.copy(offline = outcome.offline, pending = pendingHere(), now = clock())
            }
        } catch (e: CivicException) {
            _state.update { it.copy(error = e.forPeople(), pending = pendingHere()) }
        } finally {
            _state.update { it.copy(sending = false) }
        }
        val item = _state.value.item
        if (item != null) loadPhotos(item)
    }

    /** The server took [sent]: show the report as it is now and clear the form it came from. */
    private fun accepted(st: OfficialReportState, sent: SentAction): OfficialReportState {
        val base = st.copy(item = sent.item, offline = false)
        return when (val a = sent.action.action) {
            is OfficialAction.Reply ->
                base.copy(reply = if (st.reply.trim() == a.text) "" else st.reply, done = Done.REPLIED)
            is OfficialAction.ChangeStatus ->
                if (a.to == ReportStatus.REJECTED) base.copy(rejectNote = "", done = Done.REJECTED) else base.copy(done = Done.MOVED)
            is OfficialAction.Resolve ->
                base.copy(resolveNote = "", afterPhoto = null, form = null, done = Done.RESOLVED)
        }
    }

    private fun message(e: CivicException): String? = if (e is CivicException.Offline) null else e.forPeople()

    override fun close() {}
}
