package org.civic.app.sync

import android.Manifest
import android.app.Application
import android.app.Notification
import android.app.NotificationManager
import android.content.Context
import androidx.test.core.app.ApplicationProvider
import org.civic.app.MainActivity
import org.civic.app.R
import org.civic.app.Routes
import org.civic.app.ui.AppLanguage
import org.civic.core.ReportNotification
import org.civic.core.ReportStatus
import org.civic.core.Severity
import org.civic.core.SyncOutcome
import org.civic.core.SyncState
import org.civic.core.WarningNotification
import org.civic.core.testing.openApp
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import java.time.Duration
import java.time.Instant
import java.time.temporal.ChronoUnit
import java.util.UUID

/** The channels and what a resident sees posted on them, and taps. */
@RunWith(RobolectricTestRunner::class)
@Config(qualifiers = "vi")
class NotificationsTest {
    private val context: Context = ApplicationProvider.getApplicationContext()
    private val manager get() = context.getSystemService(NotificationManager::class.java)
    private val posted get() = shadowOf(manager).allNotifications

    @Before fun allowNotifications() {
        shadowOf(context as Application).grantPermissions(Manifest.permission.POST_NOTIFICATIONS)
    }

    @Test fun theChannelsAreCreatedWithTheirNamesAndImportance() {
        // The application created them at start: start again from none.
        manager.notificationChannels.forEach { manager.deleteNotificationChannel(it.id) }
        assertTrue(manager.notificationChannels.isEmpty())

        Notifications.createChannels(context)

        val channels = manager.notificationChannels.associateBy { it.id }
        assertEquals(
            setOf(
                Notifications.CHANNEL_REPORTS,
                Notifications.CHANNEL_WARNINGS_URGENT,
                Notifications.CHANNEL_WARNINGS,
                Notifications.CHANNEL_SYNC,
                Notifications.CHANNEL_CAMPAIGNS,
            ),
            channels.keys,
        )
        val urgent = channels.getValue(Notifications.CHANNEL_WARNINGS_URGENT)
        assertEquals("Cảnh báo khẩn cấp", urgent.name)
        assertEquals(context.getString(R.string.channel_warnings_urgent_description), urgent.description)
        assertEquals("heads-up", NotificationManager.IMPORTANCE_HIGH, urgent.importance)
        assertTrue(urgent.shouldVibrate())
        assertEquals(Notification.VISIBILITY_PUBLIC, urgent.lockscreenVisibility)

        val warnings = channels.getValue(Notifications.CHANNEL_WARNINGS)
        assertEquals("Cảnh báo", warnings.name)
        assertEquals(NotificationManager.IMPORTANCE_DEFAULT, warnings.importance)
        assertEquals(Notification.VISIBILITY_PUBLIC, warnings.lockscreenVisibility)

        val reports = channels.getValue(Notifications.CHANNEL_REPORTS)
        assertEquals("Báo cáo của bạn", reports.name)
        assertEquals(NotificationManager.IMPORTANCE_DEFAULT, reports.importance)

        val sync = channels.getValue(Notifications.CHANNEL_SYNC)
        assertEquals("Đồng bộ", sync.name)
        assertEquals("silent, in the shade", NotificationManager.IMPORTANCE_MIN, sync.importance)
        assertFalse(sync.canShowBadge())

        val campaigns = channels.getValue(Notifications.CHANNEL_CAMPAIGNS)
        assertEquals("Chủ nhật xanh", campaigns.name)
        assertEquals(NotificationManager.IMPORTANCE_DEFAULT, campaigns.importance)
    }

    @Test fun thePhoneInEnglishRenamesTheChannels() {
        Notifications.createChannels(context)
        assertEquals("Cảnh báo khẩn cấp", manager.getNotificationChannel(Notifications.CHANNEL_WARNINGS_URGENT).name)

        RuntimeEnvironment.setQualifiers("en")
        Notifications.createChannels(context)

        assertEquals("Urgent warnings", manager.getNotificationChannel(Notifications.CHANNEL_WARNINGS_URGENT).name)
        assertEquals("Your reports", manager.getNotificationChannel(Notifications.CHANNEL_REPORTS).name)
        assertEquals("Green Sunday", manager.getNotificationChannel(Notifications.CHANNEL_CAMPAIGNS).name)
        assertEquals("renamed, not added", 5, manager.notificationChannels.size)
    }

    @Test fun anExtremeWarningIsUrgentAndOpensTheWarning() {
        val id = "w-extreme-1"
        Notifications.postWarning(
            context,
            WarningNotification(id, "Lũ khẩn cấp trên sông Hương", Severity.EXTREME, loud = true),
            AppLanguage.VI,
        )

        val n = posted.single()
        assertEquals(Notifications.CHANNEL_WARNINGS_URGENT, n.channelId)
        assertEquals("Cảnh báo cực kỳ nguy hiểm", n.extras.getString(Notification.EXTRA_TITLE))
        assertEquals("Lũ khẩn cấp trên sông Hương", n.extras.getCharSequence(Notification.EXTRA_TEXT).toString())
        assertEquals(Notification.CATEGORY_ALARM, n.category)
        assertEquals(Notification.VISIBILITY_PUBLIC, n.visibility)
        assertOpens(n, Routes.warning(id))
    }

    @Test fun aMinorWarningGoesToTheOrdinaryChannelInTheResidentsLanguage() {
        Notifications.postWarning(
            context,
            WarningNotification("w-minor-1", "Cut water in Thuận Hóa", Severity.MINOR, loud = false),
            AppLanguage.EN,
        )

        val n = posted.single()
        assertEquals(Notifications.CHANNEL_WARNINGS, n.channelId)
        assertEquals("Advisory", n.extras.getString(Notification.EXTRA_TITLE))
        assertEquals("Cut water in Thuận Hóa", n.extras.getCharSequence(Notification.EXTRA_TEXT).toString())
        assertOpens(n, Routes.warning("w-minor-1"))
    }

    @Test fun anUpdatedWarningReplacesItsNotification() {
        Notifications.postWarning(context, WarningNotification("w-1", "Mưa lớn", Severity.MODERATE, loud = false), AppLanguage.VI)
        Notifications.postWarning(context, WarningNotification("w-1", "Lũ quét", Severity.SEVERE, loud = true), AppLanguage.VI)
        Notifications.postWarning(context, WarningNotification("w-2", "Gió mạnh", Severity.MODERATE, loud = false), AppLanguage.VI)

        assertEquals(2, posted.size)
        val first = posted.single { it.extras.getCharSequence(Notification.EXTRA_TEXT).toString() != "Gió mạnh" }
        assertEquals("Lũ quét", first.extras.getCharSequence(Notification.EXTRA_TEXT).toString())
        assertEquals(Notifications.CHANNEL_WARNINGS_URGENT, first.channelId)
    }

    @Test fun anAnswerOnAReportOpensTheReport() {
        val n = report(ReportStatus.RESOLVED, note = "Đã thu gom rác.")
        Notifications.postReport(context, n, AppLanguage.VI)

        val shown = posted.single()
        assertEquals(Notifications.CHANNEL_REPORTS, shown.channelId)
        assertEquals("Báo cáo HUE-2025-000042", shown.extras.getString(Notification.EXTRA_TITLE))
        assertEquals("Đã xử lý xong", shown.extras.getCharSequence(Notification.EXTRA_TEXT).toString())
        assertEquals("Đã xử lý xong\nĐã thu gom rác.", shown.extras.getCharSequence(Notification.EXTRA_BIG_TEXT).toString())
        assertEquals(n.at.toEpochMilli(), shown.`when`)
        assertOpens(shown, Routes.report(n.report))
    }

    @Test fun aReplyWithoutANumberYetSaysTheCityReplied() {
        Notifications.postReport(context, report(null, note = "Cảm ơn bạn", number = null), AppLanguage.EN)
        val shown = posted.single()
        assertEquals("Your report", shown.extras.getString(Notification.EXTRA_TITLE))
        assertEquals("The city replied", shown.extras.getCharSequence(Notification.EXTRA_TEXT).toString())
    }

    @Test fun aSyncsReportEventIsPostedOnceEvenWhenHeardTwice() {
        val app = openApp(serverUrl = "http://127.0.0.1:9")
        val outcome =
            SyncOutcome(
                submitted = emptyList(),
                refused = emptyList(),
                notifications = listOf(report(ReportStatus.ASSIGNED)),
                alertsRaised = 0u,
                state = SyncState.Idle(Instant.now()),
            )

        Notifications.postSync(context, app, outcome, AppLanguage.VI)
        assertEquals(1, posted.size)
        // The resident swipes it away; the app's listener then hears the same outcome.
        manager.cancelAll()
        Notifications.postSync(context, app, outcome, AppLanguage.VI)
        assertTrue("posted again: ${posted.map { it.extras.getString(Notification.EXTRA_TITLE) }}", posted.isEmpty())
    }

    @Test fun aCampaignReminderOpensTheCampaign() {
        val at = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS)
        val ring = {
            Notifications.postCampaignReminder(
                context,
                "c-7:evening",
                "c-7",
                "Ngày mai: Chủ nhật xanh",
                "Tập trung tại Cửa Thượng Tứ, 6:00",
                at,
            )
        }
        ring()

        val n = posted.single()
        assertEquals(Notifications.CHANNEL_CAMPAIGNS, n.channelId)
        assertEquals("Ngày mai: Chủ nhật xanh", n.extras.getString(Notification.EXTRA_TITLE))
        assertEquals("Tập trung tại Cửa Thượng Tứ, 6:00", n.extras.getCharSequence(Notification.EXTRA_TEXT).toString())
        assertEquals(Notification.CATEGORY_REMINDER, n.category)
        assertEquals(at.toEpochMilli(), n.`when`)
        assertOpens(n, Routes.campaign("c-7"))

        // Rung again (the work re-run), it replaces itself.
        ring()
        assertEquals(1, posted.size)
    }

    @Test fun withoutThePermissionNothingIsPosted() {
        shadowOf(context as Application).denyPermissions(Manifest.permission.POST_NOTIFICATIONS)
        assertFalse(Notifications.allowed(context))

        Notifications.postWarning(context, WarningNotification("w-9", "Lũ", Severity.EXTREME, loud = true), AppLanguage.VI)
        Notifications.postReport(context, report(ReportStatus.RESOLVED), AppLanguage.VI)
        Notifications.postCampaignReminder(context, "k", "c", "t", "b", Instant.now())

        assertTrue(posted.isEmpty())
    }

    @Test fun notificationsTurnedOffInSettingsPostNothing() {
        assertTrue(Notifications.allowed(context))
        shadowOf(manager).setNotificationsEnabled(false)
        assertFalse(Notifications.allowed(context))
        Notifications.postWarning(context, WarningNotification("w-10", "Lũ", Severity.EXTREME, loud = true), AppLanguage.VI)
        assertTrue(posted.isEmpty())
    }

    /** A change on a report; each one its own event (posted events are remembered per process). */
    private fun report(status: ReportStatus?, note: String? = null, number: String? = "HUE-2025-000042") = ReportNotification(
        event = "event-" + UUID.randomUUID(),
        report = "r-" + UUID.randomUUID(),
        publicNumber = number,
        status = status,
        note = note,
        at = Instant.parse("2025-11-02T03:04:05Z"),
    )

    private fun assertOpens(n: Notification, route: String) {
        val intent = shadowOf(n.contentIntent).savedIntent
        assertNotNull(intent)
        assertEquals(MainActivity::class.java.name, intent.component?.className)
        assertEquals(route, intent.getStringExtra(Routes.EXTRA_ROUTE))
        assertTrue("opens an activity", shadowOf(n.contentIntent).isActivityIntent)
    }
}
