package org.civic.app.ui.official

import org.civic.core.CivicApp
import org.civic.core.testing.City
import java.io.InputStream
import java.io.OutputStream
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.net.URI
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.concurrent.thread

/**
 * A plain TCP relay to the dev server that can be switched off and on: the network between
 * an official's phone and the city, cut and restored, while the same `OfficialApp` (signed in
 * through [url]) lives on. Off, connections are refused; existing ones are closed.
 */
class Relay : AutoCloseable {
    private val target = URI.create(City.url)
    private val targetHost = target.host
    private val targetPort = if (target.port > 0) target.port else 80
    val port: Int = ServerSocket(0).use { it.localPort }
    val url: String get() = "http://127.0.0.1:$port"

    @Volatile private var server: ServerSocket? = null

    @Volatile private var running = false
    private val sockets = CopyOnWriteArrayList<Socket>()

    fun start() {
        val s = ServerSocket()
        s.reuseAddress = true
        s.bind(InetSocketAddress(InetAddress.getLoopbackAddress(), port))
        server = s
        running = true
        thread(isDaemon = true, name = "relay-accept") {
            while (!s.isClosed) {
                val client = try {
                    s.accept()
                } catch (_: Exception) {
                    break
                }
                sockets += client
                val upstream = try {
                    Socket(targetHost, targetPort)
                } catch (_: Exception) {
                    client.close()
                    continue
                }
                sockets += upstream
                // A connection accepted while stop() ran must not outlive it (a pooled HTTP
                // connection would then carry requests "offline").
                if (!running) {
                    runCatching { client.close() }
                    runCatching { upstream.close() }
                    break
                }
                pump(client.getInputStream(), upstream.getOutputStream(), client, upstream)
                pump(upstream.getInputStream(), client.getOutputStream(), client, upstream)
            }
        }
    }

    private fun pump(from: InputStream, to: OutputStream, a: Socket, b: Socket) = thread(isDaemon = true, name = "relay-pump") {
        try {
            val buf = ByteArray(16 * 1024)
            while (true) {
                val n = from.read(buf)
                if (n < 0) break
                to.write(buf, 0, n)
                to.flush()
            }
        } catch (_: Exception) {
        } finally {
            runCatching { a.close() }
            runCatching { b.close() }
        }
    }

    /** The network goes away: nothing connects, and what was connected is cut. */
    fun stop() {
        running = false
        runCatching { server?.close() }
        server = null
        for (s in sockets) runCatching { s.close() }
        sockets.clear()
    }

    override fun close() = stop()
}

/** The citizen's catalog's name for litter, as the official's screens show it. */
fun litterName(app: CivicApp): String = app.categories().first { it.code == "litter" }.name
