//! The local server: the same router over plain HTTP/1.1, for `make dev` and end-to-end tests; and
//! the trigger listener ([`serve_triggers`]): the Cognito triggers behind Lambda's Invoke API, which
//! the local Cognito emulator calls where Cognito would invoke the functions.
use crate::config::MAX_BODY_BYTES;
use crate::error::ApiError;
use crate::http::{new_request_id, ApiRequest};
use crate::state::AppState;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

async fn serve_one(state: &AppState, req: hyper::Request<Incoming>, peer: SocketAddr) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let request_id = new_request_id();
    let resp = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => {
            let api_req = ApiRequest {
                method: parts.method,
                path: parts.uri.path().to_string(),
                query: parts.uri.query().unwrap_or("").to_string(),
                route_key: None,
                headers: parts.headers,
                body: collected.to_bytes(),
                peer_ip: peer.ip().to_string(),
                request_id,
            };
            crate::router::handle(state, api_req).await
        }
        // Over the limit (or the client broke the body off): answered with the same contract.
        Err(_) => crate::router::finish(state, &parts.headers, &request_id, Err(ApiError::PayloadTooLarge(MAX_BODY_BYTES))),
    };
    let mut out = hyper::Response::new(Full::new(resp.body));
    *out.status_mut() = resp.status;
    *out.headers_mut() = resp.headers;
    out
}

/// Serves until the task is dropped.
pub async fn serve(listener: TcpListener, state: Arc<AppState>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                continue;
            }
        };
        let state = state.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                let state = state.clone();
                async move { Ok::<_, std::convert::Infallible>(serve_one(&state, req, peer).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
        });
    }
}

/// Lambda's Invoke API path: `POST /2015-03-31/functions/{FunctionName}/invocations`
/// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
const INVOKE_PREFIX: &str = "/2015-03-31/functions/";
const INVOKE_SUFFIX: &str = "/invocations";
/// Lambda's largest synchronous payload (6 MB); Cognito's events are a few KB.
const MAX_EVENT_BYTES: usize = 6 * 1024 * 1024;

fn json_response(status: u16, headers: &[(&str, &str)], body: &serde_json::Value) -> hyper::Response<Full<Bytes>> {
    let mut out = hyper::Response::new(Full::new(Bytes::from(body.to_string())));
    *out.status_mut() = http::StatusCode::from_u16(status).expect("a valid status");
    out.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (http::HeaderName::try_from(*k), http::HeaderValue::try_from(*v)) {
            out.headers_mut().insert(k, v);
        }
    }
    out
}

/// One invocation, answered as Lambda's Invoke API answers a synchronous call: 200 with the
/// function's result, or 200 with `X-Amz-Function-Error: Unhandled` and `{errorType, errorMessage}`
/// when the function failed; 404 for a function that does not exist.
async fn invoke_one(state: &crate::triggers::TriggerState, req: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
    let request_id = new_request_id();
    let rid = [("x-amzn-RequestId", request_id.as_str())];
    let path = req.uri().path().to_string();
    let name = path.strip_prefix(INVOKE_PREFIX).and_then(|p| p.strip_suffix(INVOKE_SUFFIX)).map(|n| {
        let n = percent_encoding::percent_decode_str(n).decode_utf8_lossy().into_owned();
        // A function ARN (arn:aws:lambda:region:account:function:name[:qualifier]) or a plain name.
        match n.split(':').collect::<Vec<_>>().as_slice() {
            ["arn", _, "lambda", _, _, "function", name, ..] => name.to_string(),
            _ => n,
        }
    });
    if req.method() != http::Method::POST || name.is_none() {
        return json_response(404, &rid, &serde_json::json!({"Type": "User", "message": "Use POST /2015-03-31/functions/{name}/invocations"}));
    }
    let name = name.unwrap_or_default();
    let Some(trigger) = crate::definition::triggers().by_name(&name) else {
        let body = serde_json::json!({"Type": "User", "message": format!("Function not found: {name}")});
        return json_response(404, &[rid[0], ("x-amzn-ErrorType", "ResourceNotFoundException")], &body);
    };
    let body = match Limited::new(req.into_body(), MAX_EVENT_BYTES).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return json_response(413, &[rid[0], ("x-amzn-ErrorType", "RequestTooLargeException")], &serde_json::json!({"Type": "User", "message": "Request must be smaller than 6291456 bytes"})),
    };
    let Ok(event) = serde_json::from_slice::<serde_json::Value>(&body) else {
        let body = serde_json::json!({"Type": "User", "message": "Could not parse request body into json"});
        return json_response(400, &[rid[0], ("x-amzn-ErrorType", "InvalidRequestContentException")], &body);
    };
    match crate::triggers::invoke(state, trigger, event, &request_id).await {
        Ok(answer) => json_response(200, &rid, &answer),
        Err(e) => {
            let body = serde_json::json!({"errorType": e.kind(), "errorMessage": e.to_string()});
            json_response(200, &[rid[0], ("X-Amz-Function-Error", "Unhandled")], &body)
        }
    }
}

/// Serves every trigger of cdk/triggers.json behind Lambda's Invoke API (the function name is the
/// trigger's name) until the task is dropped.
pub async fn serve_triggers(listener: TcpListener, state: Arc<crate::triggers::TriggerState>) {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "trigger listener: accept failed");
                continue;
            }
        };
        let state = state.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                let state = state.clone();
                async move { Ok::<_, std::convert::Infallible>(invoke_one(&state, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
        });
    }
}
