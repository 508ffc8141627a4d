//! The authorization-code exchange at the pool domain's token endpoint, server-side:
//! `POST https://<pool domain>/oauth2/token` with `Content-Type: application/x-www-form-urlencoded`,
//! `Authorization: Basic base64(client_id:client_secret)` and `grant_type=authorization_code`,
//! `client_id`, `code`, `redirect_uri` (the one of the authorize request) and `code_verifier` (PKCE);
//! the answer is JSON `access_token`, `id_token`, `refresh_token`, `expires_in`, `token_type`, and an
//! error is a 400 with `{"error": "invalid_grant"}` and the like
//! (<https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html>). The client is
//! the product's one outbound HTTPS client ([`crate::outbound_https`]).
//!
//! Requests to the token endpoint count against Cognito's `UserFederation` quota category (lib/cognito-quotas.ts).
use crate::cognito::Tokens;
use crate::outbound_https::HttpsClient;
use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use serde::Deserialize;
use std::sync::OnceLock;
use std::time::Duration;

/// The longest answer read (three tokens of a few KB each).
const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// How long the exchange may take; the request's own deadline (a little under the function timeout)
/// still bounds it all.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// Why there are no tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExchangeError {
    /// The token endpoint refused the code (its `error`, e.g. `invalid_grant`: used, expired, another
    /// verifier or redirect_uri).
    Rejected(String),
    /// No usable answer: unreachable, timed out, 5xx, not the documented JSON.
    Unavailable,
}

#[derive(Deserialize)]
struct Answer {
    access_token: String,
    #[serde(default)]
    id_token: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    expires_in: i32,
    token_type: String,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: String,
}

/// What an exchange needs: the client, the code and its verifier, the callback URL.
pub struct Exchange<'a> {
    pub token_url: &'a str,
    pub client_id: &'a str,
    pub client_secret: Option<&'a str>,
    pub code: &'a str,
    pub redirect_uri: &'a str,
    pub verifier: &'a str,
}

fn client() -> Option<&'static HttpsClient> {
    static CLIENT: OnceLock<Option<HttpsClient>> = OnceLock::new();
    CLIENT.get_or_init(crate::outbound_https::client).as_ref()
}

/// The form body (the verifier and code are secrets: never logged).
pub fn form(x: &Exchange<'_>) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("client_id", x.client_id)
        .append_pair("code", x.code)
        .append_pair("redirect_uri", x.redirect_uri)
        .append_pair("code_verifier", x.verifier)
        .finish()
}

/// `Basic base64(urlencode(client_id):urlencode(client_secret))` (RFC 6749 section 2.3.1).
pub fn basic(client_id: &str, secret: &str) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", enc(client_id), enc(secret))))
}

pub async fn exchange(x: &Exchange<'_>) -> Result<Tokens, ExchangeError> {
    let mut request = http::Request::post(x.token_url)
        .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(http::header::ACCEPT, "application/json")
        .header(http::header::USER_AGENT, "cognito-auth-api-federation");
    if let Some(secret) = x.client_secret {
        request = request.header(http::header::AUTHORIZATION, basic(x.client_id, secret));
    }
    let request = request.body(Full::new(Bytes::from(form(x)))).map_err(|_| ExchangeError::Unavailable)?;
    let call = async {
        let client = client().ok_or(ExchangeError::Unavailable)?;
        let response = client.request(request).await.map_err(|e| {
            tracing::warn!(error = %e, "token endpoint unreachable");
            ExchangeError::Unavailable
        })?;
        let status = response.status();
        let bytes = Limited::new(response.into_body(), MAX_ANSWER_BYTES).collect().await.map_err(|_| ExchangeError::Unavailable)?.to_bytes();
        if status.is_success() {
            let a: Answer = serde_json::from_slice(&bytes).map_err(|_| {
                tracing::error!(status = status.as_u16(), "token endpoint answered 2xx without the documented JSON");
                ExchangeError::Unavailable
            })?;
            return Ok(Tokens { access_token: a.access_token, id_token: a.id_token, refresh_token: a.refresh_token, expires_in: a.expires_in, token_type: a.token_type });
        }
        if status.is_client_error() {
            let code = serde_json::from_slice::<ErrorAnswer>(&bytes).map(|e| e.error).unwrap_or_else(|_| format!("http_{}", status.as_u16()));
            // The code is OAuth's error name (invalid_grant, invalid_client, ...): no secret.
            let code: String = code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(64).collect();
            tracing::info!(status = status.as_u16(), token_endpoint_error = %code, "token endpoint refused the code");
            return Err(ExchangeError::Rejected(code));
        }
        tracing::warn!(status = status.as_u16(), "token endpoint failed");
        Err(ExchangeError::Unavailable)
    };
    tokio::time::timeout(TIMEOUT, call).await.unwrap_or_else(|_| {
        tracing::warn!("token endpoint did not answer within {} s", TIMEOUT.as_secs());
        Err(ExchangeError::Unavailable)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_the_documented_form() {
        let x = Exchange { token_url: "https://d/oauth2/token", client_id: "c1", client_secret: Some("s/+="), code: "a b", redirect_uri: "https://api/auth/federation/callback", verifier: "ver" };
        assert_eq!(form(&x), "grant_type=authorization_code&client_id=c1&code=a+b&redirect_uri=https%3A%2F%2Fapi%2Fauth%2Ffederation%2Fcallback&code_verifier=ver");
        // base64("c1:s%2F%2B%3D")
        assert_eq!(basic("c1", "s/+="), format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("c1:s%2F%2B%3D")));
    }
}
