package org.civic.app

import android.content.Context
import android.content.res.Configuration
import android.content.res.Resources
import androidx.test.core.app.ApplicationProvider
import org.civic.app.ui.Str
import org.civic.app.ui.StrFormat
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import java.util.Locale

/**
 * The screen text as Android reads it: every entry of the generated [Str] and [StrFormat] is the
 * ui module's string resource of that name, and Android's `getString` gives, in Vietnamese (the
 * default) and in English (values-en), exactly the text the entry holds. So strings.xml's
 * escapes, quotes and white space mean the same to scripts/android_strings.py as to aapt2.
 */
@RunWith(RobolectricTestRunner::class)
class ScreenTextTest {
    private val context: Context = ApplicationProvider.getApplicationContext()

    private fun resources(locale: Locale): Resources {
        val configuration = Configuration(context.resources.configuration).apply { setLocale(locale) }
        return context.createConfigurationContext(configuration).resources
    }

    private fun id(key: String): Int = context.resources.getIdentifier(key, "string", context.packageName).also {
        assertNotEquals("no string resource $key", 0, it)
    }

    @Test fun everyScreenTextIsItsStringResourceInBothLanguages() {
        val vi = resources(Locale.forLanguageTag("vi"))
        val en = resources(Locale.ENGLISH)
        val texts = Str.entries.map { Triple(it.key, it.vi, it.en) } + StrFormat.entries.map { Triple(it.key, it.vi, it.en) }
        for ((key, viText, enText) in texts) {
            val id = id(key)
            assertEquals(key, viText, vi.getString(id))
            assertEquals(key, enText, en.getString(id))
        }
    }

    @Test fun aTextWithPlaceholdersIsFilledInAsGetStringFillsIt() {
        val en = resources(Locale.ENGLISH)
        val vi = resources(Locale.forLanguageTag("vi"))
        assertEquals(en.getString(id("campaign_meet_at"), "Cửa Thượng Tứ"), Str.campaignMeetAt("Cửa Thượng Tứ").en)
        assertEquals(vi.getString(id("app_unread"), 3), Str.appUnread(3).vi)
        assertEquals(en.getString(id("campaign_cleaned_of_goal"), 14, 18), Str.campaignCleanedOfGoal(14, 18).en)
        assertEquals(vi.getString(id("capture_photo_number"), 2), Str.capturePhotoNumber(2).vi)
    }
}
