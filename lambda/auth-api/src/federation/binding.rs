//! The browser binding of a federated sign-in: at start the API sets `__Host-auth_federation` to a
//! random nonce and seals only the nonce's SHA-256 into the `state`; the callback accepts the state
//! only from a browser whose cookie hashes to it. A login CSRF (an attacker starts a sign-in with their
//! own account and makes the victim's browser finish it, with the attacker's code and state) fails:
//! the victim's browser has no such cookie, or another nonce (RFC 6749 section 10.12, "binding the
//! state value to the user-agent": <https://www.rfc-editor.org/rfc/rfc6749#section-10.12>).
//!
//! The cookie is `HttpOnly; Secure; Path=/`, no `Domain` (the `__Host-` prefix: a sibling subdomain
//! cannot set or shadow it), and `SameSite=Lax`, not `Strict`: the callback is a top-level navigation
//! that arrives from the provider's and Cognito's sites, and a browser sends a `Strict` cookie on no
//! cross-site request at all (<https://developer.mozilla.org/docs/Web/HTTP/Headers/Set-Cookie#samesitesamesite-value>).
//! It lives as long as the state and is cleared by the callback, whatever its outcome.
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use cookie::{Cookie, SameSite};
use http::HeaderValue;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub const COOKIE_NAME: &str = "__Host-auth_federation";

/// A fresh nonce (32 random bytes, base64url).
pub fn new_nonce() -> String {
    let mut n = [0u8; 32];
    getrandom::getrandom(&mut n).expect("the OS random source is available");
    B64.encode(n)
}

/// What the state holds of the nonce.
pub fn nonce_hash(nonce: &str) -> [u8; 32] {
    Sha256::digest(nonce.as_bytes()).into()
}

/// Whether the request's cookie is the one the state was bound to (constant time). No cookie, or the
/// name more than once, is no.
pub fn matches(headers: &http::HeaderMap, sealed_hash: &[u8; 32]) -> bool {
    match crate::session_cookie::read(headers, COOKIE_NAME) {
        Ok(Some(nonce)) => nonce_hash(&nonce).ct_eq(sealed_hash).into(),
        _ => false,
    }
}

fn base(value: &str) -> Cookie<'_> {
    Cookie::build((COOKIE_NAME, value)).http_only(true).secure(true).same_site(SameSite::Lax).path("/").build()
}

/// `Set-Cookie` of the nonce for `max_age_seconds`.
pub fn set(nonce: &str, max_age_seconds: u64) -> HeaderValue {
    let mut c = base(nonce);
    c.set_max_age(cookie::time::Duration::seconds(max_age_seconds as i64));
    HeaderValue::from_str(&c.encoded().to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that deletes it.
pub fn clear() -> HeaderValue {
    let mut c = base("");
    c.set_max_age(cookie::time::Duration::ZERO);
    HeaderValue::from_str(&c.encoded().to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_host_bound_lax_and_http_only() {
        let v = set("n0nce", 600);
        let s = v.to_str().unwrap();
        for part in ["__Host-auth_federation=n0nce", "HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=600"] {
            assert!(s.contains(part), "{s}");
        }
        assert!(!s.contains("Domain"), "{s}");
        assert!(clear().to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn only_the_bound_nonce_matches() {
        let nonce = new_nonce();
        let hash = nonce_hash(&nonce);
        let mut h = http::HeaderMap::new();
        assert!(!matches(&h, &hash));
        h.insert(http::header::COOKIE, HeaderValue::from_str(&format!("{COOKIE_NAME}={nonce}")).unwrap());
        assert!(matches(&h, &hash));
        h.insert(http::header::COOKIE, HeaderValue::from_str(&format!("{COOKIE_NAME}={}", new_nonce())).unwrap());
        assert!(!matches(&h, &hash));
        h.insert(http::header::COOKIE, HeaderValue::from_str(&format!("{COOKIE_NAME}={nonce}; {COOKIE_NAME}={nonce}")).unwrap());
        assert!(!matches(&h, &hash), "twice is refused");
    }
}
