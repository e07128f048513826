package org.civic.app.ui.warnings

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.clip
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.theme.onSeverityColor
import org.civic.app.ui.theme.severityColor
import org.civic.core.Severity
import org.civic.core.severityLabel

/** The severity as a filled chip in its warning colour. */
@Composable
fun SeverityChip(severity: Severity, modifier: Modifier = Modifier) {
    Box(
        modifier
            .clip(RoundedCornerShape(50))
            .background(severityColor(severity))
            .padding(horizontal = 10.dp, vertical = 4.dp),
    ) {
        Text(
            severityLabel(severity, LocalLanguage.current.code),
            color = onSeverityColor(severity),
            style = MaterialTheme.typography.labelMedium,
            fontWeight = FontWeight.SemiBold,
        )
    }
}

/** Minutes since midnight as "HH:mm". */
fun hhmm(minute: Int): String = "%02d:%02d".format(minute / 60, minute % 60)

/**
 * "HH:mm" (or "H:mm") to minutes since midnight; null when it is not a time of that shape.
 * The hour is not bounded here: the core judges the range and says why it refuses.
 */
fun parseHhmm(text: String): Int? {
    val m = Regex("""^\s*(\d{1,2})[:h.](\d{2})\s*$""").find(text) ?: return null
    val hour = m.groupValues[1].toInt()
    val minute = m.groupValues[2].toInt()
    if (minute > 59) return null
    return hour * 60 + minute
}
