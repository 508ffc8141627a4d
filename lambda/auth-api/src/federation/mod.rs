//! Federated sign-in (Google, an OpenID Connect provider such as Microsoft Entra ID, SAML) through the
//! user pool domain's OAuth 2.0 endpoints: Cognito offers no SDK operation for it, so the API is the
//! OAuth client of its own app client (the browser never holds the client secret).
//!
//! - `GET /auth/federation/start` redirects the browser to the pool's authorize endpoint for a named
//!   provider with PKCE (S256) and a `state` the API sealed ([`sealed`]), bound to the browser by the
//!   `__Host-auth_federation` cookie ([`binding`]), after checking the return address against the
//!   app's exact allow-list.
//! - `GET /auth/federation/callback` checks the state and its binding and hands the sign-in to the app
//!   on its return address: in browser session mode, after exchanging the code at the token endpoint
//!   ([`token_endpoint`]), with the refresh cookie; otherwise with a sealed, short-lived hand-off.
//! - `POST /auth/federation/token` redeems the hand-off for tokens: it exchanges the authorization
//!   code the hand-off carries, with the client secret and the PKCE verifier. Single use is Cognito's:
//!   "The response returns a one time use code that is valid for five minutes"
//!   (<https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html>), and the
//!   token endpoint refuses a code presented again (`invalid_grant`,
//!   <https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html>), so a hand-off
//!   redeems once, and within [`handoff_ttl`] of its issue. No token waits anywhere for the app, and
//!   no token ever travels in a URL.
//!
//! Every failure of the browser routes, once the return address is known to be the app's, ends there
//! with `error=<code>` ([`outcome`]); never an error page.
pub mod binding;
pub mod openapi;
pub mod outcome;
pub mod sealed;
pub mod token_endpoint;

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Duration;

/// `cdk/federation.json`, the one definition of the fixed settings (scopes, lifetimes, callback path).
pub const DEFINITION_JSON: &str = include_str!("../../../../cdk/federation.json");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Definition {
    pub oauth_scopes: Scopes,
    pub callback_path: String,
    pub state_ttl_seconds: u64,
    pub handoff_ttl_seconds: u64,
}

#[derive(Debug, Deserialize)]
pub struct Scopes {
    pub scopes: Vec<String>,
}

pub fn definition() -> &'static Definition {
    static DEF: OnceLock<Definition> = OnceLock::new();
    DEF.get_or_init(|| serde_json::from_str(DEFINITION_JSON).expect("cdk/federation.json is valid (tested)"))
}

/// How long a started sign-in may take to come back to the callback.
pub fn state_ttl() -> Duration {
    Duration::from_secs(definition().state_ttl_seconds)
}

/// How long the app has to redeem a hand-off.
pub fn handoff_ttl() -> Duration {
    Duration::from_secs(definition().handoff_ttl_seconds)
}

/// The functions' federation settings (`FEDERATION`, JSON, from the construct; `make dev` sets it).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Federation {
    /// The pool domain's base URL (`https://<prefix>.auth.<region>.amazoncognito.com`, or the custom
    /// domain), without a trailing slash.
    pub pool_domain: String,
    /// The API's own callback URL, exactly as the app client lists it (`redirect_uri`).
    pub callback_url: String,
    /// The identity providers' names on the pool (`identity_provider` of the authorize request).
    pub providers: Vec<String>,
    /// Per app id: its exact return addresses.
    pub return_urls: BTreeMap<String, Vec<String>>,
}

impl std::fmt::Debug for Federation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Federation").field("pool_domain", &self.pool_domain).field("providers", &self.providers).finish_non_exhaustive()
    }
}

impl Federation {
    /// `FEDERATION` checked: URLs https (http only to this machine), a callback URL ending in the
    /// definition's callback path, at least one provider, return addresses absolute and without a
    /// fragment.
    pub fn parse(json: &str) -> Result<Self, String> {
        let f: Federation = serde_json::from_str(json).map_err(|e| format!("not the expected JSON: {e}"))?;
        crate::outbound_https::parse_url(&f.pool_domain).map_err(|r| format!("poolDomain {r}"))?;
        if f.pool_domain.ends_with('/') {
            return Err("poolDomain must not end with '/'".into());
        }
        crate::outbound_https::parse_url(&f.callback_url).map_err(|r| format!("callbackUrl {r}"))?;
        if !f.callback_url.ends_with(&definition().callback_path) {
            return Err(format!("callbackUrl must end with {}", definition().callback_path));
        }
        if f.providers.is_empty() || f.providers.iter().any(|p| p.is_empty() || p.len() > 32) {
            return Err("providers must list 1 or more provider names of 1 to 32 characters".into());
        }
        for (app, urls) in &f.return_urls {
            if !crate::apps::valid_id(app) {
                return Err(format!("returnUrls: {app:?} is not an app id"));
            }
            for u in urls {
                let ok = u.parse::<http::Uri>().ok().is_some_and(|uri| matches!(uri.scheme_str(), Some("https" | "http")) && uri.host().is_some_and(|h| !h.is_empty()));
                if !ok || u.contains('#') {
                    return Err(format!("returnUrls of {app}: {u:?} is not an absolute http(s) URL without a fragment"));
                }
            }
        }
        Ok(f)
    }

    /// From the environment: `FEDERATION` unset or empty means federated sign-in is off.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, crate::config::ConfigError> {
        match get("FEDERATION").filter(|v| !v.trim().is_empty()) {
            None => Ok(None),
            Some(v) => Self::parse(&v).map(Some).map_err(|reason| crate::config::ConfigError::Invalid { name: "FEDERATION", reason }),
        }
    }

    /// The return address as given, when it is exactly one of `app`'s (byte for byte: no prefix,
    /// case folding, normalisation or trailing-slash tolerance).
    pub fn allowed_return<'a>(&self, app: &str, return_to: &'a str) -> Option<&'a str> {
        self.return_urls.get(app)?.iter().any(|u| u.as_str() == return_to).then_some(return_to)
    }

    /// The first return address of `app`, where a callback whose state cannot be read ends.
    pub fn fallback_return(&self, app: &str) -> Option<&str> {
        self.return_urls.get(app)?.first().map(String::as_str)
    }

    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.pool_domain)
    }

    pub fn authorize_url(&self) -> String {
        format!("{}/oauth2/authorize", self.pool_domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Federation {
        Federation::parse(
            r#"{"poolDomain":"https://x.auth.eu-west-1.amazoncognito.com","callbackUrl":"https://api.example.com/auth/federation/callback",
                "providers":["Google"],"returnUrls":{"default":["https://app.example.com/signed-in"]}}"#,
        )
        .unwrap()
    }

    #[test]
    fn the_definition_is_read() {
        assert_eq!(definition().callback_path, "/auth/federation/callback");
        assert!(state_ttl() > handoff_ttl() && handoff_ttl() >= Duration::from_secs(30));
        assert!(definition().oauth_scopes.scopes.contains(&"aws.cognito.signin.user.admin".to_string()));
    }

    #[test]
    fn return_addresses_match_exactly_only() {
        let f = sample();
        assert_eq!(f.allowed_return("default", "https://app.example.com/signed-in"), Some("https://app.example.com/signed-in"));
        for trick in [
            "https://app.example.com/signed-in/",
            "https://app.example.com/signed-in/../../evil",
            "https://app.example.com/signed-in?x=1",
            "https://app.example.com/signed-in#x",
            "https://app.example.com/signed-inx",
            "https://app.example.com.evil.test/signed-in",
            "https://app.example.com@evil.test/signed-in",
            "https://APP.example.com/signed-in",
            "http://app.example.com/signed-in",
            "//evil.test/signed-in",
            "https://app.example.com\\@evil.test/signed-in",
            "https://app.example.com/signed-in\r\nLocation: https://evil.test",
            " https://app.example.com/signed-in",
            "",
        ] {
            assert_eq!(f.allowed_return("default", trick), None, "{trick:?}");
        }
        assert_eq!(f.allowed_return("other", "https://app.example.com/signed-in"), None);
    }

    #[test]
    fn the_setting_is_checked() {
        for (bad, why) in [
            (r#"{}"#, "expected JSON"),
            (r#"{"poolDomain":"http://x.example.com","callbackUrl":"https://a/auth/federation/callback","providers":["G"],"returnUrls":{}}"#, "poolDomain"),
            (r#"{"poolDomain":"https://x.example.com","callbackUrl":"https://a/elsewhere","providers":["G"],"returnUrls":{}}"#, "callbackUrl"),
            (r#"{"poolDomain":"https://x.example.com","callbackUrl":"https://a/auth/federation/callback","providers":[],"returnUrls":{}}"#, "providers"),
            (r#"{"poolDomain":"https://x.example.com","callbackUrl":"https://a/auth/federation/callback","providers":["G"],"returnUrls":{"default":["/relative"]}}"#, "absolute"),
        ] {
            let e = Federation::parse(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}
