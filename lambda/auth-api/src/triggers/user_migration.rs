//! User migration (`UserMigration_Authentication`, `UserMigration_ForgotPassword`): "When a user doesn't
//! exist in the user pool at sign-in with a password, or in the forgot-password flow, Amazon Cognito
//! invokes this trigger. After the Lambda function returns successfully, Amazon Cognito creates the user
//! in the user pool" (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html).
//!
//! The trigger asks the legacy endpoint ([`legacy_endpoint`]): at sign-in whether the password is the
//! user's, at a password reset whether the user exists. On yes it answers Cognito with the user's
//! attributes (the address the user typed, verified when the legacy system says so),
//! `finalUserStatus: CONFIRMED` at sign-in (Cognito then keeps the password just typed: "auto-confirm your
//! users and allow them to sign-in with their previous passwords") and `messageAction: SUPPRESS` (no
//! welcome message). On no, and on any failure of the legacy endpoint (down, slow, garbage), it answers an
//! error carrying the `[invalid_credentials]` marker, so Cognito creates nobody and the API answers the
//! caller exactly as for an unknown user. Failures are logged as failures (audit `outcome: failure`,
//! `error_code: legacy_*`), which the stack counts (metric `LegacyAuthFailures`) and alarms on.
//!
//! Amazon Cognito does not run this trigger for passwordless sign-in (the same page), nor for SRP (the
//! password never reaches Cognito: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-import-using-lambda.html);
//! the API signs in with ADMIN_USER_PASSWORD_AUTH, which sends the password.
pub mod legacy_endpoint;

use super::{TriggerCtx, TriggerError};
use crate::error::ApiError;
use legacy_endpoint::{Failure, Question};
use serde::Deserialize;
use serde_json::{json, Value};

/// The request parameters this trigger reads (`validationData` and `clientMetadata` are not used).
#[derive(Debug, Deserialize)]
struct Request {
    /// Sent at sign-in only: "Amazon Cognito doesn't send this value in a request that's initiated by a
    /// forgot-password flow."
    #[serde(default)]
    password: Option<String>,
}

/// What Cognito hears for every "no": the caller's answer is the API's invalid_credentials (sign-in) or
/// the usual "if the address has an account" (password reset), whatever the reason.
pub const NOT_MIGRATED: &str = "The user was not migrated.";

fn refused() -> TriggerError {
    TriggerError::Refused { marker: ApiError::InvalidCredentials.refusal_marker(), message: NOT_MIGRATED }
}

fn failed(f: Failure) -> TriggerError {
    TriggerError::FailedClosed { marker: ApiError::InvalidCredentials.refusal_marker(), message: NOT_MIGRATED, reason: f.reason() }
}

pub async fn handle(ctx: &TriggerCtx<'_>) -> Result<Value, TriggerError> {
    let malformed = |reason: String| TriggerError::MalformedEvent { trigger: ctx.trigger.name.clone(), reason };
    let request: Request = ctx.event.request().map_err(malformed)?;
    let username = ctx.event.common.user_name.as_deref().unwrap_or("");
    // The pool signs in with email addresses: userName is the address the user typed.
    if username.is_empty() || username.len() > 254 || !username.contains('@') {
        return Err(malformed("userName is not an email address".into()));
    }
    let Some(legacy) = &ctx.state.legacy_auth else {
        tracing::error!("the user migration trigger runs without LEGACY_AUTH_URL");
        return Err(failed(Failure::NotConfigured));
    };
    let sign_in = ctx.event.common.trigger_source == "UserMigration_Authentication";
    let question = if sign_in {
        match request.password.as_deref() {
            Some(p) if !p.is_empty() => Question::Authenticate { username, password: p },
            _ => return Err(malformed("request.password is missing at sign-in".into())),
        }
    } else {
        Question::Lookup { username }
    };
    // A failure is logged once, by `invoke` (warn "trigger failed", audit error_code legacy_*).
    let answer = legacy.ask(&question).await.map_err(failed)?;
    let verified = answer.email_verified == Some(true);
    if !answer.found || (!sign_in && !verified) {
        // A reset code needs a verified address ("In order for users to reset their passwords in the
        // forgot-password flow, they must have either a verified email or a verified phone number").
        return Err(refused());
    }
    let attributes = json!({ "email": username, "email_verified": if verified { "true" } else { "false" } });
    let response = if sign_in {
        json!({
            "userAttributes": attributes,
            "finalUserStatus": "CONFIRMED",
            "messageAction": "SUPPRESS",
            "desiredDeliveryMediums": ["EMAIL"],
            "forceAliasCreation": false,
        })
    } else {
        json!({
            "userAttributes": attributes,
            "messageAction": "SUPPRESS",
            "desiredDeliveryMediums": ["EMAIL"],
            "forceAliasCreation": false,
        })
    };
    Ok(ctx.event.answer(response))
}

#[cfg(test)]
mod tests {
    use super::legacy_endpoint::{DEFAULT_TIMEOUT, MAX_TIMEOUT, SECRET_BUDGET};
    use crate::definition;

    #[test]
    fn the_legacy_budget_fits_inside_the_deadline_and_cognitos_wait() {
        // The function must answer (fail closed) before its own deadline, and that before Cognito's 5 s,
        // so that a slow legacy endpoint is never Cognito's timeout (a 503 instead of invalid_credentials).
        let t = definition::triggers().by_name("userMigration").unwrap();
        let deadline = super::super::deadline(t);
        assert!(SECRET_BUDGET + MAX_TIMEOUT < deadline, "{SECRET_BUDGET:?} + {MAX_TIMEOUT:?} vs {deadline:?}");
        assert!(DEFAULT_TIMEOUT <= MAX_TIMEOUT);
        assert!(deadline < std::time::Duration::from_secs(definition::COGNITO_TRIGGER_WAIT_SECONDS));
    }
}
