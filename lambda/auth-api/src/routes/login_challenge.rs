//! POST /auth/login/challenge {email, challenge, session, answer}: finishes a login that answered
//! a challenge. Cognito is answered for the account sealed inside `session` by login (its actual
//! username, see `challenge_session`), never for a name the client sends; `email` is validated only. A wrong TOTP code is a 400 `invalid_code` (a code already used once: 400
//! `expired_code`) and the same session may be retried as far as Cognito allows; an exhausted or expired session is a 401 `invalid_session`.
use super::output::auth_reply;
use super::{challenge_session, input};
use crate::password_policy::PasswordPolicy;
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::router::{Ctx, Reply};
use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use schemars::JsonSchema;
use serde::Deserialize;

pub type Response = super::output::LoginResponse;
pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["invalid_code", "expired_code", "invalid_session", "invalid_password"];

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "LoginChallengeRequest")]
pub struct Request {
    #[schemars(length(max = 254), regex(pattern = crate::routes::input::EMAIL_PATTERN))]
    pub email: String,
    /// The `challenge` login answered: `SOFTWARE_TOKEN_MFA` or `NEW_PASSWORD_REQUIRED`.
    #[schemars(extend("enum" = ["SOFTWARE_TOKEN_MFA", "NEW_PASSWORD_REQUIRED"]))]
    pub challenge: String,
    /// The `session` login answered.
    #[schemars(length(min = 1, max = 4096), regex(pattern = crate::routes::input::OPAQUE_PATTERN))]
    pub session: String,
    /// The TOTP code, or the new password.
    #[schemars(length(min = 1, max = 256), regex(pattern = crate::routes::input::PASSWORD_PATTERN))]
    pub answer: String,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    input::email(&b.email)?;
    input::opaque("session", &b.session, input::MAX_SESSION)?;
    let (challenge, answer_key, answer) = match b.challenge.as_str() {
        "SOFTWARE_TOKEN_MFA" => {
            (ChallengeNameType::SoftwareTokenMfa, "SOFTWARE_TOKEN_MFA_CODE", input::code("answer", &b.answer)?)
        }
        "NEW_PASSWORD_REQUIRED" => {
            input::password("answer", &b.answer)?;
            PasswordPolicy::check(ctx.state.password_policy.as_ref(), &b.answer)?;
            (ChallengeNameType::NewPasswordRequired, "NEW_PASSWORD", b.answer.clone())
        }
        _ => {
            return Err(ApiError::validation("challenge", "must be SOFTWARE_TOKEN_MFA or NEW_PASSWORD_REQUIRED"));
        }
    };
    let cognito = &ctx.state.cognito;
    let key = cognito.challenge_key().await?;
    let (username, session) = challenge_session::open(&key, &b.session)?;
    let hash = cognito.secret_hash(&username).await?;
    let responses = vec![("USERNAME", username.as_str()), (answer_key, answer.as_str())];
    let outcome = cognito
        .respond_to_challenge(challenge, &session, responses, hash, &ctx.caller)
        .await
        .map_err(|e| match e.kind {
            K::CodeMismatch => ApiError::InvalidCode,
            // A TOTP code already used once: wait for the next one; the session stays usable.
            K::ExpiredCode => ApiError::ExpiredCode,
            K::NotAuthorized | K::UserNotFound => ApiError::InvalidSession,
            _ => e.into(),
        })?;
    Ok(auth_reply(ctx, outcome, &key, &username))
}
