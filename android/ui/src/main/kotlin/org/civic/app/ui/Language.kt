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

    /** The text in this language. Vietnamese always comes first at the call site. */
    fun pick(vi: String, en: String): String = if (this == VI) vi else en

    companion object {
        fun of(code: String): AppLanguage = entries.firstOrNull { code.startsWith(it.code) } ?: VI
    }
}

val LocalLanguage = staticCompositionLocalOf { AppLanguage.VI }

/**
 * A user-facing string in the current language: `Text(t("Gửi", "Send"))`. Keeping both at the
 * call site makes a missing translation impossible and keeps screens readable in review.
 */
@Composable
@ReadOnlyComposable
fun t(vi: String, en: String): String = LocalLanguage.current.pick(vi, en)
