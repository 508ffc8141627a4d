//! Types that hold a password, token, code, client secret or origin-verify value print no secret
//! with `{:?}`: one `?req` in a log line must not leak anything.
use auth_api::cognito::{AuthOutcome, Tokens};
use auth_api::config::{Config, Secret};
use auth_api::http::{ApiRequest, ApiResponse};
use auth_api::secrets::{OriginVerify, SecretSource};
use auth_api::AppState;

const SECRETS: &[&str] = &[
    "Hunter2-Passw0rd!",
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhY2Nlc3MifQ.c2lnbmF0dXJl",
    "refresh-token-value",
    "id-token-value",
    "654321",
    "client-secret-value",
    "origin-verify-value",
    "challenge-session-value",
];

fn assert_clean(what: &str, text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{what} Debug shows a secret ({s}): {text}");
    }
}

fn config() -> Config {
    Config {
        region: "us-east-1".into(),
        user_pool_id: "us-east-1_pool".into(),
        client_id: "client".into(),
        client_secret: Some(Secret::Plain("client-secret-value".into())),
        cors_origins: vec![],
        origin_verify: Some(Secret::Plain("origin-verify-value".into())),
        totp_issuer: "T".into(),
        request_deadline: auth_api::config::DEFAULT_REQUEST_DEADLINE,
        password_policy: None,
        passkeys: Default::default(),
        auth_session_validity: auth_api::config::default_auth_session_validity(),
        email_code_limit_table: None,
    }
}

#[test]
fn request_with_headers_and_body() {
    let mut headers = http::HeaderMap::new();
    headers.insert("authorization", format!("Bearer {}", SECRETS[1]).parse().unwrap());
    headers.insert("x-origin-verify", "origin-verify-value".parse().unwrap());
    let req = ApiRequest {
        method: http::Method::POST,
        path: "/auth/password/reset".into(),
        query: String::new(),
        route_key: None,
        headers,
        body: serde_json::json!({"email": "a@b.co", "code": "654321", "newPassword": "Hunter2-Passw0rd!"}).to_string().into(),
        peer_ip: "203.0.113.9".into(),
        request_id: "r-1".into(),
    };
    let text = format!("{req:?} {req:#?}");
    assert_clean("ApiRequest", &text);
    assert!(text.contains("authorization") && text.contains("/auth/password/reset"), "still useful: {text}");
}

#[test]
fn response_tokens_and_challenge() {
    let body = serde_json::json!({"accessToken": SECRETS[1], "refreshToken": "refresh-token-value"});
    let resp = ApiResponse::json(http::StatusCode::OK, &body);
    assert_clean("ApiResponse", &format!("{resp:?}"));
    let tokens = Tokens {
        access_token: SECRETS[1].into(),
        id_token: Some("id-token-value".into()),
        refresh_token: Some("refresh-token-value".into()),
        expires_in: 3600,
        token_type: "Bearer".into(),
    };
    assert_clean("Tokens", &format!("{tokens:?}"));
    assert_clean("AuthOutcome", &format!("{:?}", AuthOutcome::Tokens(tokens)));
    let challenge = AuthOutcome::Challenge {
        name: "SOFTWARE_TOKEN_MFA".into(),
        session: "challenge-session-value".into(),
        parameters: [("USER_ID_FOR_SRP".to_string(), "sub".to_string())].into(),
    };
    assert_clean("AuthOutcome::Challenge", &format!("{challenge:?}"));
}

#[tokio::test]
async fn config_secret_sources_and_the_whole_state() {
    let cfg = config();
    assert_clean("Config", &format!("{cfg:?}"));
    assert_clean("SecretSource", &format!("{:?}", SecretSource::Plain("client-secret-value".into())));
    assert_clean("OriginVerify", &format!("{:?}", OriginVerify::Plain("origin-verify-value".into())));
    let sdk = aws_config::SdkConfig::builder().behavior_version(aws_config::BehaviorVersion::latest()).build();
    let state = AppState::new(cfg, auth_api::state::cognito_client(&sdk), &sdk);
    let text = format!("{state:?}");
    assert_clean("AppState", &text);
    let st = AppState::new(
        Config { client_secret: Some(Secret::Arn("arn:aws:secretsmanager:us-east-1:1:secret:s".into())), ..config() },
        auth_api::state::cognito_client(&sdk),
        &sdk,
    );
    assert_clean("AppState (ARN)", &format!("{st:?}"));
}
