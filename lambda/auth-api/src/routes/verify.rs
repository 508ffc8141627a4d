//! POST /auth/verify {email, code}: confirms a registration.
use super::input;
use crate::cognito::CognitoErrorKind as K;
use crate::error::ApiError;
use crate::router::{Ctx, Reply};
use http::StatusCode;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Body {
    email: String,
    code: String,
}

#[derive(Serialize)]
struct Confirmed {
    confirmed: bool,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let b: Body = ctx.body()?;
    let email = input::email(&b.email)?;
    let code = input::code("code", &b.code)?;
    let cognito = &ctx.state.cognito;
    let hash = cognito.secret_hash(&email).await?;
    cognito.confirm_sign_up(&email, &code, hash).await.map_err(|e| match e.kind {
        // An unknown email looks like a wrong code: no account enumeration.
        K::UserNotFound | K::CodeMismatch => ApiError::InvalidCode,
        // "User cannot be confirmed. Current status is CONFIRMED"
        K::NotAuthorized => ApiError::AlreadyConfirmed,
        _ => e.into(),
    })?;
    Ok(Reply::ok(StatusCode::OK, &Confirmed { confirmed: true }))
}
