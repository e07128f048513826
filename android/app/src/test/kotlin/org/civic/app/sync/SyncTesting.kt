package org.civic.app.sync

import android.content.Context
import androidx.work.Configuration
import androidx.work.CoroutineWorker
import androidx.work.ListenableWorker
import androidx.work.WorkInfo
import androidx.work.WorkManager
import androidx.work.impl.WorkManagerImpl
import androidx.work.impl.model.WorkSpec
import androidx.work.testing.SynchronousExecutor
import androidx.work.testing.TestListenableWorkerBuilder
import androidx.work.testing.WorkManagerTestInitHelper
import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.runBlocking
import org.civic.app.CivicApplication
import org.junit.Assert.assertEquals
import java.net.InetSocketAddress
import java.util.UUID
import java.util.concurrent.atomic.AtomicInteger

/**
 * The app pointed at [url], read when its core is first opened: nothing listens on the
 * default (port 9, discard), or a [BusyServer].
 */
class ElsewhereApplication : CivicApplication() {
    override val serverUrl: String
        get() = url

    companion object {
        const val NOBODY = "http://127.0.0.1:9"

        @Volatile var url: String = NOBODY
    }
}

/** A server on loopback that answers every request 503 with `Retry-After: [retryAfterSeconds]`. */
class BusyServer(val retryAfterSeconds: Int) : AutoCloseable {
    val requests = AtomicInteger()
    private val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
        createContext("/") { exchange ->
            requests.incrementAndGet()
            exchange.requestBody.readAllBytes()
            exchange.responseHeaders.add("Retry-After", retryAfterSeconds.toString())
            exchange.responseHeaders.add("Content-Type", "application/json")
            val body = """{"error":"busy"}""".toByteArray()
            exchange.sendResponseHeaders(503, body.size.toLong())
            exchange.responseBody.use { it.write(body) }
        }
        start()
    }
    val url: String get() = "http://127.0.0.1:${server.address.port}"

    override fun close() = server.stop(0)
}

/** WorkManager for tests: synchronous, constraints and delays met only through its test driver. */
fun testWorkManager(context: Context): WorkManager {
    WorkManagerTestInitHelper.initializeTestWorkManager(
        context,
        Configuration.Builder().setExecutor(SynchronousExecutor()).build(),
    )
    return WorkManager.getInstance(context)
}

fun WorkManager.unique(name: String): List<WorkInfo> = getWorkInfosForUniqueWork(name).get()

fun WorkManager.tagged(tag: String): List<WorkInfo> = getWorkInfosByTag(tag).get()

/** What WorkManager stored of a request (WorkInfo does not say whether it is expedited). */
fun workSpec(context: Context, id: UUID): WorkSpec =
    WorkManagerImpl.getInstance(context).workDatabase.workSpecDao().getWorkSpec(id.toString())
        ?: error("no work $id")

/**
 * Runs the work WorkManager holds as [id] (its worker class, its input data and tags) once,
 * here, as WorkManager would once its constraints and delay are met.
 */
inline fun <reified W : ListenableWorker> runEnqueued(context: Context, id: UUID): ListenableWorker.Result {
    val spec = workSpec(context, id)
    assertEquals(W::class.java.name, spec.workerClassName)
    val tags = WorkManager.getInstance(context).getWorkInfoById(id).get()?.tags.orEmpty()
    val worker = TestListenableWorkerBuilder<W>(context).setInputData(spec.input).setTags(tags.toList()).build()
    return runBlocking { (worker as? CoroutineWorker)?.doWork() ?: worker.startWork().get() }
}
