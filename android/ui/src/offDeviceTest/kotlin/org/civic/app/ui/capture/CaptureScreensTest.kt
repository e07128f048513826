package org.civic.app.ui.capture

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertIsEnabled
import androidx.compose.ui.test.assertIsNotEnabled
import androidx.compose.ui.test.hasSetTextAction
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onFirst
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.testing.Look
import org.civic.app.ui.testing.awaitText
import org.civic.app.ui.testing.count
import org.civic.app.ui.testing.screen
import org.civic.core.testing.CITADEL_LAT
import org.civic.core.testing.CITADEL_LON
import org.civic.core.testing.City
import org.civic.core.testing.gps
import org.civic.core.testing.jpeg
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.util.UUID
import kotlin.random.Random

/** Every capture screen and state, in every look, as a citizen sees it. */
@OptIn(ExperimentalTestApi::class)
class CaptureScreensTest {
    @Test
    fun `the form from empty to saved on the phone, the picker, the sea and discarding, in every look`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            fun w(v: String, e: String) = if (vi) v else e
            Phone(OFFLINE, look.language).use { phone ->
                Models().use { s ->
                    val model = CaptureViewModel(phone.app, s.scope, typingDelayMs = 50)
                    model.await { !it.loading }
                    val screenOf = @androidx.compose.runtime.Composable { CaptureScreen(model, {}, {}, {}, {}) }

                    screen("capture-form-empty", look, screenOf) {
                        awaitText(w("Báo cáo mới", "New report"))
                        awaitText(
                            w(
                                "Còn thiếu: ít nhất một ảnh, vị trí, loại vấn đề",
                                "Still needed: at least one photo, the location, what kind of problem it is",
                            ),
                        )
                        onNodeWithText(w("Chụp ảnh", "Take photo")).assertIsDisplayed()
                        onNodeWithText(w("Chọn từ thư viện", "From gallery")).assertIsDisplayed()
                        onNodeWithText(w("Ảnh (0/5)", "Photos (0/5)")).assertIsDisplayed()
                        onNodeWithText(w("Gửi báo cáo", "Send report")).assertIsNotEnabled()
                    }

                    model.openPicker()
                    screen("capture-category-picker", look, screenOf) {
                        awaitText(w("Chọn loại vấn đề", "Choose the problem"))
                        awaitText(w("Môi trường và rác thải", "Environment and waste"))
                        awaitText(w("Hạ tầng giao thông", "Roads and traffic"))
                        assertTrue(
                            count(w("Cây xanh cần cắt tỉa", "Tree needs pruning"), substring = true) > 0,
                            "every category while nothing is typed",
                        )
                        onNode(hasSetTextAction()).performTextInput(w("rac", "litter"))
                        awaitText(w("Rác thải trên đường phố", "Litter on the street"))
                        waitUntil(timeoutMillis = 5_000) { count(w("Cây xanh cần cắt tỉa", "Tree needs pruning"), substring = true) == 0 }
                    }
                    screen("capture-category-picked", look, screenOf) {
                        onNodeWithText(w("Rác thải trên đường phố", "Litter on the street")).performClick()
                        awaitText(w("Loại vấn đề", "What is the problem?"))
                        awaitText(w("Rác thải trên đường phố", "Litter on the street"))
                    }
                    assertEquals("litter", model.settle().category?.code)

                    model.attachPhoto(jpeg(31))
                    model.setLocation(gps(CITADEL_LAT, CITADEL_LON))
                    model.settle()
                    screen("capture-form-question", look, screenOf) {
                        awaitText(w("Phường Phú Xuân", "Phu Xuan Ward"))
                        awaitText("±6 m (GPS)")
                        awaitText(w("Ảnh (1/5)", "Photos (1/5)"))
                        awaitText(w("Còn thiếu: “Lượng rác khoảng bao nhiêu?”", "Still needed: “How much litter is there?”"))
                        awaitText(w("Lượng rác khoảng bao nhiêu? *", "How much litter is there? *"))
                        onNodeWithText(w("Gửi báo cáo", "Send report")).assertIsNotEnabled()
                        onNodeWithText(w("Khoảng một bao", "About one bag")).performScrollTo().performClick()
                        awaitText(w("Đã đủ thông tin", "Ready."), substring = true)
                        assertEquals(0, count(w("Còn thiếu", "Still needed"), substring = true))
                        onNodeWithText(w("Gửi báo cáo", "Send report")).assertIsEnabled()
                    }

                    model.setLocation(gps(16.9, 108.5))
                    screen("capture-form-outside", look, screenOf) {
                        awaitText(w("ngoài địa bàn", "outside"), substring = true)
                        awaitText(w("Vị trí trước vẫn được giữ.", "The previous location is kept."), substring = true)
                        onNodeWithText(w("Phường Phú Xuân", "Phu Xuan Ward")).assertIsDisplayed()
                        onNodeWithText(w("Gửi báo cáo", "Send report")).assertIsEnabled()
                    }

                    screen("capture-discard-confirm", look, screenOf) {
                        onNodeWithText(w("Xoá", "Discard")).performClick()
                        awaitText(w("Xoá báo cáo này?", "Discard this report?"), substring = true)
                        onNodeWithText(w("Giữ lại", "Keep it")).assertIsDisplayed()
                    }
                    screen("capture-discard-kept", look, screenOf) {
                        onNodeWithText(w("Giữ lại", "Keep it")).performClick()
                        awaitText(w("Gửi báo cáo", "Send report"))
                        assertEquals(0, count(w("Xoá báo cáo này?", "Discard this report?"), substring = true))
                    }

                    screen("capture-result-saved", look, screenOf) {
                        onNodeWithText(w("Gửi báo cáo", "Send report")).performClick()
                        awaitText(w("Đã lưu, sẽ gửi khi có mạng", "Saved, will be sent when you are online"))
                        onNodeWithText(w("Xong", "Done")).assertIsDisplayed()
                        onNodeWithText(w("Thử gửi ngay", "Try sending now")).assertIsDisplayed()
                    }
                    assertEquals(1, phone.app.reports().outbox().waiting.toInt())

                    // Another report, thrown away.
                    var closed = false
                    screen("capture-discarded", look, { CaptureScreen(model, {}, {}, {}, { closed = true }) }) {
                        onNodeWithText(w("Báo cáo vấn đề khác", "Report another problem")).performClick()
                        awaitText(w("Ảnh (0/5)", "Photos (0/5)"))
                        model.attachPhoto(jpeg(32))
                        awaitText(w("Ảnh (1/5)", "Photos (1/5)"))
                        onNodeWithText(w("Xoá", "Discard")).performClick()
                        onNodeWithText(w("Xoá báo cáo", "Discard report")).performClick()
                        waitUntil(timeoutMillis = 10_000) { closed }
                    }
                    assertTrue(phone.app.reports().drafts().isEmpty(), "the draft is gone")
                    assertEquals(1, phone.app.reports().outbox().waiting.toInt(), "the sent one is not touched")
                    model.close()
                }
            }
        }
    }

    @Test
    fun `the me-too offer, the sent result and the thanks, in every look`() {
        val r = Random(System.nanoTime())
        val lat = CITADEL_LAT + 0.004 + r.nextDouble(0.0, 0.003)
        val lon = CITADEL_LON + 0.003 + r.nextDouble(0.0, 0.004)
        val delivered: CaptureState
        val firstId: String
        Phone(City.url).use { first ->
            Models().use { s ->
                val model = CaptureViewModel(first.app, s.scope)
                model.await { !it.loading }
                fillLitter(model, 33, lat, lon, "Rác ven đường ${UUID.randomUUID()}")
                model.send()
                delivered = model.await(30_000) { it.result is CaptureResult.Delivered }
                firstId = (delivered.result as CaptureResult.Delivered).reportId
                model.close()
            }
        }
        val number = (delivered.result as CaptureResult.Delivered).publicNumber!!

        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            fun w(v: String, e: String) = if (vi) v else e
            screen("capture-result-sent", look, { CaptureContent(delivered, NoCaptureIntents) }) {
                awaitText(w("Đã gửi", "Sent"))
                awaitText(w("Mã số báo cáo: $number", "Report number: $number"), substring = true)
                awaitText(
                    w("Thành phố thường xử lý trong khoảng 24 giờ.", "The city usually deals with this within about 24 hours."),
                    substring = true,
                )
                assertEquals(0, count(w("Đã lưu, sẽ gửi khi có mạng", "Saved, will be sent when you are online")))
            }

            Phone(City.url, look.language).use { second ->
                Models().use { s ->
                    val model = CaptureViewModel(second.app, s.scope)
                    model.await { !it.loading }
                    model.attachPhoto(jpeg(34))
                    model.setLocation(gps(lat - 20.0 / 110_540.0, lon))
                    model.chooseCategory("litter")
                    val st = model.await { st -> st.offers.any { it.id == firstId } }
                    val offer = st.offers.first { it.id == firstId }
                    screen("capture-me-too-offer", look, { CaptureScreen(model, {}, {}, {}, {}) }) {
                        awaitText(w("Đã có người báo vấn đề này ở gần đây", "Someone has already reported this nearby"))
                        // The offer's photo arrives from the server while the screen lays out: scroll
                        // once it has settled. (A long-lived server may hold other open reports
                        // near this random spot: the nearest offer comes first.)
                        val meToo = w("Tôi cũng gặp vấn đề này", "Me too")
                        waitUntil(timeoutMillis = 10_000) {
                            runCatching { onAllNodesWithText(meToo).onFirst().performScrollTo() }.isSuccess
                        }
                        onAllNodesWithText(meToo).onFirst().assertIsDisplayed()
                        awaitText(w("Cách 20 m", "20 m away"), substring = true)
                        awaitText(w("0 người cũng gặp", "0 said me too"), substring = true)
                        awaitText(offer.statusLabel)
                        awaitText(offer.description)
                        assertTrue(count(w("Rác thải trên đường phố", "Litter on the street")) >= 2, "the draft's and the offer's category")
                        // The send button now says what it does.
                        assertTrue(count(w("Vẫn gửi báo cáo mới", "Send mine anyway")) >= 2)
                        assertEquals(0, count(w("Gửi báo cáo", "Send report")))
                    }
                    screen("capture-me-too-thanks", look, {
                        CaptureContent(st.copy(result = CaptureResult.Supported(number)), NoCaptureIntents)
                    }) {
                        awaitText(w("Cảm ơn bạn!", "Thank you!"))
                        awaitText(number, substring = true)
                        awaitText(w("Không cần gửi báo cáo trùng", "No duplicate was sent"), substring = true)
                    }
                    model.close()
                }
            }
        }
    }
}
