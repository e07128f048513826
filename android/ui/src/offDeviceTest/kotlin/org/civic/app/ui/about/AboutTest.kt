package org.civic.app.ui.about

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.testing.Look
import org.civic.app.ui.testing.ModelScope
import org.civic.app.ui.testing.awaitText
import org.civic.app.ui.testing.screen
import org.civic.core.CivicApp
import org.civic.core.testing.MemoryTokens
import org.civic.core.testing.OwnServer
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Files

@OptIn(ExperimentalTestApi::class)
class AboutTest {
    private fun open(url: String, language: AppLanguage): CivicApp = CivicApp.open(Files.createTempDirectory("civic-about").toString(), url, language.code, MemoryTokens())

    @Test
    fun `about names the app and its version and credits the map's boundaries as the core says, in every look`() = runBlocking {
        // A city with a tile server of its own: what the phone credits comes from the core,
        // after a sync as before.
        OwnServer("--tile-url", "https://tiles.hue.example/{z}/{x}/{y}.png").use { server ->
            for (look in Look.all) {
                val vi = look.language == AppLanguage.VI
                val app = open(server.url, look.language)
                app.syncNow()
                assertEquals("https://tiles.hue.example/{z}/{x}/{y}.png", app.mapTiles().urlTemplate, "synced")
                val credits = app.mapTiles().credits
                assertTrue(credits.contains("sapnhap.bando.com.vn"), "the boundaries' source: $credits")
                ModelScope().use { s ->
                    val model = AboutViewModel(app, s.scope)
                    withTimeout(10_000) { model.state.first { it.credits.isNotEmpty() } }
                    var back = 0
                    screen("about", look, { AboutScreen(model, "Civic Huế", "0.1.0 (1)", onBack = { back++ }) }) {
                        awaitText(if (vi) "Giới thiệu" else "About")
                        awaitText("Civic Huế")
                        awaitText(if (vi) "Phiên bản 0.1.0 (1)" else "Version 0.1.0 (1)")
                        awaitText(
                            if (vi) {
                                "Ranh giới phường, xã trên bản đồ là ranh giới trong cấu hình của thành phố."
                            } else {
                                "The ward and commune boundaries on the maps are those of the city's configuration."
                            },
                        )
                        // The core's credits, whole, in the look's language.
                        awaitText(credits)
                        awaitText(if (vi) "Ranh giới phường, xã 2025" else "2025 ward boundaries", substring = true)
                        awaitText("© OpenStreetMap contributors", substring = true)
                        onNodeWithText(if (vi) "‹ Quay lại" else "‹ Back").performClick()
                        waitForIdle()
                        assertEquals(1, back)
                    }
                }
                app.close()
            }
        }
    }
}
