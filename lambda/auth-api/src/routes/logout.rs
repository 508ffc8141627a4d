//! POST /auth/logout (Bearer, optional {refreshToken}): signs the user out everywhere
//! (GlobalSignOut), then, when given, revokes the refresh token (RevokeToken).
use super::input;
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::router::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["invalid_refresh_token"];

#[derive(Deserialize, Default, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "LogoutRequest")]
pub struct Request {
    /// Also revoke this refresh token (optional; GlobalSignOut already ends every session).
    #[schemars(length(min = 1, max = 8192), regex(pattern = crate::routes::input::OPAQUE_PATTERN))]
    pub refresh_token: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "LogoutResponse")]
pub struct Response {
    pub signed_out: bool,
    pub refresh_token_revoked: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.optional_body()?;
    if let Some(t) = &b.refresh_token {
        input::opaque("refreshToken", t, input::MAX_TOKEN)?;
    }
    let cognito = &ctx.state.cognito;
    let secret = match &b.refresh_token {
        Some(_) => cognito.client_secret().await?,
        None => None,
    };
    // Sign out everywhere first: revoking the refresh token first would also kill the access
    // token this call needs.
    cognito.global_sign_out(ctx.access_token()?).await?;
    if let Some(t) = &b.refresh_token {
        match cognito.revoke_token(t, secret).await {
            Ok(()) => {}
            // Already dead: GlobalSignOut has just invalidated every refresh token of the user.
            Err(e) if e.kind == K::NotAuthorized => {}
            Err(e) if e.kind == K::InvalidParameter || e.code == "UnsupportedTokenTypeException" => {
                return Err(ApiError::validation("refreshToken", "is not a refresh token"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Reply::ok(StatusCode::OK, &Response { signed_out: true, refresh_token_revoked: b.refresh_token.is_some() }))
}
