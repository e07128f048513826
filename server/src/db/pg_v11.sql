-- Version 11: a UnifiedPush device's Web Push subscription keys (RFC 8291), which its wake-ups
-- are encrypted to: the receiver's P-256 public key and the authentication secret, base64url
-- as the device sent them. NULL for FCM and APNs, and for a registration stored before: that
-- device is not woken until it registers again (it does on its next start).
ALTER TABLE push_registration ADD COLUMN p256dh TEXT;
ALTER TABLE push_registration ADD COLUMN auth TEXT;
