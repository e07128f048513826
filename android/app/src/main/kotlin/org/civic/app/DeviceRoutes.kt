package org.civic.app

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.platform.LocalContext
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.civic.app.platform.notificationsPermitted
import org.civic.app.platform.rememberLocationPermission
import org.civic.app.platform.rememberLocationSource
import org.civic.app.platform.rememberNotificationPermission
import org.civic.app.platform.rememberPhotoPicker
import org.civic.app.platform.rememberSystemCamera
import org.civic.app.sync.CampaignReminders
import org.civic.app.sync.SyncScheduler
import org.civic.app.ui.campaign.CampaignScreen
import org.civic.app.ui.campaign.CampaignViewModel
import org.civic.app.ui.capture.CaptureScreen
import org.civic.app.ui.capture.CaptureViewModel
import org.civic.app.ui.capture.MAX_PHOTOS
import org.civic.app.ui.official.OfficialReportScreen
import org.civic.app.ui.official.OfficialReportViewModel
import org.civic.core.OfficialApp
import java.io.File

/*
 * The routes whose screens need the phone's devices: the camera app, the photo picker and the
 * location, which the ui module's screens ask for through callbacks.
 */

/**
 * "Báo cáo mới": the capture screen, the phone's camera app and photo picker for its photos,
 * and the phone's fix (asked once when the draft has no place yet, and on "locate me"). After
 * "send" the report waits in the outbox and an expedited sync is scheduled.
 */
@Composable
internal fun NewReportRoute(onClose: () -> Unit) {
    val context = LocalContext.current.applicationContext
    val model = screenModel { app, scope ->
        CaptureViewModel(app, scope, onQueued = { SyncScheduler.syncSoon(context) })
    }
    val state by model.state.collectAsState()
    val scope = rememberCoroutineScope()
    val location = rememberLocationSource()
    var autoLocated by rememberSaveable { mutableStateOf(false) }

    val locate: () -> Unit = {
        scope.launch { location.currentFix()?.let(model::setLocation) }
    }
    val askLocation = rememberLocationPermission { granted -> if (granted) locate() }
    val pickPhotos = rememberPhotoPicker(max = (MAX_PHOTOS - state.photos.size).coerceAtLeast(1)) { photos ->
        photos.forEach(model::attachPhoto)
    }
    val takePhoto = rememberSystemCamera(onTaken = model::attachPhotoFile, onNoCamera = pickPhotos)

    // A new draft with no place yet: try the phone's fix once, when the permission is there
    // (asking is left to "locate me", so the first thing the citizen sees is not a dialog).
    LaunchedEffect(state.loading, state.draftId) {
        if (!autoLocated && !state.loading && state.draftId != null && state.location == null && location.hasPermission()) {
            autoLocated = true
            locate()
        }
    }

    CaptureScreen(
        model = model,
        onTakePhoto = takePhoto,
        onPickPhotos = pickPhotos,
        onLocateMe = askLocation,
        onClose = onClose,
    )
}

/**
 * A Green Sunday campaign: the quick capture opens the camera app; the photo taken and the
 * phone's fix (asking for the permission if needed) become a spot, kept on the phone and
 * sent at once when there is a connection. Joining schedules the reminders before it.
 */
@Composable
internal fun CampaignRoute(id: String) {
    val context = LocalContext.current.applicationContext
    // Joined without the notification permission (Android 13+): ask, or no reminder will ring.
    val wantsNotifications = remember { mutableStateOf(false) }
    val askNotifications = rememberNotificationPermission { }
    val model = screenModel(id) { app, scope ->
        // Called on the io dispatcher: reading the core and WorkManager may block.
        CampaignViewModel(app, id, scope, onJoined = {
            CampaignReminders.update(context, app)
            if (!notificationsPermitted(context)) wantsNotifications.value = true
        })
    }
    LaunchedEffect(wantsNotifications.value) {
        if (wantsNotifications.value) {
            wantsNotifications.value = false
            askNotifications()
        }
    }
    val scope = rememberCoroutineScope()
    val location = rememberLocationSource()
    // The category the citizen chose, kept while the camera app is in front.
    var category by rememberSaveable { mutableStateOf<String?>(null) }
    var locating by remember { mutableStateOf<CompletableDeferred<Boolean>?>(null) }
    val askLocation = rememberLocationPermission { granted ->
        locating?.complete(granted)
        locating = null
    }
    val spot: (ByteArray) -> Unit = { bytes ->
        val chosen = category
        category = null
        if (chosen != null) {
            scope.launch {
                if (!location.hasPermission()) {
                    val waiter = CompletableDeferred<Boolean>()
                    locating = waiter
                    askLocation()
                    if (!waiter.await()) return@launch
                }
                val fix = location.currentFix() ?: return@launch
                model.reportSpot(chosen, bytes, fix)
                model.sync()
            }
        }
    }
    val pickPhoto = rememberPhotoPicker(max = 1) { photos -> photos.firstOrNull()?.let(spot) }
    val takePhoto = rememberSystemCamera(
        onTaken = { path -> scope.launch { readAndDelete(path)?.let(spot) } },
        onCancelled = { category = null },
        onNoCamera = pickPhoto,
    )
    LaunchedEffect(id) { model.load() }
    CampaignScreen(model = model, onCapture = { chosen ->
        category = chosen
        takePhoto()
    })
}

/**
 * A work item for the signed-in official: the camera app for the after-photo (its JPEG's
 * bytes), the phone's fix where it was resolved (asking for the permission if needed).
 */
@Composable
internal fun OfficialReportRoute(official: OfficialApp, id: String, onBack: () -> Unit) {
    val model = screenModel(id) { app, scope -> OfficialReportViewModel(official, id, app.categories(), scope) }
    val scope = rememberCoroutineScope()
    val location = rememberLocationSource()
    // The screen's coroutine waits for the photo while the camera app is in front.
    var photoWaiter by remember { mutableStateOf<CompletableDeferred<ByteArray?>?>(null) }
    val permissionWaiter = remember { mutableStateOf<CompletableDeferred<Boolean>?>(null) }
    val askLocation = rememberLocationPermission { granted ->
        permissionWaiter.value?.complete(granted)
        permissionWaiter.value = null
    }
    val done: (ByteArray?) -> Unit = { bytes ->
        photoWaiter?.complete(bytes)
        photoWaiter = null
    }
    val pickPhoto = rememberPhotoPicker(max = 1) { photos -> done(photos.firstOrNull()) }
    val takePhoto = rememberSystemCamera(
        onTaken = { path -> scope.launch { done(readAndDelete(path)) } },
        onCancelled = { done(null) },
        onNoCamera = pickPhoto,
    )

    OfficialReportScreen(
        model = model,
        onBack = onBack,
        onTakeAfterPhoto = {
            val deferred = CompletableDeferred<ByteArray?>()
            photoWaiter = deferred
            takePhoto()
            deferred.await()
        },
        currentLocation = currentLocation@{
            if (!location.hasPermission()) {
                val answer = CompletableDeferred<Boolean>()
                permissionWaiter.value = answer
                askLocation()
                if (!answer.await()) return@currentLocation null
            }
            location.currentFix()
        },
    )
}

/** The camera app's picture, read off the main thread, and its file removed; null if unreadable. */
private suspend fun readAndDelete(path: String): ByteArray? = withContext(Dispatchers.IO) {
    val file = File(path)
    try {
        file.readBytes()
    } catch (e: Exception) {
        null
    } finally {
        file.delete()
    }
}
