package org.civic.app.ui.reports

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.testing.Look
import org.civic.app.ui.testing.ModelScope
import org.civic.app.ui.testing.awaitText
import org.civic.app.ui.testing.count
import org.civic.app.ui.testing.screen
import org.civic.core.CivicApp
import org.civic.core.ReportStatus
import org.civic.core.testing.City
import org.civic.core.testing.MemoryTokens
import org.civic.core.testing.captureLitter
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Files

@OptIn(ExperimentalTestApi::class)
class MyReportsTest {
    /** Nothing listens there: the phone is offline. */
    private val offline = "http://127.0.0.1:9"

    private fun open(url: String, language: AppLanguage): CivicApp = CivicApp.open(Files.createTempDirectory("civic-ui").toString(), url, language.code, MemoryTokens())

    @Test
    fun `reports captured offline are listed as saved on the phone, in every look`() {
        for (look in Look.all) {
            val app = open(offline, look.language)
            repeat(2) { captureLitter(app, it) }
            ModelScope().use { s ->
                val model = MyReportsViewModel(app, s.scope)
                var official = 0
                var about = 0
                screen("my-reports-offline", look, { MyReportsScreen(model, app.reports()::photo, {}, {}, onOfficial = { official++ }, onAbout = { about++ }) }) {
                    val vi = look.language == AppLanguage.VI
                    awaitText(if (vi) "Báo cáo của tôi" else "My reports")
                    awaitText(if (vi) "Chờ gửi" else "Waiting to send")
                    assertEquals(2, count(if (vi) "Chờ gửi" else "Waiting to send"), "a status chip per report")
                    assertEquals(
                        2,
                        count(if (vi) "Đã lưu trên máy, sẽ gửi khi có mạng" else "Saved on this phone, will be sent when online"),
                    )
                    onNodeWithText(if (vi) "2 báo cáo đang chờ gửi" else "2 report(s) waiting to be sent").assertIsDisplayed()
                    assertEquals(
                        2,
                        count(if (vi) "Rác thải trên đường phố" else "Litter on the street"),
                        "the category's name, not its code",
                    )
                    onNodeWithText(if (vi) "Báo cáo mới" else "New report").assertIsDisplayed()
                    onNodeWithText(if (vi) "Cán bộ" else "Officials").performClick()
                    waitForIdle()
                    assertEquals(1, official, "the officials' sign-in is one tap away")
                    onNodeWithContentDescription(if (vi) "Giới thiệu" else "About").performClick()
                    waitForIdle()
                    assertEquals(1, about, "the app's About (and the map's credits) one tap away")
                }
            }
            app.close()
        }
    }

    @Test
    fun `an empty list says what the app is for`() {
        val app = open(offline, AppLanguage.VI)
        ModelScope().use { s ->
            val model = MyReportsViewModel(app, s.scope)
            screen("my-reports-empty", Look(AppLanguage.VI), { MyReportsScreen(model, app.reports()::photo, {}, {}) }) {
                awaitText("Chưa có báo cáo nào")
            }
        }
        app.close()
    }

    @Test
    fun `pull to refresh sends what waited and the list shows it submitted with its number`() = runBlocking {
        val app = open(City.url, AppLanguage.VI)
        val id = captureLitter(app, 7)
        ModelScope().use { s ->
            val model = MyReportsViewModel(app, s.scope)
            withTimeout(15_000) { model.state.first { it.loaded } }
            assertEquals(ReportStatus.QUEUED, model.state.value.reports.single().status)
            model.refresh()
            val done = withTimeout(30_000) {
                model.state.first { st -> !st.refreshing && st.reports.singleOrNull()?.publicNumber != null }
            }
            val number = done.reports.single().publicNumber
            assertTrue(number != null && number.startsWith("HUE-"), "public number: $number")
            assertEquals(0u, done.outbox?.waiting)
            screen("my-reports-submitted", Look(AppLanguage.VI), { MyReportsScreen(model, app.reports()::photo, {}, {}) }) {
                awaitText(number!!, substring = true)
                assertEquals(0, count("Đã lưu trên máy, sẽ gửi khi có mạng"))
                assertEquals(0, count("đang chờ gửi", substring = true), "no waiting banner once sent")
            }
            assertEquals(id, done.reports.single().id)
        }
        app.close()
    }
}
