//! POST /auth/mfa/totp/verify (Bearer) {code, deviceName?}: verifies the first code from the
//! authenticator app and makes TOTP the user's preferred MFA method.
use super::input;
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["invalid_code", "mfa_not_set_up"];

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "TotpVerifyRequest")]
pub struct Request {
    /// The current code from the authenticator app.
    #[schemars(regex(pattern = crate::routes::input::CODE_PATTERN))]
    pub code: String,
    /// A name for the authenticator (optional, up to 64 characters).
    #[schemars(length(max = 64), regex(pattern = crate::routes::input::PASSWORD_PATTERN))]
    pub device_name: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "TotpVerifyResponse")]
pub struct Response {
    pub mfa_enabled: bool,
    /// Always `TOTP`.
    pub method: &'static str,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Request = ctx.body()?;
    let code = input::code("code", &b.code)?;
    if let Some(d) = &b.device_name {
        if d.chars().count() > 64 || d.chars().any(char::is_control) {
            return Err(ApiError::validation("deviceName", "must be at most 64 printable characters"));
        }
    }
    let token = ctx.access_token()?;
    let cognito = &ctx.state.cognito;
    if !cognito.verify_software_token(token, &code, b.device_name.as_deref()).await? {
        return Err(ApiError::InvalidCode);
    }
    cognito.prefer_totp(token).await?;
    Ok(Reply::ok(StatusCode::OK, &Response { mfa_enabled: true, method: "TOTP" }))
}
