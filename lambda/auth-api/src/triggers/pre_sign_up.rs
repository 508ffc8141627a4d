//! Pre sign-up (`PreSignUp_SignUp`, `PreSignUp_AdminCreateUser`, `PreSignUp_ExternalProvider`):
//! "Shortly before Amazon Cognito signs up a new local or federated user, it activates the pre sign-up
//! Lambda function ... you can use this function to analyze the sign-in event with custom logic, and
//! modify or deny the new user"
//! (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html).
//!
//! - With an allow-list of email domains (`SIGN_UP_EMAIL_DOMAINS`), an address outside it is refused:
//!   the function errors with the `[sign_up_not_allowed]` marker, Cognito fails the sign-up with
//!   UserLambdaValidationException and creates no user, and the API answers 403
//!   `sign_up_not_allowed`. A federated user's address counts only when the identity provider vouches
//!   for it (`email_verified` "true"): some providers let anyone set any address (Microsoft Entra ID's
//!   unverified `email`, "nOAuth").
//! - The response never auto-confirms or auto-verifies anything: every local user confirms their
//!   address with the emailed code.
//! - [`link_federated_user`] is where federated sign-in (issue 23) links a first-time federated user
//!   to the local account of the same verified address.
use super::{TriggerCtx, TriggerError};
use crate::error::ApiError;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The request parameters this trigger reads (`validationData` and `clientMetadata` are not used).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    user_attributes: HashMap<String, String>,
}

/// The refusal's message (Cognito appends its own full stop: "PreSignUp failed with error <this>.").
pub const REFUSAL: &str = "Sign-up with this email address is not allowed";

pub async fn handle(ctx: &TriggerCtx<'_>) -> Result<Value, TriggerError> {
    let request: Request = ctx
        .event
        .request()
        .map_err(|reason| TriggerError::MalformedEvent { trigger: ctx.trigger.name.clone(), reason })?;
    let external = ctx.event.common.trigger_source == "PreSignUp_ExternalProvider";
    if let Some(domains) = &ctx.state.sign_up_email_domains {
        let email = request.user_attributes.get("email").map(String::as_str).unwrap_or("");
        let vouched = !external || request.user_attributes.get("email_verified").is_some_and(|v| v == "true");
        if !(vouched && domains.allows(email)) {
            return Err(TriggerError::Refused { marker: ApiError::SignUpNotAllowed.refusal_marker(), message: REFUSAL });
        }
    }
    if external {
        link_federated_user(ctx, &request.user_attributes).await?;
    }
    Ok(ctx.event.answer(json!({ "autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false })))
}

/// The account-linking hook of federated sign-in (issue 23), run for `PreSignUp_ExternalProvider`
/// only, after the allow-list: find the local user whose *verified* address equals the provider's
/// vouched-for `email` (ListUsers) and link the provider identity to it (AdminLinkProviderForUser; at
/// most 5 linked identities per user), so the first federated sign-in lands in the existing account
/// instead of creating a second one. Never link on an address the provider does not verify. Whatever
/// Cognito operations it calls must be added to `cognitoActions` of `preSignUp` in cdk/triggers.json
/// (the declared-actions guard refuses the rest, and the stack grants exactly those), and called
/// through `ctx.cognito()` with the event's `userPoolId`. Today it links nothing: the pool has no
/// identity providers yet.
pub async fn link_federated_user(_ctx: &TriggerCtx<'_>, _user_attributes: &HashMap<String, String>) -> Result<(), TriggerError> {
    Ok(())
}
