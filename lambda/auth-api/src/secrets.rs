//! Secrets the functions need (the app client secret, the front door's origin-verify value):
//! given directly (local dev), or read from Secrets Manager once, lazily, on first use, so start-up
//! makes no network call. A failed read is retried by the next request that needs it. The origin-verify
//! value can be rotated, so it is cached for a short time only, its previous version is accepted for a
//! bounded time after a rotation, and values read long ago are not served when Secrets Manager is
//! unreachable.
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

/// How long after a rotation (the current version's `CreatedDate`) the previous value is still accepted,
/// if the rotation procedure's last step (retiring `AWSPREVIOUS`) is never done. Step 3 (CloudFront sending
/// the new value) must be done within this time: a deploy, minutes.
pub const PREVIOUS_ACCEPTED_FOR: Duration = Duration::from_secs(24 * 3600);

/// How long past their TTL the values last read are still served while Secrets Manager cannot be
/// read; after that every request is a 503 until a read succeeds (a value retired meanwhile must not
/// stay accepted through an outage).
pub const ORIGIN_VERIFY_MAX_STALE: Duration = Duration::from_secs(15 * 60);

/// The values the front door's `x-origin-verify` header may carry: the secret's current version and, for
/// [`PREVIOUS_ACCEPTED_FOR`] after a rotation and until it is retired, its previous one (Secrets Manager
/// moves AWSPREVIOUS to the old version when PutSecretValue makes a new one AWSCURRENT:
/// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html; retiring it is
/// UpdateSecretVersionStage with RemoveFromVersionId:
/// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html).
pub enum OriginVerify {
    /// One fixed value (local runs: `ORIGIN_VERIFY_SECRET`).
    Plain(String),
    SecretsManager {
        arn: String,
        client: aws_sdk_secretsmanager::Client,
        ttl: Duration,
        max_stale: Duration,
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
            OriginVerify::SecretsManager { arn, ttl, max_stale, cache, .. } => f
                .debug_struct("SecretsManager")
                .field("arn", arn)
                .field("ttl", ttl)
                .field("max_stale", max_stale)
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
        OriginVerify::SecretsManager { arn, client, ttl: ORIGIN_VERIFY_TTL, max_stale: ORIGIN_VERIFY_MAX_STALE, cache: Mutex::new(None) }
    }

    /// The same source with another cache lifetime (tests follow the rotation steps with zero).
    pub fn with_ttl(self, ttl: Duration) -> Self {
        match self {
            OriginVerify::SecretsManager { arn, client, cache, max_stale, .. } => OriginVerify::SecretsManager { arn, client, ttl, max_stale, cache },
            plain => plain,
        }
    }

    /// The same source with another bound on serving stale values (tests use zero and an hour).
    pub fn with_max_stale(self, max_stale: Duration) -> Self {
        match self {
            OriginVerify::SecretsManager { arn, client, cache, ttl, .. } => OriginVerify::SecretsManager { arn, client, ttl, max_stale, cache },
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
            OriginVerify::SecretsManager { arn, client, ttl, max_stale, cache } => {
                let mut cached = cache.lock().await;
                if cached.as_ref().is_none_or(|c| c.read_at.elapsed() >= *ttl) {
                    match read_current_and_previous(client, arn).await {
                        Ok(values) => *cached = Some(Accepted { read_at: Instant::now(), values }),
                        // Keep serving the last values read for a while rather than refusing everyone
                        // while Secrets Manager is down, but not for ever.
                        Err(e) => match cached.as_ref() {
                            Some(c) if c.read_at.elapsed() < *ttl + *max_stale => {}
                            _ => {
                                *cached = None;
                                return Err(e);
                            }
                        },
                    }
                }
                Ok(cached.as_ref().is_some_and(|c| matches(&c.values)))
            }
        }
    }
}

async fn read_current_and_previous(client: &aws_sdk_secretsmanager::Client, arn: &str) -> Result<Vec<String>, ApiError> {
    let unreadable = |stage: &str, e: &dyn aws_sdk_secretsmanager::error::ProvideErrorMetadata| {
        let code = e.code().unwrap_or("unreachable").to_string();
        tracing::error!(secret_arn = %arn, version_stage = stage, error_code = %code, "cannot read secret from Secrets Manager");
        ApiError::ServiceUnavailable
    };
    let current = client.get_secret_value().secret_id(arn).version_stage("AWSCURRENT").send().await.map_err(|e| unreadable("AWSCURRENT", &e))?;
    let Some(value) = current.secret_string.filter(|s| !s.is_empty()) else {
        tracing::error!(secret_arn = %arn, "secret has no SecretString");
        return Err(ApiError::ServiceUnavailable);
    };
    let mut values = vec![value];
    // The previous value only within PREVIOUS_ACCEPTED_FOR of the rotation that made the current one.
    let rotated = current.created_date.and_then(|d| std::time::SystemTime::try_from(d).ok());
    let recent = rotated.is_some_and(|t| t.elapsed().map(|age| age < PREVIOUS_ACCEPTED_FOR).unwrap_or(true));
    if !recent {
        return Ok(values);
    }
    match client.get_secret_value().secret_id(arn).version_stage("AWSPREVIOUS").send().await {
        Ok(out) => values.extend(out.secret_string.filter(|s| !s.is_empty())),
        Err(e) => {
            // A secret never rotated, or whose previous version was retired, has no AWSPREVIOUS version:
            // GetSecretValue answers ResourceNotFoundException (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
            if aws_sdk_secretsmanager::error::ProvideErrorMetadata::code(&e) != Some("ResourceNotFoundException") {
                return Err(unreadable("AWSPREVIOUS", &e));
            }
        }
    }
    Ok(values)
}
