//! DELETE /auth/passkey (Bearer) {credentialId}: removes one of the signed-in user's passkeys
//! (DeleteWebAuthnCredential). An id the user does not have, another user's included, is a 404
//! `passkey_not_found`. No password is asked: removing a way in does not let anyone in.
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["passkey_not_found"];

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "PasskeyDeleteRequest")]
pub struct Request {
    /// A `credentialId` from `GET /auth/passkeys`.
    #[schemars(length(min = 1, max = 1024), regex(pattern = crate::routes::input::OPAQUE_PATTERN))]
    pub credential_id: String,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "PasskeyDeleteResponse")]
pub struct Response {
    pub deleted: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    super::input::opaque("credentialId", &b.credential_id, 1024)?;
    let token = ctx.access_token()?;
    ctx.state.cognito.delete_webauthn_credential(token, &b.credential_id).await.map_err(|e| match e.kind {
        K::ResourceNotFound => ApiError::PasskeyNotFound,
        _ => e.into(),
    })?;
    Ok(Reply::ok(StatusCode::OK, &Response { deleted: true }))
}
