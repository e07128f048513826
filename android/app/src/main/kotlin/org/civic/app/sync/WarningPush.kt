package org.civic.app.sync

import android.content.Context
import android.util.Log
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import androidx.work.workDataOf
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.civic.app.CivicApplication
import org.civic.core.CivicException
import org.civic.core.PushProvider
import java.util.concurrent.TimeUnit

/**
 * The server's wake-up for a new warning, whatever the push service: the server sends a
 * high-priority data message `{"kind": "alert", "alert": "<warning id>"}` (server/src/push/
 * gateway.rs) and [received] turns it into an expedited sync ([SyncScheduler.syncSoon])
 * carrying the id. The message only wakes the phone: the warning itself comes from the
 * server through the sync, and the core decides whether it rings (its areas, the resident's
 * topics and quiet hours, once per warning), so a forged or replayed message costs at most
 * a sync. [newToken] tells the server, through the core, the token that reaches this phone.
 * The push service's own glue (CivicMessagingService for FCM) only hands these two over.
 */
object WarningPush {
    private const val TAG = "CivicPush"

    /** The one kind of message the server sends, and its field naming the warning. */
    private const val KIND = "kind"
    private const val KIND_ALERT = "alert"
    private const val ALERT = "alert"

    /**
     * A warning id: the server's own (`HUE-IOC-…`) or a partner's CAP identifier kept by
     * `/alerts/import`, which CAP 1.2 allows any character but spaces, commas, `<` and `&`.
     * It only travels in the sync's input data: anything else is not from the server.
     */
    private val WARNING_ID = Regex("[^\\s,<&]{1,256}")

    /** The unique work that registers the newest token. */
    const val WORK_TOKEN = "civic-push-token"
    internal const val TOKEN = "token"

    /**
     * A push message arrived ([data]: its key-value payload). Schedules an expedited sync that
     * fetches the warning (and posts its notification if the core rings it) and returns true;
     * a message that is not a warning's returns false and schedules nothing. Cheap, never
     * blocks: call it from the push service's callback.
     */
    fun received(context: Context, data: Map<String, String>): Boolean {
        if (data[KIND] != KIND_ALERT) return false
        val warning = data[ALERT]
        if (warning == null || !WARNING_ID.matches(warning)) {
            Log.w(TAG, "A warning push without a valid id")
            return false
        }
        SyncScheduler.syncSoon(context, warning)
        return true
    }

    /**
     * The push service gave this phone a (new) token: registered with the server by
     * [PushTokenWorker] once there is a connection (retried while offline), off the main
     * thread. A newer token replaces one still waiting.
     */
    fun newToken(context: Context, token: String) {
        if (token.isBlank()) return
        val request = OneTimeWorkRequestBuilder<PushTokenWorker>()
            .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 1, TimeUnit.MINUTES)
            .setInputData(workDataOf(TOKEN to token))
            .build()
        WorkManager.getInstance(context).enqueueUniqueWork(WORK_TOKEN, ExistingWorkPolicy.REPLACE, request)
    }
}

/**
 * Registers the push token (input data [WarningPush.TOKEN]) with the server through the core
 * (`registerPush`, with the coarse cells around the resident's places). Unlike [SyncWorker]
 * it has no backoff of the core's to follow: WorkManager's retries it while the server cannot
 * be reached; a refusal is final (the next token tries again).
 */
class PushTokenWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {

    override suspend fun doWork(): Result {
        val token = inputData.getString(WarningPush.TOKEN) ?: return Result.success()
        return try {
            val app = withContext(Dispatchers.IO) { (applicationContext as CivicApplication).app }
            app.warnings().registerPush(PushProvider.FCM, token)
            Result.success()
        } catch (e: CivicException.Offline) {
            Result.retry()
        } catch (e: CivicException.ServerBusy) {
            Result.retry()
        } catch (e: CivicException.Storage) {
            Result.retry()
        } catch (e: CivicException) {
            Log.w(TAG, "The push token was refused", e)
            Result.failure()
        }
    }

    private companion object {
        const val TAG = "CivicPush"
    }
}
