package org.civic.app.ui.warnings

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.IntrinsicSize
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxHeight
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.Card
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.MaterialTheme
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
import androidx.compose.ui.draw.alpha
import androidx.compose.ui.draw.clip
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.Str
import org.civic.app.ui.common.EmptyState
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.common.Format
import org.civic.app.ui.common.agoText
import org.civic.app.ui.t
import org.civic.app.ui.theme.severityColor
import org.civic.core.AlertState
import org.civic.core.Warning
import org.civic.core.alertStateLabel
import org.civic.core.exerciseLabel

/** "Cảnh báo": the warnings for the resident's places, those in force first. */
@Composable
fun WarningsInboxScreen(model: WarningsViewModel, onOpen: (String) -> Unit, onSubscriptions: () -> Unit) {
    val state by model.state.collectAsState()
    WarningsInboxContent(state, onRefresh = model::refresh, onOpen = onOpen, onSubscriptions = onSubscriptions)
}

/** The inbox for a given [state] (stateless, for previews and tests). */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun WarningsInboxContent(state: WarningsState, onRefresh: () -> Unit, onOpen: (String) -> Unit, onSubscriptions: () -> Unit) {
    Scaffold(
        topBar = {
            TopAppBar(
                title = {
                    Row(verticalAlignment = Alignment.CenterVertically) {
                        Text(t(Str.WARNINGS_TITLE), maxLines = 1, modifier = Modifier.semantics { heading() })
                        if (state.unread > 0) {
                            // The unread count as a badge beside the title (short: it must fit in large text).
                            val said = t(Str.warningsUnreadCount(state.unread))
                            Text(
                                t(Str.warningsNewCount(state.unread)),
                                style = MaterialTheme.typography.labelLarge,
                                color = MaterialTheme.colorScheme.onPrimary,
                                maxLines = 1,
                                softWrap = false,
                                modifier = Modifier.semantics {
                                    contentDescription = said
                                }.padding(start = 12.dp).clip(RoundedCornerShape(50))
                                    .background(MaterialTheme.colorScheme.primary).padding(horizontal = 10.dp, vertical = 4.dp),
                            )
                        }
                    }
                },
                actions = {
                    TextButton(onClick = onSubscriptions) { Text(t(Str.WARNINGS_FOLLOW_BUTTON)) }
                },
            )
        },
    ) { padding ->
        Column(Modifier.padding(padding).fillMaxSize()) {
            state.error?.let { ErrorText(it, Modifier.padding(16.dp)) }
            PullToRefreshBox(isRefreshing = state.refreshing, onRefresh = onRefresh, modifier = Modifier.fillMaxSize()) {
                LazyColumn(
                    Modifier.fillMaxSize(),
                    contentPadding = PaddingValues(12.dp),
                    verticalArrangement = Arrangement.spacedBy(8.dp),
                ) {
                    if (state.loaded && state.warnings.isEmpty()) {
                        item {
                            EmptyState(
                                t(Str.WARNINGS_NO_WARNINGS),
                                t(Str.WARNINGS_EMPTY_HINT),
                            )
                        }
                        item {
                            Box(Modifier.fillMaxWidth(), contentAlignment = Alignment.Center) {
                                TextButton(onClick = onSubscriptions, modifier = Modifier.height(48.dp)) {
                                    Text(t(Str.WARNINGS_CHOOSE_PLACES))
                                }
                            }
                        }
                    }
                    val (active, ended) = state.warnings.partition { it.state == AlertState.ACTIVE }
                    items(active, key = { it.id }) { WarningRow(it, onOpen) }
                    if (ended.isNotEmpty()) {
                        item(key = "ended") {
                            Text(
                                t(Str.WARNINGS_ENDED),
                                style = MaterialTheme.typography.titleSmall,
                                color = MaterialTheme.colorScheme.onSurfaceVariant,
                                modifier = Modifier.padding(top = 12.dp, start = 4.dp).semantics { heading() },
                            )
                        }
                        items(ended, key = { it.id }) { WarningRow(it, onOpen) }
                    }
                }
            }
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun WarningRow(warning: Warning, onOpen: (String) -> Unit) {
    val language = LocalLanguage.current
    val ended = warning.state != AlertState.ACTIVE
    val unread = !warning.read && !ended
    Card(
        Modifier
            .fillMaxWidth()
            .clickable(role = Role.Button, onClickLabel = language.pick(Str.WARNINGS_OPEN)) { onOpen(warning.id) }
            .semantics(mergeDescendants = true) {},
    ) {
        Row(Modifier.height(IntrinsicSize.Min)) {
            // The severity's colour as a band down the card's side.
            Box(Modifier.width(8.dp).fillMaxHeight().background(severityColor(warning.severity)))
            Column(Modifier.weight(1f).padding(12.dp).alpha(if (ended) 0.75f else 1f)) {
                FlowRow(
                    horizontalArrangement = Arrangement.spacedBy(8.dp),
                    verticalArrangement = Arrangement.spacedBy(4.dp),
                    itemVerticalAlignment = Alignment.CenterVertically,
                ) {
                    SeverityChip(warning.severity)
                    if (warning.exercise) Tag(exerciseLabel(language.code))
                    if (ended) Tag(alertStateLabel(warning.state, language.code))
                    if (unread) {
                        Text(
                            "● " + language.pick(Str.WARNINGS_NEW),
                            color = MaterialTheme.colorScheme.primary,
                            style = MaterialTheme.typography.labelMedium,
                            fontWeight = FontWeight.Bold,
                            modifier = Modifier.semantics { contentDescription = language.pick(Str.WARNINGS_UNREAD) },
                        )
                    }
                }
                Text(
                    warning.headline,
                    style = MaterialTheme.typography.titleMedium,
                    fontWeight = if (unread) FontWeight.Bold else FontWeight.Normal,
                    modifier = Modifier.padding(top = 6.dp),
                )
                Text(
                    listOf(warning.event, warning.senderName).filter { it.isNotBlank() }.joinToString(" · "),
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                    modifier = Modifier.padding(top = 2.dp),
                )
                Text(
                    language.pick(Str.warningsSentAgo(agoText(warning.sent))) +
                        (warning.expires?.let { " · " + expiryText(warning.state, it, language) } ?: ""),
                    style = MaterialTheme.typography.bodySmall,
                    modifier = Modifier.padding(top = 4.dp),
                )
            }
        }
    }
}

/** Until when a warning holds, or since when it has ended. */
fun expiryText(state: AlertState, expires: java.time.Instant, language: org.civic.app.ui.AppLanguage): String {
    val at = Format.dateTime(expires)
    return when (state) {
        AlertState.ACTIVE -> language.pick(Str.warningsUntilTime(at))
        AlertState.EXPIRED -> language.pick(Str.warningsExpiredAtTime(at))
        AlertState.CANCELLED -> language.pick(Str.warningsWasDueToEndAtTime(at))
    }
}

/** A small outlined label (drill, cancelled, expired). */
@Composable
internal fun Tag(text: String, modifier: Modifier = Modifier) {
    Box(
        modifier
            .clip(RoundedCornerShape(50))
            .background(MaterialTheme.colorScheme.surfaceVariant)
            .padding(horizontal = 10.dp, vertical = 4.dp),
    ) {
        Text(
            text,
            style = MaterialTheme.typography.labelMedium,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
            fontWeight = FontWeight.SemiBold,
        )
    }
}
