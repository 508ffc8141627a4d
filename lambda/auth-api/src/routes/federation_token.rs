//! `POST /auth/federation/token {"handoff": ..}`: the app redeems the hand-off its return address
//! received for the session's tokens, as `POST /auth/login` answers them (in browser session mode the
//! refresh token goes into the cookie instead). The API exchanges the authorization code the hand-off
//! carries at the token endpoint, with the client secret and the PKCE verifier; Cognito's code is
//! single use, so the hand-off is too ([`crate::federation`]). A hand-off that is not the API's, older
//! than `handoffTtlSeconds` (cdk/federation.json), already redeemed, or of another app, is 401
//! `invalid_handoff` (another app's: 403 `app_mismatch`).
use super::output::{token_reply, tokens};
use crate::apps;
use crate::context::{Ctx, Reply};
use crate::error::ApiError;
use crate::federation::sealed::{self, Handoff};
use crate::federation::token_endpoint::{self, ExchangeError};
use crate::federation::handoff_ttl;
use crate::seal::now;
use schemars::JsonSchema;
use serde::Deserialize;

pub type Response = super::output::TokenResponse;
pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &["federation_not_configured", "invalid_handoff", "unknown_app", "app_mismatch", "service_unavailable"];

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "FederationTokenRequest")]
pub struct Request {
    /// The `handoff` query parameter the return address received, unchanged.
    #[schemars(length(min = 1, max = 4096), regex(pattern = crate::routes::input::OPAQUE_PATTERN))]
    pub handoff: String,
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let fed = ctx.state.federation.as_ref().ok_or(ApiError::FederationNotConfigured)?;
    let b: Request = ctx.body()?;
    crate::routes::input::opaque("handoff", &b.handoff, 4096)?;
    let index = ctx.state.apps.resolve(&ctx.req.headers)?;
    let cognito = &ctx.state.cognito;
    let h = Handoff::open(&sealed::handoff_key(cognito.shared_key_material().await?), &b.handoff, now(), handoff_ttl()).map_err(|_| ApiError::InvalidHandoff)?;
    if h.app != ctx.state.apps.id(index) {
        return Err(ApiError::AppMismatch);
    }
    apps::with_app(index, async {
        let secret = cognito.client_secret().await?;
        let t = // Boxed: the HTTP exchange's future is large, and every route's future is as large as the largest.
        Box::pin(token_endpoint::exchange(&token_endpoint::Exchange {
            token_url: &fed.token_url(),
            client_id: cognito.client_id(),
            client_secret: secret,
            code: &h.code,
            redirect_uri: &fed.callback_url,
            verifier: &h.verifier,
        }))
        .await
        .map_err(|e| match e {
            ExchangeError::Rejected(_) => ApiError::InvalidHandoff,
            ExchangeError::Unavailable => ApiError::ServiceUnavailable,
        })?;
        Ok(token_reply(ctx, tokens(t), |b| b))
    })
    .await
}
