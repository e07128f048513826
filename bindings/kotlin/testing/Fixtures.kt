// What the Kotlin tests of the bindings and of the Android app's screens share: the real
// civic-server the test script started, a phone's token storage in memory, photos, GPS fixes
// and a complete report captured as a citizen would.
package org.civic.core.testing

import kotlinx.coroutines.runBlocking
import org.civic.core.Answer
import org.civic.core.CivicApp
import org.civic.core.FixSource
import org.civic.core.LocationFix
import org.civic.core.SyncListener
import org.civic.core.SyncOutcome
import org.civic.core.SyncState
import org.civic.core.TokenStorage
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import java.awt.Color
import java.awt.image.BufferedImage
import java.io.ByteArrayOutputStream
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.time.Instant
import java.util.concurrent.CopyOnWriteArrayList
import javax.imageio.ImageIO

/** The device token, kept in memory as the Keystore or Keychain would keep it. */
class MemoryTokens : TokenStorage {
    @Volatile var token: String? = null
    override fun load(): String? = token
    override fun save(token: String): Boolean {
        this.token = token
        return true
    }
    override fun clear() {
        token = null
    }
}

/** Records what the observer hears. */
class Recorder : SyncListener {
    val states = CopyOnWriteArrayList<SyncState>()
    val outcomes = CopyOnWriteArrayList<SyncOutcome>()
    override fun onState(state: SyncState) {
        states.add(state)
    }
    override fun onSynced(outcome: SyncOutcome) {
        outcomes.add(outcome)
    }
}

/** The real civic-server the test script started, spoken to as an official would. */
object City {
    val url: String = System.getProperty("civic.server.url") ?: error("run with -Dcivic.server.url=…")
    private val admin = System.getProperty("civic.admin") ?: "admin"
    val password: String = System.getProperty("civic.admin.password") ?: error("run with -Dcivic.admin.password=…")
    private val http = HttpClient.newHttpClient()

    fun call(method: String, path: String, token: String?, body: String?, type: String = "application/json"): Pair<Int, String> {
        val request = HttpRequest.newBuilder(URI.create(url + path))
            .method(method, body?.let { HttpRequest.BodyPublishers.ofString(it) } ?: HttpRequest.BodyPublishers.noBody())
            .header("content-type", type)
        token?.let { request.header("authorization", "Bearer $it") }
        val response = http.send(request.build(), HttpResponse.BodyHandlers.ofString())
        return response.statusCode() to response.body()
    }

    fun login(): String {
        val (status, body) = call("POST", "/api/v1/auth/login", null, """{"username":"$admin","password":"$password"}""")
        assertEquals(200, status, body)
        return field(body, "token")
    }

    fun field(json: String, name: String): String =
        Regex("\"$name\"\\s*:\\s*\"([^\"]*)\"").find(json)?.groupValues?.get(1) ?: error("no $name in $json")

    /** A Green Sunday in Phú Xuân ward from [start], three hours long, announced by the operator; its id. */
    fun announceCampaign(start: Instant = Instant.now().minusSeconds(600)): String {
        val end = start.plusSeconds(3 * 3600)
        val (status, body) = call(
            "POST",
            "/api/v1/campaigns",
            login(),
            """{"name":{"vi":"Chủ nhật xanh","en":"Green Sunday"},"starts_at":"$start","ends_at":"$end",
                "areas":["19753"],"categories":["litter"],"goal_spots":20,
                "meeting_points":[{"name":"Cửa Thượng Tứ","lat":16.4699,"lon":107.5862}]}""",
        )
        assertEquals(201, status, body)
        return field(body, "id")
    }
}

const val CITADEL_LAT = 16.4698
const val CITADEL_LON = 107.5786

fun jpeg(seed: Int, width: Int = 640, height: Int = 480): ByteArray {
    val image = BufferedImage(width, height, BufferedImage.TYPE_INT_RGB)
    val g = image.createGraphics()
    g.color = Color(90 + seed % 100, 120, 160)
    g.fillRect(0, 0, width, height)
    g.color = Color(200, 180 - seed % 50, 60)
    g.fillOval(width / 4, height / 4, width / 2, height / 2)
    g.dispose()
    val out = ByteArrayOutputStream()
    ImageIO.write(image, "jpg", out)
    return out.toByteArray()
}

fun gps(lat: Double, lon: Double) = LocationFix(lat, lon, 6.0, FixSource.GPS, Instant.now())

fun openApp(serverUrl: String = City.url, language: String = "vi"): CivicApp {
    val dir = Files.createTempDirectory("civic-kotlin").toString()
    return CivicApp.open(dir, serverUrl, language, MemoryTokens())
}

/**
 * Captures a complete litter report at the citadel and sends it to the outbox; blocks the
 * caller's thread until it is saved (the photo and the send are the core's suspending calls).
 */
fun captureLitter(app: CivicApp, seed: Int): String = runBlocking {
    val reports = app.reports()
    val draft = reports.startDraft()
    val attached = reports.attachPhoto(draft.id, jpeg(seed))
    assertTrue(attached.photo.width <= 1600u && attached.photo.bytes > 0u)
    val area = reports.setLocation(draft.id, gps(CITADEL_LAT, CITADEL_LON))
    assertEquals("19753", area.ward.code)
    reports.setCategory(draft.id, "litter")
    reports.setAnswer(draft.id, "amount", Answer.Choice("bag"))
    reports.setDescription(draft.id, "Rác đổ trên vỉa hè đường Lê Duẩn ($seed)")
    reports.send(draft.id).id
}
