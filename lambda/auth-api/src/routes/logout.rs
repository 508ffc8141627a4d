//! POST /auth/logout (Bearer, optional {refreshToken, everywhere}): signs the user out everywhere
//! (GlobalSignOut: every app of the pool, every device), then, when given, revokes that refresh
//! token (RevokeToken). With `everywhere: false` it signs out of the calling app only: it revokes
//! that app's refresh token (required) and with it the tokens issued from it, and no GlobalSignOut,
//! so the user's sessions in the organisation's other apps (other app clients) stay. The answer says
//! what happened: `refreshTokenRevoked` is true only when Cognito accepted the revocation.
//! In browser session mode the refresh token may come from the session cookie (after its cross-site
//! request forgery check), and the answer clears the cookie.
//!
//! RevokeToken revokes the given refresh token and the access and ID tokens issued from it, and
//! nothing else of the user's: https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html
//! It refuses a token that is not a refresh token of this client (UnauthorizedException,
//! UnsupportedTokenTypeException, InvalidParameterException):
//! https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html
use super::input;
use super::output::clear_session_cookie;
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["invalid_refresh_token", "origin_not_allowed", "csrf_header_missing"];

#[derive(Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "LogoutRequest")]
pub struct Request {
    /// Also revoke this refresh token (optional; GlobalSignOut already ends every session of the
    /// signed-in user). In browser session mode, the session cookie's is revoked when this is absent.
    #[schemars(length(min = 1, max = 8192), regex(pattern = crate::routes::input::OPAQUE_PATTERN))]
    pub refresh_token: Option<String>,
    /// `false`: sign out of the calling app only (its refresh token, required here, is revoked with
    /// every token issued from it; the user's other apps and devices stay signed in). Absent or
    /// `true`: sign out everywhere (GlobalSignOut: every app of the pool, every device).
    pub everywhere: Option<bool>,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "LogoutResponse")]
pub struct Response {
    pub signed_out: bool,
    /// Whether every session of the user ended (GlobalSignOut) or the calling app's only.
    pub everywhere: bool,
    /// True only when Cognito accepted the revocation of the given refresh token; false when none
    /// was given or Cognito refused it (not a refresh token of this app client, or unreachable).
    pub refresh_token_revoked: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.optional_body()?;
    let refresh_token = ctx.refresh_token(b.refresh_token)?;
    if let Some(t) = &refresh_token {
        input::opaque("refreshToken", t, input::MAX_TOKEN)?;
    }
    let everywhere = b.everywhere.unwrap_or(true);
    if !everywhere && refresh_token.is_none() {
        return Err(ApiError::validation("refreshToken", "is required to sign out of this app only (everywhere: false): it is the session that ends"));
    }
    let cognito = &ctx.state.cognito;
    let secret = match &refresh_token {
        Some(_) => cognito.client_secret().await?,
        None => None,
    };
    // Sign out everywhere first: revoking the refresh token first would also kill the access
    // token this call needs when both come from the same sign-in.
    if everywhere {
        cognito.global_sign_out(ctx.access_token()?).await?;
    }
    let revoked = match &refresh_token {
        None => false,
        Some(t) => match cognito.revoke_token(t, secret).await {
            Ok(()) => true,
            // The user is signed out whatever RevokeToken answers: say so, and say the given token
            // was not revoked (by this call) rather than fail the whole logout.
            // Nothing else ends the session: a refused token is the caller's 401, an unreachable
            // Cognito the usual 503 (the app keeps its session and may retry).
            Err(e) if !everywhere => {
                return Err(match e.kind {
                    K::Undeclared | K::Other | K::Unavailable | K::TooManyRequests | K::LimitExceeded => e.into(),
                    _ => {
                        tracing::warn!(cognito_error = %e.code, "RevokeToken refused the app's refresh token");
                        ApiError::InvalidRefreshToken
                    }
                })
            }
            Err(e) => {
                match e.kind {
                    K::Undeclared | K::Other => tracing::error!(cognito_error = %e.code, "RevokeToken failed"),
                    _ => tracing::warn!(cognito_error = %e.code, "RevokeToken refused the given refresh token"),
                }
                false
            }
        },
    };
    let mut reply = Reply::ok(StatusCode::OK, &Response { signed_out: true, everywhere, refresh_token_revoked: revoked });
    clear_session_cookie(ctx, &mut reply);
    Ok(reply)
}
