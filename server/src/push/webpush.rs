//! Web Push message encryption (RFC 8291) in the `aes128gcm` content coding (RFC 8188): what
//! a UnifiedPush distributor expects, so that it (and anyone on the way) reads nothing of
//! the wake-up it forwards.
//!
//! For each message the server makes an ephemeral P-256 key pair and a random salt:
//! - ECDH of the ephemeral private key with the subscription's public key (`p256dh`);
//! - `IKM = HKDF-SHA-256(salt = auth, ikm = ecdh_secret, info = "WebPush: info\0" ||
//!   ua_public || as_public, 32 bytes)`;
//! - `PRK = HKDF-Extract(salt, IKM)`, the content key `CEK` (16 bytes, info
//!   `"Content-Encoding: aes128gcm\0"`) and `NONCE` (12 bytes, `"Content-Encoding: nonce\0"`);
//! - one record: AES-128-GCM of the plaintext followed by the last-record delimiter `0x02`.
//!
//! The body is the header `salt (16) || rs (4, 4096) || idlen (1, 65) || as_public (65)`
//! followed by that record. The primitives are RustCrypto's (`p256`, `hkdf`, `aes-gcm`).

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hkdf::Hkdf;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha2::Sha256;

/// The record size written in the header: one record of at most this many bytes.
pub const RECORD_SIZE: u32 = 4096;
/// The header: salt (16), record size (4), key id length (1), the sender's public key (65).
pub const HEADER_LEN: usize = 16 + 4 + 1 + 65;
/// The longest plaintext sent: a push service need take no more than 4096 bytes of body
/// (RFC 8030 §7.2), which leaves 3993 once the header, the padding delimiter and the
/// authentication tag are paid for (RFC 8291 §4).
pub const MAX_PLAINTEXT: usize = 4096 - HEADER_LEN - 1 - TAG_LEN;

const TAG_LEN: usize = 16;
const POINT_LEN: usize = 65;

/// A Web Push subscription's keys, checked: the receiver's P-256 public key and the 16-byte
/// authentication secret. Its `Debug` shows neither.
#[derive(Clone, PartialEq, Eq)]
pub struct WebPushKeys {
    p256dh: PublicKey,
    auth: [u8; 16],
}

/// Why a subscription's keys were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("p256dh is not a P-256 public key: expected base64url of the uncompressed point (65 bytes, starting 0x04)")]
    BadP256dh,
    #[error("auth is not a Web Push authentication secret: expected base64url of 16 bytes")]
    BadAuth,
}

/// Why a message could not be encrypted or decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the message is longer than {MAX_PLAINTEXT} bytes")]
    TooLong,
    #[error("not an aes128gcm body for these keys")]
    Undecryptable,
}

impl std::fmt::Debug for WebPushKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebPushKeys").finish_non_exhaustive()
    }
}

impl WebPushKeys {
    /// The keys as a distributor hands them over: base64url, with or without padding.
    pub fn from_base64url(p256dh: &str, auth: &str) -> Result<Self, KeyError> {
        let p256dh = decode(p256dh).ok_or(KeyError::BadP256dh)?;
        let auth = decode(auth).ok_or(KeyError::BadAuth)?;
        Self::from_bytes(&p256dh, &auth)
    }

    /// The keys as bytes: the uncompressed point (65 bytes) and the secret (16 bytes).
    pub fn from_bytes(p256dh: &[u8], auth: &[u8]) -> Result<Self, KeyError> {
        // Only the uncompressed form: RFC 8291 §3.2 (a compressed point would also parse).
        if p256dh.len() != POINT_LEN || p256dh[0] != 0x04 {
            return Err(KeyError::BadP256dh);
        }
        let p256dh = PublicKey::from_sec1_bytes(p256dh).map_err(|_| KeyError::BadP256dh)?;
        let auth = <[u8; 16]>::try_from(auth).map_err(|_| KeyError::BadAuth)?;
        Ok(WebPushKeys { p256dh, auth })
    }

    /// The receiver's public key, uncompressed (65 bytes).
    pub fn p256dh(&self) -> Vec<u8> {
        self.p256dh.to_encoded_point(false).as_bytes().to_vec()
    }

    /// The authentication secret.
    pub fn auth(&self) -> [u8; 16] {
        self.auth
    }
}

fn decode(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()
}

/// Encrypts `plaintext` for the subscription, with a fresh ephemeral key and salt: the body
/// to POST with `Content-Encoding: aes128gcm`.
pub fn encrypt(plaintext: &[u8], keys: &WebPushKeys) -> Result<Vec<u8>, CryptoError> {
    use rand::RngCore;
    let mut rng = rand::rngs::OsRng;
    let sender = SecretKey::random(&mut rng);
    let mut salt = [0u8; 16];
    rng.fill_bytes(&mut salt);
    encrypt_with(plaintext, keys, &sender, &salt)
}

/// [`encrypt`] with the sender's ephemeral key and the salt given: for test vectors. Never
/// reuse either for two messages.
pub fn encrypt_with(plaintext: &[u8], keys: &WebPushKeys, sender: &SecretKey, salt: &[u8; 16]) -> Result<Vec<u8>, CryptoError> {
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(CryptoError::TooLong);
    }
    let as_public = sender.public_key().to_encoded_point(false);
    let (cek, nonce) = content_keys(sender, &keys.p256dh, &keys.p256dh, as_public.as_bytes(), &keys.auth, salt)?;
    let mut record = Vec::with_capacity(plaintext.len() + 1);
    record.extend_from_slice(plaintext);
    record.push(0x02);
    let cipher = Aes128Gcm::new_from_slice(&cek).map_err(|_| CryptoError::Undecryptable)?;
    let sealed = cipher.encrypt(Nonce::from_slice(&nonce), record.as_slice()).map_err(|_| CryptoError::TooLong)?;
    let mut body = Vec::with_capacity(HEADER_LEN + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(POINT_LEN as u8);
    body.extend_from_slice(as_public.as_bytes());
    body.extend_from_slice(&sealed);
    Ok(body)
}

/// Opens a body as the receiving app does, with the subscription's private key and
/// authentication secret: for tests, and to check what a distributor would get.
pub fn decrypt(body: &[u8], receiver: &SecretKey, auth: &[u8; 16]) -> Result<Vec<u8>, CryptoError> {
    let bad = || CryptoError::Undecryptable;
    if body.len() < HEADER_LEN + TAG_LEN + 1 {
        return Err(bad());
    }
    let (salt, rest) = body.split_at(16);
    let (rs, rest) = rest.split_at(4);
    let rs = u32::from_be_bytes(rs.try_into().map_err(|_| bad())?) as usize;
    let (idlen, rest) = rest.split_at(1);
    if idlen[0] as usize != POINT_LEN || rest.len() < POINT_LEN {
        return Err(bad());
    }
    let (as_public, sealed) = rest.split_at(POINT_LEN);
    // One record only, as a Web Push message is.
    if rs < TAG_LEN + 2 || sealed.len() > rs {
        return Err(bad());
    }
    let sender = PublicKey::from_sec1_bytes(as_public).map_err(|_| bad())?;
    let salt: [u8; 16] = salt.try_into().map_err(|_| bad())?;
    let ua_public = receiver.public_key();
    let (cek, nonce) = content_keys(receiver, &sender, &ua_public, as_public, auth, &salt)?;
    let cipher = Aes128Gcm::new_from_slice(&cek).map_err(|_| bad())?;
    let mut record = cipher.decrypt(Nonce::from_slice(&nonce), sealed).map_err(|_| bad())?;
    // Padding: zeros after the delimiter, which is 0x02 in the last (here the only) record.
    let end = record.iter().rposition(|&b| b != 0).ok_or_else(bad)?;
    if record[end] != 0x02 {
        return Err(bad());
    }
    record.truncate(end);
    Ok(record)
}

/// The content encryption key and nonce (RFC 8291 §3.3, §3.4; RFC 8188 §2.2, §2.3). `own`
/// is this side's private key, `peer` the other side's public key; `ua_public` and
/// `as_public` name the receiver's and the sender's public keys as the key info orders them.
fn content_keys(
    own: &SecretKey,
    peer: &PublicKey,
    ua_public: &PublicKey,
    as_public: &[u8],
    auth: &[u8; 16],
    salt: &[u8; 16],
) -> Result<([u8; 16], [u8; 12]), CryptoError> {
    let shared = p256::ecdh::diffie_hellman(own.to_nonzero_scalar(), peer.as_affine());
    let ua_public = ua_public.to_encoded_point(false);
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes())
        .expand_multi_info(&[b"WebPush: info\0", ua_public.as_bytes(), as_public], &mut ikm)
        .map_err(|_| CryptoError::Undecryptable)?;
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek).map_err(|_| CryptoError::Undecryptable)?;
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce).map_err(|_| CryptoError::Undecryptable)?;
    Ok((cek, nonce))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8291, Appendix A: the receiver's keys and secret, the sender's ephemeral key, the
    /// salt, the plaintext and the body.
    const UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    const UA_PUBLIC: &str = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
    const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    const AS_PUBLIC: &str = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
    const PLAINTEXT: &str = "When I grow up, I want to be a watermelon";
    const BODY: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    fn b64(s: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(s).unwrap()
    }

    fn secret(s: &str) -> SecretKey {
        SecretKey::from_slice(&b64(s)).unwrap()
    }

    #[test]
    fn the_rfc_8291_example_is_reproduced_byte_for_byte() {
        let keys = WebPushKeys::from_base64url(UA_PUBLIC, AUTH).unwrap();
        let sender = secret(AS_PRIVATE);
        assert_eq!(sender.public_key().to_encoded_point(false).as_bytes(), b64(AS_PUBLIC).as_slice());
        let salt: [u8; 16] = b64(SALT).try_into().unwrap();
        let body = encrypt_with(PLAINTEXT.as_bytes(), &keys, &sender, &salt).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.encode(&body), BODY);
        // And the receiver opens it.
        let auth: [u8; 16] = b64(AUTH).try_into().unwrap();
        assert_eq!(decrypt(&b64(BODY), &secret(UA_PRIVATE), &auth).unwrap(), PLAINTEXT.as_bytes());
    }

    #[test]
    fn each_message_has_its_own_key_and_salt_and_only_the_receiver_opens_it() {
        let receiver = secret(UA_PRIVATE);
        let keys = WebPushKeys::from_base64url(UA_PUBLIC, AUTH).unwrap();
        let (a, b) = (encrypt(b"{\"alert\":\"x\"}", &keys).unwrap(), encrypt(b"{\"alert\":\"x\"}", &keys).unwrap());
        assert_ne!(a[..HEADER_LEN], b[..HEADER_LEN]);
        assert_eq!(a.len(), HEADER_LEN + 13 + 1 + TAG_LEN);
        assert_eq!(decrypt(&a, &receiver, &keys.auth()).unwrap(), b"{\"alert\":\"x\"}");
        // Another receiver, another secret, a flipped bit, a truncated body: refused.
        assert_eq!(decrypt(&a, &secret(AS_PRIVATE), &keys.auth()), Err(CryptoError::Undecryptable));
        assert_eq!(decrypt(&a, &receiver, &[7; 16]), Err(CryptoError::Undecryptable));
        let mut flipped = a.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(decrypt(&flipped, &receiver, &keys.auth()), Err(CryptoError::Undecryptable));
        for n in [0, 20, HEADER_LEN, a.len() - 1] {
            assert_eq!(decrypt(&a[..n], &receiver, &keys.auth()), Err(CryptoError::Undecryptable), "{n} bytes");
        }
        // The longest message fits a push service's 4096 bytes; one more byte is refused.
        assert_eq!(encrypt(&[b'x'; MAX_PLAINTEXT], &keys).unwrap().len(), 4096);
        assert_eq!(encrypt(&[b'x'; MAX_PLAINTEXT + 1], &keys), Err(CryptoError::TooLong));
    }

    #[test]
    fn malformed_keys_are_refused() {
        let point = b64(UA_PUBLIC);
        let mut off_curve = point.clone();
        off_curve[64] ^= 1;
        let compressed = PublicKey::from_sec1_bytes(&point).unwrap().to_encoded_point(true);
        assert_eq!(WebPushKeys::from_bytes(&off_curve, &[0; 16]), Err(KeyError::BadP256dh));
        assert_eq!(WebPushKeys::from_bytes(compressed.as_bytes(), &[0; 16]), Err(KeyError::BadP256dh));
        assert_eq!(WebPushKeys::from_bytes(&point[..64], &[0; 16]), Err(KeyError::BadP256dh));
        assert_eq!(WebPushKeys::from_bytes(&[], &[0; 16]), Err(KeyError::BadP256dh));
        assert_eq!(WebPushKeys::from_bytes(&point, &[0; 15]), Err(KeyError::BadAuth));
        assert_eq!(WebPushKeys::from_base64url("not base64!", AUTH), Err(KeyError::BadP256dh));
        assert_eq!(WebPushKeys::from_base64url(UA_PUBLIC, "BTBZMqHH6r4Tts7J/aSIgg"), Err(KeyError::BadAuth));
        assert_eq!(WebPushKeys::from_base64url(UA_PUBLIC, ""), Err(KeyError::BadAuth));
        // Padding is taken; the secret never shows in logs.
        let keys = WebPushKeys::from_base64url(UA_PUBLIC, &format!("{AUTH}==")).unwrap();
        assert_eq!(keys.p256dh(), point);
        assert!(!format!("{keys:?}").contains("BTBZ") && !format!("{keys:?}").contains(&format!("{:?}", keys.auth())));
    }
}
