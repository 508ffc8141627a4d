//! POST /auth/login/challenge {email, challenge, session, answer | credential}: finishes a login
//! that answered a challenge. Cognito is answered for the account sealed inside `session` by login
//! (its actual username, see `challenge_session`), never for a name the client sends; `email` is
//! validated only.
//! - `SOFTWARE_TOKEN_MFA` / `EMAIL_OTP`: `answer` is the code. A wrong code is a 400 `invalid_code`
//!   (a TOTP code already used once: 400 `expired_code`) and the same session may be retried as far
//!   as Cognito allows; an exhausted or expired session is a 401 `invalid_session`.
//! - `NEW_PASSWORD_REQUIRED`: `answer` is the new password.
//! - (`SELECT_CHALLENGE` from `/auth/login/start` is answered by calling `/auth/login/start` again
//!   with `preferredChallenge`: one Cognito call per request, so one count against the
//!   UserAuthentication quota, see lib/cognito-quotas.ts.)
//! - `WEB_AUTHN`: `credential` is the browser's AuthenticationResponseJSON. Any refusal is a 401
//!   `invalid_passkey` with no detail (wrong origin, bad signature, replayed or expired challenge,
//!   another account's passkey all look the same to the caller).
//!
//! Challenge names and responses: ChallengeResponses of
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html>
//! (`EMAIL_OTP_CODE`; `CREDENTIAL` = the AuthenticationResponseJSON as text; `USERNAME` and
//! `SECRET_HASH` always).
use super::challenge_session::{self, Kind};
use super::input;
use super::output::auth_reply;
use crate::cognito::{CognitoError, CognitoErrorKind as K};
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use schemars::JsonSchema;
use serde::Deserialize;

pub type Response = super::output::LoginResponse;
pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["invalid_code", "expired_code", "invalid_session", "invalid_password", "invalid_passkey"];

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "LoginChallengeRequest")]
pub struct Request {
    #[schemars(length(max = 254), regex(pattern = crate::routes::input::EMAIL_PATTERN))]
    pub email: String,
    /// The `challenge` login (or login/start) answered.
    #[schemars(extend("enum" = ["SOFTWARE_TOKEN_MFA", "NEW_PASSWORD_REQUIRED", "EMAIL_OTP", "WEB_AUTHN"]))]
    pub challenge: String,
    /// The `session` login answered.
    #[schemars(length(min = 1, max = 4096), regex(pattern = crate::routes::input::OPAQUE_PATTERN))]
    pub session: String,
    /// The TOTP code, the new password, or the emailed code. Not for `WEB_AUTHN`.
    #[schemars(length(min = 1, max = 256), regex(pattern = crate::routes::input::PASSWORD_PATTERN))]
    pub answer: Option<String>,
    /// `WEB_AUTHN` only: the AuthenticationResponseJSON of `navigator.credentials.get`.
    #[schemars(with = "Option<std::collections::BTreeMap<String, serde_json::Value>>")]
    pub credential: Option<serde_json::Value>,
}

const CHALLENGES: &str = "must be SOFTWARE_TOKEN_MFA, NEW_PASSWORD_REQUIRED, EMAIL_OTP or WEB_AUTHN";

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    input::email(&b.email)?;
    input::opaque("session", &b.session, input::MAX_SESSION)?;
    let answer = || b.answer.as_deref().ok_or_else(|| ApiError::validation("answer", "is required"));
    let (challenge, answer_key, answer) = match b.challenge.as_str() {
        "SOFTWARE_TOKEN_MFA" => (ChallengeNameType::SoftwareTokenMfa, "SOFTWARE_TOKEN_MFA_CODE", input::code("answer", answer()?)?),
        "EMAIL_OTP" => (ChallengeNameType::EmailOtp, "EMAIL_OTP_CODE", input::code("answer", answer()?)?),
        "NEW_PASSWORD_REQUIRED" => {
            let a = answer()?;
            input::password("answer", a)?;
            input::new_password(ctx.state.password_policy.as_ref(), a)?;
            (ChallengeNameType::NewPasswordRequired, "NEW_PASSWORD", a.to_string())
        }
        "WEB_AUTHN" => {
            let credential = match &b.credential {
                Some(c @ serde_json::Value::Object(_)) => c,
                Some(_) => return Err(ApiError::validation("credential", "must be the AuthenticationResponseJSON object")),
                None => return Err(ApiError::validation("credential", "is required")),
            };
            (ChallengeNameType::WebAuthn, "CREDENTIAL", credential.to_string())
        }
        "SELECT_CHALLENGE" => {
            return Err(ApiError::validation("challenge", "answer SELECT_CHALLENGE with POST /auth/login/start {email, preferredChallenge}"))
        }
        _ => return Err(ApiError::validation("challenge", CHALLENGES)),
    };
    let cognito = &ctx.state.cognito;
    let key = cognito.challenge_key().await?;
    let (kind, username, session) = challenge_session::open_kind(&key, &b.session)?;
    let first_factor = matches!(challenge, ChallengeNameType::EmailOtp | ChallengeNameType::WebAuthn);
    if kind == Kind::Select || (kind == Kind::Decoy && !first_factor) {
        return Err(ApiError::InvalidSession);
    }
    let hash = cognito.secret_hash(&username).await?;
    let responses = vec![("USERNAME", username.as_str()), (answer_key, answer.as_str())];
    let result = cognito.respond_to_challenge(challenge.clone(), &session, responses, hash, &ctx.caller).await;
    let wrong = |e: CognitoError| -> ApiError {
        match (&challenge, e.kind) {
            // Outages and throttling look the same for every session.
            (_, K::Unavailable | K::TriggerFailed | K::TooManyRequests | K::LimitExceeded | K::Undeclared) => e.into(),
            (ChallengeNameType::WebAuthn, _) => {
                tracing::info!(cognito_error = %e.code, "passkey assertion refused");
                ApiError::InvalidPasskey
            }
            (_, K::CodeMismatch) => ApiError::InvalidCode,
            // A TOTP code already used once: wait for the next one; the session stays usable.
            (_, K::ExpiredCode) => ApiError::ExpiredCode,
            (_, K::NotAuthorized | K::UserNotFound) => ApiError::InvalidSession,
            _ => e.into(),
        }
    };
    if kind == Kind::Decoy {
        // Cognito was asked as for a real session (same calls, same time); whatever it said, the
        // answer is that of a wrong code or a refused passkey.
        return Err(match result {
            Err(e) if matches!(e.kind, K::Unavailable | K::TriggerFailed | K::TooManyRequests | K::LimitExceeded) => e.into(),
            _ if challenge == ChallengeNameType::WebAuthn => ApiError::InvalidPasskey,
            _ => ApiError::InvalidCode,
        });
    }
    let outcome = result.map_err(wrong)?;
    Ok(auth_reply(ctx, outcome, &key, &username))
}
