package org.civic.app.ui.official

import java.time.Instant
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
import org.civic.core.OfficialApp
import org.civic.core.ReplyTemplate
import org.civic.core.ReportStatus
import org.civic.core.WorkItem

/** Something an official does to a report; each needs the network. */
sealed interface OfficialAction {
    /** Assigned, in progress, or rejected (with the reason as [note]). */
    data class Move(val to: ReportStatus, val note: String?) : OfficialAction

    data class Reply(val text: String) : OfficialAction

    /** Resolved: what was done, the after-photo and where it was taken. */
    class Resolve(val note: String, val photo: ByteArray, val location: LocationFix) : OfficialAction
}

/** An action not yet accepted by the server; [waiting] once it failed for want of a connection. */
data class PendingAction(val key: Long, val action: OfficialAction, val waiting: Boolean)

/** A form the official must complete before an action. */
enum class Problem { REASON_REQUIRED, NOTE_REQUIRED, PHOTO_REQUIRED, LOCATION_REQUIRED }

/** What the server last accepted, for a short confirmation. */
enum class Done { MOVED, REPLIED, RESOLVED, REJECTED }

/** The resolve form is a step of its own (note, after-photo, send). */
enum class Form { RESOLVE }

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
    /** Actions kept until the server has them, oldest first. Held in memory, not on disk. */
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
        "OfficialReportState(item=${item?.id}/${item?.status}, pending=${pending.map { it.action::class.simpleName to it.waiting }}, " +
            "sending=$sending, offline=$offline, problem=$problem, done=$done, error=$error)"
}

/**
 * One work item in full, and what the official does to it. The core keeps no queue for
 * officials, so an action that fails for want of a connection is kept here, in [state]'s
 * `pending`, with the typed text and the after-photo, and sent again by [retryPending] (the
 * app calls it when the connection returns). Pending actions go out in the order they were
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
    private var nextKey = 0L

    init {
        load()
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
            scope.async { try { hash to app.photo(hash) } catch (_: CivicException) { null } }
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
        submit(OfficialAction.Move(to, null))
    }

    fun reject() {
        val note = _state.value.rejectNote.trim()
        if (note.isEmpty()) return _state.update { it.copy(problem = Problem.REASON_REQUIRED) }
        submit(OfficialAction.Move(ReportStatus.REJECTED, note))
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
            else -> submit(OfficialAction.Resolve(note, photo, location))
        }
    }

    /** Sends the actions that waited for a connection, oldest first. */
    fun retryPending() {
        if (_state.value.pending.isEmpty()) return
        scope.launch { flush() }
    }

    private fun submit(action: OfficialAction) {
        val entry = PendingAction(nextKey++, action, waiting = false)
        _state.update { it.copy(pending = it.pending + entry, problem = null, done = null, error = null) }
        scope.launch { flush() }
    }

    private suspend fun flush() = sendLock.withLock {
        _state.update { it.copy(sending = true) }
        try {
            while (true) {
                val entry = _state.value.pending.firstOrNull() ?: break
                try {
                    val item = run(entry.action)
                    _state.update { st -> accepted(st, entry, item) }
                } catch (e: CivicException) {
                    if (e is CivicException.Offline) {
                        // Keep it and everything after it; the app calls retryPending when the network is back.
                        _state.update { st -> st.copy(pending = st.pending.map { it.copy(waiting = true) }, offline = true) }
                        break
                    }
                    // Refused for good (say, someone else closed the report): drop it, say why, keep the typed text.
                    _state.update { st -> st.copy(pending = st.pending.filter { it.key != entry.key }, error = e.forPeople()) }
                }
            }
        } finally {
            _state.update { it.copy(sending = false) }
        }
        val item = _state.value.item
        if (item != null) loadPhotos(item)
    }

    private suspend fun run(action: OfficialAction): WorkItem = when (action) {
        is OfficialAction.Move -> app.changeStatus(id, action.to, action.note)
        is OfficialAction.Reply -> app.reply(id, action.text)
        is OfficialAction.Resolve -> app.resolve(id, action.note, action.photo, action.location)
    }

    /** The server took [entry]: show the report as it is now and clear the form it came from. */
    private fun accepted(st: OfficialReportState, entry: PendingAction, item: WorkItem): OfficialReportState {
        val rest = st.pending.filter { it.key != entry.key }
        val base = st.copy(item = item, pending = rest, offline = false, now = clock())
        return when (val a = entry.action) {
            is OfficialAction.Reply ->
                base.copy(reply = if (st.reply.trim() == a.text) "" else st.reply, done = Done.REPLIED)
            is OfficialAction.Move ->
                if (a.to == ReportStatus.REJECTED) base.copy(rejectNote = "", done = Done.REJECTED) else base.copy(done = Done.MOVED)
            is OfficialAction.Resolve ->
                base.copy(resolveNote = "", afterPhoto = null, form = null, done = Done.RESOLVED)
        }
    }

    private fun message(e: CivicException): String? = if (e is CivicException.Offline) null else e.forPeople()

    override fun close() {}
}
