//! POST /auth/verify {email, code}: confirms a registration. An unknown address and an already
//! confirmed account both answer exactly as a wrong code does (400 `invalid_code`), so the route
//! cannot tell which addresses have confirmed accounts; a frontend that wants to know simply logs in.
//! Cognito's per-user limits on ConfirmSignUp (LimitExceeded, TooManyFailedAttempts) answer as a
//! wrong code too: an unknown address never meets them.
use super::input;
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["invalid_code", "expired_code"];

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "VerifyRequest")]
pub struct Request {
    #[schemars(length(max = 254), regex(pattern = crate::routes::input::EMAIL_PATTERN))]
    pub email: String,
    /// The code emailed at registration.
    #[schemars(regex(pattern = crate::routes::input::CODE_PATTERN))]
    pub code: String,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "VerifyResponse")]
pub struct Response {
    pub confirmed: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    let email = input::email(&b.email)?;
    let code = input::code("code", &b.code)?;
    let cognito = &ctx.state.cognito;
    let hash = cognito.secret_hash(&email).await?;
    cognito.confirm_sign_up(&email, &code, hash).await.map_err(|e| match e.kind {
        // An unknown email, and a confirmed account ("User cannot be confirmed. Current status is
        // CONFIRMED"), look like a wrong code: no account enumeration.
        K::UserNotFound | K::CodeMismatch | K::NotAuthorized => ApiError::InvalidCode,
        // A per-user limit (LimitExceeded, TooManyFailedAttempts) only a real account meets: as a wrong code.
        K::LimitExceeded => super::output::per_user_limit_as_wrong_code(&e),
        _ => e.into(),
    })?;
    Ok(Reply::ok(StatusCode::OK, &Response { confirmed: true }))
}
