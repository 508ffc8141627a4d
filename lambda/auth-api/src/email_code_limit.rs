//! A per-address limit on emailed sign-in codes (`login/start` with `EMAIL_OTP`).
//!
//! Every such request makes Cognito email a code to the address. Cognito publishes per-user limits
//! for other code operations (5 ResendConfirmationCode, 15 ConfirmSignUp, 5 to 20
//! ConfirmForgotPassword calls per user per hour, and 10 reads, signing in included, per user per
//! second), none for the codes `USER_AUTH` emails
//! (<https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html>). So one address could be
//! sent codes without bound: about 28,000 a day from one IP within the front door's per-IP rule, an
//! inbox flood and a cost, for anyone who knows the address.
//!
//! The API counts the codes asked for each address in a DynamoDB table, in fixed windows of
//! [`window`]: at most [`sends_per_window`] per window (the figure Cognito applies to resent sign-up
//! codes), so at most twice that in any hour (two windows meeting). The table's layout and the
//! figures are `cdk/email-code-limit.json`, which the construct and the emulator read too. One `UpdateItem` per request
//! adds one to the window's counter and reads it back (`ADD`, `ReturnValues: UPDATED_NEW`,
//! <https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html>); items carry
//! an `expiresAt` the table's time to live deletes them by
//! (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html>). Over the limit,
//! Cognito is not asked and the answer is the stand-in the API gives an address without an account
//! (same shape, same status), so the limit tells nobody whether the address has one. It is counted
//! for every address alike, known or not.
//!
//! The key is not the address: HMAC-SHA256 of the lower-cased address under a key HKDF derives from
//! the app client secret for this purpose, and the window number (`<base64url HMAC>#<window>`), so
//! the table holds no address and cannot be searched for one without the secret.
use crate::error::ApiError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

fn definition() -> &'static serde_json::Value {
    static DEF: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    DEF.get_or_init(|| serde_json::from_str(include_str!("../../../cdk/email-code-limit.json")).expect("cdk/email-code-limit.json is JSON"))
}

fn field(name: &str) -> &'static str {
    definition()[name].as_str().unwrap_or_else(|| panic!("cdk/email-code-limit.json {name}"))
}

/// Codes per address per window (`sendsPerWindow`).
pub fn sends_per_window() -> u64 {
    definition()["sendsPerWindow"].as_u64().expect("cdk/email-code-limit.json sendsPerWindow")
}

/// The window (`windowSeconds`): an hour, as Cognito's per-user figures are counted.
pub fn window() -> Duration {
    Duration::from_secs(definition()["windowSeconds"].as_u64().expect("cdk/email-code-limit.json windowSeconds"))
}

/// The counter table (`EMAIL_CODE_LIMIT_TABLE`) and its client.
pub struct EmailCodeLimit {
    pub table: String,
    client: aws_sdk_dynamodb::Client,
}

/// The table's name only.
impl std::fmt::Debug for EmailCodeLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailCodeLimit").field("table", &self.table).finish_non_exhaustive()
    }
}

/// The counter's key for `email` in the window containing `now` (seconds since the epoch).
pub fn counter_key(secret: &str, email: &str, now: u64) -> String {
    let key = crate::routes::challenge_session::SealKey::derive(secret, b"auth-api email code limit v1");
    let mut mac = Hmac::<Sha256>::new_from_slice(key.bytes()).expect("HMAC takes keys of any length");
    mac.update(email.to_lowercase().as_bytes());
    format!("{}#{}", B64.encode(mac.finalize().into_bytes()), now / window().as_secs())
}

impl EmailCodeLimit {
    pub fn new(table: String, client: aws_sdk_dynamodb::Client) -> Self {
        EmailCodeLimit { table, client }
    }

    /// Counts one code for `email`; true while the window's count is within the limit. A table that
    /// cannot be reached is a 503 (the same for every address), not an unlimited send.
    pub async fn allow(&self, secret: &str, email: &str) -> Result<bool, ApiError> {
        let now = crate::routes::challenge_session::now();
        let w = window().as_secs();
        let window_end = (now / w + 1) * w;
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(field("partitionKey"), AttributeValue::S(counter_key(secret, email, now)))
            .update_expression("ADD #sends :one SET #expires = :expires")
            .expression_attribute_names("#sends", field("countAttribute"))
            .expression_attribute_names("#expires", field("timeToLiveAttribute"))
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            // Deleted by the table's TTL a window after its own ended.
            .expression_attribute_values(":expires", AttributeValue::N((window_end + w).to_string()))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| {
                let code = aws_sdk_dynamodb::error::ProvideErrorMetadata::code(&e).unwrap_or("unreachable").to_string();
                tracing::error!(table = %self.table, error_code = %code, "cannot count the emailed code");
                ApiError::ServiceUnavailable
            })?;
        let sends = out.attributes.as_ref().and_then(|a| a.get(field("countAttribute"))).and_then(|v| v.as_n().ok()).and_then(|n| n.parse::<u64>().ok());
        match sends {
            Some(n) => Ok(n <= sends_per_window()),
            None => {
                tracing::error!(table = %self.table, "UpdateItem answered no count");
                Err(ApiError::ServiceUnavailable)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figures_are_the_definitions() {
        assert_eq!((sends_per_window(), window()), (5, Duration::from_secs(3600)));
        assert_eq!((field("partitionKey"), field("countAttribute"), field("timeToLiveAttribute")), ("pk", "sends", "expiresAt"));
    }

    #[test]
    fn the_key_hides_the_address_and_changes_with_the_window() {
        let a = counter_key("secret", "Jane@Example.com", 7200);
        assert_eq!(a, counter_key("secret", "jane@example.com", 7200 + 3599), "one window, whatever the case");
        assert_ne!(a, counter_key("secret", "jane@example.com", 7200 + 3600), "the next window");
        assert_ne!(a, counter_key("another secret", "jane@example.com", 7200));
        assert!(a.ends_with("#2") && !a.to_lowercase().contains("jane") && !a.contains("example"), "{a}");
    }
}
