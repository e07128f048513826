package org.civic.app.ui.campaign

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
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
import org.civic.app.ui.Str
import org.civic.app.ui.common.EmptyState
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.common.Format
import org.civic.app.ui.common.forPeople
import org.civic.app.ui.t
import org.civic.core.CampaignInfo
import org.civic.core.CivicApp
import org.civic.core.CivicException

/** The campaigns near the resident's places, the running and upcoming ones first. */
data class CampaignsState(val campaigns: List<CampaignInfo> = emptyList(), val loaded: Boolean = false, val error: String? = null)

class CampaignsViewModel(
    private val app: CivicApp,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) : AutoCloseable {
    private val _state = MutableStateFlow(CampaignsState())
    val state: StateFlow<CampaignsState> = _state.asStateFlow()

    init {
        load()
    }

    override fun close() {}

    fun load() {
        scope.launch {
            try {
                val found = withContext(io) { app.campaigns().nearMe() }
                _state.update { it.copy(campaigns = found, loaded = true, error = null) }
            } catch (e: CivicException) {
                _state.update { it.copy(loaded = true, error = e.forPeople()) }
            }
        }
    }
}

@Composable
fun CampaignsScreen(model: CampaignsViewModel, onOpen: (String) -> Unit) {
    val state by model.state.collectAsState()
    CampaignsContent(state, onOpen)
}

/** The list itself, from its state (rendered off-device in tests). */
@Composable
fun CampaignsContent(state: CampaignsState, onOpen: (String) -> Unit) {
    // A Scaffold as every screen has: the theme's background, and the system bars' insets.
    Scaffold { padding ->
        LazyColumn(Modifier.fillMaxSize().padding(padding).padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            item {
                Column(Modifier.padding(top = 16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Text(
                        t(Str.CAMPAIGN_TITLE),
                        style = MaterialTheme.typography.headlineSmall,
                        fontWeight = FontWeight.Bold,
                        modifier = Modifier.semantics { heading() },
                    )
                    Text(
                        t(Str.CAMPAIGN_LIST_INTRO),
                        style = MaterialTheme.typography.bodyMedium,
                    )
                    state.error?.let { ErrorText(it) }
                }
            }
            if (state.loaded && state.campaigns.isEmpty() && state.error == null) {
                item {
                    EmptyState(
                        t(Str.CAMPAIGN_NO_CAMPAIGN_NEAR),
                        t(Str.CAMPAIGN_LIST_EMPTY_HINT),
                    )
                }
            }
            items(state.campaigns, key = { it.id }) { c ->
                Card(Modifier.fillMaxWidth().clickable(role = Role.Button, onClickLabel = t(Str.CAMPAIGN_OPEN)) { onOpen(c.id) }) {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
                        Text(c.name, style = MaterialTheme.typography.titleMedium)
                        if (c.joined) Tag(t(Str.CAMPAIGN_JOINED), Modifier.padding(vertical = 2.dp))
                        Text("${c.phaseLabel} · ${Format.dateTime(c.startsAt)}", style = MaterialTheme.typography.bodyMedium)
                        Text(
                            t(Str.campaignParticipantsTeams(c.participants, c.teams.size)),
                            style = MaterialTheme.typography.bodyMedium,
                        )
                    }
                }
            }
        }
    }
}
