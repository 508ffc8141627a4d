//! POST /auth/password/change (Bearer) {currentPassword, newPassword}.
//! A wrong current password is 401 incorrect_password. Cognito answers NotAuthorized both for a
//! wrong previous password and for a revoked (signed-out) access token, which API Gateway's JWT
//! authorizer cannot see; so after a NotAuthorized the handler asks GetUser with the same token:
//! refused there too means the token is dead (401 invalid_token), else the password was wrong.
use super::input;
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
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
    input::new_password(ctx.state.password_policy.as_ref(), &b.new_password)?;
    let cognito = &ctx.state.cognito;
    let token = ctx.access_token()?;
    match cognito.change_password(token, &b.current_password, &b.new_password).await {
        Ok(()) => {}
        Err(e) if e.kind == K::NotAuthorized => {
            return Err(match cognito.get_user(token).await {
                Ok(_) => ApiError::IncorrectPassword,
                Err(e) => e.into(),
            });
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Reply::ok(StatusCode::OK, &Response { password_changed: true }))
}
