package org.civic.app

import android.content.Context
import android.content.SharedPreferences
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.util.Base64
import android.util.Log
import org.civic.core.TokenStorage
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The device's token (what the server knows this phone by), encrypted with AES-256-GCM under
 * a key that lives in the Android Keystore and never leaves it (hardware-backed where the
 * phone has it). The ciphertext and its IV sit in a private SharedPreferences file,
 * `civic_token.xml`, excluded from backups (res/xml/data_extraction_rules.xml): a copy on
 * another phone could not be decrypted anyway.
 *
 * The core calls these from its own threads, hence [Synchronized]. Nothing here throws: a key
 * that is gone or invalidated (a restored backup, a factory-reset Keystore, a vendor bug)
 * makes [load] return null, and the core registers the device again.
 */
class KeystoreTokenStorage(context: Context) : TokenStorage {
    private val prefs: SharedPreferences =
        context.applicationContext.getSharedPreferences(FILE, Context.MODE_PRIVATE)

    @Synchronized
    override fun load(): String? {
        val data = prefs.getString(KEY_DATA, null) ?: return null
        val iv = prefs.getString(KEY_IV, null) ?: return null
        return try {
            val key = existingKey() ?: run {
                forget()
                return null
            }
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BITS, Base64.decode(iv, Base64.NO_WRAP)))
            String(cipher.doFinal(Base64.decode(data, Base64.NO_WRAP)), Charsets.UTF_8)
        } catch (e: Exception) {
            // Wrong key, tampered file, invalidated key, Keystore unavailable: the token is
            // lost for good, and keeping the ciphertext would only fail again.
            Log.w(TAG, "The stored device token cannot be read; the device will register again", e)
            forget()
            null
        }
    }

    @Synchronized
    override fun save(token: String): Boolean {
        for (attempt in 0..1) {
            try {
                val cipher = Cipher.getInstance(TRANSFORMATION)
                cipher.init(Cipher.ENCRYPT_MODE, existingKey() ?: newKey())
                val data = cipher.doFinal(token.toByteArray(Charsets.UTF_8))
                return prefs.edit()
                    .putString(KEY_DATA, Base64.encodeToString(data, Base64.NO_WRAP))
                    .putString(KEY_IV, Base64.encodeToString(cipher.iv, Base64.NO_WRAP))
                    .commit()
            } catch (e: Exception) {
                // A broken key: drop it and try once with a fresh one.
                Log.w(TAG, "Cannot encrypt the device token (attempt ${attempt + 1})", e)
                deleteKey()
            }
        }
        return false
    }

    @Synchronized
    override fun clear() {
        forget()
    }

    private fun forget() {
        prefs.edit().remove(KEY_DATA).remove(KEY_IV).commit()
    }

    private fun keyStore(): KeyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }

    private fun existingKey(): SecretKey? = keyStore().getKey(ALIAS, null) as? SecretKey

    private fun newKey(): SecretKey {
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE)
        generator.init(
            KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                // The sync worker reads the token with the screen locked: no user auth.
                .setUserAuthenticationRequired(false)
                .build(),
        )
        return generator.generateKey()
    }

    private fun deleteKey() {
        try {
            keyStore().deleteEntry(ALIAS)
        } catch (e: Exception) {
            Log.w(TAG, "Cannot delete the token key", e)
        }
    }

    internal companion object {
        private const val TAG = "CivicTokens"
        private const val ANDROID_KEYSTORE = "AndroidKeyStore"
        const val ALIAS = "org.civic.app.device-token"
        private const val TRANSFORMATION = "AES/GCM/NoPadding"
        private const val TAG_BITS = 128
        const val FILE = "civic_token"
        const val KEY_DATA = "token"
        const val KEY_IV = "iv"
    }
}
