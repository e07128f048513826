package org.civic.app.sync

import android.content.Context
import androidx.test.core.app.ApplicationProvider
import androidx.work.ListenableWorker
import androidx.work.NetworkType
import androidx.work.WorkInfo
import androidx.work.WorkManager
import androidx.work.testing.TestListenableWorkerBuilder
import kotlinx.coroutines.runBlocking
import org.civic.app.CivicApplication
import org.civic.app.testing.FakeAndroidKeyStore
import org.civic.app.testing.TestCivicApplication
import org.civic.core.ReportStatus
import org.civic.core.SyncState
import org.civic.core.loginOfficial
import org.civic.core.testing.City
import org.civic.core.testing.captureLitter
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import java.time.Duration
import java.time.Instant
import kotlin.math.abs

/** One run of the sync worker on the app's own core, against the test server or none. */
@RunWith(RobolectricTestRunner::class)
class SyncWorkerTest {
    private val context: Context = ApplicationProvider.getApplicationContext()
    private val application get() = context as CivicApplication
    private lateinit var work: WorkManager

    @Before fun setUp() {
        FakeAndroidKeyStore.install()
        work = testWorkManager(context)
    }

    @After fun nobodyElsewhere() {
        ElsewhereApplication.url = ElsewhereApplication.NOBODY
    }

    private fun runWorker(): ListenableWorker.Result = runBlocking {
        TestListenableWorkerBuilder<SyncWorker>(context).build().doWork()
    }

    @Test
    @Config(application = TestCivicApplication::class)
    fun aReportWaitingInTheOutboxReachesTheCity() {
        val app = application.app
        val id = captureLitter(app, 301)
        assertEquals(1u, app.reports().outbox().waiting)

        assertEquals(ListenableWorker.Result.success(), runWorker())

        assertEquals("the outbox is empty", 0u, app.reports().outbox().waiting)
        val mine = app.reports().report(id).report
        assertNotNull("the city gave it a number", mine.publicNumber)
        // On the server, as an official sees it.
        val received = runBlocking { loginOfficial(City.url, "admin", City.password, "vi").report(id) }
        assertEquals(mine.publicNumber, received.publicNumber)
        assertEquals("Rác đổ trên vỉa hè đường Lê Duẩn (301)", received.description)
        assertTrue(received.status == ReportStatus.RECEIVED || received.status == ReportStatus.ASSIGNED)
        assertTrue("nothing to retry: ${app.syncState()}", app.syncState() is SyncState.Idle)
        assertTrue(work.unique(SyncScheduler.WORK_RETRY).isEmpty())
    }

    @Test
    @Config(application = ElsewhereApplication::class)
    fun withNoServerTheReportWaitsAndTheNetworkWatchBringsTheNextTry() {
        val app = application.app
        val id = captureLitter(app, 302)

        // No failure for WorkManager to retry: the core keeps the report and says why.
        assertEquals(ListenableWorker.Result.success(), runWorker())

        assertEquals(1u, app.reports().outbox().waiting)
        assertEquals(ReportStatus.QUEUED, app.reports().report(id).report.status)
        // Nothing answers: the core calls it Offline, with no time to retry at. The periodic
        // work and the network watch (both waiting for a connection) bring the next try.
        assertTrue("${app.syncState()}", app.syncState() is SyncState.Offline)
        assertTrue(work.unique(SyncScheduler.WORK_RETRY).isEmpty())
    }

    @Test
    @Config(application = ElsewhereApplication::class)
    fun aBusyServerHasTheRetryScheduledAtTheCoresTime() {
        BusyServer(retryAfterSeconds = 600).use { server ->
            ElsewhereApplication.url = server.url
            val app = application.app
            val before = Instant.now()

            assertEquals(ListenableWorker.Result.success(), runWorker())

            assertTrue("the worker asked the server", server.requests.get() > 0)
            val state = app.syncState()
            assertTrue("$state", state is SyncState.WaitingToRetry)
            val at = (state as SyncState.WaitingToRetry).nextAttempt
            assertTrue("the core honours Retry-After: $at", !at.isBefore(before.plusSeconds(600)))
            val retry = work.unique(SyncScheduler.WORK_RETRY).single()
            assertEquals(WorkInfo.State.ENQUEUED, retry.state)
            assertEquals(NetworkType.CONNECTED, retry.constraints.requiredNetworkType)
            val expected = Duration.between(before, at).toMillis()
            assertTrue(
                "the retry waits until the core's time: ${retry.initialDelayMillis}ms, expected about ${expected}ms",
                abs(retry.initialDelayMillis - expected) < 5_000,
            )
            assertEquals("no WorkManager retry stacked on the core's", 0, work.unique(SyncScheduler.WORK_SOON).size)

            // Still busy at the next run: one retry work, at the new time, never two.
            assertEquals(ListenableWorker.Result.success(), runWorker())
            val waiting = work.unique(SyncScheduler.WORK_RETRY).filter { !it.state.isFinished }
            assertEquals(1, waiting.size)
        }
    }
}
