package org.civic.app.ui.official

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.onNodeWithText
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.testing.Look
import org.civic.app.ui.testing.ModelScope
import org.civic.app.ui.testing.awaitText
import org.civic.app.ui.testing.count
import org.civic.app.ui.testing.screen
import org.civic.core.ReportStatus
import org.civic.core.testing.CITADEL_LAT
import org.civic.core.testing.CITADEL_LON
import org.civic.core.testing.City
import org.civic.core.testing.captureLitter
import org.civic.core.testing.gps
import org.civic.core.testing.jpeg
import org.civic.core.testing.openApp
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The network drops between signing in and acting: the same `OfficialApp` (signed in through a
 * relay to the real server) then fails with `Offline`, and the core keeps the actions in the
 * phone's store. The app is closed; signed in again once the network is back, what waited goes.
 * The relay is a real TCP hop switched off and on, not a fake core.
 */
@OptIn(ExperimentalTestApi::class)
class OfficialPendingTest {
    @Test
    fun `actions made offline wait on the phone, survive closing the app, and go out when the network is back`() = runBlocking {
        val seed = (System.nanoTime() % 100_000).toInt()
        val citizen = openApp(City.url, "vi")
        val id = captureLitter(citizen, seed)
        citizen.syncNow()
        val categories = citizen.categories()

        Relay().use { relay ->
            relay.start()
            // The official's phone talks to the city through the relay: signing in on it does too.
            val phone = openApp(relay.url, "vi")
            val official = signInAdmin(phone)
            ModelScope().use { s ->
                val model = OfficialReportViewModel(official, id, categories, s.scope)
                withTimeout(20_000) { model.state.first { it.item != null } }

                relay.stop()
                model.move(ReportStatus.IN_PROGRESS)
                withTimeout(40_000) { model.state.first { st -> st.pending.size == 1 && st.offline && !st.sending } }
                assertTrue(model.state.value.offline)

                val note = "Đã dọn sạch, chờ mạng ($seed)"
                val photo = jpeg(seed + 3)
                model.openResolveForm()
                model.setResolveNote(note)
                model.setAfterPhoto(photo)
                model.resolve(gps(CITADEL_LAT, CITADEL_LON + 0.0001))
                // The resolution queues behind the status change; both wait.
                val waiting = withTimeout(40_000) { model.state.first { st -> st.pending.size == 2 && st.offline && !st.sending } }
                assertEquals(ReportStatus.RECEIVED, waiting.item?.status)
                assertEquals(note, waiting.resolveNote, "the typed note is kept")
                assertArrayEquals(photo, waiting.afterPhoto, "the after-photo is kept")
                assertEquals(2, official.pending().size, "both kept in the phone's store")
                assertTrue(official.pending()[1].hasPhoto, "the after-photo with the resolution")

                // Retrying while still offline changes nothing.
                model.retryPending()
                kotlinx.coroutines.delay(1_000)
                withTimeout(40_000) { model.state.first { !it.sending } }
                assertEquals(2, model.state.value.pending.size)

                for (look in Look.all) {
                    val vi = look.language == AppLanguage.VI
                    screen("official-report-pending", look, { OfficialReportScreen(model, {}, { null }, { null }) }) {
                        awaitText(if (vi) "Việc chưa gửi" else "Not sent yet")
                        assertEquals(2, count(if (vi) "Chờ gửi khi có mạng" else "Waiting for the network"))
                        onNodeWithText(note).assertExists()
                        onNodeWithText(if (vi) "Chuyển sang “Đang xử lý”" else "Move to “In progress”").assertExists()
                        onNodeWithText(if (vi) "Gửi lại ngay" else "Send now").assertExists()
                        awaitText(if (vi) "Không có mạng." else "No connection.", substring = true)
                        awaitText(if (vi) "kể cả khi đóng ứng dụng" else "even if the app is closed", substring = true)
                    }
                }
            }
            // The app is closed with both still waiting.
            official.close()

            // The network is back; the official opens the app and signs in again: what waited
            // on the phone goes out, in order, by itself.
            relay.start()
            val again = signInAdmin(phone)
            assertEquals(2, again.pending().size, "nothing lost by closing the app")
            ModelScope().use { s ->
                val model = OfficialReportViewModel(again, id, categories, s.scope)

                val done = withTimeout(60_000) {
                    model.state.first {
                        it.pending.isEmpty() && !it.sending &&
                            it.item?.status == ReportStatus.RESOLVED
                    }
                }
                assertEquals(null, done.error)
                assertEquals(ReportStatus.RESOLVED, done.item?.status)
                val statuses = done.item?.timeline.orEmpty().mapNotNull { it.status }
                assertEquals(listOf(ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED), statuses.takeLast(2))
                assertEquals("", done.resolveNote)
                assertEquals(null, done.afterPhoto)
                assertEquals(false, done.offline)
            }
            assertTrue(again.pending().isEmpty())
            again.close()
            phone.close()
        }
        citizen.syncNow()
        val seen = citizen.reports().report(id)
        assertEquals(ReportStatus.RESOLVED, seen.report.status)
        assertTrue(seen.timeline.any { it.note?.startsWith("Đã dọn sạch, chờ mạng") == true })
        citizen.close()
    }
}
