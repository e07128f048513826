package org.civic.app.ui.official

import org.civic.app.ui.AppLanguage
import org.civic.app.ui.Str
import org.civic.core.ReportStatus
import org.civic.core.dueLabel
import org.civic.core.isOverdue
import org.civic.core.statusLabel
import java.time.Instant

/** Words of the official's screens that the core does not return. */
object OfficialWords {
    /** A status's name for filter chips, timeline steps and buttons: the core's words. */
    fun status(status: ReportStatus, language: AppLanguage): String = statusLabel(status, language.code)

    /** Whether a report due at [due] is overdue at [now]: the core's rule. */
    fun overdue(due: Instant, now: Instant): Boolean = isOverdue(due, now)

    /** "Quá hạn 3 giờ" / "Overdue by 3 h", or "Còn 5 giờ" / "Due in 5 h": the core's words. */
    fun due(due: Instant, now: Instant, language: AppLanguage): String = dueLabel(due, now, language.code)

    /** Said of an action kept on the phone until there is a connection. */
    fun waiting(language: AppLanguage): String = language.pick(Str.OFFICIAL_WAITING_NETWORK)
}
