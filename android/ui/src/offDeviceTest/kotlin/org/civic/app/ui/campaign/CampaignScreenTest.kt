package org.civic.app.ui.campaign

import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.SemanticsActions
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.SemanticsNodeInteraction
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertIsSelected
import androidx.compose.ui.test.click
import androidx.compose.ui.test.hasAnyDescendant
import androidx.compose.ui.test.hasContentDescription
import androidx.compose.ui.test.hasScrollAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performCustomAccessibilityActionWithLabel
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.performTouchInput
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.capture.Models
import org.civic.app.ui.capture.Phone
import org.civic.app.ui.detail.PhotoBytes
import org.civic.app.ui.testing.Look
import org.civic.app.ui.testing.ModelScope
import org.civic.app.ui.testing.awaitText
import org.civic.app.ui.testing.count
import org.civic.app.ui.testing.screen
import org.civic.core.BeforeAfter
import org.civic.core.CampaignCategory
import org.civic.core.CampaignInfo
import org.civic.core.CampaignPhase
import org.civic.core.CampaignSpot
import org.civic.core.CampaignSummaryCard
import org.civic.core.CampaignTally
import org.civic.core.CampaignTeam
import org.civic.core.CivicApp
import org.civic.core.GeoPoint
import org.civic.core.SpotState
import org.civic.core.testing.CITADEL_LAT
import org.civic.core.testing.CITADEL_LON
import org.civic.core.testing.City
import org.civic.core.testing.MemoryTokens
import org.civic.core.testing.gps
import org.civic.core.testing.jpeg
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Files
import java.time.Instant
import java.time.temporal.ChronoUnit
import java.util.concurrent.atomic.AtomicInteger

/** Scrolls the screen's list to the item with this text (the list composes what it shows only). */
@OptIn(ExperimentalTestApi::class)
private fun ComposeUiTest.show(text: String): SemanticsNodeInteraction {
    onNode(hasScrollAction()).performScrollToNode(hasText(text))
    return onNodeWithText(text)
}

/** As [show], for an image or a row by what TalkBack says of it. */
@OptIn(ExperimentalTestApi::class)
private fun ComposeUiTest.showDescribed(description: String): SemanticsNodeInteraction {
    onNode(hasScrollAction()).performScrollToNode(hasContentDescription(description))
    return onNodeWithContentDescription(description)
}

/** The map (the only node whose description names a spot's or a meeting point's pin), by a pin's label. */
@OptIn(ExperimentalTestApi::class)
private fun ComposeUiTest.map(pin: String): SemanticsNodeInteraction = onNode(hasContentDescription(pin, substring = true))

/** What TalkBack reads of the map: its pins' labels. */
private fun SemanticsNodeInteraction.description(): String = fetchSemanticsNode().config.getOrNull(SemanticsProperties.ContentDescription).orEmpty().joinToString()

/** A spot's row (its card), by its details line. */
private fun spotRow(details: String): SemanticsMatcher = SemanticsMatcher.keyIsDefined(SemanticsProperties.Selected) and hasAnyDescendant(hasText(details))

/** Nothing listens there: the phone is offline. */
private const val NO_SIGNAL = "http://127.0.0.1:9"

private suspend fun CampaignViewModel.awaitState(what: String, timeoutMillis: Long = 30_000, ok: (CampaignState) -> Boolean): CampaignState = try {
    withTimeout(timeoutMillis) { state.first(ok) }
} catch (e: Exception) {
    throw AssertionError("$what; state: ${state.value}", e)
}

@OptIn(ExperimentalTestApi::class)
class CampaignScreenTest {
    private fun sample(vi: Boolean): Pair<CampaignInfo, List<CampaignSpot>> {
        fun w(a: String, b: String) = if (vi) a else b
        val start = Instant.now().minus(1, ChronoUnit.HOURS)
        val campaign = CampaignInfo(
            "c1", w("Chủ nhật xanh tháng 11", "Green Sunday, November"), start, start.plus(4, ChronoUnit.HOURS),
            listOf(w("Phường Phú Xuân", "Phu Xuan Ward")), listOf(w("Cửa Thượng Tứ", "Thuong Tu gate")), listOf(GeoPoint(CITADEL_LAT + 0.0025, CITADEL_LON + 0.003)),
            // The area drawn around the citadel (a closed ring).
            listOf(
                GeoPoint(CITADEL_LAT - 0.004, CITADEL_LON - 0.005),
                GeoPoint(CITADEL_LAT - 0.004, CITADEL_LON + 0.005),
                GeoPoint(CITADEL_LAT + 0.004, CITADEL_LON + 0.005),
                GeoPoint(CITADEL_LAT + 0.004, CITADEL_LON - 0.005),
                GeoPoint(CITADEL_LAT - 0.004, CITADEL_LON - 0.005),
            ),
            listOf(
                CampaignCategory("litter", w("Rác thải trên đường phố", "Litter in the street")),
                CampaignCategory("blocked-drain", w("Cống, rãnh thoát nước bị tắc", "Blocked drain")),
            ),
            20u, CampaignPhase.RUNNING, w("Đang diễn ra", "Under way"), null, 37u,
            listOf(CampaignTeam("t1", "THPT Hai Bà Trưng", 12u), CampaignTeam("t2", "Đoàn phường Phú Xuân", 8u)),
            joined = false, myTeam = null,
        )
        val spots = listOf(
            CampaignSpot(
                "s1", w("Rác thải trên đường phố", "Litter in the street"), CITADEL_LAT, CITADEL_LON, SpotState.CLEANED,
                w("Đã dọn", "Cleaned"), "THPT Hai Bà Trưng", 1u, 4.5, false, null, mine = false,
            ),
            CampaignSpot(
                "s2", w("Rác thải trên đường phố", "Litter in the street"), CITADEL_LAT, CITADEL_LON + 0.001, SpotState.REPORTED,
                w("Chưa dọn", "Not cleaned yet"), null, 0u, null, true, null, mine = true,
            ),
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
                // The resident's own spot (s2) is marked, the other not.
                show(w("Bạn báo", "Yours")).assertIsDisplayed()
                assertEquals(1, count(w("Bạn báo", "Yours")))
                show(
                    w("Đã dọn · THPT Hai Bà Trưng · 4,5 kg · +1 người cùng báo", "Cleaned · THPT Hai Bà Trưng · 4.5 kg · +1 also reported"),
                ).assertIsDisplayed()
            }
        }
    }

    @Test
    fun `an ended campaign offers neither joining nor capture`() {
        val (running, spots) = sample(true)
        val ended = running.copy(phase = CampaignPhase.ENDED, phaseLabel = "Đã kết thúc")
        val handed = spots[1].copy(
            state = SpotState.HANDED_OVER,
            stateLabel = "Đã chuyển thành phản ánh",
            waiting = false,
            reportNumber = "HUE-2026-000042",
        )
        screen("campaign-ended", Look(AppLanguage.VI), {
            CampaignContent(CampaignState(ended, listOf(spots[0], handed)), { _, _ -> }, {}, {}, {})
        }) {
            awaitText("Chủ nhật xanh tháng 11")
            assertEquals(0, count("Tham gia một mình"))
            assertEquals(0, count("Báo điểm rác: chụp ảnh, chọn loại"))
            show("Đã chuyển thành phản ánh · HUE-2026-000042").assertIsDisplayed()
            // No summary yet (offline): the live map, with the spot handed to the city.
            show("Bản đồ các điểm").assertIsDisplayed()
            val said = map("Đã chuyển thành phản ánh").description()
            assertTrue(
                said.contains("Rác thải trên đường phố: Đã dọn") &&
                    said.contains("Rác thải trên đường phố: Đã chuyển thành phản ánh · Bạn báo"),
                said,
            )
        }
    }

    @Test
    fun `a campaign called off says why, in place of joining, capture and the joined line`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            fun w(a: String, b: String) = if (vi) a else b
            val (running, spots) = sample(vi)
            val off = running.copy(
                phase = CampaignPhase.CANCELLED,
                phaseLabel = w("Đã huỷ", "Called off"),
                cancelReason = w("Mưa lớn, bão số 9", "Heavy rain, typhoon 9"),
                joined = true,
                myTeam = "THPT Hai Bà Trưng",
            )
            screen("campaign-called-off", look, { CampaignContent(CampaignState(off, spots), { _, _ -> }, {}, {}, {}) }) {
                awaitText(w("Chiến dịch đã huỷ: Mưa lớn, bão số 9", "Called off: Heavy rain, typhoon 9"))
                assertEquals(0, count(w("Tham gia một mình", "Join alone")))
                assertEquals(0, count(w("Báo điểm rác: chụp ảnh, chọn loại", "Report a spot: take a photo, pick one")))
                assertEquals(0, count(w("Bạn đã tham gia · Đội THPT Hai Bà Trưng", "You're in · Team THPT Hai Bà Trưng")))
            }
        }
    }

    /** The sample, joined, with a third spot being cleaned; the resident's spot sent (so it can be claimed). */
    private fun live(vi: Boolean): CampaignState {
        fun w(a: String, b: String) = if (vi) a else b
        val (campaign, spots) = sample(vi)
        val mine = spots[1].copy(waiting = false, alsoReported = 2u)
        val claimed = CampaignSpot(
            "s3", w("Cống, rãnh thoát nước bị tắc", "Blocked drain"), CITADEL_LAT - 0.0015, CITADEL_LON - 0.002,
            SpotState.CLAIMED, w("Đang dọn", "Being cleaned"), "Đoàn phường Phú Xuân", 0u, null, false, null, mine = false,
        )
        return CampaignState(campaign.copy(joined = true, myTeam = "THPT Hai Bà Trưng"), listOf(spots[0], mine, claimed))
    }

    @Test
    fun `the live map shows the spots by state, the meeting point and the area, and a pin brings its spot up to claim`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            fun w(a: String, b: String) = if (vi) a else b
            val state = live(vi)
            val meet = w("Điểm tập trung: Cửa Thượng Tứ", "Meet at: Thuong Tu gate")
            val litter = w("Rác thải trên đường phố", "Litter in the street")
            val mineLabel = w("$litter: Chưa dọn · Bạn báo", "$litter: Not cleaned yet · Yours")
            screen("campaign-map", look, { CampaignContent(state, { _, _ -> }, {}, {}, {}) }) {
                awaitText(w("Chủ nhật xanh tháng 11", "Green Sunday, November"))
                show(w("Bản đồ các điểm", "Map of the spots")).assertIsDisplayed()
                // What TalkBack reads of the map: every pin's state in words, the resident's own, the meeting point.
                val map = map(meet)
                map.assertIsDisplayed()
                val said = map.description()
                for (words in listOf(
                    "$litter: " + w("Đã dọn", "Cleaned"),
                    mineLabel,
                    w("Cống, rãnh thoát nước bị tắc: Đang dọn", "Blocked drain: Being cleaned"),
                    meet,
                )) {
                    assertTrue(said.contains(words), "\"$words\" in \"$said\"")
                }
                // One pin per spot and meeting point, each to be picked by its name.
                assertEquals(
                    listOf(
                        "$litter: " + w("Đã dọn", "Cleaned"),
                        mineLabel,
                        w("Cống, rãnh thoát nước bị tắc: Đang dọn", "Blocked drain: Being cleaned"),
                        meet,
                    ),
                    map.fetchSemanticsNode().config[SemanticsActions.CustomActions].map { it.label },
                )
                // The legend says the colours in words: colour is not the only cue.
                for (words in listOf(
                    w("Chưa dọn", "Not cleaned yet"),
                    w("Đang dọn", "Being cleaned"),
                    w("Đã dọn", "Cleaned"),
                    w("Đã chuyển thành phản ánh", "Handed to the city"),
                    w("Điểm tập trung", "Meeting point"),
                    w("Khu vực chiến dịch", "Campaign area"),
                )) {
                    show(words).assertIsDisplayed()
                }
            }
            val claims = mutableListOf<String>()
            screen("campaign-map-picked", look, { CampaignContent(state, { _, _ -> }, {}, { claims += it }, {}) }) {
                awaitText(w("Chủ nhật xanh tháng 11", "Green Sunday, November"))
                val row = spotRow(w("Chưa dọn · +2 người cùng báo", "Not cleaned yet · +2 also reported"))
                show(w("Bản đồ các điểm", "Map of the spots"))
                // The resident taps their own spot's pin: its row comes up, picked, to claim it.
                map(meet).performCustomAccessibilityActionWithLabel(mineLabel)
                waitForIdle()
                onNode(row).assertIsDisplayed().assertIsSelected()
                assertEquals(
                    1,
                    onAllNodes(SemanticsMatcher.expectValue(SemanticsProperties.Selected, true)).fetchSemanticsNodes().size,
                    "only that one",
                )
                onNodeWithText(w("Đội tôi nhận dọn", "My team takes it")).assertIsDisplayed().performClick()
                assertEquals(listOf("s2"), claims)
                // A meeting point's pin is no spot: nothing else is picked.
                map(meet).performCustomAccessibilityActionWithLabel(meet)
                waitForIdle()
                onNode(row).assertIsSelected()
            }
        }
        // A tap on the pin itself (the only one, at the map's centre) picks it too.
        val state = live(true).let { s ->
            s.copy(
                campaign = s.campaign!!.copy(meetingPoints = emptyList(), meetingAt = emptyList(), area = emptyList()),
                spots = listOf(s.spots[2]),
            )
        }
        screen("campaign-map-tap", Look(AppLanguage.VI), { CampaignContent(state, { _, _ -> }, {}, {}, {}) }) {
            awaitText("Chủ nhật xanh tháng 11")
            show("Bản đồ các điểm")
            val row = spotRow("Đang dọn · Đoàn phường Phú Xuân")
            onNode(row).assertExists()
            assertEquals(0, onAllNodes(SemanticsMatcher.expectValue(SemanticsProperties.Selected, true)).fetchSemanticsNodes().size)
            map("Cống, rãnh thoát nước bị tắc: Đang dọn").performTouchInput { click(center) }
            waitForIdle()
            onNode(row).assertIsSelected()
        }
    }

    @Test
    fun `a resident who joined sees their team instead of the join card`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            fun w(a: String, b: String) = if (vi) a else b
            val (campaign, spots) = sample(vi)
            val withTeam = campaign.copy(joined = true, myTeam = "THPT Hai Bà Trưng")
            screen("campaign-joined-team", look, { CampaignContent(CampaignState(withTeam, spots), { _, _ -> }, {}, {}, {}) }) {
                awaitText(w("Bạn đã tham gia · Đội THPT Hai Bà Trưng", "You're in · Team THPT Hai Bà Trưng"))
                onNodeWithText(w("Bạn đã tham gia · Đội THPT Hai Bà Trưng", "You're in · Team THPT Hai Bà Trưng")).assertIsDisplayed()
                assertEquals(0, count(w("Tham gia một mình", "Join alone")), "no join card")
                // Still the quick capture: the campaign is under way.
                show(w("Báo điểm rác: chụp ảnh, chọn loại", "Report a spot: take a photo, pick one")).assertIsDisplayed()
            }
        }
        val (campaign, spots) = sample(true)
        screen("campaign-joined-alone", Look(AppLanguage.VI), {
            CampaignContent(CampaignState(campaign.copy(joined = true), spots), { _, _ -> }, {}, {}, {})
        }) {
            awaitText("Bạn tham gia một mình")
            assertEquals(0, count("Tham gia một mình"), "no join card")
        }
    }

    /** An ended campaign with its summary card: one pair, two wards, two teams, the resident's part. */
    private fun ended(vi: Boolean): CampaignState {
        fun w(a: String, b: String) = if (vi) a else b
        val (running, spots) = sample(vi)
        val start = Instant.now().minus(1, ChronoUnit.DAYS)
        val campaign = running.copy(
            startsAt = start,
            endsAt = start.plus(4, ChronoUnit.HOURS),
            phase = CampaignPhase.ENDED,
            phaseLabel = w("Đã kết thúc", "Ended"),
            joined = true,
            myTeam = "THPT Hai Bà Trưng",
        )
        val litter = w("Rác thải trên đường phố", "Litter in the street")
        val card = CampaignSummaryCard(
            campaign, w("Đã dọn 14/18 điểm · 52,5 kg", "14 of 18 spots cleaned · 52.5 kg"),
            reported = 18u, cleaned = 14u, handedOver = 4u, kg = 52.5, goalSpots = 20u, goalReached = false,
            byWard = listOf(
                CampaignTally(w("Phường Phú Xuân", "Phu Xuan Ward"), 10u, 8u, 30.0),
                CampaignTally(w("Phường Thuận Hóa", "Thuan Hoa Ward"), 8u, 6u, 22.5),
            ),
            byTeam = listOf(CampaignTally("THPT Hai Bà Trưng", 11u, 9u, 35.5), CampaignTally("Đoàn phường Phú Xuân", 7u, 5u, 17.0)),
            myTeam = CampaignTally("THPT Hai Bà Trưng", 11u, 9u, 35.5),
            mine = w("Bạn đã báo 3 điểm, 2 điểm đã được dọn.", "You reported 3 spots; 2 were cleaned."),
            pairs = listOf(BeforeAfter("s1", litter, "THPT Hai Bà Trưng", "before-1", "after-1")),
        )
        val pairs = card.pairs.map { PairPhotos(it, PhotoBytes(it.beforePhoto, jpeg(61)), PhotoBytes(it.afterPhoto, jpeg(62))) }
        val handed = spots[1].copy(
            state = SpotState.HANDED_OVER,
            stateLabel = w("Đã chuyển thành phản ánh", "Handed to the city"),
            waiting = false,
            reportNumber = "HUE-2026-000042",
        )
        return CampaignState(campaign, listOf(spots[0], handed), summary = card, pairs = pairs)
    }

    @Test
    fun `an ended campaign opens on its summary card, with the teams, the resident's part and the before and after`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            fun w(a: String, b: String) = if (vi) a else b
            val state = ended(vi)
            val headline = w("Đã dọn 14/18 điểm · 52,5 kg", "14 of 18 spots cleaned · 52.5 kg")
            // The top of the card, as the screen opens.
            screen("campaign-summary", look, { CampaignContent(state, { _, _ -> }, {}, {}, {}) }) {
                awaitText(headline)
                onNodeWithText(headline).assertIsDisplayed()
                onNodeWithText(w("Tổng kết buổi ra quân", "How the clean-up went")).assertIsDisplayed()
                onNodeWithText(w("Chưa đạt mục tiêu 20 điểm", "Goal of 20 spots not reached")).assertIsDisplayed()
                onNodeWithText(w("Bạn đã tham gia · Đội THPT Hai Bà Trưng", "You're in · Team THPT Hai Bà Trưng")).assertIsDisplayed()
                show(
                    w("4 điểm còn lại đã chuyển cho đơn vị vệ sinh môi trường", "4 spots left were handed to the sanitation unit"),
                ).assertIsDisplayed()
                show(w("Thu gom 52,5 kg rác", "52.5 kg of litter collected")).assertIsDisplayed()
                show(w("Bạn đã báo 3 điểm, 2 điểm đã được dọn.", "You reported 3 spots; 2 were cleaned.")).assertIsDisplayed()
                show(
                    w("Đội THPT Hai Bà Trưng: đã dọn 9/11 điểm · 35,5 kg", "Team THPT Hai Bà Trưng: 9 of 11 spots cleaned · 35.5 kg"),
                ).assertIsDisplayed()
                // Over: no joining, no quick capture (its category buttons), no progress bar of its own.
                assertEquals(0, count(w("Tham gia một mình", "Join alone")))
                assertEquals(0, count(w("Báo điểm rác: chụp ảnh, chọn loại", "Report a spot: take a photo, pick one")))
                assertEquals(0, count(w("Cống, rãnh thoát nước bị tắc", "Blocked drain")))
                assertEquals(0, count(w("Đã dọn 1 / 20 điểm", "1 of 20 spots cleaned")))
            }
            // In the card: the map of the cleaned spots, and only those (no meeting point, no spot handed over).
            val cleanedPin = w("Rác thải trên đường phố: Đã dọn", "Litter in the street: Cleaned")
            screen("campaign-summary-map", look, { CampaignContent(state, { _, _ -> }, {}, {}, {}) }) {
                awaitText(headline)
                show(w("Bản đồ điểm đã dọn", "Map of cleaned spots")).assertIsDisplayed()
                val map = map(cleanedPin)
                map.assertIsDisplayed()
                assertEquals(cleanedPin, map.description())
                show(w("Khu vực chiến dịch", "Campaign area")).assertIsDisplayed()
                assertEquals(0, count(w("Chưa dọn", "Not cleaned yet")), "the legend has the cleaned spots' colour only")
            }
            screen("campaign-summary-map-picked", look, { CampaignContent(state, { _, _ -> }, {}, {}, {}) }) {
                awaitText(headline)
                show(w("Bản đồ điểm đã dọn", "Map of cleaned spots"))
                map(cleanedPin).performCustomAccessibilityActionWithLabel(cleanedPin)
                waitForIdle()
                onNode(
                    spotRow(
                        w(
                            "Đã dọn · THPT Hai Bà Trưng · 4,5 kg · +1 người cùng báo",
                            "Cleaned · THPT Hai Bà Trưng · 4.5 kg · +1 also reported",
                        ),
                    ),
                )
                    .assertIsDisplayed().assertIsSelected()
                // The list has no live map of its own (it would be right above the spots' heading).
                show(w("Các điểm (2)", "Spots (2)")).assertIsDisplayed()
                assertEquals(0, count(w("Bản đồ các điểm", "Map of the spots")))
            }
            // Further down: the tables and the pair.
            screen("campaign-summary-pairs", look, { CampaignContent(state, { _, _ -> }, {}, {}, {}) }) {
                awaitText(headline)
                show(w("Theo phường", "By ward")).assertIsDisplayed()
                showDescribed(
                    w("Phường Thuận Hóa: 8 điểm, đã dọn 6, 22,5 kg", "Thuan Hoa Ward: 8 spots, 6 cleaned, 22.5 kg"),
                ).assertIsDisplayed()
                show(w("Theo đội", "By team")).assertIsDisplayed()
                showDescribed(
                    w("Đoàn phường Phú Xuân: 7 điểm, đã dọn 5, 17,0 kg", "Đoàn phường Phú Xuân: 7 spots, 5 cleaned, 17.0 kg"),
                ).assertIsDisplayed()
                val before = w("Trước khi dọn: Rác thải trên đường phố", "Before cleaning: Litter in the street")
                val after = w("Sau khi dọn: Rác thải trên đường phố", "After cleaning: Litter in the street")
                show(w("Trước và sau khi dọn", "Before and after")).assertIsDisplayed()
                showDescribed(after).assertIsDisplayed()
                onNodeWithContentDescription(before).assertIsDisplayed()
                // Both photos decoded and drawn, not the placeholder.
                assertEquals(0, count(w("Ảnh chưa có trên máy", "Photo not on this phone yet")))
                assertEquals(2, onAllNodes(SemanticsMatcher.expectValue(SemanticsProperties.Role, Role.Image)).fetchSemanticsNodes().size)
            }
        }
    }

    @Test
    fun `joining an upcoming campaign with a new team is remembered after a restart, offline, and sets two reminders naming the team`() = runBlocking {
        val id = City.announceCampaign(Instant.now().plus(3, ChronoUnit.DAYS))
        val team = "Tổ dân phố ${System.nanoTime() % 100_000}"
        val phone = Phone(City.url)
        val joinedCalls = AtomicInteger()
        // Models: closing waits for the view model's work, before the app is closed under it.
        Models().use { m ->
            val model = CampaignViewModel(phone.app, id, m.scope, onJoined = { joinedCalls.incrementAndGet() })
            model.load()
            val loaded = model.awaitState("the campaign is listed") { it.campaign != null }
            assertEquals(CampaignPhase.UPCOMING, loaded.campaign!!.phase)
            assertFalse(loaded.joined)
            assertNull(loaded.summary, "no summary before it has ended")
            model.join(null, team)
            // Read again after the join: joined, with the team; the join waits on the phone until sent.
            val joined = model.awaitState("joined, the app told, the join waiting") {
                it.campaign?.joined == true && joinedCalls.get() == 1 && it.waiting == 1
            }
            assertEquals(team, joined.campaign!!.myTeam)
            assertTrue(joined.joined)
        }
        assertEquals(1, joinedCalls.get(), "onJoined once")

        // The phone restarted without a connection: the campaign as last listed, still joined.
        val app = phone.reopen(NO_SIGNAL)
        Models().use { m ->
            val model = CampaignViewModel(app, id, m.scope)
            model.load()
            val again = model.awaitState("the campaign as last listed") { it.campaign != null }
            assertTrue(again.campaign!!.joined)
            assertEquals(team, again.campaign.myTeam)
            assertTrue(again.joined)
            screen("campaign-joined-offline", Look(AppLanguage.VI), { CampaignScreen(model) {} }) {
                awaitText("Bạn đã tham gia · Đội $team")
                assertEquals(0, count("Tham gia một mình"), "no join card")
            }
        }
        val reminders = app.campaigns().reminders()
        assertEquals(2, reminders.size, reminders.toString())
        assertTrue(
            reminders.all {
                it.campaignId == id && it.body.contains(team) && it.at.isAfter(Instant.now())
            },
            reminders.toString(),
        )
        assertEquals(2, reminders.map { it.key }.toSet().size, "one key each")
        phone.close()
    }

    @Test
    fun `with no signal the quick capture lands on the phone's map at once, waiting`() = runBlocking {
        val app = CivicApp.open(Files.createTempDirectory("civic-campaign").toString(), "http://127.0.0.1:9", "vi", MemoryTokens())
        ModelScope().use { m ->
            val model = CampaignViewModel(app, "c-offline", m.scope)
            model.join(null, "Tổ dân phố 5")
            model.reportSpot("litter", jpeg(51), gps(CITADEL_LAT, CITADEL_LON))
            var state = model.state.value
            repeat(100) {
                if (state.waiting < 2) {
                    Thread.sleep(50)
                    state = model.state.value
                }
            }
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
            val c = CampaignInfo(
                "c9", w("Chủ nhật xanh tháng 12", "Green Sunday, December"), start, start.plus(4, ChronoUnit.HOURS),
                listOf(
                    w("Phường Phú Xuân", "Phu Xuan Ward"),
                ),
                emptyList(), emptyList(), emptyList(), emptyList(), null, CampaignPhase.UPCOMING,
                w(
                    "Sắp diễn ra",
                    "Upcoming",
                ),
                null, 12u,
                listOf(CampaignTeam("t1", "THPT Quốc Học", 12u)), joined = false, myTeam = null,
            )
            val opened = mutableListOf<String>()
            screen("campaigns-list", look, { CampaignsContent(CampaignsState(listOf(c), loaded = true), { opened += it }) }) {
                awaitText(w("Chủ nhật xanh tháng 12", "Green Sunday, December"))
                onNodeWithText(w("12 người tham gia · 1 đội", "12 taking part · 1 teams")).assertIsDisplayed()
                onNodeWithText(w("Chủ nhật xanh tháng 12", "Green Sunday, December")).performClick()
                assertEquals(listOf("c9"), opened)
                assertEquals(0, count(w("Đã tham gia", "Joined")))
            }
            val joined = c.copy(
                id = "c10",
                name = w("Chủ nhật xanh tháng 1", "Green Sunday, January"),
                joined = true,
                myTeam = "THPT Quốc Học",
            )
            screen("campaigns-list-joined", look, { CampaignsContent(CampaignsState(listOf(joined, c), loaded = true), {}) }) {
                awaitText(w("Chủ nhật xanh tháng 1", "Green Sunday, January"))
                onNodeWithText(w("Đã tham gia", "Joined")).assertIsDisplayed()
                assertEquals(1, count(w("Đã tham gia", "Joined")), "only on the joined one")
            }
        }
        screen("campaigns-empty", Look(AppLanguage.VI), { CampaignsContent(CampaignsState(loaded = true), {}) }) {
            awaitText("Chưa có chiến dịch nào gần bạn")
        }
    }
}
