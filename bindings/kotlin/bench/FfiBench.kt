// What a call into the core costs from Kotlin: the generated uniffi bindings, JNA, the real
// library. Prints figures, never asserts a time. Run by bench/kotlin_ffi.sh, which says how.
//
// System properties (all optional):
//   civic.bench.reports     reports to capture and list (1000)
//   civic.bench.data        a data directory to keep and reuse: when it already holds at least
//                           that many reports, capturing is skipped (default: a temporary one,
//                           deleted at the end)
//   civic.bench.scale       multiplies every iteration count (1.0; 0.1 for a quick look)
//   civic.bench.big.photo   also time attachPhoto of a 12-megapixel JPEG (true)
package org.civic.core.bench

import kotlinx.coroutines.runBlocking
import org.civic.core.Answer
import org.civic.core.CivicApp
import org.civic.core.FixSource
import org.civic.core.LocationFix
import org.civic.core.ReportSummary
import org.civic.core.Reports
import org.civic.core.TokenStorage
import java.awt.Color
import java.awt.Font
import java.awt.image.BufferedImage
import java.io.ByteArrayOutputStream
import java.io.File
import java.nio.file.Files
import java.time.Instant
import java.util.Locale
import javax.imageio.ImageIO
import kotlin.math.max
import kotlin.math.roundToInt

/** The device token, in memory (the app keeps it in the Keystore or Keychain). */
class MemoryTokens : TokenStorage {
    @Volatile private var token: String? = null
    override fun load(): String? = token
    override fun save(token: String): Boolean {
        this.token = token
        return true
    }
    override fun clear() {
        token = null
    }
}

const val CITADEL_LAT = 16.4698
const val CITADEL_LON = 107.5786

/** Nothing listens there: sync is never attempted, and would find the server offline. */
const val UNREACHABLE = "http://127.0.0.1:9"

/** A small JPEG, different for every seed (so every report has a photo of its own). */
fun smallJpeg(seed: Int, width: Int = 320, height: Int = 240): ByteArray {
    val image = BufferedImage(width, height, BufferedImage.TYPE_INT_RGB)
    val g = image.createGraphics()
    g.color = Color(60 + seed % 150, 110 + seed / 150 % 100, 150)
    g.fillRect(0, 0, width, height)
    g.color = Color(220, 190, 70)
    g.fillOval(width / 4, height / 4, width / 2, height / 2)
    g.color = Color.BLACK
    g.font = Font(Font.SANS_SERIF, Font.BOLD, 28)
    g.drawString("#$seed", 12, 36)
    g.dispose()
    return encode(image)
}

/** A 12-megapixel JPEG with texture all over, like a phone camera's (4000 × 3000). */
fun cameraJpeg(): ByteArray {
    val width = 4000
    val height = 3000
    val image = BufferedImage(width, height, BufferedImage.TYPE_INT_RGB)
    val row = IntArray(width)
    var noise = 0x2545F491
    for (y in 0 until height) {
        for (x in 0 until width) {
            noise = noise xor (noise shl 13)
            noise = noise xor (noise ushr 17)
            noise = noise xor (noise shl 5)
            val n = noise and 31
            val r = (x * 255 / width + n) and 255
            val gr = (y * 255 / height + n) and 255
            val b = ((x + y) / 31 + n) and 255
            row[x] = (r shl 16) or (gr shl 8) or b
        }
        image.setRGB(0, y, width, 1, row, 0, width)
    }
    return encode(image)
}

fun encode(image: BufferedImage): ByteArray {
    val out = ByteArrayOutputStream()
    check(ImageIO.write(image, "jpg", out)) { "no JPEG writer" }
    return out.toByteArray()
}

fun gps(lat: Double, lon: Double) = LocationFix(lat, lon, 6.0, FixSource.GPS, Instant.now())

/** Captures a complete litter report at the citadel, as the capture screen would, and sends it. */
fun captureLitter(reports: Reports, seed: Int): String = runBlocking {
    val draft = reports.startDraft()
    reports.attachPhoto(draft.id, smallJpeg(seed))
    reports.setLocation(draft.id, gps(CITADEL_LAT, CITADEL_LON))
    reports.setCategory(draft.id, "litter")
    reports.setAnswer(draft.id, "amount", Answer.Choice("bag"))
    reports.send(draft.id).id
}

/**
 * Every report, newest first, as the "my reports" screen pages through them: `myReports` with
 * `limit` per call (the core caps a page at 500), following `next`.
 */
fun allReports(reports: Reports, limit: UInt): List<ReportSummary> {
    val all = mutableListOf<ReportSummary>()
    var after: String? = null
    do {
        val page = reports.myReports(listOf(), limit, after)
        all += page.reports
        after = page.next
    } while (after != null)
    return all
}

/** Nanoseconds as a short human figure. */
fun human(ns: Double): String = when {
    ns < 1e3 -> String.format(Locale.ROOT, "%.0f ns", ns)
    ns < 1e6 -> String.format(Locale.ROOT, "%.1f µs", ns / 1e3)
    ns < 1e9 -> String.format(Locale.ROOT, "%.2f ms", ns / 1e6)
    else -> String.format(Locale.ROOT, "%.2f s", ns / 1e9)
}

var scale = 1.0

/**
 * Runs `call` `warmup` times unmeasured, then `iterations` times each timed (both scaled);
 * prints a row. `call` gets the run's number, counting the warm-up runs first.
 */
fun measure(name: String, warmup: Int, iterations: Int, call: (Int) -> Unit) {
    val w = max(1, (warmup * scale).roundToInt())
    val n = max(3, (iterations * scale).roundToInt())
    for (i in 0 until w) call(i)
    val samples = LongArray(n)
    for (i in 0 until n) {
        val start = System.nanoTime()
        call(w + i)
        samples[i] = System.nanoTime() - start
    }
    samples.sort()
    val median = samples[n / 2].toDouble()
    val p90 = samples[minOf(n - 1, (n * 9) / 10)].toDouble()
    println(String.format(Locale.ROOT, "%-46s %10d %12s %12s", name, n, human(median), human(p90)))
}

fun main() {
    val count = (System.getProperty("civic.bench.reports") ?: "1000").toInt()
    scale = (System.getProperty("civic.bench.scale") ?: "1").toDouble()
    val bigPhoto = (System.getProperty("civic.bench.big.photo") ?: "true").toBoolean()
    val kept = System.getProperty("civic.bench.data")
    val dir = kept?.let { File(it).apply { mkdirs() } } ?: Files.createTempDirectory("civic-ffi-bench").toFile()

    try {
        var start = System.nanoTime()
        val app = CivicApp.open(dir.path, UNREACHABLE, "vi", MemoryTokens())
        // Capture and my reports: one object for every call, as a screen holds it.
        val reports = app.reports()
        println(
            "open: ${human((System.nanoTime() - start).toDouble())} (data directory ${if (kept != null) "kept in $kept" else "temporary"})",
        )

        // Setup: `count` reports captured through the API, as a citizen would.
        val present = allReports(reports, 500u).size
        if (present < count) {
            start = System.nanoTime()
            for (seed in present until count) captureLitter(reports, seed)
            val took = (System.nanoTime() - start).toDouble()
            val made = count - present
            println(
                "setup: captured $made report(s) in ${human(took)} (${human(took / made)} each: startDraft, " +
                    "attachPhoto 320×240 JPEG, setLocation, setCategory, setAnswer, send with fsync)",
            )
        } else {
            println("setup: reused $present report(s) in $kept")
        }
        val ids = allReports(reports, 500u).map { it.id }
        check(ids.size >= count) { "expected $count reports, found ${ids.size}" }
        val firstPage = reports.myReports(listOf(), 1000u, null)

        println()
        println(String.format(Locale.ROOT, "%-46s %10s %12s %12s", "call (Kotlin → Rust → Kotlin)", "iterations", "median", "p90"))
        measure("syncState() (in memory: the bare round trip)", 20_000, 200_000) { app.syncState() }
        measure("outbox(): counts ${ids.size} queued + photo bytes", 500, 5_000) { reports.outbox() }
        // The core caps a page at 500: asking for 1,000 gives the first 500 and a cursor.
        measure("myReports(all, 1000u, null): ${firstPage.reports.size} rows", 20, 300) {
            reports.myReports(listOf(), 1000u, null)
        }
        measure("all ${ids.size} reports: myReports(…, 1000u, next) paged", 10, 200) {
            val listed = allReports(reports, 1000u).size
            if (listed != ids.size) error("listed $listed")
        }
        measure("myReports(all, 20u, null): the first screen", 200, 5_000) { reports.myReports(listOf(), 20u, null) }
        measure("report(id): detail with timeline", 500, 10_000) { reports.report(ids[(it * 7919) % ids.size]) }
        measure("categories(): the picker", 500, 10_000) { app.categories() }

        if (bigPhoto) {
            val camera = cameraJpeg()
            // A fresh draft for each photo, made beforehand (a draft holds at most five).
            val drafts = List(max(1, (2 * scale).roundToInt()) + max(3, (10 * scale).roundToInt())) { reports.startDraft().id }
            // A suspending call: awaited here as a coroutine would (runBlocking adds microseconds).
            measure("attachPhoto(12 MP JPEG, ${camera.size / 1024} KiB)", 2, 10) { runBlocking { reports.attachPhoto(drafts[it], camera) } }
            drafts.forEach { reports.discardDraft(it) }
        }
        app.close()
    } finally {
        if (kept == null) dir.deleteRecursively()
    }
}
