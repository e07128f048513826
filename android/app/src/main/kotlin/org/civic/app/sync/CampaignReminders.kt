package org.civic.app.sync

import android.content.Context
import android.util.Log
import androidx.work.CoroutineWorker
import androidx.work.ExistingWorkPolicy
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.WorkInfo
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import androidx.work.workDataOf
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import org.civic.app.CivicApplication
import org.civic.core.CampaignInfo
import org.civic.core.CampaignPhase
import org.civic.core.CampaignReminder
import org.civic.core.CivicApp
import org.civic.core.CivicException
import java.time.Duration
import java.time.Instant
import java.util.concurrent.TimeUnit

/**
 * The reminders before the Green Sunday campaigns the resident joined (the core's
 * `campaigns().reminders()`: 19:00 city time the evening before, and an hour before the start), as
 * local notifications: one WorkManager work per reminder, delayed until it is due, unique by
 * the reminder's key (scheduling again replaces it, never doubles it). Every one is tagged
 * [TAG], with its name and its time as tags of their own, so that the works of reminders the
 * core no longer lists (the campaign moved, cancelled, started…) are cancelled.
 *
 * Set again after each sync ([afterSync], from [SyncWorker]) and after joining ([update],
 * from the campaign screen). [CampaignReminderWorker] checks once more before ringing.
 */
object CampaignReminders {
    private const val TAG_LOG = "CivicReminders"

    /** Every reminder's work carries it. */
    const val TAG = "civic-campaign-reminder"

    /** A reminder's unique work name (and a tag of its work): this, then the core's key. */
    private const val NAME_PREFIX = "civic-campaign-reminder:"

    /** A tag of a reminder's work: this, then when it is due (epoch milliseconds). */
    private const val AT_PREFIX = "civic-campaign-reminder-at:"

    // The reminder, in the work's input data.
    internal const val KEY = "key"
    internal const val CAMPAIGN = "campaign"
    internal const val TITLE = "title"
    internal const val BODY = "body"
    internal const val AT = "at"

    /** How long reading the campaigns (a request when there is a connection) may take. */
    internal const val LIST_TIMEOUT_MILLIS = 20 * 1000L

    /**
     * Schedules the reminders the core lists now (after joining). Blocking (reads the core,
     * waits for WorkManager): call it off the main thread. Never throws: a failure only skips
     * this round, the next sync schedules them again.
     */
    fun update(context: Context, app: CivicApp) {
        try {
            schedule(context, app.campaigns().reminders())
        } catch (e: CivicException) {
            Log.w(TAG_LOG, "Cannot read the campaign reminders", e)
        } catch (e: Exception) {
            // WorkManager's future failed (its database): the next sync tries again.
            Log.w(TAG_LOG, "Cannot schedule the campaign reminders", e)
        }
    }

    /**
     * After a sync (which lists the campaigns again when the resident has one ahead, so a
     * campaign moved or called off is known): tells the resident of a joined campaign called
     * off, then schedules the reminders. Blocking work runs on the io dispatcher.
     */
    suspend fun afterSync(context: Context, app: CivicApp) {
        withContext(Dispatchers.IO) {
            try {
                for (notice in app.campaigns().takeNotices()) {
                    Notifications.postCampaignReminder(
                        context,
                        "campaign-${notice.campaignId}-called-off",
                        notice.campaignId,
                        notice.title,
                        notice.body,
                        Instant.now(),
                    )
                }
            } catch (e: CivicException) {
                Log.w(TAG_LOG, "Cannot read the campaign notices", e)
            }
            update(context, app)
        }
    }

    /**
     * One work per reminder still ahead, due at its time; the works of reminders no longer
     * listed are cancelled, except those already due (the core lists only what is still ahead,
     * so a reminder whose time has come is gone from the list while its work waits for the
     * phone to wake: that work checks for itself) and those running. [firing] is the key of
     * the reminder whose own work calls this: replacing it would cancel it, so its next run
     * is appended after it instead. Blocking: off the main thread.
     */
    fun schedule(context: Context, reminders: List<CampaignReminder>, firing: String? = null) {
        val work = WorkManager.getInstance(context)
        val now = Instant.now()
        val wanted = reminders.filter { it.at.isAfter(now) }.associateBy { NAME_PREFIX + it.key }

        for (info in work.getWorkInfosByTag(TAG).get()) {
            if (info.state != WorkInfo.State.ENQUEUED && info.state != WorkInfo.State.BLOCKED) continue
            val name = info.tags.firstOrNull { it.startsWith(NAME_PREFIX) } ?: continue
            if (name in wanted) continue
            val at = info.tags.firstOrNull { it.startsWith(AT_PREFIX) }?.removePrefix(AT_PREFIX)?.toLongOrNull()
            if (at != null && at <= now.toEpochMilli()) continue
            work.cancelUniqueWork(name)
        }

        for ((name, reminder) in wanted) {
            val at = reminder.at.toEpochMilli()
            val request = OneTimeWorkRequestBuilder<CampaignReminderWorker>()
                .setInitialDelay(Duration.between(now, reminder.at).toMillis(), TimeUnit.MILLISECONDS)
                .setInputData(
                    workDataOf(
                        KEY to reminder.key,
                        CAMPAIGN to reminder.campaignId,
                        TITLE to reminder.title,
                        BODY to reminder.body,
                        AT to at,
                    ),
                )
                .addTag(TAG)
                .addTag(name)
                .addTag(AT_PREFIX + at)
                .build()
            val policy = if (reminder.key == firing) ExistingWorkPolicy.APPEND_OR_REPLACE else ExistingWorkPolicy.REPLACE
            work.enqueueUniqueWork(name, policy, request)
        }
    }

    /** The campaigns as the city lists them (as last listed, without a connection); null when unreadable. */
    internal suspend fun campaigns(app: CivicApp): List<CampaignInfo>? = withTimeoutOrNull(LIST_TIMEOUT_MILLIS) {
        try {
            app.campaigns().list()
        } catch (e: CivicException) {
            Log.w(TAG_LOG, "Cannot read the campaigns", e)
            null
        }
    }
}

/**
 * Rings one reminder (its title and body in the work's input data, already in the app's
 * language) on the "campaigns" channel; tapping it opens the campaign. Before ringing it
 * checks that the reminder still stands: the resident still in, the campaign not started
 * (a phone asleep past the start skips it), not moved later (then it is set again for its new
 * time). The core lists only the reminders still ahead, so one whose time has come is no
 * longer in `campaigns().reminders()`: that is what "due" looks like, not a reason to skip.
 */
class CampaignReminderWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {

    override suspend fun doWork(): Result {
        val key = inputData.getString(CampaignReminders.KEY) ?: return Result.success()
        val campaignId = inputData.getString(CampaignReminders.CAMPAIGN) ?: return Result.success()
        val title = inputData.getString(CampaignReminders.TITLE) ?: return Result.success()
        val body = inputData.getString(CampaignReminders.BODY).orEmpty()
        val at = Instant.ofEpochMilli(inputData.getLong(CampaignReminders.AT, System.currentTimeMillis()))

        val application = applicationContext as CivicApplication
        val app = try {
            withContext(Dispatchers.IO) { application.app }
        } catch (e: CivicException) {
            // The data cannot be opened now (a full disk…): nothing to check against, remind.
            Log.w(TAG, "Cannot open Civic's data", e)
            null
        }

        val due = if (app == null) {
            true
        } else {
            // Read first: a campaign moved or cancelled since the reminder was set says so here.
            val campaigns = CampaignReminders.campaigns(app)
            val reminders = try {
                withContext(Dispatchers.IO) { app.campaigns().reminders() }
            } catch (e: CivicException) {
                null
            }
            if (reminders != null) {
                try {
                    withContext(Dispatchers.IO) { CampaignReminders.schedule(applicationContext, reminders, firing = key) }
                } catch (e: Exception) {
                    Log.w(TAG, "Cannot schedule the campaign reminders", e)
                }
            }
            val campaign = campaigns?.firstOrNull { it.id == campaignId }
            when {
                // Still ahead (the campaign moved later): set again above, for its new time.
                reminders?.any { it.key == key } == true -> false
                campaign != null -> campaign.joined && campaign.phase == CampaignPhase.UPCOMING
                // Listed, but not this campaign: cancelled.
                campaigns != null -> false
                // The campaigns cannot be read: trust what was scheduled.
                else -> true
            }
        }
        if (due) {
            withContext(Dispatchers.IO) { Notifications.postCampaignReminder(applicationContext, key, campaignId, title, body, at) }
        }
        return Result.success()
    }

    private companion object {
        const val TAG = "CivicReminders"
    }
}
