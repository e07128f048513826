package org.civic.app.ui.warnings

import androidx.compose.ui.geometry.Rect
import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.onAllNodesWithText
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.LatLon
import org.civic.app.ui.MapArea
import org.civic.app.ui.theme.severityColor
import org.civic.core.AlertState
import org.civic.core.CivicApp
import org.civic.core.Severity
import org.civic.core.Warning
import org.civic.core.testing.City
import org.civic.core.testing.MemoryTokens
import org.junit.jupiter.api.Assertions.assertEquals
import java.nio.file.Files
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset
import java.time.ZonedDateTime
import java.util.UUID

/** Nothing listens there: the phone is offline. */
const val OFFLINE = "http://127.0.0.1:9"

/** A fresh phone (its own data directory). */
fun phone(url: String, language: AppLanguage): CivicApp = CivicApp.open(Files.createTempDirectory("civic-warnings").toString(), url, language.code, MemoryTokens())

/** A short unique tag for headlines, so the shared server's earlier warnings never match. */
fun uniqueTag(): String = UUID.randomUUID().toString().take(8)

/** Huế's time now as minutes since midnight (quiet hours are the city's local time). */
fun hueMinuteNow(): Int = ZonedDateTime.now(ZoneOffset.ofHours(7)).let { it.hour * 60 + it.minute }

/** An operator publishes a warning for wards and communes [codes] of Huế; returns its id. */
fun publish(
    token: String,
    topic: String,
    severity: String,
    headlineVi: String,
    headlineEn: String,
    codes: List<String> = listOf("19753"),
    instructionVi: String? = null,
    instructionEn: String? = null,
    status: String = "Actual",
): String {
    val expires = Instant.now().plus(Duration.ofHours(6))
    fun q(s: String?) = s?.let { "\"" + it.replace("\"", "\\\"") + "\"" } ?: "null"
    val areas = codes.joinToString(",") { """{"kind":"named","code":"$it"}""" }
    val body = """
        {"status":"$status","topic":"$topic","urgency":"Immediate","severity":"$severity","certainty":"Observed","expires":"$expires",
         "texts":[{"language":"vi-VN","event":"$topic","headline":${q(headlineVi)},"instruction":${q(instructionVi)}},
                  {"language":"en-US","event":"$topic","headline":${q(headlineEn)},"instruction":${q(instructionEn)}}],
         "areas":[$areas]}"""
    val (code, answer) = City.call("POST", "/api/v1/alerts", token, body)
    assertEquals(201, code, answer)
    return City.field(answer, "id")
}

/** A hand-drawn area around Huế's Imperial Citadel (the bindings' Warning has no geometry yet). */
val CITADEL_AREA: List<MapArea> = listOf(
    MapArea(
        listOf(LatLon(16.46, 107.57), LatLon(16.46, 107.60), LatLon(16.48, 107.60), LatLon(16.48, 107.57), LatLon(16.46, 107.57)),
        severityColor(Severity.EXTREME),
    ),
)

/** One of the sample warnings, in [language]. */
fun sample(
    id: String,
    language: AppLanguage,
    state: AlertState,
    severity: Severity,
    vi: String,
    en: String,
    sentAgo: Duration,
    read: Boolean,
    exercise: Boolean = false,
    instruction: Pair<String, String>? = null,
    description: Pair<String, String>? = null,
): Warning {
    val now = Instant.now()
    val sent = now.minus(sentAgo)
    val expires = if (state == AlertState.EXPIRED) now.minus(Duration.ofHours(3)) else now.plus(Duration.ofHours(6))

    // The city's texts, as a warning brings them in the phone's language.
    fun w(vi: String, en: String) = if (language == AppLanguage.VI) vi else en
    return Warning(
        id = id, version = 1u, state = state, severity = severity,
        event = w("Cảnh báo", "Warning"),
        headline = w(vi, en),
        description = description?.let { w(it.first, it.second) },
        instruction = instruction?.let { w(it.first, it.second) },
        senderName = w("Trung tâm Giám sát điều hành đô thị thông minh Huế", "Hue Smart City Operations Centre"),
        sent = sent, expires = expires, read = read, exercise = exercise,
    )
}

/**
 * The inbox's sample, in the order the core's `alerts` lists them: in force by severity (the
 * Moderate drill before the Minor outage), then the ended ones, newest first.
 */
fun sampleInbox(language: AppLanguage): List<Warning> = listOf(
    sample(
        "flood",
        language,
        AlertState.ACTIVE,
        Severity.EXTREME,
        "Lũ khẩn cấp trên sông Hương",
        "Flash flood on the Perfume River",
        Duration.ofHours(1),
        read = false,
    ),
    sample(
        "drill", language, AlertState.ACTIVE, Severity.MODERATE, "Diễn tập sơ tán phường Thuận Hóa", "Evacuation drill in Thuan Hoa ward",
        Duration.ofHours(
            2,
        ),
        read = false, exercise = true,
    ),
    sample(
        "outage",
        language,
        AlertState.ACTIVE,
        Severity.MINOR,
        "Cắt điện khu Kim Long",
        "Power cut in Kim Long",
        Duration.ofMinutes(10),
        read = true,
    ),
    sample(
        "landslide",
        language,
        AlertState.CANCELLED,
        Severity.MODERATE,
        "Nguy cơ sạt lở đường Lê Duẩn",
        "Landslide risk on Le Duan street",
        Duration.ofHours(5),
        read = true,
    ),
    sample(
        "expired",
        language,
        AlertState.EXPIRED,
        Severity.SEVERE,
        "Bão số 5 đã đi qua",
        "Typhoon No. 5 has passed",
        Duration.ofDays(2),
        read = true,
    ),
)

/** Where the node showing [text] is (the first one), in the merged tree. */
@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.boundsOf(text: String, substring: Boolean = false): Rect = onAllNodesWithText(text, substring = substring).fetchSemanticsNodes().first().boundsInRoot
