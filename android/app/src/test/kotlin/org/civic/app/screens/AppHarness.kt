package org.civic.app.screens

import android.Manifest
import android.content.Intent
import android.graphics.Bitmap
import android.graphics.Canvas
import androidx.compose.ui.test.junit4.ComposeTestRule
import androidx.compose.ui.test.onAllNodesWithText
import androidx.core.content.FileProvider
import androidx.test.core.app.ActivityScenario
import androidx.test.core.app.ApplicationProvider
import org.civic.app.CivicApplication
import org.civic.app.MainActivity
import org.civic.app.Routes
import org.civic.app.testing.FakeAndroidKeyStore
import org.civic.app.ui.AppLanguage
import org.junit.Assert.assertTrue
import org.robolectric.Shadows.shadowOf
import java.io.File

/**
 * The app as a citizen opens it: [MainActivity] on the real core (in Robolectric's files
 * directory) talking to the test server, in a chosen language, on a chosen screen.
 */
class AppHarness(private val compose: ComposeTestRule) {
    val application: CivicApplication get() = ApplicationProvider.getApplicationContext()

    fun prepare() {
        FakeAndroidKeyStore.install()
        forgetFileProviderRoots()
        shadowOf(application).grantPermissions(Manifest.permission.POST_NOTIFICATIONS)
    }

    private var scenario: ActivityScenario<MainActivity>? = null

    /** Opens the app on [route] (as a notification does), first run done unless [firstRun]. */
    fun launch(route: String? = null, language: AppLanguage = AppLanguage.VI, firstRun: Boolean = false): ActivityScenario<MainActivity> {
        application.firstRunDone = !firstRun
        application.setLanguage(language)
        val intent = if (route == null) Intent(application, MainActivity::class.java) else Routes.intent(application, route)
        return ActivityScenario.launch<MainActivity>(intent).also {
            scenario = it
            compose.waitForIdle()
        }
    }

    /**
     * FileProvider keeps the folders it shares in a static cache, by authority: with the
     * classes kept from one test to the next, it would still hold the previous test's files
     * directory (each test has its own).
     */
    private fun forgetFileProviderRoots() {
        val cache = FileProvider::class.java.getDeclaredField("sCache").apply { isAccessible = true }
        (cache.get(null) as MutableMap<*, *>).clear()
    }

    /** Waits (the core opens off the main thread, the server answers) until [text] is shown. */
    fun waitFor(text: String, timeoutMillis: Long = 20_000) {
        compose.waitUntil(timeoutMillis) { count(text) > 0 }
    }

    fun count(text: String): Int = compose.onAllNodesWithText(text, substring = true, useUnmergedTree = true).fetchSemanticsNodes().size

    /**
     * What the screen shows, drawn by Android's own Compose and Skia (Robolectric's native
     * graphics), saved as `<name>.png` where the test script collects the renders.
     */
    fun render(name: String): Bitmap {
        compose.waitForIdle()
        var bitmap: Bitmap? = null
        checkNotNull(scenario) { "launch() first" }.onActivity { activity ->
            val view = activity.window.decorView
            bitmap = Bitmap.createBitmap(view.width, view.height, Bitmap.Config.ARGB_8888).also { view.draw(Canvas(it)) }
        }
        val drawn = checkNotNull(bitmap)
        val dir = File(System.getProperty("civic.screens.dir") ?: "build/screens").apply { mkdirs() }
        File(dir, "$name.png").outputStream().use { drawn.compress(Bitmap.CompressFormat.PNG, 100, it) }
        assertTrue("$name is blank", distinctColours(drawn) > 16)
        return drawn
    }

    private fun distinctColours(bitmap: Bitmap): Int {
        val seen = HashSet<Int>()
        for (y in 0 until bitmap.height step 4) {
            for (x in 0 until bitmap.width step 4) seen += bitmap.getPixel(x, y)
        }
        return seen.size
    }
}
