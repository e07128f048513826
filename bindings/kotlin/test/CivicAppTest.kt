package org.civic.core.test

import kotlinx.coroutines.runBlocking
import org.civic.core.Answer
import org.civic.core.CivicApp
import org.civic.core.CivicException
import org.civic.core.FixSource
import org.civic.core.LocationFix
import org.civic.core.PushProvider
import org.civic.core.ReportStatus
import org.civic.core.SavedPlace
import org.civic.core.Severity
import org.civic.core.SyncListener
import org.civic.core.SyncOutcome
import org.civic.core.SyncState
import org.civic.core.TokenStorage
import org.civic.core.loginOfficial
import org.civic.core.testing.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
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

class CivicAppTest {
    @Test
    fun `a report captured on the phone reaches the city and its resolution comes back through the observer`() = runBlocking {
        val app = openApp()
        val recorder = Recorder()
        val handle = app.subscribe(recorder)

        val id = captureLitter(app, 1)
        val queued = app.reports().report(id).report
        assertEquals(ReportStatus.QUEUED, queued.status)
        assertEquals("Chờ gửi", queued.statusLabel)
        assertEquals(1u, app.reports().outbox().waiting)

        val first = app.syncNow()
        assertEquals(listOf(id), first.submitted)
        assertEquals(0u, app.reports().outbox().waiting)
        val number = app.reports().report(id).report.publicNumber
        assertNotNull(number)
        assertTrue(recorder.states.any { it is SyncState.Syncing }, "the observer saw the sync run: ${recorder.states}")

        // An official finds it in the work list and resolves it on site, with an after-photo.
        val official = loginOfficial(City.url, "admin", City.password, "vi")
        val work = official.inbox(null, 50u, null).items
        assertTrue(work.any { it.id == id && it.publicNumber == number }, "in the work list: ${work.map { it.publicNumber }}")
        val resolved = official.resolve(id, "Đã thu gom rác. / Collected.", jpeg(99), gps(CITADEL_LAT + 0.0002, CITADEL_LON))
        assertEquals(ReportStatus.RESOLVED, resolved.status)
        assertEquals("Đã xử lý xong", resolved.statusLabel)

        app.syncNow()
        val heard = recorder.outcomes.flatMap { it.notifications }
        assertTrue(heard.any { it.report == id && it.status == ReportStatus.RESOLVED }, "heard: $heard")
        val detail = app.reports().report(id)
        assertEquals(ReportStatus.RESOLVED, detail.report.status)
        assertEquals("Đã thu gom rác. / Collected.", detail.timeline.last().note)

        // The citizen is not satisfied: a low rating, then reopened with why.
        // Kept on the phone and shown at once; the next sync takes them to the city.
        app.reports().rate(id, 2u, "Vẫn còn rác bên kia đường")
        app.reports().reopen(id, "Rác vẫn còn ở góc đường")
        assertEquals(ReportStatus.REOPENED, app.reports().report(id).report.status)
        assertTrue(app.reports().report(id).feedbackWaiting)
        assertEquals(2u, app.syncNow().feedbackSent)
        assertFalse(app.reports().report(id).feedbackWaiting)
        assertEquals(ReportStatus.REOPENED, official.report(id).status)

        // Cancelled, the observer hears nothing more.
        handle.cancel()
        val heardBefore = recorder.outcomes.size to recorder.states.size
        app.syncNow()
        assertEquals(heardBefore, recorder.outcomes.size to recorder.states.size)
    }

    @Test
    fun `a warning for the resident's home arrives once`() = runBlocking {
        val app = openApp(language = "en")
        app.warnings().addPlace(SavedPlace.Point("Home", CITADEL_LAT, CITADEL_LON, 300.0))
        // Warnings come in the language the resident chose for them.
        app.warnings().setSubscription(app.warnings().subscription().copy(language = "en", minSeverity = Severity.MODERATE))
        assertEquals(1, app.warnings().subscription().places.size)
        app.syncNow()
        app.warnings().takeAlertNotifications()

        val official = City.login()
        val expires = Instant.now().plusSeconds(6 * 3600)
        val (status, body) = City.call(
            "POST",
            "/api/v1/alerts",
            official,
            """
            {"topic":"flood","urgency":"Immediate","severity":"Extreme","certainty":"Observed","expires":"$expires",
             "texts":[{"language":"vi-VN","event":"Lũ","headline":"Lũ khẩn cấp trên sông Hương"},
                      {"language":"en-US","event":"Flood","headline":"Flash flood on the Perfume River"}],
             "areas":[{"kind":"named","code":"19753"}]}""",
        )
        assertEquals(201, status, body)
        val alertId = City.field(body, "id")

        val outcome = app.syncNow()
        assertTrue(outcome.alertsRaised >= 1u)
        val rang = app.warnings().takeAlertNotifications().filter { it.id == alertId }
        assertEquals(1, rang.size)
        assertTrue(rang[0].loud)
        assertEquals(Severity.EXTREME, rang[0].severity)
        assertEquals("Flash flood on the Perfume River", rang[0].headline)
        app.syncNow()
        assertTrue(app.warnings().takeAlertNotifications().none { it.id == alertId }, "never twice")
        val inbox = app.warnings().alerts(false)
        assertTrue(inbox.any { it.id == alertId && !it.read })
        app.warnings().markAlertRead(alertId)
        assertTrue(app.warnings().alerts(false).first { it.id == alertId }.read)
    }

    @Test
    fun `each failure arrives as its own typed exception`() = runBlocking {
        val app = openApp()
        val draft = app.reports().startDraft()
        val notAPhoto = assertThrows<CivicException.InvalidPhoto> { app.reports().attachPhoto(draft.id, "not a photo".toByteArray()) }
        assertTrue(notAPhoto.userMessage.startsWith("Không đọc được ảnh") || notAPhoto.userMessage.startsWith("Ảnh"), notAPhoto.userMessage)
        val sea = assertThrows<CivicException.OutsideServiceArea> { app.reports().setLocation(draft.id, gps(16.9, 108.4)) }
        assertTrue(sea.distanceM > 10_000.0)
        val incomplete = assertThrows<CivicException.Incomplete> { app.reports().send(draft.id) }
        assertTrue(incomplete.missing.containsAll(listOf("photo", "location", "category")), "${incomplete.missing}")
        assertThrows<CivicException.NotFound> { app.reports().draft("not-a-report") }
        app.reports().setCategory(draft.id, "litter")
        assertThrows<CivicException.InvalidInput> { app.reports().setAnswer(draft.id, "amount", Answer.Choice("a mountain")) }

        // No network: what was captured stays, and a call that needs the server says Offline.
        val offline = openApp(serverUrl = "http://127.0.0.1:9")
        val id = captureLitter(offline, 2)
        val outcome = offline.syncNow()
        assertTrue(outcome.state is SyncState.Offline, "${outcome.state}")
        assertEquals(1u, offline.reports().outbox().waiting)
        assertEquals(ReportStatus.QUEUED, offline.reports().report(id).report.status)
        assertThrows<CivicException.Offline> { offline.warnings().registerPush(PushProvider.FCM, "token") }
        // A rating needs no network, but an outcome to rate: the core refuses it on the phone.
        val notYet = assertThrows<CivicException.Refused> { offline.reports().rate(id, 5u, null) }
        assertEquals("not-rateable", notYet.kind)
        assertThrows<CivicException.Unauthorized> { loginOfficial(City.url, "admin", "not the password", "vi") }
        assertFalse(offline.categories().isEmpty())
    }

    @Test
    fun `the map's tiles are the city's tile server once synced, kept offline, and credit the boundaries`() = runBlocking {
        val tiles = "https://tiles.hue.example/{z}/{x}/{y}.png"
        val dir = Files.createTempDirectory("civic-kotlin-tiles").toString()
        OwnServer("--tile-url", tiles).use { server ->
            val app = CivicApp.open(dir, server.url, "vi", MemoryTokens())
            // Before the first sync: the built-in fallback, an XYZ template all the same.
            val builtIn = app.mapTiles()
            assertTrue(builtIn.urlTemplate != tiles && listOf("{z}", "{x}", "{y}").all { it in builtIn.urlTemplate }, builtIn.urlTemplate)
            assertTrue(builtIn.credits.contains("OpenStreetMap"), builtIn.credits)

            app.syncNow()
            val synced = app.mapTiles()
            assertEquals(tiles, synced.urlTemplate, "the server's --tile-url")
            // The tiles' data and the boundaries' source, as it asks, in the app's language.
            assertTrue(synced.credits.contains("© OpenStreetMap contributors"), synced.credits)
            assertTrue(synced.credits.contains("Ranh giới phường, xã") && synced.credits.contains("sapnhap.bando.com.vn"), synced.credits)
            // For a map whose tiles credit themselves (MapKit's on iOS): the boundaries' alone.
            assertTrue(synced.boundaryCredits.startsWith("Ranh giới phường, xã"), synced.boundaryCredits)
            assertFalse(synced.boundaryCredits.contains("OpenStreetMap"), synced.boundaryCredits)
            app.setLanguage("en")
            val english = app.mapTiles().credits
            assertTrue(english.contains("ward boundaries") && english.contains("sapnhap.bando.com.vn"), english)
            app.close()
        }
        // The server gone, the phone reopened: still the city's tiles.
        val again = CivicApp.open(dir, "http://127.0.0.1:9", "vi", MemoryTokens())
        assertEquals(tiles, again.mapTiles().urlTemplate)
        again.close()
    }
}
