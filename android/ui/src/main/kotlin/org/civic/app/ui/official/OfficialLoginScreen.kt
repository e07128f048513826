package org.civic.app.ui.official

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.text.input.VisualTransformation
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import org.civic.app.ui.Str
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.t
import org.civic.core.OfficialApp

/** The officials' sign-in: username and password for the city's server. */
@Composable
fun OfficialLoginScreen(model: OfficialLoginViewModel, onSignedIn: (OfficialApp) -> Unit, onBack: () -> Unit) {
    val state by model.state.collectAsState()
    LaunchedEffect(state.official) { state.official?.let(onSignedIn) }
    OfficialLoginContent(state, model::setUsername, model::setPassword, model::login, onBack)
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun OfficialLoginContent(
    state: OfficialLoginState,
    onUsername: (String) -> Unit,
    onPassword: (String) -> Unit,
    onLogin: () -> Unit,
    onBack: () -> Unit,
) {
    var shown by remember { mutableStateOf(false) }
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(t(Str.OFFICIAL_LOGIN_TITLE), maxLines = 1, overflow = TextOverflow.Ellipsis) },
                navigationIcon = { TextButton(onClick = onBack) { Text(t(Str.OFFICIAL_BACK)) } },
            )
        },
    ) { padding ->
        Column(
            Modifier.padding(padding).fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Text(
                t(Str.OFFICIAL_LOGIN_HINT),
                style = MaterialTheme.typography.bodyMedium,
            )
            OutlinedTextField(
                value = state.username,
                onValueChange = onUsername,
                label = { Text(t(Str.OFFICIAL_USERNAME)) },
                singleLine = true,
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Ascii, imeAction = ImeAction.Next),
                modifier = Modifier.fillMaxWidth(),
            )
            OutlinedTextField(
                value = state.password,
                onValueChange = onPassword,
                label = { Text(t(Str.OFFICIAL_PASSWORD)) },
                singleLine = true,
                visualTransformation = if (shown) VisualTransformation.None else PasswordVisualTransformation(),
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Password, imeAction = ImeAction.Done),
                trailingIcon = {
                    TextButton(onClick = {
                        shown = !shown
                    }) { Text(if (shown) t(Str.OFFICIAL_HIDE_PASSWORD) else t(Str.OFFICIAL_SHOW_PASSWORD)) }
                },
                modifier = Modifier.fillMaxWidth(),
            )
            state.error?.let { ErrorText(it) }
            Button(
                onClick = onLogin,
                enabled = state.canSubmit,
                modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp),
            ) {
                if (state.busy) {
                    val label = t(Str.OFFICIAL_SIGNING_IN)
                    CircularProgressIndicator(Modifier.semantics { contentDescription = label }, strokeWidth = 2.dp)
                } else {
                    Text(t(Str.OFFICIAL_SIGN_IN))
                }
            }
        }
    }
}
