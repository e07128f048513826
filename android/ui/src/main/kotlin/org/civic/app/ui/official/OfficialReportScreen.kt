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
                            t("Báo đã xử lý xong", "Report it resolved")
                        } else {
                            state.item?.publicNumber
                                ?: t("Phản ánh", "Report")
                        },
                        maxLines = 1,
                        overflow = TextOverflow.Ellipsis,
                    )
                },
                navigationIcon = {
                    TextButton(onClick = if (resolving) actions.onCloseForm else actions.onBack) { Text(t("‹ Quay lại", "‹ Back")) }
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
                    Text(t("Đang tải…", "Loading…"))
                } else if (state.offline) {
                    TextButton(onClick = actions.onRefresh) { Text(t("Thử lại", "Try again")) }
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
            language.pick(
                "Không có mạng. Các thao tác của cán bộ cần mạng; việc chưa gửi được giữ lại và sẽ gửi khi có mạng.",
                "No connection. Officials' actions need the network; what could not be sent is kept and sent when it is back.",
            ),
        )
    }
    if (state.pending.isNotEmpty()) {
        Card(Modifier.fillMaxWidth()) {
            Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                Text(
                    t("Việc chưa gửi", "Not sent yet"),
                    style = MaterialTheme.typography.titleSmall,
                    modifier = Modifier.semantics { heading() },
                )
                for (p in state.pending) {
                    Column(Modifier.semantics(mergeDescendants = true) {}) {
                        Text(describe(p.action, language), style = MaterialTheme.typography.bodyMedium)
                        Text(
                            if (!state.sending) OfficialWords.waiting(language) else language.pick("Đang gửi…", "Sending…"),
                            style = MaterialTheme.typography.bodySmall,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                    }
                }
                Text(
                    t(
                        "Đã lưu trên máy, kể cả khi đóng ứng dụng; sẽ tự gửi khi có mạng.",
                        "Kept on this phone, even if the app is closed; sent by itself when the network is back.",
                    ),
                    style = MaterialTheme.typography.bodySmall,
                )
                if (!state.sending) {
                    OutlinedButton(onClick = actions.onRetry, modifier = Modifier.heightIn(min = 48.dp)) {
                        Text(t("Gửi lại ngay", "Send now"))
                    }
                }
            }
        }
    }
    state.error?.let { ErrorText(it) }
    state.done?.let {
        Notice(
            when (it) {
                Done.MOVED -> language.pick("Đã cập nhật trạng thái.", "Status updated.")
                Done.REPLIED -> language.pick("Đã gửi trả lời cho người dân.", "Reply sent to the citizen.")
                Done.RESOLVED -> language.pick(
                    "Đã báo xử lý xong. Người dân sẽ được thông báo.",
                    "Marked resolved. The citizen will be told.",
                )
                Done.REJECTED -> language.pick("Đã từ chối phản ánh.", "Report rejected.")
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
            language.pick("Từ chối: ${action.note}", "Reject: ${action.note}")
        } else {
            language.pick(
                "Chuyển sang “${OfficialWords.status(action.to, language)}”",
                "Move to “${OfficialWords.status(action.to, language)}”",
            )
        }
    is OfficialAction.Reply -> language.pick("Trả lời: ${action.text}", "Reply: ${action.text}")
    is OfficialAction.Resolve -> language.pick("Xử lý xong (kèm ảnh): ${action.note}", "Resolved (with photo): ${action.note}")
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
        item.ward?.let { Field(t("Phường/xã", "Ward or commune"), it.name) }
        Field(t("Tiếp nhận", "Received"), Format.dateTime(item.receivedAt))
        Field(t("Hạn xử lý", "Due"), Format.dateTime(item.dueAt))
        Field(t("Người cùng phản ánh", "“Me too”"), item.supporters.toString())
    }

    if (item.photos.isNotEmpty()) {
        Row(Modifier.horizontalScroll(rememberScrollState()), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            item.photos.forEachIndexed { i, hash ->
                PhotoView(
                    state.photos[hash],
                    language.pick("Ảnh của người dân ${i + 1}", "Citizen's photo ${i + 1}"),
                    Modifier.size(160.dp, 120.dp).clip(RoundedCornerShape(8.dp)),
                )
            }
        }
    }
    val at = LatLon(item.location.lat, item.location.lon)
    LocalPlatform.current.Map(
        at,
        17.0,
        listOf(MapMarker(at, language.pick("Vị trí phản ánh", "Where the problem is"), statusColor(item.status))),
        emptyList(),
        Modifier.fillMaxWidth().height(180.dp).clip(RoundedCornerShape(8.dp)),
        null,
        null,
    )
    if (item.description.isNotBlank()) {
        Section(t("Người dân viết", "The citizen wrote"))
        Text(item.description, style = MaterialTheme.typography.bodyLarge)
    }

    if (open) {
        Section(t("Cập nhật", "Move it on"))
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            for (to in state.moves) {
                OutlinedButton(onClick = { actions.onMove(to) }, enabled = !state.sending, modifier = Modifier.heightIn(min = 48.dp)) {
                    Text("→ ${OfficialWords.status(to, language)}")
                }
            }
            if (state.canResolve) {
                Button(onClick = actions.onOpenResolve, modifier = Modifier.heightIn(min = 48.dp)) {
                    Text(t("Báo đã xử lý xong…", "Report it resolved…"))
                }
            }
        }
    }

    Section(t("Trả lời người dân", "Reply to the citizen"))
    if (state.templates.isNotEmpty()) {
        Text(t("Chọn mẫu rồi sửa nếu cần:", "Pick a template, then edit it if needed:"), style = MaterialTheme.typography.bodySmall)
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
        label = { Text(t("Nội dung trả lời", "Your reply")) },
        minLines = 3,
        modifier = Modifier.fillMaxWidth(),
    )
    Button(
        onClick = actions.onSendReply,
        enabled = state.reply.isNotBlank() && !state.sending,
        modifier = Modifier.heightIn(min = 48.dp),
    ) { Text(t("Gửi trả lời", "Send reply")) }

    if (state.canReject) {
        Section(t("Từ chối", "Reject"))
        OutlinedTextField(
            value = state.rejectNote,
            onValueChange = actions.onRejectNote,
            label = { Text(t("Lý do từ chối (bắt buộc)", "Why (required)")) },
            isError = state.problem == Problem.REASON_REQUIRED,
            modifier = Modifier.fillMaxWidth(),
        )
        if (state.problem == Problem.REASON_REQUIRED) ErrorText(t("Cần ghi lý do từ chối.", "Say why it is rejected."))
        OutlinedButton(
            onClick = actions.onReject,
            enabled = !state.sending,
            colors = ButtonDefaults.outlinedButtonColors(contentColor = MaterialTheme.colorScheme.error),
            modifier = Modifier.heightIn(min = 48.dp),
        ) { Text(t("Từ chối phản ánh", "Reject the report")) }
    }

    Section(t("Diễn biến", "Timeline"))
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
                    language.pick("Ảnh sau xử lý", "After-photo"),
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
        t(
            "Ghi rõ việc đã làm và chụp ảnh sau xử lý tại hiện trường; vị trí của bạn được gửi kèm để đối chiếu.",
            "Say what was done and take an after-photo on site; your position is sent with it to check.",
        ),
        style = MaterialTheme.typography.bodyMedium,
    )
    OutlinedTextField(
        value = state.resolveNote,
        onValueChange = actions.onResolveNote,
        label = { Text(t("Đã làm gì (bắt buộc)", "What was done (required)")) },
        isError = state.problem == Problem.NOTE_REQUIRED,
        minLines = 3,
        modifier = Modifier.fillMaxWidth(),
    )
    if (state.problem == Problem.NOTE_REQUIRED) ErrorText(t("Cần ghi việc đã làm.", "Say what was done."))
    val photo = state.afterPhoto
    if (photo != null) {
        PhotoView(
            photo,
            language.pick("Ảnh sau xử lý", "After-photo"),
            Modifier.fillMaxWidth().height(200.dp).clip(RoundedCornerShape(8.dp)),
        )
    }
    OutlinedButton(onClick = actions.onTakePhoto, enabled = !state.sending, modifier = Modifier.heightIn(min = 48.dp)) {
        Text(if (photo == null) t("Chụp ảnh sau xử lý", "Take the after-photo") else t("Chụp lại", "Take it again"))
    }
    when (state.problem) {
        Problem.PHOTO_REQUIRED -> ErrorText(t("Cần ảnh sau xử lý.", "An after-photo is needed."))
        Problem.LOCATION_REQUIRED -> ErrorText(
            t(
                "Chưa xác định được vị trí của bạn. Hãy bật định vị rồi thử lại.",
                "Your position is not known yet. Turn on location and try again.",
            ),
        )
        else -> {}
    }
    Button(
        onClick = actions.onResolve,
        enabled = !state.sending,
        modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp),
    ) { Text(t("Gửi: đã xử lý xong", "Send: resolved")) }
    TextButton(onClick = actions.onCloseForm, modifier = Modifier.heightIn(min = 48.dp)) { Text(t("Huỷ", "Cancel")) }
}
