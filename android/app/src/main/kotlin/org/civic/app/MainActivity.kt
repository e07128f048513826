package org.civic.app

import android.content.Intent
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.produceState
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.withContext
import org.civic.app.platform.AndroidPlatform
import org.civic.app.platform.CameraFiles
import org.civic.app.ui.LocalPlatform
import org.civic.app.ui.Str
import org.civic.app.ui.common.forPeople
import org.civic.app.ui.t
import org.civic.app.ui.theme.CivicTheme
import org.civic.core.CivicApp
import org.civic.core.CivicException

/**
 * The app's one activity: opens the core off the main thread, then shows [CivicNavHost] in
 * the citizen's language, light or dark as the phone is, edge to edge, with the phone's photo
 * decoder and MapLibre's map over the core's tiles ([AndroidPlatform]). Notifications open it
 * with a route in [Routes.EXTRA_ROUTE] (singleTop: a running activity gets [onNewIntent]).
 */
class MainActivity : ComponentActivity() {
    private val pendingRoute = MutableStateFlow<String?>(null)

    override fun onCreate(savedInstanceState: Bundle?) {
        enableEdgeToEdge()
        super.onCreate(savedInstanceState)
        // After a recreation (rotation…) the route was already followed.
        if (savedInstanceState == null) pendingRoute.value = intent?.getStringExtra(Routes.EXTRA_ROUTE)

        val application = CivicApplication.from(this)
        setContent {
            val language by application.language.collectAsStateWithLifecycle()
            CivicTheme(dark = isSystemInDarkTheme(), language = language) {
                Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
                    var attempt by remember { mutableIntStateOf(0) }
                    val opening by produceState<Opening>(Opening.Loading, attempt) {
                        value = Opening.Loading
                        value = withContext(Dispatchers.IO) {
                            try {
                                CameraFiles.clearOld(application)
                                Opening.Ready(application.app)
                            } catch (e: CivicException) {
                                Opening.Failed(e.forPeople())
                            }
                        }
                    }
                    when (val state = opening) {
                        Opening.Loading -> Box(Modifier.fillMaxSize(), contentAlignment = Alignment.Center) {
                            CircularProgressIndicator()
                        }
                        is Opening.Failed -> OpenFailed(state.message, onRetry = { attempt++ })
                        is Opening.Ready -> {
                            // Maps draw the tiles the core names, with their credits (AndroidPlatform).
                            val platform = remember(state.app) { AndroidPlatform(tiles = state.app::mapTiles) }
                            CompositionLocalProvider(LocalCivicApp provides state.app, LocalPlatform provides platform) {
                                CivicNavHost(state.app, application, pendingRoute)
                            }
                        }
                    }
                }
            }
        }
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        setIntent(intent)
        intent.getStringExtra(Routes.EXTRA_ROUTE)?.let { pendingRoute.value = it }
    }
}

/** Where opening the core stands. */
private sealed interface Opening {
    data object Loading : Opening
    data class Ready(val app: CivicApp) : Opening
    data class Failed(val message: String) : Opening
}

/** The phone's data could not be opened (full storage, say): say so, offer to try again. */
@Composable
private fun OpenFailed(message: String, onRetry: () -> Unit) {
    Column(
        Modifier.fillMaxSize().safeDrawingPadding().padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp, Alignment.CenterVertically),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Text(
            t(Str.APP_DATA_NOT_OPENED),
            style = MaterialTheme.typography.titleMedium,
            textAlign = TextAlign.Center,
        )
        Text(message, style = MaterialTheme.typography.bodyMedium, textAlign = TextAlign.Center)
        Button(onClick = onRetry) { Text(t(Str.APP_TRY_AGAIN)) }
    }
}
