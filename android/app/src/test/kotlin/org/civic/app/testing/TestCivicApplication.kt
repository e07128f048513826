package org.civic.app.testing

import org.civic.app.CivicApplication

/**
 * The app as the manifest starts it, talking to the test server (`-Dcivic.server.url`, set by
 * scripts/android-build) instead of the emulator's host. Use it with
 * `@Config(application = TestCivicApplication::class)`; call `FakeAndroidKeyStore.install()`
 * before anything opens its `app`.
 */
open class TestCivicApplication : CivicApplication() {
    override val serverUrl: String
        get() = System.getProperty("civic.server.url") ?: error("run with -Dcivic.server.url=…")
}
