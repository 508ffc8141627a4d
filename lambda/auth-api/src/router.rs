//! The router: one entry point for every request, from Lambda or the local server. It resolves
//! the route from the shared definition, enforces the front door, CORS, body and token rules,
//! runs the handler under the declared-actions guard, maps errors once, and writes one audit event.
use crate::apps;
use crate::cognito::{self, Caller};
use crate::config::MAX_BODY_BYTES;
use crate::context::{Ctx, Reply};
use crate::definition::{definition, Lookup, Route};
use crate::error::ApiError;
use crate::http::{add_standard_headers, viewer_address_ip, viewer_ip, ApiRequest, ApiResponse};
use crate::routes;
use crate::state::AppState;
use http::Method;

/// Header the CloudFront front door adds; its value is a secret only CloudFront and the functions know.
pub const ORIGIN_VERIFY_HEADER: &str = "x-origin-verify";
/// Header the front door's CloudFront Function (lib/functions/viewer-ip.js) always overwrites with the viewer's IP.
pub const VIEWER_IP_HEADER: &str = "x-viewer-ip";
/// CloudFront's own viewer-address header (`ip:port`), used when an origin request policy forwards it and
/// the viewer function's header is absent.
pub const CLOUDFRONT_VIEWER_ADDRESS_HEADER: &str = "cloudfront-viewer-address";

/// Handles one request. Never panics on input; always answers JSON (or an empty 204 preflight).
///
/// Everything a request does (secret reads, every Cognito call) runs under one deadline,
/// `state.request_deadline`, which the stack derives from the function timeout (a little below
/// it): however the calls add up, the caller gets our JSON 503, never the platform's timeout.
pub async fn handle(state: &AppState, req: ApiRequest) -> ApiResponse {
    let result = match tokio::time::timeout(state.request_deadline, route_request(state, &req)).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!(
                request_id = %req.request_id,
                deadline_ms = state.request_deadline.as_millis() as u64,
                "request deadline reached; answered 503"
            );
            Err(ApiError::ServiceUnavailable)
        }
    };
    finish(state, &req.headers, &req.request_id, result)
}

/// The last step of every answer, including those a front end gives before the router runs (the
/// local server's 413): the error contract, CORS and the standard headers.
pub fn finish(state: &AppState, req_headers: &http::HeaderMap, request_id: &str, result: Result<ApiResponse, ApiError>) -> ApiResponse {
    let mut resp = result.unwrap_or_else(|e| ApiResponse::error(&e, request_id));
    state.cors.apply(req_headers, &mut resp.headers);
    add_standard_headers(&mut resp, request_id);
    resp
}

async fn route_request(state: &AppState, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    // The front door: when configured, nothing is served without CloudFront's secret header, and
    // only then is the viewer address CloudFront passes on trusted.
    let mut ip = req.peer_ip.clone();
    if let Some(origin_verify) = &state.origin_verify {
        let given = req.header(ORIGIN_VERIFY_HEADER).unwrap_or("");
        if !origin_verify.accepts(given).await? {
            tracing::warn!(request_id = %req.request_id, source_ip = %ip, "request without a valid origin-verify header refused");
            return Err(ApiError::Forbidden);
        }
        let viewer = req.header(VIEWER_IP_HEADER).and_then(viewer_ip);
        if let Some(v) = viewer.or_else(|| req.header(CLOUDFRONT_VIEWER_ADDRESS_HEADER).and_then(viewer_address_ip)) {
            ip = v;
        }
    }

    let def = definition();
    if req.method == Method::OPTIONS {
        let methods = def.methods_for(&req.path);
        if methods.is_empty() {
            return Err(ApiError::NotFound);
        }
        return Ok(state.cors.preflight(&req.headers, &methods));
    }
    let route = match req.route_key.as_deref().and_then(|k| def.by_key(k)) {
        Some(r) => r,
        None => match def.lookup(req.method.as_str(), &req.path) {
            Lookup::Found(r) => r,
            Lookup::MethodNotAllowed(m) => return Err(ApiError::MethodNotAllowed(m.join(", "))),
            Lookup::NotFound => return Err(ApiError::NotFound),
        },
    };

    let ctx = Ctx {
        state,
        req,
        route,
        caller: Caller {
            ip: ip.clone(),
            server_name: req.header("host").unwrap_or("auth-api").to_string(),
            server_path: route.path.clone(),
            user_agent: req.header("user-agent").map(|s| s.chars().take(512).collect()),
        },
        event: std::sync::OnceLock::new(),
        used_session_cookie: std::sync::OnceLock::new(),
    };
    let result = run_route(&ctx).await;
    // Every auth action: the routes that call Cognito, and federated sign-in (whose calls go to the
    // pool domain's endpoints, not the SDK); not the OpenAPI document.
    if !route.cognito_actions.is_empty() || route.path.starts_with("/auth/federation/") {
        audit(route, req, &ip, &result, ctx.event.get().copied());
    }
    match (result, &state.session_cookie) {
        (Ok(r), _) => Ok(r.response),
        // The session cookie's refresh token was refused for good (not a passing failure): the
        // answer deletes the cookie, so the browser stops sending it.
        (Err(e @ (ApiError::InvalidRefreshToken | ApiError::RefreshTokenReused)), Some(cookie)) if ctx.used_session_cookie.get().is_some() => {
            let mut resp = ApiResponse::error(&e, &req.request_id);
            let name = ctx.used_session_cookie.get().map(String::as_str).unwrap_or(crate::session_cookie::COOKIE_NAME);
            resp.headers.append(http::header::SET_COOKIE, cookie.clear(name));
            Ok(resp)
        }
        (Err(e), _) => Err(e),
    }
}

async fn run_route(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    if ctx.req.body.len() > MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge(MAX_BODY_BYTES));
    }
    if ctx.route.bearer_token {
        ctx.access_token()?;
    }
    // The calling app (apps.rs): its app client for every Cognito call of the handler. A route
    // that calls no Cognito operation (the OpenAPI document) serves every app alike.
    if ctx.route.cognito_actions.is_empty() {
        return dispatch(ctx).await;
    }
    let app = ctx.state.apps.resolve(&ctx.req.headers)?;
    apps::with_app(app, async {
        // A token of another app's client is not this app's session (before any Cognito call).
        if ctx.route.bearer_token {
            let token = ctx.access_token()?;
            if apps::token_client_id(token).is_some_and(|c| c != ctx.state.cognito.client_id()) {
                return Err(ApiError::AppMismatch);
            }
        }
        dispatch(ctx).await
    })
    .await
}

async fn dispatch(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    match cognito::with_route(ctx.route, routes::dispatch(ctx)).await {
        Some(result) => result,
        None => {
            tracing::error!(route = %ctx.route.key(), "route has no handler");
            Err(ApiError::Internal)
        }
    }
}

/// One audit event per auth action. Never a password, token, code, secret, or email. `event`
/// (a security event the handler saw, e.g. `refresh_token_reuse`) is written only when there is one.
fn audit(route: &Route, req: &ApiRequest, source_ip: &str, result: &Result<Reply, ApiError>, event: Option<&'static str>) {
    let (outcome, error_code, status) = match result {
        Ok(r) => (r.outcome, "", r.response.status.as_u16()),
        Err(e) => ("failure", e.code(), e.status().as_u16()),
    };
    tracing::info!(
        target: "audit",
        action = %route.name,
        outcome,
        error_code,
        status,
        event,
        request_id = %req.request_id,
        source_ip = %source_ip,
        "auth action"
    );
}
