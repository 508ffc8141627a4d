//! The two values the API seals for federated sign-in, with the API's one sealing
//! (XChaCha20-Poly1305, [`crate::seal`]) under keys HKDF derives from
//! the app client secret, one per purpose, so neither value is accepted as the other or as a
//! challenge session:
//! - the `state` of the authorize request ([`FlowState`]): which app, its return address, the
//!   provider, the PKCE verifier (never readable outside the API: only its S256 challenge goes to
//!   Cognito), the hash of the browser binding's nonce, and the issue time;
//! - the hand-off ([`Handoff`]) given to the app: the app, Cognito's one-time authorization code, the
//!   verifier, and the issue time.
//! Both are JSON inside the ciphertext; the visible prefix names the format version.
use crate::seal::{open_bytes, seal_bytes, SealKey};
use serde::{Deserialize, Serialize};
use std::time::Duration;

const STATE_PREFIX: &str = "fs1.";
const STATE_AAD: &[u8] = b"auth-api federation state v1";
const HANDOFF_PREFIX: &str = "fh1.";
const HANDOFF_AAD: &[u8] = b"auth-api federation handoff v1";
/// How far ahead of this function's clock another function's issue time may be.
const CLOCK_SKEW_SECS: u64 = 30;

pub fn state_key(secret: &str) -> SealKey {
    SealKey::derive(secret, STATE_AAD)
}

pub fn handoff_key(secret: &str) -> SealKey {
    SealKey::derive(secret, HANDOFF_AAD)
}

/// No `Debug`: it holds the verifier.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct FlowState {
    pub app: String,
    pub return_to: String,
    pub provider: String,
    pub verifier: String,
    /// SHA-256 of the binding cookie's nonce.
    pub nonce_hash: [u8; 32],
    pub issued_at: u64,
}

/// No `Debug`: it holds the code and the verifier.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct Handoff {
    pub app: String,
    pub code: String,
    pub verifier: String,
    pub issued_at: u64,
}

/// Why a sealed value is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not ours: altered, another key or purpose, another format.
    Invalid,
    /// Ours, but older than its lifetime (or from too far ahead).
    Expired,
}

fn seal<T: Serialize>(key: &SealKey, prefix: &str, aad: &[u8], v: &T) -> String {
    let plain = serde_json::to_vec(v).expect("plain structs serialise");
    format!("{prefix}{}", seal_bytes(key, aad, &plain))
}

fn open<T: for<'de> Deserialize<'de>>(key: &SealKey, prefix: &str, aad: &[u8], value: &str) -> Option<T> {
    let plain = open_bytes(key, aad, value.strip_prefix(prefix)?)?;
    serde_json::from_slice(&plain).ok()
}

fn fresh(issued_at: u64, now: u64, ttl: Duration) -> Result<(), Refused> {
    if now.saturating_sub(issued_at) >= ttl.as_secs().max(1) || issued_at > now + CLOCK_SKEW_SECS {
        return Err(Refused::Expired);
    }
    Ok(())
}

impl FlowState {
    pub fn seal(&self, key: &SealKey) -> String {
        seal(key, STATE_PREFIX, STATE_AAD, self)
    }

    /// The state, authentic; `Expired` carries it too (its return address is still the app's).
    pub fn open(key: &SealKey, value: &str, now: u64, ttl: Duration) -> Result<FlowState, (Refused, Option<FlowState>)> {
        let s: FlowState = open(key, STATE_PREFIX, STATE_AAD, value).ok_or((Refused::Invalid, None))?;
        match fresh(s.issued_at, now, ttl) {
            Ok(()) => Ok(s),
            Err(r) => Err((r, Some(s))),
        }
    }
}

impl Handoff {
    pub fn seal(&self, key: &SealKey) -> String {
        seal(key, HANDOFF_PREFIX, HANDOFF_AAD, self)
    }

    pub fn open(key: &SealKey, value: &str, now: u64, ttl: Duration) -> Result<Handoff, Refused> {
        let h: Handoff = open(key, HANDOFF_PREFIX, HANDOFF_AAD, value).ok_or(Refused::Invalid)?;
        fresh(h.issued_at, now, ttl)?;
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> FlowState {
        FlowState { app: "default".into(), return_to: "https://app.example.com/in".into(), provider: "Google".into(), verifier: "v".repeat(43), nonce_hash: [7; 32], issued_at: 1_000 }
    }

    #[test]
    fn round_trip_nothing_readable_and_purposes_apart() {
        let k = state_key("secret");
        let v = state().seal(&k);
        assert!(v.starts_with("fs1.") && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)), "URL-safe: {v}");
        assert!(FlowState::open(&k, &v, 1_010, Duration::from_secs(600)).ok() == Some(state()));
        assert!(!v.contains("app.example.com") && !v.contains("vvvv"));
        // Another secret, the hand-off's key, a changed byte: not ours.
        for (key, val) in [(state_key("other"), v.clone()), (handoff_key("secret"), v.clone()), (k.clone(), format!("{}A", v)), (k.clone(), v.replacen("fs1.", "fh1.", 1))] {
            assert!(matches!(FlowState::open(&key, &val, 1_010, Duration::from_secs(600)), Err((Refused::Invalid, None))));
        }
        let h = Handoff { app: "default".into(), code: "c0de".into(), verifier: "v".into(), issued_at: 1_000 };
        let hv = h.seal(&handoff_key("secret"));
        assert!(Handoff::open(&handoff_key("secret"), &hv, 1_001, Duration::from_secs(120)).ok() == Some(h));
        assert_eq!(Handoff::open(&state_key("secret"), &hv, 1_001, Duration::from_secs(120)).err(), Some(Refused::Invalid));
    }

    #[test]
    fn lifetimes_are_held() {
        let k = state_key("secret");
        let v = state().seal(&k);
        assert!(FlowState::open(&k, &v, 1_599, Duration::from_secs(600)).is_ok());
        assert!(matches!(FlowState::open(&k, &v, 1_600, Duration::from_secs(600)), Err((Refused::Expired, Some(_)))));
        assert!(matches!(FlowState::open(&k, &v, 1_000 - 31, Duration::from_secs(600)), Err((Refused::Expired, Some(_)))));
        let h = Handoff { app: "a".into(), code: "c".into(), verifier: "v".into(), issued_at: 1_000 }.seal(&handoff_key("s"));
        assert_eq!(Handoff::open(&handoff_key("s"), &h, 1_120, Duration::from_secs(120)).err(), Some(Refused::Expired));
    }
}
