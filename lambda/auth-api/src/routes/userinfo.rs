//! GET /auth/userinfo (Bearer): the user's sub, email, verified flag, attributes and MFA state.
//! Asks Cognito (GetUser), so a signed-out or deleted user's token is refused at once.
use crate::error::ApiError;
use crate::context::{Ctx, Reply};
use http::StatusCode;
use schemars::JsonSchema;
use serde::Serialize;

pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &[];
use std::collections::BTreeMap;

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "UserInfoResponse")]
pub struct Response {
    pub sub: String,
    /// The Cognito username (equal to `sub` in an email sign-in pool).
    pub username: String,
    pub email: Option<String>,
    pub email_verified: bool,
    /// Every user attribute Cognito holds, by name.
    pub attributes: BTreeMap<String, String>,
    pub mfa_enabled: bool,
    /// e.g. `SOFTWARE_TOKEN_MFA`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_mfa: Option<String>,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let user = ctx.state.cognito.get_user(ctx.access_token()?).await?;
    let attributes: BTreeMap<String, String> = user.attributes.into_iter().collect();
    let info = Response {
        sub: attributes.get("sub").cloned().unwrap_or_else(|| user.username.clone()),
        username: user.username,
        email: attributes.get("email").cloned(),
        email_verified: attributes.get("email_verified").is_some_and(|v| v == "true"),
        mfa_enabled: user.mfa_methods.iter().any(|m| !m.is_empty()),
        preferred_mfa: user.preferred_mfa.filter(|m| !m.is_empty()),
        attributes,
    };
    Ok(Reply::ok(StatusCode::OK, &info))
}
