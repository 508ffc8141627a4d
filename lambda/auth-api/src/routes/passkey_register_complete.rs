//! POST /auth/passkeys/register/complete (Bearer) {credential}: registers the browser's
//! RegistrationResponseJSON with Cognito (CompleteWebAuthnRegistration), which checks it against
//! the challenge of the pending registration, the relying party and the origin. A refusal is a 400
//! `passkey_rejected`; start again with `/auth/passkeys/register/start`.
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["passkey_rejected", "passkey_limit_reached"];

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "PasskeyRegisterCompleteRequest")]
pub struct Request {
    /// RegistrationResponseJSON: `navigator.credentials.create(...)` then `.toJSON()`.
    #[schemars(with = "std::collections::BTreeMap<String, serde_json::Value>")]
    pub credential: serde_json::Value,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "PasskeyRegisterCompleteResponse")]
pub struct Response {
    pub registered: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    if !b.credential.is_object() {
        return Err(ApiError::validation("credential", "must be the RegistrationResponseJSON object"));
    }
    let token = ctx.access_token()?;
    ctx.state.cognito.complete_webauthn_registration(token, &b.credential).await.map_err(|e| match e.kind {
        // A malformed response: Cognito's InvalidParameterException.
        crate::cognito::CognitoErrorKind::InvalidParameter => {
            tracing::info!(cognito_error = %e.code, "passkey registration refused");
            ApiError::PasskeyRejected
        }
        _ => super::output::passkey_limit(e),
    })?;
    Ok(Reply::ok(StatusCode::OK, &Response { registered: true }))
}
