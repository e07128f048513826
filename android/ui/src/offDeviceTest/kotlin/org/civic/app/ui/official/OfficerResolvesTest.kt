package org.civic.app.ui.official

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasScrollToKeyAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performScrollToKey
import androidx.compose.ui.test.performTextInput
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
import org.civic.core.OfficialApp
import org.civic.core.ReportStatus
import org.civic.core.TimelineActor
import org.civic.core.WorkItem
import org.civic.core.testing.CITADEL_LAT
import org.civic.core.testing.CITADEL_LON
import org.civic.core.testing.City
import org.civic.core.testing.captureLitter
import org.civic.core.testing.gps
import org.civic.core.testing.jpeg
import org.civic.core.testing.openApp
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.time.Duration

/** Pages through the inbox until the report [id] is in it. */
suspend fun OfficialInboxViewModel.find(id: String): WorkItem = withTimeout(60_000) {
    while (true) {
        val st = state.first { it.loaded && !it.refreshing }
        st.items.firstOrNull { it.id == id }?.let { return@withTimeout it }
        val next = st.next ?: error("report $id is not in the inbox (${st.items.size} items, error ${st.error})")
        loadMore()
        state.first { it.next != next || it.error != null }
    }
    @Suppress("UNREACHABLE_CODE")
    error("unreachable")
}

/** Signs in as the admin through the sign-in view model, as the app does: on [phone]'s server. */
suspend fun signInAdmin(phone: CivicApp): OfficialApp = ModelScope().use { s ->
    val login = OfficialLoginViewModel(City.url, AppLanguage.VI, s.scope, phone)
    login.setUsername("admin")
    login.setPassword(City.password)
    login.login()
    withTimeout(20_000) { login.state.first { it.official != null || it.error != null } }.official
        ?: error("admin could not sign in: ${login.state.value.error}")
}

@OptIn(ExperimentalTestApi::class)
class OfficerResolvesTest {
    @Test
    fun `an officer resolving a report`() = runBlocking {
        val seed = (System.nanoTime() % 100_000).toInt()
        // A citizen's phone reports litter and sends it.
        val citizen = openApp(City.url, "vi")
        val id = captureLitter(citizen, seed)
        citizen.syncNow()
        val number = citizen.reports().report(id).report.publicNumber ?: error("not submitted")
        val litter = litterName(citizen)
        val categories = citizen.categories()

        // The admin (an operator too) may act on every unit's reports.
        val officialPhone = openApp(City.url, "vi")
        val official = signInAdmin(officialPhone)
        assertTrue(official.units().isEmpty(), "the admin has no unit of its own: ${official.units()}")
        // The same admin on an English phone: the core's labels and names come in English there.
        val phoneEn = openApp(City.url, "en")
        val officialEn = phoneEn.official().login("admin", City.password)
        val categoriesEn = phoneEn.categories()

        ModelScope().use { s ->
            val inbox = OfficialInboxViewModel(official, categories, s.scope)
            val item = inbox.find(id)
            assertEquals(ReportStatus.RECEIVED, item.status)
            assertEquals(litter, inbox.state.value.categoryName(item.category))

            // Now: the report is due later.
            screen("official-inbox", Look(AppLanguage.VI), { OfficialInboxScreen(inbox, {}, {}) }) {
                awaitText("Việc cần xử lý")
                onNode(hasScrollToKeyAction()).performScrollToKey(id)
                onNode(hasText(number, substring = true) and hasText(litter)).assertIsDisplayed()
                onNode(hasText(number, substring = true) and hasText("Còn ", substring = true)).assertIsDisplayed()
                onNode(hasText(number, substring = true) and hasText("Đã tiếp nhận")).assertIsDisplayed()
                onNodeWithText("Tất cả").assertIsDisplayed()
            }
        }

        // Three hours past its due time: overdue, in red, in every look.
        ModelScope().use { s ->
            val clockAt = java.util.concurrent.atomic.AtomicReference(java.time.Instant.now())
            val lateVi = OfficialInboxViewModel(official, categories, s.scope, clock = { clockAt.get() })
            val lateEn = OfficialInboxViewModel(officialEn, categoriesEn, s.scope, clock = { clockAt.get() })
            val item = lateVi.find(id)
            clockAt.set(item.dueAt + Duration.ofHours(3).plusMinutes(5))
            for (late in listOf(lateVi, lateEn)) {
                late.refresh()
                late.find(id)
            }
            for (look in Look.all) {
                val vi = look.language == AppLanguage.VI
                val late = if (vi) lateVi else lateEn
                screen("official-inbox-overdue", look, { OfficialInboxScreen(late, {}, {}) }) {
                    awaitText(if (vi) "Việc cần xử lý" else "Work to do")
                    onNode(hasScrollToKeyAction()).performScrollToKey(id)
                    onNode(hasText(number, substring = true) and hasText(if (vi) "Quá hạn 3 giờ" else "Overdue by 3 h")).assertIsDisplayed()
                    onNode(hasText(number, substring = true) and hasText(if (vi) litter else litterName(phoneEn))).assertIsDisplayed()
                    onNode(hasText(number, substring = true) and hasText(if (vi) "Đã tiếp nhận" else "Received")).assertIsDisplayed()
                    assertTrue(count(if (vi) "Quá hạn" else "Overdue by", substring = true) >= 1)
                }
            }
        }

        var replied: String? = null
        ModelScope().use { s ->
            val report = OfficialReportViewModel(official, id, categories, s.scope)
            val loaded =
                withTimeout(20_000) { report.state.first { it.item != null && it.photos.isNotEmpty() && it.templates.isNotEmpty() } }
            assertEquals(listOf(ReportStatus.ASSIGNED, ReportStatus.IN_PROGRESS), loaded.moves)
            assertTrue(loaded.canReject && loaded.canResolve)
            val templates = loaded.templates
            val reportEn = OfficialReportViewModel(officialEn, id, categoriesEn, s.scope)
            withTimeout(20_000) { reportEn.state.first { it.item != null && it.photos.isNotEmpty() && it.templates.isNotEmpty() } }
            val description = "Rác đổ trên vỉa hè đường Lê Duẩn ($seed)"

            for (look in Look.all) {
                val vi = look.language == AppLanguage.VI
                val model = if (vi) report else reportEn
                screen("official-report-detail", look, {
                    OfficialReportScreen(model, {}, { null }, { null })
                }) {
                    awaitText(number)
                    awaitText(if (vi) litter else litterName(phoneEn))
                    assertTrue(count(if (vi) "Đã tiếp nhận" else "Received") >= 2, "the status chip and the timeline's first step")
                    onNodeWithText(if (vi) "Còn 23 giờ" else "Due in 23 h", substring = true).assertExists()
                    onNodeWithText(description).assertExists()
                    onNodeWithContentDescription(if (vi) "Ảnh của người dân 1" else "Citizen's photo 1").assertExists()
                    onNodeWithText(if (vi) "→ Đang xử lý" else "→ In progress").assertExists()
                    onNodeWithText(if (vi) "Báo đã xử lý xong…" else "Report it resolved…").assertExists()
                    onNodeWithText(if (vi) "Từ chối phản ánh" else "Reject the report").assertExists()
                    onNode(hasText(model.state.value.templates.first().title) and hasClickAction()).assertExists()
                    assertEquals(0, count(if (vi) "Chờ gửi khi có mạng" else "Waiting for the network"))
                }
            }

            // The officer works it through on the screen.
            val note = "Đã thu gom 2 bao rác, vệ sinh vỉa hè ($seed)"
            val afterPhoto = jpeg(seed + 1)
            screen("official-report-working", Look(AppLanguage.VI), {
                OfficialReportScreen(report, {}, { afterPhoto }, { gps(CITADEL_LAT + 0.0001, CITADEL_LON) })
            }) {
                awaitText(number)
                // Reject needs a reason: nothing is sent without one.
                onNodeWithText("Từ chối phản ánh").performScrollTo().performClick()
                awaitText("Cần ghi lý do từ chối.")
                assertEquals(ReportStatus.RECEIVED, report.state.value.item?.status)

                onNodeWithText("→ Đang xử lý").performScrollTo().performClick()
                awaitText("Đã cập nhật trạng thái.")
                assertEquals(ReportStatus.IN_PROGRESS, report.state.value.item?.status)
                onNodeWithText("→ Đã chuyển đơn vị xử lý").assertExists()

                // A template fills the reply, which stays editable.
                val template = templates.last()
                replied = template.text
                onNode(hasText(template.title) and hasClickAction()).performScrollTo().performClick()
                awaitText(template.text)
                assertEquals(template.text, report.state.value.reply)
                onNodeWithText(template.text).performTextInput(" ")
                onNodeWithText("Gửi trả lời").performScrollTo().performClick()
                awaitText("Đã gửi trả lời cho người dân.")
                assertEquals("", report.state.value.reply)

                onNodeWithText("Báo đã xử lý xong…").performScrollTo().performClick()
                awaitText("Gửi: đã xử lý xong")
                onNodeWithText("Gửi: đã xử lý xong").performScrollTo().performClick()
                awaitText("Cần ghi việc đã làm.")
                onNodeWithText("Đã làm gì (bắt buộc)").performTextInput(note)
                onNodeWithText("Chụp ảnh sau xử lý").performScrollTo().performClick()
                awaitText("Chụp lại")
            }
            assertNotNull(report.state.value.afterPhoto)
            assertEquals(note, report.state.value.resolveNote)

            reportEn.load()
            withTimeout(20_000) { reportEn.state.first { it.item?.status == ReportStatus.IN_PROGRESS } }
            reportEn.openResolveForm()
            reportEn.setResolveNote(note)
            reportEn.setAfterPhoto(afterPhoto)
            for (look in Look.all) {
                val vi = look.language == AppLanguage.VI
                val model = if (vi) report else reportEn
                screen("official-report-resolve-form", look, {
                    OfficialReportScreen(model, {}, { afterPhoto }, { gps(CITADEL_LAT + 0.0001, CITADEL_LON) })
                }) {
                    awaitText(if (vi) "Báo đã xử lý xong" else "Report it resolved")
                    onNodeWithText(note).assertIsDisplayed()
                    onNodeWithContentDescription(if (vi) "Ảnh sau xử lý" else "After-photo").assertIsDisplayed()
                    onNodeWithText(if (vi) "Chụp lại" else "Take it again").assertExists()
                    onNodeWithText(if (vi) "Gửi: đã xử lý xong" else "Send: resolved").assertExists()
                }
            }

            screen("official-report-resolved", Look(AppLanguage.VI), {
                OfficialReportScreen(report, {}, { afterPhoto }, { gps(CITADEL_LAT + 0.0001, CITADEL_LON) })
            }) {
                onNodeWithText("Gửi: đã xử lý xong").performScrollTo().performClick()
                awaitText("Đã báo xử lý xong. Người dân sẽ được thông báo.", timeoutMillis = 30_000)
                onNodeWithText(note).assertExists()
                assertEquals(0, count("→ Đang xử lý"), "a resolved report has no moves left")
            }
            val done = report.state.value
            assertEquals(ReportStatus.RESOLVED, done.item?.status)
            assertTrue(done.pending.isEmpty())
            assertTrue(done.item?.timeline.orEmpty().any { it.status == ReportStatus.RESOLVED && it.photo != null })
        }

        // The citizen's phone hears of it.
        citizen.syncNow()
        val seen = citizen.reports().report(id)
        assertEquals(ReportStatus.RESOLVED, seen.report.status)
        val notes = seen.timeline.mapNotNull { it.note }
        assertTrue(notes.any { it.startsWith("Đã thu gom 2 bao rác") }, "the officer's note in the timeline: $notes")
        assertTrue(
            seen.timeline.any {
                it.actor != TimelineActor.CITIZEN && it.note == replied
            },
            "the template's reply in the timeline: $notes",
        )
        official.close()
        officialEn.close()
        phoneEn.close()
        citizen.close()
    }
}
