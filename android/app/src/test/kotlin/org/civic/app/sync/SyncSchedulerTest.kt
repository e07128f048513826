package org.civic.app.sync

import android.content.Context
import androidx.test.core.app.ApplicationProvider
import androidx.work.NetworkType
import androidx.work.WorkInfo
import androidx.work.WorkManager
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import java.time.Duration
import java.time.Instant
import kotlin.math.abs

/** When sync runs: the works SyncScheduler leaves with WorkManager, as the system would run them. */
@RunWith(RobolectricTestRunner::class)
class SyncSchedulerTest {
    private val context: Context = ApplicationProvider.getApplicationContext()
    private lateinit var work: WorkManager

    @Before fun workManager() {
        work = testWorkManager(context)
    }

    @Test fun syncSoonIsAnExpeditedSyncWaitingForANetwork() {
        SyncScheduler.syncSoon(context)

        val soon = work.unique(SyncScheduler.WORK_SOON).single()
        assertEquals(WorkInfo.State.ENQUEUED, soon.state)
        assertEquals(NetworkType.CONNECTED, soon.constraints.requiredNetworkType)
        assertEquals(0L, soon.initialDelayMillis)
        assertTrue("expedited: it runs at once, even with the app closing", workSpec(context, soon.id).expedited)
        assertEquals(SyncWorker::class.java.name, workSpec(context, soon.id).workerClassName)
        assertNull("no warning announced", workSpec(context, soon.id).input.getString(SyncWorker.WARNING))
    }

    @Test fun aSecondSyncSoonIsAppendedAfterTheWaitingOneAndReplacesOneCancelled() {
        SyncScheduler.syncSoon(context)
        val first = work.unique(SyncScheduler.WORK_SOON).single().id
        SyncScheduler.syncSoon(context)

        val chain = work.unique(SyncScheduler.WORK_SOON)
        assertEquals("appended, not replaced nor dropped: $chain", 2, chain.size)
        assertEquals(WorkInfo.State.ENQUEUED, chain.single { it.id == first }.state)
        assertEquals("runs after the first", WorkInfo.State.BLOCKED, chain.single { it.id != first }.state)

        // The chain cancelled (or failed): the next "send" starts a new one rather than
        // being appended to a dead chain, which would never run.
        work.cancelUniqueWork(SyncScheduler.WORK_SOON).result.get()
        SyncScheduler.syncSoon(context)
        val waiting = work.unique(SyncScheduler.WORK_SOON).filter { !it.state.isFinished }
        assertEquals(WorkInfo.State.ENQUEUED, waiting.single().state)
    }

    @Test fun thePeriodicSyncRunsEveryFifteenMinutesWhenConnectedAndIsScheduledOnce() {
        SyncScheduler.schedulePeriodic(context)
        val periodic = work.unique(SyncScheduler.WORK_PERIODIC).single()
        assertEquals(Duration.ofMinutes(15).toMillis(), periodic.periodicityInfo?.repeatIntervalMillis)
        assertEquals(NetworkType.CONNECTED, periodic.constraints.requiredNetworkType)
        assertEquals(WorkInfo.State.ENQUEUED, periodic.state)

        // Every start of the app schedules it again: the one waiting is kept, its period with it.
        SyncScheduler.schedulePeriodic(context)
        val again = work.unique(SyncScheduler.WORK_PERIODIC)
        assertEquals(listOf(periodic.id), again.map { it.id })
    }

    @Test fun theRetryWaitsUntilTheCoresTimeAndALaterTimeReplacesIt() {
        SyncScheduler.syncAt(context, Instant.now().plus(Duration.ofMinutes(10)))
        val first = work.unique(SyncScheduler.WORK_RETRY).single()
        assertEquals(WorkInfo.State.ENQUEUED, first.state)
        assertClose(Duration.ofMinutes(10), first.initialDelayMillis)
        assertEquals(NetworkType.CONNECTED, first.constraints.requiredNetworkType)
        assertTrue(SyncScheduler.WORK_RETRY in first.tags)

        SyncScheduler.syncAt(context, Instant.now().plus(Duration.ofMinutes(2)))
        val left = work.unique(SyncScheduler.WORK_RETRY).filter { !it.state.isFinished }
        val second = left.single()
        assertNotEquals(first.id, second.id)
        assertClose(Duration.ofMinutes(2), second.initialDelayMillis)
        val replaced = work.getWorkInfoById(first.id).get()
        assertTrue(
            "the earlier one is cancelled (or already pruned): $replaced",
            replaced == null || replaced.state == WorkInfo.State.CANCELLED,
        )
    }

    @Test fun aRetryTimeAlreadyPastRunsAtOnce() {
        SyncScheduler.syncAt(context, Instant.now().minusSeconds(30))
        assertEquals(0L, work.unique(SyncScheduler.WORK_RETRY).single().initialDelayMillis)
    }

    @Test fun theRetryWorkSchedulingItsSuccessorAppendsInsteadOfCancellingItself() {
        SyncScheduler.syncAt(context, Instant.now().plusSeconds(60))
        val running = work.unique(SyncScheduler.WORK_RETRY).single()
        SyncScheduler.syncAt(context, Instant.now().plusSeconds(120), fromRetryWork = true)
        val chain = work.unique(SyncScheduler.WORK_RETRY)
        assertEquals(2, chain.size)
        assertEquals(WorkInfo.State.ENQUEUED, chain.single { it.id == running.id }.state)
    }

    private fun assertClose(expected: Duration, actualMillis: Long) {
        assertTrue(
            "delay ${actualMillis}ms, expected about ${expected.toMillis()}ms",
            abs(actualMillis - expected.toMillis()) < 5_000,
        )
    }
}
