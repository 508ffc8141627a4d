//! Lambda adapters: API Gateway HTTP API (payload 2.0) events to the router and back ([`run`]), and
//! Cognito trigger events to [`crate::triggers::invoke`] ([`run_trigger`]). Which one a function runs
//! is decided once at start-up by `COGNITO_TRIGGER` (bootstrap.rs), not per event: lambda_http reads
//! only HTTP events, and the HTTP path keeps its typed deserialisation (no second parse per request).
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use std::sync::Arc;

pub fn to_api_request(req: Request) -> ApiRequest {
    let (route_key, peer_ip, gw_request_id) = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(c)) => (c.route_key.clone(), c.http.source_ip.clone(), c.request_id.clone()),
        _ => (None, None, None),
    };
    let request_id = gw_request_id
        .or_else(|| req.lambda_context_ref().map(|c| c.request_id.clone()))
        .unwrap_or_else(crate::http::new_request_id);
    let path = req.raw_http_path().to_string();
    let (parts, body) = req.into_parts();
    let query = parts.uri.query().unwrap_or("").to_string();
    let body = match body {
        Body::Empty => bytes::Bytes::new(),
        Body::Text(t) => bytes::Bytes::from(t),
        Body::Binary(b) => bytes::Bytes::from(b),
        _ => bytes::Bytes::new(),
    };
    ApiRequest {
        method: parts.method,
        path,
        query,
        route_key,
        headers: parts.headers,
        body,
        peer_ip: peer_ip.unwrap_or_default(),
        request_id,
    }
}

pub fn to_lambda_response(resp: ApiResponse) -> Response<Body> {
    let mut out = Response::new(if resp.body.is_empty() {
        Body::Empty
    } else {
        Body::Text(String::from_utf8_lossy(&resp.body).into_owned())
    });
    *out.status_mut() = resp.status;
    *out.headers_mut() = resp.headers;
    out
}

/// Polls the Lambda Runtime API forever, serving each event with the router.
pub async fn run(state: Arc<AppState>) -> Result<(), lambda_http::Error> {
    lambda_http::run(lambda_http::service_fn(move |req: Request| {
        let state = state.clone();
        async move {
            let resp = crate::router::handle(&state, to_api_request(req)).await;
            Ok::<_, std::convert::Infallible>(to_lambda_response(resp))
        }
    }))
    .await
}

/// The trigger function's error as Lambda reports it to Cognito (`errorType`, `errorMessage`).
impl From<crate::triggers::TriggerError> for lambda_http::lambda_runtime::Diagnostic {
    fn from(e: crate::triggers::TriggerError) -> Self {
        lambda_http::lambda_runtime::Diagnostic { error_type: e.kind().into(), error_message: e.to_string() }
    }
}

/// Polls the Lambda Runtime API forever, serving each Cognito event with trigger `trigger` (raw
/// JSON: an event that is not JSON is the runtime's own logged error; one that is JSON but not the
/// trigger's is [`crate::triggers::invoke`]'s).
pub async fn run_trigger(state: Arc<crate::triggers::TriggerState>, trigger: &'static crate::definition::Trigger) -> Result<(), lambda_http::Error> {
    use lambda_http::lambda_runtime::{self, Diagnostic, LambdaEvent};
    lambda_runtime::run(lambda_http::service_fn(move |ev: LambdaEvent<serde_json::Value>| {
        let state = state.clone();
        async move { crate::triggers::invoke(&state, trigger, ev.payload, &ev.context.request_id).await.map_err(Diagnostic::from) }
    }))
    .await
}
