//! Re-authentication for what cannot be undone (`DELETE /auth/user`, `POST /auth/mfa/totp/setup`):
//! an access token alone is not enough; the body must also carry the current password, which
//! Cognito checks.
//!
//! How: AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH) with the account's Cognito username and the
//! given password, as a login does. So a wrong password counts against the account exactly like a
//! failed login (Cognito's failed-attempt lockout and threat protection see it, with the caller's
//! address in ContextData), and the route is rate-limited like login (its throttle in
//! cdk/routes.json, the front door's per-IP rule on sensitive paths). AdminInitiateAuth is an
//! IAM-authorised operation, hence declared in cdk/routes.json for these routes
//! (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html>).
//! A right password answers tokens, or an MFA challenge when TOTP is on: both prove the password.
//! The tokens are a full sign-in (a refresh token valid for 30 days) nobody asked for: the refresh
//! token is revoked at once with RevokeToken, which also ends the access and ID tokens issued with
//! it ("all access tokens for a given refresh token, including the initial access token from
//! interactive sign-in", <https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html>),
//! and nothing of the caller's own session. A revocation Cognito refuses is logged and does not
//! fail the route (the password was right; the user asked for the route's effect). A challenge
//! session issues no tokens and is left to expire.
//!
//! Where the username comes from is the route's business: `totpSetup` has it from the GetUser it
//! needs anyway; `deleteUser` and `passkeyRegisterStart` read it from the access token, through
//! [`token_with_current_password`].
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::context::Ctx;

/// Ok when `password` is the current password of the account named `username`; 401
/// `incorrect_password` when it is not.
pub async fn confirm_current_password(ctx: &Ctx<'_>, username: &str, password: &str) -> Result<(), ApiError> {
    let cognito = &ctx.state.cognito;
    let hash = cognito.secret_hash(username).await?;
    match cognito.password_login(username, password, hash, &ctx.caller).await {
        Ok(crate::cognito::AuthOutcome::Tokens(t)) => {
            revoke_unused(ctx, t.refresh_token.as_deref()).await;
            Ok(())
        }
        Ok(crate::cognito::AuthOutcome::Challenge { .. }) => Ok(()),
        Err(e) => Err(match e.kind {
            K::NotAuthorized | K::UserNotFound => ApiError::IncorrectPassword,
            _ => e.into(),
        }),
    }
}

/// Revokes the refresh token (and so the access and ID tokens) of a sign-in made only to check a
/// password.
async fn revoke_unused(ctx: &Ctx<'_>, refresh_token: Option<&str>) {
    let Some(token) = refresh_token else {
        tracing::warn!("the password check answered no refresh token; nothing to revoke");
        return;
    };
    let cognito = &ctx.state.cognito;
    let result = match cognito.client_secret().await {
        Ok(secret) => cognito.revoke_token(token, secret).await.map_err(|e| e.code),
        Err(_) => Err("client secret unreadable".into()),
    };
    if let Err(code) = result {
        tracing::error!(cognito_error = %code, "could not revoke the tokens of the password check");
    }
}

/// The caller's access token, once the request has proved the account's current password: for a
/// route whose own Cognito operation is then made with that same token (DeleteUser,
/// StartWebAuthnRegistration). Two Cognito calls in all, not three: the username comes from the
/// token ([`username_from_token`]), and GetUser runs only when the password check fails
/// ([`password_refused`]).
pub async fn token_with_current_password<'c>(ctx: &'c Ctx<'_>, current_password: &str) -> Result<&'c str, ApiError> {
    crate::routes::input::password("currentPassword", current_password)?;
    let token = ctx.access_token()?;
    let username = username_from_token(token)?;
    if let Err(refused) = confirm_current_password(ctx, &username, current_password).await {
        return Err(password_refused(ctx, token, refused).await);
    }
    Ok(token)
}

/// The `username` claim of the caller's access token, for a route whose own Cognito operation is
/// then made with that same token (DeleteUser), without a GetUser round trip to learn it. No
/// signature check is needed for that: Cognito checks the token when the operation runs and acts
/// on the token's owner only, so a token whose claims were altered fails there and changes
/// nothing, and an unaltered token's claim is its owner's username (API Gateway's JWT authorizer
/// has also checked the signature before a deployed function runs). What the claim alone cannot
/// tell is whether the token was revoked: see [`password_refused`].
fn username_from_token(access_token: &str) -> Result<String, ApiError> {
    crate::routes::output::username_claim(access_token).ok_or(ApiError::InvalidToken)
}

/// The answer when the password check failed for a username taken from the token: 401
/// `invalid_token` if Cognito refuses the token itself (revoked, expired, account deleted), else 401
/// `incorrect_password`. So a revoked token cannot be used to learn whether a password is right:
/// its holder gets `invalid_token` either way (a right password then fails at the operation).
/// Costs a GetUser only on this failure path.
async fn password_refused(ctx: &Ctx<'_>, access_token: &str, refused: ApiError) -> ApiError {
    if !matches!(refused, ApiError::IncorrectPassword) {
        return refused;
    }
    match ctx.state.cognito.get_user(access_token).await {
        Ok(_) => refused,
        Err(e) => e.into(),
    }
}
