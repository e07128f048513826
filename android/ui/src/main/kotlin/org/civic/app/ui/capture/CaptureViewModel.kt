package org.civic.app.ui.capture

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.civic.app.ui.LatLon
import org.civic.app.ui.common.followSync
import org.civic.app.ui.common.forPeople
import org.civic.core.Answer
import org.civic.core.AreaCheck
import org.civic.core.AttachedPhoto
import org.civic.core.Category
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.Draft
import org.civic.core.FixSource
import org.civic.core.LocationFix
import org.civic.core.PhotoLocation
import org.civic.core.ReportStatus
import org.civic.core.SyncState
import java.time.Instant

/** A photo of the draft, with its pixels for the thumbnail. */
data class DraftPhoto(val hash: String, val bytes: ByteArray?) {
    override fun equals(other: Any?) = other is DraftPhoto && other.hash == hash &&
        (other.bytes === bytes || (other.bytes != null && bytes != null && other.bytes.contentEquals(bytes)))
    override fun hashCode() = hash.hashCode()
}

/** An open report of the same category near the draft's point: offered as "me too". */
data class NearbyOffer(
    val id: String,
    val publicNumber: String,
    /** The category's name in the app's language. */
    val category: String,
    val status: ReportStatus,
    val statusLabel: String,
    val distanceM: Double,
    val at: LatLon,
    val supporters: UInt,
    val description: String,
    val photo: ByteArray?,
) {
    override fun equals(other: Any?) = other is NearbyOffer && other.id == id && other.supporters == supporters &&
        other.distanceM == distanceM && other.statusLabel == statusLabel && (other.photo != null) == (photo != null)
    override fun hashCode() = id.hashCode()
}

/** How the flow ended. */
sealed interface CaptureResult {
    /** The report is stored on the phone and waits in the outbox. */
    data class Saved(val reportId: String, val expectedHours: UInt?) : CaptureResult

    /** The city has it: [publicNumber] is what the citizen quotes. */
    data class Delivered(val reportId: String, val publicNumber: String?, val expectedHours: UInt?) : CaptureResult

    /** The citizen said "me too" to [publicNumber] instead of sending a duplicate; the draft is gone. */
    data class Supported(val publicNumber: String) : CaptureResult

    /** The citizen threw the draft away. */
    data object Discarded : CaptureResult
}

/** What the "new report" screen shows. */
data class CaptureState(
    val loading: Boolean = true,
    val draftId: String? = null,
    /** The draft was left unsent earlier (the app closed) and is shown again as it was. */
    val resumed: Boolean = false,
    val photos: List<DraftPhoto> = emptyList(),
    val location: LocationFix? = null,
    /**
     * The photo whose recorded position the core offers as the draft's place ("use the photo's
     * location"): one taken somewhere other than where the draft is now.
     */
    val photoLocationOffer: PhotoLocation? = null,
    val area: AreaCheck? = null,
    /** The last point tried was outside the service area (the draft kept its previous one). */
    val outsideArea: String? = null,
    /** Every category, in catalog order. */
    val categories: List<Category> = emptyList(),
    val category: Category? = null,
    /** The full-screen category picker is open. */
    val picking: Boolean = false,
    val query: String = "",
    /** What the picker lists: every category for an empty query, else the best matches first. */
    val results: List<Category> = emptyList(),
    val answers: Map<String, Answer> = emptyMap(),
    /** What is typed into text and number questions (saved shortly after typing stops). */
    val answerTexts: Map<String, String> = emptyMap(),
    val description: String = "",
    val anonymous: Boolean = false,
    /** What the core says is still needed ("photo", "location", "category", "answer:<code>"). */
    val missing: List<String> = emptyList(),
    /** The same in the citizen's words, the core's sentence ("Còn thiếu: …"); null when complete. */
    val missingLine: String? = null,
    val nearby: List<NearbyOffer> = emptyList(),
    /** The citizen chose to send their own report rather than "me too". */
    val nearbyDismissed: Boolean = false,
    /** The "me too" being sent (a [NearbyOffer.id]). */
    val supporting: String? = null,
    val sending: Boolean = false,
    val confirmDiscard: Boolean = false,
    val result: CaptureResult? = null,
    /** Trying to deliver a saved report now. */
    val syncing: Boolean = false,
    val error: String? = null,
) {
    val canSend: Boolean get() = !loading && draftId != null && missing.isEmpty() && !sending && result == null

    /** Reports to offer "me too" on, unless the citizen already chose to send theirs. */
    val offers: List<NearbyOffer> get() = if (nearbyDismissed) emptyList() else nearby
}

/** What the capture screens can ask for: the view model does it; previews may do nothing. */
interface CaptureIntents {
    fun attachPhoto(bytes: ByteArray)
    fun attachPhotoFile(path: String)
    fun removePhoto(hash: String)
    fun setLocation(fix: LocationFix)
    fun usePhotoLocation(hash: String)
    fun movePin(at: LatLon)
    fun openPicker()
    fun closePicker()
    fun search(query: String)
    fun chooseCategory(code: String)
    fun answer(question: String, answer: Answer?)
    fun typeAnswer(question: String, text: String)
    fun describe(text: String)
    fun setAnonymous(anonymous: Boolean)
    fun meToo(offerId: String)
    fun sendAnyway()
    fun send()
    fun trySyncNow()
    fun askDiscard()
    fun cancelDiscard()
    fun discard()
    fun startAnother()
    fun dismissError()
}

/**
 * The "new report" flow over one draft: [draftId], else the newest unsent draft (the app died
 * mid-capture and the citizen comes back), else a new one. The core stores the draft at every
 * step, so nothing typed is lost when the app is killed; typed text is saved [typingDelayMs]
 * after the last key. Writes go to the core one at a time, in the order the citizen made them.
 *
 * After a send the report waits in the outbox: [onQueued] tells the Android layer (to schedule
 * a background sync), then the model tries to deliver it at once ([syncAfterSend]); offline
 * that simply leaves it saved on the phone.
 */
class CaptureViewModel(
    private val app: CivicApp,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    private val draftId: String? = null,
    private val onQueued: (reportId: String) -> Unit = {},
    private val syncAfterSend: Boolean = true,
    private val typingDelayMs: Long = 400,
) : CaptureIntents,
    AutoCloseable {
    private val _state = MutableStateFlow(CaptureState())
    val state: StateFlow<CaptureState> = _state.asStateFlow()

    /** Writes to the core, in order. */
    private val work = Channel<suspend () -> Unit>(Channel.UNLIMITED)

    /** Text typed but not saved yet: key → (timer, the save). */
    private val pending = LinkedHashMap<String, Pair<Job, (String) -> Unit>>()

    @Volatile private var pinJob: Job? = null

    @Volatile private var nearbyKey: Triple<Double, Double, String>? = null

    private val reports = app.reports()

    private val observer: Job = app.followSync(scope) {
        // A background sync may deliver the report while the result is on screen.
        val saved = _state.value.result as? CaptureResult.Saved ?: return@followSync
        checkDelivered(saved.reportId, saved.expectedHours)
    }

    init {
        scope.launch {
            for (job in work) {
                try {
                    job()
                } catch (e: CivicException) {
                    _state.update { it.copy(error = e.forPeople(), sending = false) }
                }
            }
        }
        enqueue { load() }
    }

    private fun enqueue(job: suspend () -> Unit) {
        work.trySend(job)
    }

    /** Waits until every intent made so far (typed text too) has reached the core. */
    suspend fun settled() {
        flush()
        val done = CompletableDeferred<Unit>()
        enqueue { done.complete(Unit) }
        done.await()
    }

    private val id: String? get() = _state.value.draftId

    private suspend fun load(fresh: Boolean = false) {
        val (draft, resumed, categories) = withContext(io) {
            val existing = when {
                fresh -> null
                draftId != null -> reports.draft(draftId)
                else -> reports.drafts().firstOrNull()
            }
            // Shown as "continue your report" unless nothing was entered yet (the core's rule).
            Triple(existing ?: reports.startDraft(), existing != null && !existing.blank, app.categories())
        }
        _state.value = CaptureState(
            loading = true,
            draftId = draft.id,
            resumed = resumed,
            categories = categories,
            results = categories,
            description = draft.description,
            answerTexts = draft.answers.mapNotNull { a ->
                when (val v = a.answer) {
                    is Answer.Text -> a.question to v.value
                    is Answer.Number -> a.question to numberText(v.value)
                    else -> null
                }
            }.toMap(),
            area = draft.location?.let { l -> withContext(io) { runCatching { app.checkPoint(l.lat, l.lon) }.getOrNull() } },
        )
        refresh()
        _state.update { it.copy(loading = false) }
    }

    private data class Refreshed(
        val draft: Draft,
        val missing: List<String>,
        val missingLine: String?,
        val photos: List<DraftPhoto>,
        val offer: PhotoLocation?,
    )

    /** Reads the draft back from the core (the truth) and what it still needs. */
    private suspend fun refresh() {
        val draftId = id ?: return
        val known = _state.value.photos.associateBy { it.hash }
        val (draft, missing, missingLine, photos, offer) = withContext(io) {
            val draft = reports.draft(draftId)
            val photos = draft.photos.map { p -> known[p.hash] ?: DraftPhoto(p.hash, runCatching { reports.photo(p.hash) }.getOrNull()) }
            // Photos attached before the app was closed keep their recorded position: the core
            // says which one is worth offering.
            val offer = runCatching { reports.photoLocationOffer(draftId) }.getOrNull()
            Refreshed(draft, reports.missing(draftId), reports.missingLine(draftId), photos, offer)
        }
        _state.update { s ->
            s.copy(
                photos = photos,
                location = draft.location,
                photoLocationOffer = offer,
                category = s.categories.firstOrNull { it.code == draft.category },
                answers = draft.answers.associate { it.question to it.answer },
                anonymous = draft.anonymous,
                missing = missing,
                missingLine = missingLine,
            )
        }
        lookNearby()
    }

    // --- Photos ---

    override fun attachPhoto(bytes: ByteArray) = attach { reports.attachPhoto(it, bytes) }

    override fun attachPhotoFile(path: String) = attach { reports.attachPhotoFile(it, path) }

    /** [call] decodes and stores the photo off this thread (the core's own). */
    private fun attach(call: suspend (String) -> AttachedPhoto) = enqueue {
        val draftId = id ?: return@enqueue
        try {
            val attached = call(draftId)
            val bytes = withContext(io) { runCatching { reports.photo(attached.photo.hash) }.getOrNull() }
            _state.update { s ->
                s.copy(
                    error = null,
                    photos = s.photos.filter { it.hash != attached.photo.hash } + DraftPhoto(attached.photo.hash, bytes),
                )
            }
            // A draft without a place takes the photo's recorded position (the core's rule): it
            // says where that is, or that the photo was taken outside the area.
            val placed = attached.placed
            val outside = attached.outsideArea
            if (placed != null) {
                _state.update { it.copy(area = placed, outsideArea = null) }
            } else if (outside != null) {
                _state.update { it.copy(outsideArea = outside) }
            }
        } catch (e: CivicException) {
            _state.update { it.copy(error = e.forPeople()) }
        }
        refresh()
    }

    override fun removePhoto(hash: String) = enqueue {
        val draftId = id ?: return@enqueue
        withContext(io) { reports.removePhoto(draftId, hash) }
        _state.update { s -> s.copy(photos = s.photos.filter { it.hash != hash }) }
        refresh()
    }

    // --- Location ---

    /** The phone's fix (or the pin, or the photo's): sets where the problem is. */
    override fun setLocation(fix: LocationFix) = enqueue {
        val draftId = id ?: return@enqueue
        placeWith { reports.setLocation(draftId, fix) }
        refresh()
    }

    override fun usePhotoLocation(hash: String) = enqueue {
        val draftId = id ?: return@enqueue
        placeWith { reports.usePhotoLocation(draftId, hash) }
        refresh()
    }

    /** The map was dragged: the pin at its centre is the point (saved once the map rests). */
    override fun movePin(at: LatLon) {
        val current = _state.value.location
        if (current != null && current.lat == at.lat && current.lon == at.lon) return
        pinJob?.cancel()
        pinJob = scope.launch {
            delay(300)
            setLocation(LocationFix(at.lat, at.lon, 0.0, FixSource.PIN, Instant.now()))
        }
    }

    private suspend fun placeWith(call: () -> AreaCheck) {
        try {
            val area = withContext(io) { call() }
            _state.update { it.copy(area = area, outsideArea = null) }
        } catch (e: CivicException.OutsideServiceArea) {
            // The draft keeps its previous point: say so, lose nothing.
            _state.update { it.copy(outsideArea = e.forPeople()) }
        }
    }

    // --- Category and questions ---

    override fun openPicker() = _state.update { it.copy(picking = true, query = "", results = it.categories) }

    override fun closePicker() = _state.update { it.copy(picking = false) }

    override fun search(query: String) {
        _state.update { it.copy(query = query) }
        scope.launch {
            val found = if (query.isBlank()) _state.value.categories else withContext(io) { app.searchCategories(query) }
            _state.update { if (it.query == query) it.copy(results = found) else it }
        }
    }

    override fun chooseCategory(code: String) {
        _state.update { s -> s.copy(picking = false, category = s.categories.firstOrNull { it.code == code } ?: s.category) }
        enqueue {
            val draftId = id ?: return@enqueue
            withContext(io) { reports.setCategory(draftId, code) }
            // Answers the new category does not ask are dropped by the core; typed ones too.
            val asks = _state.value.categories.firstOrNull { it.code == code }?.questions?.map { it.code }.orEmpty().toSet()
            _state.update { s -> s.copy(answerTexts = s.answerTexts.filterKeys { it in asks }) }
            refresh()
        }
    }

    override fun answer(question: String, answer: Answer?) = enqueue {
        val draftId = id ?: return@enqueue
        try {
            withContext(io) { reports.setAnswer(draftId, question, answer) }
            _state.update { it.copy(error = null) }
        } catch (e: CivicException.InvalidInput) {
            _state.update { it.copy(error = e.forPeople()) }
        }
        refresh()
    }

    /** A text or number question, as typed: kept at once, saved when typing stops. */
    override fun typeAnswer(question: String, text: String) {
        _state.update { it.copy(answerTexts = it.answerTexts + (question to text)) }
        val kind = _state.value.category?.questions?.firstOrNull { it.code == question }?.kind
        val value: Answer? = when {
            text.isBlank() -> null
            kind == org.civic.core.QuestionKind.NUMBER -> parseNumber(text)?.let { Answer.Number(it) } ?: return
            else -> Answer.Text(text)
        }
        later("answer:$question") { draftId -> reports.setAnswer(draftId, question, value) }
    }

    override fun describe(text: String) {
        _state.update { it.copy(description = text) }
        later("description") { draftId -> reports.setDescription(draftId, text) }
    }

    /** Saves typed text [typingDelayMs] after the last key ([save] is a blocking core call). */
    private fun later(key: String, save: (String) -> Unit) {
        val job = scope.launch {
            delay(typingDelayMs)
            val due = synchronized(pending) { pending.remove(key) }
            if (due != null) enqueueSave(save)
        }
        synchronized(pending) { pending.put(key, job to save) }?.first?.cancel()
    }

    private fun enqueueSave(save: (String) -> Unit) = enqueue {
        val draftId = id ?: return@enqueue
        try {
            withContext(io) { save(draftId) }
        } catch (e: CivicException.InvalidInput) {
            _state.update { it.copy(error = e.forPeople()) }
        }
        refresh()
    }

    /** Takes what is typed but not saved yet, stopping its timers. */
    private fun takePending(): List<(String) -> Unit> = synchronized(pending) {
        val saves = pending.values.toList()
        pending.clear()
        saves
    }.map { (job, save) ->
        job.cancel()
        save
    }

    /** Saves what is typed now (before sending). */
    private fun flush() = takePending().forEach { enqueueSave(it) }

    override fun setAnonymous(anonymous: Boolean) {
        _state.update { it.copy(anonymous = anonymous) }
        enqueue {
            val draftId = id ?: return@enqueue
            withContext(io) { reports.setAnonymous(draftId, anonymous) }
        }
    }

    // --- Me too ---

    /** Asks the city for open reports of the draft's category around its point (online only). */
    private fun lookNearby() {
        val s = _state.value
        val at = s.location
        val category = s.category
        if (at == null || category == null || s.result != null) {
            nearbyKey = null
            _state.update { it.copy(nearby = emptyList()) }
            return
        }
        val key = Triple(at.lat, at.lon, category.code)
        if (key == nearbyKey) return
        nearbyKey = key
        _state.update { it.copy(nearbyDismissed = it.nearbyDismissed && it.category?.code == category.code) }
        scope.launch {
            val offers = try {
                reports.nearby(at.lat, at.lon, category.code).map { n ->
                    val photo = n.report.photos.firstOrNull()?.let { hash ->
                        try {
                            reports.remotePhoto(hash)
                        } catch (e: CivicException) {
                            null
                        }
                    }
                    NearbyOffer(
                        id = n.id,
                        publicNumber = n.report.publicNumber,
                        category = s.categories.firstOrNull { it.code == n.report.category }?.name ?: category.name,
                        status = n.report.status,
                        statusLabel = n.report.statusLabel,
                        distanceM = n.distanceM,
                        at = LatLon(n.report.lat, n.report.lon),
                        supporters = n.report.supporters,
                        description = n.report.description,
                        photo = photo,
                    )
                }
            } catch (e: CivicException) {
                emptyList() // Offline or the server busy: nothing to offer, the citizen sends theirs.
            }
            if (nearbyKey == key) _state.update { it.copy(nearby = offers) }
        }
    }

    /** "Me too" on [offerId]: counted by the city, and this draft (a duplicate) is thrown away. */
    override fun meToo(offerId: String) {
        val offer = _state.value.nearby.firstOrNull { it.id == offerId } ?: return
        if (_state.value.supporting != null) return
        _state.update { it.copy(supporting = offerId, error = null) }
        scope.launch {
            try {
                reports.support(offerId)
                // Kept on the phone; sent now when there is a connection, else later.
                scope.launch {
                    try {
                        app.syncNow()
                    } catch (e: CivicException) {
                        // The "me too" waits, kept, for the next sync.
                    }
                }
                takePending()
                enqueue {
                    val draftId = id
                    if (draftId != null) withContext(io) { reports.discardDraft(draftId) }
                    _state.update { it.copy(supporting = null, result = CaptureResult.Supported(offer.publicNumber)) }
                }
            } catch (e: CivicException) {
                _state.update { it.copy(supporting = null, error = e.forPeople()) }
            }
        }
    }

    /** "Send mine anyway": no more offers; sends at once when the report is complete. */
    override fun sendAnyway() {
        _state.update { it.copy(nearbyDismissed = true) }
        if (_state.value.missing.isEmpty()) send()
    }

    // --- Send ---

    override fun send() {
        if (_state.value.sending || _state.value.result != null) return
        flush()
        enqueue {
            val draftId = id ?: return@enqueue
            _state.update { it.copy(sending = true, error = null) }
            try {
                val report = reports.send(draftId)
                val saved = CaptureResult.Saved(report.id, _state.value.category?.expectedHours)
                // The Android layer schedules background delivery before anyone sees "saved".
                onQueued(report.id)
                _state.update { it.copy(sending = false, result = saved, nearby = emptyList(), syncing = syncAfterSend) }
                if (syncAfterSend) deliver(saved)
            } catch (e: CivicException.Incomplete) {
                val line = withContext(io) { runCatching { reports.missingLine(draftId) }.getOrNull() }
                _state.update { it.copy(sending = false, missing = e.missing, missingLine = line, error = e.forPeople()) }
            }
        }
    }

    /** Tries to deliver the saved report now; offline it stays saved, which is no failure. */
    override fun trySyncNow() {
        val saved = _state.value.result as? CaptureResult.Saved ?: return
        if (_state.value.syncing) return
        _state.update { it.copy(syncing = true) }
        deliver(saved)
    }

    private fun deliver(saved: CaptureResult.Saved) {
        scope.launch {
            try {
                app.syncNow()
            } catch (e: CivicException) {
                // Offline: the outbox keeps it and the background sync will try again.
            }
            checkDelivered(saved.reportId, saved.expectedHours)
            _state.update { it.copy(syncing = false) }
        }
    }

    private suspend fun checkDelivered(reportId: String, hours: UInt?) {
        val report = try {
            withContext(io) { reports.report(reportId).report }
        } catch (e: CivicException) {
            return
        }
        if (report.status != ReportStatus.QUEUED) {
            _state.update {
                if (it.result is CaptureResult.Saved) {
                    it.copy(
                        result = CaptureResult.Delivered(reportId, report.publicNumber, hours),
                    )
                } else {
                    it
                }
            }
        }
    }

    // --- Discard, again ---

    override fun askDiscard() = _state.update { it.copy(confirmDiscard = true) }

    override fun cancelDiscard() = _state.update { it.copy(confirmDiscard = false) }

    override fun discard() {
        takePending()
        enqueue {
            val draftId = id ?: return@enqueue
            withContext(io) { reports.discardDraft(draftId) }
            _state.update { it.copy(confirmDiscard = false, result = CaptureResult.Discarded, nearby = emptyList()) }
        }
    }

    /** After a result: a new, empty report. */
    override fun startAnother() {
        nearbyKey = null
        enqueue { load(fresh = true) }
    }

    override fun dismissError() = _state.update { it.copy(error = null) }

    override fun close() {
        // Text typed just before the app closed: keep it.
        val draftId = id
        val unsaved = takePending()
        if (draftId != null && _state.value.result == null) unsaved.forEach { runCatching { it(draftId) } }
        observer.cancel()
        work.close()
    }

    companion object {
        fun parseNumber(text: String): Double? = text.trim().replace(',', '.').toDoubleOrNull()?.takeIf { it.isFinite() }

        fun numberText(value: Double): String =
            if (value == Math.floor(value) && kotlin.math.abs(value) < 1e15) value.toLong().toString() else value.toString()
    }
}
