//! Re-authentication for what cannot be undone (`DELETE /auth/user`, `POST /auth/mfa/totp/setup`):
//! an access token alone is not enough; the body must also carry the current password, which
//! Cognito checks.
//!
//! How: the user's real Cognito username comes from GetUser with the access token (Cognito
//! verifies the token, so the name is the token owner's, never the caller's claim), then
//! AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH) with that username and the given password, as a
//! login does. So a wrong password counts against the account exactly like a failed login (Cognito's
//! failed-attempt lockout and threat protection see it, with the caller's address in ContextData),
//! and the route is rate-limited like login (its throttle in cdk/routes.json, the front door's
//! per-IP rule on sensitive paths). AdminInitiateAuth is an IAM-authorised operation, hence
//! declared in cdk/routes.json for these routes
//! (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html>);
//! GetUser is authorised by the access token alone
//! (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUser.html>).
//! A right password answers tokens, or an MFA challenge when TOTP is on: both prove the password;
//! the tokens are dropped unused and the challenge session is left to expire.
use crate::cognito::{CognitoErrorKind as K, UserProfile};
use crate::error::ApiError;
use crate::router::Ctx;

/// Ok when `password` is `user`'s current password; 401 `incorrect_password` when it is not.
pub async fn confirm_current_password(ctx: &Ctx<'_>, user: &UserProfile, password: &str) -> Result<(), ApiError> {
    let cognito = &ctx.state.cognito;
    let hash = cognito.secret_hash(&user.username).await?;
    match cognito.password_login(&user.username, password, hash, &ctx.caller).await {
        Ok(_) => Ok(()),
        Err(e) => Err(match e.kind {
            K::NotAuthorized | K::UserNotFound => ApiError::IncorrectPassword,
            _ => e.into(),
        }),
    }
}
