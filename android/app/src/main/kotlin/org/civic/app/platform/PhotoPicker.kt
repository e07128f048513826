package org.civic.app.platform

import android.net.Uri
import android.util.Log
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.rememberUpdatedState
import androidx.compose.ui.platform.LocalContext
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/**
 * Photos from the gallery through Android's photo picker (no storage permission needed; on
 * phones without it, androidx falls back to the document picker). Call the returned function
 * from a click; [onPicked] gets the chosen images' bytes (up to [max]), read off the main
 * thread, for `CivicApp.attachPhoto`. Images that cannot be read are left out; cancelling
 * calls nothing.
 */
@Composable
fun rememberPhotoPicker(max: Int = 5, onPicked: (List<ByteArray>) -> Unit): () -> Unit {
    val context = LocalContext.current
    val scope = rememberCoroutineScope()
    val current by rememberUpdatedState(onPicked)
    // The multiple picker needs a limit of at least 2; the list is cut to [max] below.
    val launcher =
        rememberLauncherForActivityResult(ActivityResultContracts.PickMultipleVisualMedia(max.coerceAtLeast(2))) { uris: List<Uri> ->
            if (uris.isEmpty()) return@rememberLauncherForActivityResult
            scope.launch {
                val photos = withContext(Dispatchers.IO) {
                    uris.take(max.coerceAtLeast(1)).mapNotNull { uri ->
                        try {
                            context.contentResolver.openInputStream(uri)?.use { it.readBytes() }
                        } catch (e: Exception) {
                            Log.w("CivicPhotos", "Cannot read a picked photo", e)
                            null
                        } catch (e: OutOfMemoryError) {
                            Log.w("CivicPhotos", "A picked photo is too large to read", e)
                            null
                        }
                    }
                }
                if (photos.isNotEmpty()) current(photos)
            }
        }
    return {
        launcher.launch(
            PickVisualMediaRequest.Builder()
                .setMediaType(ActivityResultContracts.PickVisualMedia.ImageOnly)
                .build(),
        )
    }
}
