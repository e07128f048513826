// Rendering the app's screens off-device: Compose for the desktop draws them headless with
// Skia, the semantics tree answers what they show (as TalkBack would read it), and each is
// written to a PNG under -Dcivic.screens.dir for a reviewer.
package org.civic.app.ui.testing

import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.toAwtImage
import androidx.compose.ui.graphics.toComposeImageBitmap
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsNodeInteractionCollection
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.runDesktopComposeUiTest
import androidx.compose.ui.unit.Density
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import org.civic.app.ui.AppLanguage
import org.civic.app.ui.PlatformViews
import org.civic.app.ui.SketchPlatform
import org.civic.app.ui.theme.CivicTheme
import org.jetbrains.skia.Image
import java.io.File
import javax.imageio.ImageIO

/** Photos decoded with Skia; the map is the drawn sketch. */
object DesktopPlatform : PlatformViews by SketchPlatform {
    override fun decodePhoto(bytes: ByteArray): ImageBitmap? = runCatching { Image.makeFromEncoded(bytes).toComposeImageBitmap() }.getOrNull()
}

/** One way of looking at a screen: language, theme, font size. */
data class Look(val language: AppLanguage, val dark: Boolean = false, val fontScale: Float = 1f) {
    val tag: String get() = buildString {
        append(language.code)
        append(if (dark) "-dark" else "-light")
        if (fontScale != 1f) append("-font${(fontScale * 100).toInt()}")
    }

    companion object {
        /** Every screen is rendered at least in these: both languages, light and dark, and large text. */
        val all = listOf(
            Look(AppLanguage.VI),
            Look(AppLanguage.EN, dark = true),
            Look(AppLanguage.VI, dark = true),
            Look(AppLanguage.EN),
            Look(AppLanguage.VI, fontScale = 1.5f),
        )
    }
}

val screensDir: File = File(System.getProperty("civic.screens.dir") ?: "build/screens").apply { mkdirs() }

/** A phone's screen: 411 × 891 dp (a common Android size), drawn at 2 px per dp. */
private const val WIDTH_DP = 411
private const val HEIGHT_DP = 891
private const val PX_PER_DP = 2f

/**
 * Renders [content] in [look] on a phone-sized screen, runs [check] on it, then writes
 * `<name>-<look>.png`. [check] gets the test's handle (onNodeWithText & co.).
 */
@OptIn(ExperimentalTestApi::class)
fun screen(name: String, look: Look, content: @Composable () -> Unit, check: ComposeUiTest.() -> Unit = {}) {
    runDesktopComposeUiTest(width = (WIDTH_DP * PX_PER_DP).toInt(), height = (HEIGHT_DP * PX_PER_DP).toInt()) {
        setContent {
            CompositionLocalProvider(LocalDensity provides Density(PX_PER_DP, look.fontScale)) {
                CivicTheme(dark = look.dark, language = look.language, platform = DesktopPlatform, content = content)
            }
        }
        waitForIdle()
        try {
            check()
        } finally {
            val image = onRoot().captureToImage().toAwtImage()
            ImageIO.write(image, "png", File(screensDir, "$name-${look.tag}.png"))
        }
    }
}

/** Waits (up to 15 s) until [text] is on screen: view models load on other threads. */
@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.awaitText(text: String, substring: Boolean = false, timeoutMillis: Long = 15_000) {
    waitUntil(timeoutMillis = timeoutMillis) { onAllNodesWithText(text, substring = substring).fetchSemanticsNodes().isNotEmpty() }
}

/** How many nodes show [text]. */
@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.count(text: String, substring: Boolean = false): Int = onAllNodesWithText(text, substring = substring).fetchSemanticsNodes().size

@OptIn(ExperimentalTestApi::class)
fun ComposeUiTest.nodes(text: String): SemanticsNodeInteractionCollection = onAllNodesWithText(text)

/** A scope for a view model, cancelled by [use]. */
class ModelScope : AutoCloseable {
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    override fun close() = scope.cancel()
}
