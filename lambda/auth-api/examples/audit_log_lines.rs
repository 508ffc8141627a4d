//! Writes the audit log lines the deployed function writes, in its production log format, for
//! tests/cdk/failed-login-filter.test.ts to apply the stack's metric filters to (failed logins,
//! reused refresh tokens).
//!
//! Runs the real logging set-up (`telemetry::init`, as `bootstrap` does), the real Lambda adapter
//! (an API Gateway HTTP API event) and the real router, with Cognito's answers mocked. Log lines go
//! to stderr (run it with `AWS_LAMBDA_LOG_FORMAT=JSON`, as Lambda sets it for a JSON-format
//! function); stdout gets one JSON object naming, per line written, the request sent and every
//! secret and address it carried, so the test can check the lines hold none of them.
//!
//!     AWS_LAMBDA_LOG_FORMAT=JSON cargo run -q -p auth-api --example audit_log_lines
use auth_api::lambda::to_api_request;
use aws_sdk_cognitoidentityprovider as cip;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_runtime_api::http::{Response as HttpResponse, StatusCode};
use aws_smithy_types::body::SdkBody;
use serde_json::json;

const EMAIL: &str = "jane.audit@example.com";
const PASSWORD: &str = "Audit-Passw0rd-42!";
const ACCESS: &str = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VybmFtZSI6ImF1ZGl0LXN1YiJ9.YXVkaXRzaWc";
const REFRESH: &str = "audit-refresh-token-0123456789";

fn refused(exception: &'static str) -> impl Fn() -> HttpResponse + Send + Sync + 'static {
    move || {
        let body = json!({"__type": exception, "message": "mocked"}).to_string();
        HttpResponse::new(StatusCode::try_from(400).unwrap(), SdkBody::from(body))
    }
}

fn tokens() -> Rule {
    mock!(cip::Client::admin_initiate_auth).then_output(|| {
        cip::operation::admin_initiate_auth::AdminInitiateAuthOutput::builder()
            .authentication_result(
                cip::types::AuthenticationResultType::builder()
                    .access_token(ACCESS)
                    .id_token("aud.it.id")
                    .refresh_token(REFRESH)
                    .expires_in(3600)
                    .token_type("Bearer")
                    .build(),
            )
            .build()
    })
}

/// An API Gateway HTTP API (payload 2.0) event, as the function receives it.
fn event(route_key: &str, body: serde_json::Value, request_id: &str) -> lambda_http::Request {
    let (method, path) = route_key.split_once(' ').unwrap();
    let e = json!({
        "version": "2.0", "routeKey": route_key, "rawPath": path, "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": "api.example.com", "user-agent": "audit-example/1.0"},
        "requestContext": {
            "accountId": "123456789012", "apiId": "abc123", "domainName": "api.example.com", "domainPrefix": "api",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.42", "userAgent": "audit-example/1.0"},
            "requestId": request_id, "routeKey": route_key, "stage": "$default",
            "time": "30/Nov/2026:12:00:00 +0000", "timeEpoch": 1796040000000u64
        },
        "body": body.to_string(), "isBase64Encoded": false
    });
    lambda_http::request::from_str(&e.to_string()).expect("a valid API Gateway v2 event")
}

#[tokio::main]
async fn main() {
    auth_api::telemetry::init();
    let cases: Vec<(&str, &str, serde_json::Value, Rule)> = vec![
        ("login-failure", "POST /auth/login", json!({"email": EMAIL, "password": PASSWORD}),
            mock!(cip::Client::admin_initiate_auth).then_http_response(refused("NotAuthorizedException"))),
        ("login-success", "POST /auth/login", json!({"email": EMAIL, "password": PASSWORD}), tokens()),
        ("refresh-failure", "POST /auth/refresh", json!({"refreshToken": REFRESH}),
            mock!(cip::Client::get_tokens_from_refresh_token).then_http_response(refused("NotAuthorizedException"))),
        // A refresh token that rotation has replaced, presented after the grace period.
        ("refresh-reuse", "POST /auth/refresh", json!({"refreshToken": REFRESH}),
            mock!(cip::Client::get_tokens_from_refresh_token).then_http_response(refused("RefreshTokenReuseException"))),
    ];
    let mut written = vec![];
    for (name, route_key, body, rule) in cases {
        let client = mock_client!(cip, RuleMode::MatchAny, [&rule], |c| c.interceptor(auth_api::cognito::DeclaredActionsGuard));
        let cfg = auth_api::config::Config {
            region: "us-east-1".into(),
            user_pool_id: "us-east-1_audit".into(),
            client_id: "auditclient".into(),
            client_secret: Some(auth_api::config::Secret::Plain("audit-client-secret".into())),
            cors_origins: vec!["https://app.example.com".into()],
            origin_verify: None,
            totp_issuer: "Audit".into(),
            request_deadline: auth_api::config::DEFAULT_REQUEST_DEADLINE,
            password_policy: None,
            passkeys: Default::default(),
            auth_session_validity: auth_api::config::default_auth_session_validity(),
            email_code_limit_table: None,
        };
        let state = auth_api::AppState::new(cfg, client, &aws_config::SdkConfig::builder().build());
        let request_id = format!("req-{name}");
        let resp = auth_api::handle(&state, to_api_request(event(route_key, body, &request_id))).await;
        written.push(json!({"case": name, "requestId": request_id, "status": resp.status.as_u16()}));
    }
    // A Cognito trigger's audit lines: the pre sign-up trigger allowing an address and refusing one.
    let trigger = auth_api::definition::triggers().by_name("preSignUp").expect("the preSignUp trigger");
    let state = auth_api::triggers::TriggerState::from_lookup(&[trigger], |k| (k == "SIGN_UP_EMAIL_DOMAINS").then(|| "example.com".to_string()))
        .expect("a valid allow-list");
    for (name, address) in [("trigger-allowed", EMAIL), ("trigger-refused", "jane@elsewhere.test")] {
        let event = json!({
            "version": "1", "triggerSource": "PreSignUp_SignUp", "region": "us-east-1", "userPoolId": "us-east-1_audit",
            "userName": "6f0f2a6c-9d4e-4b59-8c1e-6a7a0c1e2f3d",
            "callerContext": {"awsSdkVersion": "aws-sdk-rust-1.3.0", "clientId": "auditclient"},
            "request": {"userAttributes": {"email": address}, "validationData": null},
            "response": {"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false}
        });
        let request_id = format!("req-{name}");
        let status = match auth_api::triggers::invoke(&state, trigger, event, &request_id).await {
            Ok(_) => 200,
            Err(_) => 403,
        };
        written.push(json!({"case": name, "requestId": request_id, "status": status}));
    }
    let out = json!({
        "cases": written,
        "email": EMAIL,
        "secrets": [PASSWORD, ACCESS, REFRESH, "aud.it.id", "audit-client-secret"],
    });
    println!("{out}");
}
