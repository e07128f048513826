package org.civic.app

import android.content.Context
import androidx.test.core.app.ApplicationProvider
import org.civic.app.testing.FakeAndroidKeyStore
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner

/** The device token under a Keystore key: what the core reads back, and what a lost key costs. */
@RunWith(RobolectricTestRunner::class)
class KeystoreTokenStorageTest {
    private val context: Context = ApplicationProvider.getApplicationContext()
    private val file get() = context.getSharedPreferences(KeystoreTokenStorage.FILE, Context.MODE_PRIVATE)

    @Before fun emptyKeystore() {
        FakeAndroidKeyStore.install()
    }

    @Test fun aSavedTokenIsReadBackByANewInstanceAndNeverStoredInTheClear() {
        assertTrue(KeystoreTokenStorage(context).save("device-token-42"))
        assertEquals("device-token-42", KeystoreTokenStorage(context).load())
        assertEquals(setOf(KeystoreTokenStorage.ALIAS), FakeAndroidKeyStore.aliases())
        val stored = file.all.values.joinToString()
        assertFalse("the token is in the file in the clear: $stored", stored.contains("device-token-42"))
    }

    @Test fun clearForgetsTheToken() {
        val tokens = KeystoreTokenStorage(context)
        tokens.save("device-token-42")
        tokens.clear()
        assertNull(tokens.load())
        assertTrue(file.all.isEmpty())
    }

    @Test fun aLostKeyForgetsTheTokenAndANewOneCanBeSaved() {
        val tokens = KeystoreTokenStorage(context)
        tokens.save("device-token-42")
        FakeAndroidKeyStore.lose(KeystoreTokenStorage.ALIAS)
        assertNull(tokens.load())
        assertTrue("the unreadable ciphertext is dropped", file.all.isEmpty())
        assertTrue(tokens.save("device-token-43"))
        assertEquals("device-token-43", tokens.load())
    }

    @Test fun aTamperedFileIsNotAToken() {
        val tokens = KeystoreTokenStorage(context)
        tokens.save("device-token-42")
        file.edit().putString(KeystoreTokenStorage.KEY_DATA, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==").commit()
        assertNull(tokens.load())
    }

    @Test fun nothingSavedIsNull() {
        assertNull(KeystoreTokenStorage(context).load())
    }
}
