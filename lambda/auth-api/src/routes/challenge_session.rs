//! The `session` value login gives the client when Cognito answers with a challenge.
//!
//! AdminRespondToAuthChallenge needs the user's actual Cognito username in `USERNAME` (and the
//! SECRET_HASH computed over it), not an alias such as the email; AdminInitiateAuth answers it in
//! the challenge parameter `USER_ID_FOR_SRP`
//! (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html,
//! https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html).
//! So the API does not ask the client for a username: it carries the one Cognito answered inside
//! the session value it hands out, `v1.<base64url username>.<base64url MAC>.<Cognito session>`,
//! with an HMAC-SHA256 over username and Cognito session keyed by the app client secret (which
//! only the functions hold). A client that swaps the username (or the session) breaks the MAC and
//! gets 401 `invalid_session`. Without a client secret (not this stack's set-up) the key is the
//! client id: no secrecy, but Cognito still binds its session to its user.
use crate::error::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const PREFIX: &str = "v1";

/// What a sealed session stands for. The kind is bound into the MAC (a per-kind label), not
/// written in the value, so a client cannot tell a decoy from a Cognito session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A session Cognito gave for the sealed username.
    Cognito,
    /// A stand-in the API gave where Cognito had no such challenge for the address (see
    /// `first_factor`): any answer to it fails like a wrong answer.
    Decoy,
    /// The API's own SELECT_CHALLENGE step: only the address, no Cognito session yet.
    Select,
}

impl Kind {
    fn label(self) -> &'static [u8] {
        match self {
            Kind::Cognito => b"auth-api challenge session\0",
            Kind::Decoy => b"auth-api decoy session\0",
            Kind::Select => b"auth-api select session\0",
        }
    }
}

fn mac_kind(key: &str, kind: Kind, username: &str, session: &str) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    m.update(kind.label());
    m.update(username.as_bytes());
    m.update(b"\0");
    m.update(session.as_bytes());
    m
}

/// The value given to the client.
pub fn seal(key: &str, username: &str, cognito_session: &str) -> String {
    seal_kind(key, Kind::Cognito, username, cognito_session)
}

/// A value of the given kind (see [`Kind`]).
pub fn seal_kind(key: &str, kind: Kind, username: &str, session: &str) -> String {
    let tag = mac_kind(key, kind, username, session).finalize().into_bytes();
    format!("{PREFIX}.{}.{}.{session}", B64.encode(username), B64.encode(tag))
}

/// (kind, username, session) from a value [`seal_kind`] or [`seal`] made with the same key;
/// anything else is a 401 `invalid_session`.
pub fn open_kind(key: &str, sealed: &str) -> Result<(Kind, String, String), ApiError> {
    let mut parts = sealed.splitn(4, '.');
    let (Some(PREFIX), Some(user), Some(tag), Some(session)) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(ApiError::InvalidSession);
    };
    let username = B64.decode(user).ok().and_then(|b| String::from_utf8(b).ok()).ok_or(ApiError::InvalidSession)?;
    let tag = B64.decode(tag).map_err(|_| ApiError::InvalidSession)?;
    for kind in [Kind::Cognito, Kind::Decoy, Kind::Select] {
        if mac_kind(key, kind, &username, session).verify_slice(&tag).is_ok() {
            return Ok((kind, username, session.to_string()));
        }
    }
    Err(ApiError::InvalidSession)
}

/// (username, Cognito session) from a value [`seal`] made with the same key; anything else
/// (another kind included) is a 401 `invalid_session`.
pub fn open(key: &str, sealed: &str) -> Result<(String, String), ApiError> {
    match open_kind(key, sealed)? {
        (Kind::Cognito, username, session) => Ok((username, session)),
        _ => Err(ApiError::InvalidSession),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tampering() {
        let s = seal("k", "5f1c-sub", "AYAB.cognito/session==");
        assert!(s.bytes().all(|b| b.is_ascii_graphic()));
        assert_eq!(open("k", &s).unwrap(), ("5f1c-sub".to_string(), "AYAB.cognito/session==".to_string()));
        // Another user's username in an otherwise valid value.
        let swapped = s.replacen(&B64.encode("5f1c-sub"), &B64.encode("other-sub"), 1);
        assert_eq!(open("k", &swapped), Err(ApiError::InvalidSession));
        assert_eq!(open("other key", &s), Err(ApiError::InvalidSession));
        assert_eq!(open("k", &format!("{s}x")), Err(ApiError::InvalidSession));
        for bad in ["", "v1", "v1.a.b", "AYAB-raw-cognito-session", "v2.a.b.c"] {
            assert_eq!(open("k", bad), Err(ApiError::InvalidSession), "{bad}");
        }
    }

    #[test]
    fn kinds_are_bound_but_not_visible() {
        let real = seal_kind("k", Kind::Cognito, "u", "S");
        let decoy = seal_kind("k", Kind::Decoy, "u", "S");
        assert_eq!(real, seal("k", "u", "S"));
        assert_eq!(real.len(), decoy.len());
        assert_eq!(open_kind("k", &real).unwrap(), (Kind::Cognito, "u".into(), "S".into()));
        assert_eq!(open_kind("k", &decoy).unwrap(), (Kind::Decoy, "u".into(), "S".into()));
        // A decoy or select value is not a Cognito session for the older routes.
        assert_eq!(open("k", &decoy), Err(ApiError::InvalidSession));
        assert_eq!(open("k", &seal_kind("k", Kind::Select, "u", "S")), Err(ApiError::InvalidSession));
        assert_eq!(open_kind("other", &decoy), Err(ApiError::InvalidSession));
    }
}
