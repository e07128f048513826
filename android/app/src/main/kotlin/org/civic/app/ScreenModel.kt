package org.civic.app

import androidx.compose.runtime.Composable
import androidx.compose.runtime.staticCompositionLocalOf
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import androidx.lifecycle.viewmodel.initializer
import androidx.lifecycle.viewmodel.viewModelFactory
import kotlinx.coroutines.CoroutineScope
import org.civic.core.CivicApp

/** The opened core, for screens' view models ([screenModel]). Provided by [MainActivity]. */
val LocalCivicApp = staticCompositionLocalOf<CivicApp> { error("No CivicApp: MainActivity provides it") }

/**
 * Holds one of the ui module's view models (plain classes over a [CoroutineScope]) in an
 * androidx [ViewModel], so it survives rotation and lives exactly as long as its screen's
 * back-stack entry: built with [viewModelScope], closed (listeners cancelled) in [onCleared].
 */
class ScreenModel<T : AutoCloseable>(app: CivicApp, factory: (CivicApp, CoroutineScope) -> T) : ViewModel() {
    val model: T = factory(app, viewModelScope)

    override fun onCleared() {
        model.close()
    }
}

/**
 * The screen's view model, created once per back-stack entry (and [key], for two of the same
 * type, e.g. per report id): `val model = screenModel(id) { app, scope -> DetailViewModel(app, scope, id) }`.
 */
@Composable
inline fun <reified T : AutoCloseable> screenModel(key: String? = null, noinline factory: (CivicApp, CoroutineScope) -> T): T =
    screenModel(LocalCivicApp.current, key, factory)

/** As [screenModel], for an explicit core (or another object passed through [factory]'s closure). */
@Composable
inline fun <reified T : AutoCloseable> screenModel(
    app: CivicApp,
    key: String? = null,
    noinline factory: (CivicApp, CoroutineScope) -> T,
): T {
    val holder: ScreenModel<T> = viewModel(
        key = T::class.java.name + (key?.let { ":$it" } ?: ""),
        factory = viewModelFactory { initializer { ScreenModel(app, factory) } },
    )
    return holder.model
}
