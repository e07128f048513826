package org.civic.app.sync

import android.Manifest
import android.app.Application
import android.app.Notification
import android.app.NotificationManager
import android.content.Context
import androidx.test.core.app.ApplicationProvider
import androidx.work.ListenableWorker
import androidx.work.WorkInfo
import androidx.work.WorkManager
import androidx.work.testing.TestListenableWorkerBuilder
import kotlinx.coroutines.runBlocking
import org.civic.app.CivicApplication
import org.civic.app.Routes
import org.civic.app.testing.FakeAndroidKeyStore
import org.civic.app.testing.TestCivicApplication
import org.civic.app.ui.AppLanguage
import org.civic.core.testing.City
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import java.time.Duration
import java.time.Instant
import java.time.temporal.ChronoUnit
import kotlin.math.abs

/** The reminders before a Green Sunday the resident joined, as WorkManager works. */
@RunWith(RobolectricTestRunner::class)
@Config(application = TestCivicApplication::class)
class CampaignRemindersTest {
    private val context: Context = ApplicationProvider.getApplicationContext()
    private val manager get() = context.getSystemService(NotificationManager::class.java)
    private lateinit var work: WorkManager

    @Before fun setUp() {
        FakeAndroidKeyStore.install()
        work = testWorkManager(context)
        shadowOf(context as Application).grantPermissions(Manifest.permission.POST_NOTIFICATIONS)
    }

    private fun waiting() = work.tagged(CampaignReminders.TAG).filter { !it.state.isFinished }

    @Test fun joiningSchedulesTheRemindersAndTheCampaignCalledOffCancelsThem() {
        val campaign = City.announceCampaign(Instant.now().plus(3, ChronoUnit.DAYS))
        // The resident reads Vietnamese (the test phone is in English).
        (context as CivicApplication).setLanguage(AppLanguage.VI)
        val app = (context as CivicApplication).app
        // The campaign screen lists them first; the core keeps what it read.
        runBlocking { app.campaigns().list() }
        app.campaigns().join(campaign, null, "Tổ dân phố 7")
        val reminders = app.campaigns().reminders()
        assertEquals("the evening before and an hour before: $reminders", 2, reminders.size)

        val now = Instant.now()
        CampaignReminders.update(context, app)

        val works = waiting()
        assertEquals(2, works.size)
        for (reminder in reminders) {
            val w = works.single { "civic-campaign-reminder:${reminder.key}" in it.tags }
            assertEquals(WorkInfo.State.ENQUEUED, w.state)
            val expected = Duration.between(now, reminder.at).toMillis()
            assertTrue("rings at ${reminder.at}: delay ${w.initialDelayMillis}ms", abs(w.initialDelayMillis - expected) < 5_000)
            val input = workSpec(context, w.id).input
            assertEquals(reminder.title, input.getString(CampaignReminders.TITLE))
            assertEquals(campaign, input.getString(CampaignReminders.CAMPAIGN))
        }
        // Scheduled again (every sync does): the same two, never four.
        CampaignReminders.update(context, app)
        assertEquals(2, waiting().size)
        runBlocking { app.campaigns().send() }

        // Rain: the operator calls it off; the next sync learns it.
        val (status, body) = City.call("POST", "/api/v1/campaigns/$campaign/cancel", City.login(), """{"reason":"Mưa lớn"}""")
        assertEquals(body, 200, status)
        val result = runBlocking { TestListenableWorkerBuilder<SyncWorker>(context).build().doWork() }
        assertEquals(ListenableWorker.Result.success(), result)

        assertTrue("still waiting: ${waiting()}", waiting().isEmpty())
        val works2 = work.tagged(CampaignReminders.TAG)
        assertTrue(works2.all { it.state == WorkInfo.State.CANCELLED })
        // The resident is told once, on the campaigns channel; tapping opens the campaign.
        val told = shadowOf(manager).allNotifications.single { it.channelId == Notifications.CHANNEL_CAMPAIGNS }
        assertEquals("Đã huỷ: Chủ nhật xanh", told.extras.getString(Notification.EXTRA_TITLE))
        assertEquals("Mưa lớn", told.extras.getCharSequence(Notification.EXTRA_TEXT).toString())
        assertEquals(Routes.campaign(campaign), shadowOf(told.contentIntent).savedIntent.getStringExtra(Routes.EXTRA_ROUTE))
    }

    @Test fun aReminderWokenBeforeItsTimeDoesNotRingAndWaitsAgain() {
        val campaign = City.announceCampaign(Instant.now().plus(3, ChronoUnit.DAYS))
        val app = (context as CivicApplication).app
        runBlocking { app.campaigns().list() }
        app.campaigns().join(campaign, null, "Tổ dân phố 8")
        runBlocking { app.campaigns().send() }
        CampaignReminders.update(context, app)
        val evening = app.campaigns().reminders().minBy { it.at }
        val first = waiting().single { "civic-campaign-reminder:${evening.key}" in it.tags }

        // The system wakes it early (a clock change): the core still lists it ahead.
        assertEquals(ListenableWorker.Result.success(), runEnqueued<CampaignReminderWorker>(context, first.id))

        assertTrue("rang early: ${shadowOf(manager).allNotifications.map { it.extras }}", shadowOf(manager).allNotifications.isEmpty())
        val again = waiting().filter { "civic-campaign-reminder:${evening.key}" in it.tags && it.id != first.id }
        assertEquals("set again for its time: ${waiting()}", 1, again.size)
        assertTrue("still for its time", workSpec(context, again.single().id).initialDelay > Duration.ofDays(1).toMillis())
    }
}
