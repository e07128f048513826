package org.civic.app.ui.about

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import org.civic.app.ui.Str
import org.civic.app.ui.t

/**
 * "Giới thiệu": the app's name and version ([appName], [version], the platform's), what it is
 * for, and the map's credits from the core, with the boundaries' source as it asks to be
 * credited.
 */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun AboutScreen(model: AboutViewModel, appName: String, version: String, onBack: () -> Unit) {
    val state by model.state.collectAsState()
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(t(Str.ABOUT_TITLE), maxLines = 1, overflow = TextOverflow.Ellipsis) },
                navigationIcon = {
                    TextButton(onClick = onBack, modifier = Modifier.height(48.dp)) { Text(t(Str.ABOUT_BACK)) }
                },
            )
        },
    ) { padding ->
        Column(
            Modifier.padding(padding).fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Text(appName, style = MaterialTheme.typography.headlineSmall, modifier = Modifier.semantics { heading() })
            Text(
                t(Str.aboutVersion(version)),
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
            Text(
                t(Str.ABOUT_SUMMARY),
                style = MaterialTheme.typography.bodyMedium,
            )
            HorizontalDivider()
            Text(t(Str.ABOUT_MAP), style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
            Text(
                t(Str.ABOUT_BOUNDARIES),
                style = MaterialTheme.typography.bodyMedium,
            )
            if (state.credits.isNotEmpty()) {
                Text(
                    state.credits,
                    style = MaterialTheme.typography.bodyMedium,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                )
            }
        }
    }
}
