//! POST /auth/password/reset {email, code, newPassword}: sets a new password with the reset code.
//! Wrong, expired or never-sent code: 400 invalid_code (one answer: Cognito tells an existing user
//! with no pending code (ExpiredCode) from an unknown address (CodeMismatch), and the API must not);
//! weak password: 400 invalid_password, checked against the pool's policy before Cognito is called.
//! Cognito's per-user limits on ConfirmForgotPassword (LimitExceeded, TooManyFailedAttempts) answer as
//! a wrong code too: an unknown address never meets them.
use super::input;
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["invalid_code", "invalid_password"];

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "PasswordResetRequest")]
pub struct Request {
    #[schemars(length(max = 254), regex(pattern = crate::routes::input::EMAIL_PATTERN))]
    pub email: String,
    /// The emailed reset code.
    #[schemars(regex(pattern = crate::routes::input::CODE_PATTERN))]
    pub code: String,
    #[schemars(length(min = 1, max = 256), regex(pattern = crate::routes::input::PASSWORD_PATTERN))]
    pub new_password: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "PasswordResetResponse")]
pub struct Response {
    pub password_reset: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    let email = input::email(&b.email)?;
    let code = input::code("code", &b.code)?;
    input::password("newPassword", &b.new_password)?;
    input::new_password(ctx.state.password_policy.as_ref(), &b.new_password)?;
    let cognito = &ctx.state.cognito;
    let hash = cognito.secret_hash(&email).await?;
    cognito.confirm_forgot_password(&email, &code, &b.new_password, hash).await.map_err(|e| match e.kind {
        K::UserNotFound | K::CodeMismatch | K::ExpiredCode | K::NotAuthorized => ApiError::InvalidCode,
        // A per-user limit (LimitExceeded, TooManyFailedAttempts) only a real account meets: as a wrong code.
        K::LimitExceeded => super::output::per_user_limit_as_wrong_code(&e),
        _ => e.into(),
    })?;
    Ok(Reply::ok(StatusCode::OK, &Response { password_reset: true }))
}
