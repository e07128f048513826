package org.civic.app.platform

import android.content.Context
import android.graphics.RectF
import android.util.Log
import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.State
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberUpdatedState
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.toArgb
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.LocalUriHandler
import androidx.compose.ui.semantics.CustomAccessibilityAction
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.SemanticsPropertyKey
import androidx.compose.ui.semantics.SemanticsPropertyReceiver
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.customActions
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.LifecycleEventObserver
import androidx.lifecycle.compose.LocalLifecycleOwner
import org.civic.app.ui.LatLon
import org.civic.app.ui.MapArea
import org.civic.app.ui.MapMarker
import org.civic.app.ui.Str
import org.civic.app.ui.t
import org.civic.core.MapTiles
import org.json.JSONArray
import org.json.JSONObject
import org.maplibre.android.MapLibre
import org.maplibre.android.camera.CameraPosition
import org.maplibre.android.camera.CameraUpdateFactory
import org.maplibre.android.geometry.LatLng
import org.maplibre.android.maps.MapLibreMap
import org.maplibre.android.maps.MapLibreMapOptions
import org.maplibre.android.maps.MapView
import org.maplibre.android.maps.Style
import org.maplibre.android.style.sources.GeoJsonSource
import java.util.Locale

/*
 * The map: MapLibre Android drawing raster tiles (OpenStreetMap's data) with the screen's
 * markers as a GeoJSON source under a circle layer and its areas as fill + line layers.
 *
 * Tiles: the core names them ([MapTiles], `CivicApp.mapTiles`): the city's tile server, which
 * the server tells phones in sync (`--tile-url`), or before the first sync the city's built-in
 * fallback (OpenStreetMap's own servers, whose usage policy does not allow an app at a city's
 * scale: https://operations.osmfoundation.org/policies/tiles/). Nothing here picks a server.
 * The credits the core gives (the tiles' data and the boundaries' source, which asks to be
 * credited) are drawn over the map, always visible; a tap opens OpenStreetMap's copyright
 * page. Tile requests carry MapLibre's User-Agent, made of the application id and version
 * ("org.civic.app/0.1.0 (1) MapLibre Native/…"): keep applicationId and versionName
 * meaningful. Tiles are cached by MapLibre (mbgl-offline.db); nothing is prefetched.
 */
private const val OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"

/**
 * The tiles a map draws and the credits it shows, on its node of the semantics tree: what the
 * tests read (TalkBack reads the credits' text, not this).
 */
internal val MapTilesKey = SemanticsPropertyKey<MapTiles>("MapTiles")
private var SemanticsPropertyReceiver.mapTiles by MapTilesKey

private const val MARKERS = "civic-markers"
private const val AREAS = "civic-areas"
private const val AREAS_FILL = "civic-areas-fill"
private const val AREAS_LINE = "civic-areas-line"

/** How far from a marker's centre a tap still hits it. */
private const val TAP_SLOP_DP = 16f

/**
 * The screens' zoom levels are web-mercator levels of 256-pixel tiles (as on the web pages and
 * the off-device sketch); MapLibre counts in 512-pixel tiles, one level further in for the same
 * scale.
 */
private fun mapLibreZoom(zoom: Double): Double = zoom - 1.0

@Composable
internal fun OsmMap(
    tiles: MapTiles,
    center: LatLon,
    zoom: Double,
    markers: List<MapMarker>,
    areas: List<MapArea>,
    modifier: Modifier,
    onCenterChanged: ((LatLon) -> Unit)?,
    onMarkerClick: ((MapMarker) -> Unit)?,
) {
    val context = LocalContext.current
    val lifecycle = LocalLifecycleOwner.current.lifecycle
    val uriHandler = LocalUriHandler.current
    val interactive = onCenterChanged != null || onMarkerClick != null

    val controller = remember {
        MapController.createOrNull(
            context,
            initial = CameraPosition.Builder().target(LatLng(center.lat, center.lon)).zoom(mapLibreZoom(zoom)).build(),
            tiles = tiles,
        )
    }
    if (controller == null) {
        MapUnavailable(tiles, markers, modifier)
        return
    }
    controller.onCenterChanged = rememberUpdatedState(onCenterChanged)
    controller.onMarkerClick = rememberUpdatedState(onMarkerClick)

    LaunchedEffect(tiles.urlTemplate) { controller.useTiles(tiles) }
    LaunchedEffect(markers, areas) { controller.show(markers, areas) }
    LaunchedEffect(center, zoom) { controller.moveTo(center, zoom) }
    LaunchedEffect(interactive) { controller.setInteractive(interactive) }

    // MapView follows its host's lifecycle (adding the observer replays the events up to the
    // current state: onStart and onResume at once when the screen is already resumed)…
    DisposableEffect(lifecycle) {
        val observer = LifecycleEventObserver { _, event -> controller.onLifecycle(event) }
        lifecycle.addObserver(observer)
        onDispose { lifecycle.removeObserver(observer) }
    }
    // …and is paused, stopped and destroyed when it leaves the composition.
    DisposableEffect(controller) {
        onDispose { controller.destroy() }
    }

    val description = markers.joinToString { it.label }
    // TalkBack cannot tap a pin drawn by MapLibre: each pin is an action of the map, by its label.
    val click = onMarkerClick
    Box(
        modifier.semantics {
            mapTiles = tiles
            if (description.isNotEmpty()) contentDescription = description
            if (click != null) {
                customActions = markers.map { m ->
                    CustomAccessibilityAction(m.label) {
                        click(m)
                        true
                    }
                }
            }
        },
    ) {
        AndroidView(factory = { controller.view }, modifier = Modifier.matchParentSize())
        Text(
            tiles.credits,
            style = MaterialTheme.typography.labelSmall,
            color = Color(0xFF1B1B1B),
            modifier = Modifier
                .align(Alignment.BottomEnd)
                .background(Color.White.copy(alpha = 0.8f))
                .clickable(role = Role.Button, onClickLabel = t(Str.MAP_OPEN_COPYRIGHT)) {
                    // No browser on the phone: openUri throws (IllegalArgumentException).
                    runCatching { uriHandler.openUri(OSM_COPYRIGHT) }
                }
                .padding(horizontal = 4.dp, vertical = 2.dp),
        )
    }
}

/**
 * In place of the map when MapLibre cannot run on this phone (its native library failed to
 * load: an unusual ABI, no OpenGL ES 3, or the JVM of the tests): the screen stays usable, the
 * places are still read out by TalkBack.
 */
@Composable
private fun MapUnavailable(tiles: MapTiles, markers: List<MapMarker>, modifier: Modifier) {
    val description = markers.joinToString { it.label }
    Box(
        modifier.background(MaterialTheme.colorScheme.surfaceVariant).semantics {
            // The tiles it would draw, for the tests (which run where MapLibre cannot).
            mapTiles = tiles
            if (description.isNotEmpty()) contentDescription = description
        },
        contentAlignment = Alignment.Center,
    ) {
        Text(
            t(Str.MAP_CANNOT_BE_SHOWN),
            style = MaterialTheme.typography.bodyMedium,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
            modifier = Modifier.padding(16.dp),
        )
    }
}

/** The MapView and what the composable last asked of it, applied once the map is ready. */
private class MapController(context: Context, initial: CameraPosition, private var tiles: MapTiles) {
    companion object {
        private const val TAG = "CivicMap"

        /** The controller, or null when MapLibre's native library cannot be loaded here. */
        fun createOrNull(context: Context, initial: CameraPosition, tiles: MapTiles): MapController? = try {
            MapController(context, initial, tiles)
        } catch (e: UnsatisfiedLinkError) {
            Log.w(TAG, "MapLibre cannot run on this phone", e)
            null
        } catch (e: ExceptionInInitializerError) {
            Log.w(TAG, "MapLibre cannot run on this phone", e)
            null
        } catch (e: NoClassDefFoundError) {
            Log.w(TAG, "MapLibre cannot run on this phone", e)
            null
        }
    }

    lateinit var onCenterChanged: State<((LatLon) -> Unit)?>
    lateinit var onMarkerClick: State<((MapMarker) -> Unit)?>

    val view: MapView
    private var map: MapLibreMap? = null
    private var style: Style? = null
    private var markers: List<MapMarker> = emptyList()
    private var areas: List<MapArea> = emptyList()
    private var interactive = false

    /** The camera the screen last asked for. */
    private var wanted: Pair<LatLon, Double>? = null

    /** The centre last reported to the screen: not moved to again when it comes back. */
    private var reported: LatLon? = null
    private var userMoving = false

    private var started = false
    private var resumed = false
    private var destroyed = false
    private val density = context.resources.displayMetrics.density

    init {
        MapLibre.getInstance(context.applicationContext)
        val options = MapLibreMapOptions.createFromAttributes(context, null)
            .camera(initial)
            // A TextureView scrolls and clips with Compose; a SurfaceView would draw over it.
            .textureMode(true)
            .logoEnabled(false)
            // Attribution is the Compose link over the map, always visible.
            .attributionEnabled(false)
            .compassEnabled(false)
        view = MapView(context, options)
        view.onCreate(null)
        view.getMapAsync { map -> onMapReady(map) }
    }

    private fun onMapReady(map: MapLibreMap) {
        if (destroyed) return
        this.map = map
        map.uiSettings.setAllGesturesEnabled(interactive)
        map.uiSettings.isRotateGesturesEnabled = false
        map.uiSettings.isTiltGesturesEnabled = false

        map.addOnCameraMoveStartedListener { reason ->
            if (reason == MapLibreMap.OnCameraMoveStartedListener.REASON_API_GESTURE) userMoving = true
        }
        map.addOnCameraIdleListener {
            // Only moves the citizen made: the screen treats a new centre as "the pin moved".
            if (!userMoving) return@addOnCameraIdleListener
            userMoving = false
            val target = map.cameraPosition.target ?: return@addOnCameraIdleListener
            val at = LatLon(target.latitude, target.longitude)
            reported = at
            onCenterChanged.value?.invoke(at)
        }
        map.addOnMapClickListener { point ->
            val onClick = onMarkerClick.value ?: return@addOnMapClickListener false
            val screen = map.projection.toScreenLocation(point)
            val slop = TAP_SLOP_DP * density
            val hits = map.queryRenderedFeatures(
                RectF(screen.x - slop, screen.y - slop, screen.x + slop, screen.y + slop),
                MARKERS,
            )
            val ids = hits.mapNotNull { runCatching { it.getStringProperty("id") }.getOrNull() }
            val marker = ids.firstNotNullOfOrNull { id -> markers.firstOrNull { it.id == id } }
            if (marker != null) {
                onClick(marker)
                true
            } else {
                false
            }
        }
        wanted?.let { (center, zoom) -> moveTo(center, zoom) }
        loadStyle(map)
    }

    /** The style over [tiles], with the screen's data once it is loaded. */
    private fun loadStyle(map: MapLibreMap) {
        style = null
        map.setStyle(Style.Builder().fromJson(mapStyle(tiles))) { loaded ->
            if (destroyed) return@setStyle
            style = loaded
            applyData()
        }
    }

    /** Draws [tiles] from now on: the style again when the tile server changed. */
    fun useTiles(tiles: MapTiles) {
        if (tiles.urlTemplate == this.tiles.urlTemplate) return
        this.tiles = tiles
        map?.let(::loadStyle) // Else the style is loaded when the map is ready.
    }

    fun show(markers: List<MapMarker>, areas: List<MapArea>) {
        this.markers = markers
        this.areas = areas
        applyData()
    }

    private fun applyData() {
        val style = style ?: return
        style.getSourceAs<GeoJsonSource>(MARKERS)?.setGeoJson(markersGeoJson(markers))
        style.getSourceAs<GeoJsonSource>(AREAS)?.setGeoJson(areasGeoJson(areas))
    }

    fun moveTo(center: LatLon, zoom: Double) {
        wanted = center to zoom
        val map = map ?: return // Applied when the map is ready.
        if (center == reported) return // The citizen just put it there.
        val now = map.cameraPosition
        val target = now.target
        val level = mapLibreZoom(zoom)
        if (target != null && target.latitude == center.lat && target.longitude == center.lon && now.zoom == level) return
        map.moveCamera(CameraUpdateFactory.newLatLngZoom(LatLng(center.lat, center.lon), level))
    }

    fun setInteractive(interactive: Boolean) {
        this.interactive = interactive
        map?.uiSettings?.setAllGesturesEnabled(interactive)
        map?.uiSettings?.isRotateGesturesEnabled = false
        map?.uiSettings?.isTiltGesturesEnabled = false
    }

    fun onLifecycle(event: Lifecycle.Event) {
        if (destroyed) return
        when (event) {
            Lifecycle.Event.ON_START -> if (!started) {
                view.onStart()
                started = true
            }
            Lifecycle.Event.ON_RESUME -> if (!resumed) {
                view.onResume()
                resumed = true
            }
            Lifecycle.Event.ON_PAUSE -> if (resumed) {
                view.onPause()
                resumed = false
            }
            Lifecycle.Event.ON_STOP -> if (started) {
                view.onStop()
                started = false
            }
            else -> Unit // ON_CREATE: done in init; ON_DESTROY: the composition's dispose.
        }
    }

    /** Walks the view down its lifecycle (the screen closed, or the activity went). */
    fun destroy() {
        if (destroyed) return
        if (resumed) view.onPause()
        if (started) view.onStop()
        resumed = false
        started = false
        destroyed = true
        style = null
        map = null
        view.onDestroy()
    }
}

/** The map's MapLibre style: [tiles]' raster tiles under the areas' and markers' layers. */
internal fun mapStyle(tiles: MapTiles): String {
    val emptyCollection = { JSONObject().put("type", "FeatureCollection").put("features", JSONArray()) }
    val sources = JSONObject()
        .put(
            "osm",
            JSONObject()
                .put("type", "raster")
                .put("tiles", JSONArray().put(tiles.urlTemplate))
                .put("tileSize", 256)
                .put("maxzoom", 19)
                .put("attribution", tiles.credits),
        )
        .put(AREAS, JSONObject().put("type", "geojson").put("data", emptyCollection()))
        .put(MARKERS, JSONObject().put("type", "geojson").put("data", emptyCollection()))
    val colorOf = { JSONArray().put("to-color").put(JSONArray().put("get").put("color")) }
    val layers = JSONArray()
        .put(JSONObject().put("id", "osm").put("type", "raster").put("source", "osm"))
        .put(
            JSONObject().put("id", AREAS_FILL).put("type", "fill").put("source", AREAS)
                .put("paint", JSONObject().put("fill-color", colorOf()).put("fill-opacity", 0.25)),
        )
        .put(
            JSONObject().put("id", AREAS_LINE).put("type", "line").put("source", AREAS)
                .put("paint", JSONObject().put("line-color", colorOf()).put("line-width", 2.5)),
        )
        .put(
            JSONObject().put("id", MARKERS).put("type", "circle").put("source", MARKERS)
                .put(
                    "paint",
                    JSONObject()
                        .put("circle-color", colorOf())
                        .put("circle-radius", 9)
                        .put("circle-stroke-color", "#FFFFFF")
                        .put("circle-stroke-width", 2.5),
                ),
        )
    return JSONObject().put("version", 8).put("sources", sources).put("layers", layers).toString()
}

private fun hex(color: Color): String = String.format(Locale.ROOT, "#%06X", 0xFFFFFF and color.toArgb())

private fun lngLat(p: LatLon): JSONArray = JSONArray().put(p.lon).put(p.lat)

private fun markersGeoJson(markers: List<MapMarker>): String {
    val features = JSONArray()
    for (m in markers) {
        features.put(
            JSONObject()
                .put("type", "Feature")
                .put("geometry", JSONObject().put("type", "Point").put("coordinates", lngLat(m.at)))
                .put("properties", JSONObject().put("id", m.id).put("label", m.label).put("color", hex(m.color))),
        )
    }
    return JSONObject().put("type", "FeatureCollection").put("features", features).toString()
}

private fun areasGeoJson(areas: List<MapArea>): String {
    val features = JSONArray()
    for (area in areas) {
        if (area.ring.size < 3) continue
        val ring = JSONArray()
        area.ring.forEach { ring.put(lngLat(it)) }
        if (area.ring.first() != area.ring.last()) ring.put(lngLat(area.ring.first())) // GeoJSON rings are closed.
        features.put(
            JSONObject()
                .put("type", "Feature")
                .put("geometry", JSONObject().put("type", "Polygon").put("coordinates", JSONArray().put(ring)))
                .put("properties", JSONObject().put("color", hex(area.color))),
        )
    }
    return JSONObject().put("type", "FeatureCollection").put("features", features).toString()
}
