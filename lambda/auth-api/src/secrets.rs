//! Secrets the functions need (the app client secret, the front door's origin-verify value):
//! given directly (local dev), or read from Secrets Manager once, lazily, on first use, so start-up
//! makes no network call. A failed read is retried by the next request that needs it.
use crate::error::ApiError;
use tokio::sync::OnceCell;

#[derive(Debug)]
pub enum SecretSource {
    Plain(String),
    SecretsManager {
        arn: String,
        client: aws_sdk_secretsmanager::Client,
        value: OnceCell<String>,
    },
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
