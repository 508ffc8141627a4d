//! The API's own sealed values: XChaCha20-Poly1305 (authenticated encryption, RustCrypto's
//! `chacha20poly1305`; a random 192-bit nonce per value, so random nonces never repeat in practice)
//! under keys HKDF-SHA256 derives from the app client secret, one per purpose (RFC 5869, the `hkdf`
//! crate). The challenge session ([`crate::routes::challenge_session`]) and federated sign-in's state
//! and hand-off ([`crate::federation::sealed`]) are sealed with it.
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// The nonce before and the tag after the ciphertext.
pub const NONCE_BYTES: usize = 24;
pub const TAG_BYTES: usize = 16;

/// The sealing key: 32 bytes HKDF-SHA256 derives from the app client secret (or the client id
/// when the client has none) with this purpose as its `info`. `Debug` never shows it.
#[derive(Clone)]
pub struct SealKey([u8; 32]);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(<redacted>)")
    }
}

impl SealKey {
    /// The key for `purpose` from `secret` (RFC 5869 extract-then-expand, no salt).
    pub fn derive(secret: &str, purpose: &[u8]) -> SealKey {
        let mut key = [0u8; 32];
        hkdf::Hkdf::<sha2::Sha256>::new(None, secret.as_bytes()).expand(purpose, &mut key).expect("32 bytes is a valid HKDF-SHA256 length");
        SealKey(key)
    }

    /// The challenge-session key.
    pub fn for_sessions(secret: &str) -> SealKey {
        Self::derive(secret, b"auth-api challenge session v2")
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Seconds since the epoch, now.
pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// base64url(nonce ‖ ciphertext ‖ tag): XChaCha20-Poly1305 of `plain` under `key` with associated
/// data `aad`, a fresh random 192-bit nonce each time.
pub fn seal_bytes(key: &SealKey, aad: &[u8], plain: &[u8]) -> String {
    let mut nonce = [0u8; NONCE_BYTES];
    getrandom::getrandom(&mut nonce).expect("the OS random source is available");
    let cipher = XChaCha20Poly1305::new(key.bytes().into());
    let ct = cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad }).expect("encryption of a bounded plaintext cannot fail");
    let mut raw = Vec::with_capacity(NONCE_BYTES + ct.len());
    raw.extend_from_slice(&nonce);
    raw.extend_from_slice(&ct);
    B64.encode(raw)
}

/// What [`seal_bytes`] sealed with `key` and `aad`; `None` for anything else (another key or
/// purpose, altered, not base64url).
pub fn open_bytes(key: &SealKey, aad: &[u8], value: &str) -> Option<Vec<u8>> {
    let raw = B64.decode(value).ok()?;
    if raw.len() < NONCE_BYTES + TAG_BYTES {
        return None;
    }
    let (nonce, ct) = raw.split_at(NONCE_BYTES);
    let cipher = XChaCha20Poly1305::new(key.bytes().into());
    cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad }).ok()
}

