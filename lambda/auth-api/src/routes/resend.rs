//! POST /auth/resend {email}: a new confirmation code; the same answer for unknown or already
//! confirmed addresses.
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
#[schemars(rename = "ResendRequest")]
pub struct Request {
    #[schemars(length(max = 254), regex(pattern = crate::routes::input::EMAIL_PATTERN))]
    pub email: String,
}

pub const MESSAGE: &str = "If the address has an unconfirmed account, a new code has been sent to it";

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    let email = input::email(&b.email)?;
    let cognito = &ctx.state.cognito;
    let hash = cognito.secret_hash(&email).await?;
    match cognito.resend_confirmation_code(&email, hash).await {
        Ok(()) => {}
        // Unknown, or already confirmed ("User is already confirmed."): invisible to the caller.
        Err(e) if matches!(e.kind, K::UserNotFound | K::InvalidParameter | K::NotAuthorized) => {}
        // A per-user limit exists only for real users: see super::output::per_user_limit_hidden.
        Err(e) if e.kind == K::LimitExceeded => super::output::per_user_limit_hidden(&e),
        Err(e) => return Err(e.into()),
    }
    Ok(CodeSentResponse::reply(MESSAGE, &email))
}
