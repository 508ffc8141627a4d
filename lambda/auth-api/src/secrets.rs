//! Secrets the functions need (the app client secret, the front door's origin-verify value):
//! given directly (local dev), or read from Secrets Manager once, lazily, on first use, so start-up
//! makes no network call. A failed read is retried by the next request that needs it. The origin-verify
//! value can be rotated, so it is cached for a short time only and its previous version is accepted too.
use crate::error::ApiError;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;
use tokio::sync::{Mutex, OnceCell};

pub enum SecretSource {
    Plain(String),
    SecretsManager {
        arn: String,
        client: aws_sdk_secretsmanager::Client,
        value: OnceCell<String>,
    },
}

/// Never the value (given, or read and cached): only where it comes from.
impl std::fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretSource::Plain(_) => f.write_str("Plain(<redacted>)"),
            SecretSource::SecretsManager { arn, value, .. } => f
                .debug_struct("SecretsManager")
                .field("arn", arn)
                .field("value", &if value.initialized() { "<redacted>" } else { "<not read yet>" })
                .finish_non_exhaustive(),
        }
    }
}

impl SecretSource {
    pub fn secrets_manager(arn: String, sdk: &aws_config::SdkConfig) -> Self {
        SecretSource::SecretsManager { arn, client: aws_sdk_secretsmanager::Client::new(sdk), value: OnceCell::new() }
    }

    /// The secret's value. A read failure is logged (never with the value) and answered 503.
    pub async fn get(&self) -> Result<&str, ApiError> {
        match self {
            SecretSource::Plain(v) => Ok(v),
            SecretSource::SecretsManager { arn, client, value } => value
                .get_or_try_init(|| async {
                    let out = client.get_secret_value().secret_id(arn).send().await.map_err(|e| {
                        let code = aws_sdk_secretsmanager::error::ProvideErrorMetadata::code(&e)
                            .unwrap_or("unreachable")
                            .to_string();
                        tracing::error!(secret_arn = %arn, error_code = %code, "cannot read secret from Secrets Manager");
                        ApiError::ServiceUnavailable
                    })?;
                    out.secret_string.filter(|s| !s.is_empty()).ok_or_else(|| {
                        tracing::error!(secret_arn = %arn, "secret has no SecretString");
                        ApiError::ServiceUnavailable
                    })
                })
                .await
                .map(String::as_str),
        }
    }
}

/// How long the origin-verify values are cached before Secrets Manager is asked again. After a rotation
/// (docs/deploying.md, "Rotating the origin-verify secret") every warm function accepts the new value within this time.
pub const ORIGIN_VERIFY_TTL: Duration = Duration::from_secs(300);

/// The values the front door's `x-origin-verify` header may carry: the secret's current version and, while a
/// rotation is under way, its previous one (Secrets Manager moves AWSPREVIOUS to the old version when
/// PutSecretValue makes a new one AWSCURRENT:
/// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html).
pub enum OriginVerify {
    /// One fixed value (local runs: `ORIGIN_VERIFY_SECRET`).
    Plain(String),
    SecretsManager {
        arn: String,
        client: aws_sdk_secretsmanager::Client,
        ttl: Duration,
        cache: Mutex<Option<Accepted>>,
    },
}

/// `Debug` shows how many values are cached and when they were read, never the values.
#[derive(Clone)]
pub struct Accepted {
    read_at: Instant,
    values: Vec<String>,
}

impl std::fmt::Debug for Accepted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accepted").field("read_at", &self.read_at).field("values", &self.values.len()).finish()
    }
}

/// Never a value: only where it comes from and how long it is cached.
impl std::fmt::Debug for OriginVerify {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OriginVerify::Plain(_) => f.write_str("Plain(<redacted>)"),
            OriginVerify::SecretsManager { arn, ttl, cache, .. } => f
                .debug_struct("SecretsManager")
                .field("arn", arn)
                .field("ttl", ttl)
                .field("cache", &cache.try_lock().ok().and_then(|c| c.clone()))
                .finish_non_exhaustive(),
        }
    }
}

impl OriginVerify {
    pub fn secrets_manager(arn: String, sdk: &aws_config::SdkConfig) -> Self {
        Self::from_client(arn, aws_sdk_secretsmanager::Client::new(sdk))
    }

    /// With a given client (tests pass a stubbed one).
    pub fn from_client(arn: String, client: aws_sdk_secretsmanager::Client) -> Self {
        OriginVerify::SecretsManager { arn, client, ttl: ORIGIN_VERIFY_TTL, cache: Mutex::new(None) }
    }

    /// The same source with another cache lifetime (tests follow the rotation steps with zero).
    pub fn with_ttl(self, ttl: Duration) -> Self {
        match self {
            OriginVerify::SecretsManager { arn, client, cache, .. } => OriginVerify::SecretsManager { arn, client, ttl, cache },
            plain => plain,
        }
    }

    /// Whether `given` is one of the accepted values, compared in constant time against each of them.
    /// A failed read with nothing cached is a 503 (logged without the value).
    pub async fn accepts(&self, given: &str) -> Result<bool, ApiError> {
        let matches = |values: &[String]| {
            values.iter().fold(subtle::Choice::from(0), |acc, v| acc | given.as_bytes().ct_eq(v.as_bytes())).into()
        };
        match self {
            OriginVerify::Plain(v) => Ok(matches(std::slice::from_ref(v))),
            OriginVerify::SecretsManager { arn, client, ttl, cache } => {
                let mut cached = cache.lock().await;
                if cached.as_ref().is_none_or(|c| c.read_at.elapsed() >= *ttl) {
                    match read_current_and_previous(client, arn).await {
                        Ok(values) => *cached = Some(Accepted { read_at: Instant::now(), values }),
                        // Keep serving the last values read rather than refusing everyone while Secrets Manager is down.
                        Err(e) if cached.is_none() => return Err(e),
                        Err(_) => {}
                    }
                }
                Ok(cached.as_ref().is_some_and(|c| matches(&c.values)))
            }
        }
    }
}

async fn read_current_and_previous(client: &aws_sdk_secretsmanager::Client, arn: &str) -> Result<Vec<String>, ApiError> {
    let mut values = Vec::with_capacity(2);
    for stage in ["AWSCURRENT", "AWSPREVIOUS"] {
        match client.get_secret_value().secret_id(arn).version_stage(stage).send().await {
            Ok(out) => match out.secret_string.filter(|s| !s.is_empty()) {
                Some(v) => values.push(v),
                None if stage == "AWSCURRENT" => {
                    tracing::error!(secret_arn = %arn, "secret has no SecretString");
                    return Err(ApiError::ServiceUnavailable);
                }
                None => {}
            },
            Err(e) => {
                let code = aws_sdk_secretsmanager::error::ProvideErrorMetadata::code(&e).unwrap_or("unreachable").to_string();
                // A secret that was never rotated has no AWSPREVIOUS version: GetSecretValue answers
                // ResourceNotFoundException (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
                if stage == "AWSPREVIOUS" && code == "ResourceNotFoundException" {
                    continue;
                }
                tracing::error!(secret_arn = %arn, version_stage = stage, error_code = %code, "cannot read secret from Secrets Manager");
                return Err(ApiError::ServiceUnavailable);
            }
        }
    }
    Ok(values)
}
