package org.civic.app.ui.official

import androidx.compose.foundation.clickable
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.material3.Card
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.material3.pulltorefresh.PullToRefreshBox
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.Str
import org.civic.app.ui.common.EmptyState
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.common.StatusChip
import org.civic.app.ui.t
import org.civic.core.ReportStatus
import org.civic.core.WorkItem

/** The official's work list: open reports of their units, most overdue first. */
@Composable
fun OfficialInboxScreen(model: OfficialInboxViewModel, onOpen: (String) -> Unit, onSignOut: () -> Unit) {
    val state by model.state.collectAsState()
    OfficialInboxContent(state, model.filters, model::setFilter, model::refresh, model::loadMore, onOpen, onSignOut)
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun OfficialInboxContent(
    state: OfficialInboxState,
    filters: List<ReportStatus?>,
    onFilter: (ReportStatus?) -> Unit,
    onRefresh: () -> Unit,
    onLoadMore: () -> Unit,
    onOpen: (String) -> Unit,
    onSignOut: () -> Unit,
) {
    val language = LocalLanguage.current
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(t(Str.OFFICIAL_INBOX_TITLE), maxLines = 1, overflow = TextOverflow.Ellipsis) },
                actions = { androidx.compose.material3.TextButton(onClick = onSignOut) { Text(t(Str.OFFICIAL_SIGN_OUT)) } },
            )
        },
    ) { padding ->
        Column(Modifier.padding(padding).fillMaxSize()) {
            Row(
                Modifier.fillMaxWidth().horizontalScroll(rememberScrollState()).padding(horizontal = 12.dp),
                horizontalArrangement = Arrangement.spacedBy(8.dp),
            ) {
                for (f in filters) {
                    FilterChip(
                        selected = state.filter == f,
                        onClick = { onFilter(f) },
                        label = { Text(if (f == null) t(Str.OFFICIAL_FILTER_ALL) else OfficialWords.status(f, language)) },
                    )
                }
            }
            if (state.offline) {
                Surface(color = MaterialTheme.colorScheme.secondaryContainer, modifier = Modifier.fillMaxWidth()) {
                    Text(
                        t(Str.OFFICIAL_INBOX_OFFLINE),
                        color = MaterialTheme.colorScheme.onSecondaryContainer,
                        modifier = Modifier.padding(horizontal = 16.dp, vertical = 10.dp),
                    )
                }
            }
            state.error?.let { ErrorText(it, Modifier.padding(16.dp)) }
            PullToRefreshBox(isRefreshing = state.refreshing, onRefresh = onRefresh, modifier = Modifier.fillMaxSize()) {
                LazyColumn(
                    Modifier.fillMaxSize(),
                    contentPadding = PaddingValues(12.dp),
                    verticalArrangement = Arrangement.spacedBy(8.dp),
                ) {
                    if (state.loaded && state.items.isEmpty() && !state.offline && state.error == null) {
                        item {
                            EmptyState(
                                t(Str.OFFICIAL_INBOX_EMPTY),
                                t(Str.OFFICIAL_INBOX_EMPTY_HINT),
                            )
                        }
                    }
                    items(state.items, key = { it.id }) { item -> WorkRow(item, state, onOpen) }
                    if (state.next != null) {
                        item { LaunchedEffect(state.next) { onLoadMore() } }
                    }
                }
            }
        }
    }
}

@Composable
private fun WorkRow(item: WorkItem, state: OfficialInboxState, onOpen: (String) -> Unit) {
    val language = LocalLanguage.current
    val overdue = OfficialWords.overdue(item.dueAt, state.now)
    Card(
        Modifier.fillMaxWidth()
            .clickable(role = Role.Button, onClickLabel = language.pick(Str.OFFICIAL_OPEN_REPORT)) { onOpen(item.id) }
            .semantics(mergeDescendants = true) {},
    ) {
        Column(Modifier.padding(12.dp)) {
            Text(
                OfficialWords.due(item.dueAt, state.now, language),
                color = if (overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant,
                fontWeight = if (overdue) FontWeight.Bold else FontWeight.Normal,
                style = MaterialTheme.typography.labelLarge,
            )
            Text(state.categoryName(item.category), style = MaterialTheme.typography.titleMedium)
            Text(
                listOfNotNull(item.ward?.name, item.publicNumber).joinToString(" · "),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
            Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.padding(top = 6.dp)) {
                StatusChip(item.status, item.statusLabel)
                Spacer(Modifier.width(8.dp))
                if (item.supporters > 0u) {
                    Text(
                        language.pick(Str.officialSupporters(item.supporters)),
                        style = MaterialTheme.typography.bodySmall,
                    )
                }
            }
        }
    }
}
