// Proves the Kotlin test toolchain (scripts/kotlin-toolchain, scripts/kotlin-test): JUnit 5
// finds and runs this, kotlinx-coroutines runs on the JVM, and JNA reaches a native library,
// the three things uniffi's Kotlin bindings need.
package org.civic.core.test

import com.sun.jna.Library
import com.sun.jna.Native
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** The C library, bound through JNA as uniffi's bindings bind the core. */
interface LibC : Library {
    fun getpid(): Int

    fun strlen(s: String): Long
}

class ToolchainTest {
    @Test
    fun `JNA calls into the C library`() {
        val libc = Native.load("c", LibC::class.java)
        assertEquals(ProcessHandle.current().pid(), libc.getpid().toLong())
        assertEquals(5L, libc.strlen("civic"))
    }

    @Test
    fun `coroutines run async work and flows`() = runBlocking {
        val squares = async(Dispatchers.Default) {
            flow { for (i in 1..4) emit(i) }.map { it * it }.toList()
        }
        val onOtherThread = withContext(Dispatchers.IO) { Thread.currentThread().name }
        assertEquals(listOf(1, 4, 9, 16), squares.await())
        assert(onOtherThread.isNotEmpty())
    }
}
