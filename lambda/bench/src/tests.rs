//! Tests of what the benchmark relies on and of what it found worth holding: the product's HTTPS
//! client does not trust the test CA unless told to (so production trust is the system store), and
//! a request after a freeze during which the server closed the kept connection still succeeds.
use crate::{stubs, tls};
use auth_api::config::{Config, Secret};
use aws_sdk_cognitoidentityprovider::config::Credentials;
use aws_smithy_http_client::tls as smithy_tls;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-client-AbCdEf";

fn state(sdk: &aws_config::SdkConfig) -> auth_api::AppState {
    let cfg = Config {
        region: "us-east-1".into(),
        user_pool_id: "us-east-1_bench".into(),
        client_id: "benchclient".into(),
        client_secret: Some(Secret::Arn(ARN.into())),
        cors_origins: vec!["https://app.example.com".into()],
        origin_verify: None,
        totp_issuer: "Auth API".into(),
        request_deadline: auth_api::config::DEFAULT_REQUEST_DEADLINE,
        password_policy: None,
        passkeys: Default::default(),
        auth_session_validity: auth_api::config::default_auth_session_validity(),
        email_code_limit_table: None,
    };
    auth_api::AppState::new(cfg, auth_api::state::cognito_client(sdk), sdk)
}

fn creds() -> Credentials {
    Credentials::new("ASIATESTTESTTESTTEST", "test/test/test", Some("tok".into()), None, "test")
}

fn login() -> auth_api::http::ApiRequest {
    sample("login")
}

/// The benchmark's sample request for a route of cdk/routes.json.
fn sample(route: &str) -> auth_api::http::ApiRequest {
    let routes = crate::routes::all(&stubs::Canned::new()).unwrap();
    routes.into_iter().find(|r| r.name == route).unwrap().request
}

/// An HTTPS client built as in state::sdk_builder, but trusting only the test root (no process-wide
/// variable involved).
fn https_trusting(ca: &tls::TestCa) -> aws_sdk_cognitoidentityprovider::config::SharedHttpClient {
    let trust = smithy_tls::TrustStore::empty().with_native_roots(false).with_pem_certificate(std::fs::read(&ca.root_pem).unwrap());
    auth_api::state::https_client(Some(smithy_tls::TlsContext::builder().with_trust_store(trust).build().unwrap()))
}

/// Closes the stub's idle connections, as a server does while Lambda has the sandbox frozen, and
/// waits (bounded) until they are closed.
fn server_closes_idle_connections(stub: &stubs::AwsStub) {
    stub.ctl.drop_idle_connections();
    let until = Instant::now() + Duration::from_secs(5);
    while stub.ctl.open() > 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(stub.ctl.open(), 0, "the stub did not close its idle connections");
    std::thread::sleep(Duration::from_millis(50));
}

/// Without SSL_CERT_FILE / SSL_CERT_DIR (as in Lambda), the product's client (state::sdk_builder)
/// refuses a server whose chain ends at the benchmark's test root: the connection is made, the
/// handshake fails, no request reaches the server, and the secret read answers 503.
#[test]
fn production_trust_does_not_include_the_test_ca() {
    std::env::remove_var("SSL_CERT_FILE");
    std::env::remove_var("SSL_CERT_DIR");
    let dir = std::env::temp_dir().join(format!("auth-bench-trust-{}", std::process::id()));
    let ca = tls::TestCa::create(&dir).unwrap();
    let stub_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let stub = stubs::start_aws(&stub_rt, Some(ca.acceptor.clone()));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let result = rt.block_on(async {
        let sdk = auth_api::state::sdk_builder("us-east-1").endpoint_url(stub.url(true)).credentials_provider(aws_sdk_cognitoidentityprovider::config::SharedCredentialsProvider::new(creds())).build();
        let secret = auth_api::secrets::SecretSource::secrets_manager(ARN.into(), &sdk);
        secret.get().await.map(str::to_string)
    });
    assert!(result.is_err(), "the product's client accepted the test CA without SSL_CERT_FILE");
    assert!(stub.ctl.connections.load(Ordering::SeqCst) >= 1, "the client never reached the stub, so this proves nothing");
    assert_eq!(stub.ctl.handshakes.load(Ordering::SeqCst), 0);
    assert_eq!(stub.ctl.requests.load(Ordering::SeqCst), 0);
    let _ = std::fs::remove_dir_all(dir);
}

/// Lambda freezes the sandbox between invocations; meanwhile the far end may close the kept
/// connection. Here the client's runtime is not polled between two logins (frozen: nothing reads
/// the socket), the stub closes its idle connections (close_notify + FIN reach the client's
/// socket unread), then the second login must still succeed, on a new connection.
///
/// What happens today: the pool hands the dead connection to the second login, whose first
/// attempt fails with hyper's IncompleteMessage ("connection closed before message completed",
/// inside hyper_util's SendRequest error), and the SDK's second attempt succeeds on a new
/// connection. With one attempt (config::MAX_ATTEMPTS = 1, or a retry policy that refuses to
/// repeat AdminInitiateAuth after that error) the login answers 503: checked. The server never
/// read that request (it had closed the connection while idle), so repeating it is safe.
#[test]
fn a_request_after_a_freeze_survives_the_server_closing_the_kept_connection() {
    let dir = std::env::temp_dir().join(format!("auth-bench-freeze-{}", std::process::id()));
    let ca = tls::TestCa::create(&dir).unwrap();
    let stub_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let stub = stubs::start_aws(&stub_rt, Some(ca.acceptor.clone()));
    // The product's SDK configuration (timeouts, retries, connection pool).
    let https = https_trusting(&ca);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let state = rt.block_on(async {
        let sdk = auth_api::state::sdk_builder("us-east-1").http_client(https).endpoint_url(stub.url(true)).credentials_provider(aws_sdk_cognitoidentityprovider::config::SharedCredentialsProvider::new(creds())).build();
        state(&sdk)
    });

    let first = rt.block_on(auth_api::handle(&state, login()));
    assert_eq!(first.status, 200, "{}", String::from_utf8_lossy(&first.body));
    let opened = stub.ctl.connections.load(Ordering::SeqCst);
    assert!(stub.ctl.open() >= 1, "the client kept no connection, so this proves nothing");

    // Frozen: the client's runtime is not running while the server closes its side.
    server_closes_idle_connections(&stub);

    let second = rt.block_on(auth_api::handle(&state, login()));
    assert_eq!(second.status, 200, "{}", String::from_utf8_lossy(&second.body));
    assert!(stub.ctl.connections.load(Ordering::SeqCst) > opened, "the second login did not open a new connection");
    let _ = std::fs::remove_dir_all(dir);
}

/// The known bug this holds fixed: an operation that is not safe to repeat (ForgotPassword: a
/// repeat sends a second email) answered 503 once after the function had been idle. The sandbox
/// was frozen longer than Cognito keeps an idle connection; the server closed the pooled
/// connection meanwhile; on thaw the pool handed that dead connection to the next call, whose
/// request was written before the close was noticed ("connection closed before message
/// completed"), and the retry policy rightly refused to repeat it (the client cannot know the
/// server did not read it).
///
/// The fix: the pool does not hand out a connection idle for longer than
/// `config::POOL_IDLE_TIMEOUT` (below the idle timeouts of the network path), so after such an
/// idle period the call goes out on a new connection, once. The freeze here: the client's runtime
/// is not polled, the stub closes its idle connections, and the runtime's clock moves on by
/// more than that bound (Lambda's clock keeps running while a sandbox is frozen), without
/// waiting for it in real time.
#[test]
fn a_call_not_safe_to_repeat_survives_an_idle_freeze() {
    assert!(!auth_api::cognito::safe_to_repeat("ForgotPassword"), "this test needs an operation that is not retried");
    let dir = std::env::temp_dir().join(format!("auth-bench-idle-{}", std::process::id()));
    let ca = tls::TestCa::create(&dir).unwrap();
    let stub_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let stub = stubs::start_aws(&stub_rt, Some(ca.acceptor.clone()));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let state = rt.block_on(async {
        let sdk = auth_api::state::sdk_builder("us-east-1").http_client(https_trusting(&ca)).endpoint_url(stub.url(true)).credentials_provider(aws_sdk_cognitoidentityprovider::config::SharedCredentialsProvider::new(creds())).build();
        state(&sdk)
    });

    let first = rt.block_on(auth_api::handle(&state, sample("passwordForgot")));
    assert_eq!(first.status, 202, "{}", String::from_utf8_lossy(&first.body));
    assert!(stub.ctl.open() >= 1, "the client kept no connection, so this proves nothing");
    let (opened, answered) = (stub.ctl.connections.load(Ordering::SeqCst), stub.ctl.requests.load(Ordering::SeqCst));

    // The idle period on the client's clock (moving it lets the runtime run, so this comes
    // before the server's close, which the client must not see until the next call)...
    rt.block_on(async {
        tokio::time::pause();
        tokio::time::advance(auth_api::config::POOL_IDLE_TIMEOUT + Duration::from_secs(1)).await;
        tokio::time::resume();
    });
    // ...and the server's close while the client is frozen.
    server_closes_idle_connections(&stub);

    let second = rt.block_on(auth_api::handle(&state, sample("passwordForgot")));
    assert_eq!(second.status, 202, "{}", String::from_utf8_lossy(&second.body));
    assert!(stub.ctl.connections.load(Ordering::SeqCst) > opened, "the call did not go out on a new connection");
    assert_eq!(stub.ctl.requests.load(Ordering::SeqCst), answered + 1, "ForgotPassword must reach Cognito exactly once");
    let _ = std::fs::remove_dir_all(dir);
}
