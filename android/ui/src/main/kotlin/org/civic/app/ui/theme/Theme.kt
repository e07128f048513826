package org.civic.app.ui.theme

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.ui.graphics.Color
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.LocalPlatform
import org.civic.app.ui.PlatformViews
import org.civic.app.ui.SketchPlatform
import org.civic.core.ReportStatus
import org.civic.core.Severity
import org.civic.core.SpotState

// Huế's imperial purple as the brand colour, with a teal for actions; contrast checked for
// text on both (WCAG AA at 4.5:1 for body text).
private val Light = lightColorScheme(
    primary = Color(0xFF5B2A86),
    onPrimary = Color.White,
    primaryContainer = Color(0xFFEBDDFF),
    onPrimaryContainer = Color(0xFF2A0053),
    secondary = Color(0xFF006A60),
    onSecondary = Color.White,
    secondaryContainer = Color(0xFF9EF2E4),
    onSecondaryContainer = Color(0xFF00201C),
    error = Color(0xFFB3261E),
    background = Color(0xFFFFFBFF),
    surface = Color(0xFFFFFBFF),
)

private val Dark = darkColorScheme(
    primary = Color(0xFFD4BBFF),
    onPrimary = Color(0xFF41086E),
    primaryContainer = Color(0xFF5B2A86),
    onPrimaryContainer = Color(0xFFEBDDFF),
    secondary = Color(0xFF82D5C8),
    onSecondary = Color(0xFF003731),
    secondaryContainer = Color(0xFF005048),
    onSecondaryContainer = Color(0xFF9EF2E4),
    error = Color(0xFFF2B8B5),
    background = Color(0xFF1D1B1E),
    surface = Color(0xFF1D1B1E),
)

/** The app's theme, language and platform services, around every screen. */
@Composable
fun CivicTheme(
    dark: Boolean = false,
    language: AppLanguage = AppLanguage.VI,
    platform: PlatformViews = SketchPlatform,
    content: @Composable () -> Unit,
) {
    CompositionLocalProvider(LocalLanguage provides language, LocalPlatform provides platform) {
        MaterialTheme(colorScheme = if (dark) Dark else Light, content = content)
    }
}

/** Warning severities, as the public knows them from weather warnings (CAP's four). */
fun severityColor(severity: Severity): Color = when (severity) {
    Severity.EXTREME -> Color(0xFF8E0000)
    Severity.SEVERE -> Color(0xFFD84315)
    Severity.MODERATE -> Color(0xFFF9A825)
    Severity.MINOR -> Color(0xFF2E7D32)
    Severity.UNKNOWN -> Color(0xFF607D8B)
}

/** Text on [severityColor]. */
fun onSeverityColor(severity: Severity): Color = if (severity == Severity.MODERATE) Color(0xFF1B1B1B) else Color.White

/** A report's status: grey before the city has it, blue while it works, green/red at the end. */
fun statusColor(status: ReportStatus): Color = when (status) {
    ReportStatus.DRAFT, ReportStatus.QUEUED -> Color(0xFF757575)
    ReportStatus.SUBMITTED, ReportStatus.RECEIVED -> Color(0xFF1565C0)
    ReportStatus.ASSIGNED, ReportStatus.IN_PROGRESS, ReportStatus.REOPENED -> Color(0xFF6A1B9A)
    ReportStatus.RESOLVED -> Color(0xFF2E7D32)
    ReportStatus.REJECTED, ReportStatus.DUPLICATE -> Color(0xFFB71C1C)
}

/**
 * A Green Sunday spot on the map, as a traffic light: red while it is still dirty, amber while
 * a team cleans it, green once clean; grey once it left the campaign for the city. The report
 * statuses' and severities' colours, so the app keeps one palette. The map stays light in the
 * dark theme (its tiles do), and each pin has a white ring.
 */
fun spotColor(state: SpotState): Color = when (state) {
    SpotState.REPORTED -> statusColor(ReportStatus.REJECTED)
    SpotState.CLAIMED -> severityColor(Severity.MODERATE)
    SpotState.CLEANED -> statusColor(ReportStatus.RESOLVED)
    SpotState.HANDED_OVER -> statusColor(ReportStatus.QUEUED)
}

/** A campaign's meeting points on its map: the blue of a report the city has, unlike any spot's. */
val MeetingPointColor: Color = statusColor(ReportStatus.RECEIVED)

/** A campaign's drawn area on its map: the purple of work under way, unlike any pin's. */
val CampaignAreaColor: Color = statusColor(ReportStatus.IN_PROGRESS)
