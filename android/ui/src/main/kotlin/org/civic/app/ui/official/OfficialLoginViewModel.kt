package org.civic.app.ui.official

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.Str
import org.civic.app.ui.common.forPeople
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.OfficialApp
import org.civic.core.loginOfficial

/** What the official's sign-in shows. The password lives here only until sign-in succeeds. */
data class OfficialLoginState(
    val username: String = "",
    val password: String = "",
    val busy: Boolean = false,
    val error: String? = null,
    /** The signed-in official, once the server said yes: the app moves on to the inbox. */
    val official: OfficialApp? = null,
) {
    val canSubmit: Boolean get() = !busy && username.isNotBlank() && password.isNotEmpty()

    // The password never appears in logs or crash reports.
    override fun toString(): String = "OfficialLoginState(username=$username, busy=$busy, error=$error, signedIn=${official != null})"
}

/**
 * Signs an official in on the app's own server ([serverUrl]). Sign-in needs the network: the
 * typed username and password stay on screen when it fails, and the password is dropped from
 * the state as soon as it succeeds. With the phone's core ([phone], as in the app) the official
 * signs in through it (its server and language); without one, on [serverUrl] in [language],
 * with nowhere to keep actions made offline.
 */
class OfficialLoginViewModel(
    private val serverUrl: String,
    private val language: AppLanguage,
    private val scope: CoroutineScope,
    /** The phone's core: actions the official makes offline are kept in its store. */
    private val phone: CivicApp? = null,
) : AutoCloseable {
    private val _state = MutableStateFlow(OfficialLoginState())
    val state: StateFlow<OfficialLoginState> = _state.asStateFlow()

    fun setUsername(text: String) = _state.update { it.copy(username = text, error = null) }

    fun setPassword(text: String) = _state.update { it.copy(password = text, error = null) }

    fun login() {
        val now = _state.value
        if (!now.canSubmit) return
        _state.update { it.copy(busy = true, error = null) }
        scope.launch {
            try {
                val username = now.username.trim()
                val official = if (phone != null) {
                    phone.official().login(username, now.password)
                } else {
                    loginOfficial(serverUrl, username, now.password, language.code)
                }
                _state.update { it.copy(busy = false, password = "", official = official) }
            } catch (e: CivicException) {
                val message = when (e) {
                    // The core's text speaks of an expired session; here the pair was wrong.
                    is CivicException.Unauthorized ->
                        language.pick(Str.OFFICIAL_WRONG_CREDENTIALS)
                    is CivicException.Offline ->
                        language.pick(Str.OFFICIAL_LOGIN_OFFLINE)
                    else -> e.forPeople()
                }
                _state.update { it.copy(busy = false, error = message) }
            }
        }
    }

    override fun close() {}
}
