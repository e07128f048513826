package org.civic.app.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.background
import androidx.compose.foundation.gestures.detectTapGestures
import androidx.compose.foundation.layout.Box
import androidx.compose.runtime.Composable
import androidx.compose.runtime.Immutable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.rememberUpdatedState
import androidx.compose.runtime.staticCompositionLocalOf
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.semantics.CustomAccessibilityAction
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.customActions
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import kotlin.math.cos

/** A point on the map (WGS 84). */
@Immutable
data class LatLon(val lat: Double, val lon: Double)

/** A pin: a report, a place, the draft's location. */
@Immutable
data class MapMarker(val at: LatLon, val label: String, val color: Color, val id: String = label)

/** An area drawn on the map: a warning's polygon, a saved place's circle. */
@Immutable
data class MapArea(val ring: List<LatLon>, val color: Color)

/**
 * What only the platform can do for a screen. The Android app provides MapLibre over the
 * tiles the core names (`CivicApp.mapTiles`, with their credits on the map) and BitmapFactory;
 * the off-device tests a drawn map and Skia.
 */
interface PlatformViews {
    /** The JPEG's pixels, or null when they cannot be decoded. */
    fun decodePhoto(bytes: ByteArray): ImageBitmap?

    /**
     * A map centred on [center]. With [onCenterChanged] the map is draggable and the pin at its
     * centre is the chosen point (the "adjust the pin" of the capture screen).
     */
    @Composable
    fun Map(
        center: LatLon,
        zoom: Double,
        markers: List<MapMarker>,
        areas: List<MapArea>,
        modifier: Modifier,
        onCenterChanged: ((LatLon) -> Unit)?,
        onMarkerClick: ((MapMarker) -> Unit)?,
    )
}

val LocalPlatform = staticCompositionLocalOf<PlatformViews> { SketchPlatform }

/**
 * A platform without tiles or a JPEG decoder: the map is drawn as pins and areas on a plain
 * background (a sketch, scaled around the centre), photos are not shown. Used by previews and
 * as the fallback; tests provide a decoder. With [Map]'s onMarkerClick a tap near a pin picks
 * it, and each pin is also an accessibility action named by its label (what tests invoke).
 */
object SketchPlatform : PlatformViews {
    override fun decodePhoto(bytes: ByteArray): ImageBitmap? = null

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
        val description = markers.joinToString { it.label }
        val click by rememberUpdatedState(onMarkerClick)
        val picking = onMarkerClick != null
        val pick = if (!picking) {
            Modifier
        } else {
            Modifier.pointerInput(markers, center, zoom) {
                detectTapGestures { tap ->
                    val drawn = Size(size.width.toFloat(), size.height.toFloat())
                    // The nearest pin within a fingertip, as the app's map does.
                    val hit = markers.minByOrNull { (sketchProject(it.at, center, zoom, drawn) - tap).getDistance() }
                    if (hit != null && (sketchProject(hit.at, center, zoom, drawn) - tap).getDistance() <= 16.dp.toPx()) click?.invoke(hit)
                }
            }
        }
        Box(
            modifier.background(Color(0xFFE8EEE4)).semantics {
                contentDescription = description
                if (picking) {
                    customActions = markers.map { m ->
                        CustomAccessibilityAction(m.label) {
                            click?.invoke(m)
                            true
                        }
                    }
                }
            }.then(pick),
        ) {
            Canvas(Modifier.matchParentSize()) {
                fun project(p: LatLon): Offset = sketchProject(p, center, zoom, size)
                for (area in areas) {
                    if (area.ring.size < 3) continue
                    val path = Path()
                    area.ring.forEachIndexed { i, p ->
                        val o = project(p)
                        if (i == 0) path.moveTo(o.x, o.y) else path.lineTo(o.x, o.y)
                    }
                    path.close()
                    drawPath(path, area.color.copy(alpha = 0.25f))
                    drawPath(path, area.color, style = Stroke(width = 3f))
                }
                for (m in markers) {
                    val o = project(m.at)
                    drawCircle(Color.White, radius = 11f, center = o)
                    drawCircle(m.color, radius = 8f, center = o)
                }
            }
        }
    }
}

/** Where [p] is drawn on a sketch of [size] centred on [center]: metres per pixel as in web-mercator tiles at [zoom]. */
private fun sketchProject(p: LatLon, center: LatLon, zoom: Double, size: Size): Offset {
    val metresPerPixel = 156_543.03 * cos(Math.toRadians(center.lat)) / Math.pow(2.0, zoom)
    val dx = (p.lon - center.lon) * 111_320.0 * cos(Math.toRadians(center.lat)) / metresPerPixel
    val dy = (center.lat - p.lat) * 110_540.0 / metresPerPixel
    return Offset(size.width / 2 + dx.toFloat(), size.height / 2 + dy.toFloat())
}
