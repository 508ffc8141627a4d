//! `GET /auth/federation/callback?code=..&state=..` (or `?error=..&state=..`): where Cognito sends the
//! browser back (the app client's callback URL). The state must be one the API sealed, younger than
//! its lifetime, and bound to this browser's `__Host-auth_federation` cookie; then:
//! - browser session mode: the code is exchanged at the token endpoint now (client secret, PKCE
//!   verifier) and the refresh token goes into the app's session cookie; redirect to the return address;
//! - otherwise: redirect to the return address with `handoff=<sealed>`, which the app redeems with
//!   `POST /auth/federation/token` ([`crate::federation`] says why it is single use).
//!
//! Every failure ends on the return address with `error=<code>` ([`crate::federation::outcome`]);
//! a state that is not the API's has no trustworthy return address, so it ends on the API's own
//! app's first return address (`error=invalid_state`). The binding cookie is cleared in every case.
use super::federation_start::failure;
use crate::apps;
use crate::context::{Ctx, Reply};
use crate::error::ApiError;
use crate::federation::outcome::{self, Failure};
use crate::federation::sealed::{self, FlowState, Handoff, Refused};
use crate::federation::token_endpoint::{self, ExchangeError};
use crate::federation::{binding, state_ttl, Federation};
use crate::seal::now;

pub type Response = ();
pub const STATUS: u16 = 302;
pub const ERRORS: &[&str] = &["validation_error", "federation_not_configured"];

/// The longest query value read (Cognito's codes are short; our state is under 1 KB).
const MAX_PARAM: usize = 4096;

pub async fn handle(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let fed = ctx.state.federation.as_ref().ok_or(ApiError::FederationNotConfigured)?;
    let mut reply = callback(ctx, fed).await?;
    reply.response.headers.append(http::header::SET_COOKIE, binding::clear());
    Ok(reply)
}

fn param(ctx: &Ctx<'_>, name: &str) -> Option<String> {
    ctx.req.query_param(name).filter(|v| !v.is_empty() && v.len() <= MAX_PARAM)
}

fn fail(ctx: &Ctx<'_>, return_to: &str, f: Failure) -> Reply {
    ctx.audit_event(f.code());
    failure(outcome::fail(return_to, f))
}

async fn callback(ctx: &Ctx<'_>, fed: &Federation) -> Result<Reply, ApiError> {
    let cognito = &ctx.state.cognito;
    let shared = cognito.shared_key_material().await?;
    let opened = match param(ctx, "state") {
        Some(v) => FlowState::open(&sealed::state_key(shared), &v, now(), state_ttl()),
        None => Err((Refused::Invalid, None)),
    };
    let state = match opened {
        Ok(s) => s,
        Err((Refused::Expired, Some(s))) => return Ok(fail(ctx, &s.return_to, Failure::ExpiredState)),
        Err(_) => {
            return match fed.fallback_return(apps::DEFAULT_APP_ID) {
                Some(r) => Ok(fail(ctx, r, Failure::InvalidState)),
                None => Err(ApiError::validation("state", "is not a state this API gave")),
            }
        }
    };
    // The login CSRF check: the browser that brings the state back is the one that started it.
    if !binding::matches(&ctx.req.headers, &state.nonce_hash) {
        tracing::warn!(app = %state.app, "federation callback without the browser binding of its state refused");
        return Ok(fail(ctx, &state.return_to, Failure::StateMismatch));
    }
    if let Some(error) = param(ctx, "error") {
        tracing::info!(app = %state.app, provider = %state.provider, idp_error = %error.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(64).collect::<String>(), "federated sign-in ended with an error");
        let f = if error == "access_denied" { Failure::AccessDenied } else { Failure::IdpError };
        return Ok(fail(ctx, &state.return_to, f));
    }
    let Some(code) = param(ctx, "code") else { return Ok(fail(ctx, &state.return_to, Failure::IdpError)) };
    let Some(index) = ctx.state.apps.index_of(&state.app) else { return Ok(fail(ctx, &state.return_to, Failure::InvalidState)) };

    let Some(cookie) = ctx.state.session_cookie else {
        let handoff = Handoff { app: state.app.clone(), code, verifier: state.verifier, issued_at: now() }.seal(&sealed::handoff_key(shared));
        return Ok(Reply { response: outcome::redirect(&outcome::with_params(&state.return_to, &[("handoff", &handoff)])), outcome: "success" });
    };
    apps::with_app(index, async {
        let secret = cognito.client_secret().await?;
        let exchanged = // Boxed: the HTTP exchange's future is large, and every route's future is as large as the largest.
        Box::pin(token_endpoint::exchange(&token_endpoint::Exchange {
            token_url: &fed.token_url(),
            client_id: cognito.client_id(),
            client_secret: secret,
            code: &code,
            redirect_uri: &fed.callback_url,
            verifier: &state.verifier,
        }))
        .await;
        Ok(match exchanged {
            Ok(tokens) => {
                let mut response = outcome::redirect(&state.return_to);
                if let Some(refresh) = &tokens.refresh_token {
                    response.headers.append(http::header::SET_COOKIE, cookie.set(&ctx.app_cookie_name(), refresh));
                }
                Reply { response, outcome: "success" }
            }
            Err(ExchangeError::Rejected(_)) => fail(ctx, &state.return_to, Failure::CodeRejected),
            Err(ExchangeError::Unavailable) => fail(ctx, &state.return_to, Failure::TemporarilyUnavailable),
        })
    })
    .await
}
