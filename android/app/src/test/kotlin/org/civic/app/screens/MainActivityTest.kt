package org.civic.app.screens

import androidx.compose.ui.test.junit4.createEmptyComposeRule
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import kotlinx.coroutines.runBlocking
import org.civic.app.Routes
import org.civic.app.testing.TestCivicApplication
import org.civic.app.ui.AppLanguage
import org.civic.core.testing.captureLitter
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode
import java.io.File

/**
 * MainActivity as launched from the home screen: the real core opened in the app's files
 * directory, the real server on loopback, Android's own Compose drawing it.
 */
@RunWith(RobolectricTestRunner::class)
@Config(application = TestCivicApplication::class, qualifiers = "w360dp-h740dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class MainActivityTest {
    @get:Rule val compose = createEmptyComposeRule()
    private val app = AppHarness(compose)

    @Before fun setUp() = app.prepare()

    @Test fun theFirstLaunchWelcomesInVietnameseAndEndsOnMyReports() {
        app.launch(firstRun = true)
        app.waitFor("Chào mừng đến với Civic Huế")
        app.render("first-run-vi")
        // Through every step to the end, as a citizen taps "Tiếp tục" (Next).
        repeat(6) { if (app.count("Tiếp tục") > 0) compose.onNodeWithText("Tiếp tục").performClick() }
        compose.onNodeWithText("Bắt đầu dùng").performClick()
        app.waitFor("Báo cáo của tôi")
        assertTrue("the first run is remembered", app.application.firstRunDone)
        assertTrue(
            "the core keeps its data under filesDir/civic",
            File(app.application.filesDir, "civic").listFiles().orEmpty().isNotEmpty(),
        )
    }

    @Test fun aReportSavedOnThePhoneIsListedWaitingThenDeliveredToTheServer() {
        // A report captured and sent with no connection waits in the core's outbox…
        val core = app.application.app
        captureLitter(core, seed = 7)
        app.launch(Routes.REPORTS)
        app.waitFor("Chờ gửi")
        app.render("my-reports-waiting-vi")
        // …until a sync delivers it to the real server; the list follows the sync.
        val outcome = runBlocking { core.syncNow() }
        assertEquals("the report the city received", 1, outcome.submitted.size)
        compose.waitUntil(20_000) { app.count("Chờ gửi") == 0 }
        app.render("my-reports-sent-vi")
    }

    @Test fun theBottomBarOpensEachTabInEnglish() {
        app.launch(Routes.REPORTS, language = AppLanguage.EN)
        app.waitFor("My reports")
        compose.onNodeWithText("Warnings").performClick()
        app.waitFor("No warnings")
        compose.onNodeWithText("Green Sunday").performClick()
        app.waitFor("Green Sunday")
        compose.onNodeWithText("Reports").performClick()
        app.waitFor("My reports")
    }
}
