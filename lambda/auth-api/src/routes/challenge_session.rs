//! The `session` value the API gives the client when a sign-in answers a challenge, and what it
//! holds.
//!
//! AdminRespondToAuthChallenge needs the user's actual Cognito username in `USERNAME` (and the
//! SECRET_HASH computed over it), not an alias such as the email; AdminInitiateAuth answers it in
//! the challenge parameter `USER_ID_FOR_SRP` (`USERNAME` for the `USER_AUTH` factors)
//! (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html>,
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html>).
//! So the API does not ask the client for a username: it carries the one Cognito answered inside
//! the session value it hands out, with everything else the answer must be checked against.
//!
//! The value is `v2.` followed by base64url(nonce ‖ ciphertext ‖ tag): XChaCha20-Poly1305
//! (authenticated encryption, RustCrypto's `chacha20poly1305`; a random 192-bit nonce per value,
//! so random nonces never repeat in practice) of
//! - the format version (`2`, also the associated data with the visible prefix),
//! - the kind ([`Kind`]: a session Cognito gave, a stand-in, the API's own SELECT_CHALLENGE step),
//! - the issue time (seconds since the epoch),
//! - the challenge name the session was given for,
//! - the username to answer for and Cognito's session,
//!
//! zero-padded to one of two fixed sizes ([`PLAINTEXT_SIZES`]: every Cognito session of up to 2048
//! characters, the service model's maximum for `SessionType`, gives the first size, so a stand-in
//! and a real session have the same length; up to 4096 characters the second). Nothing in it can
//! be read or changed by the client: the account's `sub` no longer travels in clear, and a stand-in
//! is indistinguishable from a real session by its value.
//!
//! The key is not the app client secret (which is also sent to Cognito with every RevokeToken and
//! GetTokensFromRefreshToken) but one HKDF-SHA256 derives from it for this purpose alone
//! ([`SealKey::derive`]; RFC 5869, the `hkdf` crate). Without a client secret (not this stack's
//! set-up) the client id stands in for it: no secrecy, but Cognito still binds its session to its
//! user.
//!
//! [`open`] refuses, with one answer (401 `invalid_session`) and before any Cognito call: a value
//! that does not decrypt (altered, another key, the older `v1.` format), a challenge name other
//! than the one sealed (for every kind alike), and a session older than the app client's
//! authentication-session validity (`authSessionValidityMinutes` of cdk/user-pool.json, which the
//! construct gives the app client; Cognito refuses its own sessions after it too).
use crate::error::ApiError;
pub use crate::seal::{now, SealKey};
use crate::seal::{open_bytes, seal_bytes, NONCE_BYTES, TAG_BYTES};
use std::time::Duration;

/// The visible prefix: the format's version, so an older value is told apart without a decryption
/// attempt (it is refused all the same).
const PREFIX: &str = "v2.";
/// The format version inside the ciphertext (and, with the prefix, its associated data).
const VERSION: u8 = 2;
const AAD: &[u8] = b"auth-api challenge session v2";

/// The longest Cognito session this format holds. The service model gives `SessionType` 20 to
/// 2048 characters (botocore's cognito-idp service-2.json); the API accepts twice that so a longer
/// session from Cognito is still answered.
pub const MAX_COGNITO_SESSION: usize = 4096;
/// The longest username sealed: Cognito usernames are at most 128 characters
/// (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html>,
/// `USERNAME`), at most 512 bytes of UTF-8; an address as typed (the fallback) is at most 446.
pub const MAX_USERNAME_BYTES: usize = 512;
/// The longest challenge name sealed (Cognito's are under 30 characters).
const MAX_CHALLENGE_BYTES: usize = 64;
/// version, kind, issue time, and the three lengths.
const HEADER_BYTES: usize = 1 + 1 + 8 + 1 + 2 + 2;
/// The two sizes every plaintext is padded to: room for the longest username and challenge name
/// with a session of up to 2048 characters (the model's maximum), or up to 4096.
pub const PLAINTEXT_SIZES: [usize; 2] = [
    HEADER_BYTES + MAX_CHALLENGE_BYTES + MAX_USERNAME_BYTES + 2048,
    HEADER_BYTES + MAX_CHALLENGE_BYTES + MAX_USERNAME_BYTES + MAX_COGNITO_SESSION,
];

/// The length of a sealed value whose plaintext has `plaintext` bytes.
pub const fn sealed_len(plaintext: usize) -> usize {
    let raw = NONCE_BYTES + plaintext + TAG_BYTES;
    PREFIX.len() + (raw * 4).div_ceil(3)
}

/// The longest value [`seal`] makes: the request field's maximum length (`session` of
/// login/challenge).
pub const MAX_SEALED: usize = sealed_len(PLAINTEXT_SIZES[1]);

/// What a sealed session stands for. Sealed inside the ciphertext, so a client cannot tell a
/// stand-in from a Cognito session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A session Cognito gave for the sealed username.
    Cognito,
    /// A stand-in the API gave where Cognito had no such challenge for the address (see
    /// `first_factor`): any answer to it fails like a wrong answer.
    Decoy,
    /// The API's own SELECT_CHALLENGE step: only the address, no Cognito session.
    Select,
}

impl Kind {
    fn byte(self) -> u8 {
        match self {
            Kind::Cognito => 1,
            Kind::Decoy => 2,
            Kind::Select => 3,
        }
    }

    fn from_byte(b: u8) -> Option<Kind> {
        match b {
            1 => Some(Kind::Cognito),
            2 => Some(Kind::Decoy),
            3 => Some(Kind::Select),
            _ => None,
        }
    }
}

/// What a sealed value holds.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    pub kind: Kind,
    pub challenge: String,
    pub username: String,
    pub session: String,
    /// Seconds since the epoch.
    pub issued_at: u64,
}

/// Never the username or the session.
impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealed").field("kind", &self.kind).field("challenge", &self.challenge).field("issued_at", &self.issued_at).finish_non_exhaustive()
    }
}

/// The value given to the client for `s`. A username or Cognito session longer than this format
/// holds is a server-side fault (500, logged without the values).
pub fn seal(key: &SealKey, s: &Sealed) -> Result<String, ApiError> {
    let (challenge, username, session) = (s.challenge.as_bytes(), s.username.as_bytes(), s.session.as_bytes());
    if challenge.len() > MAX_CHALLENGE_BYTES || username.len() > MAX_USERNAME_BYTES || session.len() > MAX_COGNITO_SESSION {
        tracing::error!(
            challenge_bytes = challenge.len(),
            username_bytes = username.len(),
            session_bytes = session.len(),
            "challenge session too long to seal"
        );
        return Err(ApiError::Internal);
    }
    let mut plain = Vec::with_capacity(PLAINTEXT_SIZES[1]);
    plain.push(VERSION);
    plain.push(s.kind.byte());
    plain.extend_from_slice(&s.issued_at.to_be_bytes());
    plain.push(challenge.len() as u8);
    plain.extend_from_slice(challenge);
    plain.extend_from_slice(&(username.len() as u16).to_be_bytes());
    plain.extend_from_slice(username);
    plain.extend_from_slice(&(session.len() as u16).to_be_bytes());
    plain.extend_from_slice(session);
    let size = PLAINTEXT_SIZES.into_iter().find(|n| plain.len() <= *n).expect("the lengths were checked above");
    plain.resize(size, 0);

    Ok(format!("{PREFIX}{}", seal_bytes(key, AAD, &plain)))
}

/// What `value` holds, if [`seal`] made it with `key`, for the challenge `answered` (the name the
/// client answers), issued less than `validity` ago (`now` in seconds since the epoch). Anything
/// else is a 401 `invalid_session`, the same for every kind.
pub fn open(key: &SealKey, value: &str, answered: &str, now: u64, validity: Duration) -> Result<Sealed, ApiError> {
    let s = decrypt(key, value).ok_or(ApiError::InvalidSession)?;
    if s.challenge != answered {
        return Err(ApiError::InvalidSession);
    }
    // A value from a little ahead (another function's clock) is accepted; one beyond the validity is not.
    if now.saturating_sub(s.issued_at) >= validity.as_secs().max(1) || s.issued_at > now + CLOCK_SKEW_SECS {
        return Err(ApiError::InvalidSession);
    }
    Ok(s)
}

/// How far ahead of this function's clock another function's issue time may be.
const CLOCK_SKEW_SECS: u64 = 30;

fn decrypt(key: &SealKey, value: &str) -> Option<Sealed> {
    let plain = open_bytes(key, AAD, value.strip_prefix(PREFIX)?)?;
    if !PLAINTEXT_SIZES.contains(&plain.len()) {
        return None;
    }
    let mut r = Reader(&plain);
    if r.take(1)?[0] != VERSION {
        return None;
    }
    let kind = Kind::from_byte(r.take(1)?[0])?;
    let issued_at = u64::from_be_bytes(r.take(8)?.try_into().ok()?);
    let n = r.take(1)?[0] as usize;
    let challenge = String::from_utf8(r.take(n)?.to_vec()).ok()?;
    let n = u16::from_be_bytes(r.take(2)?.try_into().ok()?) as usize;
    let username = String::from_utf8(r.take(n)?.to_vec()).ok()?;
    let n = u16::from_be_bytes(r.take(2)?.try_into().ok()?) as usize;
    let session = String::from_utf8(r.take(n)?.to_vec()).ok()?;
    if !r.0.iter().all(|b| *b == 0) {
        return None;
    }
    Some(Sealed { kind, challenge, username, session, issued_at })
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;

    const VALIDITY: Duration = Duration::from_secs(180);

    fn sample(kind: Kind, session: &str) -> Sealed {
        Sealed { kind, challenge: "SOFTWARE_TOKEN_MFA".into(), username: "5f1c-sub".into(), session: session.into(), issued_at: 1_000_000 }
    }

    fn key() -> SealKey {
        SealKey::for_sessions("the client secret")
    }

    #[test]
    fn round_trip_for_every_kind_and_nothing_readable() {
        for kind in [Kind::Cognito, Kind::Decoy, Kind::Select] {
            let s = sample(kind, "AYAB.cognito/session==");
            let v = seal(&key(), &s).unwrap();
            assert!(v.starts_with("v2.") && v.bytes().all(|b| b.is_ascii_graphic()));
            assert_eq!(open(&key(), &v, "SOFTWARE_TOKEN_MFA", 1_000_010, VALIDITY).unwrap(), s);
            let raw = B64.decode(&v[3..]).unwrap();
            for needle in [&b"5f1c-sub"[..], b"AYAB", b"SOFTWARE_TOKEN_MFA"] {
                assert!(!raw.windows(needle.len()).any(|w| w == needle), "{kind:?}: {needle:?} readable in the value");
            }
            assert!(format!("{s:?}").find("5f1c").is_none() && format!("{:?}", key()).find("SealKey(<redacted>)").is_some());
        }
    }

    #[test]
    fn lengths_are_fixed_whatever_the_contents() {
        let short = seal(&key(), &Sealed { username: "u".into(), ..sample(Kind::Decoy, "0123456789abcdefghij") }).unwrap();
        let long = seal(&key(), &Sealed { username: "x".repeat(MAX_USERNAME_BYTES), ..sample(Kind::Cognito, &"S".repeat(2048)) }).unwrap();
        assert_eq!(short.len(), long.len());
        assert_eq!(short.len(), sealed_len(PLAINTEXT_SIZES[0]));
        let longest = seal(&key(), &sample(Kind::Cognito, &"S".repeat(MAX_COGNITO_SESSION))).unwrap();
        assert_eq!(longest.len(), MAX_SEALED);
        assert!(seal(&key(), &sample(Kind::Cognito, &"S".repeat(MAX_COGNITO_SESSION + 1))).is_err());
        assert!(seal(&key(), &Sealed { username: "x".repeat(MAX_USERNAME_BYTES + 1), ..sample(Kind::Cognito, "S") }).is_err());
        // Two seals of the same contents differ (a fresh nonce each).
        assert_ne!(seal(&key(), &sample(Kind::Cognito, "S")).unwrap(), seal(&key(), &sample(Kind::Cognito, "S")).unwrap());
    }

    #[test]
    fn the_challenge_name_and_the_age_are_checked() {
        let v = seal(&key(), &sample(Kind::Cognito, "S")).unwrap();
        for other in ["EMAIL_OTP", "WEB_AUTHN", "NEW_PASSWORD_REQUIRED", "SELECT_CHALLENGE", "software_token_mfa", ""] {
            assert_eq!(open(&key(), &v, other, 1_000_010, VALIDITY), Err(ApiError::InvalidSession), "{other}");
        }
        assert!(open(&key(), &v, "SOFTWARE_TOKEN_MFA", 1_000_000 + 179, VALIDITY).is_ok());
        assert_eq!(open(&key(), &v, "SOFTWARE_TOKEN_MFA", 1_000_000 + 180, VALIDITY), Err(ApiError::InvalidSession));
        assert!(open(&key(), &v, "SOFTWARE_TOKEN_MFA", 1_000_000 - 30, VALIDITY).is_ok());
        assert_eq!(open(&key(), &v, "SOFTWARE_TOKEN_MFA", 1_000_000 - 31, VALIDITY), Err(ApiError::InvalidSession));
    }

    #[test]
    fn other_keys_formats_and_damage_are_refused() {
        let v = seal(&key(), &sample(Kind::Cognito, "S")).unwrap();
        let at = |k: &SealKey, v: &str| open(k, v, "SOFTWARE_TOKEN_MFA", 1_000_001, VALIDITY);
        assert_eq!(at(&SealKey::for_sessions("another secret"), &v), Err(ApiError::InvalidSession));
        // The same secret for another purpose is another key.
        assert_eq!(at(&SealKey::derive("the client secret", b"something else"), &v), Err(ApiError::InvalidSession));
        for bad in [String::new(), "v2.".into(), "v1.dTE.dGFn.S".into(), format!("{v}A"), v[..v.len() - 1].to_string(), v.replacen("v2.", "v3.", 1), "AYAB-raw-cognito-session".into()] {
            assert_eq!(at(&key(), &bad), Err(ApiError::InvalidSession), "{bad:.40}");
        }
    }

    #[test]
    fn the_key_is_derived_not_the_secret() {
        // HKDF-SHA256 (RFC 5869: no salt, so a zero salt; info = the purpose), computed apart
        // (Python's hmac: PRK = HMAC(0^32, secret), OKM = HMAC(PRK, info || 0x01)).
        let k = SealKey::for_sessions("the client secret");
        let hex: String = k.bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "16489aa41f5c5fe2aea1e0fa95f4130db2bc2e2b4bfdd0018d4aecbf6308761a");
        assert_ne!(k.bytes(), SealKey::derive("the client secret", b"another purpose").bytes());
    }
}
