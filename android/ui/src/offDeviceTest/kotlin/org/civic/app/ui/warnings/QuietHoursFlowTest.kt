package org.civic.app.ui.warnings

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.hasScrollToNodeAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.onAllNodesWithContentDescription
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performScrollToNode
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.testing.Look
import org.civic.app.ui.testing.ModelScope
import org.civic.app.ui.testing.awaitText
import org.civic.app.ui.testing.screen
import org.civic.core.AlertState
import org.civic.core.Severity
import org.civic.core.testing.City
import org.civic.core.testing.openApp
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

@OptIn(ExperimentalTestApi::class)
class QuietHoursFlowTest {
    @Test
    fun `a warning arriving during quiet hours - only the Extreme one rings, both wait unread in the inbox`() = runBlocking {
        val app = openApp(City.url, "vi")
        ModelScope().use { s ->
            // The resident follows home at the citadel and sleeps now (quiet hours around this minute, Huế time).
            val subs = SubscriptionsViewModel(app, s.scope)
            withTimeout(10_000) { subs.state.first { it.loaded } }
            subs.startAddPlace()
            subs.setPlaceName("Nhà")
            subs.setRadius(500.0)
            subs.savePlace()
            withTimeout(10_000) { subs.state.first { it.subscription?.places?.size == 1 && it.adding == null } }
            val now = hueMinuteNow()
            subs.setQuietStart(hhmm((now + 1440 - 60) % 1440))
            subs.setQuietEnd(hhmm((now + 60) % 1440))
            subs.setQuietHours(true)
            withTimeout(10_000) { subs.state.first { it.quietOn } }
            assertEquals(((now + 1440 - 60) % 1440).toUShort(), app.warnings().subscription().quietStartMinute)

            // The phone's first sync brings what the shared server already had; forget its notifications.
            val inbox = WarningsViewModel(app, s.scope)
            withTimeout(10_000) { inbox.state.first { it.loaded } }
            inbox.refresh()
            withTimeout(30_000) { inbox.state.first { !it.refreshing } }
            app.warnings().takeAlertNotifications()

            // The operations centre warns Phú Xuân ward of an extreme flood and a minor power cut.
            val tag = uniqueTag()
            val floodVi = "Lũ khẩn cấp trên sông Hương $tag"
            val outageVi = "Cắt điện sửa chữa lưới $tag"
            val admin = City.login()
            val published = mutableListOf<String>()
            try {
                val floodId = publish(
                    admin,
                    "flood",
                    "Extreme",
                    floodVi,
                    "Flash flood $tag",
                    instructionVi = "Di chuyển lên chỗ cao ngay.",
                    instructionEn = "Move to high ground now.",
                )
                val outageId = publish(admin, "outage", "Minor", outageVi, "Power cut $tag")
                published += listOf(floodId, outageId)

                // Pull to refresh: the phone syncs and the inbox shows both.
                inbox.refresh()
                val st = withTimeout(30_000) {
                    inbox.state.first { st -> !st.refreshing && st.warning(floodId) != null && st.warning(outageId) != null }
                }

                // Only the Extreme one rings in quiet hours; the Minor one arrives without a sound.
                val rang = app.warnings().takeAlertNotifications().filter { it.id == floodId || it.id == outageId }.associateBy { it.id }
                assertEquals(setOf(floodId, outageId), rang.keys, "both are handed out, once")
                assertTrue(rang.getValue(floodId).loud, "the Extreme flood rings even in quiet hours")
                assertEquals(Severity.EXTREME, rang.getValue(floodId).severity)
                assertEquals(floodVi, rang.getValue(floodId).headline)
                assertFalse(rang.getValue(outageId).loud, "the Minor outage waits silently")
                assertTrue(app.warnings().takeAlertNotifications().none { it.id == floodId || it.id == outageId }, "never twice")

                // The inbox: the Extreme one first, both unread.
                val ids = st.warnings.map { it.id }
                assertTrue(ids.indexOf(floodId) < ids.indexOf(outageId), "Extreme before Minor: $ids")
                assertFalse(st.warning(floodId)!!.read)
                assertFalse(st.warning(outageId)!!.read)
                assertEquals("Di chuyển lên chỗ cao ngay.", st.warning(floodId)!!.instruction)
                val unreadBefore = st.unread
                assertTrue(unreadBefore >= 2, "unread: $unreadBefore")
                assertEquals(app.warnings().unreadAlerts().toInt(), unreadBefore)

                screen("warnings-inbox-quiet-hours", Look(AppLanguage.VI), { WarningsInboxScreen(inbox, {}, {}) }) {
                    awaitText(floodVi, substring = true)
                    awaitText("$unreadBefore mới")
                    onNodeWithContentDescription("$unreadBefore cảnh báo chưa đọc").assertIsDisplayed()
                    // The newest Extreme warning in force is the first card; the Minor one further down.
                    onNodeWithText(floodVi, substring = true).assertIsDisplayed()
                    onNode(hasScrollToNodeAction()).performScrollToNode(hasText(outageVi, substring = true))
                    onNodeWithText(outageVi, substring = true).assertIsDisplayed()
                }

                // Opening the flood marks it read: the count drops by one.
                screen("warnings-detail-quiet-hours", Look(AppLanguage.VI), { WarningDetailScreen(inbox, floodId) {} }) {
                    awaitText(floodVi)
                    awaitText("Di chuyển lên chỗ cao ngay.")
                    waitUntil(timeoutMillis = 10_000) { inbox.state.value.unread == unreadBefore - 1 }
                    // The ward's boundary, from the CAP message's polygons, drawn on the map.
                    waitUntil(timeoutMillis = 10_000) { inbox.state.value.shapes[floodId]?.isNotEmpty() == true }
                    waitUntil(timeoutMillis = 10_000) {
                        onAllNodesWithContentDescription("Bản đồ vùng cảnh báo").fetchSemanticsNodes().isNotEmpty()
                    }
                    onNodeWithText("Khu vực").assertExists()
                }
                val after = inbox.state.value
                assertTrue(after.warning(floodId)!!.read)
                assertFalse(after.warning(outageId)!!.read)
                assertEquals(unreadBefore - 1, app.warnings().unreadAlerts().toInt())

                // The centre withdraws the flood: after a sync it is listed among the ended ones, cancelled.
                val (code, answer) = City.call("POST", "/api/v1/alerts/$floodId/cancel", admin, "{}")
                assertEquals(200, code, answer)
                published -= floodId
                inbox.refresh()
                val withdrawn = withTimeout(30_000) {
                    inbox.state.first { st -> !st.refreshing && st.warning(floodId)?.state == AlertState.CANCELLED }
                }
                val order = withdrawn.warnings.map { it.id }
                assertTrue(order.indexOf(outageId) < order.indexOf(floodId), "the Minor one in force before the cancelled Extreme one")
                assertEquals(unreadBefore - 1, withdrawn.unread, "a cancelled warning is not counted")
            } finally {
                inbox.close()
                // Withdraw them, so the shared server's other tests are not warned of this run's flood.
                for (id in published) {
                    val (code, body) = City.call("POST", "/api/v1/alerts/$id/cancel", admin, "{}")
                    assertEquals(200, code, body)
                }
            }
        }
        app.close()
    }
}
