package org.civic.app.ui.warnings

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
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
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.toggleable
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.clip
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.LatLon
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.LocalPlatform
import org.civic.app.ui.MapArea
import org.civic.app.ui.MapMarker
import org.civic.app.ui.Str
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.t
import org.civic.core.PlaceName
import org.civic.core.SavedPlace
import org.civic.core.Severity
import org.civic.core.WarningSubscription
import org.civic.core.WarningTopic
import org.civic.core.severityLabel
import kotlin.math.cos
import kotlin.math.sin

/** "Cảnh báo tôi theo dõi": places, topics, severity, quiet hours and language of warnings. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun SubscriptionsScreen(model: SubscriptionsViewModel, onBack: () -> Unit) {
    val state by model.state.collectAsState()
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(t(Str.WARNINGS_SUBSCRIPTIONS_TITLE), maxLines = 1, overflow = TextOverflow.Ellipsis) },
                navigationIcon = {
                    TextButton(onClick = onBack, modifier = Modifier.height(48.dp)) { Text(t(Str.WARNINGS_BACK)) }
                },
            )
        },
    ) { padding ->
        Column(
            Modifier.padding(padding).fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Text(
                t(Str.WARNINGS_SUBSCRIPTIONS_PRIVACY),
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
            state.error?.let { ErrorText(it) }
            val sub = state.subscription ?: return@Column
            Places(sub, state, model)
            HorizontalDivider()
            SwitchRow(
                t(Str.WARNINGS_WHERE_I_AM),
                t(Str.WARNINGS_WHERE_I_AM_HINT),
                sub.currentPosition,
                model::setFollowPosition,
            )
            HorizontalDivider()
            Topics(sub, state.topics, model)
            HorizontalDivider()
            MinSeverity(sub, model)
            HorizontalDivider()
            QuietHours(state, model)
            HorizontalDivider()
            WarningLanguage(sub, model)
        }
    }
}

@Composable
private fun SectionTitle(text: String) {
    Text(text, style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
}

/** Where a saved place is, in words. */
@Composable
private fun placeText(place: SavedPlace, area: String?, wards: List<PlaceName>): String {
    val language = LocalLanguage.current
    return when (place) {
        is SavedPlace.Point -> {
            val radius = radiusText(place.radiusM, language)
            if (area != null) {
                language.pick(Str.warningsWithinRadiusOfPoint(radius, area))
            } else {
                language.pick(Str.warningsWithinRadius(radius))
            }
        }
        is SavedPlace.Area -> {
            val name = wards.firstOrNull { it.code == place.code }?.name
                ?: language.pick(Str.warningsAreaCode(place.code))
            language.pick(Str.warningsWholeArea(name))
        }
    }
}

fun radiusText(metres: Double, language: AppLanguage): String = if (metres >= 1000) {
    val km = metres / 1000
    val text = if (km == km.toLong().toDouble()) "${km.toLong()} km" else "%.1f km".format(km)
    if (language == AppLanguage.VI) text.replace('.', ',') else text
} else {
    "${metres.toLong()} m"
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun Places(sub: WarningSubscription, state: SubscriptionsState, model: SubscriptionsViewModel) {
    val language = LocalLanguage.current
    SectionTitle(t(Str.warningsPlacesCount(sub.places.size)))
    if (sub.places.isEmpty()) {
        Text(
            t(Str.WARNINGS_NO_PLACES),
            style = MaterialTheme.typography.bodyMedium,
        )
    }
    for (place in sub.places) {
        val name = when (place) {
            is SavedPlace.Point -> place.name
            is SavedPlace.Area -> place.name
        }
        Card(Modifier.fillMaxWidth()) {
            Row(Modifier.padding(start = 12.dp, top = 8.dp, bottom = 8.dp, end = 4.dp), verticalAlignment = Alignment.CenterVertically) {
                Column(Modifier.weight(1f).semantics(mergeDescendants = true) {}) {
                    Text(name, style = MaterialTheme.typography.titleSmall)
                    Text(
                        placeText(place, state.placeAreas[name], state.wards),
                        style = MaterialTheme.typography.bodySmall,
                        color = MaterialTheme.colorScheme.onSurfaceVariant,
                    )
                }
                TextButton(
                    onClick = { model.removePlace(name) },
                    modifier = Modifier.heightIn(min = 48.dp).semantics {
                        contentDescription = language.pick(Str.warningsRemovePlace(name))
                    },
                ) { Text(t(Str.WARNINGS_REMOVE)) }
            }
        }
    }
    val form = state.adding
    if (form == null) {
        OutlinedButton(onClick = model::startAddPlace, modifier = Modifier.heightIn(min = 48.dp)) {
            Text(t(Str.WARNINGS_ADD_PLACE_BUTTON))
        }
    } else {
        AddPlace(form, state.wards, model)
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun AddPlace(form: NewPlace, wards: List<PlaceName>, model: SubscriptionsViewModel) {
    val language = LocalLanguage.current
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(
                t(Str.WARNINGS_ADD_PLACE),
                style = MaterialTheme.typography.titleSmall,
                modifier = Modifier.semantics {
                    heading()
                },
            )
            OutlinedTextField(
                value = form.name,
                onValueChange = model::setPlaceName,
                label = { Text(t(Str.WARNINGS_PLACE_NAME)) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth().testTag("place-name"),
            )
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                FilterChip(
                    selected = form.kind == PlaceKind.POINT,
                    onClick = { model.setPlaceKind(PlaceKind.POINT) },
                    label = { Text(t(Str.WARNINGS_KIND_POINT)) },
                    modifier = Modifier.heightIn(min = 48.dp),
                )
                FilterChip(
                    selected = form.kind == PlaceKind.WARD,
                    onClick = { model.setPlaceKind(PlaceKind.WARD) },
                    label = { Text(t(Str.WARNINGS_KIND_AREA)) },
                    modifier = Modifier.heightIn(min = 48.dp),
                )
            }
            when (form.kind) {
                PlaceKind.POINT -> {
                    Text(
                        t(Str.WARNINGS_DRAG_MAP),
                        style = MaterialTheme.typography.bodySmall,
                    )
                    val description = language.pick(Str.WARNINGS_PLACE_MAP)
                    Box(Modifier.fillMaxWidth().semantics { contentDescription = description }) {
                        LocalPlatform.current.Map(
                            center = form.center,
                            zoom = 14.0,
                            markers = listOf(
                                MapMarker(form.center, language.pick(Str.WARNINGS_MAP_CENTRE), MaterialTheme.colorScheme.primary),
                            ),
                            areas = listOf(MapArea(circle(form.center, form.radiusM), MaterialTheme.colorScheme.primary)),
                            modifier = Modifier.fillMaxWidth().height(200.dp).clip(RoundedCornerShape(8.dp)),
                            onCenterChanged = model::moveCenter,
                            onMarkerClick = null,
                        )
                    }
                    form.centerError?.let { ErrorText(it) }
                        ?: Text(
                            form.centerArea?.let { area -> language.pick(Str.warningsUseMapCentreIn(area)) }
                                ?: language.pick(Str.WARNINGS_USE_MAP_CENTRE),
                            style = MaterialTheme.typography.bodyMedium,
                        )
                    Text(t(Str.WARNINGS_RADIUS), style = MaterialTheme.typography.labelLarge)
                    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        for (r in RADII_M) {
                            FilterChip(
                                selected = form.radiusM == r,
                                onClick = { model.setRadius(r) },
                                label = { Text(radiusText(r, language)) },
                                modifier = Modifier.heightIn(min = 48.dp),
                            )
                        }
                    }
                }
                PlaceKind.WARD -> {
                    Column {
                        for (w in wards) {
                            val name = w.name
                            Row(
                                Modifier.fillMaxWidth().heightIn(min = 48.dp)
                                    .selectable(form.wardCode == w.code, role = Role.RadioButton) { model.pickWard(w.code, name) },
                                verticalAlignment = Alignment.CenterVertically,
                            ) {
                                RadioButton(selected = form.wardCode == w.code, onClick = null)
                                Spacer(Modifier.width(8.dp))
                                Text(name, style = MaterialTheme.typography.bodyLarge)
                            }
                        }
                    }
                    if (form.needsWard) ErrorText(t(Str.WARNINGS_CHOOSE_WARD))
                }
            }
            form.error?.let { ErrorText(it) }
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp, Alignment.End), modifier = Modifier.fillMaxWidth()) {
                TextButton(onClick = model::cancelAddPlace, modifier = Modifier.heightIn(min = 48.dp)) { Text(t(Str.WARNINGS_CANCEL)) }
                Button(onClick = model::savePlace, modifier = Modifier.heightIn(min = 48.dp)) { Text(t(Str.WARNINGS_SAVE_PLACE)) }
            }
        }
    }
}

/** A ring of points [radiusM] around [center], for drawing the radius. */
internal fun circle(center: LatLon, radiusM: Double, points: Int = 36): List<LatLon> = (0..points).map { i ->
    val a = 2 * Math.PI * i / points
    LatLon(
        center.lat + radiusM * sin(a) / 110_540.0,
        center.lon + radiusM * cos(a) / (111_320.0 * cos(Math.toRadians(center.lat))),
    )
}

@Composable
private fun SwitchRow(title: String, body: String, checked: Boolean, onChange: (Boolean) -> Unit) {
    Row(
        Modifier.fillMaxWidth().heightIn(min = 48.dp).toggleable(checked, role = Role.Switch, onValueChange = onChange),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        Column(Modifier.weight(1f)) {
            Text(title, style = MaterialTheme.typography.titleMedium)
            Text(body, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
        Spacer(Modifier.width(12.dp))
        Switch(checked = checked, onCheckedChange = null)
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun Topics(sub: WarningSubscription, topics: List<WarningTopic>, model: SubscriptionsViewModel) {
    val language = LocalLanguage.current
    SectionTitle(t(Str.WARNINGS_TOPICS))
    Text(
        t(Str.WARNINGS_TOPICS_HINT),
        style = MaterialTheme.typography.bodySmall,
        color = MaterialTheme.colorScheme.onSurfaceVariant,
    )
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        FilterChip(
            selected = sub.topics.isEmpty(),
            onClick = model::allTopics,
            label = { Text(t(Str.WARNINGS_TOPICS_ALL)) },
            modifier = Modifier.heightIn(min = 48.dp),
        )
        for (topic in topics) {
            FilterChip(
                selected = topic.code in sub.topics,
                onClick = { model.toggleTopic(topic.code) },
                label = { Text(topic.name) },
                modifier = Modifier.heightIn(min = 48.dp),
            )
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun MinSeverity(sub: WarningSubscription, model: SubscriptionsViewModel) {
    val language = LocalLanguage.current
    SectionTitle(t(Str.WARNINGS_SEVERITY))
    Text(
        t(Str.WARNINGS_SEVERITY_HINT),
        style = MaterialTheme.typography.bodySmall,
        color = MaterialTheme.colorScheme.onSurfaceVariant,
    )
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        for (s in listOf(Severity.MINOR, Severity.MODERATE, Severity.SEVERE, Severity.EXTREME)) {
            FilterChip(
                selected = sub.minSeverity == s,
                onClick = { model.setMinSeverity(s) },
                label = { Text(severityLabel(s, language.code)) },
                modifier = Modifier.heightIn(min = 48.dp),
            )
        }
    }
}

@Composable
private fun QuietHours(state: SubscriptionsState, model: SubscriptionsViewModel) {
    val language = LocalLanguage.current
    val sub = state.subscription ?: return
    SwitchRow(
        t(Str.WARNINGS_QUIET_HOURS),
        if (state.quietOn) {
            val start = hhmm(sub.quietStartMinute?.toInt() ?: 0)
            val end = hhmm(sub.quietEndMinute?.toInt() ?: 0)
            val overnight = (sub.quietStartMinute ?: 0u) > (sub.quietEndMinute ?: 0u)
            val hours = if (overnight) {
                language.pick(Str.warningsQuietFromToOvernight(start, end))
            } else {
                language.pick(Str.warningsQuietFromTo(start, end))
            }
            hours + ". " +
                language.pick(Str.WARNINGS_QUIET_ON_HINT)
        } else {
            language.pick(Str.WARNINGS_QUIET_OFF_HINT)
        },
        state.quietOn,
        model::setQuietHours,
    )
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.fillMaxWidth()) {
        OutlinedTextField(
            value = state.quietStart,
            onValueChange = model::setQuietStart,
            label = { Text(t(Str.WARNINGS_QUIET_FROM)) },
            singleLine = true,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
            modifier = Modifier.weight(1f).testTag("quiet-start"),
        )
        OutlinedTextField(
            value = state.quietEnd,
            onValueChange = model::setQuietEnd,
            label = { Text(t(Str.WARNINGS_QUIET_TO)) },
            singleLine = true,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
            modifier = Modifier.weight(1f).testTag("quiet-end"),
        )
    }
    if (state.quietBadFormat) ErrorText(t(Str.WARNINGS_QUIET_FORMAT))
    state.quietError?.let { ErrorText(it) }
    OutlinedButton(onClick = model::saveQuietHours, modifier = Modifier.heightIn(min = 48.dp)) {
        Text(if (state.quietOn) t(Str.WARNINGS_SAVE_QUIET_HOURS) else t(Str.WARNINGS_QUIET_TURN_ON))
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun WarningLanguage(sub: WarningSubscription, model: SubscriptionsViewModel) {
    SectionTitle(t(Str.WARNINGS_LANGUAGE))
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        FilterChip(
            selected = sub.language.startsWith("vi"),
            onClick = { model.setWarningLanguage("vi") },
            label = { Text("Tiếng Việt") },
            modifier = Modifier.heightIn(min = 48.dp),
        )
        FilterChip(
            selected = sub.language.startsWith("en"),
            onClick = { model.setWarningLanguage("en") },
            label = { Text("English") },
            modifier = Modifier.heightIn(min = 48.dp),
        )
    }
}
