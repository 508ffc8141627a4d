//! POST /auth/login/start {email, preferredChallenge?}: sign-in without a password. Without a
//! preference: `SELECT_CHALLENGE` with the first factors the pool offers (no Cognito call, the same
//! answer for every address). With `WEB_AUTHN` or `EMAIL_OTP`: that factor's challenge, started
//! with Cognito's choice-based flow (see `first_factor`), answered at `/auth/login/challenge`; a
//! factor the pool does not offer (`EMAIL_OTP` without Amazon SES) is a 400 before any Cognito call.
use super::first_factor::{self, Factor};
use super::input;
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use schemars::JsonSchema;
use serde::Deserialize;

pub type Response = super::output::LoginResponse;
pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &[];

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "LoginStartRequest")]
pub struct Request {
    #[schemars(length(max = 254), regex(pattern = crate::routes::input::EMAIL_PATTERN))]
    pub email: String,
    /// Skip the choice: `WEB_AUTHN` (passkey) or `EMAIL_OTP` (emailed code). Password sign-in is
    /// `POST /auth/login`.
    #[schemars(extend("enum" = ["WEB_AUTHN", "EMAIL_OTP"]))]
    pub preferred_challenge: Option<String>,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    let email = input::email(&b.email)?;
    match b.preferred_challenge.as_deref() {
        None => first_factor::select(ctx, &ctx.state.cognito.challenge_key().await?, &email),
        Some(p) => first_factor::start(ctx, &email, Factor::parse_offered("preferredChallenge", p, &ctx.state.passkeys)?).await,
    }
}
