package org.civic.app.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.ReadOnlyComposable
import androidx.compose.runtime.staticCompositionLocalOf

/**
 * The language the citizen chose in the app (first run, settings), which may differ from the
 * phone's: Vietnamese first, English second. The core is told the same (`CivicApp.setLanguage`)
 * and localizes what it returns (category names, status labels, errors' `userMessage`).
 */
enum class AppLanguage(val code: String) {
    VI("vi"),
    EN("en"),
    ;

    /** A screen text in this language: `language.pick(Str.CAPTURE_SEND)`. */
    fun pick(words: Words): String = if (this == VI) words.vi else words.en

    companion object {
        fun of(code: String): AppLanguage = entries.firstOrNull { code.startsWith(it.code) } ?: VI
    }
}

val LocalLanguage = staticCompositionLocalOf { AppLanguage.VI }

/**
 * A screen text in the current language: `Text(t(Str.CAPTURE_SEND))`. The texts live in
 * Android string resources (res/values/strings.xml, Vietnamese; res/values-en/strings.xml,
 * English), read by translators' tools; [Str], generated from them by
 * scripts/android_strings.py, brings them here without android.* APIs, in the language chosen
 * in the app rather than the phone's.
 */
@Composable
@ReadOnlyComposable
fun t(words: Words): String = LocalLanguage.current.pick(words)
