//! Choice-based sign-in without a password: a passkey (`WEB_AUTHN`) or an emailed one-time code
//! (`EMAIL_OTP`), through Cognito's `USER_AUTH` flow. Used by `/auth/login/start` and by
//! `/auth/login/challenge` (the `SELECT_CHALLENGE` answer and the two factors' answers).
//!
//! No account enumeration, by construction:
//! - `SELECT_CHALLENGE` is the API's own step and calls no Cognito operation: its
//!   `availableChallenges` is the pool's list of first factors (`FIRST_AUTH_FACTORS`, see
//!   [`offered`]), the same for every address. (Cognito's own list is per user: which factors the
//!   account has set up.) A factor the pool does not offer (`EMAIL_OTP` without Amazon SES) is
//!   refused before any Cognito call, the same way for every address.
//! - Asking for one factor always calls AdminInitiateAuth `USER_AUTH` with `PREFERRED_CHALLENGE`,
//!   and always answers that factor's challenge shape. Where Cognito answered something else (it
//!   answers an address with no account with a *random* challenge type of those the pool allows,
//!   <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html>;
//!   an account without a passkey, or with MFA, does not get `WEB_AUTHN`; an unconfirmed account
//!   is refused), or refused the address with an error only a real account can meet (a per-user
//!   `LimitExceededException`, an `InvalidParameterException`), the API answers a *stand-in*: the
//!   same shape, sealed as one (see `challenge_session`: the value is encrypted and padded to
//!   fixed sizes, so a stand-in cannot be told from a real session by its value). An answer to a
//!   stand-in still goes to Cognito (so it costs the same calls) and then fails exactly like a
//!   wrong answer. Request-rate throttling (`TooManyRequestsException`) and outages do not depend
//!   on the address and stay 429 and 503.
//! - The passkey request options are rebuilt by the API: Cognito's `challenge`, and the pool's
//!   relying-party id, user-verification setting and session timeout. `allowCredentials` is
//!   always empty: Cognito's list would name the account's credential ids (and count them). The
//!   browser then offers the discoverable credentials (passkeys) it holds for the relying party
//!   (<https://web.dev/articles/webauthn-discoverable-credentials>). A stand-in's challenge has
//!   the length and encoding of the real ones the function has passed on ([`crate::stand_in`]).
//! - The code destination is the API's own mask of the address, as for the other code routes.
//! - The username sealed for the answer is Cognito's `USERNAME` challenge parameter. No AWS page
//!   lists it among the `USER_AUTH` challenges' parameters, so where Cognito gives none the API
//!   answers with the address as the user typed it, as AWS's Amplify library does
//!   (`challengeParameters?.USERNAME ?? username`), and logs that it did.
use super::challenge_session::{self, Kind, SealKey, Sealed};
use super::output::ChallengeResponse;
use crate::cognito::{AuthOutcome, CognitoErrorKind as K};
use crate::context::{Ctx, Reply};
use crate::error::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use std::collections::HashMap;

/// The order in which `SELECT_CHALLENGE` lists the factors the pool offers (passwordless first).
const LISTING_ORDER: &[&str] = &["WEB_AUTHN", "EMAIL_OTP", "PASSWORD"];

/// The first factors the pool allows (`SignInPolicy.AllowedFirstAuthFactors`, given to the
/// function as `FIRST_AUTH_FACTORS`), in [`LISTING_ORDER`]: the `availableChallenges` of every
/// `SELECT_CHALLENGE`.
pub fn offered(settings: &crate::config::PasskeySettings) -> Vec<String> {
    LISTING_ORDER.iter().filter(|f| settings.first_factors.iter().any(|g| g == *f)).map(|f| f.to_string()).collect()
}

/// `timeout` of the passkey request options, in milliseconds: the sign-in session lifetime
/// ([`crate::config::Config::auth_session_validity`], `authSessionValidityMinutes` of
/// cdk/user-pool.json).
pub fn webauthn_timeout_ms(ctx: &Ctx<'_>) -> u64 {
    ctx.state.auth_session_validity.as_millis() as u64
}

/// A first factor this API starts through `USER_AUTH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    WebAuthn,
    EmailOtp,
}

impl Factor {
    pub fn parse(field: &'static str, v: &str) -> Result<Factor, ApiError> {
        match v {
            "WEB_AUTHN" => Ok(Factor::WebAuthn),
            "EMAIL_OTP" => Ok(Factor::EmailOtp),
            "PASSWORD" => Err(ApiError::validation(field, "PASSWORD sign-in is POST /auth/login; choose WEB_AUTHN or EMAIL_OTP here")),
            _ => Err(ApiError::validation(field, "must be WEB_AUTHN or EMAIL_OTP")),
        }
    }

    /// [`Factor::parse`], and the pool must offer the factor: `EMAIL_OTP` needs the pool to send
    /// email through Amazon SES, so a pool on Cognito's default sender does not offer it.
    pub fn parse_offered(field: &'static str, v: &str, settings: &crate::config::PasskeySettings) -> Result<Factor, ApiError> {
        let factor = Factor::parse(field, v)?;
        if settings.first_factors.iter().any(|f| f == factor.as_str()) {
            Ok(factor)
        } else {
            let others: Vec<String> = offered(settings).into_iter().filter(|f| f != "PASSWORD").collect();
            Err(ApiError::validation(
                field,
                format!("this user pool does not offer {} as a first factor; choose one of: {}", factor.as_str(), if others.is_empty() { "none (use POST /auth/login)".into() } else { others.join(", ") }),
            ))
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Factor::WebAuthn => "WEB_AUTHN",
            Factor::EmailOtp => "EMAIL_OTP",
        }
    }
}

/// The API's `SELECT_CHALLENGE`: the offered factors and a session that holds only the address.
pub fn select(ctx: &Ctx<'_>, seal_key: &SealKey, email: &str) -> Result<Reply, ApiError> {
    let session = seal(seal_key, Kind::Select, "SELECT_CHALLENGE", email, random_token(SESSION_BYTES))?;
    Ok(ChallengeResponse { available_challenges: Some(offered(&ctx.state.passkeys)), ..ChallengeResponse::plain("SELECT_CHALLENGE".into(), session) }.reply())
}

fn seal(key: &SealKey, kind: Kind, challenge: &str, username: &str, session: String) -> Result<String, ApiError> {
    challenge_session::seal(key, &Sealed { kind, challenge: challenge.into(), username: username.into(), session, issued_at: challenge_session::now() })
}

/// Starts `factor` for `email`: always that factor's challenge (a stand-in where Cognito had none).
pub async fn start(ctx: &Ctx<'_>, email: &str, factor: Factor) -> Result<Reply, ApiError> {
    let cognito = &ctx.state.cognito;
    let key = cognito.challenge_key().await?;
    let hash = cognito.secret_hash(email).await?;
    let stand_in = || (Kind::Decoy, email.to_string(), random_token(SESSION_BYTES), HashMap::new());
    let over_limit = match (&ctx.state.email_code_limit, factor) {
        (Some(limit), Factor::EmailOtp) => !limit.allow(cognito.shared_key_material().await?, email).await?,
        _ => false,
    };
    let (kind, username, session, parameters) = if over_limit {
        // No email and no Cognito call: the answer of an address Cognito sent no code to (crate::email_code_limit).
        tracing::info!("emailed-code limit reached for this address; answered with a stand-in");
        stand_in()
    } else {
        match cognito.user_auth(email, factor.as_str(), hash, &ctx.caller).await {
            Ok(AuthOutcome::Challenge { name, session, parameters }) if name == factor.as_str() => {
                (Kind::Cognito, username_to_answer(&parameters, email), session, parameters)
            }
            Ok(AuthOutcome::Challenge { name, session, parameters }) => {
                tracing::info!(challenge = %name, wanted = factor.as_str(), "no such first factor for this sign-in; answered with a stand-in");
                (Kind::Decoy, username_to_answer(&parameters, email), session, HashMap::new())
            }
            Ok(AuthOutcome::Tokens(_)) => {
                tracing::error!("USER_AUTH answered tokens without a challenge; answered with a stand-in");
                stand_in()
            }
            // Refusals that depend on the account (or its absence): a stand-in for each. NotAuthorized
            // is also what a pool or client without USER_AUTH answers: the log line (no address) is how
            // an operator sees that. LimitExceeded is a per-user limit and InvalidParameter a parameter
            // Cognito finds wrong for this account: only a real account meets either, so passing them
            // on (429, 400) would tell it apart.
            Err(e)
                if matches!(
                    e.kind,
                    K::NotAuthorized | K::UserNotFound | K::UserNotConfirmed | K::PasswordResetRequired | K::LimitExceeded | K::InvalidParameter
                ) =>
            {
                tracing::warn!(cognito_error = %e.code, wanted = factor.as_str(), "USER_AUTH refused; answered with a stand-in");
                stand_in()
            }
            Err(e) => return Err(e.into()),
        }
    };
    let mut answer = ChallengeResponse::plain(factor.as_str().into(), seal(&key, kind, factor.as_str(), &username, session)?);
    match factor {
        Factor::WebAuthn => {
            let cognito_options = parameters
                .get("CREDENTIAL_REQUEST_OPTIONS")
                .map(|o| serde_json::from_str::<serde_json::Value>(o).map_err(|_| unreadable()))
                .transpose()?;
            answer.credential_request_options = Some(request_options(ctx, cognito_options.as_ref())?);
        }
        Factor::EmailOtp => answer.code_delivery_destination = Some(super::input::mask_email(email)),
    }
    Ok(answer.reply())
}

/// Random bytes of a stand-in session where Cognito gave none (its length does not show: every
/// sealed session of up to 2048 characters has the same length).
const SESSION_BYTES: usize = 600;

fn unreadable() -> ApiError {
    tracing::error!("Cognito's CREDENTIAL_REQUEST_OPTIONS is not JSON");
    ApiError::Internal
}

/// The options the browser gets: Cognito's challenge (a stand-in's in the shape of the real ones,
/// [`crate::stand_in`]), the pool's settings, no credential ids.
fn request_options(ctx: &Ctx<'_>, cognito: Option<&serde_json::Value>) -> Result<serde_json::Value, ApiError> {
    let settings = &ctx.state.passkeys;
    let shape = &ctx.state.passkey_shape;
    let (challenge, rp_id) = match cognito {
        Some(o) => {
            let challenge = o.get("challenge").and_then(|c| c.as_str()).map(str::to_string).ok_or_else(unreadable)?;
            let rp_id = o.get("rpId").and_then(|r| r.as_str());
            shape.learn(&challenge, rp_id);
            (challenge, rp_id.map(str::to_string))
        }
        None => (shape.challenge(), shape.rp_id()),
    };
    let mut o = serde_json::json!({
        "challenge": challenge,
        "timeout": webauthn_timeout_ms(ctx),
        "userVerification": settings.user_verification,
        "allowCredentials": [],
    });
    if let Some(rp_id) = settings.rp_id.clone().or(rp_id) {
        o["rpId"] = rp_id.into();
    }
    Ok(o)
}

/// The username the challenge answer must carry: Cognito's `USERNAME` challenge parameter
/// (`USER_ID_FOR_SRP` in the older flows), else the address as the user typed it (the module
/// docs: no AWS page lists `USERNAME` here).
fn username_to_answer(parameters: &HashMap<String, String>, typed: &str) -> String {
    match parameters.get("USERNAME").or_else(|| parameters.get("USER_ID_FOR_SRP")).filter(|u| !u.is_empty()) {
        Some(u) => u.clone(),
        None => {
            tracing::warn!("USER_AUTH challenge without USERNAME; answering it with the address as typed");
            typed.to_string()
        }
    }
}

/// `n` random bytes, base64url.
fn random_token(n: usize) -> String {
    let mut b = vec![0u8; n];
    getrandom::getrandom(&mut b).expect("the OS random source is available");
    B64.encode(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_parse_and_password_points_to_login() {
        assert_eq!(Factor::parse("f", "WEB_AUTHN").unwrap(), Factor::WebAuthn);
        assert_eq!(Factor::parse("f", "EMAIL_OTP").unwrap(), Factor::EmailOtp);
        for bad in ["PASSWORD", "SMS_OTP", "web_authn", ""] {
            assert!(matches!(Factor::parse("f", bad), Err(ApiError::Validation { field: "f", .. })), "{bad}");
        }
    }

    fn settings(factors: &[&str]) -> crate::config::PasskeySettings {
        crate::config::PasskeySettings { first_factors: factors.iter().map(|f| f.to_string()).collect(), ..Default::default() }
    }

    #[test]
    fn the_offered_factors_are_the_pools() {
        // What the pool was given (FIRST_AUTH_FACTORS), in the listing order, nothing more.
        assert_eq!(offered(&settings(&["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"])), ["WEB_AUTHN", "EMAIL_OTP", "PASSWORD"]);
        assert_eq!(offered(&settings(&["PASSWORD", "WEB_AUTHN"])), ["WEB_AUTHN", "PASSWORD"]);
        // Without FIRST_AUTH_FACTORS: cdk/user-pool.json's factors less those needing Amazon SES.
        let pool: serde_json::Value = serde_json::from_str(include_str!("../../../../cdk/user-pool.json")).unwrap();
        let needing_ses: Vec<&str> = pool["firstAuthFactorsNeedingSes"]["factors"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(needing_ses, ["EMAIL_OTP"]);
        let mut file: Vec<String> =
            pool["allowedFirstAuthFactors"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).filter(|f| !needing_ses.contains(&f.as_str())).collect();
        let mut default = offered(&Default::default());
        file.sort();
        default.sort();
        assert_eq!(default, file);
    }

    #[test]
    fn a_factor_the_pool_does_not_offer_is_refused() {
        let without_ses = settings(&["PASSWORD", "WEB_AUTHN"]);
        assert_eq!(Factor::parse_offered("f", "WEB_AUTHN", &without_ses).unwrap(), Factor::WebAuthn);
        match Factor::parse_offered("f", "EMAIL_OTP", &without_ses) {
            Err(ApiError::Validation { field: "f", message }) => assert!(message.contains("does not offer EMAIL_OTP") && message.contains("WEB_AUTHN"), "{message}"),
            other => panic!("{other:?}"),
        }
        let with_ses = settings(&["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]);
        assert_eq!(Factor::parse_offered("f", "EMAIL_OTP", &with_ses).unwrap(), Factor::EmailOtp);
    }

    #[test]
    fn the_username_is_cognitos_or_the_address_as_typed() {
        let with = |k: &str, v: &str| HashMap::from([(k.to_string(), v.to_string())]);
        assert_eq!(username_to_answer(&with("USERNAME", "5f1c-sub"), "a@example.com"), "5f1c-sub");
        assert_eq!(username_to_answer(&with("USER_ID_FOR_SRP", "5f1c-sub"), "a@example.com"), "5f1c-sub");
        assert_eq!(username_to_answer(&with("USERNAME", ""), "a@example.com"), "a@example.com");
        assert_eq!(username_to_answer(&HashMap::new(), "a@example.com"), "a@example.com");
        assert_ne!(random_token(16), random_token(16));
    }
}
