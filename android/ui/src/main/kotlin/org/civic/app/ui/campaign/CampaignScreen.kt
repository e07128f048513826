package org.civic.app.ui.campaign

import androidx.compose.foundation.BorderStroke
import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.lazy.rememberLazyListState
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.AssistChip
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.clip
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.selected
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.LatLon
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.LocalPlatform
import org.civic.app.ui.MapArea
import org.civic.app.ui.MapMarker
import org.civic.app.ui.Str
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.common.Format
import org.civic.app.ui.common.PhotoView
import org.civic.app.ui.common.forPeople
import org.civic.app.ui.detail.PhotoBytes
import org.civic.app.ui.t
import org.civic.app.ui.theme.CampaignAreaColor
import org.civic.app.ui.theme.MeetingPointColor
import org.civic.app.ui.theme.spotColor
import org.civic.app.ui.warnings.CITADEL
import org.civic.core.BeforeAfter
import org.civic.core.CampaignInfo
import org.civic.core.CampaignPhase
import org.civic.core.CampaignSpot
import org.civic.core.CampaignSummaryCard
import org.civic.core.CampaignTally
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.LocationFix
import org.civic.core.SpotState
import java.util.Locale
import kotlin.math.abs
import kotlin.math.ln
import kotlin.math.max

/** A before/after pair of the summary card, with both photos' bytes when they are on the phone. */
data class PairPhotos(val pair: BeforeAfter, val before: PhotoBytes, val after: PhotoBytes)

/** What the Green Sunday screen shows. */
data class CampaignState(
    val campaign: CampaignInfo? = null,
    val spots: List<CampaignSpot> = emptyList(),
    /** Actions still only on the phone. */
    val waiting: Int = 0,
    /** Joined on this phone just now, before the campaign was read again (offline, say). */
    val joinedHere: Boolean = false,
    val busy: Boolean = false,
    val error: String? = null,
    /** After a send: what happened, in words. */
    val notice: String? = null,
    /** After the campaign: what the morning did (the card at the top). */
    val summary: CampaignSummaryCard? = null,
    /** The summary's before/after pairs, with their photos. */
    val pairs: List<PairPhotos> = emptyList(),
) {
    /** The resident joined it on this phone (the core remembers it, across restarts). */
    val joined: Boolean get() = joinedHere || campaign?.joined == true
}

/**
 * One campaign: joining (alone or with a team), the quick capture of a spot, and the live
 * map (a map of the spots and meeting points, and its list); once it has ended, its summary
 * card with the map of the cleaned spots. Everything the resident does is kept on
 * the phone first (the core's campaign desk); [sync] delivers it and pulls the map. Every call
 * into the core runs on [io]. [onJoined] runs on [io] after a join is kept on the phone (the
 * app schedules the reminders before the campaign there); it must not throw.
 */
class CampaignViewModel(
    private val app: CivicApp,
    private val campaignId: String,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    private val onJoined: () -> Unit = {},
) : AutoCloseable {
    private val _state = MutableStateFlow(CampaignState())
    val state: StateFlow<CampaignState> = _state.asStateFlow()

    private val campaigns = app.campaigns()

    /**
     * Reads the campaign (as last listed without a connection), the map kept on the phone and,
     * once the campaign has ended, its summary (needs a connection the first time).
     */
    fun load() {
        scope.launch {
            val local = runCatching { withContext(io) { campaigns.map(campaignId) to campaigns.waiting().toInt() } }
            local.onSuccess { (spots, waiting) -> _state.update { it.copy(spots = spots, waiting = waiting) } }
            readCampaign()
            val campaign = _state.value.campaign
            // A campaign no longer listed has ended long ago (or does not exist): its summary says which.
            if (campaign == null || campaign.phase == CampaignPhase.ENDED) readSummary()
        }
    }

    /** Joins alone (both null), with a team by id, or founding one by name. */
    fun join(teamId: String?, newTeam: String?) {
        scope.launch {
            try {
                withContext(io) { campaigns.join(campaignId, teamId, newTeam) }
                _state.update { it.copy(joinedHere = true) }
                // Read again: the campaign now says joined, and with which team.
                readCampaign()
                withContext(io) { onJoined() }
                reload(null)
            } catch (e: CivicException) {
                _state.update { it.copy(error = e.forPeople()) }
            }
        }
    }

    /** The quick capture: the photo just taken, where the phone is, one tap for the category. */
    fun reportSpot(category: String, photo: ByteArray, where: LocationFix) =
        act { campaigns.reportSpot(campaignId, category, photo, where) }

    fun claim(spot: String) = act { campaigns.claimSpot(campaignId, spot) }

    /** Delivers what waits, then pulls what changed on the map. */
    fun sync() {
        scope.launch {
            _state.update { it.copy(busy = true) }
            try {
                val sent = withContext(io) { campaigns.send() }
                if (sent.stopped == null) withContext(io) { campaigns.refresh(campaignId) }
                val notice = sent.stopped ?: sent.refused.firstOrNull()
                reload(notice)
                if (_state.value.campaign?.phase == CampaignPhase.ENDED) readSummary()
            } catch (e: CivicException) {
                _state.update { it.copy(error = e.forPeople()) }
                reload(null)
            }
        }
    }

    private fun act(block: suspend () -> Unit) {
        scope.launch {
            try {
                withContext(io) { block() }
                reload(null)
            } catch (e: CivicException) {
                _state.update { it.copy(error = e.forPeople()) }
            }
        }
    }

    /** Nothing of its own to release: the scope belongs to the screen. */
    override fun close() {}

    private suspend fun reload(notice: String?) {
        val (spots, waiting) = withContext(io) { campaigns.map(campaignId) to campaigns.waiting().toInt() }
        _state.update { it.copy(spots = spots, waiting = waiting, busy = false, notice = notice) }
    }

    /** The campaign as listed (as last listed, without a connection). */
    private suspend fun readCampaign() {
        try {
            val campaign = withContext(io) { campaigns.list().firstOrNull { it.id == campaignId } }
            _state.update { it.copy(campaign = campaign ?: it.campaign, error = null) }
        } catch (e: CivicException) {
            _state.update { it.copy(error = if (it.campaign == null) e.forPeople() else null) }
        }
    }

    /** The summary card and its pairs' photos (brought onto the phone with it). */
    private suspend fun readSummary() {
        try {
            val (card, pairs) = withContext(io) {
                val card = campaigns.summary(campaignId)
                val known = HashMap<String, PhotoBytes>()
                fun photo(hash: String): PhotoBytes = known.getOrPut(hash) {
                    // A photo not on the phone (its download failed) shows as a placeholder.
                    PhotoBytes(
                        hash,
                        try {
                            app.reports().photo(hash)
                        } catch (e: CivicException) {
                            null
                        },
                    )
                }
                card to card.pairs.map { PairPhotos(it, photo(it.beforePhoto), photo(it.afterPhoto)) }
            }
            val ended = card.campaign.phase == CampaignPhase.ENDED
            _state.update {
                it.copy(
                    campaign = it.campaign ?: card.campaign,
                    summary = if (ended) card else null,
                    pairs = if (ended) pairs else emptyList(),
                    error = null,
                )
            }
        } catch (e: CivicException) {
            _state.update { it.copy(error = e.forPeople()) }
        }
    }
}

@Composable
fun CampaignScreen(model: CampaignViewModel, onCapture: (category: String) -> Unit) {
    val state by model.state.collectAsState()
    CampaignContent(state, onJoin = model::join, onCapture = onCapture, onClaim = model::claim, onSync = model::sync)
}

/** The screen itself, from its state (rendered off-device in tests). */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun CampaignContent(
    state: CampaignState,
    onJoin: (teamId: String?, newTeam: String?) -> Unit,
    onCapture: (category: String) -> Unit,
    onClaim: (spot: String) -> Unit,
    onSync: () -> Unit,
) {
    val c = state.campaign
    val summary = state.summary
    val language = LocalLanguage.current
    val list = rememberLazyListState()
    val scope = rememberCoroutineScope()
    // The spot picked on the map: its row is highlighted and brought into view, to claim it.
    var selected by rememberSaveable { mutableStateOf<String?>(null) }
    val onPick: (String) -> Unit = { id ->
        val i = state.spots.indexOfFirst { it.id == id }
        if (i >= 0) {
            selected = id
            // The spots' rows are the list's last items but [AFTER_SPOTS].
            val index = list.layoutInfo.totalItemsCount - AFTER_SPOTS - state.spots.size + i
            if (index >= 0) scope.launch { list.animateScrollToItem(index) }
        }
    }
    val meeting = if (c != null) meetingMarkers(c, language) else emptyList()
    val area = c?.area.orEmpty().map { LatLon(it.lat, it.lon) }
    // A Scaffold as every screen has: the theme's background, and the system bars' insets.
    Scaffold { padding ->
        LazyColumn(
            Modifier.fillMaxSize().padding(padding).padding(horizontal = 16.dp),
            state = list,
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            item {
                Column(Modifier.padding(top = 16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Text(
                        t(Str.CAMPAIGN_TITLE),
                        style = MaterialTheme.typography.labelLarge,
                        color = MaterialTheme.colorScheme.primary,
                    )
                    Text(
                        c?.name ?: t(Str.CAMPAIGN_LOADING),
                        style = MaterialTheme.typography.headlineSmall,
                        fontWeight = FontWeight.Bold,
                        modifier = Modifier.semantics { heading() },
                    )
                    if (c != null) {
                        Text(
                            "${c.phaseLabel} · ${Format.dateTime(c.startsAt)} – ${Format.time(c.endsAt)}",
                            style = MaterialTheme.typography.bodyMedium,
                        )
                        if (c.areas.isNotEmpty()) Text(c.areas.joinToString(", "), style = MaterialTheme.typography.bodyMedium)
                        if (c.meetingPoints.isNotEmpty()) {
                            Text(
                                t(Str.campaignMeetAt(c.meetingPoints.joinToString(", "))),
                                style = MaterialTheme.typography.bodyMedium,
                            )
                        }
                        // After the campaign the summary card says how far it got.
                        val cleaned = state.spots.count { it.state == SpotState.CLEANED }
                        if (summary == null) {
                            c.goalSpots?.let { goal ->
                                Text(
                                    t(Str.campaignCleanedOfGoal(cleaned, goal)),
                                    style = MaterialTheme.typography.bodyLarge,
                                )
                                LinearProgressIndicator(progress = {
                                    (cleaned.toFloat() / goal.toFloat()).coerceIn(0f, 1f)
                                }, modifier = Modifier.fillMaxWidth())
                            }
                        }
                        c.cancelReason?.let { CalledOffLine(it) }
                        if (state.joined && c.phase != CampaignPhase.CANCELLED) JoinedLine(c.myTeam)
                    }
                    state.error?.let { ErrorText(it) }
                }
            }
            if (summary != null) {
                item(key = "summary") {
                    SummaryCard(summary) {
                        // The morning on the map: where it is clean now.
                        val cleaned = state.spots.filter { it.state == SpotState.CLEANED }
                        if (cleaned.isNotEmpty()) {
                            SpotsMap(
                                t(Str.CAMPAIGN_CLEANED_MAP),
                                cleaned,
                                emptyList(),
                                area,
                                legend = listOf(SpotState.CLEANED),
                                onPick = onPick,
                                modifier = Modifier.padding(top = 6.dp),
                            )
                        }
                    }
                }
                if (summary.byWard.isNotEmpty()) {
                    item(key = "by-ward") { TallyTable(t(Str.CAMPAIGN_BY_WARD), summary.byWard, mine = null) }
                }
                if (summary.byTeam.isNotEmpty()) {
                    item(key = "by-team") { TallyTable(t(Str.CAMPAIGN_BY_TEAM), summary.byTeam, mine = summary.myTeam?.name) }
                }
                if (state.pairs.isNotEmpty()) {
                    item(key = "pairs") {
                        Text(
                            t(Str.CAMPAIGN_BEFORE_AFTER),
                            style = MaterialTheme.typography.titleMedium,
                            modifier = Modifier.semantics { heading() },
                        )
                    }
                    items(state.pairs, key = { "pair-" + it.pair.spotId }) { PairRow(it) }
                }
            }
            if (c != null && !state.joined && (c.phase == CampaignPhase.UPCOMING || c.phase == CampaignPhase.RUNNING)) {
                item { JoinCard(c, onJoin) }
            }
            if (c != null && c.phase == CampaignPhase.RUNNING) {
                item {
                    Card(Modifier.fillMaxWidth()) {
                        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                            Text(
                                t(Str.CAMPAIGN_REPORT_SPOT),
                                style = MaterialTheme.typography.titleMedium,
                            )
                            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                                for (category in c.categories) {
                                    Button(onClick = { onCapture(category.code) }) { Text(category.name) }
                                }
                            }
                        }
                    }
                }
            }
            // The live map; after the campaign the summary card has the map of what was cleaned.
            if (summary == null && (state.spots.isNotEmpty() || meeting.isNotEmpty() || area.size >= 3)) {
                item(key = "map") {
                    Card(Modifier.fillMaxWidth()) {
                        SpotsMap(
                            t(Str.CAMPAIGN_SPOTS_MAP),
                            state.spots,
                            meeting,
                            area,
                            legend = if (state.spots.isEmpty()) emptyList() else SpotState.entries,
                            onPick = onPick,
                            modifier = Modifier.padding(16.dp),
                        )
                    }
                }
            }
            item {
                Row(
                    Modifier.fillMaxWidth(),
                    verticalAlignment = Alignment.CenterVertically,
                    horizontalArrangement = Arrangement.SpaceBetween,
                ) {
                    Text(
                        t(Str.campaignSpotsCount(state.spots.size)),
                        style = MaterialTheme.typography.titleMedium,
                        modifier = Modifier.semantics { heading() },
                    )
                    OutlinedButton(onClick = onSync, enabled = !state.busy) {
                        Text(
                            if (state.waiting >
                                0
                            ) {
                                t(Str.campaignSendPending(state.waiting))
                            } else {
                                t(Str.CAMPAIGN_REFRESH)
                            },
                        )
                    }
                }
                state.notice?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
            }
            if (state.spots.isEmpty()) {
                item { Text(t(Str.CAMPAIGN_NO_SPOTS), style = MaterialTheme.typography.bodyMedium) }
            }
            items(state.spots, key = { it.id }) { spot ->
                SpotRow(
                    spot,
                    selected = spot.id == selected,
                    canClaim = state.joined && c?.phase == CampaignPhase.RUNNING,
                    onClaim = onClaim,
                )
            }
            // AFTER_SPOTS items after the spots' rows.
            item { Text("", Modifier.padding(bottom = 24.dp)) }
        }
    }
}

/** "Bạn đã tham gia · Đội X", or taking part alone. */
@Composable
private fun JoinedLine(team: String?) {
    Surface(
        color = MaterialTheme.colorScheme.secondaryContainer,
        shape = RoundedCornerShape(8.dp),
        modifier = Modifier.fillMaxWidth().padding(top = 4.dp),
    ) {
        Text(
            if (team != null) {
                t(Str.campaignJoinedTeam(team))
            } else {
                t(Str.CAMPAIGN_JOINED_ALONE)
            },
            color = MaterialTheme.colorScheme.onSecondaryContainer,
            style = MaterialTheme.typography.titleSmall,
            modifier = Modifier.padding(horizontal = 12.dp, vertical = 8.dp),
        )
    }
}

/** The campaign was called off (rain, a storm warning): why, where the joined line would be. */
@Composable
private fun CalledOffLine(reason: String) {
    Surface(
        color = MaterialTheme.colorScheme.errorContainer,
        shape = RoundedCornerShape(8.dp),
        modifier = Modifier.fillMaxWidth().padding(top = 4.dp),
    ) {
        Text(
            t(Str.campaignCalledOff(reason)),
            color = MaterialTheme.colorScheme.onErrorContainer,
            style = MaterialTheme.typography.titleSmall,
            modifier = Modifier.padding(horizontal = 12.dp, vertical = 8.dp),
        )
    }
}

/** A small label on a row: "Bạn báo", "Đã tham gia". */
@Composable
internal fun Tag(text: String, modifier: Modifier = Modifier) {
    Text(
        text,
        color = MaterialTheme.colorScheme.onPrimaryContainer,
        style = MaterialTheme.typography.labelMedium,
        fontWeight = FontWeight.SemiBold,
        modifier = modifier
            .clip(RoundedCornerShape(50))
            .background(MaterialTheme.colorScheme.primaryContainer)
            .padding(horizontal = 10.dp, vertical = 3.dp),
    )
}

/** Kilograms as people write them: "3,5 kg" in Vietnamese, "3.5 kg" in English (the language's decimal mark). */
@Composable
private fun kgText(kg: Double): String = String.format(Locale.forLanguageTag(LocalLanguage.current.code), "%.1f kg", kg)

/** What the morning did: the headline, the goal, what went to the sanitation unit, the resident's part. */
@Composable
private fun SummaryCard(s: CampaignSummaryCard, map: @Composable () -> Unit) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(
                t(Str.CAMPAIGN_SUMMARY_TITLE),
                style = MaterialTheme.typography.labelLarge,
                color = MaterialTheme.colorScheme.primary,
                modifier = Modifier.semantics { heading() },
            )
            Text(s.headline, style = MaterialTheme.typography.titleLarge, fontWeight = FontWeight.Bold)
            s.goalSpots?.let { goal ->
                Text(
                    if (s.goalReached) {
                        t(Str.campaignGoalReached(goal))
                    } else {
                        t(Str.campaignGoalNotReached(goal))
                    },
                    style = MaterialTheme.typography.bodyLarge,
                    fontWeight = if (s.goalReached) FontWeight.SemiBold else FontWeight.Normal,
                )
                LinearProgressIndicator(progress = {
                    (s.cleaned.toFloat() / goal.toFloat()).coerceIn(0f, 1f)
                }, modifier = Modifier.fillMaxWidth())
            }
            if (s.kg > 0.0) {
                Text(t(Str.campaignLitterCollected(kgText(s.kg))), style = MaterialTheme.typography.bodyMedium)
            }
            if (s.handedOver > 0u) {
                Text(
                    t(Str.campaignHandedOver(s.handedOver)),
                    style = MaterialTheme.typography.bodyMedium,
                )
            }
            map()
            val team = s.myTeam
            if (s.mine != null || team != null) {
                Text(
                    t(Str.CAMPAIGN_YOUR_PART),
                    style = MaterialTheme.typography.titleSmall,
                    fontWeight = FontWeight.SemiBold,
                    modifier = Modifier.padding(top = 6.dp).semantics { heading() },
                )
                s.mine?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                team?.let {
                    Text(
                        t(Str.campaignTeamSummary(it.name, it.cleaned, it.reported, kgText(it.kg))),
                        style = MaterialTheme.typography.bodyMedium,
                    )
                }
            }
        }
    }
}

/** A ward's or a team's figures, one row each; the resident's team in bold. */
@Composable
private fun TallyTable(title: String, rows: List<CampaignTally>, mine: String?) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(title, style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
            val muted = MaterialTheme.colorScheme.onSurfaceVariant
            // The column headings: TalkBack reads each row whole instead.
            Row(Modifier.fillMaxWidth().clearAndSetSemantics {}, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(t(Str.CAMPAIGN_NAME), style = MaterialTheme.typography.labelMedium, color = muted, modifier = Modifier.weight(1.3f))
                Text(
                    t(Str.CAMPAIGN_SPOTS),
                    style = MaterialTheme.typography.labelMedium,
                    color = muted,
                    textAlign = TextAlign.End,
                    modifier = Modifier.weight(0.8f),
                )
                Text(
                    t(Str.CAMPAIGN_CLEANED),
                    style = MaterialTheme.typography.labelMedium,
                    color = muted,
                    textAlign = TextAlign.End,
                    modifier = Modifier.weight(0.9f),
                )
                Text(
                    "kg",
                    style = MaterialTheme.typography.labelMedium,
                    color = muted,
                    textAlign = TextAlign.End,
                    modifier = Modifier.weight(0.8f),
                )
            }
            for (row in rows) {
                val kg = kgText(row.kg)
                val said = t(Str.campaignRowSummary(row.name, row.reported, row.cleaned, kg))
                val weight = if (row.name == mine) FontWeight.Bold else FontWeight.Normal
                Row(
                    Modifier.fillMaxWidth().semantics(mergeDescendants = true) { contentDescription = said },
                    horizontalArrangement = Arrangement.spacedBy(8.dp),
                ) {
                    Text(row.name, style = MaterialTheme.typography.bodyMedium, fontWeight = weight, modifier = Modifier.weight(1.3f))
                    Text(
                        "${row.reported}",
                        style = MaterialTheme.typography.bodyMedium,
                        fontWeight = weight,
                        textAlign = TextAlign.End,
                        modifier = Modifier.weight(0.8f),
                    )
                    Text(
                        "${row.cleaned}",
                        style = MaterialTheme.typography.bodyMedium,
                        fontWeight = weight,
                        textAlign = TextAlign.End,
                        modifier = Modifier.weight(0.9f),
                    )
                    Text(
                        kg.removeSuffix(" kg"),
                        style = MaterialTheme.typography.bodyMedium,
                        fontWeight = weight,
                        textAlign = TextAlign.End,
                        modifier = Modifier.weight(0.8f),
                    )
                }
            }
        }
    }
}

/** A spot before and after it was cleaned, side by side. */
@Composable
private fun PairRow(p: PairPhotos) {
    val language = LocalLanguage.current
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(listOfNotNull(p.pair.categoryName, p.pair.team).joinToString(" · "), style = MaterialTheme.typography.titleSmall)
            Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                val sides = listOf(
                    Triple(
                        language.pick(Str.CAMPAIGN_BEFORE),
                        language.pick(Str.campaignBeforeCleaning(p.pair.categoryName)),
                        p.before,
                    ),
                    Triple(
                        language.pick(Str.CAMPAIGN_AFTER),
                        language.pick(Str.campaignAfterCleaning(p.pair.categoryName)),
                        p.after,
                    ),
                )
                for ((label, description, photo) in sides) {
                    Column(Modifier.weight(1f)) {
                        Box(Modifier.fillMaxWidth().height(130.dp).clip(RoundedCornerShape(8.dp))) {
                            PhotoView(photo.bytes, description, Modifier.matchParentSize())
                            if (photo.bytes == null) {
                                Text(
                                    t(Str.CAMPAIGN_PHOTO_MISSING),
                                    style = MaterialTheme.typography.bodySmall,
                                    color = Color(0xFF263238),
                                    textAlign = TextAlign.Center,
                                    modifier = Modifier.align(Alignment.Center).padding(8.dp),
                                )
                            }
                        }
                        Text(label, style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(top = 4.dp))
                    }
                }
            }
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun JoinCard(c: CampaignInfo, onJoin: (String?, String?) -> Unit) {
    var newTeam by remember { mutableStateOf("") }
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(t(Str.CAMPAIGN_JOIN), style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
            if (c.teams.isNotEmpty()) {
                Text(t(Str.CAMPAIGN_WITH_TEAM), style = MaterialTheme.typography.bodyMedium)
                FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    for (team in c.teams) {
                        AssistChip(onClick = { onJoin(team.id, null) }, label = { Text("${team.name} (${team.members})") })
                    }
                }
            }
            OutlinedTextField(
                newTeam,
                {
                    newTeam = it
                },
                label = { Text(t(Str.CAMPAIGN_NEW_TEAM_HINT)) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth(),
            )
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(onClick = { onJoin(null, newTeam) }, enabled = newTeam.isNotBlank()) { Text(t(Str.CAMPAIGN_START_TEAM)) }
                TextButton(onClick = { onJoin(null, null) }) { Text(t(Str.CAMPAIGN_JOIN_ALONE)) }
            }
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun SpotRow(spot: CampaignSpot, selected: Boolean, canClaim: Boolean, onClaim: (String) -> Unit) {
    // Picked on the map: another colour and a frame, and TalkBack says "selected".
    Card(
        Modifier.fillMaxWidth().semantics { this.selected = selected },
        colors = if (selected) {
            CardDefaults.cardColors(
                containerColor = MaterialTheme.colorScheme.secondaryContainer,
            )
        } else {
            CardDefaults.cardColors()
        },
        border = if (selected) BorderStroke(2.dp, MaterialTheme.colorScheme.secondary) else null,
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
                Text(spot.categoryName, style = MaterialTheme.typography.titleSmall, modifier = Modifier.align(Alignment.CenterVertically))
                if (spot.mine) Tag(t(Str.CAMPAIGN_SPOT_YOURS), Modifier.align(Alignment.CenterVertically))
            }
            val details = buildList {
                add(spot.stateLabel)
                spot.team?.let { add(it) }
                spot.kg?.let { add(kgText(it)) }
                if (spot.alsoReported > 0u) add(t(Str.campaignSpotAlsoReported(spot.alsoReported)))
                if (spot.waiting) add(t(Str.CAMPAIGN_SPOT_WAITING))
                spot.reportNumber?.let { add(it) }
            }
            Text(details.joinToString(" · "), style = MaterialTheme.typography.bodyMedium)
            if (canClaim && spot.state == SpotState.REPORTED && !spot.waiting) {
                TextButton(onClick = { onClaim(spot.id) }) { Text(t(Str.CAMPAIGN_TAKE_SPOT)) }
            }
        }
    }
}

/** The items of the list after the spots' rows (the space at the bottom): how a picked spot's row is found. */
private const val AFTER_SPOTS = 1

/** A spot's state in words, as the core's labels say it: the legend's. */
@Composable
private fun stateWords(state: SpotState): String = when (state) {
    SpotState.REPORTED -> t(Str.CAMPAIGN_SPOT_REPORTED)
    SpotState.CLAIMED -> t(Str.CAMPAIGN_SPOT_TAKEN)
    SpotState.CLEANED -> t(Str.CAMPAIGN_CLEANED)
    SpotState.HANDED_OVER -> t(Str.CAMPAIGN_SPOT_HANDED_OVER)
}

/**
 * The spots as pins coloured by state. Each label, what TalkBack reads of the map, says the
 * state in words, and whether the resident reported it and it still waits to be sent.
 */
internal fun spotMarkers(spots: List<CampaignSpot>, language: AppLanguage): List<MapMarker> = spots.map { s ->
    val words = buildList {
        add(s.stateLabel)
        if (s.mine) add(language.pick(Str.CAMPAIGN_SPOT_YOURS))
        if (s.waiting) add(language.pick(Str.CAMPAIGN_SPOT_WAITING))
    }
    MapMarker(LatLon(s.lat, s.lon), "${s.categoryName}: ${words.joinToString(" · ")}", spotColor(s.state), id = s.id)
}

/** The meeting points as pins named by the place ("Điểm tập trung: Cửa Thượng Tứ"). */
internal fun meetingMarkers(c: CampaignInfo, language: AppLanguage): List<MapMarker> =
    c.meetingPoints.zip(c.meetingAt).mapIndexed { i, (name, at) ->
        MapMarker(LatLon(at.lat, at.lon), language.pick(Str.campaignMeetAt(name)), MeetingPointColor, id = "meeting-$i")
    }

/**
 * The centre and zoom that show every point in the map's height: the middle of their bounds,
 * at a neighbourhood's zoom (12 to 16); the Citadel at 15 when there is nothing to show.
 */
internal fun campaignFraming(points: List<LatLon>): Pair<LatLon, Double> {
    if (points.isEmpty()) return CITADEL to 15.0
    val minLat = points.minOf { it.lat }
    val maxLat = points.maxOf { it.lat }
    val minLon = points.minOf { it.lon }
    val maxLon = points.maxOf { it.lon }
    val center = LatLon((minLat + maxLat) / 2, (minLon + maxLon) / 2)
    // At zoom z a tile of 256 dp spans 360/2^z degrees (as the city map's Box.around counts);
    // fit the span in ~200 dp of the 240 dp map.
    val span = max(abs(maxLon - minLon), abs(maxLat - minLat)).coerceAtLeast(1e-6)
    val zoom = (ln(360.0 * 200.0 / (256.0 * span)) / ln(2.0)).coerceIn(12.0, 16.0)
    return center to zoom
}

/**
 * A map of [spots] (pins coloured by state), the [meeting] points' pins and the drawn [area],
 * under its [title], with a legend in words: colour is never the only cue. A tap on a spot's
 * pin calls [onPick] with its id.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun SpotsMap(
    title: String,
    spots: List<CampaignSpot>,
    meeting: List<MapMarker>,
    area: List<LatLon>,
    legend: List<SpotState>,
    onPick: (String) -> Unit,
    modifier: Modifier = Modifier,
) {
    val language = LocalLanguage.current
    val markers = spotMarkers(spots, language) + meeting
    val areas = if (area.size >= 3) listOf(MapArea(area, CampaignAreaColor)) else emptyList()
    val (center, zoom) = campaignFraming(markers.map { it.at } + area)
    Column(modifier, verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text(title, style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
        LocalPlatform.current.Map(
            center = center,
            zoom = zoom,
            markers = markers,
            areas = areas,
            modifier = Modifier.fillMaxWidth().height(240.dp).clip(RoundedCornerShape(12.dp)),
            onCenterChanged = null,
            onMarkerClick = { marker -> if (spots.any { it.id == marker.id }) onPick(marker.id) },
        )
        FlowRow(horizontalArrangement = Arrangement.spacedBy(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            for (state in legend) LegendEntry(spotColor(state), stateWords(state))
            if (meeting.isNotEmpty()) LegendEntry(MeetingPointColor, t(Str.CAMPAIGN_MEETING_POINT))
            if (areas.isNotEmpty()) LegendEntry(CampaignAreaColor, t(Str.CAMPAIGN_AREA), area = true)
        }
        if (spots.isNotEmpty()) {
            Text(
                t(Str.CAMPAIGN_MAP_HINT),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
        }
    }
}

/** A colour of the map and what it means: a pin with its white ring, or a patch of the area. */
@Composable
private fun LegendEntry(color: Color, words: String, area: Boolean = false) {
    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(6.dp)) {
        val swatch = if (area) {
            Modifier.size(14.dp).clip(RoundedCornerShape(3.dp)).background(Color.White).background(color.copy(alpha = 0.25f))
                .border(2.dp, color, RoundedCornerShape(3.dp))
        } else {
            Modifier.size(14.dp).clip(CircleShape).background(Color.White).padding(2.dp).clip(CircleShape).background(color)
        }
        Box(swatch)
        Text(words, style = MaterialTheme.typography.bodySmall)
    }
}
