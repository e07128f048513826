package org.civic.app.ui.official

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertIsNotEnabled
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.Str
import org.civic.app.ui.testing.Look
import org.civic.app.ui.testing.ModelScope
import org.civic.app.ui.testing.awaitText
import org.civic.app.ui.testing.count
import org.civic.app.ui.testing.screen
import org.civic.core.testing.City
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test

@OptIn(ExperimentalTestApi::class)
class OfficialLoginTest {
    @Test
    fun `a wrong password says so and keeps what was typed, in every look`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            ModelScope().use { s ->
                val model = OfficialLoginViewModel(City.url, look.language, s.scope)
                screen("official-login-wrong-password", look, { OfficialLoginScreen(model, {}, {}) }) {
                    awaitText(if (vi) "Đăng nhập cán bộ" else "Officials' sign-in")
                    onNodeWithText(if (vi) "Đăng nhập" else "Sign in").assertIsNotEnabled()
                    model.setUsername("admin")
                    model.setPassword("not the password")
                    onNodeWithText(if (vi) "Đăng nhập" else "Sign in").performClick()
                    awaitText(if (vi) "Sai tên đăng nhập hoặc mật khẩu." else "Wrong username or password.")
                    onNodeWithText("admin").assertIsDisplayed()
                    assertEquals(0, count(if (vi) "Phiên làm việc" else "session", substring = true), "not the core's 'session expired'")
                }
                assertNull(model.state.value.official)
                assertEquals("not the password", model.state.value.password, "typed input is kept on an error")
            }
        }
    }

    @Test
    fun `offline, sign-in says it needs the network`() {
        for (language in AppLanguage.entries) {
            ModelScope().use { s ->
                val model = OfficialLoginViewModel("http://127.0.0.1:9", language, s.scope)
                model.setUsername("admin")
                model.setPassword(City.password)
                screen("official-login-offline", Look(language), { OfficialLoginScreen(model, {}, {}) }) {
                    onNodeWithText(language.pick(Str.OFFICIAL_SIGN_IN)).performClick()
                    awaitText(language.pick(Str.OFFICIAL_LOGIN_OFFLINE), substring = true)
                }
                assertEquals(City.password, model.state.value.password)
            }
        }
    }

    @Test
    fun `signing in hands over the official and forgets the password`() = runBlocking {
        ModelScope().use { s ->
            val model = OfficialLoginViewModel(City.url, AppLanguage.VI, s.scope)
            model.setUsername(" admin ")
            model.setPassword(City.password)
            model.login()
            val done = withTimeout(20_000) { model.state.first { it.official != null } }
            val official = done.official ?: error("signed in without an official")
            assertEquals("admin", official.username())
            assertEquals("", done.password)
            assertFalse(done.toString().contains(City.password))
            assertFalse(done.busy)
            official.close()
        }
    }
}
