package org.civic.app.platform

import android.graphics.BitmapFactory
import android.util.Log
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.asImageBitmap
import org.civic.app.ui.LatLon
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.MapArea
import org.civic.app.ui.MapMarker
import org.civic.app.ui.PlatformViews
import org.civic.core.MapTiles
import kotlin.math.max

/**
 * What the ui module's screens get from Android: photos decoded by BitmapFactory and the map
 * drawn by MapLibre ([OsmMap]) over the tiles the core names, with their credits: [tiles] is
 * the opened core's `mapTiles` (the city's tile server once a sync brought it, its built-in
 * fallback before), read each time a map is composed. The app never picks tiles itself.
 */
class AndroidPlatform(private val tiles: () -> MapTiles) : PlatformViews {
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
        // Read as the map enters the screen (a sync since the last one may have named the
        // city's tile server) and again when the language changes (the credits are in it).
        val language = LocalLanguage.current
        val current = remember(language) { tiles() }
        OsmMap(current, center, zoom, markers, areas, modifier, onCenterChanged, onMarkerClick)
    }

    private companion object {
        const val TAG = "CivicPlatform"

        /** Longest side, in pixels, a photo is decoded at: enough for a full-screen view. */
        const val MAX_SIDE = 1600
    }
}
