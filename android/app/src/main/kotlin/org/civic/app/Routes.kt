package org.civic.app

import android.content.Context
import android.content.Intent
import android.net.Uri

/**
 * The app's navigation routes (navigation-compose string routes). Notifications carry one in
 * [EXTRA_ROUTE] of the intent that opens [MainActivity], which navigates there.
 */
object Routes {
    const val EXTRA_ROUTE = "org.civic.app.ROUTE"

    const val FIRST_RUN = "first-run"
    const val REPORTS = "reports"
    const val REPORT = "report/{id}"
    const val NEW_REPORT = "new-report"
    const val WARNINGS = "warnings"
    const val WARNING = "warning/{id}"
    const val SUBSCRIPTIONS = "subscriptions"
    const val MAP = "map"
    const val CAMPAIGNS = "campaigns"
    const val CAMPAIGN = "campaign/{id}"
    const val OFFICIAL_LOGIN = "official/login"
    const val OFFICIAL_INBOX = "official/inbox"
    const val OFFICIAL_REPORT = "official/report/{id}"
    const val ABOUT = "about"

    fun report(id: String) = "report/${Uri.encode(id)}"
    fun warning(id: String) = "warning/${Uri.encode(id)}"
    fun campaign(id: String) = "campaign/${Uri.encode(id)}"
    fun officialReport(id: String) = "official/report/${Uri.encode(id)}"

    /** An intent that opens the app on [route] (from a notification). */
    fun intent(context: Context, route: String): Intent = Intent(context, MainActivity::class.java)
        .setAction(Intent.ACTION_VIEW)
        // Distinct data per route, so PendingIntents for different reports never merge.
        .setData(Uri.parse("civic-app://route/" + Uri.encode(route)))
        .putExtra(EXTRA_ROUTE, route)
        .addFlags(Intent.FLAG_ACTIVITY_SINGLE_TOP or Intent.FLAG_ACTIVITY_CLEAR_TOP)
}
