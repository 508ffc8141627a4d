//! POST /auth/mfa/totp/verify (Bearer) {code, deviceName?}: verifies the first code from the
//! authenticator app and makes TOTP the user's preferred MFA method.
use super::input;
use crate::error::ApiError;
use crate::router::{Ctx, Reply};
use http::StatusCode;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    code: String,
    device_name: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Enabled {
    mfa_enabled: bool,
    method: &'static str,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Body = ctx.body()?;
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
    Ok(Reply::ok(StatusCode::OK, &Enabled { mfa_enabled: true, method: "TOTP" }))
}
