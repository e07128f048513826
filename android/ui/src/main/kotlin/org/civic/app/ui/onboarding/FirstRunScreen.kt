package org.civic.app.ui.onboarding

import androidx.compose.foundation.border
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.Str
import org.civic.app.ui.common.ErrorText
import org.civic.app.ui.t

/**
 * The first run. [onRequestNotifications] asks the phone for the notification permission
 * (the activity does it, then calls `model.notificationsAnswered(granted)`); [onProfile] gets
 * the optional name and contact when the citizen gave any (the app keeps it: the core cannot
 * yet); [onDone] ends the first run with the chosen language.
 */
@Composable
fun FirstRunScreen(
    model: FirstRunViewModel,
    onRequestNotifications: () -> Unit,
    onDone: (AppLanguage) -> Unit,
    onProfile: (FirstRunProfile) -> Unit = {},
) {
    val state by model.state.collectAsState()
    FirstRunContent(
        state,
        FirstRunActions(
            onLanguage = model::chooseLanguage,
            onNext = model::next,
            onBack = model::back,
            onRequestNotifications = {
                model.askingNotifications()
                onRequestNotifications()
            },
            onName = model::setName,
            onContact = model::setContact,
            onFinish = {
                val done = model.finish()
                if (done.done) {
                    if (!done.profile.isEmpty) onProfile(done.profile)
                    onDone(done.language)
                }
            },
        ),
    )
}

data class FirstRunActions(
    val onLanguage: (AppLanguage) -> Unit = {},
    val onNext: () -> Unit = {},
    val onBack: () -> Unit = {},
    val onRequestNotifications: () -> Unit = {},
    val onName: (String) -> Unit = {},
    val onContact: (String) -> Unit = {},
    val onFinish: () -> Unit = {},
)

/** The first run in the language being chosen (it changes as soon as the citizen picks one). */
@Composable
fun FirstRunContent(state: FirstRunState, actions: FirstRunActions) {
    CompositionLocalProvider(LocalLanguage provides state.language) {
        Scaffold(bottomBar = { BottomButtons(state, actions) }) { padding ->
            Column(
                Modifier.padding(padding).fillMaxSize().verticalScroll(rememberScrollState()).padding(24.dp),
                verticalArrangement = Arrangement.spacedBy(16.dp),
            ) {
                val index = state.step.ordinal + 1
                val total = FirstRunStep.entries.size
                Text(
                    t(Str.onboardingStep(index, total)),
                    style = MaterialTheme.typography.labelLarge,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                )
                LinearProgressIndicator(progress = { index.toFloat() / total }, modifier = Modifier.fillMaxWidth())
                when (state.step) {
                    FirstRunStep.LANGUAGE -> LanguageStep(state, actions)
                    FirstRunStep.PRIVACY -> PrivacyStep()
                    FirstRunStep.NOTIFICATIONS -> NotificationStep(state, actions)
                    FirstRunStep.PROFILE -> ProfileStep(state, actions)
                }
                state.error?.let { ErrorText(it) }
            }
        }
    }
}

@Composable
private fun Title(text: String) {
    Text(text, style = MaterialTheme.typography.headlineSmall, modifier = Modifier.semantics { heading() })
}

@Composable
private fun BottomButtons(state: FirstRunState, actions: FirstRunActions) {
    Surface(tonalElevation = 3.dp) {
        Row(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 12.dp), verticalAlignment = Alignment.CenterVertically) {
            if (!state.isFirst) {
                OutlinedButton(onClick = actions.onBack, modifier = Modifier.heightIn(min = 48.dp)) { Text(t(Str.ONBOARDING_BACK)) }
            }
            Spacer(Modifier.weight(1f))
            if (state.isLast) {
                Button(onClick = actions.onFinish, modifier = Modifier.heightIn(min = 48.dp)) { Text(t(Str.ONBOARDING_START)) }
            } else {
                Button(onClick = actions.onNext, modifier = Modifier.heightIn(min = 48.dp)) { Text(t(Str.ONBOARDING_NEXT)) }
            }
        }
    }
}

@Composable
private fun LanguageStep(state: FirstRunState, actions: FirstRunActions) {
    Title(t(Str.ONBOARDING_WELCOME))
    Text(
        t(Str.ONBOARDING_WELCOME_BODY),
        style = MaterialTheme.typography.bodyLarge,
    )
    Text(t(Str.ONBOARDING_CHOOSE_LANGUAGE), style = MaterialTheme.typography.titleMedium)
    Column(Modifier.selectableGroup(), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        // Each language is named in itself, so anyone can find theirs.
        for ((language, name) in listOf(AppLanguage.VI to "Tiếng Việt", AppLanguage.EN to "English")) {
            val selected = state.language == language
            Row(
                Modifier.fillMaxWidth().heightIn(min = 56.dp)
                    .border(
                        if (selected) 2.dp else 1.dp,
                        if (selected) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.outline,
                        RoundedCornerShape(12.dp),
                    )
                    .selectable(selected = selected, role = Role.RadioButton) { actions.onLanguage(language) }
                    .padding(horizontal = 12.dp),
                verticalAlignment = Alignment.CenterVertically,
            ) {
                RadioButton(selected = selected, onClick = null)
                Spacer(Modifier.width(12.dp))
                Text(name, style = MaterialTheme.typography.titleMedium)
            }
        }
    }
}

@Composable
private fun Promise(title: String, body: String) {
    Card(
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.surfaceVariant),
        modifier = Modifier.fillMaxWidth().semantics(mergeDescendants = true) {},
    ) {
        Column(Modifier.padding(16.dp)) {
            Text(title, style = MaterialTheme.typography.titleMedium)
            Text(body, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(top = 4.dp))
        }
    }
}

@Composable
private fun PrivacyStep() {
    Title(t(Str.ONBOARDING_PRIVACY_TITLE))
    Promise(
        t(Str.ONBOARDING_PRIVACY_LOCATION),
        t(Str.ONBOARDING_PRIVACY_LOCATION_BODY),
    )
    Promise(
        t(Str.ONBOARDING_PRIVACY_PHOTOS),
        t(Str.ONBOARDING_PRIVACY_PHOTOS_BODY),
    )
    Promise(
        t(Str.ONBOARDING_PRIVACY_IDENTITY),
        t(Str.ONBOARDING_PRIVACY_IDENTITY_BODY),
    )
    Promise(
        t(Str.ONBOARDING_PRIVACY_OFFLINE),
        t(Str.ONBOARDING_PRIVACY_OFFLINE_BODY),
    )
}

@Composable
private fun NotificationStep(state: FirstRunState, actions: FirstRunActions) {
    Title(t(Str.ONBOARDING_NOTIFICATIONS_TITLE))
    Text(
        t(Str.ONBOARDING_NOTIFICATIONS_BODY),
        style = MaterialTheme.typography.bodyLarge,
    )
    when (state.notifications) {
        NotificationAnswer.GRANTED -> Text(
            t(Str.ONBOARDING_NOTIFICATIONS_ON),
            style = MaterialTheme.typography.titleMedium,
            color = MaterialTheme.colorScheme.secondary,
        )
        NotificationAnswer.DENIED -> {
            Text(t(Str.ONBOARDING_NOTIFICATIONS_OFF), style = MaterialTheme.typography.titleMedium)
            Text(
                t(Str.ONBOARDING_NOTIFICATIONS_OFF_HINT),
                style = MaterialTheme.typography.bodyMedium,
            )
        }
        null -> Unit
    }
    if (state.notifications != NotificationAnswer.GRANTED) {
        Button(
            onClick = actions.onRequestNotifications,
            enabled = !state.askingNotifications,
            modifier = Modifier.heightIn(min = 48.dp),
        ) {
            Text(t(Str.ONBOARDING_ALLOW_NOTIFICATIONS))
        }
    }
    if (state.notifications == null) {
        Text(
            t(Str.ONBOARDING_SKIP_HINT),
            style = MaterialTheme.typography.bodySmall,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
        )
    }
}

@Composable
private fun ProfileStep(state: FirstRunState, actions: FirstRunActions) {
    Title(t(Str.ONBOARDING_PROFILE_TITLE))
    Text(
        t(Str.ONBOARDING_PROFILE_BODY),
        style = MaterialTheme.typography.bodyLarge,
    )
    OutlinedTextField(
        value = state.profile.name,
        onValueChange = actions.onName,
        label = { Text(t(Str.ONBOARDING_PROFILE_NAME)) },
        singleLine = true,
        modifier = Modifier.fillMaxWidth(),
    )
    OutlinedTextField(
        value = state.profile.contact,
        onValueChange = actions.onContact,
        label = { Text(t(Str.ONBOARDING_PROFILE_CONTACT)) },
        singleLine = true,
        modifier = Modifier.fillMaxWidth(),
    )
}
