//! POST /auth/password/change (Bearer) {currentPassword, newPassword}.
//! A wrong current password is 401 incorrect_password (Cognito answers NotAuthorized for it).
use super::input;
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::router::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["incorrect_password", "invalid_password"];

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "PasswordChangeRequest")]
pub struct Request {
    #[schemars(length(min = 1, max = 256), regex(pattern = crate::routes::input::PASSWORD_PATTERN))]
    pub current_password: String,
    #[schemars(length(min = 1, max = 256), regex(pattern = crate::routes::input::PASSWORD_PATTERN))]
    pub new_password: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "PasswordChangeResponse")]
pub struct Response {
    pub password_changed: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    input::password("currentPassword", &b.current_password)?;
    input::password("newPassword", &b.new_password)?;
    ctx.state
        .cognito
        .change_password(ctx.access_token()?, &b.current_password, &b.new_password)
        .await
        .map_err(|e| match e.kind {
            K::NotAuthorized => ApiError::IncorrectPassword,
            _ => e.into(),
        })?;
    Ok(Reply::ok(StatusCode::OK, &Response { password_changed: true }))
}
