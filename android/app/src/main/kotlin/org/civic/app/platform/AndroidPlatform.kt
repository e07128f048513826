package org.civic.app.platform

import android.graphics.BitmapFactory
import android.util.Log
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.asImageBitmap
import org.civic.app.ui.LatLon
import org.civic.app.ui.MapArea
import org.civic.app.ui.MapMarker
import org.civic.app.ui.PlatformViews
import kotlin.math.max

/**
 * What the ui module's screens get from Android: photos decoded by BitmapFactory and the map
 * drawn by MapLibre over OpenStreetMap's tiles ([OsmMap]).
 */
object AndroidPlatform : PlatformViews {
    private const val TAG = "CivicPlatform"

    /** Longest side, in pixels, a photo is decoded at: enough for a full-screen view. */
    private const val MAX_SIDE = 1600

    override fun decodePhoto(bytes: ByteArray): ImageBitmap? = try {
        val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
        BitmapFactory.decodeByteArray(bytes, 0, bytes.size, bounds)
        if (bounds.outWidth <= 0 || bounds.outHeight <= 0) {
            null
        } else {
            // The largest power of two that keeps the longest side at MAX_SIDE or more: a
            // 4000 px camera photo decodes at 2000 px, with a quarter of the memory.
            val longest = max(bounds.outWidth, bounds.outHeight)
            var sample = 1
            while (longest / (sample * 2) >= MAX_SIDE) sample *= 2
            val options = BitmapFactory.Options().apply { inSampleSize = sample }
            BitmapFactory.decodeByteArray(bytes, 0, bytes.size, options)?.asImageBitmap()
        }
    } catch (e: OutOfMemoryError) {
        Log.w(TAG, "Not enough memory to show a photo of ${bytes.size} bytes", e)
        null
    }

    @Composable
    override fun Map(
        center: LatLon,
        zoom: Double,
        markers: List<MapMarker>,
        areas: List<MapArea>,
        modifier: Modifier,
        onCenterChanged: ((LatLon) -> Unit)?,
        onMarkerClick: ((MapMarker) -> Unit)?,
    ) {
        OsmMap(center, zoom, markers, areas, modifier, onCenterChanged, onMarkerClick)
    }
}
