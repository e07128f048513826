package org.civic.app.ui.warnings

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertIsOff
import androidx.compose.ui.test.assertIsOn
import androidx.compose.ui.test.assertTextContains
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.isToggleable
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextClearance
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
import org.civic.core.CivicException
import org.civic.core.SavedPlace
import org.civic.core.Severity
import org.civic.core.testing.CITADEL_LAT
import org.civic.core.testing.CITADEL_LON
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

@OptIn(ExperimentalTestApi::class)
class SubscriptionsTest {
    /** A phone that follows home (a point), grandma's commune, two topics, from Moderate, quiet at night. */
    private fun following(language: AppLanguage): CivicApp {
        val app = phone(OFFLINE, language)
        app.warnings().addPlace(SavedPlace.Point("Nhà", CITADEL_LAT, CITADEL_LON, 1_000.0))
        app.warnings().addPlace(SavedPlace.Area("Nhà bà ngoại", "19918"))
        app.warnings().setSubscription(
            app.warnings().subscription().copy(
                topics = listOf("flood", "storm"),
                minSeverity = Severity.MODERATE,
                quietStartMinute = (22 * 60).toUShort(),
                quietEndMinute = (6 * 60).toUShort(),
            ),
        )
        return app
    }

    @Test
    fun `what the resident follows is listed in every look`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            fun w(a: String, b: String) = if (vi) a else b
            val app = following(look.language)
            ModelScope().use { s ->
                val model = SubscriptionsViewModel(app, s.scope)
                screen("warnings-subscriptions", look, { SubscriptionsScreen(model) {} }) {
                    awaitText(w("Địa điểm (2)", "Places (2)"))
                    onNodeWithText(w("Cảnh báo tôi theo dõi", "Warnings I follow")).assertIsDisplayed()
                    onNodeWithText("Nhà", substring = false).assertIsDisplayed()
                    onNodeWithText("Nhà bà ngoại", substring = true).assertIsDisplayed()
                    onNodeWithText(w("Toàn địa bàn Xã Phú Hồ", "All of Phu Ho Commune")).assertIsDisplayed()
                    awaitText(w("Trong vòng 1 km quanh một điểm ở", "Within 1 km of a point in"), substring = true)
                    onNodeWithText(w("Từ 22:00 đến 06:00 (qua đêm)", "From 22:00 to 06:00 (overnight)"), substring = true)
                        .performScrollTo().assertIsDisplayed()
                    onNode(isToggleable() and hasText(w("Giờ yên lặng", "Quiet hours"), substring = true)).assertIsOn()
                    onNode(isToggleable() and hasText(w("Nơi tôi đang ở", "Where I am now"), substring = true)).assertIsOff()
                    onNodeWithTag("quiet-start").assertTextContains("22:00")
                    onNodeWithTag("quiet-end").assertTextContains("06:00")
                    onNodeWithText(w("Lũ lụt, ngập", "Floods")).performScrollTo().assertIsDisplayed()
                    onNodeWithText(w("Trung bình", "Moderate")).performScrollTo().assertIsDisplayed()
                    onNodeWithText("English").performScrollTo().assertIsDisplayed()
                    assertEquals(1, count(w("Tất cả", "All")), "the 'all topics' chip")
                }
            }
            app.close()
        }
    }

    @Test
    fun `a new phone follows nothing yet and offers to add a place, in every look`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            val app = phone(OFFLINE, look.language)
            ModelScope().use { s ->
                val model = SubscriptionsViewModel(app, s.scope)
                screen("warnings-subscriptions-empty", look, { SubscriptionsScreen(model) {} }) {
                    awaitText(if (vi) "Địa điểm (0)" else "Places (0)")
                    onNodeWithText(if (vi) "Chưa có địa điểm nào" else "No places yet", substring = true).assertIsDisplayed()
                    onNodeWithText(if (vi) "+ Thêm địa điểm" else "+ Add a place").performClick()
                    awaitText(if (vi) "Dùng tâm bản đồ (ở" else "Use the map's centre (in", substring = true)
                    onNodeWithContentDescription(if (vi) "Bản đồ chọn địa điểm" else "Map to choose the place").assertIsDisplayed()
                    onNodeWithText("500 m").performScrollTo().assertIsDisplayed()
                    onNodeWithText("1 km").performScrollTo().assertIsDisplayed()
                    onNodeWithText("2 km").performScrollTo().assertIsDisplayed()
                    onNodeWithText(if (vi) "Lưu địa điểm" else "Save the place").performScrollTo().assertIsDisplayed()
                }
            }
            app.close()
        }
    }

    @Test
    fun `adding and removing places, with the core's refusal shown and the input kept`() = runBlocking {
        val app = phone(OFFLINE, AppLanguage.VI)
        ModelScope().use { s ->
            val model = SubscriptionsViewModel(app, s.scope)
            screen("warnings-subscriptions-add-point", Look(AppLanguage.VI), { SubscriptionsScreen(model) {} }) {
                awaitText("Địa điểm (0)")
                onNodeWithText("+ Thêm địa điểm").performClick()
                // Too long a name: the core refuses, the screen says why and keeps what was typed.
                val long = "Nhà của ông bà nội ở gần cửa Thượng Tứ, bên trong Kinh thành Huế xưa"
                onNodeWithTag("place-name").performTextInput(long)
                onNodeWithText("Lưu địa điểm").performScrollTo().performClick()
                awaitText("Tên địa điểm cần từ 1 đến 60 ký tự.")
                onNodeWithTag("place-name").assertTextContains(long)
                assertEquals(0, app.warnings().subscription().places.size)
                onNodeWithTag("place-name").performTextClearance()
                onNodeWithTag("place-name").performTextInput("Nhà")
                onNodeWithText("500 m").performScrollTo().performClick()
                onNodeWithText("Lưu địa điểm").performScrollTo().performClick()
                awaitText("Địa điểm (1)")
                awaitText("Trong vòng 500 m quanh một điểm ở", substring = true)
                assertEquals(0, count("Tên địa điểm cần từ 1 đến 60 ký tự."))
            }
            val home = app.warnings().subscription().places.single() as SavedPlace.Point
            assertEquals("Nhà" to 500.0, home.name to home.radiusM)
            assertEquals(CITADEL.lat, home.lat, 1e-9)

            screen("warnings-subscriptions-add-ward", Look(AppLanguage.VI), { SubscriptionsScreen(model) {} }) {
                awaitText("Địa điểm (1)")
                onNodeWithText("+ Thêm địa điểm").performScrollTo().performClick()
                onNodeWithText("Cả một phường, xã").performScrollTo().performClick()
                onNodeWithText("Lưu địa điểm").performScrollTo().performClick()
                awaitText("Hãy chọn một phường, xã.")
                onNodeWithText("Xã Phú Hồ").performScrollTo().performClick()
                // The commune's name becomes the place's name when none was typed.
                onNodeWithTag("place-name").assertTextContains("Xã Phú Hồ")
                onNodeWithText("Lưu địa điểm").performScrollTo().performClick()
                awaitText("Địa điểm (2)")
                onNodeWithContentDescription("Xoá Nhà").performScrollTo().performClick()
                awaitText("Địa điểm (1)")
            }
            assertEquals(listOf<SavedPlace>(SavedPlace.Area("Xã Phú Hồ", "19918")), app.warnings().subscription().places)
        }
        app.close()
    }

    @Test
    fun `topics, severity, position, quiet hours and language are saved on the phone, refusals shown`() = runBlocking {
        val app = phone(OFFLINE, AppLanguage.EN)
        ModelScope().use { s ->
            val model = SubscriptionsViewModel(app, s.scope)
            screen("warnings-subscriptions-choices", Look(AppLanguage.EN), { SubscriptionsScreen(model) {} }) {
                awaitText("Places (0)")
                onNodeWithText("Traffic").performScrollTo().performClick()
                waitUntil(timeoutMillis = 10_000) { app.warnings().subscription().topics == listOf("traffic") }
                onNodeWithText("Floods").performScrollTo().performClick()
                waitUntil(timeoutMillis = 10_000) { app.warnings().subscription().topics.toSet() == setOf("traffic", "flood") }
                onNodeWithText("All").performScrollTo().performClick()
                waitUntil(timeoutMillis = 10_000) { app.warnings().subscription().topics.isEmpty() }
                onNodeWithText("Severe").performScrollTo().performClick()
                waitUntil(timeoutMillis = 10_000) { app.warnings().subscription().minSeverity == Severity.SEVERE }
                onNode(isToggleable() and hasText("Where I am now", substring = true)).performScrollTo().performClick()
                waitUntil(timeoutMillis = 10_000) { app.warnings().subscription().currentPosition }
                onNode(isToggleable() and hasText("Where I am now", substring = true)).assertIsOn()
                onNodeWithText("English").performScrollTo().performClick()
                waitUntil(timeoutMillis = 10_000) { app.warnings().subscription().language == "en" }

                // An hour that does not exist: the core refuses, the typed text stays.
                onNodeWithTag("quiet-start").performScrollTo().performTextClearance()
                onNodeWithTag("quiet-start").performTextInput("25:00")
                onNodeWithText("Turn on with these hours").performScrollTo().performClick()
                awaitText("These quiet hours are not valid.")
                onNodeWithTag("quiet-start").assertTextContains("25:00")
                assertNull(app.warnings().subscription().quietStartMinute)
                // Not a time at all: the screen says how to write one.
                onNodeWithTag("quiet-start").performTextClearance()
                onNodeWithTag("quiet-start").performTextInput("late")
                onNodeWithText("Turn on with these hours").performScrollTo().performClick()
                awaitText("Enter times as HH:mm, e.g. 22:00.")
                onNodeWithTag("quiet-start").performTextClearance()
                onNodeWithTag("quiet-start").performTextInput("21:30")
                onNodeWithText("Turn on with these hours").performScrollTo().performClick()
                awaitText("From 21:30 to 06:00 (overnight)", substring = true)
                assertEquals(0, count("These quiet hours are not valid."))
                onNode(isToggleable() and hasText("Quiet hours", substring = true)).performScrollTo().performClick()
                awaitText("Off: every warning rings", substring = true)
            }
            val sub = app.warnings().subscription()
            assertTrue(sub.currentPosition)
            assertNull(sub.quietStartMinute, "quiet hours turned off again")
            // "Where I am now": the position is taken while followed, refused when not a position.
            model.updatePosition(CITADEL_LAT, CITADEL_LON)
            model.updatePosition(91.0, 0.0)
            val refused = withTimeout(10_000) { model.state.first { it.error != null } }
            assertEquals("This position is not valid.", refused.error)
        }
        app.close()
    }

    @Test
    fun `every ward the screen offers is one the core knows`() {
        val app = phone(OFFLINE, AppLanguage.VI)
        val wards = app.wards()
        assertEquals(40, wards.size, "Huế's 40 wards and communes: ${wards.map { it.name }}")
        assertTrue(wards.any { it.code == "19918" && it.name == "Xã Phú Hồ" }, "named in the app's language")
        // One at a time: a phone keeps fewer places than the city has wards.
        for (w in wards) {
            app.warnings().addPlace(SavedPlace.Area(w.name, w.code))
            assertTrue(app.warnings().removePlace(w.name), "${w.name} was saved")
        }
        assertEquals(0, app.warnings().subscription().places.size)
        // The topics one can follow come from the core, named in the app's language.
        assertEquals("Lũ lụt, ngập", app.warnings().warningTopics().first { it.code == "flood" }.name)
        assertEquals("19753", app.checkPoint(CITADEL_LAT, CITADEL_LON).ward.code, "the citadel is in Phú Xuân ward")
        val unknown = runCatching { app.warnings().addPlace(SavedPlace.Area("Không có", "999")) }.exceptionOrNull()
        assertTrue(unknown is CivicException.InvalidInput, "$unknown")
        assertFalse(app.warnings().subscription().places.any { (it as SavedPlace.Area).code == "999" })
        app.close()
    }
}
