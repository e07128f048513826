package org.civic.app.ui.reports

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.Card
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.ExtendedFloatingActionButton
import androidx.compose.material3.IconButton
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.LocalContentColor
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.material3.pulltorefresh.PullToRefreshBox
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.clip
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.Str
import org.civic.app.ui.common.EmptyState
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.common.PhotoView
import org.civic.app.ui.common.StatusChip
import org.civic.app.ui.common.SyncBanner
import org.civic.app.ui.common.agoText
import org.civic.app.ui.t
import org.civic.core.ReportStatus
import org.civic.core.ReportSummary
import org.civic.core.SyncState

/** "Báo cáo của tôi": the citizen's reports with their status and where each stands in sync. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun MyReportsScreen(
    model: MyReportsViewModel,
    photo: (String) -> ByteArray?,
    onOpen: (String) -> Unit,
    onNewReport: () -> Unit,
    onOfficial: (() -> Unit)? = null,
    onAbout: (() -> Unit)? = null,
) {
    val state by model.state.collectAsState()
    Scaffold(
        topBar = {
            TopAppBar(
                // One line: at large text sizes it gives way to the actions.
                title = { Text(t(Str.REPORTS_MY_REPORTS), maxLines = 1, overflow = TextOverflow.Ellipsis) },
                actions = {
                    // Officials sign in from here to answer reports from the same app.
                    if (onOfficial != null) TextButton(onClick = onOfficial) { Text(t(Str.REPORTS_OFFICIAL_BUTTON)) }
                    if (onAbout != null) {
                        val about = t(Str.REPORTS_ABOUT_BUTTON)
                        IconButton(onClick = onAbout, modifier = Modifier.semantics { contentDescription = about }) { InfoIcon() }
                    }
                },
            )
        },
        floatingActionButton = {
            ExtendedFloatingActionButton(onClick = onNewReport) { Text(t(Str.REPORTS_NEW_REPORT)) }
        },
    ) { padding ->
        Column(Modifier.padding(padding).fillMaxSize()) {
            SyncBanner(state.sync, (state.outbox?.waiting ?: 0u).toInt())
            state.error?.let { ErrorText(it, Modifier.padding(16.dp)) }
            PullToRefreshBox(isRefreshing = state.refreshing, onRefresh = model::refresh, modifier = Modifier.fillMaxSize()) {
                if (state.loaded && state.reports.isEmpty()) {
                    EmptyState(
                        t(Str.REPORTS_NO_REPORTS),
                        t(Str.REPORTS_EMPTY_HINT),
                    )
                }
                LazyColumn(
                    Modifier.fillMaxSize(),
                    contentPadding = androidx.compose.foundation.layout.PaddingValues(12.dp),
                    verticalArrangement = Arrangement.spacedBy(8.dp),
                ) {
                    items(state.reports, key = { it.id }) { report ->
                        ReportRow(report, state.categoryNames[report.category] ?: report.category, state.sync, photo, onOpen)
                    }
                    if (state.next != null) {
                        item { LaunchedEffect(state.next) { model.loadMore() } }
                    }
                }
            }
        }
    }
}

/** An "i" in a circle, drawn (no icon font on the classpath), as the bottom bar's icons are. */
@Composable
private fun InfoIcon() {
    val color = LocalContentColor.current
    Canvas(Modifier.size(24.dp)) {
        val w = size.width
        drawCircle(color, radius = w * 0.42f, style = Stroke(width = w * 0.08f))
        drawCircle(color, radius = w * 0.06f, center = Offset(w * 0.5f, w * 0.3f))
        drawLine(color, Offset(w * 0.5f, w * 0.44f), Offset(w * 0.5f, w * 0.74f), strokeWidth = w * 0.1f)
    }
}

@Composable
private fun ReportRow(report: ReportSummary, category: String, sync: SyncState, photo: (String) -> ByteArray?, onOpen: (String) -> Unit) {
    val language = LocalLanguage.current
    // Where the report stands on its way to the city, in words for TalkBack too.
    val delivery = when {
        report.refused ->
            language.pick(Str.REPORTS_REJECTED)
        report.status == ReportStatus.QUEUED && sync is SyncState.Syncing ->
            language.pick(Str.REPORTS_SENDING)
        report.status == ReportStatus.QUEUED ->
            language.pick(Str.REPORTS_SAVED_NOT_SENT)
        else -> null
    }
    Card(
        Modifier.fillMaxWidth().clickable { onOpen(report.id) }.semantics(mergeDescendants = true) {},
    ) {
        Row(Modifier.padding(12.dp), verticalAlignment = Alignment.CenterVertically) {
            val bytes = remember(report.coverPhoto) { report.coverPhoto?.let(photo) }
            PhotoView(
                bytes,
                language.pick(Str.REPORTS_PHOTO),
                Modifier.size(64.dp).clip(RoundedCornerShape(8.dp)),
            )
            Spacer(Modifier.width(12.dp))
            Column(Modifier.weight(1f)) {
                Text(category, style = MaterialTheme.typography.titleMedium)
                Text(
                    listOfNotNull(report.ward?.name, report.publicNumber).joinToString(" · "),
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                )
                Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.padding(top = 6.dp)) {
                    StatusChip(report.status, report.statusLabel)
                    Spacer(Modifier.width(8.dp))
                    Text(agoText(report.updatedAt), style = MaterialTheme.typography.bodySmall)
                }
                if (delivery != null) {
                    Text(delivery, style = MaterialTheme.typography.bodySmall, modifier = Modifier.padding(top = 4.dp))
                    if (sync is SyncState.Syncing && report.status == ReportStatus.QUEUED && !report.refused) {
                        val fraction = if (sync.bytesTotal > 0u) sync.bytesSent.toFloat() / sync.bytesTotal.toFloat() else 0f
                        LinearProgressIndicator(
                            progress = { fraction },
                            modifier = Modifier.fillMaxWidth().padding(top = 4.dp)
                                .semantics { contentDescription = language.pick(Str.REPORTS_SENDING_PROGRESS) },
                        )
                    }
                }
            }
        }
    }
}
