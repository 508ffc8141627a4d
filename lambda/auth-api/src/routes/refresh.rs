//! POST /auth/refresh {refreshToken}: new access and id tokens and, with refresh-token rotation
//! (on for the app client the stack creates), a new refresh token that replaces the one sent.
//!
//! Cognito's GetTokensFromRefreshToken takes the app client secret itself, so no username is
//! needed (a `username` field older clients still send is ignored):
//! https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html
//! With rotation the token sent stays valid only for the client's retry grace period (0-60 s,
//! https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html);
//! presented after it, Cognito answers RefreshTokenReuseException ("a refresh token that has been
//! invalidated by refresh-token rotation"). The caller gets 401 `refresh_token_reused` (sign in
//! again: this token will never work again, and whoever holds its replacement is signed in), and
//! the audit line says `"event":"refresh_token_reuse"`: a replaced token coming back is the
//! signature of a stolen one (the stack counts these and alarms). Telling the caller costs nothing
//! a thief could use: the token is dead either way, and the thief learns only that the owner
//! refreshed.
//!
//! The grace period (`refreshTokenRotationGracePeriod`, 60 s by default from cdk/user-pool.json) is
//! for one thing: a client whose refresh reached Cognito but whose answer was lost (a dropped
//! connection, a timeout) presents the same token again and must not be signed out for it. It must
//! therefore cover the client's wait for an answer and its retry: the client package gives up after
//! 15 s and retries a refresh that failed for a passing reason 30 s later, 45 s in all, so the
//! default is Cognito's maximum, 60 s. What it costs: the old token also works for that minute after
//! it was replaced, for whoever holds it; a thief who holds it could as well have used it before the
//! owner refreshed (then the owner's next refresh is the detected reuse), so the minute adds little.
//! Cognito's answer does not name the user the token belonged to, so the API cannot end that
//! user's sessions itself; the alarm is for a person to act on.
//!
//! In browser session mode the refresh token may come from the session cookie instead of the body
//! (after the cookie's cross-site request forgery check), and the new refresh token goes back into it.
use super::input;
use super::output::{token_reply, tokens};
use crate::cognito::{CognitoErrorKind as K, Tokens};
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use schemars::JsonSchema;
use serde::Deserialize;

pub type Response = super::output::TokenResponse;
pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["invalid_refresh_token", "refresh_token_reused", "origin_not_allowed", "csrf_header_missing", "duplicate_session_cookie"];

/// The audit `event` of a reused (rotated-out) refresh token.
pub const REUSE_EVENT: &str = "refresh_token_reuse";

/// The refresh token alone: a `username` that older clients still send is ignored. Any refused
/// token is 401 `invalid_refresh_token`: unknown, expired, revoked (logout), or replaced by
/// rotation and presented after the app client's retry grace period (also an audit event).
#[derive(Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "RefreshRequest")]
pub struct Request {
    /// The refresh token from login or from the previous refresh (each refresh answers a new one
    /// that replaces it). Required, except in browser session mode, where the `auth_refresh` cookie
    /// carries it.
    #[schemars(length(min = 1, max = 8192), regex(pattern = crate::routes::input::OPAQUE_PATTERN))]
    pub refresh_token: Option<String>,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.optional_body()?;
    let refresh_token = ctx.refresh_token(b.refresh_token)?
        .ok_or_else(|| ApiError::validation("refreshToken", "is required (in browser session mode: or the session cookie)"))?;
    let t = refresh(ctx, &refresh_token).await?;
    Ok(token_reply(ctx, tokens(t), |b| b))
}

/// Exchanges `refresh_token` for new tokens. A refused token is `invalid_refresh_token`; a reused
/// rotated-out one also marks the request's audit line.
pub async fn refresh(ctx: &Ctx<'_>, refresh_token: &str) -> Result<Tokens, ApiError> {
    input::opaque("refreshToken", refresh_token, input::MAX_TOKEN)?;
    let cognito = &ctx.state.cognito;
    let secret = cognito.client_secret().await?;
    cognito.refresh(refresh_token, secret).await.map_err(|e| match e.kind {
        K::RefreshTokenReuse => {
            ctx.audit_event(REUSE_EVENT);
            ApiError::RefreshTokenReused
        }
        // NotAuthorized: unknown, expired or revoked token; UserNotFound: its user is gone.
        K::NotAuthorized | K::UserNotFound => ApiError::InvalidRefreshToken,
        _ => e.into(),
    })
}
