//! POST /auth/register {email, password}: creates an unconfirmed user and sends a code.
//! By default the answer does not reveal whether the email is taken: an existing account gets the
//! same 202 and body (and, if still unconfirmed, a fresh code), so the register form cannot be
//! used to enumerate accounts.
use super::input;
use super::output::CodeSentResponse;
use crate::cognito::CognitoErrorKind;
use crate::error::ApiError;
use crate::router::{Ctx, Reply};
use schemars::JsonSchema;
use serde::Deserialize;

pub type Response = CodeSentResponse;
pub const STATUS: u16 = 202;
pub const ERRORS: &[&str] = &["invalid_password"];

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "RegisterRequest")]
pub struct Request {
    /// The address to register; it becomes the sign-in name.
    #[schemars(length(max = 254), regex(pattern = crate::routes::input::EMAIL_PATTERN))]
    pub email: String,
    /// Checked against the user pool's password policy.
    #[schemars(length(min = 1, max = 256), regex(pattern = crate::routes::input::PASSWORD_PATTERN))]
    pub password: String,
}

pub const MESSAGE: &str = "If the address can be registered, a confirmation code has been sent to it";

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    let email = input::email(&b.email)?;
    input::password("password", &b.password)?;
    let cognito = &ctx.state.cognito;
    let hash = cognito.secret_hash(&email).await?;
    match cognito.sign_up(&email, &b.password, hash.clone()).await {
        Ok(()) => {}
        Err(e) if e.kind == CognitoErrorKind::UsernameExists => {
            // Same answer as a new account. An unconfirmed owner gets a new code; for a confirmed
            // one Cognito refuses, which stays invisible here.
            if let Err(e) = cognito.resend_confirmation_code(&email, hash).await {
                tracing::debug!(cognito_error = %e.code, "resend after existing sign-up not sent");
            }
        }
        Err(e) => return Err(e.into()),
    }
    Ok(CodeSentResponse::reply(MESSAGE, &email))
}
