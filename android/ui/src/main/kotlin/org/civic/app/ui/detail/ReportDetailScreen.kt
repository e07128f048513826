package org.civic.app.ui.detail

import androidx.compose.foundation.background
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.sizeIn
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.material3.pulltorefresh.PullToRefreshBox
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.clip
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.LatLon
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.LocalPlatform
import org.civic.app.ui.MapMarker
import org.civic.app.ui.Str
import org.civic.app.ui.common.EmptyState
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.common.Field
import org.civic.app.ui.common.Format
import org.civic.app.ui.common.PhotoView
import org.civic.app.ui.common.StatusChip
import org.civic.app.ui.common.SyncBanner
import org.civic.app.ui.t
import org.civic.app.ui.theme.statusColor
import org.civic.core.ReportStatus
import org.civic.core.SyncState
import org.civic.core.TimelineActor
import org.civic.core.TimelineStep
import org.civic.core.statusLabel

/** A report's detail: what was sent, where it stands, the city's answers, rate or reopen. */
@Composable
fun ReportDetailScreen(model: ReportDetailViewModel, onBack: () -> Unit) {
    val state by model.state.collectAsState()
    ReportDetailContent(
        state,
        ReportDetailActions(
            onBack = onBack,
            onRefresh = model::refresh,
            onStars = model::chooseStars,
            onComment = model::setComment,
            onRate = model::rate,
            onReopenReason = model::setReopenReason,
            onReopen = model::reopen,
        ),
    )
}

/** What the detail screen can ask for. */
data class ReportDetailActions(
    val onBack: () -> Unit = {},
    val onRefresh: () -> Unit = {},
    val onStars: (Int) -> Unit = {},
    val onComment: (String) -> Unit = {},
    val onRate: () -> Unit = {},
    val onReopenReason: (String) -> Unit = {},
    val onReopen: () -> Unit = {},
)

/** The status in words for a timeline step: the core's words (`statusLabel`). */
fun statusText(status: ReportStatus, language: AppLanguage): String = statusLabel(status, language.code)

/** Who acted on a timeline step, as the citizen would say it. */
fun actorText(actor: TimelineActor, language: AppLanguage): String = when (actor) {
    TimelineActor.CITIZEN -> language.pick(Str.DETAIL_ACTOR_YOU)
    TimelineActor.OPERATOR -> language.pick(Str.DETAIL_ACTOR_OPERATOR)
    TimelineActor.OFFICER -> language.pick(Str.DETAIL_ACTOR_OFFICER)
    TimelineActor.SYSTEM -> language.pick(Str.DETAIL_ACTOR_SYSTEM)
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun ReportDetailContent(state: ReportDetailState, actions: ReportDetailActions) {
    val report = state.detail?.report
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(t(Str.DETAIL_TITLE)) },
                navigationIcon = { TextButton(onClick = actions.onBack) { Text(t(Str.DETAIL_BACK)) } },
            )
        },
    ) { padding ->
        Column(Modifier.padding(padding).fillMaxSize()) {
            SyncBanner(state.sync, 0)
            PullToRefreshBox(isRefreshing = state.refreshing, onRefresh = actions.onRefresh, modifier = Modifier.fillMaxSize()) {
                Column(
                    Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
                    verticalArrangement = Arrangement.spacedBy(16.dp),
                ) {
                    state.error?.let { ErrorText(it) }
                    if (state.detail == null) {
                        if (state.loaded) {
                            EmptyState(
                                t(Str.DETAIL_NOT_OPENED),
                                t(Str.DETAIL_NOT_OPENED_HINT),
                            )
                        }
                        return@Column
                    }
                    Header(state)
                    state.detail.refusal?.let { Refusal(it) }
                    // With one photo, "before" already shows it.
                    if (state.before == null || state.photos.size > 1) Photos(state.photos)
                    if (report != null && report.description.isNotBlank()) {
                        Text(report.description, style = MaterialTheme.typography.bodyLarge)
                    }
                    if (state.before != null || state.after != null) BeforeAfter(state.before, state.after)
                    if (state.status == ReportStatus.RESOLVED) Rating(state, actions)
                    if (state.canReopen) Reopen(state, actions)
                    Timeline(state.timeline)
                    Details(state)
                }
            }
        }
    }
}

@Composable
private fun SectionTitle(text: String) {
    Text(text, style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
}

@Composable
private fun Header(state: ReportDetailState) {
    val report = state.detail?.report ?: return
    val language = LocalLanguage.current
    Column(Modifier.semantics(mergeDescendants = true) {}) {
        Text(state.categoryName ?: report.category, style = MaterialTheme.typography.headlineSmall)
        Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.padding(top = 8.dp)) {
            StatusChip(report.status, report.statusLabel)
            report.publicNumber?.let {
                Spacer(Modifier.width(8.dp))
                Text(it, style = MaterialTheme.typography.bodyMedium)
            }
        }
        // A refused report stays "waiting" in the core; the refusal card says what happened.
        val delivery = when {
            state.detail.refusal != null -> null
            report.status == ReportStatus.QUEUED -> language.pick(Str.DETAIL_SAVED_NOT_SENT)
            state.detail.feedbackWaiting -> language.pick(Str.DETAIL_FEEDBACK_WAITING)
            else -> null
        }
        if (delivery != null) {
            Text(delivery, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(top = 8.dp))
        }
        // The city refused the citizen's rating or reopening: the core's words say why.
        state.detail.feedbackRefused?.let {
            Text(
                it,
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.error,
                modifier = Modifier.padding(top = 8.dp),
            )
        }
    }
}

@Composable
private fun Refusal(reason: String) {
    Card(
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer),
        modifier = Modifier.fillMaxWidth().semantics(mergeDescendants = true) {},
    ) {
        Column(Modifier.padding(16.dp)) {
            Text(
                t(Str.DETAIL_REJECTED_TITLE),
                style = MaterialTheme.typography.titleMedium,
                color = MaterialTheme.colorScheme.onErrorContainer,
            )
            Text(
                t(Str.detailReason(reason)),
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onErrorContainer,
                modifier = Modifier.padding(top = 4.dp),
            )
            Text(
                t(Str.DETAIL_REJECTED_HINT),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onErrorContainer,
                modifier = Modifier.padding(top = 4.dp),
            )
        }
    }
}

/** A photo, or a grey box that says the photo is not on this phone. */
@Composable
private fun PhotoOrPlaceholder(photo: PhotoBytes?, description: String, modifier: Modifier) {
    Box(modifier.clip(RoundedCornerShape(8.dp))) {
        PhotoView(photo?.bytes, description, Modifier.matchParentSize())
        if (photo?.bytes == null) {
            Text(
                t(Str.DETAIL_PHOTO_MISSING),
                style = MaterialTheme.typography.bodySmall,
                color = Color(0xFF263238),
                textAlign = TextAlign.Center,
                modifier = Modifier.align(Alignment.Center).padding(8.dp),
            )
        }
    }
}

@Composable
private fun Photos(photos: List<PhotoBytes>) {
    if (photos.isEmpty()) return
    val language = LocalLanguage.current
    Row(Modifier.fillMaxWidth().horizontalScroll(rememberScrollState()), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        photos.forEachIndexed { i, photo ->
            PhotoOrPlaceholder(
                photo,
                language.pick(Str.detailPhotoNumber(i + 1)),
                Modifier.size(width = 200.dp, height = 150.dp),
            )
        }
    }
}

@Composable
private fun BeforeAfter(before: PhotoBytes?, after: PhotoBytes?) {
    val language = LocalLanguage.current
    Column {
        SectionTitle(t(Str.DETAIL_BEFORE_AFTER))
        Row(Modifier.fillMaxWidth().padding(top = 8.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            val sides = listOf(
                Triple(language.pick(Str.DETAIL_BEFORE), language.pick(Str.DETAIL_PHOTO_BEFORE_DESCRIPTION), before),
                Triple(language.pick(Str.DETAIL_AFTER), language.pick(Str.DETAIL_PHOTO_AFTER_DESCRIPTION), after),
            )
            for ((label, description, photo) in sides) {
                Column(Modifier.weight(1f)) {
                    PhotoOrPlaceholder(
                        photo,
                        description,
                        Modifier.fillMaxWidth().height(140.dp),
                    )
                    Text(label, style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(top = 4.dp))
                }
            }
        }
    }
}

@Composable
private fun NeedsNetwork(action: ActionState) {
    val error = action.error ?: return
    // Not the core's Offline message: it says what waits will be sent later, which is not true
    // of a rating or a reopening (they are not queued).
    if (action.needsNetwork) {
        ErrorText(
            t(Str.DETAIL_NEEDS_NETWORK),
        )
    } else {
        ErrorText(error)
    }
}

@Composable
private fun Rating(state: ReportDetailState, actions: ReportDetailActions) {
    val language = LocalLanguage.current
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            val rated = state.ratedStars
            if (rated != null) {
                SectionTitle(t(Str.DETAIL_RATED))
                Text(
                    "★".repeat(rated) + "☆".repeat(5 - rated),
                    style = MaterialTheme.typography.headlineSmall,
                    color = MaterialTheme.colorScheme.primary,
                    modifier = Modifier.semantics { contentDescription = language.pick(Str.detailRatedStars(rated)) },
                )
                Text(
                    t(Str.DETAIL_RATING_THANKS),
                    style = MaterialTheme.typography.bodyMedium,
                )
                return@Column
            }
            SectionTitle(t(Str.DETAIL_RATE))
            Text(
                t(Str.DETAIL_RATING_KEPT),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
            Row {
                for (n in 1..5) {
                    val chosen = n <= state.stars
                    Box(
                        Modifier.sizeIn(minWidth = 48.dp, minHeight = 48.dp)
                            .clip(CircleShape)
                            .selectable(selected = n == state.stars, role = Role.RadioButton) { actions.onStars(n) }
                            .semantics {
                                contentDescription =
                                    if (n > 1) language.pick(Str.detailStars(n)) else language.pick(Str.detailStar(n))
                            },
                        contentAlignment = Alignment.Center,
                    ) {
                        Text(
                            if (chosen) "★" else "☆",
                            style = MaterialTheme.typography.headlineMedium,
                            color = if (chosen) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                    }
                }
            }
            OutlinedTextField(
                value = state.comment,
                onValueChange = actions.onComment,
                label = { Text(t(Str.DETAIL_RATING_COMMENT)) },
                modifier = Modifier.fillMaxWidth(),
            )
            NeedsNetwork(state.rating)
            Button(
                onClick = actions.onRate,
                enabled = state.stars in 1..5 && !state.rating.sending,
                modifier = Modifier.heightIn(min = 48.dp),
            ) {
                Text(if (state.rating.sending) t(Str.DETAIL_SENDING) else t(Str.DETAIL_SEND_RATING))
            }
        }
    }
}

@Composable
private fun Reopen(state: ReportDetailState, actions: ReportDetailActions) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            SectionTitle(t(Str.DETAIL_NOT_FIXED))
            Text(
                t(Str.DETAIL_REOPEN_HINT),
                style = MaterialTheme.typography.bodyMedium,
            )
            OutlinedTextField(
                value = state.reopenReason,
                onValueChange = actions.onReopenReason,
                label = { Text(t(Str.DETAIL_REOPEN_REASON)) },
                modifier = Modifier.fillMaxWidth(),
            )
            NeedsNetwork(state.reopen)
            OutlinedButton(
                onClick = actions.onReopen,
                enabled = state.reopenReason.isNotBlank() && !state.reopen.sending,
                modifier = Modifier.heightIn(min = 48.dp),
            ) {
                Text(if (state.reopen.sending) t(Str.DETAIL_SENDING) else t(Str.DETAIL_REOPEN_REPORT))
            }
        }
    }
}

@Composable
private fun Timeline(steps: List<TimelineStep>) {
    val language = LocalLanguage.current
    Column {
        SectionTitle(t(Str.DETAIL_TIMELINE))
        if (steps.isEmpty()) {
            Text(
                t(Str.DETAIL_TIMELINE_EMPTY),
                style = MaterialTheme.typography.bodyMedium,
                modifier = Modifier.padding(top = 8.dp),
            )
        }
        steps.forEachIndexed { i, step ->
            if (i > 0) HorizontalDivider()
            Row(Modifier.fillMaxWidth().padding(vertical = 10.dp).semantics(mergeDescendants = true) {}) {
                val color = step.status?.let { statusColor(it) } ?: MaterialTheme.colorScheme.outline
                Box(Modifier.padding(top = 6.dp).size(10.dp).clip(CircleShape).background(color))
                Spacer(Modifier.width(12.dp))
                Column(Modifier.weight(1f)) {
                    Text(
                        actorText(step.actor, language) + " · " + Format.dateTime(step.at),
                        style = MaterialTheme.typography.labelMedium,
                        color = MaterialTheme.colorScheme.onSurfaceVariant,
                    )
                    step.status?.let {
                        Text(
                            statusText(it, language),
                            style = MaterialTheme.typography.bodyLarge,
                            fontWeight = FontWeight.SemiBold,
                            color = MaterialTheme.colorScheme.onSurface,
                        )
                    }
                    step.note?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                    if (step.photo != null) {
                        Text(
                            t(Str.DETAIL_WITH_AFTER_PHOTO),
                            style = MaterialTheme.typography.bodySmall,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                    }
                }
            }
        }
    }
}

@Composable
private fun Details(state: ReportDetailState) {
    val report = state.detail?.report ?: return
    val language = LocalLanguage.current
    Column {
        SectionTitle(t(Str.DETAIL_DETAILS))
        val at = LatLon(report.location.lat, report.location.lon)
        LocalPlatform.current.Map(
            center = at,
            zoom = 16.0,
            markers = listOf(MapMarker(at, state.categoryName ?: report.category, statusColor(report.status), report.id)),
            areas = emptyList(),
            modifier = Modifier.fillMaxWidth().height(160.dp).padding(vertical = 8.dp).clip(RoundedCornerShape(8.dp)),
            onCenterChanged = null,
            onMarkerClick = null,
        )
        Field(t(Str.DETAIL_WARD), report.ward?.name ?: t(Str.DETAIL_UNKNOWN))
        Field(t(Str.DETAIL_CAPTURED_AT), Format.dateTime(report.capturedAt))
        Field(t(Str.DETAIL_NUMBER), report.publicNumber ?: t(Str.DETAIL_NUMBER_NONE))
        Field(
            t(Str.DETAIL_SENDER),
            if (report.anonymous) {
                t(Str.DETAIL_ANONYMOUS)
            } else {
                t(Str.DETAIL_NAMED)
            },
        )
        for (a in state.answers) Field(a.prompt, a.answer)
        if (state.warnings.isNotEmpty()) {
            Field(t(Str.DETAIL_FILED_UNDER_WARNING), state.warnings.joinToString("\n"))
        }
        val lat = "%.5f".format(java.util.Locale.ROOT, report.location.lat)
        val lon = "%.5f".format(java.util.Locale.ROOT, report.location.lon)
        Text(
            language.pick(Str.detailLocation(lat, lon)),
            style = MaterialTheme.typography.bodySmall,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
        )
    }
}
