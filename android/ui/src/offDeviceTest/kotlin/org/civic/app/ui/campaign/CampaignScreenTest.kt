package org.civic.app.ui.campaign

import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsNodeInteraction
import androidx.compose.ui.test.hasScrollAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import java.nio.file.Files
import java.time.Instant
import java.time.temporal.ChronoUnit
import kotlinx.coroutines.runBlocking
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.testing.Look
import org.civic.app.ui.testing.ModelScope
import org.civic.app.ui.testing.awaitText
import org.civic.app.ui.testing.count
import org.civic.app.ui.testing.screen
import org.civic.core.CampaignCategory
import org.civic.core.CampaignInfo
import org.civic.core.CampaignPhase
import org.civic.core.CampaignSpot
import org.civic.core.CampaignTeam
import org.civic.core.CivicApp
import org.civic.core.SpotState
import org.civic.core.testing.CITADEL_LAT
import org.civic.core.testing.CITADEL_LON
import org.civic.core.testing.MemoryTokens
import org.civic.core.testing.gps
import org.civic.core.testing.jpeg
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Scrolls the screen's list to the item with this text (the list composes what it shows only). */
@OptIn(ExperimentalTestApi::class)
private fun ComposeUiTest.show(text: String): SemanticsNodeInteraction {
    onNode(hasScrollAction()).performScrollToNode(hasText(text))
    return onNodeWithText(text)
}

@OptIn(ExperimentalTestApi::class)
class CampaignScreenTest {
    private fun sample(vi: Boolean): Pair<CampaignInfo, List<CampaignSpot>> {
        fun w(a: String, b: String) = if (vi) a else b
        val start = Instant.now().minus(1, ChronoUnit.HOURS)
        val campaign = CampaignInfo(
            "c1", w("Chủ nhật xanh tháng 11", "Green Sunday, November"), start, start.plus(4, ChronoUnit.HOURS),
            listOf("Huế"), listOf(w("Cửa Thượng Tứ", "Thuong Tu gate")),
            listOf(CampaignCategory("litter", w("Rác thải trên đường phố", "Litter in the street")),
                CampaignCategory("blocked-drain", w("Cống, rãnh thoát nước bị tắc", "Blocked drain"))),
            20u, CampaignPhase.RUNNING, w("Đang diễn ra", "Under way"), 37u,
            listOf(CampaignTeam("t1", "THPT Hai Bà Trưng", 12u), CampaignTeam("t2", "Đoàn phường Thuận Hòa", 8u)),
            joined = false, myTeam = null,
        )
        val spots = listOf(
            CampaignSpot("s1", w("Rác thải trên đường phố", "Litter in the street"), CITADEL_LAT, CITADEL_LON, SpotState.CLEANED,
                w("Đã dọn", "Cleaned"), "THPT Hai Bà Trưng", 1u, 4.5, false, null, mine = false),
            CampaignSpot("s2", w("Rác thải trên đường phố", "Litter in the street"), CITADEL_LAT, CITADEL_LON + 0.001, SpotState.REPORTED,
                w("Chưa dọn", "Not cleaned yet"), null, 0u, null, true, null, mine = true),
        )
        return campaign to spots
    }

    @Test
    fun `a running campaign shows its goal, how to join, the quick capture and the spots`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            fun w(a: String, b: String) = if (vi) a else b
            val (campaign, spots) = sample(vi)
            val joins = mutableListOf<Pair<String?, String?>>()
            val captures = mutableListOf<String>()
            val state = CampaignState(campaign, spots, waiting = 1)
            screen("campaign-running", look, { CampaignContent(state, { t, n -> joins += t to n }, { captures += it }, {}, {}) }) {
                awaitText(w("Chủ nhật xanh tháng 11", "Green Sunday, November"))
                onNodeWithText(w("Đã dọn 1 / 20 điểm", "1 of 20 spots cleaned")).assertIsDisplayed()
                onNodeWithText(w("Điểm tập trung: Cửa Thượng Tứ", "Meet at: Thuong Tu gate")).assertIsDisplayed()
                show("THPT Hai Bà Trưng (12)").performClick()
                assertEquals(listOf<Pair<String?, String?>>("t1" to null), joins)
                show(w("Tham gia một mình", "Join alone")).performClick()
                assertEquals(null to null, joins.last())
                show(w("Cống, rãnh thoát nước bị tắc", "Blocked drain")).performClick()
                assertEquals(listOf("blocked-drain"), captures)
                show(w("Gửi 1 thao tác", "Send 1 waiting")).assertIsDisplayed()
                show(w("Chưa dọn · Chờ gửi", "Not cleaned yet · Waiting to send")).assertIsDisplayed()
                show(w("Đã dọn · THPT Hai Bà Trưng · 4,5 kg · +1 người cùng báo", "Cleaned · THPT Hai Bà Trưng · 4.5 kg · +1 also reported")).assertIsDisplayed()
            }
        }
    }

    @Test
    fun `an ended campaign offers neither joining nor capture`() {
        val (running, spots) = sample(true)
        val ended = running.copy(phase = CampaignPhase.ENDED, phaseLabel = "Đã kết thúc")
        val handed = spots[1].copy(state = SpotState.HANDED_OVER, stateLabel = "Đã chuyển thành phản ánh", waiting = false, reportNumber = "HUE-2026-000042")
        screen("campaign-ended", Look(AppLanguage.VI), { CampaignContent(CampaignState(ended, listOf(spots[0], handed)), { _, _ -> }, {}, {}, {}) }) {
            awaitText("Chủ nhật xanh tháng 11")
            assertEquals(0, count("Tham gia một mình"))
            assertEquals(0, count("Báo điểm rác: chụp ảnh, chọn loại"))
            show("Đã chuyển thành phản ánh · HUE-2026-000042").assertIsDisplayed()
        }
    }

    @Test
    fun `with no signal the quick capture lands on the phone's map at once, waiting`() = runBlocking {
        val app = CivicApp.open(Files.createTempDirectory("civic-campaign").toString(), "http://127.0.0.1:9", "vi", MemoryTokens())
        ModelScope().use { m ->
            val model = CampaignViewModel(app, "c-offline", m.scope)
            model.join(null, "Tổ dân phố 5")
            model.reportSpot("litter", jpeg(51), gps(CITADEL_LAT, CITADEL_LON))
            var state = model.state.value
            repeat(100) { if (state.waiting < 2) { Thread.sleep(50); state = model.state.value } }
            assertEquals(2, state.waiting, "the join and the spot wait on the phone")
            assertTrue(state.joined)
            assertEquals(1, state.spots.size)
            assertTrue(state.spots[0].waiting)
            model.sync()
            repeat(100) { if (model.state.value.notice == null) Thread.sleep(50) }
            assertTrue(model.state.value.notice!!.isNotBlank(), "says why nothing went")
            assertEquals(2, model.state.value.waiting, "nothing lost")
        }
        app.close()
    }
}

@OptIn(ExperimentalTestApi::class)
class CampaignsListTest {
    @Test
    fun `the campaigns near the resident open on a tap, and an empty list says why`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            fun w(a: String, b: String) = if (vi) a else b
            val start = Instant.now().plus(2, ChronoUnit.DAYS)
            val c = CampaignInfo("c9", w("Chủ nhật xanh tháng 12", "Green Sunday, December"), start, start.plus(4, ChronoUnit.HOURS),
                listOf("Huế"), emptyList(), emptyList(), null, CampaignPhase.UPCOMING, w("Sắp diễn ra", "Upcoming"), 12u,
                listOf(CampaignTeam("t1", "THPT Quốc Học", 12u)), joined = false, myTeam = null)
            val opened = mutableListOf<String>()
            screen("campaigns-list", look, { CampaignsContent(CampaignsState(listOf(c), loaded = true), { opened += it }) }) {
                awaitText(w("Chủ nhật xanh tháng 12", "Green Sunday, December"))
                onNodeWithText(w("12 người tham gia · 1 đội", "12 taking part · 1 teams")).assertIsDisplayed()
                onNodeWithText(w("Chủ nhật xanh tháng 12", "Green Sunday, December")).performClick()
                assertEquals(listOf("c9"), opened)
            }
        }
        screen("campaigns-empty", Look(AppLanguage.VI), { CampaignsContent(CampaignsState(loaded = true), {}) }) {
            awaitText("Chưa có chiến dịch nào gần bạn")
        }
    }
}
