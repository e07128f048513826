package org.civic.app.ui.map

import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.LatLon
import org.civic.app.ui.testing.Look
import org.civic.app.ui.testing.ModelScope
import org.civic.app.ui.testing.awaitText
import org.civic.app.ui.testing.count
import org.civic.app.ui.testing.screen
import org.civic.core.Answer
import org.civic.core.CivicApp
import org.civic.core.ReportStatus
import org.civic.core.loginOfficial
import org.civic.core.testing.CITADEL_LAT
import org.civic.core.testing.CITADEL_LON
import org.civic.core.testing.City
import org.civic.core.testing.MemoryTokens
import org.civic.core.testing.gps
import org.civic.core.testing.jpeg
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Files
import kotlin.random.Random

/** A complete litter report at ([lat], [lon]), sent to the outbox. */
private suspend fun captureAt(app: CivicApp, seed: Int, lat: Double, lon: Double): String {
    val reports = app.reports()
    val draft = reports.startDraft()
    reports.attachPhoto(draft.id, jpeg(seed))
    reports.setLocation(draft.id, gps(lat, lon))
    reports.setCategory(draft.id, "litter")
    reports.setAnswer(draft.id, "amount", Answer.Choice("bag"))
    reports.setDescription(draft.id, "Bản đồ công khai: rác ở góc phố ($seed)")
    return reports.send(draft.id).id
}

@OptIn(ExperimentalTestApi::class)
class CityMapTest {
    private val zoom = 19.0

    private fun open(url: String, tokens: MemoryTokens = MemoryTokens(), language: AppLanguage = AppLanguage.VI): CivicApp =
        CivicApp.open(Files.createTempDirectory("civic-map").toString(), url, language.code, tokens)

    /** Every text and description on screen, as TalkBack could read it. */
    private fun ComposeUiTest.everything(): List<String> = onAllNodes(SemanticsMatcher("anything") { true }, useUnmergedTree = true).fetchSemanticsNodes().flatMap { node ->
        val c = node.config
        c.getOrNull(SemanticsProperties.Text).orEmpty().map { it.text } +
            c.getOrNull(SemanticsProperties.ContentDescription).orEmpty() +
            listOfNotNull(c.getOrNull(SemanticsProperties.EditableText)?.text)
    }

    @Test
    fun `the map lists what the city did at a spot, with how long it took and nothing personal`() = runBlocking {
        val tokens = MemoryTokens()
        val citizen = open(City.url, tokens)
        // A spot near the citadel where no report is yet.
        val random = Random(System.nanoTime())
        var spot: LatLon
        var tries = 0
        while (true) {
            spot = LatLon(
                CITADEL_LAT + random.nextDouble(0.002, 0.006) * (if (random.nextBoolean()) 1 else -1),
                CITADEL_LON + random.nextDouble(0.002, 0.006) * (if (random.nextBoolean()) 1 else -1),
            )
            val box = Box.around(spot, zoom, 411, 280)
            if (citizen.reports().cityReports(box.south, box.west, box.north, box.east, 10u, null).reports.isEmpty()) break
            check(++tries < 20) { "no free spot" }
        }
        val seed = (System.nanoTime() % 100_000).toInt()
        val ids = (0 until 3).map { i -> captureAt(citizen, seed + i, spot.lat + i * 0.00003, spot.lon - i * 0.00003) }
        citizen.syncNow()
        val numbers = ids.map { citizen.reports().report(it).report.publicNumber ?: error("not submitted") }

        // The city resolves one; its citizen rates it 4 stars.
        val official = loginOfficial(City.url, "admin", City.password, "vi")
        official.resolve(ids[0], "Đã thu gom ($seed)", jpeg(seed + 10), gps(spot.lat, spot.lon))
        official.close()
        citizen.syncNow()
        citizen.reports().rate(ids[0], 4u, null)
        citizen.syncNow() // the rating is kept on the phone; the sync takes it to the city

        ModelScope().use { s ->
            val model = CityMapViewModel(citizen, s.scope, center = spot, zoom = zoom)
            val st = withTimeout(20_000) { model.state.first { it.loaded && !it.loading && it.categoryNames.isNotEmpty() } }
            assertEquals(numbers.toSet(), st.reports.map { it.publicNumber }.toSet(), "exactly the spot's reports")
            val resolved = st.reports.single { it.status == ReportStatus.RESOLVED }
            assertEquals(numbers[0], resolved.publicNumber)
            assertNotNull(resolved.hoursToOutcome)
            assertEquals(4, resolved.rating?.toInt())
            assertEquals(MapSummary(3, 1, resolved.hoursToOutcome), st.summary)
            val litter = st.categoryName("litter")
            assertTrue(litter != "litter", "the category's name, not its code")
            val private = ids + numbers + listOfNotNull(tokens.token)

            for (look in Look.all) {
                val vi = look.language == AppLanguage.VI
                val model2 = if (vi) {
                    model
                } else {
                    CityMapViewModel(
                        open(City.url, language = look.language),
                        s.scope,
                        center = spot,
                        zoom = zoom,
                    )
                }
                withTimeout(20_000) { model2.state.first { it.loaded && !it.loading && it.categoryNames.isNotEmpty() } }
                val name = model2.state.value.categoryName("litter")
                screen("city-map", look, { CityMapScreen(model2, {}) }) {
                    awaitText(if (vi) "Thành phố đã làm gì" else "What the city has done")
                    awaitText(if (vi) "3 báo cáo, 1 đã xử lý, trung bình" else "3 reports, 1 resolved", substring = true)
                    assertEquals(3, count(name), "a card per report")
                    assertEquals(1, count(if (vi) "xử lý trong" else "resolved in", substring = true), "the resolved one's time")
                    onNodeWithContentDescription(if (vi) "Đánh giá 4/5 sao" else "Rated 4 of 5 stars", substring = true).assertExists()
                    val seen = everything()
                    assertTrue(
                        seen.contains(name) && seen.any {
                            it.contains(if (vi) "Đánh giá 4/5" else "Rated 4 of 5")
                        },
                        "the collector reads the screen: $seen",
                    )
                    for (secret in private) {
                        assertTrue(seen.none { it.contains(secret) }, "$secret must not be on screen")
                    }
                    if (look == Look.all.first()) {
                        onNodeWithText("Đã xử lý").performClick()
                        waitUntil(timeoutMillis = 10_000) { count(name) == 1 }
                        onNodeWithText("Chưa xong").performClick()
                        waitUntil(timeoutMillis = 10_000) { count(name) == 2 }
                        assertEquals(0, count("xử lý trong", substring = true))
                        onNodeWithText("Tất cả").performClick()
                        waitUntil(timeoutMillis = 10_000) { count(name) == 3 }
                    }
                }
            }
        }
        citizen.close()
    }

    @Test
    fun `offline, the map says it needs the network and does not crash`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            val app = open("http://127.0.0.1:9", language = look.language)
            ModelScope().use { s ->
                val model = CityMapViewModel(app, s.scope)
                screen("city-map-offline", look, { CityMapScreen(model, {}) }) {
                    awaitText(if (vi) "Không có mạng: bản đồ cần mạng" else "Offline: the map needs the network", substring = true)
                    onNodeWithText(if (vi) "Tải lại" else "Reload").performClick()
                    awaitText(if (vi) "Không có mạng: bản đồ cần mạng" else "Offline: the map needs the network", substring = true)
                    assertEquals(0, count(if (vi) "báo cáo," else "reports,", substring = true), "no summary of nothing")
                }
                assertTrue(model.state.value.offline)
                assertTrue(model.state.value.reports.isEmpty())
            }
            app.close()
        }
    }
}
