//! `GET /auth/federation/start?provider=<name>&returnTo=<url>[&app=<id>]`: the browser navigates here
//! (a link or `location.assign`, not `fetch`) and is redirected to the pool's authorize endpoint
//! (<https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html>) with
//! `identity_provider`, the app client's scopes, the API's callback URL, PKCE S256
//! (<https://docs.aws.amazon.com/cognito/latest/developerguide/using-pkce-in-authorization-code.html>)
//! and the sealed `state` ([`crate::federation::sealed`]), bound to this browser by the
//! `__Host-auth_federation` cookie ([`crate::federation::binding`]).
//!
//! `returnTo` must be exactly one of the app's return addresses, else a 400 JSON
//! `return_address_not_allowed` and no redirect at all (no open redirect). A provider the API does
//! not have ends on the return address with `error=provider_not_allowed`.
use crate::apps;
use crate::context::{Ctx, Reply};
use crate::error::ApiError;
use crate::federation::outcome::{self, Failure};
use crate::federation::sealed::{self, FlowState};
use crate::federation::{binding, definition, state_ttl};
use crate::seal::now;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use sha2::{Digest, Sha256};

pub type Response = ();
pub const STATUS: u16 = 302;
pub const ERRORS: &[&str] = &["validation_error", "federation_not_configured", "return_address_not_allowed", "unknown_app"];

/// The longest query value read.
const MAX_PARAM: usize = 2048;

fn param(ctx: &Ctx<'_>, name: &'static str) -> Result<Option<String>, ApiError> {
    match ctx.req.query_param(name) {
        Some(v) if v.len() > MAX_PARAM => Err(ApiError::validation(name, format!("is longer than {MAX_PARAM} characters"))),
        v => Ok(v),
    }
}

/// A PKCE verifier (32 random bytes, base64url: 43 characters, RFC 7636 section 4.1) and its S256 challenge.
pub fn pkce() -> (String, String) {
    let mut raw = [0u8; 32];
    getrandom::getrandom(&mut raw).expect("the OS random source is available");
    let verifier = B64.encode(raw);
    let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let fed = ctx.state.federation.as_ref().ok_or(ApiError::FederationNotConfigured)?;
    let app = param(ctx, "app")?.unwrap_or_else(|| apps::DEFAULT_APP_ID.to_string());
    let index = ctx.state.apps.index_of(&app).ok_or(ApiError::UnknownApp)?;
    let return_to = param(ctx, "returnTo")?.ok_or_else(|| ApiError::validation("returnTo", "is required"))?;
    let Some(return_to) = fed.allowed_return(&app, &return_to) else {
        tracing::warn!(app = %app, "federated sign-in start with a return address not on the app's list refused");
        return Err(ApiError::ReturnAddressNotAllowed);
    };
    let provider = param(ctx, "provider")?.filter(|p| fed.providers.contains(p));
    let Some(provider) = provider else {
        ctx.audit_event(Failure::ProviderNotAllowed.code());
        return Ok(failure(outcome::fail(return_to, Failure::ProviderNotAllowed)));
    };
    apps::with_app(index, async {
        let cognito = &ctx.state.cognito;
        let key = sealed::state_key(cognito.shared_key_material().await?);
        let (verifier, challenge) = pkce();
        let nonce = binding::new_nonce();
        let state = FlowState { app: app.clone(), return_to: return_to.to_string(), provider: provider.clone(), verifier, nonce_hash: binding::nonce_hash(&nonce), issued_at: now() }.seal(&key);
        let scopes = definition().oauth_scopes.scopes.join(" ");
        let url = outcome::with_params(
            &fed.authorize_url(),
            &[
                ("response_type", "code"),
                ("client_id", cognito.client_id()),
                ("redirect_uri", &fed.callback_url),
                ("identity_provider", &provider),
                ("scope", &scopes),
                ("state", &state),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ],
        );
        let mut response = outcome::redirect(&url);
        response.headers.append(http::header::SET_COOKIE, binding::set(&nonce, state_ttl().as_secs()));
        Ok(Reply { response, outcome: "redirect" })
    })
    .await
}

/// A redirect that ends a sign-in with an error code: audited as a failure.
pub fn failure(response: crate::http::ApiResponse) -> Reply {
    Reply { response, outcome: "failure" }
}
