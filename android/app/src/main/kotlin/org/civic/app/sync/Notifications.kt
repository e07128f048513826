package org.civic.app.sync

import android.Manifest
import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import android.util.Log
import androidx.core.app.NotificationCompat
import androidx.core.app.NotificationManagerCompat
import androidx.core.content.ContextCompat
import org.civic.app.R
import org.civic.app.Routes
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.Str
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.ReportNotification
import org.civic.core.ReportStatus
import org.civic.core.Severity
import org.civic.core.SyncOutcome
import org.civic.core.WarningNotification
import java.time.Instant

/**
 * The app's notification channels and the notifications sync posts: one per change on the
 * citizen's reports ([CHANNEL_REPORTS]) and one per warning, on [CHANNEL_WARNINGS_URGENT]
 * (heads-up, sound through Do-Not-Disturb where the user allows it) when the core says it is
 * loud, else on [CHANNEL_WARNINGS]. Tapping one opens its report or warning. The reminders
 * before a Green Sunday campaign the resident joined ring on [CHANNEL_CAMPAIGNS] and open it.
 */
object Notifications {
    const val CHANNEL_REPORTS = "reports"
    const val CHANNEL_WARNINGS_URGENT = "warnings-urgent"
    const val CHANNEL_WARNINGS = "warnings"
    const val CHANNEL_SYNC = "sync"
    const val CHANNEL_CAMPAIGNS = "campaigns"

    /** The id of the (silent) notification an expedited sync shows before Android 12. */
    const val SYNC_NOTIFICATION_ID = 1

    private const val TAG_REPORT = "report"
    private const val TAG_WARNING = "warning"
    private const val TAG_CAMPAIGN = "campaign"

    /** Report events already posted in this process: a sync's outcome reaches both the worker
     *  and the app's listener (CivicApplication), and each event is posted once. */
    private val posted = LinkedHashSet<String>()

    @Synchronized
    private fun firstTime(event: String): Boolean {
        if (!posted.add(event)) return false
        if (posted.size > 512) posted.remove(posted.first())
        return true
    }

    /**
     * Everything a sync brought: a notification per change on the citizen's reports in
     * [outcome] (if any), and one per warning the core hands out now (each once, whoever
     * asks). Blocking (reads the core): call it off the main thread. Returns the ids of the
     * warnings it posted.
     */
    fun postSync(context: Context, app: CivicApp, outcome: SyncOutcome?, language: AppLanguage): List<String> {
        outcome?.notifications?.forEach { if (firstTime(it.event)) postReport(context, it, language) }
        return try {
            app.warnings().takeAlertNotifications().onEach { postWarning(context, it, language) }.map { it.id }
        } catch (e: CivicException) {
            Log.w("CivicNotifications", "Cannot read the warnings to show", e)
            emptyList()
        }
    }

    /** Creates (or renames, in the phone's language) the channels; cheap, called at start. */
    fun createChannels(context: Context) {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.O) return
        val manager = context.getSystemService(NotificationManager::class.java) ?: return
        fun channel(id: String, nameRes: Int, descriptionRes: Int, importance: Int) =
            NotificationChannel(id, context.getString(nameRes), importance).apply {
                description = context.getString(descriptionRes)
            }
        manager.createNotificationChannels(
            listOf(
                channel(
                    CHANNEL_REPORTS,
                    R.string.channel_reports,
                    R.string.channel_reports_description,
                    NotificationManager.IMPORTANCE_DEFAULT,
                ),
                channel(
                    CHANNEL_WARNINGS_URGENT,
                    R.string.channel_warnings_urgent,
                    R.string.channel_warnings_urgent_description,
                    NotificationManager.IMPORTANCE_HIGH,
                ).apply {
                    enableVibration(true)
                    lockscreenVisibility = Notification.VISIBILITY_PUBLIC
                },
                channel(
                    CHANNEL_WARNINGS,
                    R.string.channel_warnings,
                    R.string.channel_warnings_description,
                    NotificationManager.IMPORTANCE_DEFAULT,
                ).apply {
                    lockscreenVisibility = Notification.VISIBILITY_PUBLIC
                },
                channel(
                    CHANNEL_SYNC,
                    R.string.channel_sync,
                    R.string.channel_sync_description,
                    NotificationManager.IMPORTANCE_MIN,
                ).apply {
                    setShowBadge(false)
                },
                channel(
                    CHANNEL_CAMPAIGNS,
                    R.string.channel_campaigns,
                    R.string.channel_campaigns_description,
                    NotificationManager.IMPORTANCE_DEFAULT,
                ),
            ),
        )
    }

    /** Whether posting is allowed (Android 13+ asks; the user may turn them off anywhere). */
    fun allowed(context: Context): Boolean {
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU &&
            ContextCompat.checkSelfPermission(context, Manifest.permission.POST_NOTIFICATIONS) != PackageManager.PERMISSION_GRANTED
        ) {
            return false
        }
        return NotificationManagerCompat.from(context).areNotificationsEnabled()
    }

    /** "The city answered / moved your report": opens the report. */
    fun postReport(context: Context, n: ReportNotification, language: AppLanguage) {
        val number = n.publicNumber
        val title = when {
            number != null -> language.pick(Str.notificationReportNumber(number))
            else -> language.pick(Str.NOTIFICATION_YOUR_REPORT)
        }
        val what = n.status?.let { statusText(it, language) }
            ?: language.pick(Str.NOTIFICATION_CITY_REPLIED)
        val body = listOfNotNull(what, n.note?.takeIf { it.isNotBlank() }).joinToString("\n")
        val notification = NotificationCompat.Builder(context, CHANNEL_REPORTS)
            .setSmallIcon(R.drawable.ic_notification)
            .setContentTitle(title)
            .setContentText(what)
            .setStyle(NotificationCompat.BigTextStyle().bigText(body))
            .setWhen(n.at.toEpochMilli())
            .setShowWhen(true)
            .setCategory(NotificationCompat.CATEGORY_STATUS)
            .setPriority(NotificationCompat.PRIORITY_DEFAULT)
            .setAutoCancel(true)
            .setOnlyAlertOnce(true)
            .setContentIntent(open(context, Routes.report(n.report)))
            .build()
        post(context, TAG_REPORT, n.event.hashCode(), notification)
    }

    /** A warning: heads-up and on the lock screen when loud. Opens the warning. */
    fun postWarning(context: Context, w: WarningNotification, language: AppLanguage) {
        val channel = if (w.loud) CHANNEL_WARNINGS_URGENT else CHANNEL_WARNINGS
        val notification = NotificationCompat.Builder(context, channel)
            .setSmallIcon(R.drawable.ic_notification)
            .setContentTitle(severityText(w.severity, language))
            .setContentText(w.headline)
            .setStyle(NotificationCompat.BigTextStyle().bigText(w.headline))
            .setColor(severityArgb(w.severity))
            .setCategory(if (w.loud) NotificationCompat.CATEGORY_ALARM else NotificationCompat.CATEGORY_MESSAGE)
            // Before Android 8 there are no channels: the priority decides heads-up.
            .setPriority(if (w.loud) NotificationCompat.PRIORITY_MAX else NotificationCompat.PRIORITY_DEFAULT)
            .setVisibility(NotificationCompat.VISIBILITY_PUBLIC)
            .setAutoCancel(true)
            .setContentIntent(open(context, Routes.warning(w.id)))
            .build()
        // The warning's id as the notification's: an update of the same warning replaces it.
        post(context, TAG_WARNING, w.id.hashCode(), notification)
    }

    /**
     * A reminder before a campaign the resident joined ("Ngày mai: …", "1 giờ nữa: …"; the
     * core's texts, already in the app's language). Opens the campaign.
     */
    fun postCampaignReminder(context: Context, key: String, campaignId: String, title: String, body: String, at: Instant) {
        val notification = NotificationCompat.Builder(context, CHANNEL_CAMPAIGNS)
            .setSmallIcon(R.drawable.ic_notification)
            .setContentTitle(title)
            .setContentText(body)
            .setStyle(NotificationCompat.BigTextStyle().bigText(body))
            .setWhen(at.toEpochMilli())
            .setShowWhen(true)
            .setCategory(NotificationCompat.CATEGORY_REMINDER)
            .setPriority(NotificationCompat.PRIORITY_DEFAULT)
            .setAutoCancel(true)
            .setContentIntent(open(context, Routes.campaign(campaignId)))
            .build()
        // The reminder's key as the notification's: rung again, it replaces, never doubles.
        post(context, TAG_CAMPAIGN, key.hashCode(), notification)
    }

    /** The silent notification of an expedited sync that runs as a foreground job. */
    fun syncing(context: Context): Notification = NotificationCompat.Builder(context, CHANNEL_SYNC)
        .setSmallIcon(R.drawable.ic_notification)
        .setContentTitle(context.getString(R.string.sync_in_progress))
        .setPriority(NotificationCompat.PRIORITY_MIN)
        .setOngoing(true)
        .setSilent(true)
        .build()

    private fun post(context: Context, tag: String, id: Int, notification: Notification) {
        if (!allowed(context)) return
        try {
            NotificationManagerCompat.from(context).notify(tag, id, notification)
        } catch (e: SecurityException) {
            // The permission was revoked between the check and the call.
        }
    }

    private fun open(context: Context, route: String): PendingIntent = PendingIntent.getActivity(
        context,
        route.hashCode(),
        Routes.intent(context, route),
        PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE,
    )

    private fun statusText(status: ReportStatus, language: AppLanguage): String = when (status) {
        ReportStatus.DRAFT -> language.pick(Str.NOTIFICATION_STATUS_DRAFT)
        ReportStatus.QUEUED -> language.pick(Str.NOTIFICATION_STATUS_QUEUED)
        ReportStatus.SUBMITTED -> language.pick(Str.NOTIFICATION_STATUS_SUBMITTED)
        ReportStatus.RECEIVED -> language.pick(Str.NOTIFICATION_STATUS_RECEIVED)
        ReportStatus.ASSIGNED -> language.pick(Str.NOTIFICATION_STATUS_ASSIGNED)
        ReportStatus.IN_PROGRESS -> language.pick(Str.NOTIFICATION_STATUS_IN_PROGRESS)
        ReportStatus.RESOLVED -> language.pick(Str.NOTIFICATION_STATUS_RESOLVED)
        ReportStatus.REJECTED -> language.pick(Str.NOTIFICATION_STATUS_REJECTED)
        ReportStatus.DUPLICATE -> language.pick(Str.NOTIFICATION_STATUS_DUPLICATE)
        ReportStatus.REOPENED -> language.pick(Str.NOTIFICATION_STATUS_REOPENED)
    }

    private fun severityText(severity: Severity, language: AppLanguage): String = when (severity) {
        Severity.EXTREME -> language.pick(Str.NOTIFICATION_SEVERITY_EXTREME)
        Severity.SEVERE -> language.pick(Str.NOTIFICATION_SEVERITY_SEVERE)
        Severity.MODERATE -> language.pick(Str.NOTIFICATION_SEVERITY_MODERATE)
        Severity.MINOR -> language.pick(Str.NOTIFICATION_SEVERITY_MINOR)
        Severity.UNKNOWN -> language.pick(Str.NOTIFICATION_SEVERITY_MODERATE)
    }

    // The same colours as the ui theme's severityColor, as ARGB ints.
    private fun severityArgb(severity: Severity): Int = when (severity) {
        Severity.EXTREME -> 0xFF8E0000.toInt()
        Severity.SEVERE -> 0xFFD84315.toInt()
        Severity.MODERATE -> 0xFFF9A825.toInt()
        Severity.MINOR -> 0xFF2E7D32.toInt()
        Severity.UNKNOWN -> 0xFF607D8B.toInt()
    }
}
