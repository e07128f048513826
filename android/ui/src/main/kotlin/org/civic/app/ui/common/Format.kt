package org.civic.app.ui.common

import org.civic.app.ui.AppLanguage
import org.civic.app.ui.Str
import org.civic.core.spanLabel
import java.time.Duration
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.util.Locale

/** Time shown to people: the phone's zone, day/month first in both languages (as in Việt Nam). */
object Format {
    var zone: ZoneId = ZoneId.systemDefault()

    private val dateTime = DateTimeFormatter.ofPattern("HH:mm dd/MM/yyyy", Locale.ROOT)
    private val time = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)

    fun dateTime(at: Instant): String = dateTime.format(at.atZone(zone))

    fun time(at: Instant): String = time.format(at.atZone(zone))

    /** "5 phút trước" / "5 min ago", falling back to the date after a week. */
    fun ago(at: Instant, now: Instant, language: AppLanguage): String {
        val d = Duration.between(at, now)
        return when {
            d.isNegative || d.toMinutes() < 1 -> language.pick(Str.COMMON_JUST_NOW)
            d.toHours() < 1 -> language.pick(Str.commonMinutesAgo(d.toMinutes()))
            d.toDays() < 1 -> language.pick(Str.commonHoursAgo(d.toHours()))
            d.toDays() < 7 -> language.pick(Str.commonDaysAgo(d.toDays()))
            else -> dateTime(at)
        }
    }

    /** A span of hours: "3 giờ", "2 ngày 4 giờ" / "3 h", "2 d 4 h". */
    fun hours(hours: Double, language: AppLanguage): String = spanLabel(hours, language.code)

    /** Bytes for people on metered data: "1,2 MB" in Vietnamese, "1.2 MB" in English. */
    fun bytes(bytes: Long, language: AppLanguage): String {
        val text = when {
            bytes < 1_000 -> "$bytes B"
            bytes < 1_000_000 -> String.format(Locale.ROOT, "%.0f kB", bytes / 1e3)
            else -> String.format(Locale.ROOT, "%.1f MB", bytes / 1e6)
        }
        return if (language == AppLanguage.VI) text.replace('.', ',') else text
    }
}
