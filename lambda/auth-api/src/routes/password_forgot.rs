//! POST /auth/password/forgot {email}: starts a reset. The same 202 and body whether or not the
//! email has an account (or a verified address), so it cannot be used to enumerate accounts.
use super::input;
use super::output::CodeSentResponse;
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use schemars::JsonSchema;
use serde::Deserialize;

pub type Response = CodeSentResponse;
pub const STATUS: u16 = 202;
pub const ERRORS: &[&str] = &[];

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "PasswordForgotRequest")]
pub struct Request {
    #[schemars(length(max = 254), regex(pattern = crate::routes::input::EMAIL_PATTERN))]
    pub email: String,
}

pub const MESSAGE: &str = "If the address has an account, a password reset code has been sent to it";

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    let email = input::email(&b.email)?;
    let cognito = &ctx.state.cognito;
    let hash = cognito.secret_hash(&email).await?;
    match cognito.forgot_password(&email, hash).await {
        Ok(()) => {}
        // Unknown user, or no verified address to send to: invisible to the caller.
        Err(e) if matches!(e.kind, K::UserNotFound | K::InvalidParameter | K::NotAuthorized) => {
            tracing::debug!(cognito_error = %e.code, "forgot-password code not sent");
        }
        // A per-user limit exists only for real users: see super::output::per_user_limit_hidden.
        Err(e) if e.kind == K::LimitExceeded => super::output::per_user_limit_hidden(&e),
        Err(e) => return Err(e.into()),
    }
    Ok(CodeSentResponse::reply(MESSAGE, &email))
}
