package org.civic.app.ui.official

import org.civic.app.ui.AppLanguage
import org.civic.app.ui.Str
import org.civic.app.ui.common.Format
import org.civic.core.ReportStatus
import org.civic.core.statusLabel
import java.time.Duration
import java.time.Instant

/** Words of the official's screens that the core does not return. */
object OfficialWords {
    /** A status's name for filter chips, timeline steps and buttons: the core's words. */
    fun status(status: ReportStatus, language: AppLanguage): String = statusLabel(status, language.code)

    /** Whether a report due at [due] is overdue at [now]. */
    fun overdue(due: Instant, now: Instant): Boolean = now.isAfter(due)

    /** "Quá hạn 3 giờ" / "Overdue by 3 h", or "Còn 5 giờ" / "Due in 5 h". */
    fun due(due: Instant, now: Instant, language: AppLanguage): String {
        val late = overdue(due, now)
        val span = if (late) Duration.between(due, now) else Duration.between(now, due)
        val text = Format.hours(span.toMillis() / 3_600_000.0, language)
        return if (late) language.pick(Str.officialOverdue(text)) else language.pick(Str.officialDueIn(text))
    }

    /** Said of an action kept on the phone until there is a connection. */
    fun waiting(language: AppLanguage): String = language.pick(Str.OFFICIAL_WAITING_NETWORK)
}
