//! The local server: the same router over plain HTTP/1.1, for `make dev` and end-to-end tests.
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
