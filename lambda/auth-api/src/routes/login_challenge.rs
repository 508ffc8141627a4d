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
    #[schemars(length(min = 1, max = crate::routes::challenge_session::MAX_SEALED), regex(pattern = crate::routes::input::OPAQUE_PATTERN))]
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
    // Refused alike, before any Cognito call, whatever the session stands for: altered or foreign,
    // answered with another challenge name than the one it was given for, or expired.
    let sealed = challenge_session::open(&key, &b.session, &b.challenge, challenge_session::now(), ctx.state.auth_session_validity)?;
    if sealed.kind == Kind::Select {
        // Unreachable: a SELECT_CHALLENGE session is sealed for that name, refused above.
        return Err(ApiError::InvalidSession);
    }
    let username = sealed.username;
    let hash = cognito.secret_hash(&username).await?;
    let responses = vec![("USERNAME", username.as_str()), (answer_key, answer.as_str())];
    let result = cognito.respond_to_challenge(challenge.clone(), &sealed.session, responses, hash, &ctx.caller).await;
    let as_wrong_answer = || if challenge == ChallengeNameType::WebAuthn { ApiError::InvalidPasskey } else { ApiError::InvalidCode };
    let wrong = |e: CognitoError| -> ApiError {
        match (&challenge, e.kind) {
            // Outages and request-rate throttling look the same for every session.
            (_, K::Unavailable | K::TriggerFailed | K::TooManyRequests | K::Undeclared) => e.into(),
            // A per-user limit only a real account meets: answered as a wrong answer, as a
            // stand-in's answer is (logged without the account).
            (_, K::LimitExceeded) => {
                tracing::info!(cognito_error = %e.code, "per-user limit on a challenge answer; answered as a wrong answer");
                as_wrong_answer()
            }
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
    if sealed.kind == Kind::Decoy {
        // Cognito was asked as for a real session (same calls, same time); whatever it said, the
        // answer is that of a wrong code or a refused passkey.
        return Err(match result {
            Err(e) if matches!(e.kind, K::Unavailable | K::TriggerFailed | K::TooManyRequests) => e.into(),
            _ => as_wrong_answer(),
        });
    }
    let outcome = result.map_err(wrong)?;
    auth_reply(ctx, outcome, &key, &username)
}
