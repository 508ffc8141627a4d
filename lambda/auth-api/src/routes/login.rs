//! POST /auth/login {email, password}: tokens, or a challenge (MFA, new password) to answer at
//! /auth/login/challenge. Unknown user and wrong password give byte-identical 401s.
use super::input;
use super::output::auth_reply;
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use schemars::JsonSchema;
use serde::Deserialize;

pub type Response = super::output::LoginResponse;
pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["invalid_credentials", "user_not_confirmed", "password_reset_required"];

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "LoginRequest")]
pub struct Request {
    #[schemars(length(max = 254), regex(pattern = crate::routes::input::EMAIL_PATTERN))]
    pub email: String,
    #[schemars(length(min = 1, max = 256), regex(pattern = crate::routes::input::PASSWORD_PATTERN))]
    pub password: String,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    let email = input::email(&b.email)?;
    input::password("password", &b.password)?;
    let cognito = &ctx.state.cognito;
    let hash = cognito.secret_hash(&email).await?;
    let outcome = cognito.password_login(&email, &b.password, hash, &ctx.caller).await.map_err(|e| match e.kind {
        K::NotAuthorized | K::UserNotFound => ApiError::InvalidCredentials,
        _ => e.into(),
    })?;
    auth_reply(ctx, outcome, &cognito.challenge_key().await?, &email)
}
