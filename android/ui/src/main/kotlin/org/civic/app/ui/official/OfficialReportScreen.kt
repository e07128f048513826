package org.civic.app.ui.official

import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AssistChip
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Card
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.clip
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.launch
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.LatLon
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.LocalPlatform
import org.civic.app.ui.MapMarker
import org.civic.app.ui.Str
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.common.Field
import org.civic.app.ui.common.Format
import org.civic.app.ui.common.PhotoView
import org.civic.app.ui.common.StatusChip
import org.civic.app.ui.common.statusTextColor
import org.civic.app.ui.t
import org.civic.app.ui.theme.statusColor
import org.civic.core.LocationFix
import org.civic.core.OfficialAction
import org.civic.core.ReplyTemplate
import org.civic.core.ReportStatus
import org.civic.core.TimelineStep
import org.civic.core.actorLabel

/** What the report screen does; the screen wires these to the view model. */
class OfficialReportActions(
    val onBack: () -> Unit = {},
    val onRefresh: () -> Unit = {},
    val onMove: (ReportStatus) -> Unit = {},
    val onReply: (String) -> Unit = {},
    val onTemplate: (ReplyTemplate) -> Unit = {},
    val onSendReply: () -> Unit = {},
    val onRejectNote: (String) -> Unit = {},
    val onReject: () -> Unit = {},
    val onOpenResolve: () -> Unit = {},
    val onCloseForm: () -> Unit = {},
    val onResolveNote: (String) -> Unit = {},
    val onTakePhoto: () -> Unit = {},
    val onResolve: () -> Unit = {},
    val onRetry: () -> Unit = {},
)

/**
 * A work item in full for an official: the citizen's photos, where it is, what they wrote,
 * the timeline, and what to do next (move it on, reply, reject, resolve). [onTakeAfterPhoto]
 * opens the camera and gives the JPEG's bytes (null when cancelled); [currentLocation] is the
 * official's fix now (null when there is none).
 */
@Composable
fun OfficialReportScreen(
    model: OfficialReportViewModel,
    onBack: () -> Unit,
    onTakeAfterPhoto: suspend () -> ByteArray?,
    currentLocation: suspend () -> LocationFix?,
) {
    val state by model.state.collectAsState()
    val scope = rememberCoroutineScope()
    OfficialReportContent(
        state,
        OfficialReportActions(
            onBack = onBack,
            onRefresh = model::load,
            onMove = model::move,
            onReply = model::setReply,
            onTemplate = model::useTemplate,
            onSendReply = model::sendReply,
            onRejectNote = model::setRejectNote,
            onReject = model::reject,
            onOpenResolve = model::openResolveForm,
            onCloseForm = model::closeForm,
            onResolveNote = model::setResolveNote,
            onTakePhoto = { scope.launch { onTakeAfterPhoto()?.let(model::setAfterPhoto) } },
            onResolve = { scope.launch { model.resolve(currentLocation()) } },
            onRetry = model::retryPending,
        ),
    )
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun OfficialReportContent(state: OfficialReportState, actions: OfficialReportActions) {
    val resolving = state.form == Form.RESOLVE
    Scaffold(
        topBar = {
            TopAppBar(
                title = {
                    Text(
                        if (resolving) {
                            t(Str.OFFICIAL_RESOLVE)
                        } else {
                            state.item?.publicNumber
                                ?: t(Str.OFFICIAL_REPORT_TITLE)
                        },
                        maxLines = 1,
                        overflow = TextOverflow.Ellipsis,
                    )
                },
                navigationIcon = {
                    TextButton(onClick = if (resolving) actions.onCloseForm else actions.onBack) { Text(t(Str.OFFICIAL_BACK)) }
                },
            )
        },
    ) { padding ->
        Column(
            Modifier.padding(padding).fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Banners(state, actions)
            val item = state.item
            if (item == null) {
                if (!state.loaded) {
                    Text(t(Str.OFFICIAL_LOADING))
                } else if (state.offline) {
                    TextButton(onClick = actions.onRefresh) { Text(t(Str.OFFICIAL_TRY_AGAIN)) }
                }
                return@Column
            }
            if (resolving) ResolveForm(state, actions) else Detail(state, actions)
        }
    }
}

@Composable
private fun Banners(state: OfficialReportState, actions: OfficialReportActions) {
    val language = LocalLanguage.current
    if (state.offline) {
        Notice(
            language.pick(Str.OFFICIAL_OFFLINE),
        )
    }
    if (state.pending.isNotEmpty()) {
        Card(Modifier.fillMaxWidth()) {
            Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                Text(
                    t(Str.OFFICIAL_PENDING_TITLE),
                    style = MaterialTheme.typography.titleSmall,
                    modifier = Modifier.semantics { heading() },
                )
                for (p in state.pending) {
                    Column(Modifier.semantics(mergeDescendants = true) {}) {
                        Text(describe(p.action, language), style = MaterialTheme.typography.bodyMedium)
                        Text(
                            if (!state.sending) OfficialWords.waiting(language) else language.pick(Str.OFFICIAL_SENDING),
                            style = MaterialTheme.typography.bodySmall,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                    }
                }
                Text(
                    t(Str.OFFICIAL_PENDING_HINT),
                    style = MaterialTheme.typography.bodySmall,
                )
                if (!state.sending) {
                    OutlinedButton(onClick = actions.onRetry, modifier = Modifier.heightIn(min = 48.dp)) {
                        Text(t(Str.OFFICIAL_SEND_PENDING))
                    }
                }
            }
        }
    }
    state.error?.let { ErrorText(it) }
    state.done?.let {
        Notice(
            when (it) {
                Done.MOVED -> language.pick(Str.OFFICIAL_DONE_STATUS)
                Done.REPLIED -> language.pick(Str.OFFICIAL_DONE_REPLY)
                Done.RESOLVED -> language.pick(Str.OFFICIAL_DONE_RESOLVE)
                Done.REJECTED -> language.pick(Str.OFFICIAL_DONE_REJECT)
            },
        )
    }
}

@Composable
private fun Notice(text: String) {
    Surface(color = MaterialTheme.colorScheme.secondaryContainer, shape = RoundedCornerShape(8.dp), modifier = Modifier.fillMaxWidth()) {
        Text(text, color = MaterialTheme.colorScheme.onSecondaryContainer, modifier = Modifier.padding(12.dp))
    }
}

private fun describe(action: OfficialAction, language: AppLanguage): String = when (action) {
    is OfficialAction.ChangeStatus ->
        if (action.to == ReportStatus.REJECTED) {
            language.pick(Str.officialPendingReject(action.note.orEmpty()))
        } else {
            language.pick(Str.officialPendingMove(OfficialWords.status(action.to, language)))
        }
    is OfficialAction.Reply -> language.pick(Str.officialPendingReply(action.text))
    is OfficialAction.Resolve -> language.pick(Str.officialPendingResolve(action.note))
}

@Composable
private fun Section(title: String) {
    Text(title, style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 8.dp).semantics { heading() })
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun Detail(state: OfficialReportState, actions: OfficialReportActions) {
    val item = state.item ?: return
    val language = LocalLanguage.current
    val overdue = OfficialWords.overdue(item.dueAt, state.now)
    val open = state.moves.isNotEmpty() || state.canReject || state.canResolve

    Column(Modifier.semantics(mergeDescendants = true) {}) {
        Text(state.categoryName ?: item.category, style = MaterialTheme.typography.headlineSmall)
        Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.padding(top = 6.dp)) {
            StatusChip(item.status, item.statusLabel)
            Spacer(Modifier.width(8.dp))
            if (open) {
                Text(
                    OfficialWords.due(item.dueAt, state.now, language),
                    color = if (overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant,
                    fontWeight = if (overdue) FontWeight.Bold else FontWeight.Normal,
                )
            }
        }
    }
    Column {
        item.ward?.let { Field(t(Str.OFFICIAL_WARD), it.name) }
        Field(t(Str.OFFICIAL_RECEIVED_AT), Format.dateTime(item.receivedAt))
        Field(t(Str.OFFICIAL_DUE_AT), Format.dateTime(item.dueAt))
        Field(t(Str.OFFICIAL_SUPPORTERS_LABEL), item.supporters.toString())
    }

    if (item.photos.isNotEmpty()) {
        Row(Modifier.horizontalScroll(rememberScrollState()), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            item.photos.forEachIndexed { i, hash ->
                PhotoView(
                    state.photos[hash],
                    language.pick(Str.officialCitizenPhoto(i + 1)),
                    Modifier.size(160.dp, 120.dp).clip(RoundedCornerShape(8.dp)),
                )
            }
        }
    }
    val at = LatLon(item.location.lat, item.location.lon)
    LocalPlatform.current.Map(
        at,
        17.0,
        listOf(MapMarker(at, language.pick(Str.OFFICIAL_LOCATION), statusColor(item.status))),
        emptyList(),
        Modifier.fillMaxWidth().height(180.dp).clip(RoundedCornerShape(8.dp)),
        null,
        null,
    )
    if (item.description.isNotBlank()) {
        Section(t(Str.OFFICIAL_CITIZEN_WROTE))
        Text(item.description, style = MaterialTheme.typography.bodyLarge)
    }

    if (open) {
        Section(t(Str.OFFICIAL_MOVE_ON))
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            for (to in state.moves) {
                OutlinedButton(onClick = { actions.onMove(to) }, enabled = !state.sending, modifier = Modifier.heightIn(min = 48.dp)) {
                    Text("→ ${OfficialWords.status(to, language)}")
                }
            }
            if (state.canResolve) {
                Button(onClick = actions.onOpenResolve, modifier = Modifier.heightIn(min = 48.dp)) {
                    Text(t(Str.OFFICIAL_RESOLVE_OPEN))
                }
            }
        }
    }

    Section(t(Str.OFFICIAL_REPLY_CITIZEN))
    if (state.templates.isNotEmpty()) {
        Text(t(Str.OFFICIAL_TEMPLATES_HINT), style = MaterialTheme.typography.bodySmall)
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            for (template in state.templates) {
                AssistChip(
                    onClick = { actions.onTemplate(template) },
                    label = { Text(template.title) },
                    modifier = Modifier.heightIn(min = 48.dp),
                )
            }
        }
    }
    OutlinedTextField(
        value = state.reply,
        onValueChange = actions.onReply,
        label = { Text(t(Str.OFFICIAL_REPLY_TEXT)) },
        minLines = 3,
        modifier = Modifier.fillMaxWidth(),
    )
    Button(
        onClick = actions.onSendReply,
        enabled = state.reply.isNotBlank() && !state.sending,
        modifier = Modifier.heightIn(min = 48.dp),
    ) { Text(t(Str.OFFICIAL_SEND_REPLY)) }

    if (state.canReject) {
        Section(t(Str.OFFICIAL_REJECT))
        OutlinedTextField(
            value = state.rejectNote,
            onValueChange = actions.onRejectNote,
            label = { Text(t(Str.OFFICIAL_REJECT_REASON)) },
            isError = state.problem == Problem.REASON_REQUIRED,
            modifier = Modifier.fillMaxWidth(),
        )
        if (state.problem == Problem.REASON_REQUIRED) ErrorText(t(Str.OFFICIAL_REJECT_REASON_NEEDED))
        OutlinedButton(
            onClick = actions.onReject,
            enabled = !state.sending,
            colors = ButtonDefaults.outlinedButtonColors(contentColor = MaterialTheme.colorScheme.error),
            modifier = Modifier.heightIn(min = 48.dp),
        ) { Text(t(Str.OFFICIAL_REJECT_REPORT)) }
    }

    Section(t(Str.OFFICIAL_TIMELINE))
    Timeline(item.timeline, state)
}

@Composable
private fun Timeline(steps: List<TimelineStep>, state: OfficialReportState) {
    val language = LocalLanguage.current
    for (step in steps) {
        Column(Modifier.fillMaxWidth().semantics(mergeDescendants = true) {}) {
            Text(
                "${Format.dateTime(step.at)} · ${actorLabel(step.actor, language.code)}",
                style = MaterialTheme.typography.labelMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
            step.status?.let {
                Text(OfficialWords.status(it, language), color = statusTextColor(it), fontWeight = FontWeight.SemiBold)
            }
            step.note?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
            step.photo?.let { hash ->
                PhotoView(
                    state.photos[hash],
                    language.pick(Str.OFFICIAL_AFTER_PHOTO),
                    Modifier.padding(top = 4.dp).size(120.dp, 90.dp).clip(RoundedCornerShape(8.dp)),
                )
            }
        }
        HorizontalDivider()
    }
}

@Composable
private fun ResolveForm(state: OfficialReportState, actions: OfficialReportActions) {
    val language = LocalLanguage.current
    Text(state.categoryName ?: "", style = MaterialTheme.typography.titleMedium)
    Text(
        t(Str.OFFICIAL_RESOLVE_HINT),
        style = MaterialTheme.typography.bodyMedium,
    )
    OutlinedTextField(
        value = state.resolveNote,
        onValueChange = actions.onResolveNote,
        label = { Text(t(Str.OFFICIAL_RESOLVE_NOTE)) },
        isError = state.problem == Problem.NOTE_REQUIRED,
        minLines = 3,
        modifier = Modifier.fillMaxWidth(),
    )
    if (state.problem == Problem.NOTE_REQUIRED) ErrorText(t(Str.OFFICIAL_RESOLVE_NOTE_NEEDED))
    val photo = state.afterPhoto
    if (photo != null) {
        PhotoView(
            photo,
            language.pick(Str.OFFICIAL_AFTER_PHOTO),
            Modifier.fillMaxWidth().height(200.dp).clip(RoundedCornerShape(8.dp)),
        )
    }
    OutlinedButton(onClick = actions.onTakePhoto, enabled = !state.sending, modifier = Modifier.heightIn(min = 48.dp)) {
        Text(if (photo == null) t(Str.OFFICIAL_TAKE_AFTER_PHOTO) else t(Str.OFFICIAL_TAKE_AGAIN))
    }
    when (state.problem) {
        Problem.PHOTO_REQUIRED -> ErrorText(t(Str.OFFICIAL_AFTER_PHOTO_NEEDED))
        Problem.LOCATION_REQUIRED -> ErrorText(
            t(Str.OFFICIAL_POSITION_UNKNOWN),
        )
        else -> {}
    }
    Button(
        onClick = actions.onResolve,
        enabled = !state.sending,
        modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp),
    ) { Text(t(Str.OFFICIAL_SEND_RESOLVE)) }
    TextButton(onClick = actions.onCloseForm, modifier = Modifier.heightIn(min = 48.dp)) { Text(t(Str.OFFICIAL_CANCEL)) }
}
