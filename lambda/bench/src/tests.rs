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
    };
    auth_api::AppState::new(cfg, auth_api::state::cognito_client(sdk), sdk)
}

fn creds() -> Credentials {
    Credentials::new("ASIATESTTESTTESTTEST", "test/test/test", Some("tok".into()), None, "test")
}

fn login() -> auth_api::http::ApiRequest {
    let routes = crate::routes::all(&stubs::Canned::new()).unwrap();
    routes.into_iter().find(|r| r.name == "login").unwrap().request
}

/// Without SSL_CERT_FILE / SSL_CERT_DIR (as in Lambda), the product's client (state::sdk_loader)
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
        let sdk = auth_api::state::sdk_loader("us-east-1").endpoint_url(stub.url(true)).credentials_provider(creds()).load().await;
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
    // The product's SDK configuration (timeouts, retries), with an HTTPS client built as in
    // state::sdk_loader but trusting only the test root (no process-wide variable involved).
    let trust = smithy_tls::TrustStore::empty().with_native_roots(false).with_pem_certificate(std::fs::read(&ca.root_pem).unwrap());
    let https = aws_smithy_http_client::Builder::new()
        .tls_provider(smithy_tls::Provider::Rustls(smithy_tls::rustls_provider::CryptoMode::Ring))
        .tls_context(smithy_tls::TlsContext::builder().with_trust_store(trust).build().unwrap())
        .build_https();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let state = rt.block_on(async {
        let sdk = auth_api::state::sdk_loader("us-east-1").http_client(https).endpoint_url(stub.url(true)).credentials_provider(creds()).load().await;
        state(&sdk)
    });

    let first = rt.block_on(auth_api::handle(&state, login()));
    assert_eq!(first.status, 200, "{}", String::from_utf8_lossy(&first.body));
    let opened = stub.ctl.connections.load(Ordering::SeqCst);
    assert!(stub.ctl.open() >= 1, "the client kept no connection, so this proves nothing");

    // Frozen: the client's runtime is not running while the server closes its side.
    stub.ctl.drop_idle_connections();
    let until = Instant::now() + Duration::from_secs(5);
    while stub.ctl.open() > 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(stub.ctl.open(), 0, "the stub did not close its idle connections");
    std::thread::sleep(Duration::from_millis(50));

    let second = rt.block_on(auth_api::handle(&state, login()));
    assert_eq!(second.status, 200, "{}", String::from_utf8_lossy(&second.body));
    assert!(stub.ctl.connections.load(Ordering::SeqCst) > opened, "the second login did not open a new connection");
    let _ = std::fs::remove_dir_all(dir);
}
