//! POST /auth/logout (Bearer, optional {refreshToken}): signs the user out everywhere
//! (GlobalSignOut) and, when given, revokes the refresh token (RevokeToken).
use super::input;
use crate::error::ApiError;
use crate::router::{Ctx, Reply};
use http::StatusCode;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Body {
    refresh_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignedOut {
    signed_out: bool,
    refresh_token_revoked: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Body = ctx.optional_body()?;
    if let Some(t) = &b.refresh_token {
        input::opaque("refreshToken", t, input::MAX_TOKEN)?;
    }
    let cognito = &ctx.state.cognito;
    if let Some(t) = &b.refresh_token {
        // Revoke first: it needs the session GlobalSignOut would end.
        cognito.revoke_token(t).await.map_err(|e| match e {
            ApiError::InvalidToken => ApiError::InvalidRefreshToken,
            other => other,
        })?;
    }
    cognito.global_sign_out(ctx.access_token()?).await?;
    Ok(Reply::ok(StatusCode::OK, &SignedOut { signed_out: true, refresh_token_revoked: b.refresh_token.is_some() }))
}
