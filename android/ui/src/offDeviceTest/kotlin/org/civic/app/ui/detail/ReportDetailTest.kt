package org.civic.app.ui.detail

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsEnabled
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
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
import org.civic.core.ReportStatus
import org.civic.core.TimelineActor
import org.civic.core.loginOfficial
import org.civic.core.testing.CITADEL_LAT
import org.civic.core.testing.CITADEL_LON
import org.civic.core.testing.City
import org.civic.core.testing.MemoryTokens
import org.civic.core.testing.captureLitter
import org.civic.core.testing.gps
import org.civic.core.testing.jpeg
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.util.UUID

/** A phone of its own: a fresh data directory, talking to [url]. */
private class Phone(
    val url: String,
    language: AppLanguage = AppLanguage.VI,
    val dir: Path = Files.createTempDirectory("civic-detail"),
    val tokens: MemoryTokens = MemoryTokens(),
) : AutoCloseable {
    val app: CivicApp = CivicApp.open(dir.toString(), url, language.code, tokens)
    override fun close() = app.close()
}

/** Nothing listens there: the phone is offline. */
private const val OFFLINE = "http://127.0.0.1:9"

private fun copyDir(from: Path, to: Path) {
    Files.walk(from).use { paths ->
        paths.forEach { p ->
            val target = to.resolve(from.relativize(p).toString())
            if (Files.isDirectory(p)) Files.createDirectories(target) else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING)
        }
    }
}

private suspend fun ReportDetailViewModel.awaitState(what: String, timeoutMillis: Long = 30_000, ok: (ReportDetailState) -> Boolean): ReportDetailState = try {
    withTimeout(timeoutMillis) { state.first(ok) }
} catch (e: Exception) {
    throw AssertionError("$what; state: ${state.value}", e)
}

@OptIn(ExperimentalTestApi::class)
class ReportDetailTest {
    private fun vi(look: Look) = look.language == AppLanguage.VI

    @Test
    fun `a report waiting on the phone shows what was sent and that it is saved, in every look`() {
        for (look in Look.all) {
            Phone(OFFLINE, look.language).use { phone ->
                val id = captureLitter(phone.app, 31)
                ModelScope().use { s ->
                    val model = ReportDetailViewModel(phone.app, id, s.scope)
                    screen("detail-queued", look, { ReportDetailScreen(model) {} }) {
                        val v = vi(look)
                        awaitText(if (v) "Rác thải trên đường phố" else "Litter on the street")
                        assertEquals(2, count(if (v) "Chờ gửi" else "Waiting to send"), "the status chip and the timeline's first step")
                        awaitText(
                            if (v) "Đã lưu trên máy, sẽ gửi khi có mạng" else "Saved on this phone, will be sent when online",
                            substring = true,
                        )
                        onNodeWithText("Rác đổ trên vỉa hè đường Lê Duẩn (31)").assertExists()
                        // The category's question by its prompt, the answer by its label.
                        onNodeWithText(if (v) "Lượng rác khoảng bao nhiêu?" else "How much litter is there?").assertExists()
                        onNodeWithText(if (v) "Khoảng một bao" else "About one bag").assertExists()
                        onNodeWithText(if (v) "Chưa có (chưa gửi)" else "None yet (not sent)").assertExists()
                        assertEquals(1, count(if (v) "Có tên" else "Named", substring = true), "not anonymous")
                        val ward = model.state.value.detail?.report?.ward?.name
                        assertEquals(if (v) "Phường Phú Xuân" else "Phu Xuan Ward", ward)
                        onNodeWithText(ward!!).assertExists()
                        onNodeWithContentDescription(if (v) "Ảnh 1 của báo cáo" else "Photo 1 of the report").assertExists()
                        assertEquals(0, count(if (v) "Đánh giá kết quả xử lý" else "Rate the result"), "no rating before an outcome")
                        assertEquals(0, count(if (v) "Mở lại báo cáo" else "Reopen the report"), "nothing to reopen")
                    }
                }
            }
        }
    }

    @Test
    fun `a report that does not exist says so`() {
        Phone(OFFLINE).use { phone ->
            ModelScope().use { s ->
                val model = ReportDetailViewModel(phone.app, UUID.randomUUID().toString(), s.scope)
                screen("detail-missing", Look(AppLanguage.VI), { ReportDetailScreen(model) {} }) {
                    awaitText("Không mở được báo cáo")
                    assertNotNull(model.state.value.error, "the core's message is shown")
                    onNodeWithText(model.state.value.error!!).assertExists()
                }
            }
        }
    }

    @Test
    fun `the officer's answers reach the screen, then the citizen rates and reopens`() = runBlocking {
        val uniq = UUID.randomUUID().toString().take(8)
        val reply = "Đội sẽ đến trong hôm nay, cảm ơn bạn ($uniq)"
        val resolution = "Đã thu gom rác ($uniq)"
        Phone(City.url).use { phone ->
            val app = phone.app
            val id = captureLitter(app, 41)
            assertEquals(listOf(id), app.syncNow().submitted)
            val official = loginOfficial(City.url, "admin", City.password, "vi")
            ModelScope().use { s ->
                val model = ReportDetailViewModel(app, id, s.scope)
                val submitted = model.awaitState("submitted") { it.detail?.report?.publicNumber != null }
                assertTrue(submitted.status == ReportStatus.SUBMITTED || submitted.status == ReportStatus.RECEIVED, "${submitted.status}")

                // The official moves it on and answers; the phone hears it at its next sync.
                val inProgressNote = "Đã giao đội vệ sinh ($uniq)"
                official.changeStatus(id, ReportStatus.IN_PROGRESS, inProgressNote)
                official.reply(id, reply)
                app.syncNow()
                val working = model.awaitState("in progress with the reply") { st ->
                    st.status == ReportStatus.IN_PROGRESS && st.timeline.any { it.note == reply }
                }
                assertTrue(
                    working.timeline.any {
                        it.status == ReportStatus.IN_PROGRESS && it.note == inProgressNote
                    },
                    "${working.timeline}",
                )
                assertTrue(working.timeline.first { it.note == reply }.actor != TimelineActor.CITIZEN)
                screen("detail-in-progress", Look(AppLanguage.VI), { ReportDetailScreen(model) {} }) {
                    awaitText(reply)
                    onNodeWithText(inProgressNote).assertExists()
                    assertTrue(count("Đang xử lý") >= 2, "the status chip and the timeline step")
                    assertEquals(0, count("Đánh giá kết quả xử lý"), "no rating before it is resolved")
                    assertEquals(0, count("Mở lại báo cáo"))
                }

                // Resolved on site with an after-photo; pull to refresh brings it.
                official.resolve(id, resolution, jpeg(77), gps(CITADEL_LAT + 0.0001, CITADEL_LON))
                model.refresh()
                val resolved = model.awaitState("resolved") { it.status == ReportStatus.RESOLVED && it.after != null }
                assertNotNull(resolved.before?.bytes, "the report's own photo is on the phone")
                assertNotNull(resolved.after?.bytes, "the after-photo was fetched")
                assertTrue(resolved.canRate && resolved.canReopen)
                assertEquals(resolution, resolved.timeline.last().note, "newest last")
            }

            for (look in Look.all) {
                app.setLanguage(look.language.code)
                ModelScope().use { s ->
                    val model = ReportDetailViewModel(app, id, s.scope)
                    screen("detail-resolved", look, { ReportDetailScreen(model) {} }) {
                        val v = vi(look)
                        awaitText(resolution)
                        assertTrue(count(if (v) "Đã xử lý xong" else "Resolved") >= 2, "chip and timeline step")
                        onNodeWithText(if (v) "Đang xử lý" else "In progress").assertExists()
                        onNodeWithText(reply).assertExists()
                        onNodeWithText(if (v) "Trước và sau khi xử lý" else "Before and after").assertExists()
                        onNodeWithContentDescription(if (v) "Ảnh sau khi xử lý" else "Photo after").assertExists()
                        assertEquals(0, count(if (v) "Ảnh chưa có trên máy" else "Photo not on this phone yet"))
                        onNodeWithText(if (v) "Đánh giá kết quả xử lý" else "Rate the result").assertExists()
                        onNodeWithText(if (v) "Gửi đánh giá" else "Send rating").performScrollTo()
                        onNodeWithText(if (v) "Mở lại báo cáo" else "Reopen the report").assertExists()
                    }
                }
            }
            app.setLanguage("vi")

            ModelScope().use { s ->
                val model = ReportDetailViewModel(app, id, s.scope)
                model.awaitState("loaded") { it.loaded }
                // Rated on the screen, as the citizen would.
                screen("detail-rating", Look(AppLanguage.VI), { ReportDetailScreen(model) {} }) {
                    onNodeWithContentDescription("4 sao").performScrollTo().performClick()
                    onNodeWithText("Nhận xét (không bắt buộc)").performTextInput("Sạch rồi ($uniq)")
                    onNodeWithText("Gửi đánh giá").performScrollTo().assertIsEnabled().performClick()
                    awaitText("Bạn đã đánh giá", timeoutMillis = 30_000)
                    onNodeWithContentDescription("4 trên 5 sao").assertExists()
                    assertEquals(0, count("Gửi đánh giá"), "rated once per outcome")
                }
                val rated = model.awaitState("rating in the timeline") { st ->
                    st.timeline.any {
                        it.note?.contains("Sạch rồi ($uniq)") ==
                            true
                    }
                }
                assertEquals(4, rated.ratedStars, "the rating the server recorded")
                assertEquals(4.toUByte(), app.reports().report(id).rating, "read back from the phone's store")
                assertEquals(false, app.reports().report(id).canRate, "rated once per outcome")

                // Not happy after all: reopened with why.
                val why = "Rác lại bị đổ ở góc đường ($uniq)"
                model.setReopenReason(why)
                model.reopen()
                // Kept and shown at once, then sent by the sync the screen starts.
                val reopened = model.awaitState("reopened and sent") {
                    it.status == ReportStatus.REOPENED && it.reopen.done && it.detail?.feedbackWaiting == false
                }
                assertTrue(reopened.timeline.any { it.status == ReportStatus.REOPENED && it.note == why }, "${reopened.timeline}")
                assertEquals(ReportStatus.REOPENED, official.report(id).status)
                screen("detail-reopened", Look(AppLanguage.VI), { ReportDetailScreen(model) {} }) {
                    awaitText(why)
                    assertTrue(count("Đã mở lại") >= 2, "chip and timeline step")
                    assertEquals(0, count("Đánh giá kết quả xử lý"), "nothing to rate while reopened")
                    assertEquals(0, count("Mở lại báo cáo"), "already reopened")
                }
            }
        }
    }

    @Test
    fun `a rating without a connection is kept and shown, and reaches the city once back online`() = runBlocking {
        val dir = Files.createTempDirectory("civic-detail")
        val tokens = MemoryTokens()
        val id: String
        Phone(City.url, dir = dir, tokens = tokens).use { phone ->
            id = captureLitter(phone.app, 51)
            phone.app.syncNow()
            loginOfficial(City.url, "admin", City.password, "vi")
                .resolve(id, "Đã dọn", jpeg(52), gps(CITADEL_LAT, CITADEL_LON))
            phone.app.syncNow()
            assertEquals(ReportStatus.RESOLVED, phone.app.reports().report(id).report.status)
        }
        // The same phone, now without a connection.
        Phone(OFFLINE, dir = dir, tokens = tokens).use { phone ->
            phone.app.setLanguage("vi")
            ModelScope().use { s ->
                val model = ReportDetailViewModel(phone.app, id, s.scope)
                model.awaitState("loaded") { it.loaded }
                screen("detail-rate-offline", Look(AppLanguage.VI), { ReportDetailScreen(model) {} }) {
                    onNodeWithText("Không cần có mạng: đánh giá được lưu trên máy và tự gửi khi có mạng.").performScrollTo()
                    onNodeWithContentDescription("5 sao").performScrollTo().performClick()
                    onNodeWithText("Nhận xét (không bắt buộc)").performTextInput("Tốt lắm")
                    onNodeWithText("Gửi đánh giá").performScrollTo().performClick()
                    awaitText("Bạn đã đánh giá", timeoutMillis = 30_000)
                    onNodeWithContentDescription("5 trên 5 sao").assertExists()
                }
                val st = model.awaitState("kept, waiting") { it.rating.done && it.detail?.feedbackWaiting == true }
                assertNull(st.rating.error)
                assertEquals(5, st.ratedStars)
            }
            for (look in Look.all) {
                phone.app.setLanguage(look.language.code)
                ModelScope().use { s ->
                    val model = ReportDetailViewModel(phone.app, id, s.scope)
                    model.awaitState("loaded") { it.loaded }
                    val v = vi(look)
                    screen("detail-rating-waiting", look, { ReportDetailScreen(model) {} }) {
                        awaitText(if (v) "Đã lưu trên máy, sẽ gửi khi có mạng." else "Saved on this phone; it will be sent when online.")
                        awaitText(if (v) "Bạn đã đánh giá" else "You rated the result")
                        assertEquals(0, count(if (v) "Gửi đánh giá" else "Send rating"), "rated once per outcome")
                    }
                }
            }
            // The after-photo not on the phone (not fetched yet): a placeholder that says so.
            phone.app.setLanguage("vi")
            ModelScope().use { s ->
                val model = ReportDetailViewModel(phone.app, id, s.scope)
                val loaded = model.awaitState("loaded") { it.after != null }
                val missing = loaded.copy(after = PhotoBytes(loaded.after!!.hash, null))
                screen("detail-after-photo-missing", Look(AppLanguage.VI), { ReportDetailContent(missing, ReportDetailActions()) }) {
                    onNodeWithText("Ảnh chưa có trên máy").assertExists()
                    onNodeWithContentDescription("Ảnh sau khi xử lý").assertExists()
                    onNodeWithContentDescription("Ảnh trước khi xử lý").assertExists()
                }
            }
        }
        // Back online: the rating kept reaches the city, once.
        Phone(City.url, dir = dir, tokens = tokens).use { phone ->
            assertEquals(1u, phone.app.syncNow().feedbackSent)
            assertEquals(0u, phone.app.syncNow().feedbackSent, "sent once")
            assertEquals(false, phone.app.reports().report(id).feedbackWaiting)
            val official = loginOfficial(City.url, "admin", City.password, "vi")
            assertEquals(5.toUByte(), official.report(id).rating)
        }
    }

    @Test
    fun `a report the city refused says why, in every look`() = runBlocking {
        // Captured offline, then the phone's data copied to a second phone: the first to send
        // it owns its id, and the city refuses the copy for good.
        val first = Files.createTempDirectory("civic-detail")
        val id = Phone(OFFLINE, dir = first).use { captureLitter(it.app, 61) }
        val second = Files.createTempDirectory("civic-detail")
        copyDir(first, second)
        Phone(City.url, dir = first).use { assertEquals(listOf(id), it.app.syncNow().submitted) }
        Phone(City.url, dir = second).use { phone ->
            assertEquals(listOf(id), phone.app.syncNow().refused)
            val reason = phone.app.reports().report(id).refusal
            assertNotNull(reason)
            for (look in Look.all) {
                phone.app.setLanguage(look.language.code)
                ModelScope().use { s ->
                    val model = ReportDetailViewModel(phone.app, id, s.scope)
                    screen("detail-refused", look, { ReportDetailScreen(model) {} }) {
                        val v = vi(look)
                        awaitText(if (v) "Thành phố không nhận báo cáo này" else "The city did not accept this report")
                        onNodeWithText((if (v) "Lý do: " else "Reason: ") + reason).assertExists()
                        onNodeWithText(if (v) "Rác thải trên đường phố" else "Litter on the street").assertExists()
                        assertEquals(0, count(if (v) "Đánh giá kết quả xử lý" else "Rate the result"))
                        assertEquals(
                            0,
                            count(if (v) "sẽ gửi khi có mạng" else "will be sent when online", substring = true),
                            "a refused report is not promised to be sent",
                        )
                    }
                    // My reports does not call it waiting either.
                    val list = org.civic.app.ui.reports.MyReportsViewModel(phone.app, s.scope)
                    screen("my-reports-refused", look, { org.civic.app.ui.reports.MyReportsScreen(list, phone.app.reports()::photo, {}, {}) }) {
                        val v = vi(look)
                        awaitText(if (v) "Không gửi được" else "Not accepted")
                        awaitText(
                            if (v) "Thành phố không nhận báo cáo này: mở để xem lý do" else "The city did not accept this report: open it to see why",
                        )
                        assertEquals(0, count(if (v) "Chờ gửi" else "Waiting to send"))
                        assertEquals(0, count(if (v) "đang chờ gửi" else "waiting to be sent", substring = true), "no waiting banner")
                    }
                    assertTrue(list.state.value.reports.single().refused)
                }
            }
        }
    }
}
