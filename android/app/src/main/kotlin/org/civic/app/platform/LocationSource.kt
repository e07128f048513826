package org.civic.app.platform

import android.Manifest
import android.content.Context
import android.content.pm.PackageManager
import android.location.Location
import android.location.LocationManager
import android.os.SystemClock
import android.util.Log
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.platform.LocalContext
import androidx.core.content.ContextCompat
import com.google.android.gms.location.CurrentLocationRequest
import com.google.android.gms.location.FusedLocationProviderClient
import com.google.android.gms.location.LocationServices
import com.google.android.gms.location.Priority
import com.google.android.gms.tasks.CancellationTokenSource
import kotlinx.coroutines.suspendCancellableCoroutine
import org.civic.core.FixSource
import org.civic.core.LocationFix
import java.time.Instant
import kotlin.coroutines.resume

/**
 * Where the phone is, for the report's location: one fresh fix from the fused location
 * provider (GPS, Wi-Fi and cells), high accuracy when the precise permission is granted.
 * Phones without Google Play services (common in Vietnam: Huawei…) fall back to Android's
 * own last known fix. Null when there is no permission or no fix: the citizen places the pin.
 */
class LocationSource(context: Context) {
    private val context = context.applicationContext
    private val fused: FusedLocationProviderClient = LocationServices.getFusedLocationProviderClient(this.context)

    /** Either location permission (approximate is enough for a fix, if a coarse one). */
    fun hasPermission(): Boolean = granted(Manifest.permission.ACCESS_FINE_LOCATION) || granted(Manifest.permission.ACCESS_COARSE_LOCATION)

    /** The precise one (Android 12+ lets the user grant only approximate). */
    fun hasPrecisePermission(): Boolean = granted(Manifest.permission.ACCESS_FINE_LOCATION)

    /**
     * The current position: a fix no older than [maxAgeMillis], else a new one within
     * [timeoutMillis]. The source is [FixSource.GPS] for every fix the phone measured (the
     * bindings have no separate "network" source: the accuracy says how good it is).
     */
    suspend fun currentFix(maxAgeMillis: Long = 30_000, timeoutMillis: Long = 30_000): LocationFix? {
        if (!hasPermission()) return null
        val location = fused(maxAgeMillis, timeoutMillis) ?: lastKnown(maxAgeMillis * 4)
        return location?.toFix()
    }

    private suspend fun fused(maxAgeMillis: Long, timeoutMillis: Long): Location? {
        val request = CurrentLocationRequest.Builder()
            .setPriority(if (hasPrecisePermission()) Priority.PRIORITY_HIGH_ACCURACY else Priority.PRIORITY_BALANCED_POWER_ACCURACY)
            .setMaxUpdateAgeMillis(maxAgeMillis)
            .setDurationMillis(timeoutMillis)
            .build()
        val cancel = CancellationTokenSource()
        return try {
            suspendCancellableCoroutine { continuation ->
                continuation.invokeOnCancellation { cancel.cancel() }
                fused.getCurrentLocation(request, cancel.token)
                    .addOnSuccessListener { location: Location? -> continuation.resume(location) }
                    .addOnFailureListener { e ->
                        // No Play services, location off…
                        Log.i(TAG, "No fused location", e)
                        continuation.resume(null)
                    }
                    .addOnCanceledListener { continuation.resume(null) }
            }
        } catch (e: SecurityException) {
            null
        } catch (e: IllegalStateException) {
            // Play services missing on this phone: the client cannot even be used.
            Log.i(TAG, "No fused location provider", e)
            null
        }
    }

    /** Android's own most recent fix (GPS first), if it is recent enough. */
    private fun lastKnown(maxAgeMillis: Long): Location? {
        val manager = ContextCompat.getSystemService(context, LocationManager::class.java) ?: return null
        return listOf(LocationManager.GPS_PROVIDER, LocationManager.NETWORK_PROVIDER)
            // Each may throw: no such provider on this phone, or (GPS) only coarse permission.
            .mapNotNull { provider -> runCatching { manager.getLastKnownLocation(provider) }.getOrNull() }
            .filter { ageMillis(it) <= maxAgeMillis }
            .minByOrNull { if (it.hasAccuracy()) it.accuracy else Float.MAX_VALUE }
    }

    private fun ageMillis(location: Location): Long = (SystemClock.elapsedRealtimeNanos() - location.elapsedRealtimeNanos) / 1_000_000

    private fun Location.toFix(): LocationFix = LocationFix(
        lat = latitude,
        lon = longitude,
        // Unknown accuracy: say it is poor rather than perfect.
        accuracyM = if (hasAccuracy()) accuracy.toDouble() else UNKNOWN_ACCURACY_M,
        source = FixSource.GPS,
        fixedAt = if (time > 0) Instant.ofEpochMilli(time) else Instant.now(),
    )

    private fun granted(permission: String): Boolean =
        ContextCompat.checkSelfPermission(context, permission) == PackageManager.PERMISSION_GRANTED

    companion object {
        private const val TAG = "CivicLocation"
        private const val UNKNOWN_ACCURACY_M = 500.0

        /** The permissions the capture screen asks for (the user may grant only coarse). */
        val PERMISSIONS = arrayOf(Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION)
    }
}

/** A [LocationSource] for the composition's context. */
@Composable
fun rememberLocationSource(): LocationSource {
    val context = LocalContext.current
    return remember(context) { LocationSource(context) }
}
