package org.civic.app.platform

import android.Manifest
import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.rememberUpdatedState
import androidx.compose.ui.platform.LocalContext
import androidx.core.content.ContextCompat

/** Whether at least one of [permissions] is granted (location: fine OR coarse is enough). */
fun hasAnyPermission(context: Context, vararg permissions: String): Boolean =
    permissions.any { ContextCompat.checkSelfPermission(context, it) == PackageManager.PERMISSION_GRANTED }

/**
 * A runtime permission request: call the returned function (from a click) to ask for
 * [permissions]; [onResult] hears whether at least one is granted. When one already is, it
 * answers at once without a dialog. Asking again after a "don't ask again" answers false
 * immediately (Android shows nothing): screens then explain and point to the settings.
 */
@Composable
fun rememberPermissionRequest(vararg permissions: String, onResult: (granted: Boolean) -> Unit): () -> Unit {
    val context = LocalContext.current
    val current by rememberUpdatedState(onResult)
    val wanted = permissions.toList().toTypedArray()
    val launcher = rememberLauncherForActivityResult(ActivityResultContracts.RequestMultiplePermissions()) { results ->
        current(results.values.any { it } || hasAnyPermission(context, *wanted))
    }
    return {
        if (hasAnyPermission(context, *wanted)) current(true) else launcher.launch(wanted)
    }
}

/** Location for the report's position: precise or approximate. */
@Composable
fun rememberLocationPermission(onResult: (granted: Boolean) -> Unit): () -> Unit =
    rememberPermissionRequest(*LocationSource.PERMISSIONS, onResult = onResult)

/** Notifications (asked on Android 13+; granted by default before). */
fun notificationsPermitted(context: Context): Boolean = Build.VERSION.SDK_INT < Build.VERSION_CODES.TIRAMISU ||
    hasAnyPermission(context, Manifest.permission.POST_NOTIFICATIONS)

/** Asks for the notification permission on Android 13+; answers true at once before. */
@Composable
fun rememberNotificationPermission(onResult: (granted: Boolean) -> Unit): () -> Unit {
    if (Build.VERSION.SDK_INT < Build.VERSION_CODES.TIRAMISU) {
        val current by rememberUpdatedState(onResult)
        return { current(true) }
    }
    return rememberPermissionRequest(Manifest.permission.POST_NOTIFICATIONS, onResult = onResult)
}
