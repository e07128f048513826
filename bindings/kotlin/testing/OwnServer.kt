// A civic-server of a test's own, for what the shared one (scripts/test-server.sh) is not
// started with: another city's tile server (`--tile-url`), say.
package org.civic.core.testing

import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * A civic-server started with [flags], in a data directory of its own on a free loopback
 * port, stopped by [close]. The binary is the test build's, beside the core's library
 * (`-Djna.library.path`, set by scripts/test-kotlin and scripts/android-build as they start
 * the shared server from the same folder), or `-Dcivic.server.binary`.
 *
 *     OwnServer("--tile-url", "https://tiles.example/{z}/{x}/{y}.png").use { server -> … server.url … }
 */
class OwnServer(vararg flags: String) : AutoCloseable {
    private val data: File = Files.createTempDirectory("civic-server").toFile()
    private val process: Process
    private val stop = Thread { stopNow() }

    /** Where it listens, e.g. `http://127.0.0.1:41234`. */
    val url: String

    init {
        val binary = System.getProperty("civic.server.binary")?.let(::File)
            ?: File(
                System.getProperty("jna.library.path") ?: error("run with -Djna.library.path=… or -Dcivic.server.binary=…"),
                "civic-server",
            )
        check(binary.canExecute()) { "no civic-server at $binary" }
        val stdout = File(data, "stdout")
        val log = File(data, "server.log")
        process = ProcessBuilder(
            listOf(binary.path, "--listen", "127.0.0.1:0", "--data-dir", data.path, "--requests-per-minute", "100000") + flags,
        ).redirectOutput(stdout).redirectError(log).start()
        // A test that fails before close() must not leave the server running.
        Runtime.getRuntime().addShutdownHook(stop)
        url = listening(stdout) ?: run {
            stopNow()
            error("civic-server ${flags.joinToString(" ")} did not start:\n${log.takeIf { it.exists() }?.readText().orEmpty()}")
        }
    }

    /** The address its first line gives ("listening on …"), or null when it stopped or took over 30 s. */
    private fun listening(stdout: File): String? {
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
        while (process.isAlive && System.nanoTime() < deadline) {
            val line = stdout.takeIf { it.exists() }?.readLines()?.firstOrNull { it.startsWith("listening on ") }
            if (line != null) return line.removePrefix("listening on ").trim()
            Thread.sleep(50)
        }
        return null
    }

    private fun stopNow() {
        process.destroy()
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
        data.deleteRecursively()
    }

    override fun close() {
        stopNow()
        runCatching { Runtime.getRuntime().removeShutdownHook(stop) }
    }
}
