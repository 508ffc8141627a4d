//! The Lambda door: an API Gateway HTTP API (payload 2.0) event becomes the router's request with
//! its route key, source IP, request id and decoded body; the router's answer becomes the
//! function's response.
use auth_api::http::ApiResponse;
use auth_api::lambda::{to_api_request, to_lambda_response};

const EVENT: &str = include_str!("fixtures/apigw-v2-login.json");

#[test]
fn an_http_api_event_becomes_a_router_request() {
    let req = lambda_http::request::from_str(EVENT).unwrap();
    let api = to_api_request(req);
    assert_eq!(api.route_key.as_deref(), Some("POST /auth/login"));
    assert_eq!(api.method, http::Method::POST);
    assert_eq!(api.path, "/auth/login");
    assert_eq!(api.peer_ip, "203.0.113.42");
    assert_eq!(api.request_id, "gw-req-42");
    assert_eq!(&api.body[..], br#"{"email":"jane@example.com","password":"secret"}"#);
    assert_eq!(api.header("origin"), Some("https://app.example"));
}

#[test]
fn the_router_answer_becomes_the_function_response() {
    let mut r = ApiResponse::json(http::StatusCode::UNAUTHORIZED, &serde_json::json!({"error": "invalid_token"}));
    r.headers.insert("x-request-id", "gw-req-42".parse().unwrap());
    let out = to_lambda_response(r);
    assert_eq!(out.status(), 401);
    assert_eq!(out.headers()["content-type"], "application/json");
    assert_eq!(out.headers()["x-request-id"], "gw-req-42");
    match out.body() {
        lambda_http::Body::Text(t) => assert_eq!(t, r#"{"error":"invalid_token"}"#),
        other => panic!("expected a text body, got {other:?}"),
    }
    let empty = to_lambda_response(ApiResponse::empty(http::StatusCode::NO_CONTENT));
    assert!(matches!(empty.body(), lambda_http::Body::Empty));
}
