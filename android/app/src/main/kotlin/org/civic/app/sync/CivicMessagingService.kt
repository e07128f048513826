package org.civic.app.sync

import com.google.firebase.messaging.FirebaseMessagingService
import com.google.firebase.messaging.RemoteMessage

/**
 * FCM's entry point, kept thin: the message's data and new tokens go to [WarningPush], which
 * knows nothing of Firebase (another push service would call it the same way).
 */
class CivicMessagingService : FirebaseMessagingService() {
    override fun onMessageReceived(message: RemoteMessage) {
        WarningPush.received(applicationContext, message.data)
    }

    override fun onNewToken(token: String) {
        WarningPush.newToken(applicationContext, token)
    }
}
