//! What a stand-in passkey challenge copies from the real ones (`routes::first_factor`): the
//! length and encoding of Cognito's WebAuthn `challenge` and its relying-party id.
//!
//! Cognito documents neither the challenge's length nor its encoding (the
//! `CREDENTIAL_REQUEST_OPTIONS` of a WEB_AUTHN challenge is only said to be JSON). A stand-in
//! that used a length of its own would be told from a real one by anyone who compares their own
//! account's challenge with an unknown address's. So every function remembers the shape of the
//! last real challenge it passed on, and makes its stand-ins in that shape: the same number of
//! random bytes, encoded the same way. Before a function has seen one it uses
//! [`DEFAULT_CHALLENGE_BYTES`] in unpadded base64url (what the emulator's WebAuthn library sends;
//! the first-deploy checklist compares it with Cognito's).
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use std::sync::Mutex;

/// The stand-in's challenge length before a real one has been seen (bytes before encoding).
pub const DEFAULT_CHALLENGE_BYTES: usize = 64;

/// The encodings a challenge is recognised in (WebAuthn's JSON forms use unpadded base64url).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    UrlNoPad,
    Url,
    StandardNoPad,
    Standard,
}

impl Encoding {
    fn engine(self) -> &'static base64::engine::GeneralPurpose {
        match self {
            Encoding::UrlNoPad => &URL_SAFE_NO_PAD,
            Encoding::Url => &URL_SAFE,
            Encoding::StandardNoPad => &STANDARD_NO_PAD,
            Encoding::Standard => &STANDARD,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Shape {
    bytes: usize,
    encoding: Encoding,
    rp_id: Option<String>,
}

/// The shape stand-ins copy; one per function (in the shared state).
#[derive(Debug)]
pub struct PasskeyShape(Mutex<Shape>);

impl Default for PasskeyShape {
    fn default() -> Self {
        PasskeyShape(Mutex::new(Shape { bytes: DEFAULT_CHALLENGE_BYTES, encoding: Encoding::UrlNoPad, rp_id: None }))
    }
}

impl PasskeyShape {
    /// Remembers the shape of a real challenge (and its `rpId`, when Cognito's options name one).
    /// A challenge in none of the base64 forms is left unlearned (and logged).
    pub fn learn(&self, challenge: &str, rp_id: Option<&str>) {
        let found = [Encoding::UrlNoPad, Encoding::Url, Encoding::StandardNoPad, Encoding::Standard]
            .into_iter()
            .find_map(|e| e.engine().decode(challenge).ok().filter(|b| e.engine().encode(b) == challenge).map(|b| (e, b.len())));
        let mut shape = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match found {
            Some((encoding, bytes)) => {
                shape.bytes = bytes;
                shape.encoding = encoding;
            }
            None => tracing::warn!(challenge_chars = challenge.len(), "Cognito's passkey challenge is not base64; stand-ins keep their shape"),
        }
        if let Some(r) = rp_id {
            shape.rp_id = Some(r.to_string());
        }
    }

    /// A random challenge in the learned shape.
    pub fn challenge(&self) -> String {
        let shape = self.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut b = vec![0u8; shape.bytes];
        getrandom::getrandom(&mut b).expect("the OS random source is available");
        shape.encoding.engine().encode(b)
    }

    /// The relying-party id of the last real options that named one.
    pub fn rp_id(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).rp_id.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alphabet_of(s: &str) -> (bool, bool, bool) {
        (s.contains(['-', '_']), s.contains(['+', '/']), s.ends_with('='))
    }

    #[test]
    fn stand_ins_copy_the_length_and_encoding_of_the_last_real_challenge() {
        let shape = PasskeyShape::default();
        // Before any real challenge: 64 random bytes, unpadded base64url (86 characters).
        let c = shape.challenge();
        assert_eq!(c.len(), 86);
        assert_eq!(URL_SAFE_NO_PAD.decode(&c).unwrap().len(), 64);
        assert_ne!(c, shape.challenge());
        for (real, rp) in [(URL_SAFE_NO_PAD.encode([7u8; 32]), None), (URL_SAFE.encode([0xfbu8; 16]), Some("example.com")), (STANDARD.encode([0xfbu8; 33]), None)] {
            shape.learn(&real, rp);
            let stand_in = shape.challenge();
            assert_eq!(stand_in.len(), real.len(), "{real}");
            // Same alphabet and padding: a URL-safe challenge gives URL-safe stand-ins, a padded one padded ones.
            let decoded = [URL_SAFE_NO_PAD, URL_SAFE, STANDARD_NO_PAD, STANDARD].iter().find_map(|e| e.decode(&stand_in).ok()).unwrap();
            assert_eq!(decoded.len(), [URL_SAFE_NO_PAD, URL_SAFE, STANDARD_NO_PAD, STANDARD].iter().find_map(|e| e.decode(&real).ok()).unwrap().len());
            let (_, _, padded) = alphabet_of(&real);
            assert_eq!(alphabet_of(&stand_in).2, padded, "{real} {stand_in}");
        }
        assert_eq!(shape.rp_id().as_deref(), Some("example.com"));
        // Not base64: nothing learned.
        shape.learn("not base64!", None);
        assert_eq!(shape.challenge().len(), STANDARD.encode([0u8; 33]).len());
    }
}
