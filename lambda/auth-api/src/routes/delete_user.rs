//! DELETE /auth/user (Bearer) {currentPassword}: deletes the caller's own account, once Cognito has
//! confirmed the current password (see `reauth`). Afterwards login fails and the account's tokens
//! are refused. Cognito calls: AdminInitiateAuth then DeleteUser; GetUser only when the password
//! check fails (to answer `invalid_token` for a token Cognito refuses). In browser session mode the
//! answer also clears the session cookie.
use super::reauth;
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["incorrect_password"];

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "DeleteUserRequest")]
pub struct Request {
    /// The account's current password: a stolen access token alone cannot delete the account.
    #[schemars(length(min = 1, max = 256), regex(pattern = crate::routes::input::PASSWORD_PATTERN))]
    pub current_password: String,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "DeleteUserResponse")]
pub struct Response {
    pub deleted: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    let token = reauth::token_with_current_password(ctx, &b.current_password).await?;
    ctx.state.cognito.delete_user(token).await?;
    let mut reply = Reply::ok(StatusCode::OK, &Response { deleted: true });
    super::output::clear_session_cookie(ctx, &mut reply);
    Ok(reply)
}
