package org.civic.app.ui.capture

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.reports.MyReportsViewModel
import org.civic.app.ui.testing.Look
import org.civic.app.ui.testing.awaitText
import org.civic.app.ui.testing.count
import org.civic.app.ui.testing.screen
import org.civic.core.Answer
import org.civic.core.CivicException
import org.civic.core.FixSource
import org.civic.core.ReportStatus
import org.civic.core.testing.CITADEL_LAT
import org.civic.core.testing.CITADEL_LON
import org.civic.core.testing.City
import org.civic.core.testing.gps
import org.civic.core.testing.jpeg
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.UUID
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.math.abs
import kotlin.random.Random

/** The "new report" flow against the real core, offline and with the real server. */
@OptIn(ExperimentalTestApi::class)
class CaptureFlowTest {
    @Test
    fun `a report captured offline is saved on the phone, and the reopened phone delivers it`() {
        val phone = Phone(OFFLINE)
        val queued = CopyOnWriteArrayList<String>()
        val description = "Rác trước cổng Ngọ Môn ${UUID.randomUUID()}"
        val reportId: String
        Models().use { s ->
            val model = CaptureViewModel(phone.app, s.scope, onQueued = { queued.add(it) }, typingDelayMs = 50)
            var st = model.await { !it.loading }
            assertNotNull(st.draftId)
            assertFalse(st.resumed, "a first report starts empty")
            assertEquals(listOf("photo", "location", "category"), st.missing)

            model.attachPhoto(jpeg(21))
            model.setLocation(gps(CITADEL_LAT, CITADEL_LON))
            st = model.settle()
            assertEquals(1, st.photos.size)
            assertNotNull(st.photos.single().bytes, "the thumbnail's bytes")
            assertEquals("19753", st.area?.ward?.code)
            assertEquals("Phường Phú Xuân", st.area?.ward?.name)
            assertEquals(6.0, st.location?.accuracyM)
            assertEquals(listOf("category"), st.missing)

            model.openPicker()
            model.search("rac")
            st = model.await { it.query == "rac" && it.results.isNotEmpty() && it.results.size < it.categories.size }
            assertEquals("litter", st.results.first().code, "accents optional: ${st.results.map { it.code }}")
            model.chooseCategory("litter")
            st = model.settle()
            assertFalse(st.picking)
            assertEquals("Rác thải trên đường phố", st.category?.name)
            assertEquals(listOf("answer:amount"), st.missing)
            assertTrue(st.category!!.questions.single().required)

            model.answer("amount", Answer.Choice("bag"))
            model.describe(description)
            st = model.settle()
            assertEquals(emptyList<String>(), st.missing)
            assertTrue(st.offers.isEmpty(), "offline: no me-too offer, silently")
            assertTrue(st.canSend)

            model.send()
            st = model.await { it.result != null && !it.syncing }
            val saved = st.result as CaptureResult.Saved
            reportId = saved.reportId
            assertEquals(listOf(reportId), queued.toList(), "the Android layer is told to schedule a sync")
            assertNull(st.error, "offline is no failure of the send")
            assertEquals(description, phone.app.reports().report(reportId).report.description)
            assertEquals(ReportStatus.QUEUED, phone.app.reports().report(reportId).report.status)
            assertTrue(phone.app.reports().drafts().isEmpty(), "the draft became the report")

            screen("capture-result-saved", Look(AppLanguage.VI), { CaptureScreen(model, {}, {}, {}, {}) }) {
                awaitText("Đã lưu, sẽ gửi khi có mạng")
                onNodeWithText("Thử gửi ngay").assertIsDisplayed()
                assertEquals(0, count("Đã gửi"))
            }
            model.close()
        }

        // The phone comes back online (the app restarted on the same data).
        val app = phone.reopen(City.url)
        Models().use { s ->
            val reports = MyReportsViewModel(app, s.scope)
            runBlocking { withTimeout(15_000) { reports.state.first { it.loaded } } }
            reports.refresh()
            val done = runBlocking {
                withTimeout(30_000) {
                    reports.state.first { st -> !st.refreshing && st.reports.any { it.id == reportId && it.publicNumber != null } }
                }
            }
            val number = done.reports.first { it.id == reportId }.publicNumber
            assertTrue(number != null && number.startsWith("HUE-"), "public number: $number")
            reports.close()
        }
        phone.close()
    }

    @Test
    fun `the view model delivers at once when online and says so with the number`() {
        Phone(City.url).use { phone ->
            Models().use { s ->
                val model = CaptureViewModel(phone.app, s.scope)
                model.await { !it.loading }
                fillLitter(model, 22, CITADEL_LAT + 0.002, CITADEL_LON - 0.002, "Online ${UUID.randomUUID()}")
                model.sendAnyway()
                val st = model.await(30_000) { it.result is CaptureResult.Delivered }
                val delivered = st.result as CaptureResult.Delivered
                assertTrue(delivered.publicNumber?.startsWith("HUE-") == true, "${delivered.publicNumber}")
                assertEquals(24u, delivered.expectedHours)
                screen("capture-result-sent", Look(AppLanguage.VI), { CaptureScreen(model, {}, {}, {}, {}) }) {
                    awaitText("Đã gửi")
                    awaitText("Mã số báo cáo: ${delivered.publicNumber}", substring = true)
                    awaitText("khoảng 24 giờ", substring = true)
                    assertEquals(0, count("Thử gửi ngay"), "nothing left to retry")
                }
                model.close()
            }
        }
    }

    @Test
    fun `a point in the sea is refused clearly and nothing is lost`() {
        Phone(OFFLINE).use { phone ->
            Models().use { s ->
                val model = CaptureViewModel(phone.app, s.scope, typingDelayMs = 50)
                model.await { !it.loading }
                fillLitter(model, 23, CITADEL_LAT, CITADEL_LON, "Ở Đại Nội")
                model.setLocation(gps(16.9, 108.5))
                val st = model.settle()
                val message = st.outsideArea
                assertNotNull(message)
                assertTrue(message!!.contains("ngoài địa bàn"), message)
                assertEquals(CITADEL_LAT, st.location?.lat, "the draft keeps its previous point")
                assertEquals("Phường Phú Xuân", st.area?.ward?.name)
                assertEquals(1, st.photos.size)
                assertEquals("litter", st.category?.code)
                assertEquals("Ở Đại Nội", st.description)
                assertEquals("Ở Đại Nội", phone.app.reports().draft(st.draftId!!).description, "saved in the core too")
                assertTrue(st.missing.isEmpty())
                // A good point again clears the message.
                model.setLocation(gps(CITADEL_LAT + 0.001, CITADEL_LON))
                assertNull(model.settle().outsideArea)
                model.close()
            }
        }
    }

    @Test
    fun `what is missing is listed in words and send is refused until complete`() {
        Phone(OFFLINE).use { phone ->
            Models().use { s ->
                val model = CaptureViewModel(phone.app, s.scope)
                var st = model.await { !it.loading }
                // The core's sentence, in the phone's language.
                assertEquals("Còn thiếu: ít nhất một ảnh, vị trí, loại vấn đề", st.missingLine)
                assertFalse(st.canSend)
                assertThrows<CivicException.Incomplete> { runBlocking { phone.app.reports().send(st.draftId!!) } }

                model.send()
                st = model.await { it.error != null }
                assertNull(st.result, "nothing was sent")
                assertEquals(listOf("photo", "location", "category"), st.missing)
                assertEquals("Còn thiếu: ít nhất một ảnh, vị trí, loại vấn đề", st.missingLine)

                model.attachPhoto(jpeg(24))
                model.setLocation(gps(CITADEL_LAT, CITADEL_LON))
                model.chooseCategory("pothole")
                st = model.settle()
                assertEquals(listOf("answer:size", "answer:danger"), st.missing)
                assertEquals(
                    "Còn thiếu: “Chỗ hư hỏng rộng khoảng bao nhiêu?”, “Có đang gây nguy hiểm cho người đi đường không?”",
                    st.missingLine,
                )
                val e = assertThrows<CivicException.Incomplete> { runBlocking { phone.app.reports().send(st.draftId!!) } }
                assertEquals(listOf("answer:size", "answer:danger"), e.missing)

                model.answer("size", Answer.Choice(st.category!!.questions.first { it.code == "size" }.choices.first().key))
                model.answer("danger", Answer.Choice(st.category!!.questions.first { it.code == "danger" }.choices.first().key))
                st = model.settle()
                assertTrue(st.missing.isEmpty())
                assertNull(st.missingLine, "nothing is missing")
                assertTrue(st.canSend)
                model.close()
            }
        }
    }

    @Test
    fun `the photo's own GPS is offered and used, and used at once when there is no fix`() {
        Phone(OFFLINE).use { phone ->
            Models().use { s ->
                val model = CaptureViewModel(phone.app, s.scope)
                model.await { !it.loading }
                // No fix yet: the core places the draft where the photo was taken, and says where.
                model.attachPhoto(exifJpeg(25, 16.4700, 107.5800))
                var st = model.settle()
                assertEquals(FixSource.PHOTO_EXIF, st.location?.source)
                assertTrue(abs(st.location!!.lat - 16.47) < 1e-4 && abs(st.location!!.lon - 107.58) < 1e-4, "${st.location}")
                assertEquals("Phường Phú Xuân", st.area?.ward?.name, "the core's answer: where the photo placed the draft")
                assertNull(st.outsideArea)
                assertNull(st.photoLocationOffer, "nothing more to offer")
                assertNull(phone.app.reports().photoLocationOffer(st.draftId!!), "the core offers nothing either")

                // A GPS fix elsewhere: the core offers the photo's position.
                model.setLocation(gps(CITADEL_LAT, CITADEL_LON))
                st = model.settle()
                assertEquals(FixSource.GPS, st.location?.source)
                val offered = st.photoLocationOffer
                assertNotNull(offered)
                val core = phone.app.reports().photoLocationOffer(st.draftId!!)
                assertEquals(core?.hash, offered!!.hash, "the core's offer")
                assertEquals(core?.fix?.lat to core?.fix?.lon, offered.fix.lat to offered.fix.lon)
                assertEquals(st.photos.single().hash, offered.hash)
                screen("capture-photo-location", Look(AppLanguage.VI), { CaptureScreen(model, {}, {}, {}, {}) }) {
                    awaitText("±6 m (GPS)")
                    onNodeWithText("Dùng vị trí trong ảnh").performScrollTo().performClick()
                    awaitText("(vị trí trong ảnh)", substring = true)
                    assertEquals(0, count("Dùng vị trí trong ảnh"))
                }
                st = model.settle()
                assertEquals(FixSource.PHOTO_EXIF, st.location?.source)
                assertEquals("Phường Phú Xuân", st.area?.ward?.name)
                model.close()
            }
        }
    }

    @Test
    fun `an unsent draft survives the app being killed and is resumed`() {
        val phone = Phone(OFFLINE)
        Models().use { s ->
            val model = CaptureViewModel(phone.app, s.scope, typingDelayMs = 10_000)
            model.await { !it.loading }
            // A photo that recorded where it was taken, then a GPS fix elsewhere.
            model.attachPhoto(exifJpeg(26, 16.4700, 107.5800))
            model.settle()
            model.setLocation(gps(CITADEL_LAT, CITADEL_LON))
            model.chooseCategory("litter")
            model.settle()
            model.describe("Gõ dở thì máy tắt")
            model.close() // the typing timer had not fired: closing keeps it
        }
        val app = phone.reopen()
        assertFalse(app.reports().drafts().single().blank, "the core's rule: something was entered")
        Models().use { s ->
            val model = CaptureViewModel(app, s.scope)
            val st = model.await { !it.loading }
            assertTrue(st.resumed)
            assertEquals(1, st.photos.size)
            assertEquals("litter", st.category?.code)
            assertEquals("Gõ dở thì máy tắt", st.description)
            assertEquals("Phường Phú Xuân", st.area?.ward?.name, "the area is worked out again")
            assertEquals(listOf("answer:amount"), st.missing)
            assertEquals(FixSource.GPS, st.location?.source)
            // The photo's own position is still on offer after the restart.
            assertNotNull(st.photoLocationOffer, "the photo's recorded position survives the restart")
            screen("capture-form-resumed", Look(AppLanguage.VI), { CaptureScreen(model, {}, {}, {}, {}) }) {
                awaitText("Báo cáo chưa gửi lần trước đã được giữ lại", substring = true)
                awaitText("Gõ dở thì máy tắt")
                onNodeWithText("Dùng vị trí trong ảnh").assertExists()
            }
            model.close()
        }
        phone.close()
    }

    @Test
    fun `a draft left with nothing entered is taken up again but not offered as kept from before`() {
        val phone = Phone(OFFLINE)
        val draftId = Models().use { s ->
            val model = CaptureViewModel(phone.app, s.scope)
            val st = model.await { !it.loading }
            model.close()
            st.draftId!!
        }
        val app = phone.reopen()
        val left = app.reports().drafts().single()
        assertEquals(draftId, left.id)
        assertTrue(left.blank, "the core's rule: nothing entered yet")
        Models().use { s ->
            val model = CaptureViewModel(app, s.scope)
            val st = model.await { !it.loading }
            assertEquals(draftId, st.draftId, "the same draft, not a second one")
            assertFalse(st.resumed, "no \"kept from last time\" for an empty draft")
            model.close()
        }
        phone.close()
    }

    @Test
    fun `me too instead of a duplicate counts once and ends the flow without sending`() {
        // A unique spot in Huế, a few hundred metres from the citadel.
        val r = Random(System.nanoTime())
        val lat = CITADEL_LAT - 0.004 - r.nextDouble(0.0, 0.003)
        val lon = CITADEL_LON + 0.004 + r.nextDouble(0.0, 0.004)
        val first = Phone(City.url)
        val number: String
        Models().use { s ->
            val model = CaptureViewModel(first.app, s.scope)
            model.await { !it.loading }
            fillLitter(model, 27, lat, lon, "Đống rác ${UUID.randomUUID()}")
            model.sendAnyway()
            val st = model.await(30_000) { it.result is CaptureResult.Delivered }
            number = (st.result as CaptureResult.Delivered).publicNumber!!
            model.close()
        }
        val firstId = first.app.reports().myReports(listOf(), 10u, null).reports.single().id
        first.close()

        val second = Phone(City.url)
        Models().use { s ->
            val model = CaptureViewModel(second.app, s.scope)
            model.await { !it.loading }
            model.attachPhoto(jpeg(28))
            model.setLocation(gps(lat + 20.0 / 110_540.0, lon))
            model.chooseCategory("litter")
            var st = model.await { st -> st.offers.any { it.id == firstId } }
            val offer = st.offers.first { it.id == firstId }
            assertEquals(number, offer.publicNumber)
            assertTrue(abs(offer.distanceM - 20.0) < 2.0, "${offer.distanceM}")
            assertEquals(0u, offer.supporters)
            assertEquals("Rác thải trên đường phố", offer.category)
            assertNotNull(offer.photo, "the first report's photo, from the server")
            val index = st.offers.indexOf(offer)
            screen("capture-me-too-tapped", Look(AppLanguage.VI), { CaptureScreen(model, {}, {}, {}, {}) }) {
                awaitText("Đã có người báo vấn đề này ở gần đây")
                onAllNodesWithText("Tôi cũng gặp vấn đề này")[index].performScrollTo().performClick()
                awaitText("Cảm ơn bạn!")
                awaitText(number, substring = true)
            }
            st = model.await { it.result is CaptureResult.Supported }
            assertEquals(CaptureResult.Supported(number), st.result)
            assertTrue(second.app.reports().drafts().isEmpty(), "the duplicate draft is gone")
            assertTrue(second.app.reports().myReports(listOf(), 10u, null).reports.isEmpty(), "nothing was sent")
            val again = runBlocking { second.app.reports().nearby(lat, lon, "litter") }.first { it.id == firstId }
            assertEquals(1u, again.report.supporters)
            model.close()
        }
        second.close()
    }
}

/** A complete litter report at a point (a photo, the fix, the category, its answer, a description). */
fun fillLitter(model: CaptureViewModel, seed: Int, lat: Double, lon: Double, description: String) {
    model.attachPhoto(jpeg(seed))
    model.setLocation(gps(lat, lon))
    model.chooseCategory("litter")
    model.answer("amount", Answer.Choice("bag"))
    model.describe(description)
    model.settle()
    val st = model.await { it.missing.isEmpty() && it.description == description }
    check(st.area != null) { "not in Huế: $lat,$lon" }
}
