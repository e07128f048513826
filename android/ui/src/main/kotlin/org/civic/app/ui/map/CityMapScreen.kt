package org.civic.app.ui.map

import androidx.compose.foundation.clickable
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.FilterChip
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.layout.onSizeChanged
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.LatLon
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.LocalPlatform
import org.civic.app.ui.MapMarker
import org.civic.app.ui.Str
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.common.Format
import org.civic.app.ui.common.StatusChip
import org.civic.app.ui.common.agoText
import org.civic.app.ui.t
import org.civic.app.ui.theme.statusColor
import org.civic.core.CityReport
import org.civic.core.ReportStatus

/** Words of the map. */
object MapWords {
    /** A span of hours, with "under a minute" for the quickest. */
    fun span(hours: Double, language: AppLanguage): String =
        if (hours * 60 < 1) language.pick(Str.MAP_UNDER_A_MINUTE) else Format.hours(hours, language)

    /** "xử lý trong 2 ngày 4 giờ" / "resolved in 2 d 4 h" (or answered, for a refusal). */
    fun outcome(report: CityReport, language: AppLanguage): String? {
        val hours = report.hoursToOutcome ?: return null
        val span = span(hours, language)
        return if (report.status == ReportStatus.RESOLVED) {
            language.pick(Str.mapResolvedIn(span))
        } else {
            language.pick(Str.mapAnsweredIn(span))
        }
    }

    fun summary(s: MapSummary, language: AppLanguage): String {
        val average = s.averageHours?.let { span(it, language) }
        return if (average ==
            null
        ) {
            language.pick(Str.mapSummary(s.total, s.resolved))
        } else {
            language.pick(Str.mapSummaryAverage(s.total, s.resolved, average))
        }
    }

    fun stars(stars: Int): String = "★".repeat(stars.coerceIn(0, 5)) + "☆".repeat(5 - stars.coerceIn(0, 5))
}

/** "Thành phố đã làm gì": a map of reports near the citizen and what became of them. */
@Composable
fun CityMapScreen(model: CityMapViewModel, onBack: () -> Unit) {
    val state by model.state.collectAsState()
    CityMapContent(
        state,
        onMove = model::move,
        onResize = model::resize,
        onFilter = model::setFilter,
        onSelect = model::select,
        onRefresh = model::refresh,
        onLoadMore = model::loadMore,
        onBack = onBack,
    )
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun CityMapContent(
    state: CityMapState,
    onMove: (LatLon) -> Unit,
    onResize: (Int, Int) -> Unit,
    onFilter: (MapFilter) -> Unit,
    onSelect: (String?) -> Unit,
    onRefresh: () -> Unit,
    onLoadMore: () -> Unit,
    onBack: () -> Unit,
) {
    val language = LocalLanguage.current
    val density = LocalDensity.current
    val shown = state.shown
    // The picked report first, so the sheet shows it without scrolling.
    val list = state.selected?.let { key -> shown.sortedByDescending { it.publicNumber == key } } ?: shown
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(t(Str.MAP_TITLE), maxLines = 1, overflow = TextOverflow.Ellipsis) },
                navigationIcon = { TextButton(onClick = onBack) { Text(t(Str.MAP_BACK)) } },
                actions = { TextButton(onClick = onRefresh) { Text(t(Str.MAP_RELOAD)) } },
            )
        },
    ) { padding ->
        Column(Modifier.padding(padding).fillMaxSize()) {
            LocalPlatform.current.Map(
                state.center,
                state.zoom,
                shown.map {
                    MapMarker(
                        LatLon(it.lat, it.lon),
                        "${state.categoryName(it.category)}: ${it.statusLabel}",
                        statusColor(it.status),
                        id = it.publicNumber,
                    )
                },
                emptyList(),
                Modifier.fillMaxWidth().height(280.dp).onSizeChanged {
                    with(density) { onResize(it.width.toDp().value.toInt(), it.height.toDp().value.toInt()) }
                },
                onMove,
                { marker -> onSelect(marker.id) },
            )
            if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
            Row(
                Modifier.fillMaxWidth().horizontalScroll(rememberScrollState()).padding(horizontal = 12.dp),
                horizontalArrangement = Arrangement.spacedBy(8.dp),
            ) {
                for (f in MapFilter.entries) {
                    FilterChip(
                        selected = state.filter == f,
                        onClick = { onFilter(f) },
                        label = {
                            Text(
                                when (f) {
                                    MapFilter.ALL -> t(Str.MAP_FILTER_ALL)
                                    MapFilter.OPEN -> t(Str.MAP_FILTER_OPEN)
                                    MapFilter.RESOLVED -> t(Str.MAP_FILTER_RESOLVED)
                                },
                            )
                        },
                    )
                }
            }
            if (state.offline) {
                Surface(color = MaterialTheme.colorScheme.secondaryContainer, modifier = Modifier.fillMaxWidth()) {
                    Text(
                        t(Str.MAP_OFFLINE),
                        color = MaterialTheme.colorScheme.onSecondaryContainer,
                        modifier = Modifier.padding(horizontal = 16.dp, vertical = 10.dp),
                    )
                }
            }
            state.error?.let { ErrorText(it, Modifier.padding(horizontal = 16.dp, vertical = 8.dp)) }
            if (state.loaded && !state.offline && state.error == null) {
                Text(
                    MapWords.summary(state.summary, language),
                    style = MaterialTheme.typography.titleSmall,
                    modifier = Modifier.padding(horizontal = 16.dp, vertical = 6.dp),
                )
            }
            LazyColumn(
                Modifier.fillMaxSize(),
                contentPadding = PaddingValues(start = 12.dp, end = 12.dp, bottom = 12.dp),
                verticalArrangement = Arrangement.spacedBy(8.dp),
            ) {
                if (state.loaded && shown.isEmpty() && !state.offline) {
                    item {
                        Text(
                            t(Str.MAP_EMPTY),
                            style = MaterialTheme.typography.bodyMedium,
                            modifier = Modifier.padding(16.dp),
                        )
                    }
                }
                items(list, key = { it.publicNumber }) { report ->
                    ReportCard(report, state.categoryName(report.category), report.publicNumber == state.selected) {
                        onSelect(report.publicNumber)
                    }
                }
                if (state.next != null) {
                    item { LaunchedEffect(state.next) { onLoadMore() } }
                }
            }
        }
    }
}

@Composable
private fun ReportCard(report: CityReport, category: String, selected: Boolean, onClick: () -> Unit) {
    val language = LocalLanguage.current
    Card(
        Modifier.fillMaxWidth().clickable(role = Role.Button, onClick = onClick).semantics(mergeDescendants = true) {},
        colors = if (selected) {
            CardDefaults.cardColors(
                containerColor = MaterialTheme.colorScheme.primaryContainer,
            )
        } else {
            CardDefaults.cardColors()
        },
    ) {
        Column(Modifier.padding(12.dp)) {
            Text(category, style = MaterialTheme.typography.titleMedium)
            report.ward?.let {
                Text(it.name, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
            Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.padding(top = 6.dp)) {
                StatusChip(report.status, report.statusLabel)
                Spacer(Modifier.width(8.dp))
                val outcome = MapWords.outcome(report, language)
                Text(
                    outcome ?: language.pick(Str.mapReceived(agoText(report.receivedAt))),
                    style = MaterialTheme.typography.bodySmall,
                    fontWeight = if (outcome != null) FontWeight.SemiBold else FontWeight.Normal,
                )
            }
            Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.padding(top = 4.dp)) {
                report.rating?.let { stars ->
                    val label = language.pick(Str.mapRatedStars(stars))
                    Text(
                        MapWords.stars(stars.toInt()),
                        color = MaterialTheme.colorScheme.secondary,
                        modifier = Modifier.clearAndSetSemantics { contentDescription = label },
                    )
                    Spacer(Modifier.width(12.dp))
                }
                if (report.supporters > 0u) {
                    Text(
                        language.pick(Str.mapSupporters(report.supporters)),
                        style = MaterialTheme.typography.bodySmall,
                    )
                }
            }
        }
    }
}
