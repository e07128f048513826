package org.civic.app

import android.app.Application
import android.content.Context
import android.content.SharedPreferences
import android.util.Log
import androidx.work.Configuration
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import org.civic.app.sync.Notifications
import org.civic.app.sync.SyncScheduler
import org.civic.app.ui.AppLanguage
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.OfficialApp
import org.civic.core.syncOutcomes
import java.io.File
import java.util.Locale
import java.util.concurrent.Executors

/**
 * The process: ONE [CivicApp] for the activity and the sync worker alike, opened on first use
 * (off the main thread: [MainActivity] and [org.civic.app.sync.SyncWorker] both ask for it on
 * the io dispatcher), the citizen's language, the notification channels and the sync schedule.
 * WorkManager starts on demand with this configuration (the manifest removes its start-up
 * initializer): nothing of it runs before the process needs it.
 */
open class CivicApplication :
    Application(),
    Configuration.Provider {
    override val workManagerConfiguration: Configuration
        get() = Configuration.Builder().setMinimumLoggingLevel(if (BuildConfig.DEBUG) Log.DEBUG else Log.ERROR).build()

    /** The server this build talks to (tests point it at their own). */
    open val serverUrl: String
        get() = BuildConfig.CIVIC_SERVER_URL

    private val prefs: SharedPreferences by lazy { getSharedPreferences(PREFS, Context.MODE_PRIVATE) }

    private val _language = MutableStateFlow(AppLanguage.VI)

    /** The language the citizen chose (first run, settings); the phone's until they choose. */
    val language: StateFlow<AppLanguage> = _language.asStateFlow()

    private val opened = lazy(LazyThreadSafetyMode.SYNCHRONIZED) { open() }

    /**
     * Civic on this phone. Opening reads the database (and may migrate it): call it off the
     * main thread the first time. Throws [CivicException] when the data cannot be opened (a
     * full disk, say); the next call tries again.
     */
    val app: CivicApp
        @Throws(CivicException::class)
        get() = opened.value

    /** The app if something already opened it; never opens it. */
    val appIfOpen: CivicApp?
        get() = if (opened.isInitialized()) opened.value else null

    override fun onCreate() {
        super.onCreate()
        _language.value = storedLanguage()
        Notifications.createChannels(this)
        SyncScheduler.schedulePeriodic(this)
        SyncScheduler.watchNetwork(this)
    }

    /**
     * Posts the notifications of syncs the screens start, one at a time, off the main thread:
     * for the life of the process.
     */
    private val notifier = CoroutineScope(SupervisorJob() + Executors.newSingleThreadExecutor().asCoroutineDispatcher())

    private fun open(): CivicApp {
        // Under filesDir (not cacheDir: it holds the outbox), excluded from backups.
        val dir = File(filesDir, DATA_DIR).apply { mkdirs() }
        val app = CivicApp.open(dir.absolutePath, serverUrl, _language.value.code, KeystoreTokenStorage(this))
        // A sync the screens start (pull to refresh) notifies like the worker's: loud warnings
        // must not wait for the next periodic run. The store read and the posts run on a
        // background thread of their own, whichever thread awaited the sync.
        notifier.launch {
            try {
                app.syncOutcomes().collect { outcome ->
                    // Nothing may escape: a failure here only loses a notification.
                    try {
                        Notifications.postSync(this@CivicApplication, app, outcome, _language.value)
                    } catch (e: Exception) {
                        Log.w("CivicApplication", "Cannot post the sync's notifications", e)
                    }
                }
            } catch (e: CivicException) {
                Log.w("CivicApplication", "Cannot hear the syncs", e)
            }
        }
        return app
    }

    /** Switches the app (and the core's texts) to [language] and remembers it. */
    fun setLanguage(language: AppLanguage) {
        prefs.edit().putString(KEY_LANGUAGE, language.code).apply()
        _language.value = language
        appIfOpen?.setLanguage(language.code)
    }

    /**
     * The signed-in official, if any: in memory only (the bindings keep the session inside
     * the OfficialApp), so a restarted process asks for the password again.
     */
    @Volatile var official: OfficialApp? = null
        private set

    fun signIn(official: OfficialApp) {
        this.official = official
    }

    /** Forgets the session. Not closed here: a screen may still be finishing a call on it;
     *  the bindings free it once nothing holds it. */
    fun signOut() {
        official = null
    }

    /** Whether the citizen went through the first-run screens (language, what the app does). */
    var firstRunDone: Boolean
        get() = prefs.getBoolean(KEY_FIRST_RUN_DONE, false)
        set(value) {
            prefs.edit().putBoolean(KEY_FIRST_RUN_DONE, value).apply()
        }

    /** The saved choice, else Vietnamese unless the phone is set to English. */
    private fun storedLanguage(): AppLanguage {
        prefs.getString(KEY_LANGUAGE, null)?.let { return AppLanguage.of(it) }
        return if (Locale.getDefault().language == "en") AppLanguage.EN else AppLanguage.VI
    }

    companion object {
        /** The core's data directory, under filesDir. */
        const val DATA_DIR = "civic"
        private const val PREFS = "civic"
        private const val KEY_LANGUAGE = "language"
        private const val KEY_FIRST_RUN_DONE = "first_run_done"

        fun from(context: Context): CivicApplication = context.applicationContext as CivicApplication
    }
}
