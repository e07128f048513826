package org.civic.app.sync

import android.Manifest
import android.app.Application
import android.app.Notification
import android.app.NotificationManager
import android.content.Context
import androidx.test.core.app.ApplicationProvider
import androidx.work.ListenableWorker
import androidx.work.NetworkType
import androidx.work.WorkInfo
import androidx.work.WorkManager
import androidx.work.testing.TestListenableWorkerBuilder
import androidx.work.workDataOf
import kotlinx.coroutines.runBlocking
import org.civic.app.CivicApplication
import org.civic.app.Routes
import org.civic.app.testing.FakeAndroidKeyStore
import org.civic.app.testing.TestCivicApplication
import org.civic.app.ui.AppLanguage
import org.civic.core.SavedPlace
import org.civic.core.Severity
import org.civic.core.testing.CITADEL_LAT
import org.civic.core.testing.CITADEL_LON
import org.civic.core.testing.City
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import java.time.Instant
import java.util.UUID

/** The server's wake-up for a warning, from the push message to the notification. */
@RunWith(RobolectricTestRunner::class)
class WarningPushTest {
    private val context: Context = ApplicationProvider.getApplicationContext()
    private val manager get() = context.getSystemService(NotificationManager::class.java)
    private lateinit var work: WorkManager

    @Before fun setUp() {
        FakeAndroidKeyStore.install()
        work = testWorkManager(context)
    }

    @Test fun aWarningPushWakesAnExpeditedSyncCarryingTheWarning() {
        val id = "HUE-IOC-0192f3a4b5c67d8e9f0a1b2c3d4e5f60"
        assertTrue(WarningPush.received(context, mapOf("kind" to "alert", "alert" to id)))

        val sync = work.unique(SyncScheduler.WORK_SOON).single()
        assertEquals(WorkInfo.State.ENQUEUED, sync.state)
        assertEquals(NetworkType.CONNECTED, sync.constraints.requiredNetworkType)
        val spec = workSpec(context, sync.id)
        assertTrue("expedited", spec.expedited)
        assertEquals(SyncWorker::class.java.name, spec.workerClassName)
        assertEquals(id, spec.input.getString(SyncWorker.WARNING))
    }

    @Test fun messagesThatAreNoWarningsWakeNothing() {
        val malformed = listOf(
            mapOf("kind" to "report", "alert" to "HUE-IOC-1"),
            mapOf("alert" to "HUE-IOC-1"),
            mapOf("kind" to "alert"),
            mapOf("kind" to "alert", "alert" to ""),
            mapOf("kind" to "alert", "alert" to "HUE IOC 1"),
            mapOf("kind" to "alert", "alert" to "HUE-IOC-1\n"),
            mapOf("kind" to "alert", "alert" to "a,b"),
            mapOf("kind" to "alert", "alert" to "<script>"),
            mapOf("kind" to "alert", "alert" to "a&b"),
            mapOf("kind" to "alert", "alert" to "x".repeat(257)),
            mapOf("kind" to "alert", "alert" to "x".repeat(1000)),
        )
        for (data in malformed) assertFalse("accepted: $data", WarningPush.received(context, data))
        assertTrue(work.unique(SyncScheduler.WORK_SOON).isEmpty())

        // A partner's CAP identifier (imported warnings keep theirs), and the longest id it takes.
        assertTrue(WarningPush.received(context, mapOf("kind" to "alert", "alert" to "urn:oid:2.49.0.1.704.0/2026.12.06:1")))
        assertTrue(WarningPush.received(context, mapOf("kind" to "alert", "alert" to "x".repeat(256))))
        assertEquals(2, work.unique(SyncScheduler.WORK_SOON).size)
    }

    @Test fun aNewTokenWaitsForANetworkAndANewerOneReplacesIt() {
        WarningPush.newToken(context, "token-1")
        WarningPush.newToken(context, "token-2")
        WarningPush.newToken(context, " ")

        val waiting = work.unique(WarningPush.WORK_TOKEN).filter { !it.state.isFinished }.single()
        assertEquals(NetworkType.CONNECTED, waiting.constraints.requiredNetworkType)
        assertEquals("token-2", workSpec(context, waiting.id).input.getString(WarningPush.TOKEN))
    }

    @Test
    @Config(application = TestCivicApplication::class)
    fun theTokenIsRegisteredWithTheServer() {
        WarningPush.newToken(context, "fcm-" + UUID.randomUUID())
        val registration = work.unique(WarningPush.WORK_TOKEN).single()

        // registerPush throws unless the server stored it (204).
        assertEquals(ListenableWorker.Result.success(), runEnqueued<PushTokenWorker>(context, registration.id))
    }

    @Test
    @Config(application = ElsewhereApplication::class)
    fun withoutTheServerTheTokenIsTriedAgainLater() {
        val worker = TestListenableWorkerBuilder<PushTokenWorker>(context)
            .setInputData(workDataOf(WarningPush.TOKEN to "fcm-token"))
            .build()
        assertEquals(ListenableWorker.Result.retry(), runBlocking { worker.doWork() })
    }

    @Test
    @Config(application = TestCivicApplication::class)
    fun aPushedWarningIsFetchedAndShownOnce() {
        shadowOf(context as Application).grantPermissions(Manifest.permission.POST_NOTIFICATIONS)
        // The resident reads Vietnamese (the test phone is in English).
        (context as CivicApplication).setLanguage(AppLanguage.VI)
        val app = (context as CivicApplication).app
        // A resident of the citadel, as the bindings' tests make one; what was there before
        // is seen and shown already.
        app.warnings().addPlace(SavedPlace.Point("Nhà", CITADEL_LAT, CITADEL_LON, 300.0))
        app.warnings().setSubscription(app.warnings().subscription().copy(language = "vi", minSeverity = Severity.MODERATE))
        runBlocking { app.syncNow() }
        app.warnings().takeAlertNotifications()

        val alert = publishFlood()
        assertTrue(WarningPush.received(context, mapOf("kind" to "alert", "alert" to alert)))
        val sync = work.unique(SyncScheduler.WORK_SOON).single()
        assertEquals(ListenableWorker.Result.success(), runEnqueued<SyncWorker>(context, sync.id))

        val shown = awaitWarning(alert)
        assertNotNull("no notification for $alert: ${shadowOf(manager).allNotifications.map { it.extras }}", shown)
        shown!!
        assertEquals(Notifications.CHANNEL_WARNINGS_URGENT, shown.channelId)
        assertEquals("Cảnh báo cực kỳ nguy hiểm", shown.extras.getString(Notification.EXTRA_TITLE))
        assertEquals("Lũ khẩn cấp trên sông Hương", shown.extras.getCharSequence(Notification.EXTRA_TEXT).toString())

        // The same push again (a retry of the push service, or a replay): a sync, no second ring.
        manager.cancelAll()
        assertTrue(WarningPush.received(context, mapOf("kind" to "alert", "alert" to alert)))
        val again = work.unique(SyncScheduler.WORK_SOON).single { it.id != sync.id }
        assertEquals(ListenableWorker.Result.success(), runEnqueued<SyncWorker>(context, again.id))
        Thread.sleep(500)
        assertNull(warningNotification(alert))
    }

    /** An Extreme flood over the citadel's ward (Phú Xuân, 19753), as the operations centre publishes it. */
    private fun publishFlood(): String {
        val expires = Instant.now().plusSeconds(6 * 3600)
        val (status, body) = City.call(
            "POST",
            "/api/v1/alerts",
            City.login(),
            """
            {"topic":"flood","urgency":"Immediate","severity":"Extreme","certainty":"Observed","expires":"$expires",
             "texts":[{"language":"vi-VN","event":"Lũ","headline":"Lũ khẩn cấp trên sông Hương"},
                      {"language":"en-US","event":"Flood","headline":"Flash flood on the Perfume River"}],
             "areas":[{"kind":"named","code":"19753"}]}""",
        )
        assertEquals(body, 201, status)
        return City.field(body, "id")
    }

    private fun warningNotification(id: String): Notification? = shadowOf(manager).allNotifications.firstOrNull {
        shadowOf(it.contentIntent).savedIntent.getStringExtra(Routes.EXTRA_ROUTE) == Routes.warning(id)
    }

    /** The worker posts it, or the app's own sync listener does, on its own thread. */
    private fun awaitWarning(id: String): Notification? {
        val deadline = System.currentTimeMillis() + 5_000
        while (System.currentTimeMillis() < deadline) {
            warningNotification(id)?.let { return it }
            Thread.sleep(50)
        }
        return null
    }
}
