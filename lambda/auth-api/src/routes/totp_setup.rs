//! POST /auth/mfa/totp/setup (Bearer) {currentPassword}: starts TOTP enrolment, once Cognito has
//! confirmed the current password (see `reauth`). Answers the shared secret and an `otpauth://` URI
//! for authenticator apps; TOTP is only switched on by /auth/mfa/totp/verify.
//!
//! While TOTP is active the route refuses (409 `mfa_already_enabled`) before touching the
//! authenticator: Cognito's own documents disagree on when AssociateSoftwareToken drops the
//! existing authenticator (at association per the TOTP guide,
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html>;
//! at VerifySoftwareToken per
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html>),
//! and in the first reading an abandoned re-enrolment would leave the account with no working
//! second factor. Replacing a lost or changed authenticator is an administrator's
//! AdminDeleteSoftwareToken, after which the user enrols again here.
use super::{input, reauth};
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use http::StatusCode;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["incorrect_password", "mfa_already_enabled"];

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "TotpSetupRequest")]
pub struct Request {
    /// The account's current password: a stolen access token alone cannot replace the authenticator.
    #[schemars(length(min = 1, max = 256), regex(pattern = crate::routes::input::PASSWORD_PATTERN))]
    pub current_password: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "TotpSetupResponse")]
pub struct Response {
    /// The shared secret (base32), for manual entry.
    pub secret: String,
    /// The same secret as an `otpauth://` URI (show it as a QR code).
    pub otpauth_uri: String,
}

/// `otpauth://totp/Issuer:account?secret=...&issuer=Issuer&algorithm=SHA1&digits=6&period=30`
pub fn otpauth_uri(issuer: &str, account: &str, secret: &str) -> String {
    let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(secret),
        enc(issuer)
    )
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    input::password("currentPassword", &b.current_password)?;
    let token = ctx.access_token()?;
    let cognito = &ctx.state.cognito;
    let user = cognito.get_user(token).await?;
    if user.mfa_methods.iter().any(|m| m == "SOFTWARE_TOKEN_MFA") {
        return Err(ApiError::MfaAlreadyEnabled);
    }
    reauth::confirm_current_password(ctx, &user.username, &b.current_password).await?;
    let account = user
        .attributes
        .iter()
        .find(|(k, _)| k == "email")
        .map(|(_, v)| v.clone())
        .unwrap_or(user.username);
    let secret = cognito.associate_software_token(token).await?;
    let otpauth_uri = otpauth_uri(&ctx.state.totp_issuer, &account, &secret);
    Ok(Reply::ok(StatusCode::OK, &Response { secret, otpauth_uri }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn uri_is_encoded() {
        assert_eq!(
            super::otpauth_uri("Acme Auth", "a+b@x.io", "JBSWY3DP"),
            "otpauth://totp/Acme%20Auth:a%2Bb%40x%2Eio?secret=JBSWY3DP&issuer=Acme%20Auth&algorithm=SHA1&digits=6&period=30"
        );
    }
}
