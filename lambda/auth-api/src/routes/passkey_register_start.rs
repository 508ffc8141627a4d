//! POST /auth/passkeys/register/start (Bearer) {currentPassword}: the WebAuthn creation options
//! (PublicKeyCredentialCreationOptionsJSON, Cognito's StartWebAuthnRegistration) for
//! `navigator.credentials.create`, once Cognito has confirmed the current password (see `reauth`).
//!
//! Why the password: a passkey is a way in that outlives the session it was added in, a password
//! change and a password reset. Added with a stolen access token alone, it would keep the thief
//! signed in for good; so, as for TOTP setup and account deletion, the API asks for the current
//! password first. (Cognito's own StartWebAuthnRegistration takes the access token alone at its
//! public endpoint; see docs/security.md.)
use super::reauth;
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["incorrect_password", "passkey_limit_reached"];

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "PasskeyRegisterStartRequest")]
pub struct Request {
    /// The account's current password: a stolen access token alone cannot add a passkey.
    #[schemars(length(min = 1, max = 256), regex(pattern = crate::routes::input::PASSWORD_PATTERN))]
    pub current_password: String,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "PasskeyRegisterStartResponse")]
pub struct Response {
    /// PublicKeyCredentialCreationOptionsJSON, as Cognito gives it: pass it to
    /// `PublicKeyCredential.parseCreationOptionsFromJSON` (or a WebAuthn browser library).
    #[schemars(with = "std::collections::BTreeMap<String, serde_json::Value>")]
    pub options: serde_json::Value,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    let token = reauth::token_with_current_password(ctx, &b.current_password).await?;
    let options = ctx.state.cognito.start_webauthn_registration(token).await.map_err(super::output::passkey_limit)?;
    Ok(Reply::ok(StatusCode::OK, &Response { options }))
}
