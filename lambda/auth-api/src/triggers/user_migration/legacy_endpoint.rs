//! The legacy authentication endpoint the user migration trigger asks (`LEGACY_AUTH_URL`): its
//! configuration, the signed request and the answer it must give. The contract is docs/api.md's
//! "Moving users in from a legacy system"; tests/legacy/legacy_server.py is a server that answers it.
//! The HTTP client is the one of [`crate::outbound_https`] (hyper-rustls, the SDK's TLS stack).
//!
//! Request: `POST <LEGACY_AUTH_URL>`, `Content-Type: application/json`, body
//! `{"action":"authenticate","username":…,"password":…}` (sign-in) or `{"action":"lookup","username":…}`
//! (password reset), with `X-Legacy-Auth-Timestamp: <unix seconds>` and
//! `X-Legacy-Auth-Signature: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + body)>`.
//! Answer: status 200, a JSON object `{"found": true, "emailVerified": <bool>}` or `{"found": false}`, at
//! most [`MAX_ANSWER_BYTES`], within the timeout. Anything else is a failure, and a failure migrates
//! nobody (fail closed).
use crate::config::ConfigError;
use crate::secrets::SecretSource;
use bytes::Bytes;
use std::sync::OnceLock;
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full, Limited};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long the trigger waits for the legacy endpoint by default, and at most. Cognito waits 5 s for a
/// trigger and then retries it (3 attempts: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html);
/// the trigger's own deadline is 4 s (`triggers::deadline`), which must also cover a cold start's
/// Secrets Manager read ([`SECRET_BUDGET`]). So the legacy endpoint gets at most 3 s, 2 s unless
/// configured, and the function always answers before Cognito gives up on it: a slow legacy endpoint
/// is the trigger's own logged failure (answered like an unknown user), never Cognito's timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(2000);
pub const MAX_TIMEOUT: Duration = Duration::from_millis(3000);
pub const MIN_TIMEOUT: Duration = Duration::from_millis(100);
/// The bound on reading the shared secret from Secrets Manager (once per warm function): with
/// [`MAX_TIMEOUT`] it stays inside the trigger's 4 s deadline.
pub const SECRET_BUDGET: Duration = Duration::from_millis(800);
/// An answer larger than this is garbage (the contract's answer is a few dozen bytes).
pub const MAX_ANSWER_BYTES: usize = 4096;
/// The shortest shared secret accepted (bytes): HMAC-SHA256 keys shorter than the hash add no strength.
pub const MIN_SECRET_BYTES: usize = 32;

pub const TIMESTAMP_HEADER: &str = "x-legacy-auth-timestamp";
pub const SIGNATURE_HEADER: &str = "x-legacy-auth-signature";

use crate::outbound_https::HttpsClient;

/// The configured endpoint. Built once at start-up, with no network call.
pub struct LegacyAuth {
    url: http::Uri,
    secret: SecretSource,
    pub timeout: Duration,
    /// Built on first use: reading the system's CA store costs milliseconds that the cold start of a
    /// function whose events are mostly for known users need not pay.
    client: OnceLock<Option<HttpsClient>>,
}

impl std::fmt::Debug for LegacyAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LegacyAuth").field("url", &self.url.to_string()).field("secret", &self.secret).field("timeout", &self.timeout).finish()
    }
}

/// What the endpoint is asked.
#[derive(Debug, Serialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum Question<'a> {
    /// Sign-in: is this the user's password?
    Authenticate { username: &'a str, password: &'a str },
    /// Password reset: does the user exist?
    Lookup { username: &'a str },
}

/// The endpoint's answer: `found` (the password is right, or the user exists), and whether the legacy
/// system verified the user's address.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Answer {
    pub found: bool,
    #[serde(default)]
    pub email_verified: Option<bool>,
}

/// Why there is no usable answer. Each is logged (`reason`) and migrates nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The shared secret could not be read from Secrets Manager.
    SecretUnavailable,
    /// No connection (refused, DNS, TLS).
    Unreachable,
    /// No complete answer within the timeout.
    Timeout,
    /// A status other than 200.
    BadStatus,
    /// Not the contract's JSON (or too large, or found without emailVerified).
    BadAnswer,
    /// The function has no `LEGACY_AUTH_URL` (only possible locally: the stack always sets it).
    NotConfigured,
}

impl Failure {
    pub fn reason(self) -> &'static str {
        match self {
            Failure::SecretUnavailable => "legacy_secret_unavailable",
            Failure::Unreachable => "legacy_unreachable",
            Failure::Timeout => "legacy_timeout",
            Failure::BadStatus => "legacy_bad_status",
            Failure::BadAnswer => "legacy_bad_answer",
            Failure::NotConfigured => "legacy_not_configured",
        }
    }
}

/// The signature header's value for `body` at `timestamp`.
pub fn signature(secret: &[u8], timestamp: u64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(b"v1:");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b":");
    mac.update(body);
    let tag = mac.finalize().into_bytes();
    let mut out = String::with_capacity(3 + tag.len() * 2);
    out.push_str("v1=");
    for b in tag {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// `LEGACY_AUTH_URL`: https, or http to this machine only (`make dev`, the tests).
pub fn parse_url(v: &str) -> Result<http::Uri, String> {
    crate::outbound_https::parse_url(v)
}

impl LegacyAuth {
    /// From the environment: `LEGACY_AUTH_URL` (unset: no legacy endpoint), its secret
    /// `LEGACY_AUTH_SECRET_ARN` (Secrets Manager, read on first use) or `LEGACY_AUTH_SECRET` (the value;
    /// local development), and `LEGACY_AUTH_TIMEOUT_MS`. `sdk` builds the SDK configuration for the
    /// Secrets Manager client, only when an ARN is given.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>, sdk: impl FnOnce() -> Result<aws_config::SdkConfig, ConfigError>) -> Result<Option<Self>, ConfigError> {
        let Some(url) = get("LEGACY_AUTH_URL") else { return Ok(None) };
        let url = parse_url(&url).map_err(|reason| ConfigError::Invalid { name: "LEGACY_AUTH_URL", reason })?;
        let secret = match (get("LEGACY_AUTH_SECRET"), get("LEGACY_AUTH_SECRET_ARN")) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::Invalid { name: "LEGACY_AUTH_SECRET", reason: "set LEGACY_AUTH_SECRET or LEGACY_AUTH_SECRET_ARN, not both".into() })
            }
            (Some(v), None) if v.len() >= MIN_SECRET_BYTES => SecretSource::Plain(v),
            (Some(_), None) => {
                return Err(ConfigError::Invalid { name: "LEGACY_AUTH_SECRET", reason: format!("must be at least {MIN_SECRET_BYTES} bytes") })
            }
            (None, Some(arn)) if arn.starts_with("arn:") => SecretSource::secrets_manager(arn, &sdk()?),
            (None, Some(_)) => return Err(ConfigError::Invalid { name: "LEGACY_AUTH_SECRET_ARN", reason: "must be a Secrets Manager ARN (arn:...)".into() }),
            (None, None) => return Err(ConfigError::Missing("LEGACY_AUTH_SECRET_ARN")),
        };
        let timeout = match get("LEGACY_AUTH_TIMEOUT_MS") {
            None => DEFAULT_TIMEOUT,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .map(Duration::from_millis)
                .filter(|d| (MIN_TIMEOUT..=MAX_TIMEOUT).contains(d))
                .ok_or_else(|| ConfigError::Invalid {
                    name: "LEGACY_AUTH_TIMEOUT_MS",
                    reason: format!("must be a whole number of milliseconds from {} to {}", MIN_TIMEOUT.as_millis(), MAX_TIMEOUT.as_millis()),
                })?,
        };
        Ok(Some(LegacyAuth { url, secret, timeout, client: OnceLock::new() }))
    }

    /// Asks the endpoint. Never logs the password, the secret or the username.
    pub async fn ask(&self, question: &Question<'_>) -> Result<Answer, Failure> {
        let secret = match tokio::time::timeout(SECRET_BUDGET, self.secret.get()).await {
            Ok(Ok(s)) => s,
            Ok(Err(_)) => return Err(Failure::SecretUnavailable),
            Err(_) => {
                tracing::error!("reading the legacy endpoint's shared secret took longer than {} ms", SECRET_BUDGET.as_millis());
                return Err(Failure::SecretUnavailable);
            }
        };
        if secret.len() < MIN_SECRET_BYTES {
            tracing::error!("the legacy endpoint's shared secret is shorter than {MIN_SECRET_BYTES} bytes");
            return Err(Failure::SecretUnavailable);
        }
        let body = serde_json::to_vec(question).expect("a question serialises");
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let request = http::Request::post(self.url.clone())
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::USER_AGENT, "cognito-auth-api-user-migration")
            .header(TIMESTAMP_HEADER, now.to_string())
            .header(SIGNATURE_HEADER, signature(secret.as_bytes(), now, &body))
            .body(Full::new(Bytes::from(body)))
            .map_err(|_| Failure::Unreachable)?;
        let exchange = async {
            let client = self.client.get_or_init(crate::outbound_https::client).as_ref().ok_or(Failure::Unreachable)?;
            let response = client.request(request).await.map_err(|_| Failure::Unreachable)?;
            if response.status() != http::StatusCode::OK {
                return Err(Failure::BadStatus);
            }
            let bytes = Limited::new(response.into_body(), MAX_ANSWER_BYTES).collect().await.map_err(|_| Failure::BadAnswer)?.to_bytes();
            let answer: Answer = serde_json::from_slice(&bytes).map_err(|_| Failure::BadAnswer)?;
            if answer.found && answer.email_verified.is_none() {
                return Err(Failure::BadAnswer);
            }
            Ok(answer)
        };
        tokio::time::timeout(self.timeout, exchange).await.unwrap_or(Err(Failure::Timeout))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_version_timestamp_and_body() {
        // The value computed apart, with Python's hmac (what tests/legacy/legacy_server.py checks):
        // hmac.new(b"k"*32, b"v1:1700000000:{}", hashlib.sha256).hexdigest()
        let s = signature(&[b'k'; 32], 1_700_000_000, b"{}");
        assert_eq!(s, "v1=06e161a796850ef59777747b9f0e66ebdcf6900bc0b19c48fa11a2896775fdd4");
        assert_ne!(s, signature(&[b'k'; 32], 1_700_000_001, b"{}"));
        assert_ne!(s, signature(&[b'k'; 32], 1_700_000_000, b"{ }"));
    }

    #[test]
    fn only_https_or_a_local_http_url() {
        assert!(parse_url("https://legacy.example.com/auth").is_ok());
        assert!(parse_url("http://127.0.0.1:8790/authenticate").is_ok());
        assert!(parse_url("http://legacy.example.com/auth").is_err());
        assert!(parse_url("ftp://x").is_err());
        assert!(parse_url("not a url").is_err());
    }

    fn config(vars: &[(&str, &str)]) -> Result<Option<LegacyAuth>, ConfigError> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        LegacyAuth::from_lookup(move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()), || Ok(crate::state::sdk_config("eu-west-1")))
    }

    #[test]
    fn the_configuration_is_checked_at_start() {
        const SECRET: &str = "0123456789abcdef0123456789abcdef";
        assert!(config(&[]).unwrap().is_none());
        let ok = config(&[("LEGACY_AUTH_URL", "https://legacy.example.com/auth"), ("LEGACY_AUTH_SECRET", SECRET)]).unwrap().unwrap();
        assert_eq!(ok.timeout, DEFAULT_TIMEOUT);
        assert!(!format!("{ok:?}").contains(SECRET), "{ok:?}");
        let arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-AbCdEf";
        let t = config(&[("LEGACY_AUTH_URL", "https://l.example.com"), ("LEGACY_AUTH_SECRET_ARN", arn), ("LEGACY_AUTH_TIMEOUT_MS", "3000")]).unwrap().unwrap();
        assert_eq!(t.timeout, MAX_TIMEOUT);
        for (bad, name) in [
            (vec![("LEGACY_AUTH_URL", "https://l.example.com")], "LEGACY_AUTH_SECRET_ARN"),
            (vec![("LEGACY_AUTH_URL", "http://l.example.com"), ("LEGACY_AUTH_SECRET", SECRET)], "LEGACY_AUTH_URL"),
            (vec![("LEGACY_AUTH_URL", "https://l.example.com"), ("LEGACY_AUTH_SECRET", "short")], "LEGACY_AUTH_SECRET"),
            (vec![("LEGACY_AUTH_URL", "https://l.example.com"), ("LEGACY_AUTH_SECRET", SECRET), ("LEGACY_AUTH_SECRET_ARN", arn)], "LEGACY_AUTH_SECRET"),
            (vec![("LEGACY_AUTH_URL", "https://l.example.com"), ("LEGACY_AUTH_SECRET_ARN", "legacy")], "LEGACY_AUTH_SECRET_ARN"),
            (vec![("LEGACY_AUTH_URL", "https://l.example.com"), ("LEGACY_AUTH_SECRET", SECRET), ("LEGACY_AUTH_TIMEOUT_MS", "3001")], "LEGACY_AUTH_TIMEOUT_MS"),
            (vec![("LEGACY_AUTH_URL", "https://l.example.com"), ("LEGACY_AUTH_SECRET", SECRET), ("LEGACY_AUTH_TIMEOUT_MS", "2s")], "LEGACY_AUTH_TIMEOUT_MS"),
        ] {
            match config(&bad) {
                Err(ConfigError::Invalid { name: n, .. }) | Err(ConfigError::Missing(n)) => assert_eq!(n, name, "{bad:?}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_question_is_the_contract() {
        let a = serde_json::to_string(&Question::Authenticate { username: "a@example.com", password: "p" }).unwrap();
        assert_eq!(a, r#"{"action":"authenticate","username":"a@example.com","password":"p"}"#);
        let l = serde_json::to_string(&Question::Lookup { username: "a@example.com" }).unwrap();
        assert_eq!(l, r#"{"action":"lookup","username":"a@example.com"}"#);
    }

    #[test]
    fn the_answer_is_exactly_the_contract() {
        let ok = |s: &str| serde_json::from_str::<Answer>(s).ok();
        assert_eq!(ok(r#"{"found":false}"#), Some(Answer { found: false, email_verified: None }));
        assert_eq!(ok(r#"{"found":true,"emailVerified":true}"#), Some(Answer { found: true, email_verified: Some(true) }));
        for garbage in ["", r#"{"found":"yes"}"#, r#"{"found":true,"admin":true}"#, "[]", "null", "<html>", r#"{"emailVerified":true}"#] {
            assert_eq!(ok(garbage), None, "{garbage}");
        }
    }
}
