package org.civic.app.screens

import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.junit4.createEmptyComposeRule
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.performClick
import kotlinx.coroutines.runBlocking
import org.civic.app.BuildConfig
import org.civic.app.Routes
import org.civic.app.platform.MapTilesKey
import org.civic.app.platform.mapStyle
import org.civic.app.sync.ElsewhereApplication
import org.civic.app.ui.AppLanguage
import org.civic.core.MapTiles
import org.civic.core.testing.OwnServer
import org.json.JSONObject
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

/**
 * The maps draw the tiles the core names and show its credits: the city's built-in fallback
 * before the first sync, the tile server the city's server was started with (`--tile-url`)
 * after; the About screen, one tap from my reports, credits the boundaries as the core says.
 * Against a civic-server of the test's own, with a tile server of its own. MapLibre does not
 * run on the JVM: the map's stand-in carries the same tiles in the semantics tree.
 */
@RunWith(RobolectricTestRunner::class)
@Config(application = ElsewhereApplication::class, qualifiers = "w360dp-h740dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class MapTilesTest {
    @get:Rule val compose = createEmptyComposeRule()
    private val app = AppHarness(compose)
    private lateinit var server: OwnServer

    @Before fun setUp() {
        server = OwnServer("--tile-url", TILES)
        ElsewhereApplication.url = server.url
        app.prepare()
    }

    @After fun tearDown() {
        ElsewhereApplication.url = ElsewhereApplication.NOBODY
        server.close()
    }

    /** The tiles the map on screen draws, once it is there. */
    private fun shownTiles(): MapTiles {
        val withTiles = SemanticsMatcher.keyIsDefined(MapTilesKey)
        compose.waitUntil(20_000) { compose.onAllNodes(withTiles, useUnmergedTree = true).fetchSemanticsNodes().isNotEmpty() }
        return compose.onAllNodes(withTiles, useUnmergedTree = true).fetchSemanticsNodes().single().config[MapTilesKey]
    }

    @Test fun `the map draws the city's tile server once a sync named it, with the core's credits`() {
        var scenario = app.launch(Routes.MAP)
        val builtIn = shownTiles()
        assertNotEquals("not yet synced", TILES, builtIn.urlTemplate)
        assertEquals(app.application.app.mapTiles(), builtIn)
        scenario.close()

        val core = app.application.app
        runBlocking { core.syncNow() }
        assertEquals(TILES, core.mapTiles().urlTemplate)

        scenario = app.launch(Routes.MAP)
        val synced = shownTiles()
        assertEquals("the server's --tile-url", TILES, synced.urlTemplate)
        assertEquals(core.mapTiles().credits, synced.credits)
        assertTrue(synced.credits, synced.credits.contains("© OpenStreetMap contributors"))
        assertTrue(synced.credits, synced.credits.contains("Ranh giới phường, xã 2025") && synced.credits.contains("sapnhap.bando.com.vn"))
        scenario.close()

        // The credits follow the app's language.
        scenario = app.launch(Routes.MAP, AppLanguage.EN)
        val english = shownTiles()
        assertEquals(TILES, english.urlTemplate)
        assertTrue(english.credits, english.credits.contains("2025 ward boundaries") && english.credits.contains("sapnhap.bando.com.vn"))
        scenario.close()
    }

    @Test fun `the map's style takes the core's tile template and credits`() {
        val style = JSONObject(mapStyle(MapTiles(TILES, "© OpenStreetMap contributors · Ranh giới", "Ranh giới")))
        val source = style.getJSONObject("sources").getJSONObject("osm")
        assertEquals("raster", source.getString("type"))
        assertEquals(TILES, source.getJSONArray("tiles").getString(0))
        assertEquals(1, source.getJSONArray("tiles").length())
        assertEquals("© OpenStreetMap contributors · Ranh giới", source.getString("attribution"))
    }

    @Test fun `about, one tap from my reports, shows the version and the core's map credits`() {
        for (language in AppLanguage.entries) {
            val vi = language == AppLanguage.VI
            val scenario = app.launch(Routes.REPORTS, language)
            app.waitFor(if (vi) "Báo cáo của tôi" else "My reports")
            compose.onNodeWithContentDescription(if (vi) "Giới thiệu" else "About").performClick()
            val credits = app.application.app.mapTiles().credits
            app.waitFor(credits)
            app.waitFor(if (vi) "Phiên bản ${BuildConfig.VERSION_NAME}" else "Version ${BuildConfig.VERSION_NAME}")
            app.waitFor(if (vi) "ranh giới trong cấu hình của thành phố" else "those of the city's configuration")
            assertTrue(credits, credits.contains("sapnhap.bando.com.vn"))
            app.render("about-from-my-reports-${language.code}")
            scenario.close()
        }
    }

    private companion object {
        const val TILES = "https://tiles.hue.example/{z}/{x}/{y}.png"
    }
}
