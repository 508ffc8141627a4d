//! POST /auth/refresh {refreshToken, username}: new access and id tokens. `username` is the
//! Cognito username returned by login (the user's `sub`), not the email: with a client secret,
//! Cognito checks SECRET_HASH against the username the refresh token belongs to.
use super::input;
use super::output::tokens;
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::router::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::Deserialize;

pub type Response = super::output::TokenResponse;
pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["invalid_refresh_token"];

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "RefreshRequest")]
pub struct Request {
    #[schemars(length(min = 1, max = 8192), regex(pattern = crate::routes::input::OPAQUE_PATTERN))]
    pub refresh_token: String,
    /// The `username` login answered (the user's `sub`), not the email.
    #[schemars(length(min = 1, max = 128), regex(pattern = crate::routes::input::USERNAME_PATTERN))]
    pub username: String,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    input::opaque("refreshToken", &b.refresh_token, input::MAX_TOKEN)?;
    input::username(&b.username)?;
    let cognito = &ctx.state.cognito;
    let hash = cognito.secret_hash(&b.username).await?;
    let t = cognito.refresh(&b.refresh_token, hash, &ctx.caller).await.map_err(|e| match e.kind {
        K::NotAuthorized | K::UserNotFound => ApiError::InvalidRefreshToken,
        _ => e.into(),
    })?;
    Ok(Reply::ok(StatusCode::OK, &tokens(t)))
}
