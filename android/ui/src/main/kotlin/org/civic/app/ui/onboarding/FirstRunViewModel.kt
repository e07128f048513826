package org.civic.app.ui.onboarding

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
import org.civic.app.ui.common.forPeople
import org.civic.core.CitizenProfile
import org.civic.core.CivicApp
import org.civic.core.CivicException

/** The steps of the first run, in order. */
enum class FirstRunStep { LANGUAGE, PRIVACY, NOTIFICATIONS, PROFILE }

/** What the phone answered when asked for permission to notify. */
enum class NotificationAnswer { GRANTED, DENIED }

/**
 * The name and contact the citizen may give (both optional). The core keeps them and sends them
 * to the city with the next sync (`setProfile`): officials handling the citizen's named reports
 * see them, the public never does. The contact is an e-mail when it has an @, else a phone.
 */
data class FirstRunProfile(val name: String = "", val contact: String = "") {
    val isEmpty: Boolean get() = name.isBlank() && contact.isBlank()
}

data class FirstRunState(
    val step: FirstRunStep = FirstRunStep.LANGUAGE,
    val language: AppLanguage = AppLanguage.VI,
    /** Null until the phone answered. */
    val notifications: NotificationAnswer? = null,
    /** The permission dialog is up (asked, no answer yet). */
    val askingNotifications: Boolean = false,
    val profile: FirstRunProfile = FirstRunProfile(),
    val error: String? = null,
    val done: Boolean = false,
) {
    val isFirst: Boolean get() = step == FirstRunStep.entries.first()
    val isLast: Boolean get() = step == FirstRunStep.entries.last()
}

/**
 * The first run: the language, what the app does with location and photos, notifications, and
 * an optional name and contact. The language is given to the core at once (its texts follow);
 * the activity asks for the notification permission and reports the answer back
 * ([notificationsAnswered]).
 */
class FirstRunViewModel(
    private val app: CivicApp,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    initial: AppLanguage = AppLanguage.VI,
) : AutoCloseable {
    private val _state = MutableStateFlow(FirstRunState(language = initial))
    val state: StateFlow<FirstRunState> = _state.asStateFlow()

    /** Shows everything in [language] from now on, the core's texts and warnings included. */
    fun chooseLanguage(language: AppLanguage) {
        _state.update { it.copy(language = language, error = null) }
        scope.launch {
            try {
                withContext(io) {
                    app.setLanguage(language.code)
                    // Warnings come in the language the resident chose for them.
                    val warnings = app.warnings()
                    val subscription = warnings.subscription()
                    if (subscription.language != language.code) warnings.setSubscription(subscription.copy(language = language.code))
                }
            } catch (e: CivicException) {
                _state.update { it.copy(error = e.forPeople()) }
            }
        }
    }

    fun next() {
        _state.update { s ->
            if (s.isLast) s else s.copy(step = FirstRunStep.entries[s.step.ordinal + 1], error = null)
        }
    }

    fun back() {
        _state.update { s ->
            if (s.isFirst) s else s.copy(step = FirstRunStep.entries[s.step.ordinal - 1], error = null)
        }
    }

    /** The screen is about to ask the phone (through the activity). */
    fun askingNotifications() {
        _state.update { it.copy(askingNotifications = true) }
    }

    /** The phone's answer to the permission request, from the activity. */
    fun notificationsAnswered(granted: Boolean) {
        _state.update {
            it.copy(askingNotifications = false, notifications = if (granted) NotificationAnswer.GRANTED else NotificationAnswer.DENIED)
        }
    }

    fun setName(name: String) {
        _state.update { it.copy(profile = it.profile.copy(name = name.take(MAX_NAME))) }
    }

    fun setContact(contact: String) {
        _state.update { it.copy(profile = it.profile.copy(contact = contact.take(MAX_CONTACT))) }
    }

    /**
     * Ends the first run, giving the profile to the core; the screen then calls its `onDone`.
     * When the core refuses a field (too long), the run does not end and [FirstRunState.error]
     * says why, with what was typed kept.
     */
    fun finish(): FirstRunState {
        val profile = FirstRunProfile(_state.value.profile.name.trim(), _state.value.profile.contact.trim())
        val contact = profile.contact.ifBlank { null }
        val email = contact?.takeIf { '@' in it }
        try {
            app.setProfile(
                CitizenProfile(
                    name = profile.name.ifBlank { null },
                    phone = if (email ==
                        null
                    ) {
                        contact
                    } else {
                        null
                    },
                    email = email,
                ),
            )
        } catch (e: CivicException) {
            _state.update { it.copy(error = e.forPeople()) }
            return _state.value
        }
        _state.update { it.copy(done = true, error = null, profile = profile) }
        return _state.value
    }

    override fun close() {}

    companion object {
        /** The server's limits for a citizen's display name and e-mail. */
        const val MAX_NAME = 100
        const val MAX_CONTACT = 254
    }
}
