//! POST /auth/password/change (Bearer) {currentPassword, newPassword}.
//! A wrong current password is 401 incorrect_password (Cognito answers NotAuthorized for it).
use super::input;
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::router::{Ctx, Reply};
use http::StatusCode;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    current_password: String,
    new_password: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Done {
    password_changed: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Body = ctx.body()?;
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
    Ok(Reply::ok(StatusCode::OK, &Done { password_changed: true }))
}
