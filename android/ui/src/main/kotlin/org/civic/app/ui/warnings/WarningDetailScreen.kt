package org.civic.app.ui.warnings

import androidx.compose.foundation.border
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.ExperimentalMaterial3Api
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
import androidx.compose.ui.draw.clip
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import org.civic.app.ui.LatLon
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.LocalPlatform
import org.civic.app.ui.MapArea
import org.civic.app.ui.Str
import org.civic.app.ui.common.EmptyState
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.common.Field
import org.civic.app.ui.common.Format
import org.civic.app.ui.common.agoText
import org.civic.app.ui.t
import org.civic.app.ui.theme.severityColor
import org.civic.core.AlertState
import org.civic.core.Warning
import org.civic.core.alertStateLabel
import org.civic.core.exerciseLabel
import kotlin.math.abs
import kotlin.math.ln
import kotlin.math.max

/**
 * One warning, opened from the inbox or a notification: marks it read. [areas] are the
 * warning's areas for the map (none yet: the bindings' `Warning` has no geometry).
 */
@Composable
fun WarningDetailScreen(model: WarningsViewModel, id: String, areas: List<MapArea> = emptyList(), onBack: () -> Unit) {
    val state by model.state.collectAsState()
    LaunchedEffect(id) { model.open(id) }
    val warning = state.warning(id)
    // The warning's own areas, from the core, unless the caller gives others.
    val shown = areas.ifEmpty {
        warning?.let { w -> mapAreas(state.shapes[id].orEmpty(), severityColor(w.severity)) }.orEmpty()
    }
    WarningDetailContent(warning, loaded = state.loaded, error = state.error, areas = shown, onBack = onBack)
}

/** The detail of [warning] (stateless); null with [loaded] means it is not on this phone. */
@OptIn(ExperimentalMaterial3Api::class, ExperimentalLayoutApi::class)
@Composable
fun WarningDetailContent(warning: Warning?, loaded: Boolean, error: String?, areas: List<MapArea>, onBack: () -> Unit) {
    val language = LocalLanguage.current
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(t(Str.WARNINGS_DETAIL_TITLE), maxLines = 1) },
                navigationIcon = {
                    TextButton(onClick = onBack, modifier = Modifier.height(48.dp)) { Text(t(Str.WARNINGS_BACK)) }
                },
            )
        },
    ) { padding ->
        Column(Modifier.padding(padding).fillMaxSize().verticalScroll(rememberScrollState())) {
            error?.let { ErrorText(it, Modifier.padding(16.dp)) }
            if (warning == null) {
                if (loaded) {
                    EmptyState(
                        t(Str.WARNINGS_NOT_FOUND),
                        t(Str.WARNINGS_NOT_ON_PHONE),
                    )
                }
                return@Column
            }
            val ended = warning.state != AlertState.ACTIVE
            // The state first when it matters most: a drill, or a warning that no longer holds.
            if (warning.exercise || ended) {
                Surface(color = MaterialTheme.colorScheme.secondaryContainer, modifier = Modifier.fillMaxWidth()) {
                    Text(
                        when {
                            warning.exercise && ended ->
                                "${exerciseLabel(language.code)} · ${alertStateLabel(warning.state, language.code)}"
                            warning.exercise -> language.pick(Str.WARNINGS_BANNER_EXERCISE)
                            warning.state == AlertState.CANCELLED -> language.pick(Str.WARNINGS_BANNER_CANCELLED)
                            else -> language.pick(Str.WARNINGS_BANNER_EXPIRED)
                        },
                        color = MaterialTheme.colorScheme.onSecondaryContainer,
                        style = MaterialTheme.typography.titleSmall,
                        modifier = Modifier.padding(horizontal = 16.dp, vertical = 10.dp),
                    )
                }
            }
            Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
                FlowRow(
                    horizontalArrangement = Arrangement.spacedBy(8.dp),
                    verticalArrangement = Arrangement.spacedBy(4.dp),
                    itemVerticalAlignment = Alignment.CenterVertically,
                ) {
                    SeverityChip(warning.severity)
                    Tag(alertStateLabel(warning.state, language.code))
                    if (warning.exercise) Tag(exerciseLabel(language.code))
                }
                Column {
                    Text(warning.event, style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    Text(
                        warning.headline,
                        style = MaterialTheme.typography.headlineSmall,
                        fontWeight = FontWeight.Bold,
                        modifier = Modifier.semantics { heading() },
                    )
                }
                warning.instruction?.takeIf { it.isNotBlank() }?.let { instruction ->
                    // What the resident must do: the most important words on the screen.
                    val color = severityColor(warning.severity)
                    Card(
                        colors = CardDefaults.cardColors(
                            containerColor = MaterialTheme.colorScheme.surfaceVariant,
                            contentColor = MaterialTheme.colorScheme.onSurface,
                        ),
                        modifier = Modifier.fillMaxWidth().border(3.dp, color, RoundedCornerShape(12.dp))
                            .semantics(mergeDescendants = true) {},
                        shape = RoundedCornerShape(12.dp),
                    ) {
                        Column(Modifier.padding(16.dp)) {
                            Text(
                                t(Str.WARNINGS_INSTRUCTION),
                                style = MaterialTheme.typography.titleMedium,
                                fontWeight = FontWeight.Bold,
                                modifier = Modifier.semantics { heading() },
                            )
                            Text(
                                instruction,
                                style = MaterialTheme.typography.bodyLarge,
                                fontWeight = FontWeight.SemiBold,
                                modifier = Modifier.padding(top = 6.dp),
                            )
                        }
                    }
                }
                warning.description?.takeIf { it.isNotBlank() }?.let { description ->
                    Column {
                        Text(
                            t(Str.WARNINGS_DETAILS),
                            style = MaterialTheme.typography.titleSmall,
                            modifier = Modifier.semantics {
                                heading()
                            },
                        )
                        Text(description, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(top = 4.dp))
                    }
                }
                Column {
                    Field(t(Str.WARNINGS_ISSUED_BY), warning.senderName)
                    if (warning.areas.isNotEmpty()) Field(t(Str.WARNINGS_AREAS), warning.areas.joinToString(", "))
                    warning.cancelNote?.takeIf { it.isNotBlank() }?.let { Field(t(Str.WARNINGS_CANCEL_NOTE), it) }
                    Field(t(Str.WARNINGS_SENT_AT), "${Format.dateTime(warning.sent)} (${agoText(warning.sent)})")
                    Field(
                        when (warning.state) {
                            AlertState.EXPIRED -> t(Str.WARNINGS_EXPIRED_AT)
                            AlertState.CANCELLED -> t(Str.WARNINGS_WAS_DUE_TO_END)
                            AlertState.ACTIVE -> t(Str.WARNINGS_IN_FORCE_UNTIL)
                        },
                        warning.expires?.let { Format.dateTime(it) } ?: t(Str.WARNINGS_NO_END_TIME),
                    )
                    Field(t(Str.WARNINGS_STATE), alertStateLabel(warning.state, language.code))
                }
                if (areas.isNotEmpty()) {
                    val description = language.pick(Str.WARNINGS_AREA_MAP)
                    Text(
                        t(Str.WARNINGS_AREA_WARNED),
                        style = MaterialTheme.typography.titleSmall,
                        modifier = Modifier.semantics {
                            heading()
                        },
                    )
                    Box(Modifier.fillMaxWidth().semantics { contentDescription = description }) {
                        val (center, zoom) = framing(areas)
                        LocalPlatform.current.Map(
                            center = center,
                            zoom = zoom,
                            markers = emptyList(),
                            areas = areas,
                            modifier = Modifier.fillMaxWidth().height(240.dp).clip(RoundedCornerShape(12.dp)),
                            onCenterChanged = null,
                            onMarkerClick = null,
                        )
                    }
                }
            }
        }
    }
}

/** The centre and a zoom that shows every area (about 400 px across on a phone). */
internal fun framing(areas: List<MapArea>): Pair<LatLon, Double> {
    val points = areas.flatMap { it.ring }
    if (points.isEmpty()) return LatLon(16.4698, 107.5786) to 13.0
    val minLat = points.minOf { it.lat }
    val maxLat = points.maxOf { it.lat }
    val minLon = points.minOf { it.lon }
    val maxLon = points.maxOf { it.lon }
    val center = LatLon((minLat + maxLat) / 2, (minLon + maxLon) / 2)
    // At zoom z a 256 px tile spans 360/2^z degrees of longitude; fit the span in ~320 px.
    val span = max(abs(maxLon - minLon), abs(maxLat - minLat)).coerceAtLeast(0.001)
    val zoom = (ln(360.0 * 320.0 / (256.0 * span)) / ln(2.0)).coerceIn(5.0, 17.0)
    return center to zoom
}
