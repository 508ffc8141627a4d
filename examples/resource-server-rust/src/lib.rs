//! An app's backend checking the access tokens it is sent (docs/resource-servers.md), with the
//! `jsonwebtoken` crate and the pool's JSON Web Key Set fetched once and cached.
//!
//! A token is accepted only when, in this order: its header names RS256 and a key id of the pool's
//! JWKS; its signature verifies with that key; it is unexpired (no leeway) and its `iss` is the
//! pool (`https://cognito-idp.<region>.amazonaws.com/<pool id>`); `token_use` is `access` (an ID
//! token of the same pool is refused); `client_id` is one of this app's clients (another app's
//! token is refused); and, when the caller asks, `scope` holds the scope the route needs. These are
//! the checks of AWS's "Verifying a JSON web token"
//! (<https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html>).
//!
//! The JWKS is fetched on the first token and kept. A token naming a key id the cache does not hold
//! (the pool rotated its keys, or the token is forged) triggers a new fetch only when the last one is
//! more than a minute old, so a flood of tokens with made-up key ids does not turn into a flood of
//! requests to Cognito.
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Least time between two fetches of the JWKS for an unknown key id.
pub const REFETCH_AFTER: Duration = Duration::from_secs(60);

/// The claims a backend uses, once the token is accepted.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user's id, or for a machine token the client id.
    pub sub: String,
    /// The app client the token was issued to (an ID token has `aud` instead, and is refused for its `token_use`).
    #[serde(default)]
    pub client_id: String,
    pub token_use: String,
    /// Space-separated scopes.
    #[serde(default)]
    pub scope: String,
    /// A user's username (absent from machine tokens).
    #[serde(default)]
    pub username: Option<String>,
    pub exp: u64,
}

impl Claims {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope.split(' ').any(|s| s == scope)
    }
}

/// Why a token was refused. A backend answers each with 401 (or 403 for [`Refused::MissingScope`]);
/// only [`Refused::KeysUnavailable`] is the backend's own trouble (503).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refused {
    #[error("not a JWT of this pool's form")]
    Malformed,
    #[error("signed with a key the pool does not publish")]
    UnknownKey,
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("not an access token")]
    NotAnAccessToken,
    #[error("issued to a client this app does not accept")]
    WrongClient,
    #[error("lacks the scope the request needs")]
    MissingScope,
    #[error("the pool's keys could not be fetched")]
    KeysUnavailable,
}

#[derive(Deserialize)]
struct Jwk {
    kid: String,
    kty: String,
    n: String,
    e: String,
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, DecodingKey>,
    fetched: Option<Instant>,
    fetches: u32,
}

/// One verifier per app backend, built once at start-up and shared by every request.
pub struct Verifier {
    issuer: String,
    jwks_url: String,
    client_ids: Vec<String>,
    http: reqwest::Client,
    cache: Mutex<KeyCache>,
}

impl Verifier {
    /// The verifier of a pool's access tokens for an app whose clients are `client_ids` (its own user
    /// client, and the machine clients it trusts).
    pub fn new(region: &str, user_pool_id: &str, client_ids: &[&str]) -> Self {
        let issuer = format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}");
        Verifier {
            jwks_url: format!("{issuer}/.well-known/jwks.json"),
            issuer,
            client_ids: client_ids.iter().map(|s| s.to_string()).collect(),
            http: reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("an HTTP client"),
            cache: Mutex::new(KeyCache::default()),
        }
    }

    /// Fetches the keys from another address (a test's emulator); the issuer checked stays the pool's.
    pub fn with_jwks_url(mut self, url: &str) -> Self {
        self.jwks_url = url.to_string();
        self
    }

    /// The claims of an acceptable access token; `scope`: the scope the request needs, if any.
    pub async fn verify(&self, token: &str, scope: Option<&str>) -> Result<Claims, Refused> {
        let header = decode_header(token).map_err(|_| Refused::Malformed)?;
        if header.alg != Algorithm::RS256 {
            return Err(Refused::Malformed);
        }
        let kid = header.kid.ok_or(Refused::Malformed)?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = 0;
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iss"]);
        // Cognito access tokens carry no `aud` (the client is in `client_id`, checked below).
        validation.validate_aud = false;
        let claims = decode::<Claims>(token, &key, &validation).map_err(|e| Refused::Invalid(e.to_string()))?.claims;
        if claims.token_use != "access" {
            return Err(Refused::NotAnAccessToken);
        }
        if !self.client_ids.iter().any(|c| *c == claims.client_id) {
            return Err(Refused::WrongClient);
        }
        if let Some(s) = scope {
            if !claims.has_scope(s) {
                return Err(Refused::MissingScope);
            }
        }
        Ok(claims)
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, Refused> {
        let mut cache = self.cache.lock().await;
        if let Some(k) = cache.keys.get(kid) {
            return Ok(k.clone());
        }
        if cache.fetched.is_some_and(|t| t.elapsed() < REFETCH_AFTER) {
            return Err(Refused::UnknownKey);
        }
        cache.fetched = Some(Instant::now());
        cache.fetches += 1;
        let jwks: Jwks = self
            .http
            .get(&self.jwks_url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|_| Refused::KeysUnavailable)?
            .json()
            .await
            .map_err(|_| Refused::KeysUnavailable)?;
        cache.keys = jwks
            .keys
            .iter()
            .filter(|k| k.kty == "RSA")
            .filter_map(|k| DecodingKey::from_rsa_components(&k.n, &k.e).ok().map(|d| (k.kid.clone(), d)))
            .collect();
        cache.keys.get(kid).cloned().ok_or(Refused::UnknownKey)
    }

    /// How many times the JWKS has been fetched (the cache at work).
    pub async fn jwks_fetches(&self) -> u32 {
        self.cache.lock().await.fetches
    }
}
