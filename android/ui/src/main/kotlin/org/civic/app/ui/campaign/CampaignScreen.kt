package org.civic.app.ui.campaign

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AssistChip
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
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
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.common.Format
import org.civic.app.ui.common.forPeople
import org.civic.app.ui.t
import org.civic.core.CampaignInfo
import org.civic.core.CampaignPhase
import org.civic.core.CampaignSpot
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.LocationFix
import org.civic.core.SpotState

/** What the Green Sunday screen shows. */
data class CampaignState(
    val campaign: CampaignInfo? = null,
    val spots: List<CampaignSpot> = emptyList(),
    /** Actions still only on the phone. */
    val waiting: Int = 0,
    val joined: Boolean = false,
    val busy: Boolean = false,
    val error: String? = null,
    /** After a send: what happened, in words. */
    val notice: String? = null,
)

/**
 * One campaign: joining (alone or with a team), the quick capture of a spot, and the live
 * map as a list. Everything the resident does is kept on the phone first (the core's
 * campaign desk); [sync] delivers it and pulls the map. Every call into the core runs on [io].
 */
class CampaignViewModel(
    private val app: CivicApp,
    private val campaignId: String,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) : AutoCloseable {
    private val _state = MutableStateFlow(CampaignState())
    val state: StateFlow<CampaignState> = _state.asStateFlow()

    /** Reads the campaign (needs a connection once) and the map kept on the phone. */
    fun load() {
        scope.launch {
            val local = runCatching { withContext(io) { app.campaignMap(campaignId) to app.campaignWaiting().toInt() } }
            local.onSuccess { (spots, waiting) -> _state.update { it.copy(spots = spots, waiting = waiting) } }
            try {
                val campaign = withContext(io) { app.campaigns().firstOrNull { it.id == campaignId } }
                _state.update { it.copy(campaign = campaign ?: it.campaign, error = null) }
            } catch (e: CivicException) {
                _state.update { it.copy(error = if (it.campaign == null) e.forPeople() else null) }
            }
        }
    }

    fun join(teamId: String?, newTeam: String?) = act { app.joinCampaign(campaignId, teamId, newTeam); _state.update { it.copy(joined = true) } }

    /** The quick capture: the photo just taken, where the phone is, one tap for the category. */
    fun reportSpot(category: String, photo: ByteArray, where: LocationFix) = act { app.reportSpot(campaignId, category, photo, where) }

    fun claim(spot: String) = act { app.claimSpot(campaignId, spot) }

    /** Delivers what waits, then pulls what changed on the map. */
    fun sync() {
        scope.launch {
            _state.update { it.copy(busy = true) }
            try {
                val sent = withContext(io) { app.sendCampaign() }
                if (sent.stopped == null) withContext(io) { app.refreshCampaign(campaignId) }
                val notice = sent.stopped ?: sent.refused.firstOrNull()
                reload(notice)
            } catch (e: CivicException) {
                _state.update { it.copy(error = e.forPeople()) }
                reload(null)
            }
        }
    }

    private fun act(block: () -> Unit) {
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
        val (spots, waiting) = withContext(io) { app.campaignMap(campaignId) to app.campaignWaiting().toInt() }
        _state.update { it.copy(spots = spots, waiting = waiting, busy = false, notice = notice) }
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
    LazyColumn(Modifier.fillMaxSize().padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        item {
            Column(Modifier.padding(top = 16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                Text(t("Ngày Chủ nhật xanh", "Green Sunday"), style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.primary)
                Text(c?.name ?: t("Đang tải…", "Loading…"), style = MaterialTheme.typography.headlineSmall, fontWeight = FontWeight.Bold,
                    modifier = Modifier.semantics { heading() })
                if (c != null) {
                    Text("${c.phaseLabel} · ${Format.dateTime(c.startsAt)} – ${Format.time(c.endsAt)}", style = MaterialTheme.typography.bodyMedium)
                    if (c.areas.isNotEmpty()) Text(c.areas.joinToString(", "), style = MaterialTheme.typography.bodyMedium)
                    if (c.meetingPoints.isNotEmpty()) Text(t("Điểm tập trung: ", "Meet at: ") + c.meetingPoints.joinToString(", "), style = MaterialTheme.typography.bodyMedium)
                    val cleaned = state.spots.count { it.state == SpotState.CLEANED }
                    c.goalSpots?.let { goal ->
                        Text(t("Đã dọn $cleaned / $goal điểm", "$cleaned of $goal spots cleaned"), style = MaterialTheme.typography.bodyLarge)
                        LinearProgressIndicator(progress = { (cleaned.toFloat() / goal.toFloat()).coerceIn(0f, 1f) }, modifier = Modifier.fillMaxWidth())
                    }
                }
                state.error?.let { ErrorText(it) }
            }
        }
        if (c != null && !state.joined && c.phase != CampaignPhase.ENDED) {
            item { JoinCard(c, onJoin) }
        }
        if (c != null && c.phase == CampaignPhase.RUNNING) {
            item {
                Card(Modifier.fillMaxWidth()) {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                        Text(t("Báo điểm rác: chụp ảnh, chọn loại", "Report a spot: take a photo, pick one"), style = MaterialTheme.typography.titleMedium)
                        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                            for (category in c.categories) {
                                Button(onClick = { onCapture(category.code) }) { Text(category.name) }
                            }
                        }
                    }
                }
            }
        }
        item {
            Row(Modifier.fillMaxWidth(), verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.SpaceBetween) {
                Text(t("Các điểm (${state.spots.size})", "Spots (${state.spots.size})"), style = MaterialTheme.typography.titleMedium,
                    modifier = Modifier.semantics { heading() })
                OutlinedButton(onClick = onSync, enabled = !state.busy) {
                    Text(if (state.waiting > 0) t("Gửi ${state.waiting} thao tác", "Send ${state.waiting} waiting") else t("Cập nhật", "Refresh"))
                }
            }
            state.notice?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
        }
        if (state.spots.isEmpty()) {
            item { Text(t("Chưa có điểm nào.", "No spot yet."), style = MaterialTheme.typography.bodyMedium) }
        }
        items(state.spots, key = { it.id }) { spot -> SpotRow(spot, canClaim = state.joined && c?.phase == CampaignPhase.RUNNING, onClaim = onClaim) }
        item { Text("", Modifier.padding(bottom = 24.dp)) }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun JoinCard(c: CampaignInfo, onJoin: (String?, String?) -> Unit) {
    var newTeam by remember { mutableStateOf("") }
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(t("Tham gia", "Join in"), style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
            if (c.teams.isNotEmpty()) {
                Text(t("Cùng một đội:", "With a team:"), style = MaterialTheme.typography.bodyMedium)
                FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    for (team in c.teams) {
                        AssistChip(onClick = { onJoin(team.id, null) }, label = { Text("${team.name} (${team.members})") })
                    }
                }
            }
            OutlinedTextField(newTeam, { newTeam = it }, label = { Text(t("Lập đội mới (trường, chi đoàn, tổ dân phố…)", "Start a team (school, union branch, neighbours…)")) },
                singleLine = true, modifier = Modifier.fillMaxWidth())
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(onClick = { onJoin(null, newTeam) }, enabled = newTeam.isNotBlank()) { Text(t("Lập đội", "Start team")) }
                TextButton(onClick = { onJoin(null, null) }) { Text(t("Tham gia một mình", "Join alone")) }
            }
        }
    }
}

@Composable
private fun SpotRow(spot: CampaignSpot, canClaim: Boolean, onClaim: (String) -> Unit) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
            Text(spot.categoryName, style = MaterialTheme.typography.titleSmall)
            val details = buildList {
                add(spot.stateLabel)
                spot.team?.let { add(it) }
                spot.kg?.let { add(t("${"%.1f".format(it).replace('.', ',')} kg", "${"%.1f".format(it)} kg")) }
                if (spot.alsoReported > 0u) add(t("+${spot.alsoReported} người cùng báo", "+${spot.alsoReported} also reported"))
                if (spot.waiting) add(t("Chờ gửi", "Waiting to send"))
                spot.reportNumber?.let { add(it) }
            }
            Text(details.joinToString(" · "), style = MaterialTheme.typography.bodyMedium)
            if (canClaim && spot.state == SpotState.REPORTED && !spot.waiting) {
                TextButton(onClick = { onClaim(spot.id) }) { Text(t("Đội tôi nhận dọn", "My team takes it")) }
            }
        }
    }
}
