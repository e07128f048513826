package org.civic.app.ui.capture

import org.civic.app.ui.AppLanguage
import org.civic.core.Category
import org.civic.core.FixSource
import org.civic.core.LocationFix
import kotlin.math.roundToInt

/**
 * One thing the draft still needs (the core's "photo", "location", "category",
 * "answer:<code>"), in the citizen's words: a question is named by its prompt.
 */
fun missingWords(code: String, category: Category?, language: AppLanguage): String = when {
    code == "photo" -> language.pick("ít nhất một ảnh", "at least one photo")
    code == "location" -> language.pick("vị trí", "the location")
    code == "category" -> language.pick("loại vấn đề", "what kind of problem it is")
    code.startsWith("answer:") -> {
        val question = code.removePrefix("answer:")
        category?.questions?.firstOrNull { it.code == question }?.prompt?.let { "“$it”" }
            ?: language.pick("một câu hỏi bắt buộc", "a required question")
    }
    else -> code
}

/** "Còn thiếu: ít nhất một ảnh, vị trí" / "Still needed: at least one photo, the location". */
fun missingLine(missing: List<String>, category: Category?, language: AppLanguage): String =
    language.pick("Còn thiếu: ", "Still needed: ") + missing.joinToString(", ") { missingWords(it, category, language) }

/** The fix's precision and where it came from: "±12 m (GPS)", "Đã chỉnh trên bản đồ". */
fun accuracyWords(fix: LocationFix, language: AppLanguage): String {
    val metres = "±${fix.accuracyM.roundToInt()} m"
    return when (fix.source) {
        FixSource.GPS -> language.pick("$metres (GPS)", "$metres (GPS)")
        FixSource.PHOTO_EXIF -> language.pick("$metres (vị trí trong ảnh)", "$metres (from the photo)")
        FixSource.PIN -> language.pick("Đã chỉnh trên bản đồ", "Set on the map")
    }
}

/** A distance for people: "20 m". */
fun distanceWords(metres: Double): String = "${metres.roundToInt()} m"

/** How long the city expects to take: "khoảng 24 giờ" / "about 24 hours", days beyond two. */
fun expectedWords(hours: UInt, language: AppLanguage): String {
    val h = hours.toInt()
    return if (h > 48 && h % 24 == 0) {
        language.pick("khoảng ${h / 24} ngày", "about ${h / 24} days")
    } else {
        language.pick("khoảng $h giờ", "about $h hours")
    }
}
