//! DELETE /auth/user (Bearer): deletes the caller's own account. Afterwards login fails and the
//! account's tokens are refused.
use crate::error::ApiError;
use crate::router::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &[];

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "DeleteUserResponse")]
pub struct Response {
    pub deleted: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    ctx.state.cognito.delete_user(ctx.access_token()?).await?;
    Ok(Reply::ok(StatusCode::OK, &Response { deleted: true }))
}
