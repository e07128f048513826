package org.civic.app.testing

import android.security.keystore.KeyGenParameterSpec
import java.io.InputStream
import java.io.OutputStream
import java.security.Key
import java.security.KeyStoreSpi
import java.security.Provider
import java.security.SecureRandom
import java.security.Security
import java.security.cert.Certificate
import java.security.spec.AlgorithmParameterSpec
import java.util.Collections
import java.util.Date
import java.util.concurrent.ConcurrentHashMap
import javax.crypto.KeyGenerator
import javax.crypto.KeyGeneratorSpi
import javax.crypto.SecretKey

/**
 * The Android Keystore as a JCA provider named "AndroidKeyStore", keeping AES keys in memory:
 * Robolectric has none (robolectric#1518). [install] starts empty; [lose] drops a key, as a
 * factory-reset Keystore or a restored backup does on a phone.
 */
object FakeAndroidKeyStore {
    private val keys = ConcurrentHashMap<String, SecretKey>()

    fun install() {
        Security.removeProvider(NAME)
        keys.clear()
        Security.addProvider(ProviderImpl())
    }

    fun lose(alias: String) {
        keys.remove(alias)
    }

    fun aliases(): Set<String> = keys.keys.toSet()

    private const val NAME = "AndroidKeyStore"

    private class ProviderImpl : Provider(NAME, "1.0", "in-memory stand-in for tests") {
        init {
            put("KeyStore.$NAME", Store::class.java.name)
            put("KeyGenerator.AES", Aes::class.java.name)
        }
    }

    class Store : KeyStoreSpi() {
        override fun engineGetKey(alias: String, password: CharArray?): Key? = keys[alias]
        override fun engineGetCertificateChain(alias: String?): Array<Certificate>? = null
        override fun engineGetCertificate(alias: String?): Certificate? = null
        override fun engineGetCreationDate(alias: String?) = Date()
        override fun engineSetKeyEntry(alias: String, key: Key, password: CharArray?, chain: Array<out Certificate>?) {
            keys[alias] = key as SecretKey
        }
        override fun engineSetKeyEntry(alias: String?, key: ByteArray?, chain: Array<out Certificate>?) =
            throw UnsupportedOperationException()
        override fun engineSetCertificateEntry(alias: String?, cert: Certificate?) = throw UnsupportedOperationException()
        override fun engineDeleteEntry(alias: String) {
            keys.remove(alias)
        }
        override fun engineAliases() = Collections.enumeration(keys.keys)
        override fun engineContainsAlias(alias: String) = keys.containsKey(alias)
        override fun engineSize() = keys.size
        override fun engineIsKeyEntry(alias: String) = keys.containsKey(alias)
        override fun engineIsCertificateEntry(alias: String?) = false
        override fun engineGetCertificateAlias(cert: Certificate?): String? = null
        override fun engineStore(stream: OutputStream?, password: CharArray?) {}
        override fun engineLoad(stream: InputStream?, password: CharArray?) {}
    }

    /** Generates AES keys of the spec's size and stores them under the spec's alias. */
    class Aes : KeyGeneratorSpi() {
        private var alias: String? = null
        private var size = 256

        override fun engineInit(random: SecureRandom?) {}
        override fun engineInit(keysize: Int, random: SecureRandom?) {
            size = keysize
        }
        override fun engineInit(params: AlgorithmParameterSpec, random: SecureRandom?) {
            val spec = params as KeyGenParameterSpec
            alias = spec.keystoreAlias
            if (spec.keySize > 0) size = spec.keySize
        }
        override fun engineGenerateKey(): SecretKey {
            val key = KeyGenerator.getInstance("AES").apply { init(size) }.generateKey()
            alias?.let { keys[it] = key }
            return key
        }
    }
}
