package org.civic.app.ui.warnings

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.onAllNodesWithContentDescription
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.testing.Look
import org.civic.app.ui.testing.awaitText
import org.civic.app.ui.testing.count
import org.civic.app.ui.testing.screen
import org.civic.core.AlertState
import org.civic.core.Severity
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.time.Duration

@OptIn(ExperimentalTestApi::class)
class WarningDetailTest {
    private val instruction = "Di chuyển người già, trẻ em lên chỗ cao. Không đi qua đường ngập." to
        "Move the elderly and children to high ground. Do not cross flooded roads."
    private val description = "Mực nước sông Hương tại Kim Long vượt báo động 3." to
        "The Perfume River at Kim Long is above alarm level 3."

    @Test
    fun `an Extreme flood shows what to do first, its times and its area on the map`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            fun w(a: String, b: String) = if (vi) a else b
            val warning = sample(
                "flood", look.language, AlertState.ACTIVE, Severity.EXTREME,
                "Lũ khẩn cấp trên sông Hương", "Flash flood on the Perfume River", Duration.ofMinutes(30), read = false,
                instruction = instruction, description = description,
            )
            var back = 0
            screen("warning-detail-extreme", look, { WarningDetailContent(warning, true, null, CITADEL_AREA) { back++ } }) {
                awaitText(w("Lũ khẩn cấp trên sông Hương", "Flash flood on the Perfume River"))
                onNodeWithText(w("Đặc biệt nguy hiểm", "Extreme")).assertIsDisplayed()
                onNodeWithText(w("Bạn cần làm gì", "What you must do"), substring = true).assertIsDisplayed()
                onNodeWithText(w(instruction.first, instruction.second), substring = true).assertIsDisplayed()
                // What to do comes before the details.
                assertEquals(
                    true,
                    boundsOf(w("Bạn cần làm gì", "What you must do"), substring = true).top <
                        boundsOf(w(description.first, description.second)).top,
                )
                assertEquals(2, count(w("Đang hiệu lực", "In force")), "the state as a chip and as a field")
                onNodeWithText(
                    w("Trung tâm Giám sát điều hành đô thị thông minh Huế", "Hue Smart City Operations Centre"),
                ).performScrollTo()
                onNodeWithText(w("30 phút trước", "30 min ago"), substring = true).assertIsDisplayed()
                onNodeWithText(w("Hiệu lực đến", "In force until")).assertIsDisplayed()
                onNodeWithContentDescription(w("Bản đồ vùng cảnh báo", "Map of the warning's area")).performScrollTo().assertIsDisplayed()
                assertEquals(0, count(w("Diễn tập", "Exercise"), substring = true), "a real warning is not called a drill")
                onNodeWithText(w("‹ Quay lại", "‹ Back")).performClick()
                assertEquals(1, back)
            }
        }
    }

    @Test
    fun `a cancelled drill says so at the top and has no map without an area`() {
        for (look in Look.all) {
            val vi = look.language == AppLanguage.VI
            fun w(a: String, b: String) = if (vi) a else b
            val warning = sample(
                "drill", look.language, AlertState.CANCELLED, Severity.MODERATE,
                "Diễn tập sơ tán phường Thuận Hóa", "Evacuation drill in Thuan Hoa ward", Duration.ofHours(3), read = true, exercise = true,
            )
            screen("warning-detail-cancelled-drill", look, { WarningDetailContent(warning, true, null, emptyList()) {} }) {
                awaitText(w("Diễn tập · Đã huỷ", "Exercise · Cancelled"))
                onNodeWithText(w("Trung bình", "Moderate")).assertIsDisplayed()
                assertEquals(1, count(w("Diễn tập", "Exercise")), "the drill chip")
                assertEquals(2, count(w("Đã huỷ", "Cancelled")), "the state as a chip and as a field")
                assertEquals(0, count(w("Bạn cần làm gì", "What you must do")), "no instruction given: no box")
                onNodeWithText(w("Lẽ ra đến", "Was due to end")).assertIsDisplayed()
                assertEquals(0, count(w("Hiệu lực đến", "In force until")), "a cancelled warning is not 'in force until'")
                assertEquals(
                    0,
                    onAllNodesWithContentDescription(w("Bản đồ vùng cảnh báo", "Map of the warning's area")).fetchSemanticsNodes().size,
                )
            }
        }
    }

    @Test
    fun `a warning no longer on the phone says so`() {
        screen("warning-detail-missing", Look(AppLanguage.VI), { WarningDetailContent(null, true, null, emptyList()) {} }) {
            awaitText("Không tìm thấy cảnh báo")
        }
    }
}
