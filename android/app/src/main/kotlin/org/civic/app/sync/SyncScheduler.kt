package org.civic.app.sync

import android.content.Context
import android.net.ConnectivityManager
import android.net.Network
import android.util.Log
import androidx.work.Constraints
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.OutOfQuotaPolicy
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.workDataOf
import org.civic.app.CivicApplication
import org.civic.core.CivicException
import java.time.Duration
import java.time.Instant
import java.util.concurrent.TimeUnit

/**
 * When [SyncWorker] runs. The core decides when a failed report is tried again (its backoff,
 * `SyncState.WaitingToRetry`); WorkManager only wakes the process: right after "send"
 * ([syncSoon]), every 15 minutes while connected ([schedulePeriodic]), at the core's retry time
 * ([syncAt]), and when the network comes back ([watchNetwork]).
 */
object SyncScheduler {
    private const val TAG = "CivicSync"
    const val WORK_SOON = "civic-sync-soon"
    const val WORK_PERIODIC = "civic-sync-periodic"
    const val WORK_RETRY = "civic-sync-retry"

    private val connected = Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build()

    /**
     * A sync as soon as there is a connection (after "send", pull to refresh's sibling):
     * expedited, so it runs at once even with the app about to be closed. Appended after a
     * sync already running, so a report sent during one is not left for the next period.
     * [warning]: the warning a push announced ([WarningPush]), which that sync checks for.
     */
    fun syncSoon(context: Context, warning: String? = null) {
        val request = OneTimeWorkRequestBuilder<SyncWorker>()
            .setExpedited(OutOfQuotaPolicy.RUN_AS_NON_EXPEDITED_WORK_REQUEST)
            .setConstraints(connected)
            .apply { if (warning != null) setInputData(workDataOf(SyncWorker.WARNING to warning)) }
            .build()
        WorkManager.getInstance(context).enqueueUniqueWork(WORK_SOON, ExistingWorkPolicy.APPEND_OR_REPLACE, request)
    }

    /** Every 15 minutes (Android's minimum) while connected: answers, warnings, the outbox. */
    fun schedulePeriodic(context: Context) {
        val request = PeriodicWorkRequestBuilder<SyncWorker>(15, TimeUnit.MINUTES)
            .setConstraints(connected)
            .build()
        WorkManager.getInstance(context).enqueueUniquePeriodicWork(WORK_PERIODIC, ExistingPeriodicWorkPolicy.KEEP, request)
    }

    /**
     * A sync at [at], the core's next attempt after a failure. [fromRetryWork] when called by
     * the retry work itself: replacing the running work would cancel it, so the next one is
     * appended after it instead.
     */
    fun syncAt(context: Context, at: Instant, fromRetryWork: Boolean = false) {
        val delay = Duration.between(Instant.now(), at).coerceAtLeast(Duration.ZERO)
        val request = OneTimeWorkRequestBuilder<SyncWorker>()
            .setInitialDelay(delay.toMillis(), TimeUnit.MILLISECONDS)
            .setConstraints(connected)
            .addTag(WORK_RETRY)
            .build()
        val policy = if (fromRetryWork) ExistingWorkPolicy.APPEND_OR_REPLACE else ExistingWorkPolicy.REPLACE
        WorkManager.getInstance(context).enqueueUniqueWork(WORK_RETRY, policy, request)
    }

    /**
     * Listens for the default network for the life of the process: when it returns after
     * being lost, every waiting report is made due ([org.civic.core.CivicApp.retryNow]) and
     * a sync starts. The first callback (the network there at start) only asks for a sync.
     */
    fun watchNetwork(application: CivicApplication) {
        val manager = application.getSystemService(ConnectivityManager::class.java) ?: return
        val callback = object : ConnectivityManager.NetworkCallback() {
            @Volatile private var lost = false

            override fun onAvailable(network: Network) {
                if (lost) {
                    lost = false
                    try {
                        // Runs on the ConnectivityThread, never the main one: opening is fine.
                        application.app.retryNow()
                    } catch (e: CivicException) {
                        Log.w(TAG, "retryNow failed", e)
                    }
                }
                syncSoon(application)
            }

            override fun onLost(network: Network) {
                lost = true
            }
        }
        try {
            manager.registerDefaultNetworkCallback(callback)
        } catch (e: RuntimeException) {
            // Too many callbacks registered (a vendor limit) or no permission: the periodic
            // work still syncs.
            Log.w(TAG, "Cannot watch the network", e)
        }
    }
}
