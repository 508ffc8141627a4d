//! Response bodies shared by several routes.
use crate::cognito::{AuthOutcome, Tokens};
use crate::context::{Ctx, Reply};
use http::header::SET_COOKIE;
use http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;

/// No `Debug`: it holds tokens.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// Login: the session's refresh token. Refresh: its replacement (refresh-token rotation); keep
    /// it instead of the one sent, which stops working after the grace period. Absent only when
    /// an app client without rotation answers a refresh (the token sent then stays valid), and in
    /// browser session mode, where the refresh token is in the `auth_refresh` cookie instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Seconds until the access and id tokens expire.
    pub expires_in: i32,
    /// Always `Bearer`.
    pub token_type: String,
    /// The Cognito username (the user's `sub`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// No `Debug`: it holds the challenge session.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeResponse {
    /// Cognito's challenge name, e.g. `SOFTWARE_TOKEN_MFA` or `NEW_PASSWORD_REQUIRED`.
    pub challenge: String,
    /// Pass back to `/auth/login/challenge` unchanged (it carries the account it belongs to). Not
    /// needed to answer `SELECT_CHALLENGE`.
    pub session: String,
    /// `SELECT_CHALLENGE` only: the first factors the pool offers (the same list for every
    /// address). Answer `WEB_AUTHN` or `EMAIL_OTP` with `POST /auth/login/start {email,
    /// preferredChallenge}`; `PASSWORD` means `POST /auth/login`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_challenges: Option<Vec<String>>,
    /// `WEB_AUTHN` only: PublicKeyCredentialRequestOptionsJSON for `navigator.credentials.get`
    /// (`challenge`, `rpId`, `timeout`, `userVerification`; `allowCredentials` always empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<std::collections::BTreeMap<String, serde_json::Value>>")]
    pub credential_request_options: Option<serde_json::Value>,
    /// `EMAIL_OTP` only: where the code went, masked (`j***@e***`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_delivery_destination: Option<String>,
}

impl ChallengeResponse {
    /// A challenge with its session and nothing else.
    pub fn plain(challenge: String, session: String) -> Self {
        ChallengeResponse { challenge, session, available_challenges: None, credential_request_options: None, code_delivery_destination: None }
    }

    /// The answer: 200 with outcome `challenge` in the audit event.
    pub fn reply(self) -> Reply {
        let mut r = Reply::ok(StatusCode::OK, &LoginResponse::Challenge(self));
        r.outcome = "challenge";
        r
    }
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CodeDelivery {
    /// Always `EMAIL`.
    pub medium: &'static str,
    /// The masked address, e.g. `j***@e***`.
    pub destination: String,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CodeSentResponse {
    pub message: &'static str,
    pub code_delivery: CodeDelivery,
}

impl CodeSentResponse {
    pub fn reply(message: &'static str, email: &str) -> Reply {
        Reply::ok(
            StatusCode::ACCEPTED,
            &CodeSentResponse {
                message,
                code_delivery: CodeDelivery { medium: "EMAIL", destination: crate::routes::input::mask_email(email) },
            },
        )
    }
}

/// For `resend` and `password/forgot`: Cognito's `LimitExceededException` there means "this user
/// asked too often" (ForgotPassword and ResendConfirmationCode document it as "a user exceeds the
/// limit for a requested resource",
/// <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html>,
/// <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResendConfirmationCode.html>),
/// while for an address with no account Cognito only simulates a delivery
/// (<https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html>).
/// Passing it on as 429 would tell a caller that the address has an account, so these routes answer
/// their usual 202 and only the log (no address) records it. Request-rate throttling
/// (`TooManyRequestsException`, the API's own 429) does not depend on the address and stays a 429.
pub fn per_user_limit_hidden(e: &crate::cognito::CognitoError) {
    tracing::info!(cognito_error = %e.code, "per-user limit reached; answered as usual (no account enumeration)");
}

/// For `verify` and `password/reset`: Cognito's per-user limits on ConfirmSignUp and
/// ConfirmForgotPassword (LimitExceededException; TooManyFailedAttemptsException, "too many failed
/// attempts for a given action", both in the service model's errors of the two operations; the
/// quotas page gives 15 ConfirmSignUp and 5 to 20 ConfirmForgotPassword calls per user per hour,
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html>) are met only by real
/// accounts, so a 429 would say the address has one. They are answered as a wrong code (400
/// `invalid_code`, what an unknown address gets); only the log (no address) says which.
pub fn per_user_limit_as_wrong_code(e: &crate::cognito::CognitoError) -> crate::error::ApiError {
    tracing::info!(cognito_error = %e.code, "per-user limit reached; answered as a wrong code (no account enumeration)");
    crate::error::ApiError::InvalidCode
}

/// For `passkeys/register/start` and `register/complete`: Cognito's `LimitExceededException` there
/// is the user's passkey count, not a rate ("a user exceeds the limit for a requested Amazon Web
/// Services resource", the errors of
/// <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html>
/// and <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html>):
/// waiting does not help, so it is a 409 `passkey_limit_reached` without `Retry-After`, not the
/// retryable 429 `limit_exceeded`. The route needs a signed-in user, so it tells no one else anything.
pub fn passkey_limit(e: crate::cognito::CognitoError) -> crate::error::ApiError {
    match e.kind {
        crate::cognito::CognitoErrorKind::LimitExceeded => {
            tracing::info!(cognito_error = %e.code, "passkey limit reached");
            crate::error::ApiError::PasskeyLimitReached
        }
        _ => e.into(),
    }
}

/// The `username` claim of a Cognito access token. The token came straight from Cognito over TLS,
/// so reading the claim needs no signature check here.
pub fn username_claim(access_token: &str) -> Option<String> {
    use base64::Engine;
    let payload = access_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.get("username").or_else(|| v.get("cognito:username")).and_then(|u| u.as_str()).map(str::to_string)
}

pub fn tokens(t: Tokens) -> TokenResponse {
    TokenResponse {
        username: username_claim(&t.access_token),
        access_token: t.access_token,
        id_token: t.id_token,
        refresh_token: t.refresh_token,
        expires_in: t.expires_in,
        token_type: t.token_type,
    }
}

/// A login step's answer: tokens, or a challenge to answer at `/auth/login/challenge`.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum LoginResponse {
    Tokens(TokenResponse),
    Challenge(ChallengeResponse),
}

/// Tokens, or the challenge to answer: never an empty body. A challenge's `session` is sealed with
/// the challenge name and the user's actual Cognito username (see [`super::challenge_session`]):
/// Cognito's `USER_ID_FOR_SRP`, else `username` (what the caller knows: the address at login, the
/// sealed username at a second challenge). In browser session mode the refresh token goes into the
/// session cookie instead of the body ([`token_reply`]).
pub fn auth_reply(ctx: &Ctx<'_>, outcome: AuthOutcome, seal_key: &super::challenge_session::SealKey, username: &str) -> Result<Reply, crate::error::ApiError> {
    use super::challenge_session::{seal, now, Kind, Sealed};
    match outcome {
        AuthOutcome::Tokens(t) => Ok(token_reply(ctx, tokens(t), LoginResponse::Tokens)),
        AuthOutcome::Challenge { name, session, parameters } => {
            let actual = match parameters.get("USER_ID_FOR_SRP") {
                Some(u) => u.as_str(),
                None => {
                    tracing::warn!(challenge = %name, "challenge without USER_ID_FOR_SRP; answering it with the sign-in name");
                    username
                }
            };
            let sealed = seal(seal_key, &Sealed { kind: Kind::Cognito, challenge: name.clone(), username: actual.to_string(), session, issued_at: now() })?;
            Ok(ChallengeResponse::plain(name, sealed).reply())
        }
    }
}

/// A token answer. In browser session mode ([`crate::session_cookie`]) the refresh token leaves
/// the body for the cookie.
pub fn token_reply<T: serde::Serialize>(ctx: &Ctx<'_>, mut body: TokenResponse, wrap: impl FnOnce(TokenResponse) -> T) -> Reply {
    let set = match (&ctx.state.session_cookie, body.refresh_token.take()) {
        (Some(c), Some(t)) => Some(c.set(&ctx.app_cookie_name(), &t)),
        (None, t) => {
            body.refresh_token = t;
            None
        }
        (Some(_), None) => None,
    };
    let mut reply = Reply::ok(StatusCode::OK, &wrap(body));
    if let Some(v) = set {
        reply.response.headers.append(SET_COOKIE, v);
    }
    reply
}

/// In browser session mode, adds the `Set-Cookie` that deletes the cookie (logout, account deletion).
pub fn clear_session_cookie(ctx: &Ctx<'_>, reply: &mut Reply) {
    if let Some(c) = &ctx.state.session_cookie {
        reply.response.headers.append(SET_COOKIE, c.clear(&ctx.app_cookie_name()));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn username_claim_reads_the_payload() {
        use base64::Engine;
        let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let tok = format!("{}.{}.sig", enc("{}"), enc(r#"{"username":"5f1c-sub"}"#));
        assert_eq!(super::username_claim(&tok).as_deref(), Some("5f1c-sub"));
        assert_eq!(super::username_claim("garbage"), None);
    }
}
