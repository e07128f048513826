package org.civic.core.test

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.civic.core.FfiConverterTypeSyncListener
import org.civic.core.SyncState
import org.civic.core.syncOutcomes
import org.civic.core.syncStates
import org.civic.core.testing.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.util.concurrent.CopyOnWriteArrayList

/**
 * The sync observer as flows (bindings/kotlin/flows), as the apps collect it: a real sync
 * against the test server, and the core's subscription living exactly as long as the collector.
 */
class SyncFlowsTest {
    /** The listeners the core holds now: each subscription keeps one of the app's objects. */
    private fun listenersHeld(): Int = FfiConverterTypeSyncListener.handleMap.size

    @Test
    fun `a collector of syncStates sees a sync run then rest, and stopping it ends the subscription`() = runBlocking {
        val app = openApp()
        // Something to send: the sync goes through its states.
        captureLitter(app, 71)
        val before = listenersHeld()

        val seen = CopyOnWriteArrayList<SyncState>()
        // Unconfined: the collector has subscribed when launch returns, before the sync starts.
        val collector = launch(Dispatchers.Unconfined) { app.syncStates().collect { seen.add(it) } }
        assertEquals(before + 1, listenersHeld(), "collecting subscribed")

        val outcome = app.syncNow()
        assertEquals(1, outcome.submitted.size, "${outcome.state}")
        withTimeout(10_000) {
            // States arrive from the core's threads, maybe after syncNow returns.
            while (seen.none { it is SyncState.Idle } || seen.none { it is SyncState.Syncing }) delay(20)
        }
        val syncing = seen.indexOfFirst { it is SyncState.Syncing }
        val idle = seen.indexOfLast { it is SyncState.Idle }
        assertTrue(syncing in 0 until idle, "syncing, then idle: $seen")

        // The collector stops: the core lets go of its listener (the subscription is cancelled).
        collector.cancelAndJoin()
        withTimeout(10_000) { while (listenersHeld() > before) delay(20) }
        val heard = seen.size
        app.syncNow()
        delay(200)
        assertEquals(heard, seen.size, "nothing more once stopped: $seen")
        app.close()
    }

    @Test
    fun `syncOutcomes brings what each sync finished with, and first() ends its subscription`() = runBlocking {
        val app = openApp()
        captureLitter(app, 72)
        val before = listenersHeld()
        val next = async(Dispatchers.Unconfined) { app.syncOutcomes().first() }
        assertEquals(before + 1, listenersHeld(), "collecting subscribed")

        val returned = app.syncNow()
        val heard = withTimeout(10_000) { next.await() }
        assertEquals(returned, heard, "the outcome syncNow returned")
        assertEquals(1, heard.submitted.size)
        withTimeout(10_000) { while (listenersHeld() > before) delay(20) }
        app.close()
    }
}
