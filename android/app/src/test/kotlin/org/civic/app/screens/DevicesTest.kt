package org.civic.app.screens

import android.Manifest
import android.app.Activity
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.provider.MediaStore
import androidx.compose.ui.test.junit4.createEmptyComposeRule
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.test.core.app.ActivityScenario
import org.civic.app.MainActivity
import org.civic.app.Routes
import org.civic.app.platform.notificationsPermitted
import org.civic.app.testing.TestCivicApplication
import org.civic.core.testing.jpeg
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertSame
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode
import org.robolectric.shadows.ShadowActivity
import java.io.File

/**
 * What the screens ask of the phone: the camera app (TakePicture through the FileProvider),
 * and the runtime permissions (location, notifications), answered as a citizen would.
 */
@RunWith(RobolectricTestRunner::class)
@Config(application = TestCivicApplication::class, qualifiers = "w360dp-h740dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class DevicesTest {
    @get:Rule val compose = createEmptyComposeRule()
    private val app = AppHarness(compose)

    @Before fun setUp() = app.prepare()

    private fun <T> onActivity(scenario: ActivityScenario<MainActivity>, block: (MainActivity) -> T): T {
        var result: T? = null
        scenario.onActivity { result = block(it) }
        @Suppress("UNCHECKED_CAST")
        return result as T
    }

    /** On a new report with no photo, taps "Chụp ảnh": what the app asked of the camera app. */
    private fun askTheCamera(scenario: ActivityScenario<MainActivity>): ShadowActivity.IntentForResult {
        app.waitFor("Ảnh (0/5)")
        compose.onNodeWithText("Chụp ảnh").performClick()
        compose.waitForIdle()
        return onActivity(scenario) { shadowOf(it).nextStartedActivityForResult }
    }

    @Test fun takePhotoOpensTheCameraAppAndItsPictureIsAttached() {
        val scenario = app.launch(Routes.NEW_REPORT)
        val asked = askTheCamera(scenario)
        assertNotNull("the camera app was asked for a picture", asked)
        assertEquals(MediaStore.ACTION_IMAGE_CAPTURE, asked.intent.action)
        val output = asked.intent.getParcelableExtra(MediaStore.EXTRA_OUTPUT, Uri::class.java)
        assertEquals("content", output?.scheme)
        assertEquals("org.civic.app.photos", output?.authority)
        assertTrue("the camera app may write there", asked.intent.flags and Intent.FLAG_GRANT_WRITE_URI_PERMISSION != 0)
        // The camera app writes its JPEG to the file behind the URI, then answers OK.
        val file = File(File(app.application.cacheDir, "camera"), checkNotNull(output?.lastPathSegment))
        file.writeBytes(jpeg(seed = 3, width = 1200, height = 900))
        scenario.onActivity { shadowOf(it).receiveResult(asked.intent, Activity.RESULT_OK, Intent()) }
        app.waitFor("Ảnh (1/5)")
        app.render("new-report-photo-vi")
    }

    @Test fun comingBackFromTheCameraWithoutAPictureAttachesNothing() {
        val scenario = app.launch(Routes.NEW_REPORT)
        val asked = askTheCamera(scenario)
        // Some camera apps leave an empty file behind when the citizen backs out.
        val output = checkNotNull(asked.intent.getParcelableExtra(MediaStore.EXTRA_OUTPUT, Uri::class.java))
        File(File(app.application.cacheDir, "camera"), checkNotNull(output.lastPathSegment)).createNewFile()
        scenario.onActivity { shadowOf(it).receiveResult(asked.intent, Activity.RESULT_CANCELED, null) }
        compose.waitForIdle()
        assertEquals(1, app.count("Ảnh (0/5)"))
        assertTrue("the empty file is removed", File(app.application.cacheDir, "camera").listFiles().orEmpty().isEmpty())
    }

    @Test fun whereIAmAsksForPreciseOrApproximateLocationOnlyWhenNotGranted() {
        val scenario = app.launch(Routes.NEW_REPORT)
        app.waitFor("Vị trí của tôi")
        compose.onNodeWithText("Vị trí của tôi").performScrollTo().performClick()
        compose.waitForIdle()
        val request = onActivity(scenario) { shadowOf(it).lastRequestedPermission }
        assertNotNull("the location permission was asked", request)
        assertEquals(
            setOf(Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION),
            request.requestedPermissions.toSet(),
        )

        // Granted once (approximate is enough): the next tap does not ask again.
        shadowOf(app.application).grantPermissions(COARSE)
        scenario.onActivity {
            it.onRequestPermissionsResult(
                request.requestCode,
                request.requestedPermissions,
                request.requestedPermissions.map { p ->
                    if (p ==
                        COARSE
                    ) {
                        PackageManager.PERMISSION_GRANTED
                    } else {
                        PackageManager.PERMISSION_DENIED
                    }
                }
                    .toIntArray(),
            )
        }
        compose.onNodeWithText("Vị trí của tôi").performScrollTo().performClick()
        compose.waitForIdle()
        assertSame("asked again though granted", request, onActivity(scenario) { shadowOf(it).lastRequestedPermission })
    }

    @Test fun theFirstRunAsksForNotificationsAndSaysWhenTheyAreOn() {
        shadowOf(app.application).denyPermissions(Manifest.permission.POST_NOTIFICATIONS)
        assertFalse(notificationsPermitted(app.application))
        val scenario = app.launch(firstRun = true)
        app.waitFor("Chào mừng đến với Civic Huế")
        repeat(6) {
            if (app.count("Cho phép thông báo") == 0 && app.count("Tiếp tục") > 0) compose.onNodeWithText("Tiếp tục").performClick()
        }
        app.waitFor("Cho phép thông báo")
        compose.onNodeWithText("Cho phép thông báo").performClick()
        compose.waitForIdle()
        val request = onActivity(scenario) { shadowOf(it).lastRequestedPermission }
        assertArrayEquals(arrayOf(Manifest.permission.POST_NOTIFICATIONS), request.requestedPermissions)
        shadowOf(app.application).grantPermissions(Manifest.permission.POST_NOTIFICATIONS)
        scenario.onActivity {
            it.onRequestPermissionsResult(request.requestCode, request.requestedPermissions, intArrayOf(PackageManager.PERMISSION_GRANTED))
        }
        app.waitFor("✓ Đã bật thông báo.")
        assertTrue(notificationsPermitted(app.application))
        app.render("first-run-notifications-on-vi")
    }
}

private const val COARSE = Manifest.permission.ACCESS_COARSE_LOCATION
