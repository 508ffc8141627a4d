//! GET /auth/passkeys (Bearer): the signed-in user's passkeys (ListWebAuthnCredentials).
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &[];

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Passkey {
    /// Send it to `DELETE /auth/passkey` to remove the passkey.
    pub credential_id: String,
    /// A name Cognito gives the passkey (e.g. from the authenticator's make).
    pub friendly_name: String,
    pub relying_party_id: String,
    /// When it was registered (RFC 3339).
    pub created_at: String,
    /// `platform` (built into the device) or `cross-platform` (a security key, a phone), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authenticator_attachment: Option<String>,
    /// How the browser reaches the authenticator (`internal`, `usb`, `hybrid`, ...).
    pub transports: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "PasskeysResponse")]
pub struct Response {
    pub passkeys: Vec<Passkey>,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let list = ctx.state.cognito.list_webauthn_credentials(ctx.access_token()?).await?;
    let passkeys = list
        .into_iter()
        .map(|p| Passkey {
            credential_id: p.credential_id,
            friendly_name: p.friendly_name,
            relying_party_id: p.relying_party_id,
            created_at: p.created_at,
            authenticator_attachment: p.authenticator_attachment,
            transports: p.transports,
        })
        .collect();
    Ok(Reply::ok(StatusCode::OK, &Response { passkeys }))
}
