package org.civic.app.ui.capture

import androidx.compose.foundation.BorderStroke
import androidx.compose.foundation.Canvas
import androidx.compose.foundation.clickable
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
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.toggleable
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.Checkbox
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Surface
import androidx.compose.material3.Switch
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
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import org.civic.app.ui.LatLon
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.LocalPlatform
import org.civic.app.ui.MapMarker
import org.civic.app.ui.Str
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.common.Format
import org.civic.app.ui.common.PhotoView
import org.civic.app.ui.common.StatusChip
import org.civic.app.ui.t
import org.civic.core.Answer
import org.civic.core.Question
import org.civic.core.QuestionKind
import java.time.Duration
import java.time.Instant

/** Where the map opens before there is a fix: the citadel, the heart of Huế. */
private val HUE = LatLon(16.4698, 107.5786)

/**
 * "Báo cáo mới": photos, place, category, questions, description, then send (or "me too").
 * The Android layer implements the camera ([onTakePhoto]), the Photo Picker ([onPickPhotos])
 * and a fresh fix ([onLocateMe]) and hands their results to the model's intents;
 * [onClose] leaves the flow (done, discarded, or back).
 */
@Composable
fun CaptureScreen(
    model: CaptureViewModel,
    onTakePhoto: () -> Unit,
    onPickPhotos: () -> Unit,
    onLocateMe: () -> Unit,
    onClose: () -> Unit,
) {
    val state by model.state.collectAsState()
    LaunchedEffect(state.result) {
        if (state.result == CaptureResult.Discarded) onClose()
    }
    CaptureContent(state, model, onTakePhoto, onPickPhotos, onLocateMe, onClose)
}

/** The screen for one [state]: the picker, the result, or the form. */
@Composable
fun CaptureContent(
    state: CaptureState,
    intents: CaptureIntents,
    onTakePhoto: () -> Unit = {},
    onPickPhotos: () -> Unit = {},
    onLocateMe: () -> Unit = {},
    onClose: () -> Unit = {},
) {
    val result = state.result
    when {
        result != null && result != CaptureResult.Discarded -> CaptureResultView(result, intents, onClose)
        state.picking -> CategoryPicker(
            state.query,
            state.results,
            state.category?.code,
            intents::search,
            intents::chooseCategory,
            intents::closePicker,
        )
        else -> CaptureForm(state, intents, onTakePhoto, onPickPhotos, onLocateMe, onClose)
    }
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun CaptureForm(
    state: CaptureState,
    intents: CaptureIntents,
    onTakePhoto: () -> Unit,
    onPickPhotos: () -> Unit,
    onLocateMe: () -> Unit,
    onClose: () -> Unit,
) {
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(t(Str.CAPTURE_NEW_REPORT), maxLines = 1, overflow = TextOverflow.Ellipsis) },
                navigationIcon = {
                    TextButton(onClick = onClose, modifier = Modifier.heightIn(min = 48.dp)) { Text(t(Str.CAPTURE_BACK)) }
                },
                actions = {
                    TextButton(onClick = intents::askDiscard, enabled = state.draftId != null, modifier = Modifier.heightIn(min = 48.dp)) {
                        Text(t(Str.CAPTURE_DISCARD))
                    }
                },
            )
        },
        bottomBar = { SendBar(state, intents) },
    ) { padding ->
        Column(
            Modifier.padding(padding).fillMaxSize().verticalScroll(rememberScrollState()).padding(horizontal = 16.dp, vertical = 8.dp),
            verticalArrangement = Arrangement.spacedBy(16.dp),
        ) {
            if (state.loading) {
                Box(Modifier.fillMaxWidth(), contentAlignment = Alignment.Center) { CircularProgressIndicator() }
            }
            if (state.resumed) {
                Text(
                    t(Str.CAPTURE_RESUMED),
                    style = MaterialTheme.typography.bodyMedium,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                )
            }
            PhotosSection(state, intents, onTakePhoto, onPickPhotos)
            LocationSection(state, intents, onLocateMe)
            CategorySection(state, intents)
            if (state.offers.isNotEmpty()) MeTooSection(state, intents)
            state.category?.questions?.takeIf { it.isNotEmpty() }?.let { QuestionsSection(it, state, intents) }
            DescriptionSection(state, intents)
            AnonymousRow(state.anonymous, intents::setAnonymous)
            Spacer(Modifier.height(8.dp))
        }
    }
}

@Composable
private fun SectionTitle(text: String, modifier: Modifier = Modifier) {
    Text(text, style = MaterialTheme.typography.titleMedium, modifier = modifier.semantics { heading() })
}

// --- Photos ---

@Composable
private fun PhotosSection(state: CaptureState, intents: CaptureIntents, onTakePhoto: () -> Unit, onPickPhotos: () -> Unit) {
    val language = LocalLanguage.current
    Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
        SectionTitle(t(Str.CAPTURE_PHOTOS) + " (${state.photos.size}/$MAX_PHOTOS)")
        if (state.photos.isNotEmpty()) {
            Row(Modifier.horizontalScroll(rememberScrollState()), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                state.photos.forEachIndexed { i, photo ->
                    Box(Modifier.size(96.dp)) {
                        PhotoView(
                            photo.bytes,
                            language.pick(Str.capturePhotoNumber(i + 1)),
                            Modifier.size(96.dp).clip(RoundedCornerShape(8.dp)),
                        )
                        Surface(
                            shape = CircleShape,
                            color = MaterialTheme.colorScheme.surface.copy(alpha = 0.9f),
                            modifier = Modifier.align(Alignment.TopEnd).size(48.dp).padding(6.dp)
                                .clip(CircleShape)
                                .clickable(role = Role.Button, onClickLabel = language.pick(Str.captureRemovePhoto(i + 1))) {
                                    intents.removePhoto(photo.hash)
                                }
                                .semantics { contentDescription = language.pick(Str.captureRemovePhoto(i + 1)) },
                        ) {
                            Box(contentAlignment = Alignment.Center) { Text("✕", style = MaterialTheme.typography.titleSmall) }
                        }
                    }
                }
            }
        } else {
            Text(
                t(Str.CAPTURE_PHOTO_HINT),
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
        }
        if (state.photos.size < MAX_PHOTOS) {
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.fillMaxWidth()) {
                Button(onClick = onTakePhoto, modifier = Modifier.weight(1f).heightIn(min = 48.dp), enabled = state.draftId != null) {
                    Text(t(Str.CAPTURE_TAKE_PHOTO), textAlign = TextAlign.Center)
                }
                OutlinedButton(
                    onClick = onPickPhotos,
                    modifier = Modifier.weight(1f).heightIn(min = 48.dp),
                    enabled = state.draftId != null,
                ) {
                    Text(t(Str.CAPTURE_FROM_GALLERY), textAlign = TextAlign.Center)
                }
            }
        } else {
            Text(t(Str.capturePhotosFull(MAX_PHOTOS)), style = MaterialTheme.typography.bodySmall)
        }
    }
}

/** The core's limit (`MAX_PHOTOS` in the core); the core refuses a sixth photo anyway. */
const val MAX_PHOTOS = 5

// --- Location ---

@Composable
private fun LocationSection(state: CaptureState, intents: CaptureIntents, onLocateMe: () -> Unit) {
    val language = LocalLanguage.current
    val fix = state.location
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            SectionTitle(t(Str.CAPTURE_LOCATION))
            val center = fix?.let { LatLon(it.lat, it.lon) } ?: HUE
            val markers = buildList {
                if (fix !=
                    null
                ) {
                    add(
                        MapMarker(
                            center,
                            language.pick(Str.CAPTURE_LOCATION_MAP),
                            MaterialTheme.colorScheme.primary,
                            "draft",
                        ),
                    )
                }
                state.offers.forEach { o ->
                    add(
                        MapMarker(
                            o.at,
                            language.pick(Str.captureReportPublicNumber(o.publicNumber)),
                            MaterialTheme.colorScheme.secondary,
                            o.id,
                        ),
                    )
                }
            }
            LocalPlatform.current.Map(
                center = center,
                zoom = if (fix != null) 17.0 else 13.0,
                markers = markers,
                areas = emptyList(),
                modifier = Modifier.fillMaxWidth().height(160.dp).clip(RoundedCornerShape(8.dp)),
                onCenterChanged = { intents.movePin(it) },
                onMarkerClick = null,
            )
            Column(Modifier.semantics(mergeDescendants = true) {}) {
                if (fix == null) {
                    Text(
                        t(Str.CAPTURE_WAITING_LOCATION),
                        style = MaterialTheme.typography.bodyMedium,
                    )
                } else {
                    state.area?.let { Text(it.ward.name, style = MaterialTheme.typography.titleSmall, fontWeight = FontWeight.SemiBold) }
                    Text(accuracyWords(fix, language), style = MaterialTheme.typography.bodyMedium)
                    if (state.area?.nearEdge == true) {
                        Text(
                            t(Str.CAPTURE_NEAR_BOUNDARY),
                            style = MaterialTheme.typography.bodySmall,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                    }
                    Text(
                        t(Str.CAPTURE_DRAG_MAP),
                        style = MaterialTheme.typography.bodySmall,
                        color = MaterialTheme.colorScheme.onSurfaceVariant,
                    )
                }
            }
            state.outsideArea?.let { message ->
                ErrorText(
                    if (fix != null) language.pick(Str.capturePreviousLocationKept(message)) else message,
                    Modifier.semantics { liveRegion = LiveRegionMode.Polite },
                )
            }
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.fillMaxWidth()) {
                OutlinedButton(
                    onClick = onLocateMe,
                    modifier = Modifier.weight(1f).heightIn(min = 48.dp),
                    enabled = state.draftId != null,
                ) {
                    Text(t(Str.CAPTURE_WHERE_I_AM), textAlign = TextAlign.Center)
                }
                state.photoLocationOffer?.let { offer ->
                    OutlinedButton(onClick = {
                        intents.usePhotoLocation(offer.hash)
                    }, modifier = Modifier.weight(1f).heightIn(min = 48.dp)) {
                        Text(t(Str.CAPTURE_USE_PHOTO_LOCATION), textAlign = TextAlign.Center)
                    }
                }
            }
        }
    }
}

// --- Category ---

@Composable
private fun CategorySection(state: CaptureState, intents: CaptureIntents) {
    val category = state.category
    Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
        SectionTitle(t(Str.CAPTURE_CATEGORY))
        Card(
            onClick = intents::openPicker,
            enabled = state.draftId != null,
            modifier = Modifier.fillMaxWidth().heightIn(min = 56.dp).semantics(mergeDescendants = true) {},
            colors = if (category == null) {
                CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.primaryContainer)
            } else {
                CardDefaults.cardColors()
            },
        ) {
            Row(Modifier.padding(12.dp), verticalAlignment = Alignment.CenterVertically) {
                Column(Modifier.weight(1f)) {
                    if (category == null) {
                        Text(t(Str.CAPTURE_CHOOSE_CATEGORY), style = MaterialTheme.typography.titleMedium)
                        Text(
                            t(Str.CAPTURE_CATEGORY_EXAMPLE),
                            style = MaterialTheme.typography.bodySmall,
                        )
                    } else {
                        Text(category.name, style = MaterialTheme.typography.titleMedium)
                        Text(
                            category.groupName,
                            style = MaterialTheme.typography.bodySmall,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                    }
                }
                Text(
                    if (category == null) "›" else t(Str.CAPTURE_CHANGE),
                    style = MaterialTheme.typography.labelLarge,
                    color = MaterialTheme.colorScheme.primary,
                )
            }
        }
    }
}

/**
 * The category picker, full screen: a search field (accents optional: "rac" finds "Rác") and
 * the categories under their groups, or the best matches first while searching.
 */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun CategoryPicker(
    query: String,
    results: List<org.civic.core.Category>,
    selected: String?,
    onQuery: (String) -> Unit,
    onPick: (String) -> Unit,
    onClose: () -> Unit,
) {
    val language = LocalLanguage.current
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(t(Str.CAPTURE_PICKER_TITLE), maxLines = 1, overflow = TextOverflow.Ellipsis) },
                navigationIcon = {
                    TextButton(onClick = onClose, modifier = Modifier.heightIn(min = 48.dp)) { Text(t(Str.CAPTURE_BACK)) }
                },
            )
        },
    ) { padding ->
        Column(Modifier.padding(padding).fillMaxSize()) {
            OutlinedTextField(
                value = query,
                onValueChange = onQuery,
                label = { Text(t(Str.CAPTURE_SEARCH_HINT)) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp),
            )
            Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(bottom = 16.dp)) {
                if (results.isEmpty()) {
                    Text(
                        t(Str.CAPTURE_NOTHING_FOUND),
                        modifier = Modifier.padding(16.dp),
                        style = MaterialTheme.typography.bodyMedium,
                    )
                }
                val grouped = query.isBlank()
                var lastGroup: String? = null
                for (c in results) {
                    if (grouped && c.group != lastGroup) {
                        lastGroup = c.group
                        Text(
                            c.groupName,
                            style = MaterialTheme.typography.labelLarge,
                            color = MaterialTheme.colorScheme.primary,
                            modifier = Modifier.padding(start = 16.dp, end = 16.dp, top = 16.dp, bottom = 4.dp).semantics { heading() },
                        )
                    }
                    val isSelected = c.code == selected
                    Column(
                        Modifier.fillMaxWidth().heightIn(min = 56.dp)
                            .selectable(selected = isSelected, role = Role.Button) { onPick(c.code) }
                            .padding(horizontal = 16.dp, vertical = 10.dp),
                    ) {
                        Text(
                            (if (isSelected) "✓ " else "") + c.name,
                            style = MaterialTheme.typography.bodyLarge,
                            fontWeight = if (isSelected) FontWeight.SemiBold else FontWeight.Normal,
                        )
                        Text(
                            if (grouped) c.description else c.groupName,
                            style = MaterialTheme.typography.bodySmall,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                            maxLines = 2,
                        )
                    }
                    HorizontalDivider(Modifier.padding(horizontal = 16.dp))
                }
            }
        }
    }
}

// --- Questions ---

@Composable
private fun QuestionsSection(questions: List<Question>, state: CaptureState, intents: CaptureIntents) {
    Column(verticalArrangement = Arrangement.spacedBy(12.dp)) {
        SectionTitle(t(Str.CAPTURE_DETAILS))
        for (q in questions) QuestionField(q, state, intents)
    }
}

@Composable
private fun QuestionField(q: Question, state: CaptureState, intents: CaptureIntents) {
    val language = LocalLanguage.current
    val label = q.prompt + if (q.required) " *" else ""
    val description = if (q.required) language.pick(Str.captureQuestionRequired(q.prompt)) else q.prompt
    val answer = state.answers[q.code]
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        when (q.kind) {
            QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.NUMBER -> {
                val text = state.answerTexts[q.code] ?: ""
                val number = q.kind == QuestionKind.NUMBER
                val bad = number && text.isNotBlank() && CaptureViewModel.parseNumber(text) == null
                OutlinedTextField(
                    value = text,
                    onValueChange = { intents.typeAnswer(q.code, it) },
                    label = { Text(label) },
                    singleLine = q.kind != QuestionKind.LONG_TEXT,
                    minLines = if (q.kind == QuestionKind.LONG_TEXT) 3 else 1,
                    isError = bad,
                    supportingText = if (bad) ({ Text(t(Str.CAPTURE_ENTER_NUMBER)) }) else null,
                    keyboardOptions = if (number) KeyboardOptions(keyboardType = KeyboardType.Decimal) else KeyboardOptions.Default,
                    modifier = Modifier.fillMaxWidth().semantics { contentDescription = description },
                )
            }
            QuestionKind.ONE_OF -> {
                Text(
                    label,
                    style = MaterialTheme.typography.bodyLarge,
                    modifier = Modifier.semantics {
                        contentDescription =
                            description
                    },
                )
                val chosen = (answer as? Answer.Choice)?.key
                for (option in q.choices) {
                    Row(
                        Modifier.fillMaxWidth().heightIn(min = 48.dp).clip(RoundedCornerShape(8.dp))
                            .selectable(selected = option.key == chosen, role = Role.RadioButton) {
                                intents.answer(q.code, if (option.key == chosen && !q.required) null else Answer.Choice(option.key))
                            },
                        verticalAlignment = Alignment.CenterVertically,
                    ) {
                        RadioButton(selected = option.key == chosen, onClick = null)
                        Spacer(Modifier.width(8.dp))
                        Text(option.label, style = MaterialTheme.typography.bodyMedium)
                    }
                }
            }
            QuestionKind.SOME_OF -> {
                Text(
                    label,
                    style = MaterialTheme.typography.bodyLarge,
                    modifier = Modifier.semantics {
                        contentDescription =
                            description
                    },
                )
                val chosen = (answer as? Answer.Choices)?.keys.orEmpty()
                for (option in q.choices) {
                    val on = option.key in chosen
                    Row(
                        Modifier.fillMaxWidth().heightIn(min = 48.dp).clip(RoundedCornerShape(8.dp))
                            .toggleable(value = on, role = Role.Checkbox) { checked ->
                                val keys = if (checked) chosen + option.key else chosen - option.key
                                intents.answer(
                                    q.code,
                                    if (keys.isEmpty()) {
                                        null
                                    } else {
                                        Answer.Choices(
                                            q.choices.map { it.key }.filter {
                                                it in
                                                    keys
                                            },
                                        )
                                    },
                                )
                            },
                        verticalAlignment = Alignment.CenterVertically,
                    ) {
                        Checkbox(checked = on, onCheckedChange = null)
                        Spacer(Modifier.width(8.dp))
                        Text(option.label, style = MaterialTheme.typography.bodyMedium)
                    }
                }
            }
            QuestionKind.DATE_TIME -> {
                Text(
                    label,
                    style = MaterialTheme.typography.bodyLarge,
                    modifier = Modifier.semantics {
                        contentDescription =
                            description
                    },
                )
                val at = (answer as? Answer.DateTime)?.value
                Text(
                    at?.let { Format.dateTime(it) } ?: t(Str.CAPTURE_NO_TIME_CHOSEN),
                    style = MaterialTheme.typography.bodyMedium,
                    fontWeight = if (at != null) FontWeight.SemiBold else FontWeight.Normal,
                )
                Row(Modifier.horizontalScroll(rememberScrollState()), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedButton(onClick = {
                        intents.answer(q.code, Answer.DateTime(Instant.now()))
                    }, modifier = Modifier.heightIn(min = 48.dp)) {
                        Text(t(Str.CAPTURE_NOW))
                    }
                    OutlinedButton(
                        onClick = { intents.answer(q.code, Answer.DateTime((at ?: Instant.now()).minus(Duration.ofHours(1)))) },
                        modifier = Modifier.heightIn(min = 48.dp),
                    ) { Text(t(Str.CAPTURE_HOUR_EARLIER)) }
                    OutlinedButton(
                        onClick = { intents.answer(q.code, Answer.DateTime((at ?: Instant.now()).minus(Duration.ofDays(1)))) },
                        modifier = Modifier.heightIn(min = 48.dp),
                    ) { Text(t(Str.CAPTURE_DAY_EARLIER)) }
                }
            }
        }
    }
}

// --- Description, anonymous ---

@Composable
private fun DescriptionSection(state: CaptureState, intents: CaptureIntents) {
    OutlinedTextField(
        value = state.description,
        onValueChange = intents::describe,
        label = { Text(t(Str.CAPTURE_DESCRIPTION_OPTIONAL)) },
        placeholder = { Text(t(Str.CAPTURE_DESCRIPTION_EXAMPLE)) },
        minLines = 3,
        enabled = state.draftId != null,
        modifier = Modifier.fillMaxWidth(),
    )
}

@Composable
private fun AnonymousRow(anonymous: Boolean, onChange: (Boolean) -> Unit) {
    Row(
        Modifier.fillMaxWidth().heightIn(min = 56.dp).toggleable(value = anonymous, role = Role.Switch, onValueChange = onChange),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        Column(Modifier.weight(1f)) {
            Text(t(Str.CAPTURE_SEND_ANONYMOUSLY), style = MaterialTheme.typography.bodyLarge)
            Text(
                t(Str.CAPTURE_ANONYMOUS_HINT),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
        }
        Spacer(Modifier.width(8.dp))
        Switch(checked = anonymous, onCheckedChange = null)
    }
}

// --- Me too ---

@Composable
private fun MeTooSection(state: CaptureState, intents: CaptureIntents) {
    val language = LocalLanguage.current
    Card(
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.secondaryContainer),
        modifier = Modifier.fillMaxWidth(),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
            Text(
                t(Str.CAPTURE_NEARBY_TITLE),
                style = MaterialTheme.typography.titleMedium,
                color = MaterialTheme.colorScheme.onSecondaryContainer,
                modifier = Modifier.semantics {
                    heading()
                    liveRegion = LiveRegionMode.Polite
                },
            )
            Text(
                t(Str.CAPTURE_NEARBY_HINT),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSecondaryContainer,
            )
            for (offer in state.offers) {
                Surface(shape = RoundedCornerShape(8.dp), color = MaterialTheme.colorScheme.surface, modifier = Modifier.fillMaxWidth()) {
                    Column(Modifier.padding(10.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                        Row(Modifier.semantics(mergeDescendants = true) {}) {
                            PhotoView(
                                offer.photo,
                                language.pick(Str.capturePhotoOfReport(offer.publicNumber)),
                                Modifier.size(72.dp).clip(RoundedCornerShape(8.dp)),
                            )
                            Spacer(Modifier.width(10.dp))
                            Column(Modifier.weight(1f), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                                Text(offer.category, style = MaterialTheme.typography.titleSmall)
                                StatusChip(offer.status, offer.statusLabel)
                                Text(
                                    language.pick(Str.captureDistanceAway(distanceWords(offer.distanceM))) +
                                        " · " + language.pick(Str.captureSupporters(offer.supporters)),
                                    style = MaterialTheme.typography.bodySmall,
                                )
                                if (offer.description.isNotBlank()) {
                                    Text(offer.description, style = MaterialTheme.typography.bodySmall, maxLines = 3)
                                }
                            }
                        }
                        val busy = state.supporting == offer.id
                        Button(
                            onClick = { intents.meToo(offer.id) },
                            enabled = state.supporting == null,
                            modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp),
                        ) {
                            Text(if (busy) t(Str.CAPTURE_SENDING) else t(Str.CAPTURE_ME_TOO))
                        }
                    }
                }
            }
            TextButton(onClick = intents::sendAnyway, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
                Text(t(Str.CAPTURE_SEND_MINE_ANYWAY))
            }
        }
    }
}

// --- Send bar ---

@Composable
private fun SendBar(state: CaptureState, intents: CaptureIntents) {
    val language = LocalLanguage.current
    Surface(tonalElevation = 3.dp, shadowElevation = 6.dp) {
        Column(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 10.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            if (state.confirmDiscard) {
                Text(
                    t(Str.CAPTURE_DISCARD_QUESTION),
                    style = MaterialTheme.typography.bodyLarge,
                    modifier = Modifier.semantics { liveRegion = LiveRegionMode.Assertive },
                )
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.fillMaxWidth()) {
                    OutlinedButton(onClick = intents::cancelDiscard, modifier = Modifier.weight(1f).heightIn(min = 48.dp)) {
                        Text(t(Str.CAPTURE_KEEP_IT))
                    }
                    Button(
                        onClick = intents::discard,
                        colors = androidx.compose.material3.ButtonDefaults.buttonColors(
                            containerColor = MaterialTheme.colorScheme.error,
                            contentColor = MaterialTheme.colorScheme.onError,
                        ),
                        modifier = Modifier.weight(1f).heightIn(min = 48.dp),
                    ) { Text(t(Str.CAPTURE_DISCARD_REPORT)) }
                }
                return@Column
            }
            state.error?.let { ErrorText(it, Modifier.semantics { liveRegion = LiveRegionMode.Polite }) }
            if (!state.loading) {
                if (state.missing.isNotEmpty()) {
                    state.missingLine?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                } else {
                    Text(
                        t(Str.CAPTURE_READY),
                        style = MaterialTheme.typography.bodySmall,
                        color = MaterialTheme.colorScheme.onSurfaceVariant,
                    )
                }
            }
            Button(
                onClick = { if (state.offers.isNotEmpty()) intents.sendAnyway() else intents.send() },
                enabled = state.canSend,
                modifier = Modifier.fillMaxWidth().heightIn(min = 56.dp),
            ) {
                Text(
                    when {
                        state.sending -> t(Str.CAPTURE_SAVING)
                        state.offers.isNotEmpty() -> t(Str.CAPTURE_SEND_MINE_ANYWAY)
                        else -> t(Str.CAPTURE_SEND_REPORT)
                    },
                    style = MaterialTheme.typography.titleMedium,
                )
            }
        }
    }
}

// --- Result ---

/** After the flow: saved on the phone, delivered with its number, or "me too" counted. */
@Composable
fun CaptureResultView(result: CaptureResult, intents: CaptureIntents, onDone: () -> Unit) {
    val language = LocalLanguage.current
    Surface(Modifier.fillMaxSize()) {
        Column(
            Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(24.dp),
            horizontalAlignment = Alignment.CenterHorizontally,
            verticalArrangement = Arrangement.spacedBy(16.dp, Alignment.CenterVertically),
        ) {
            val done = result !is CaptureResult.Saved
            val color = if (done) MaterialTheme.colorScheme.secondary else MaterialTheme.colorScheme.primary
            Canvas(Modifier.size(88.dp)) {
                drawCircle(color.copy(alpha = 0.15f))
                val w = size.width
                if (done) {
                    // A tick.
                    drawLine(
                        color,
                        Offset(w * 0.28f, w * 0.52f),
                        Offset(w * 0.44f, w * 0.68f),
                        strokeWidth = w * 0.08f,
                        cap = StrokeCap.Round,
                    )
                    drawLine(
                        color,
                        Offset(w * 0.44f, w * 0.68f),
                        Offset(w * 0.74f, w * 0.36f),
                        strokeWidth = w * 0.08f,
                        cap = StrokeCap.Round,
                    )
                } else {
                    // A phone holding it: a rounded box with an arrow waiting.
                    drawLine(color, Offset(w * 0.5f, w * 0.25f), Offset(w * 0.5f, w * 0.6f), strokeWidth = w * 0.08f, cap = StrokeCap.Round)
                    drawLine(
                        color,
                        Offset(w * 0.35f, w * 0.47f),
                        Offset(w * 0.5f, w * 0.62f),
                        strokeWidth = w * 0.08f,
                        cap = StrokeCap.Round,
                    )
                    drawLine(
                        color,
                        Offset(w * 0.65f, w * 0.47f),
                        Offset(w * 0.5f, w * 0.62f),
                        strokeWidth = w * 0.08f,
                        cap = StrokeCap.Round,
                    )
                    drawLine(
                        color,
                        Offset(w * 0.3f, w * 0.75f),
                        Offset(w * 0.7f, w * 0.75f),
                        strokeWidth = w * 0.08f,
                        cap = StrokeCap.Round,
                    )
                }
            }
            val (title, body) = when (result) {
                is CaptureResult.Saved -> language.pick(Str.CAPTURE_SAVED_TITLE) to
                    language.pick(Str.CAPTURE_SAVED_BODY)
                is CaptureResult.Delivered -> language.pick(Str.CAPTURE_SENT_TITLE) to listOfNotNull(
                    result.publicNumber?.let { language.pick(Str.captureReportNumber(it)) },
                    result.expectedHours?.let {
                        language.pick(Str.captureExpectedTime(expectedWords(it, language)))
                    },
                ).joinToString("\n")
                is CaptureResult.Supported -> language.pick(Str.CAPTURE_THANK_YOU) to
                    language.pick(Str.captureSupportedBody(result.publicNumber))
                CaptureResult.Discarded -> language.pick(Str.CAPTURE_DISCARDED) to ""
            }
            Text(
                title,
                style = MaterialTheme.typography.headlineSmall,
                textAlign = TextAlign.Center,
                modifier = Modifier.semantics {
                    heading()
                    liveRegion = LiveRegionMode.Polite
                },
            )
            if (body.isNotEmpty()) Text(body, style = MaterialTheme.typography.bodyLarge, textAlign = TextAlign.Center)
            Spacer(Modifier.height(8.dp))
            Button(onClick = onDone, modifier = Modifier.fillMaxWidth().heightIn(min = 56.dp)) { Text(t(Str.CAPTURE_DONE)) }
            if (result is CaptureResult.Saved) {
                OutlinedButton(onClick = intents::trySyncNow, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
                    Text(t(Str.CAPTURE_TRY_SENDING_NOW))
                }
            }
            TextButton(onClick = intents::startAnother, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) {
                Text(t(Str.CAPTURE_REPORT_ANOTHER))
            }
        }
    }
}

/** Intents that do nothing: for rendering a state on its own (previews, screenshots). */
object NoCaptureIntents : CaptureIntents {
    override fun attachPhoto(bytes: ByteArray) {}
    override fun attachPhotoFile(path: String) {}
    override fun removePhoto(hash: String) {}
    override fun setLocation(fix: org.civic.core.LocationFix) {}
    override fun usePhotoLocation(hash: String) {}
    override fun movePin(at: LatLon) {}
    override fun openPicker() {}
    override fun closePicker() {}
    override fun search(query: String) {}
    override fun chooseCategory(code: String) {}
    override fun answer(question: String, answer: Answer?) {}
    override fun typeAnswer(question: String, text: String) {}
    override fun describe(text: String) {}
    override fun setAnonymous(anonymous: Boolean) {}
    override fun meToo(offerId: String) {}
    override fun sendAnyway() {}
    override fun send() {}
    override fun trySyncNow() {}
    override fun askDiscard() {}
    override fun cancelDiscard() {}
    override fun discard() {}
    override fun startAnother() {}
    override fun dismissError() {}
}
