package org.civic.app.ui.warnings

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.hasScrollToNodeAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.onAllNodesWithContentDescription
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollToNode
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.testing.Look
import org.civic.app.ui.testing.ModelScope
import org.civic.app.ui.testing.awaitText
import org.civic.app.ui.testing.count
import org.civic.app.ui.testing.screen
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

@OptIn(ExperimentalTestApi::class)
class WarningsInboxTest {
    @Test
    fun `the inbox shows the core's order and labels unread, drills and ended ones in the core's words`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            fun w(vi_: String, en: String) = if (vi) vi_ else en
            val state = WarningsState(warnings = sampleInbox(look.language), unread = 2, loaded = true)
            var opened: String? = null
            screen("warnings-inbox-mixed", look, { WarningsInboxContent(state, {}, { opened = it }, {}) }) {
                awaitText(w("Cảnh báo", "Warnings"))
                onNodeWithText(w("2 mới", "2 new")).assertIsDisplayed()
                onNodeWithContentDescription(w("2 cảnh báo chưa đọc", "2 unread warnings")).assertIsDisplayed()
                val flood = w("Lũ khẩn cấp trên sông Hương", "Flash flood on the Perfume River")
                val drill = w("Diễn tập sơ tán phường Thuận Hóa", "Evacuation drill in Thuan Hoa ward")
                val outage = w("Cắt điện khu Kim Long", "Power cut in Kim Long")
                val cancelled = w("Nguy cơ sạt lở đường Lê Duẩn", "Landslide risk on Le Duan street")
                val expired = w("Bão số 5 đã đi qua", "Typhoon No. 5 has passed")
                // The Extreme one in force is on top, then the drill (Moderate), then the Minor one.
                assertTrue(boundsOf(flood, substring = true).top < boundsOf(drill, substring = true).top, "Extreme above Moderate")
                onNodeWithText(w("Đặc biệt nguy hiểm", "Extreme"), substring = true).assertIsDisplayed()
                assertEquals(1, count(w("Diễn tập", "Exercise")), "the drill is labelled as one")
                // Each unread warning in force says so to TalkBack.
                assertEquals(2, onAllNodesWithContentDescription(w("Chưa đọc", "Unread")).fetchSemanticsNodes().size)
                val list = onNode(hasScrollToNodeAction())
                for (text in listOf(outage, w("Đã kết thúc", "Ended"), cancelled, expired)) {
                    list.performScrollToNode(hasText(text, substring = true))
                    onNodeWithText(text, substring = true).assertIsDisplayed()
                }
                assertEquals(1, count(w("Đã huỷ", "Cancelled"), substring = false))
                assertEquals(1, count(w("Đã hết hạn", "Expired"), substring = false))
                if (look.fontScale == 1f) {
                    // The whole order, when everything fits on the screen.
                    val tops = listOf(flood, drill, outage, w("Đã kết thúc", "Ended"), cancelled, expired)
                        .map { boundsOf(it, substring = true).top }
                    assertEquals(tops.sorted(), tops, "in force by severity, then ended, newest first")
                }
                onNodeWithText(expired, substring = true).performClick()
                assertEquals("expired", opened)
            }
        }
    }

    @Test
    fun `a phone with no warnings says what will show here and where to choose places`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            val app = phone(OFFLINE, look.language)
            var follow = 0
            ModelScope().use { s ->
                val model = WarningsViewModel(app, s.scope)
                screen("warnings-inbox-empty", look, { WarningsInboxScreen(model, {}, { follow++ }) }) {
                    awaitText(if (vi) "Không có cảnh báo nào" else "No warnings")
                    assertEquals(
                        0,
                        onAllNodesWithContentDescription(if (vi) "chưa đọc" else "unread", substring = true).fetchSemanticsNodes().size,
                        "no unread count when there is none",
                    )
                    onNodeWithText(if (vi) "Chọn nơi theo dõi" else "Choose places to follow").performClick()
                    assertEquals(1, follow)
                }
                model.close()
            }
            app.close()
        }
    }
}
