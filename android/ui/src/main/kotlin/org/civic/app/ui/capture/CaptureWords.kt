package org.civic.app.ui.capture

import org.civic.app.ui.AppLanguage
import org.civic.app.ui.Str
import org.civic.core.FixSource
import org.civic.core.LocationFix
import org.civic.core.expectedLabel
import kotlin.math.roundToInt

/** The fix's precision and where it came from: "±12 m (GPS)", "Đã chỉnh trên bản đồ". */
fun accuracyWords(fix: LocationFix, language: AppLanguage): String {
    val metres = "±${fix.accuracyM.roundToInt()} m"
    return when (fix.source) {
        FixSource.GPS -> language.pick(Str.captureAccuracyGps(metres))
        FixSource.PHOTO_EXIF -> language.pick(Str.captureAccuracyPhoto(metres))
        FixSource.PIN -> language.pick(Str.CAPTURE_ACCURACY_PIN)
    }
}

/** A distance for people: "20 m". */
fun distanceWords(metres: Double): String = "${metres.roundToInt()} m"

/** How long the city expects to take: "khoảng 24 giờ" / "about 24 hours", days beyond two. */
fun expectedWords(hours: UInt, language: AppLanguage): String = expectedLabel(hours, language.code)
