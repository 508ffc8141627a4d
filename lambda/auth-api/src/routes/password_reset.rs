//! POST /auth/password/reset {email, code, newPassword}: sets a new password with the reset code.
//! Wrong code: 400 invalid_code; expired code: 400 expired_code; weak password: 400 invalid_password.
use super::input;
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::router::{Ctx, Reply};
use http::StatusCode;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    email: String,
    code: String,
    new_password: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Done {
    password_reset: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Body = ctx.body()?;
    let email = input::email(&b.email)?;
    let code = input::code("code", &b.code)?;
    input::password("newPassword", &b.new_password)?;
    let cognito = &ctx.state.cognito;
    let hash = cognito.secret_hash(&email).await?;
    cognito.confirm_forgot_password(&email, &code, &b.new_password, hash).await.map_err(|e| match e.kind {
        K::UserNotFound | K::CodeMismatch | K::NotAuthorized => ApiError::InvalidCode,
        _ => e.into(),
    })?;
    Ok(Reply::ok(StatusCode::OK, &Done { password_reset: true }))
}
