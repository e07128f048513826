package org.civic.app.ui.onboarding

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsSelected
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
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
import org.civic.core.testing.MemoryTokens
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.file.Files

@OptIn(ExperimentalTestApi::class)
class FirstRunTest {
    /** The first run needs no network: the phone is offline. */
    private fun open(language: AppLanguage = AppLanguage.VI): CivicApp =
        CivicApp.open(Files.createTempDirectory("civic-first-run").toString(), "http://127.0.0.1:9", language.code, MemoryTokens())

    private fun vi(look: Look) = look.language == AppLanguage.VI

    @Test
    fun `every step, in every look`() {
        for (look in Look.all) {
            val app = open(look.language)
            ModelScope().use { s ->
                val model = FirstRunViewModel(app, s.scope, initial = look.language)
                val v = vi(look)
                screen("first-run-1-language", look, { FirstRunScreen(model, {}, {}) }) {
                    onNodeWithText(if (v) "Bước 1/4" else "Step 1 of 4").assertExists()
                    onNodeWithText(if (v) "Chọn ngôn ngữ" else "Choose a language").assertExists()
                    // Each language named in itself, whatever the screen's language.
                    onNodeWithText("Tiếng Việt").assertExists()
                    onNodeWithText("English").assertExists()
                    onNodeWithText(if (v) "Tiếng Việt" else "English").assertIsSelected()
                    assertEquals(0, count(if (v) "Quay lại" else "Back"), "nothing before the first step")
                }
                model.next()
                screen("first-run-2-privacy", look, { FirstRunScreen(model, {}, {}) }) {
                    onNodeWithText(if (v) "Vị trí chỉ gửi kèm báo cáo" else "Location only on reports you send").assertExists()
                    onNodeWithText(if (v) "Ảnh được xoá thông tin ẩn" else "Photos stripped of hidden data").assertExists()
                    onNodeWithText(if (v) "Danh tính không bao giờ công khai" else "Your identity is never public").assertExists()
                    onNodeWithText(if (v) "Quay lại" else "Back").assertExists()
                }
                model.next()
                screen("first-run-3-notifications", look, { FirstRunScreen(model, {}, {}) }) {
                    onNodeWithText(if (v) "Cho phép thông báo" else "Allow notifications").assertExists()
                    onNodeWithText(if (v) "Bạn có thể bỏ qua bước này." else "You may skip this step.").assertExists()
                }
                model.notificationsAnswered(false)
                screen("first-run-3-notifications-denied", look, { FirstRunScreen(model, {}, {}) }) {
                    onNodeWithText(if (v) "Thông báo đang tắt." else "Notifications are off.").assertExists()
                    onNodeWithText(if (v) "Cài đặt" else "Settings", substring = true).assertExists()
                    onNodeWithText(if (v) "Cho phép thông báo" else "Allow notifications").assertExists()
                }
                model.notificationsAnswered(true)
                screen("first-run-3-notifications-granted", look, { FirstRunScreen(model, {}, {}) }) {
                    onNodeWithText(if (v) "✓ Đã bật thông báo." else "✓ Notifications are on.").assertExists()
                    assertEquals(0, count(if (v) "Cho phép thông báo" else "Allow notifications"), "nothing more to ask")
                }
                model.next()
                screen("first-run-4-profile", look, { FirstRunScreen(model, {}, {}) }) {
                    onNodeWithText(if (v) "Tên và liên hệ (không bắt buộc)" else "Name and contact (optional)").assertExists()
                    onNodeWithText(if (v) "Tên của bạn" else "Your name").assertExists()
                    onNodeWithText(if (v) "Số điện thoại hoặc email" else "Phone number or e-mail").assertExists()
                    onNodeWithText(if (v) "Bắt đầu dùng" else "Start").assertExists()
                    assertEquals(0, count(if (v) "Tiếp tục" else "Next"), "the last step")
                }
            }
            app.close()
        }
    }

    @Test
    fun `the whole first run on the screen - English chosen, notifications asked, a name given`() = runBlocking {
        val app = open(AppLanguage.VI)
        ModelScope().use { s ->
            val model = FirstRunViewModel(app, s.scope, initial = AppLanguage.VI)
            var asked = 0
            var done: AppLanguage? = null
            var profile: FirstRunProfile? = null
            screen("first-run-flow", Look(AppLanguage.VI), {
                FirstRunScreen(model, onRequestNotifications = { asked++ }, onDone = { done = it }, onProfile = { profile = it })
            }) {
                onNodeWithText("Chọn ngôn ngữ").assertExists()
                onNodeWithText("English").performClick()
                // The screen follows the choice at once.
                awaitText("Choose a language")
                onNodeWithText("English").assertIsSelected()
                onNodeWithText("Next").performClick()
                awaitText("Your location, photos and identity")
                onNodeWithText("Back").performClick()
                awaitText("Choose a language")
                onNodeWithText("Next").performClick()
                onNodeWithText("Next").performClick()
                awaitText("Allow notifications")
                onNodeWithText("Allow notifications").performClick()
                waitForIdle()
                assertEquals(1, asked, "the activity was asked once")
                // The activity reports the phone's answer.
                model.notificationsAnswered(true)
                awaitText("✓ Notifications are on.")
                onNodeWithText("Next").performClick()
                onNodeWithText("Your name").performTextInput("Nguyễn Văn An")
                onNodeWithText("Phone number or e-mail").performTextInput("0905 123 456")
                onNodeWithText("Start").performClick()
                waitForIdle()
            }
            assertEquals(AppLanguage.EN, done)
            assertEquals(FirstRunProfile("Nguyễn Văn An", "0905 123 456"), profile)
            // The core keeps it, to send with the next sync: a phone number, not an e-mail.
            assertEquals(org.civic.core.CitizenProfile("Nguyễn Văn An", "0905 123 456", null), app.profile())
            assertTrue(model.state.value.done)
            // The core speaks English now, and warnings will come in English.
            withTimeout(10_000) { while (app.warnings().subscription().language != "en") kotlinx.coroutines.delay(50) }
            assertEquals("Litter on the street", app.categories().first { it.code == "litter" }.name)
        }
        app.close()
    }

    @Test
    fun `skipping the optional steps ends with the language and no profile`() = runBlocking {
        val app = open(AppLanguage.EN)
        ModelScope().use { s ->
            val model = FirstRunViewModel(app, s.scope, initial = AppLanguage.EN)
            model.chooseLanguage(AppLanguage.VI)
            repeat(5) { model.next() }
            assertEquals(FirstRunStep.PROFILE, model.state.value.step, "stops at the last step")
            model.back()
            assertEquals(FirstRunStep.NOTIFICATIONS, model.state.value.step)
            assertNull(model.state.value.notifications, "not asked: no answer shown")
            model.next()
            model.setName("x".repeat(500))
            assertEquals(FirstRunViewModel.MAX_NAME, model.state.value.profile.name.length, "within the server's limit")
            model.setName("  ")
            // The core speaks Vietnamese again once the choice has reached it.
            withTimeout(10_000) {
                while (app.categories().first { it.code == "litter" }.name !=
                    "Rác thải trên đường phố"
                ) {
                    kotlinx.coroutines.delay(50)
                }
            }
            // A phone number longer than the server takes: refused by the core, the run goes on.
            model.setContact("0".repeat(40))
            val refused = model.finish()
            assertFalse(refused.done)
            assertEquals("Số điện thoại quá dài (tối đa 32 ký tự).", refused.error)
            model.setContact("hoa@example.vn")
            assertEquals("hoa@example.vn", model.finish().let { app.profile().email })
            model.setContact("")
            val end = model.finish()
            assertEquals(AppLanguage.VI, end.language)
            assertTrue(end.profile.isEmpty)
            assertEquals(org.civic.core.CitizenProfile(null, null, null), app.profile())
            withTimeout(10_000) {
                while (app.categories().first { it.code == "litter" }.name !=
                    "Rác thải trên đường phố"
                ) {
                    kotlinx.coroutines.delay(50)
                }
            }
        }
        app.close()
    }
}
