//! POST /auth/register {email, password}: creates an unconfirmed user and sends a code.
//! The answer does not reveal whether the email is taken: an existing account gets the same 202
//! and body, after the same single Cognito call (SignUp), so neither the answer nor its cost tells
//! the cases apart. An unconfirmed owner who lost the code asks /auth/resend for a new one.
use super::input;
use super::output::CodeSentResponse;
use crate::cognito::{CognitoError, CognitoErrorKind};
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use schemars::JsonSchema;
use serde::Deserialize;

pub type Response = CodeSentResponse;
pub const STATUS: u16 = 202;
pub const ERRORS: &[&str] = &["invalid_password", "sign_up_not_allowed"];

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
    if let Some(domains) = &ctx.state.sign_up_email_domains {
        if !domains.allows(&email) {
            return Err(ApiError::SignUpNotAllowed);
        }
    }
    // Before any Cognito call: the same 400 whether or not the address has an account.
    input::new_password(ctx.state.password_policy.as_ref(), &b.password)?;
    let cognito = &ctx.state.cognito;
    let hash = cognito.secret_hash(&email).await?;
    match cognito.sign_up(&email, &b.password, hash).await {
        // Taken: the same answer as a new account, and no second call (a second round trip would
        // be measurable from outside).
        Ok(()) | Err(CognitoError { kind: CognitoErrorKind::UsernameExists, .. }) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(CodeSentResponse::reply(MESSAGE, &email))
}
