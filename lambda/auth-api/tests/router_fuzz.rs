//! Property test: random methods, paths, headers and bodies through the router. Whatever comes in,
//! the router does not panic, always answers JSON (or an empty 204 preflight), and bad input never
//! gets a 5xx. Cognito is a stub that refuses everything (NotAuthorized), so inputs that happen to
//! be valid reach "Cognito" and still get a 4xx.
use auth_api::config::{Config, Secret};
use auth_api::http::ApiRequest;
use auth_api::AppState;
use aws_sdk_cognitoidentityprovider as cip;
use bytes::Bytes;
use http_body_util::Full;
use proptest::prelude::*;
use std::sync::Arc;

async fn refusing_cognito() -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(|_req| async {
                    let body = r#"{"__type":"NotAuthorizedException","message":"no"}"#;
                    let mut resp = hyper::Response::new(Full::new(Bytes::from(body)));
                    *resp.status_mut() = hyper::StatusCode::BAD_REQUEST;
                    resp.headers_mut().insert("content-type", "application/x-amz-json-1.1".parse().unwrap());
                    Ok::<_, std::convert::Infallible>(resp)
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(hyper_util::rt::TokioIo::new(s), svc).await;
            });
        }
    });
    format!("http://{addr}")
}

fn methods() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("GET".to_string()),
        Just("POST".to_string()),
        Just("DELETE".to_string()),
        Just("PUT".to_string()),
        Just("OPTIONS".to_string()),
        Just("PATCH".to_string()),
        "[A-Z]{1,8}",
    ]
}

fn paths() -> impl Strategy<Value = String> {
    let known: Vec<String> = auth_api::definition::definition().routes.iter().map(|r| r.path.clone()).collect();
    prop_oneof![
        3 => proptest::sample::select(known),
        1 => "/[a-z/._%-]{0,40}",
        1 => Just("/".to_string()),
    ]
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
        ".{0,40}".prop_map(serde_json::Value::from),
        Just(serde_json::Value::from("jane@example.com")),
        Just(serde_json::Value::from("Corr3ct-Horse-Battery!")),
        Just(serde_json::Value::from("123456")),
        Just(serde_json::Value::from("SOFTWARE_TOKEN_MFA")),
        "[a-zA-Z0-9._-]{0,3000}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        let fields = proptest::sample::select(vec![
            "email", "password", "code", "refreshToken", "username", "currentPassword", "newPassword",
            "challenge", "session", "answer", "deviceName", "x",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(fields, inner, 0..7)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

fn bodies() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        1 => prop::collection::vec(any::<u8>(), 0..200),
        1 => Just(Vec::new()),
        1 => (1usize..40_000).prop_map(|n| vec![b'{'; n]),
    ]
}

fn header_sets() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let name = prop_oneof![
        Just("content-type".to_string()),
        Just("authorization".to_string()),
        Just("origin".to_string()),
        Just("host".to_string()),
        Just("user-agent".to_string()),
        Just("x-origin-verify".to_string()),
        Just("cloudfront-viewer-address".to_string()),
        "[a-z-]{1,20}",
    ];
    let value = prop_oneof![
        Just(b"application/json".to_vec()),
        Just(b"application/json; charset=utf-8".to_vec()),
        Just(b"text/plain".to_vec()),
        Just(b"Bearer aaa.bbb.ccc".to_vec()),
        Just(b"Bearer ".to_vec()),
        Just(b"http://localhost:5173".to_vec()),
        prop::collection::vec(any::<u8>(), 0..60),
    ];
    prop::collection::vec((name, value), 0..6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, .. ProptestConfig::default() })]

    #[test]
    fn the_router_never_panics_always_answers_json_and_never_5xx_for_bad_input(
        method in methods(),
        path in paths(),
        headers in header_sets(),
        body in bodies(),
        with_route_key in any::<bool>(),
    ) {
        let rt = runtime();
        let state = state(rt);
        let mut map = http::HeaderMap::new();
        for (k, v) in headers {
            if let (Ok(k), Ok(v)) = (http::HeaderName::from_bytes(k.as_bytes()), http::HeaderValue::from_bytes(&v)) {
                map.append(k, v);
            }
        }
        let Ok(method) = http::Method::from_bytes(method.as_bytes()) else { return Ok(()) };
        let route_key = with_route_key.then(|| format!("{method} {path}"));
        let req = ApiRequest { method: method.clone(), path, query: String::new(), route_key, headers: map, body: Bytes::from(body), peer_ip: "192.0.2.1".into(), request_id: "fuzz".into() };
        let resp = rt.block_on(auth_api::handle(&state, req));
        prop_assert!(resp.status.as_u16() < 500, "5xx for input: {} {:?}", resp.status, String::from_utf8_lossy(&resp.body));
        if resp.status == http::StatusCode::NO_CONTENT {
            prop_assert_eq!(method, http::Method::OPTIONS);
            prop_assert!(resp.body.is_empty());
        } else {
            let v: serde_json::Value = serde_json::from_slice(&resp.body).map_err(|e| TestCaseError::fail(format!("not JSON: {e}")))?;
            prop_assert!(v.is_object());
            prop_assert_eq!(resp.headers.get("content-type").map(|h| h.as_bytes()), Some(&b"application/json"[..]));
            if !resp.status.is_success() {
                prop_assert!(v["error"].is_string() && v["message"].is_string() && v["requestId"] == "fuzz");
            }
        }
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap())
}

fn state(rt: &'static tokio::runtime::Runtime) -> Arc<AppState> {
    static STATE: std::sync::OnceLock<Arc<AppState>> = std::sync::OnceLock::new();
    STATE
        .get_or_init(|| {
            rt.block_on(async {
                let endpoint = refusing_cognito().await;
                let sdk = auth_api::state::sdk_builder("us-east-1")
                    .endpoint_url(endpoint)
                    .credentials_provider(aws_sdk_cognitoidentityprovider::config::SharedCredentialsProvider::new(cip::config::Credentials::for_tests())).build();
                let cfg = Config {
                    region: "us-east-1".into(),
                    user_pool_id: "us-east-1_fuzz".into(),
                    client_id: "fuzzclient".into(),
                    client_secret: Some(Secret::Plain("fuzz-secret".into())),
                    cors_origins: vec!["http://localhost:5173".into()],
                    origin_verify: None,
                    totp_issuer: "Fuzz".into(),
                    request_deadline: auth_api::config::DEFAULT_REQUEST_DEADLINE,
                    password_policy: None,
                    passkeys: Default::default(),
                    auth_session_validity: auth_api::config::default_auth_session_validity(),
                    email_code_limit_table: None,
                };
                Arc::new(AppState::new(cfg, auth_api::state::cognito_client(&sdk), &sdk))
            })
        })
        .clone()
}
