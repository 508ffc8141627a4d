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
//!   is refused), the API answers a *decoy*: the same shape, with Cognito's session when it gave
//!   one and a session-shaped random value otherwise, sealed as a decoy (see
//!   `challenge_session::Kind`; the kind is bound into the MAC and invisible). An answer to a decoy
//!   still goes to Cognito (so it costs the same calls) and then fails exactly like a wrong answer.
//! - The passkey request options are rebuilt by the API: Cognito's `challenge`, and the pool's
//!   relying-party id, user-verification setting and session timeout. `allowCredentials` is
//!   always empty: Cognito's list would name the account's credential ids (and count them). The
//!   browser then offers the discoverable credentials (passkeys) it holds for the relying party
//!   (<https://web.dev/articles/webauthn-discoverable-credentials>).
//! - The code destination is the API's own mask of the address, as for the other code routes.
use super::challenge_session::{self, Kind};
use super::output::ChallengeResponse;
use crate::cognito::{AuthOutcome, CognitoErrorKind as K};
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;

/// The order in which `SELECT_CHALLENGE` lists the factors the pool offers (passwordless first).
const LISTING_ORDER: &[&str] = &["WEB_AUTHN", "EMAIL_OTP", "PASSWORD"];

/// The first factors the pool allows (`SignInPolicy.AllowedFirstAuthFactors`, given to the
/// function as `FIRST_AUTH_FACTORS`), in [`LISTING_ORDER`]: the `availableChallenges` of every
/// `SELECT_CHALLENGE`.
pub fn offered(settings: &crate::config::PasskeySettings) -> Vec<String> {
    LISTING_ORDER.iter().filter(|f| settings.first_factors.iter().any(|g| g == *f)).map(|f| f.to_string()).collect()
}

/// `timeout` of the passkey request options, in milliseconds: the pool's sign-in session
/// lifetime (`authSessionValidityMinutes`, 3, in cdk/user-pool.json).
pub const WEBAUTHN_TIMEOUT_MS: u64 = 180_000;

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
pub fn select(seal_key: &str, email: &str, settings: &crate::config::PasskeySettings) -> Reply {
    let session = challenge_session::seal_kind(seal_key, Kind::Select, email, &random_token(32));
    ChallengeResponse {
        available_challenges: Some(offered(settings)),
        ..ChallengeResponse::plain("SELECT_CHALLENGE".into(), session)
    }
    .reply()
}

/// Starts `factor` for `email`: always that factor's challenge (a decoy where Cognito had none).
pub async fn start(ctx: &Ctx<'_>, email: &str, factor: Factor) -> Result<Reply, ApiError> {
    let cognito = &ctx.state.cognito;
    let key = cognito.challenge_key().await?;
    let hash = cognito.secret_hash(email).await?;
    let (kind, username, session, parameters) = match cognito.user_auth(email, factor.as_str(), hash, &ctx.caller).await {
        Ok(AuthOutcome::Challenge { name, session, parameters }) if name == factor.as_str() => {
            let username = actual_username(&parameters).unwrap_or_else(|| pseudo_username(&key, email));
            (Kind::Cognito, username, session, parameters)
        }
        Ok(AuthOutcome::Challenge { name, session, parameters }) => {
            tracing::info!(challenge = %name, wanted = factor.as_str(), "no such first factor for this sign-in; answered with a decoy");
            let username = actual_username(&parameters).unwrap_or_else(|| pseudo_username(&key, email));
            (Kind::Decoy, username, session, HashMap::new())
        }
        Ok(AuthOutcome::Tokens(_)) => {
            tracing::error!("USER_AUTH answered tokens without a challenge; answered with a decoy");
            (Kind::Decoy, pseudo_username(&key, email), random_token(SESSION_BYTES), HashMap::new())
        }
        Err(e) if matches!(e.kind, K::NotAuthorized | K::UserNotFound | K::UserNotConfirmed | K::PasswordResetRequired) => {
            // NotAuthorized is also what a pool or client without USER_AUTH answers: the log
            // line (no address) is how an operator sees that.
            tracing::warn!(cognito_error = %e.code, wanted = factor.as_str(), "USER_AUTH refused; answered with a decoy");
            (Kind::Decoy, pseudo_username(&key, email), random_token(SESSION_BYTES), HashMap::new())
        }
        Err(e) => return Err(e.into()),
    };
    let sealed = challenge_session::seal_kind(&key, kind, &username, &session);
    let mut answer = ChallengeResponse::plain(factor.as_str().into(), sealed);
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

/// Random bytes of a stand-in session (Cognito's sessions are opaque; only their length shows).
const SESSION_BYTES: usize = 600;

fn unreadable() -> ApiError {
    tracing::error!("Cognito's CREDENTIAL_REQUEST_OPTIONS is not JSON");
    ApiError::Internal
}

/// The options the browser gets: Cognito's challenge (a random one for a decoy), the pool's
/// settings, no credential ids.
fn request_options(ctx: &Ctx<'_>, cognito: Option<&serde_json::Value>) -> Result<serde_json::Value, ApiError> {
    let settings = &ctx.state.passkeys;
    let challenge = match cognito {
        Some(o) => o.get("challenge").and_then(|c| c.as_str()).map(str::to_string).ok_or_else(unreadable)?,
        None => random_token(32),
    };
    let rp_id = settings.rp_id.clone().or_else(|| cognito.and_then(|o| o.get("rpId")).and_then(|r| r.as_str()).map(str::to_string));
    let mut o = serde_json::json!({
        "challenge": challenge,
        "timeout": WEBAUTHN_TIMEOUT_MS,
        "userVerification": settings.user_verification,
        "allowCredentials": [],
    });
    if let Some(rp_id) = rp_id {
        o["rpId"] = rp_id.into();
    }
    Ok(o)
}

/// The user's actual Cognito username, which the challenge answer must carry: Cognito's `USERNAME`
/// challenge parameter (`USER_ID_FOR_SRP` in the older flows).
fn actual_username(parameters: &HashMap<String, String>) -> Option<String> {
    parameters.get("USERNAME").or_else(|| parameters.get("USER_ID_FOR_SRP")).filter(|u| !u.is_empty()).cloned()
}

/// A stable, sub-shaped stand-in username for an address Cognito named no user for: a UUID from an
/// HMAC of the address under the sealing key (so the same address always shows the same value,
/// as a real account's sub does).
fn pseudo_username(key: &str, email: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    m.update(b"auth-api pseudo sub\0");
    m.update(email.as_bytes());
    let mut b = m.finalize().into_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b[..16].iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
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
    fn pseudo_usernames_look_like_subs_and_are_stable() {
        let a = pseudo_username("k", "a@example.com");
        assert_eq!(a, pseudo_username("k", "a@example.com"));
        assert_ne!(a, pseudo_username("k", "b@example.com"));
        let re = regex::Regex::new("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$").unwrap();
        assert!(re.is_match(&a), "{a}");
        assert_ne!(random_token(16), random_token(16));
    }
}
