package org.civic.app.sync

import android.content.Context
import android.content.pm.ServiceInfo
import android.os.Build
import android.util.Log
import androidx.work.CoroutineWorker
import androidx.work.ForegroundInfo
import androidx.work.WorkerParameters
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import org.civic.app.CivicApplication
import org.civic.app.platform.LocationSource
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.SyncState

/**
 * One sync: sends what waits in the outbox, fetches what changed, then posts a notification
 * per change on the citizen's reports and per new warning, and schedules the reminders before
 * the Green Sunday campaigns the resident joined ([CampaignReminders]). The core owns the backoff: when it
 * answers `WaitingToRetry`, a one-off sync is scheduled for that time; the worker itself
 * reports success (a WorkManager retry would stack a second backoff on the core's). Only a
 * stop (constraints lost, the system's quota) ends it otherwise, by cancellation.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {

    override suspend fun doWork(): Result {
        val application = applicationContext as CivicApplication
        val app = try {
            withContext(Dispatchers.IO) { application.app }
        } catch (e: CivicException) {
            // The data cannot be opened now (a full disk…): the next period tries again.
            Log.w(TAG, "Cannot open Civic's data", e)
            return Result.success()
        }
        val language = application.language.value

        // "Warn me where I am now": the core matches warnings against the last position.
        updatePosition(app)

        val outcome = try {
            app.syncNow()
        } catch (e: CivicException) {
            Log.w(TAG, "Sync failed", e)
            null
        }
        // Changes on my reports, and warnings the sync raised (or a push delivered earlier):
        // the app's own listener may have posted them already, each is posted once.
        val rang = withContext(Dispatchers.IO) { Notifications.postSync(applicationContext, app, outcome, language) }
        // A push announced this warning (WarningPush): the sync above fetched it, and the core
        // decided whether it rings (its areas, the resident's topics and quiet hours, once per
        // warning). Nothing is posted past the core's decision: one not handed out here rang
        // already (the app's own listener took it) or is not for this resident.
        inputData.getString(WARNING)?.let { pushed ->
            if (pushed !in rang) Log.i(TAG, "The pushed warning $pushed did not ring in this sync")
        }

        // The reminders before the campaigns the resident joined, set again: a campaign moved
        // or cancelled moves or cancels them, and their texts follow the app's language.
        CampaignReminders.afterSync(applicationContext, app)

        val state = outcome?.state ?: app.syncState()
        if (state is SyncState.WaitingToRetry) {
            SyncScheduler.syncAt(applicationContext, state.nextAttempt, fromRetryWork = SyncScheduler.WORK_RETRY in tags)
        }
        return Result.success()
    }

    /**
     * Gives the core the phone's position when the resident follows "where I am now". Without
     * the background location permission (the app never asks for it) Android gives a worker
     * only a recent fix, or none when the app has not been open for a while: that is fine,
     * the position is a hint and the saved places still work.
     */
    private suspend fun updatePosition(app: CivicApp) {
        val follow = try {
            withContext(Dispatchers.IO) { app.warnings().subscription().currentPosition }
        } catch (e: CivicException) {
            false
        }
        if (!follow) return
        val source = LocationSource(applicationContext)
        if (!source.hasPermission()) return
        val fix = withTimeoutOrNull(POSITION_TIMEOUT_MILLIS) {
            source.currentFix(maxAgeMillis = POSITION_MAX_AGE_MILLIS, timeoutMillis = POSITION_TIMEOUT_MILLIS)
        } ?: return
        try {
            withContext(Dispatchers.IO) { app.warnings().setPosition(fix.lat, fix.lon) }
        } catch (e: CivicException) {
            Log.w(TAG, "Cannot keep the position", e)
        }
    }

    /**
     * Expedited work runs as a foreground service before Android 12, which needs a
     * notification: a silent one on the "sync" channel.
     */
    override suspend fun getForegroundInfo(): ForegroundInfo {
        val notification = Notifications.syncing(applicationContext)
        return if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.Q) {
            ForegroundInfo(Notifications.SYNC_NOTIFICATION_ID, notification, ServiceInfo.FOREGROUND_SERVICE_TYPE_DATA_SYNC)
        } else {
            ForegroundInfo(Notifications.SYNC_NOTIFICATION_ID, notification)
        }
    }

    companion object {
        /** The input data's key of the warning a push announced ([SyncScheduler.syncSoon]). */
        const val WARNING = "warning"

        private const val TAG = "CivicSync"
        private const val POSITION_MAX_AGE_MILLIS = 10 * 60 * 1000L
        private const val POSITION_TIMEOUT_MILLIS = 20 * 1000L
    }
}
