// Hand-written beside the bindings uniffi generates (civic_ffi.kt, the same package), and
// compiled with them wherever they are compiled: the core's sync observer as Kotlin flows.
package org.civic.core

import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow

/**
 * Every change of sync state (idle, syncing with its progress, offline…) while the flow is
 * collected: collecting subscribes ([CivicApp.subscribe]), and the collector stopping (cancelled,
 * or done) cancels the subscription. The state before the first change is [CivicApp.syncState].
 * The core calls on its own threads and never waits: nothing is dropped for a slow collector.
 */
fun CivicApp.syncStates(): Flow<SyncState> = callbackFlow {
    val handle = subscribe(object : SyncListener {
        override fun onState(state: SyncState) {
            trySend(state)
        }

        override fun onSynced(outcome: SyncOutcome) {}
    })
    awaitClose { handle.cancel() }
}.buffer(Channel.UNLIMITED)

/** What each sync that finishes brings (what it sent, what the city answered), while collected, like [syncStates]. */
fun CivicApp.syncOutcomes(): Flow<SyncOutcome> = callbackFlow {
    val handle = subscribe(object : SyncListener {
        override fun onState(state: SyncState) {}

        override fun onSynced(outcome: SyncOutcome) {
            trySend(outcome)
        }
    })
    awaitClose { handle.cancel() }
}.buffer(Channel.UNLIMITED)
