//! The front door as the functions see it: the origin-verify check (missing / wrong / current / previous
//! value, rotation), the viewer address trusted only after that check passes, and a refused request never
//! reaching Cognito. Cognito and Secrets Manager are stubbed with aws-smithy-mocks (no network).
mod support;

use auth_api::config::{Config, Secret};
use auth_api::definition::definition;
use auth_api::http::ApiRequest;
use auth_api::secrets::{OriginVerify, ORIGIN_VERIFY_TTL};
use auth_api::AppState;
use aws_sdk_cognitoidentityprovider as cip;
use aws_sdk_secretsmanager as sm;
use aws_smithy_mocks::{mock, mock_client, MockResponse, Rule, RuleMode};
use aws_smithy_runtime_api::http::{Response as HttpResponse, StatusCode};
use aws_smithy_types::body::SdkBody;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::capture_logs;

const ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:OriginVerify-AbCdEf";
const PEER: &str = "130.176.98.10"; // what API Gateway reports as the source: a CloudFront edge

/// A stub of one Secrets Manager secret that keeps its versions' staging labels the way PutSecretValue
/// documents: the new value becomes AWSCURRENT and the version that held AWSCURRENT becomes AWSPREVIOUS.
/// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html
/// `created` is the current version's CreatedDate (GetSecretValue answers it); `down` makes every
/// read fail (refused, as during an outage of the function's access to it).
#[derive(Default)]
struct SecretStub {
    current: Option<String>,
    previous: Option<String>,
    created: Option<std::time::SystemTime>,
    down: bool,
    reads: usize,
}

fn put_secret_value(stub: &Mutex<SecretStub>, value: &str) {
    let mut s = stub.lock().unwrap();
    s.previous = s.current.replace(value.to_string());
    s.created = Some(std::time::SystemTime::now());
}

/// Step 4 of the rotation: UpdateSecretVersionStage removing AWSPREVIOUS from the old version.
fn retire_previous(stub: &Mutex<SecretStub>) {
    stub.lock().unwrap().previous = None;
}

fn secrets_manager(stub: Arc<Mutex<SecretStub>>) -> sm::Client {
    let rule = mock!(sm::Client::get_secret_value).then_compute_response(move |req| {
        let mut s = stub.lock().unwrap();
        s.reads += 1;
        if s.down {
            return MockResponse::Http(HttpResponse::new(
                StatusCode::try_from(400).unwrap(),
                SdkBody::from(json!({"__type": "AccessDeniedException", "message": "down"}).to_string()),
            ));
        }
        let created = s.created.map(aws_smithy_types::DateTime::from);
        let value = match req.version_stage().unwrap_or("AWSCURRENT") {
            "AWSCURRENT" => s.current.clone(),
            "AWSPREVIOUS" => s.previous.clone(),
            _ => None,
        };
        match value {
            Some(v) => MockResponse::Output(sm::operation::get_secret_value::GetSecretValueOutput::builder().arn(ARN).secret_string(v).set_created_date(created).build()),
            None => MockResponse::Http(HttpResponse::new(
                StatusCode::try_from(400).unwrap(),
                SdkBody::from(json!({"__type": "ResourceNotFoundException", "message": "Secrets Manager can't find the specified secret value for staging label"}).to_string()),
            )),
        }
    });
    mock_client!(sm, RuleMode::MatchAny, [&rule])
}

/// A Cognito stub whose every login is refused (NotAuthorizedException), counting the calls.
fn cognito() -> (cip::Client, Rule) {
    let rule = mock!(cip::Client::admin_initiate_auth).then_http_response(|| {
        HttpResponse::new(
            StatusCode::try_from(400).unwrap(),
            SdkBody::from(json!({"__type": "NotAuthorizedException", "message": "Incorrect username or password."}).to_string()),
        )
    });
    let client = mock_client!(cip, RuleMode::MatchAny, [&rule], |c| c.interceptor(auth_api::cognito::DeclaredActionsGuard));
    (client, rule)
}

fn state(origin_verify: Option<OriginVerify>) -> (AppState, Rule) {
    let cfg = Config { client_secret: Some(Secret::Plain("shh".into())), cors_origins: vec![], ..support::mocked_config() };
    let (client, rule) = cognito();
    let mut st = AppState::new(cfg, client, &aws_config::SdkConfig::builder().build());
    st.origin_verify = origin_verify;
    (st, rule)
}

fn login(request_id: &str, headers: &[(&str, &str)]) -> ApiRequest {
    let r = definition().by_name("login").unwrap();
    let mut h = http::HeaderMap::new();
    h.insert("content-type", "application/json".parse().unwrap());
    for (k, v) in headers {
        h.append(http::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
    }
    ApiRequest {
        method: http::Method::POST,
        path: r.path.clone(),
        query: String::new(),
        route_key: Some(r.key().to_string()),
        headers: h,
        body: json!({"email": "jane@example.com", "password": "Corr3ct-horse!"}).to_string().into(),
        peer_ip: PEER.into(),
        request_id: request_id.into(),
    }
}

async fn send(st: &AppState, req: ApiRequest) -> (u16, Value) {
    let resp = auth_api::handle(st, req).await;
    let v: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
    (resp.status.as_u16(), v)
}

/// The answer to a login whose origin-verify header is `value` (None: no header).
async fn with_origin_header(st: &AppState, value: Option<&str>) -> u16 {
    let headers: Vec<(&str, &str)> = value.map(|v| ("x-origin-verify", v)).into_iter().collect();
    let (status, body) = send(st, login("r", &headers)).await;
    if status == 403 {
        assert_eq!(body["error"], "forbidden", "{body}");
    } else {
        // Passed the front door: Cognito answered (the stub refuses every login).
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_credentials")), "{body}");
    }
    status
}

#[tokio::test]
async fn origin_header_missing_or_wrong_is_403_and_never_reaches_cognito() {
    let logs = capture_logs(tracing::Level::INFO);
    let (st, cognito_calls) = state(Some(OriginVerify::Plain("s3cret-value".into())));
    for value in [None, Some(""), Some("wrong"), Some("s3cret-valu"), Some("s3cret-value2"), Some("S3CRET-VALUE")] {
        assert_eq!(with_origin_header(&st, value).await, 403, "{value:?}");
    }
    assert_eq!(cognito_calls.num_calls(), 0, "a refused request reached Cognito");
    // The refusals are logged without the value given (a value rotated out, sent by a stale
    // distribution, was a secret once) nor, of course, the expected one.
    let text = logs.text();
    assert!(text.contains("request without a valid origin-verify header refused"), "the refusal is logged");
    assert!(!text.contains("s3cret") && !text.contains("S3CRET"), "a value reached the log: {text}");
    // The 403 is the API's JSON error, with the standard headers.
    let resp = auth_api::handle(&st, login("r-json", &[])).await;
    assert_eq!(resp.headers["content-type"], "application/json");
    assert_eq!(resp.headers["x-request-id"], "r-json");
    assert!(!String::from_utf8_lossy(&resp.body).contains("s3cret"), "the expected value leaked");
    assert_eq!(with_origin_header(&st, Some("s3cret-value")).await, 401);
    assert_eq!(cognito_calls.num_calls(), 1);
}

/// docs/deploying.md, "Rotating the origin-verify secret", step by step against a stubbed Secrets Manager.
#[tokio::test]
async fn rotation_steps_accept_current_and_previous_values() {
    let stub = Arc::new(Mutex::new(SecretStub::default()));
    put_secret_value(&stub, "value-1"); // what the stack created: AWSCURRENT only, no AWSPREVIOUS
    // Zero TTL: every request reads the secret again, so the test need not wait out the 5 minutes of step 2.
    let ov = OriginVerify::from_client(ARN.into(), secrets_manager(stub.clone())).with_ttl(Duration::ZERO);
    let (st, _) = state(Some(ov));
    assert_eq!(with_origin_header(&st, Some("value-1")).await, 401);
    assert_eq!(with_origin_header(&st, Some("value-2")).await, 403);

    // Step 1: put a new value. CloudFront still sends value-1 (now AWSPREVIOUS): accepted, and so is value-2.
    put_secret_value(&stub, "value-2");
    assert_eq!(with_origin_header(&st, Some("value-1")).await, 401);
    assert_eq!(with_origin_header(&st, Some("value-2")).await, 401);
    assert_eq!(with_origin_header(&st, None).await, 403);
    assert_eq!(with_origin_header(&st, Some("value-3")).await, 403);

    // Step 3: CloudFront sends value-2. Step 4: retire value-1 (remove AWSPREVIOUS): refused from the next read on.
    retire_previous(&stub);
    assert_eq!(with_origin_header(&st, Some("value-1")).await, 403);
    assert_eq!(with_origin_header(&st, Some("value-2")).await, 401);

    // The next rotation: value-2 is previous, value-1 stays refused.
    put_secret_value(&stub, "value-3");
    assert_eq!(with_origin_header(&st, Some("value-1")).await, 403);
    assert_eq!(with_origin_header(&st, Some("value-2")).await, 401);
    assert_eq!(with_origin_header(&st, Some("value-3")).await, 401);
}

/// Without step 4, the previous value is still refused once the rotation is PREVIOUS_ACCEPTED_FOR old
/// (the current version's CreatedDate), not accepted until the next rotation.
#[tokio::test]
async fn the_previous_value_is_accepted_for_a_bounded_time_after_a_rotation() {
    assert_eq!(auth_api::secrets::PREVIOUS_ACCEPTED_FOR, Duration::from_secs(24 * 3600), "docs/deploying.md says 24 hours");
    let stub = Arc::new(Mutex::new(SecretStub::default()));
    put_secret_value(&stub, "value-1");
    put_secret_value(&stub, "value-2");
    let ov = OriginVerify::from_client(ARN.into(), secrets_manager(stub.clone())).with_ttl(Duration::ZERO);
    let (st, _) = state(Some(ov));
    assert_eq!(with_origin_header(&st, Some("value-1")).await, 401);
    // The same rotation, a day and a minute later.
    stub.lock().unwrap().created = Some(std::time::SystemTime::now() - Duration::from_secs(24 * 3600 + 60));
    assert_eq!(with_origin_header(&st, Some("value-1")).await, 403);
    assert_eq!(with_origin_header(&st, Some("value-2")).await, 401);
}

/// While Secrets Manager cannot be read, the values last read are served for ORIGIN_VERIFY_MAX_STALE past
/// their TTL, then every request is a 503 (never a value kept for ever); a successful read ends it.
#[tokio::test]
async fn values_read_long_ago_are_not_served_through_an_outage() {
    assert_eq!(auth_api::secrets::ORIGIN_VERIFY_MAX_STALE, Duration::from_secs(15 * 60), "docs/deploying.md says 15 minutes");
    for (max_stale, expected) in [(Duration::from_secs(3600), 401), (Duration::ZERO, 503)] {
        let stub = Arc::new(Mutex::new(SecretStub::default()));
        put_secret_value(&stub, "value-1");
        let ov = OriginVerify::from_client(ARN.into(), secrets_manager(stub.clone())).with_ttl(Duration::ZERO).with_max_stale(max_stale);
        let (st, cognito_calls) = state(Some(ov));
        assert_eq!(with_origin_header(&st, Some("value-1")).await, 401);
        stub.lock().unwrap().down = true;
        let calls = cognito_calls.num_calls();
        let (status, body) = send(&st, login("stale", &[("x-origin-verify", "value-1")])).await;
        assert_eq!(status, expected, "max stale {max_stale:?}: {body}");
        if expected == 503 {
            assert_eq!((body["error"].as_str(), cognito_calls.num_calls()), (Some("service_unavailable"), calls));
        }
        stub.lock().unwrap().down = false;
        assert_eq!(with_origin_header(&st, Some("value-1")).await, 401, "back once Secrets Manager answers");
    }
}

#[tokio::test]
async fn values_are_cached_for_the_ttl_then_read_again() {
    assert_eq!(ORIGIN_VERIFY_TTL, Duration::from_secs(300), "docs/deploying.md's step 2 says to wait 5 minutes");
    let stub = Arc::new(Mutex::new(SecretStub::default()));
    put_secret_value(&stub, "value-1");
    let (st, _) = state(Some(OriginVerify::from_client(ARN.into(), secrets_manager(stub.clone()))));
    for _ in 0..5 {
        assert_eq!(with_origin_header(&st, Some("value-1")).await, 401);
    }
    // One read of AWSCURRENT and one of AWSPREVIOUS for five requests.
    assert_eq!(stub.lock().unwrap().reads, 2);
    // Within the TTL a new value is not seen yet (hence step 2 of the rotation).
    put_secret_value(&stub, "value-2");
    assert_eq!(with_origin_header(&st, Some("value-2")).await, 403);
    assert_eq!(stub.lock().unwrap().reads, 2);
}

/// Once the cache lifetime has passed, the values are read again and a new one is accepted (the
/// lifetime is scaled down to 100 ms; a slow machine only waits longer, which cannot make the read
/// less due).
#[tokio::test]
async fn after_the_ttl_the_values_are_read_again() {
    let ttl = Duration::from_millis(100);
    let stub = Arc::new(Mutex::new(SecretStub::default()));
    put_secret_value(&stub, "value-1");
    let (st, _) = state(Some(OriginVerify::from_client(ARN.into(), secrets_manager(stub.clone())).with_ttl(ttl)));
    assert_eq!(with_origin_header(&st, Some("value-1")).await, 401);
    put_secret_value(&stub, "value-2");
    tokio::time::sleep(ttl * 2).await;
    assert_eq!(with_origin_header(&st, Some("value-2")).await, 401, "the new value after the cache lifetime");
    assert_eq!(stub.lock().unwrap().reads, 4, "AWSCURRENT and AWSPREVIOUS, read twice");
}

#[tokio::test]
async fn an_unreadable_origin_secret_is_a_503() {
    let stub = Arc::new(Mutex::new(SecretStub::default())); // no value at all: AWSCURRENT is not found
    let (st, cognito_calls) = state(Some(OriginVerify::from_client(ARN.into(), secrets_manager(stub))));
    let (status, body) = send(&st, login("r", &[("x-origin-verify", "anything")])).await;
    assert_eq!((status, body["error"].as_str()), (503, Some("service_unavailable")), "{body}");
    assert_eq!(cognito_calls.num_calls(), 0);
}

/// The `source_ip` of the log line (audit event or refusal) written for `request_id`.
fn logged_ip(text: &str, request_id: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.contains(&format!("\"request_id\":\"{request_id}\"")) && l.contains("source_ip"))
        .unwrap_or_else(|| panic!("no log line with a source_ip for {request_id}"));
    let v: Value = serde_json::from_str(line).unwrap();
    v["fields"]["source_ip"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn viewer_address_is_trusted_only_after_a_valid_origin_header() {
    let logs = capture_logs(tracing::Level::INFO);
    let (st, _) = state(Some(OriginVerify::Plain("s3cret-value".into())));
    let ok = ("x-origin-verify", "s3cret-value");
    /// (request id, headers, expected status, address the log line must carry)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, u16, &'a str);
    let cases: [Case; 8] = [
        // A forged viewer header without the origin secret: refused, logged with the connection's address.
        ("forged-no-origin", vec![("x-viewer-ip", "203.0.113.66")], 403, PEER),
        ("forged-wrong-origin", vec![("x-origin-verify", "guess"), ("x-viewer-ip", "203.0.113.66")], 403, PEER),
        ("forged-cf-header", vec![("cloudfront-viewer-address", "203.0.113.66:443")], 403, PEER),
        // Through the front door: the CloudFront Function's header, IPv4 and IPv6.
        ("v4", vec![ok, ("x-viewer-ip", "203.0.113.9")], 401, "203.0.113.9"),
        ("v6", vec![ok, ("x-viewer-ip", "2001:db8::1")], 401, "2001:db8::1"),
        // CloudFront's own header when forwarded, including its unbracketed IPv6 form with a port.
        ("cf-v6", vec![ok, ("cloudfront-viewer-address", "2001:db8::1:46532")], 401, "2001:db8::1"),
        ("cf-v4", vec![ok, ("cloudfront-viewer-address", "203.0.113.9:46532")], 401, "203.0.113.9"),
        // Something that is not an address: the connection's address stays.
        ("garbage", vec![ok, ("x-viewer-ip", "<script>")], 401, PEER),
    ];
    for (id, headers, status, _) in &cases {
        let (s, body) = send(&st, login(id, headers)).await;
        assert_eq!(s, *status, "{id}: {body}");
    }
    let text = logs.text();
    for (id, _, _, ip) in &cases {
        assert_eq!(logged_ip(&text, id), *ip, "{id}");
    }

    // Without the front door (frontDoor: false) the header is never trusted.
    let (open, _) = state(None);
    let (s, _) = send(&open, login("no-front-door", &[("x-viewer-ip", "203.0.113.66")])).await;
    assert_eq!(s, 401);
    assert_eq!(logged_ip(&logs.text(), "no-front-door"), PEER);
}
