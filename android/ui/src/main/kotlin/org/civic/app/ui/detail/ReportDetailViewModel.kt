package org.civic.app.ui.detail

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
import org.civic.app.ui.common.Format
import org.civic.app.ui.common.followSync
import org.civic.app.ui.common.forPeople
import org.civic.app.ui.common.syncForRefresh
import org.civic.core.Answer
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.Question
import org.civic.core.ReportDetail
import org.civic.core.ReportStatus
import org.civic.core.SyncState
import org.civic.core.TimelineStep
import java.util.Locale

/** A question of the report's category and the citizen's answer, both in words. */
data class AnsweredQuestion(val prompt: String, val answer: String)

/**
 * A photo of the report or of the timeline: its bytes when they are on the phone, null when
 * they are not (not downloaded yet, or the phone's storage failed).
 */
class PhotoBytes(val hash: String, val bytes: ByteArray?) {
    override fun equals(other: Any?): Boolean = other is PhotoBytes && other.hash == hash && (other.bytes != null) == (bytes != null)
    override fun hashCode(): Int = hash.hashCode() * 31 + (if (bytes != null) 1 else 0)
}

/** An action that needs the network (rate, reopen): what is typed survives a failure. */
data class ActionState(
    val sending: Boolean = false,
    /** The core's message, in the app's language. */
    val error: String? = null,
    /** The failure was "no connection": the screen says the network is needed. */
    val needsNetwork: Boolean = false,
    val done: Boolean = false,
)

/** What the report's detail screen shows. */
data class ReportDetailState(
    val detail: ReportDetail? = null,
    val categoryName: String? = null,
    val answers: List<AnsweredQuestion> = emptyList(),
    /** The report's photos, in order. */
    val photos: List<PhotoBytes> = emptyList(),
    /** When resolved: the first report photo and the resolution's after-photo. */
    val before: PhotoBytes? = null,
    val after: PhotoBytes? = null,
    /** Headlines of the warnings the report was filed under. */
    val warnings: List<String> = emptyList(),
    /** The stars the citizen gave the current outcome, if they rated it. */
    val ratedStars: Int? = null,
    /** The rating being chosen (0: none yet) and its comment. */
    val stars: Int = 0,
    val comment: String = "",
    val rating: ActionState = ActionState(),
    val reopenReason: String = "",
    val reopen: ActionState = ActionState(),
    val sync: SyncState = SyncState.Idle(null),
    val refreshing: Boolean = false,
    val error: String? = null,
    val loaded: Boolean = false,
) {
    val status: ReportStatus? get() = detail?.report?.status

    /** The citizen may rate the city's answer once it is resolved, once per outcome. */

    /** The core says when: resolved or rejected, not yet rated (and not just rated here). */
    val canRate: Boolean get() = detail?.canRate == true && ratedStars == null

    /** A resolved or rejected report may be reopened, with a reason. */
    val canReopen: Boolean get() = status == ReportStatus.RESOLVED || status == ReportStatus.REJECTED

    /** The timeline, oldest first (as it happened; the newest step is last). */
    val timeline: List<TimelineStep> get() = detail?.timeline.orEmpty()
}

/**
 * One of the citizen's reports: what was sent, where it stands, the city's answers, and the
 * citizen's rating or reopening. Kept current by the core's sync observer. Every call into the
 * core runs on [io]; [close] stops observing.
 */
class ReportDetailViewModel(
    private val app: CivicApp,
    private val reportId: String,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) : AutoCloseable {
    private val _state = MutableStateFlow(ReportDetailState())
    val state: StateFlow<ReportDetailState> = _state.asStateFlow()

    private val reports = app.reports()

    // A sync may bring a new status, a reply or an after-photo.
    private val observer: Job = app.followSync(
        scope,
        onState = { state -> _state.update { it.copy(sync = state) } },
        onError = { e -> _state.update { it.copy(error = e.forPeople()) } },
        onSynced = { load() },
    )

    init {
        _state.update { it.copy(sync = app.syncState()) }
        load()
    }

    /** Reads the report, its photos and its category again from the phone. */
    fun load() {
        scope.launch {
            try {
                val loaded = withContext(io) { read() }
                _state.update {
                    it.copy(
                        detail = loaded.detail,
                        categoryName = loaded.categoryName,
                        answers = loaded.answers,
                        photos = loaded.photos,
                        before = loaded.before,
                        after = loaded.after,
                        warnings = loaded.warnings,
                        ratedStars = loaded.ratedStars,
                        loaded = true,
                        error = null,
                    )
                }
            } catch (e: CivicException) {
                _state.update { it.copy(error = e.forPeople(), loaded = true) }
            }
        }
    }

    private class Loaded(
        val detail: ReportDetail,
        val categoryName: String?,
        val answers: List<AnsweredQuestion>,
        val photos: List<PhotoBytes>,
        val before: PhotoBytes?,
        val after: PhotoBytes?,
        val warnings: List<String>,
        val ratedStars: Int?,
    )

    private fun read(): Loaded {
        val detail = reports.report(reportId)
        val report = detail.report
        val category = app.categories().firstOrNull { it.code == report.category }
        val questions = category?.questions.orEmpty().associateBy { it.code }
        val answers = report.answers.map { qa ->
            val question = questions[qa.question]
            AnsweredQuestion(question?.prompt ?: qa.question, answerText(qa.answer, question))
        }
        val known = HashMap<String, PhotoBytes>()
        fun photo(hash: String): PhotoBytes = known.getOrPut(hash) {
            // A photo that is not on the phone (not fetched yet) shows as a placeholder.
            PhotoBytes(
                hash,
                try {
                    reports.photo(hash)
                } catch (e: CivicException) {
                    null
                },
            )
        }
        val photos = report.photos.map { photo(it.hash) }
        val resolution = detail.timeline.lastOrNull { it.status == ReportStatus.RESOLVED }
        val afterHash = resolution?.photo ?: detail.timeline.lastOrNull { it.photo != null }?.photo
        val resolved = report.status == ReportStatus.RESOLVED
        val before = if (resolved && afterHash != null) photos.firstOrNull() else null
        val after = if (resolved && afterHash != null) photo(afterHash) else null
        val warnings = if (detail.alerts.isEmpty()) {
            emptyList()
        } else {
            val inbox = try {
                app.warnings().alerts(true)
            } catch (e: CivicException) {
                emptyList()
            }
            detail.alerts.map { id -> inbox.firstOrNull { it.id == id }?.headline ?: id }
        }
        return Loaded(detail, category?.name, answers, photos, before, after, warnings, detail.rating?.toInt())
    }

    /** Refreshes from the city: sends what waits and fetches what changed. */
    fun refresh() {
        if (_state.value.refreshing) return
        _state.update { it.copy(refreshing = true) }
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

    fun chooseStars(stars: Int) {
        _state.update { it.copy(stars = stars.coerceIn(1, 5), rating = it.rating.copy(error = null, needsNetwork = false)) }
    }

    fun setComment(text: String) {
        _state.update { it.copy(comment = text) }
    }

    /**
     * Rates the outcome: kept on the phone and shown at once, then sent when there is a
     * connection (without one it waits). The stars and comment stay on an error.
     */
    fun rate() {
        val now = _state.value
        if (now.rating.sending || now.stars !in 1..5 || !now.canRate) return
        _state.update { it.copy(rating = ActionState(sending = true)) }
        scope.launch {
            try {
                reports.rate(reportId, now.stars.toUByte(), now.comment.trim().ifEmpty { null })
                _state.update { it.copy(rating = ActionState(done = true), ratedStars = now.stars, comment = "") }
                load()
                deliver()
            } catch (e: CivicException) {
                _state.update { it.copy(rating = ActionState(error = e.forPeople(), needsNetwork = e is CivicException.Offline)) }
            }
        }
    }

    fun setReopenReason(text: String) {
        _state.update { it.copy(reopenReason = text, reopen = it.reopen.copy(error = null, needsNetwork = false)) }
    }

    /** Reopens the report with the reason typed: kept and shown at once, sent when online. The reason stays on an error. */
    fun reopen() {
        val now = _state.value
        val reason = now.reopenReason.trim()
        if (now.reopen.sending || reason.isEmpty() || !now.canReopen) return
        _state.update { it.copy(reopen = ActionState(sending = true)) }
        scope.launch {
            try {
                reports.reopen(reportId, reason)
                _state.update { it.copy(reopen = ActionState(done = true), reopenReason = "") }
                load()
                deliver()
            } catch (e: CivicException) {
                _state.update { it.copy(reopen = ActionState(error = e.forPeople(), needsNetwork = e is CivicException.Offline)) }
            }
        }
    }

    /** Sends what was just kept, when there is a connection; without one it waits, kept. */
    private fun deliver() {
        scope.launch {
            app.syncForRefresh()
            load()
        }
    }

    override fun close() {
        observer.cancel()
    }

    companion object {
        /** An answer in words: a list choice by its label, a number without a needless ".0". */
        fun answerText(answer: Answer, question: Question?): String {
            fun label(key: String) = question?.choices?.firstOrNull { it.key == key }?.label ?: key
            return when (answer) {
                is Answer.Text -> answer.value
                is Answer.Number ->
                    if (answer.value % 1.0 == 0.0) {
                        answer.value.toLong().toString()
                    } else {
                        String.format(Locale.ROOT, "%.2f", answer.value).trimEnd('0')
                    }
                is Answer.DateTime -> Format.dateTime(answer.value)
                is Answer.Choice -> label(answer.key)
                is Answer.Choices -> answer.keys.joinToString(", ") { label(it) }
            }
        }
    }
}
