package org.civic.app.platform

import android.content.ActivityNotFoundException
import android.content.Context
import android.net.Uri
import android.util.Log
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.rememberUpdatedState
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.platform.LocalContext
import androidx.core.content.FileProvider
import java.io.File

/**
 * The report's photo from the phone's own camera app (`ActivityResultContracts.TakePicture`):
 * no camera permission, no camera library in the APK, and the camera app the citizen knows, on
 * the cheapest phones too. The picture goes to a JPEG under cacheDir/camera, shared with the
 * camera app through a [FileProvider] URI; [onTaken] gets its path, for
 * `CivicApp.attachPhotoFile` (which reads, rotates, resizes and strips it: the caller may
 * delete the file afterwards; [CameraFiles.clearOld] removes forgotten ones). Coming back
 * without a picture calls [onCancelled]; a phone with no camera app calls [onNoCamera] (the
 * routes open the photo picker instead). Call the returned function from a click.
 */
@Composable
fun rememberSystemCamera(onTaken: (path: String) -> Unit, onCancelled: () -> Unit = {}, onNoCamera: () -> Unit): () -> Unit {
    val context = LocalContext.current
    val taken by rememberUpdatedState(onTaken)
    val cancelled by rememberUpdatedState(onCancelled)
    // Saved with the activity: Android may stop it while the camera app is in front.
    var pending by rememberSaveable { mutableStateOf<String?>(null) }
    val launcher = rememberLauncherForActivityResult(ActivityResultContracts.TakePicture()) { saved ->
        val path = pending ?: return@rememberLauncherForActivityResult
        pending = null
        if (saved && File(path).length() > 0) {
            taken(path)
        } else {
            File(path).delete()
            cancelled()
        }
    }
    return {
        val file = CameraFiles.newFile(context)
        pending = file.absolutePath
        try {
            launcher.launch(CameraFiles.uriFor(context, file))
        } catch (e: ActivityNotFoundException) {
            Log.w("CivicCamera", "No camera app", e)
            pending = null
            file.delete()
            onNoCamera()
        }
    }
}

/** The camera's files in cacheDir/camera (res/xml/photo_paths.xml shares that folder only). */
object CameraFiles {
    private const val DIR = "camera"
    private const val MAX_AGE_MILLIS = 24L * 60 * 60 * 1000

    fun newFile(context: Context): File {
        val dir = File(context.cacheDir, DIR).apply { mkdirs() }
        return File(dir, "civic-${System.currentTimeMillis()}.jpg")
    }

    /** The URI the camera app writes [file] through (the manifest's FileProvider). */
    fun uriFor(context: Context, file: File): Uri = FileProvider.getUriForFile(context, authority(context), file)

    fun authority(context: Context): String = "${context.packageName}.photos"

    /** Deletes pictures older than a day (attached long ago, or abandoned). */
    fun clearOld(context: Context) {
        val cutoff = System.currentTimeMillis() - MAX_AGE_MILLIS
        File(context.cacheDir, DIR).listFiles()?.filter { it.lastModified() < cutoff }?.forEach { it.delete() }
    }
}
