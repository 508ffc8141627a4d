//! DELETE /auth/user (Bearer): deletes the caller's own account. Afterwards login fails and the
//! account's tokens are refused.
use crate::error::ApiError;
use crate::router::{Ctx, Reply};
use http::StatusCode;
use serde::Serialize;

#[derive(Serialize)]
struct Deleted {
    deleted: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    ctx.state.cognito.delete_user(ctx.access_token()?).await?;
    Ok(Reply::ok(StatusCode::OK, &Deleted { deleted: true }))
}
