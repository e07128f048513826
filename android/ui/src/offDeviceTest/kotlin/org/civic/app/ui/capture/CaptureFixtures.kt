package org.civic.app.ui.capture

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.job
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.civic.app.ui.AppLanguage
import org.civic.core.CivicApp
import org.civic.core.testing.MemoryTokens
import org.civic.core.testing.jpeg
import java.io.ByteArrayOutputStream
import java.nio.ByteBuffer
import java.nio.file.Files
import kotlin.math.floor
import kotlin.math.roundToLong

/** Nothing listens there: the phone is offline. */
const val OFFLINE = "http://127.0.0.1:9"

/** A phone: its data directory, its token storage, and Civic opened on them. */
class Phone(val url: String, val language: AppLanguage = AppLanguage.VI) : AutoCloseable {
    val dir: String = Files.createTempDirectory("civic-capture").toString()
    val tokens = MemoryTokens()
    var app: CivicApp = CivicApp.open(dir, url, language.code, tokens)
        private set

    /** The app killed and started again, perhaps now talking to another server. */
    fun reopen(url: String = this.url): CivicApp {
        app.close()
        app = CivicApp.open(dir, url, language.code, tokens)
        return app
    }

    override fun close() = app.close()
}

/**
 * A scope for view models that, on [close], also waits for their work to end: the core's
 * blocking calls then finish before the test closes the app under them.
 */
class Models : AutoCloseable {
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    override fun close() = runBlocking { scope.coroutineContext.job.cancelAndJoin() }
}

/** Waits for the model's state to satisfy [ok] (15 s at most). */
fun CaptureViewModel.await(timeoutMillis: Long = 15_000, ok: (CaptureState) -> Boolean): CaptureState = runBlocking {
    withTimeout(timeoutMillis) { state.first(ok) }
}

/** Waits until every intent so far reached the core, and returns the state. */
fun CaptureViewModel.settle(): CaptureState = runBlocking {
    withTimeout(15_000) { settled() }
    state.value
}

/**
 * A JPEG as a phone camera writes it: with an EXIF APP1 segment carrying a GPS position
 * (big-endian TIFF, IFD0 → GPS IFD with latitude/longitude and their N/E references).
 */
fun exifJpeg(seed: Int, lat: Double, lon: Double): ByteArray {
    val plain = jpeg(seed)
    val tiff = ByteBuffer.allocate(128)
    tiff.put("MM".toByteArray()).putShort(42).putInt(8)
    // IFD0: one entry, the GPS IFD pointer.
    tiff.putShort(1)
    tiff.putShort(0x8825.toShort()).putShort(4).putInt(1).putInt(26)
    tiff.putInt(0)
    // GPS IFD at 26: four entries, data at 80.
    tiff.putShort(4)
    fun ascii(tag: Int, c: Char) {
        tiff.putShort(tag.toShort()).putShort(2).putInt(2).put(c.code.toByte()).put(0).putShort(0)
    }
    ascii(1, if (lat >= 0) 'N' else 'S')
    tiff.putShort(2).putShort(5).putInt(3).putInt(80)
    ascii(3, if (lon >= 0) 'E' else 'W')
    tiff.putShort(4).putShort(5).putInt(3).putInt(104)
    tiff.putInt(0)
    fun dms(value: Double) {
        val v = Math.abs(value)
        val d = floor(v)
        val m = floor((v - d) * 60)
        val s = ((v - d) * 60 - m) * 60
        tiff.putInt(d.toInt()).putInt(1).putInt(m.toInt()).putInt(1).putInt((s * 1000).roundToLong().toInt()).putInt(1000)
    }
    check(tiff.position() == 80)
    dms(lat)
    dms(lon)
    val tiffBytes = tiff.array().copyOf(tiff.position())
    val app1 = ByteArrayOutputStream()
    app1.write(0xFF)
    app1.write(0xE1)
    val len = 2 + 6 + tiffBytes.size
    app1.write(len shr 8)
    app1.write(len and 0xFF)
    app1.write("Exif".toByteArray())
    app1.write(0)
    app1.write(0)
    app1.write(tiffBytes)
    // After SOI and the JFIF APP0 segment.
    val app0End = if (plain[2] == 0xFF.toByte() &&
        plain[3] == 0xE0.toByte()
    ) {
        4 + ((plain[4].toInt() and 0xFF) shl 8 or (plain[5].toInt() and 0xFF))
    } else {
        2
    }
    return plain.copyOfRange(0, app0End) + app1.toByteArray() + plain.copyOfRange(app0End, plain.size)
}
