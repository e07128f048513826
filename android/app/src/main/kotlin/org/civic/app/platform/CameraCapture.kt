package org.civic.app.platform

import android.Manifest
import android.content.Context
import android.util.Log
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageCapture
import androidx.camera.core.ImageCaptureException
import androidx.camera.core.Preview
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.navigationBarsPadding
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.statusBarsPadding
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberUpdatedState
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.LocalLifecycleOwner
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.t
import java.io.File

/**
 * A full-screen camera for the report's photo: CameraX preview and a shutter button. The
 * picture is written to a JPEG under cacheDir/camera and [onCaptured] gets its path, for
 * `CivicApp.attachPhotoFile` (which reads, rotates, resizes and strips it: the caller may
 * delete the file afterwards; [CameraFiles.clearOld] removes forgotten ones). Asks for the
 * camera permission itself; [onClose] leaves without a photo.
 */
@Composable
fun CameraCapture(onCaptured: (path: String) -> Unit, onClose: () -> Unit, modifier: Modifier = Modifier) {
    val context = LocalContext.current
    val language = LocalLanguage.current
    val lifecycleOwner = LocalLifecycleOwner.current
    val captured by rememberUpdatedState(onCaptured)

    var granted by remember { mutableStateOf(hasAnyPermission(context, Manifest.permission.CAMERA)) }
    var denied by remember { mutableStateOf(false) }
    var busy by remember { mutableStateOf(false) }
    var error by remember { mutableStateOf<String?>(null) }
    val askCamera = rememberCameraPermission { ok ->
        granted = ok
        denied = !ok
    }
    LaunchedEffect(Unit) { if (!granted) askCamera() }

    val previewView = remember {
        PreviewView(context).apply {
            scaleType = PreviewView.ScaleType.FILL_CENTER
            // A TextureView: composes (clips, animates) like any view.
            implementationMode = PreviewView.ImplementationMode.COMPATIBLE
        }
    }
    val imageCapture = remember {
        ImageCapture.Builder()
            .setCaptureMode(ImageCapture.CAPTURE_MODE_MINIMIZE_LATENCY)
            .build()
    }

    DisposableEffect(lifecycleOwner, granted) {
        var disposed = false
        var provider: ProcessCameraProvider? = null
        if (granted) {
            val future = ProcessCameraProvider.getInstance(context)
            future.addListener({
                if (disposed) return@addListener
                try {
                    val cameras = future.get()
                    provider = cameras
                    val preview = Preview.Builder().build()
                    preview.setSurfaceProvider(previewView.surfaceProvider)
                    cameras.unbindAll()
                    cameras.bindToLifecycle(lifecycleOwner, CameraSelector.DEFAULT_BACK_CAMERA, preview, imageCapture)
                } catch (e: Exception) {
                    Log.w(TAG, "Cannot open the camera", e)
                    error = language.pick(
                        "Không mở được máy ảnh. Hãy chọn ảnh từ thư viện.",
                        "The camera cannot be opened. Choose a photo from the gallery instead.",
                    )
                }
            }, ContextCompat.getMainExecutor(context))
        }
        onDispose {
            disposed = true
            provider?.unbindAll()
        }
    }

    // Opaque to touches too: shown over a screen, nothing under it may be tapped.
    Box(modifier.fillMaxSize().background(Color.Black).pointerInput(Unit) {}) {
        if (granted) {
            AndroidView(
                factory = { previewView },
                modifier = Modifier.fillMaxSize().semantics {
                    contentDescription = language.pick("Khung ngắm máy ảnh", "Camera viewfinder")
                },
            )
        } else {
            Column(
                Modifier.align(Alignment.Center).padding(24.dp),
                horizontalAlignment = Alignment.CenterHorizontally,
                verticalArrangement = Arrangement.spacedBy(12.dp),
            ) {
                Text(
                    if (denied) {
                        t(
                            "Civic cần quyền dùng máy ảnh để chụp ảnh báo cáo. Bạn có thể cho phép trong Cài đặt, hoặc chọn ảnh từ thư viện.",
                            "Civic needs the camera permission to take the report's photo. You can allow it in Settings, or choose a photo from the gallery.",
                        )
                    } else {
                        t("Đang xin quyền dùng máy ảnh…", "Asking for the camera permission…")
                    },
                    color = Color.White,
                    textAlign = TextAlign.Center,
                )
                if (denied) Button(onClick = askCamera) { Text(t("Thử lại", "Try again")) }
            }
        }

        error?.let {
            Text(
                it,
                color = Color.White,
                textAlign = TextAlign.Center,
                modifier = Modifier.align(Alignment.TopCenter).statusBarsPadding().padding(16.dp)
                    .background(MaterialTheme.colorScheme.error.copy(alpha = 0.85f)).padding(12.dp),
            )
        }

        Row(
            Modifier.align(Alignment.BottomCenter).fillMaxWidth().navigationBarsPadding().padding(24.dp),
            horizontalArrangement = Arrangement.SpaceBetween,
            verticalAlignment = Alignment.CenterVertically,
        ) {
            TextButton(onClick = onClose, modifier = Modifier.size(width = 96.dp, height = 56.dp)) {
                Text(t("Huỷ", "Cancel"), color = Color.White)
            }
            Button(
                onClick = {
                    busy = true
                    error = null
                    val file = CameraFiles.newFile(context)
                    imageCapture.takePicture(
                        ImageCapture.OutputFileOptions.Builder(file).build(),
                        ContextCompat.getMainExecutor(context),
                        object : ImageCapture.OnImageSavedCallback {
                            override fun onImageSaved(outputFileResults: ImageCapture.OutputFileResults) {
                                busy = false
                                captured(file.absolutePath)
                            }

                            override fun onError(exception: ImageCaptureException) {
                                Log.w(TAG, "Capture failed", exception)
                                busy = false
                                file.delete()
                                error = language.pick("Chụp ảnh không thành công. Hãy thử lại.", "The photo could not be taken. Try again.")
                            }
                        },
                    )
                },
                enabled = granted && !busy,
                shape = CircleShape,
                colors = ButtonDefaults.buttonColors(containerColor = Color.White, contentColor = Color.Black),
                modifier = Modifier.size(80.dp).semantics { contentDescription = language.pick("Chụp ảnh", "Take the photo") },
            ) {
                if (busy) CircularProgressIndicator(Modifier.size(24.dp), color = Color.Black, strokeWidth = 2.dp)
            }
            // Balances the cancel button, keeping the shutter centred.
            Box(Modifier.size(width = 96.dp, height = 56.dp))
        }
    }
}

/** The camera's files in cacheDir/camera. */
object CameraFiles {
    private const val DIR = "camera"
    private const val MAX_AGE_MILLIS = 24L * 60 * 60 * 1000

    fun newFile(context: Context): File {
        val dir = File(context.cacheDir, DIR).apply { mkdirs() }
        return File(dir, "civic-${System.currentTimeMillis()}.jpg")
    }

    /** Deletes pictures older than a day (attached long ago, or abandoned). */
    fun clearOld(context: Context) {
        val cutoff = System.currentTimeMillis() - MAX_AGE_MILLIS
        File(context.cacheDir, DIR).listFiles()?.filter { it.lastModified() < cutoff }?.forEach { it.delete() }
    }
}

private const val TAG = "CivicCamera"
