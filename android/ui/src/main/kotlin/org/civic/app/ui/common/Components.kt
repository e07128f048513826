package org.civic.app.ui.common

import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.clip
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.lerp
import androidx.compose.ui.graphics.luminance
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.LocalPlatform
import org.civic.app.ui.Str
import org.civic.app.ui.theme.statusColor
import org.civic.core.CivicException
import org.civic.core.ReportStatus
import org.civic.core.SyncState

/** A status colour for text: lightened on a dark surface, or purple and blue text vanish. */
@Composable
fun statusTextColor(status: ReportStatus): Color {
    val dark = MaterialTheme.colorScheme.surface.luminance() < 0.5f
    return if (dark) lerp(statusColor(status), Color.White, 0.55f) else statusColor(status)
}

/** A report's status as a coloured chip; [label] is the core's, already in the app's language. */
@Composable
fun StatusChip(status: ReportStatus, label: String, modifier: Modifier = Modifier) {
    val color = statusTextColor(status)
    Box(
        modifier
            .clip(RoundedCornerShape(50))
            .background(color.copy(alpha = 0.14f))
            .padding(horizontal = 10.dp, vertical = 4.dp),
    ) {
        Text(label, color = color, style = MaterialTheme.typography.labelMedium, fontWeight = FontWeight.SemiBold)
    }
}

/**
 * The sync state as one line above a list, or nothing when all is well: offline with what is
 * waiting, sending with progress, waiting to retry, or what the citizen must do.
 */
@Composable
fun SyncBanner(state: SyncState, waiting: Int, modifier: Modifier = Modifier) {
    val language = LocalLanguage.current
    val (text, progress) = when (state) {
        is SyncState.Offline ->
            if (waiting == 0) {
                return
            } else {
                language.pick(Str.commonSyncOffline(waiting)) to null
            }
        is SyncState.Syncing -> {
            val fraction = if (state.bytesTotal > 0u) state.bytesSent.toFloat() / state.bytesTotal.toFloat() else 0f
            language.pick(Str.commonSyncSending(state.reportsSent, state.reportsTotal)) to fraction
        }
        is SyncState.WaitingToRetry ->
            if (waiting == 0) {
                return
            } else {
                language.pick(Str.commonSyncRetry(Format.time(state.nextAttempt))) to null
            }
        is SyncState.NeedsUser -> state.reason to null
        is SyncState.Idle ->
            if (waiting == 0) {
                return
            } else {
                language.pick(Str.commonSyncWaiting(waiting)) to null
            }
    }
    Surface(color = MaterialTheme.colorScheme.secondaryContainer, modifier = modifier.fillMaxWidth()) {
        Column(Modifier.padding(horizontal = 16.dp, vertical = 10.dp)) {
            Text(text, color = MaterialTheme.colorScheme.onSecondaryContainer, style = MaterialTheme.typography.bodyMedium)
            if (progress != null) {
                LinearProgressIndicator(progress = { progress }, modifier = Modifier.fillMaxWidth().padding(top = 6.dp))
            }
        }
    }
}

/** What went wrong, in the citizen's words (the core's `userMessage`, already localized). */
fun CivicException.forPeople(): String = when (this) {
    is CivicException.Offline -> userMessage
    is CivicException.OutsideServiceArea -> userMessage
    is CivicException.InvalidPhoto -> userMessage
    is CivicException.Incomplete -> userMessage
    is CivicException.InvalidInput -> userMessage
    is CivicException.NotFound -> userMessage
    is CivicException.Refused -> userMessage
    is CivicException.ServerBusy -> userMessage
    is CivicException.Unauthorized -> userMessage
    is CivicException.Storage -> userMessage
}

/** An error line, announced to TalkBack as it appears. */
@Composable
fun ErrorText(message: String, modifier: Modifier = Modifier) {
    Text(
        message,
        color = MaterialTheme.colorScheme.error,
        style = MaterialTheme.typography.bodyMedium,
        modifier = modifier.semantics { contentDescription = message },
    )
}

/** A centred message for an empty list. */
@Composable
fun EmptyState(title: String, body: String, modifier: Modifier = Modifier) {
    Column(modifier.fillMaxWidth().padding(32.dp), horizontalAlignment = Alignment.CenterHorizontally) {
        Text(title, style = MaterialTheme.typography.titleMedium)
        Text(
            body,
            style = MaterialTheme.typography.bodyMedium,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
            modifier = Modifier.padding(top = 8.dp),
        )
    }
}

/** A photo from its JPEG bytes, or a grey box when there are none (or they do not decode). */
@Composable
fun PhotoView(bytes: ByteArray?, description: String, modifier: Modifier = Modifier) {
    val platform = LocalPlatform.current
    val bitmap = remember(bytes) { bytes?.let { platform.decodePhoto(it) } }
    if (bitmap != null) {
        Image(bitmap, contentDescription = description, contentScale = ContentScale.Crop, modifier = modifier)
    } else {
        Box(modifier.background(Color(0xFFCFD8DC)).semantics { contentDescription = description })
    }
}

/** A label and a value on one line (detail screens). */
@Composable
fun Field(label: String, value: String, modifier: Modifier = Modifier) {
    Row(modifier.fillMaxWidth().padding(vertical = 4.dp)) {
        Text(
            label,
            style = MaterialTheme.typography.bodyMedium,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
            modifier = Modifier.weight(0.4f),
        )
        Text(value, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.weight(0.6f))
    }
}

/** "Vừa xong", "5 phút trước"… for an instant. */
@Composable
fun agoText(at: java.time.Instant, now: java.time.Instant = java.time.Instant.now()): String = Format.ago(at, now, LocalLanguage.current)
