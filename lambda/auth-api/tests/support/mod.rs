//! Test support shared by the integration tests: the local Cognito emulator (moto, extended by
//! tests/local-cognito/local_cognito.py) as a child process, the real router behind the local HTTP
//! server, a recorder of which Cognito operation each route calls, and small HTTP helpers.
#![allow(dead_code)]

pub mod authenticator;
pub mod browser;

use auth_api::config::{Config, Secret};
use auth_api::AppState;
use aws_sdk_cognitoidentityprovider as cip;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

pub const PASSWORD: &str = "Corr3ct-Horse-Battery!";
pub const ALLOWED_ORIGIN: &str = "http://localhost:5173";
/// The code the emulator accepts (DEV_CONFIRMATION_CODE's default).
pub const DEV_CODE: &str = "123456";

/// The Python that runs the repository's local servers (the emulator, the legacy system):
/// `LOCAL_COGNITO_PYTHON`, else the repository's `.venv`.
pub fn test_python() -> PathBuf {
    let python = std::env::var("LOCAL_COGNITO_PYTHON").map(PathBuf::from).unwrap_or_else(|_| workspace_root().join(".venv/bin/python"));
    assert!(python.exists(), "{} not found: run `make venv` (or `make test`) first", python.display());
    python
}

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The emulator process; killed when dropped.
pub struct Emulator {
    child: Child,
    pub endpoint: String,
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: String,
    /// The PASSWORD_POLICY value of the pool (from cdk/user-pool.json, as the stack passes it).
    pub password_policy: String,
    /// The pool's first factors (FIRST_AUTH_FACTORS, as the stack passes them).
    pub first_auth_factors: String,
    /// The emailed-code counter table the emulator serves (DynamoDB, moto), when its pool offers EMAIL_OTP.
    pub email_code_limit_table: Option<String>,
}

impl Emulator {
    /// The bootstrap pool with an Amazon SES email configuration, so every first factor of
    /// cdk/user-pool.json is offered (EMAIL_OTP included), as `make dev EMAIL_OTP=on`.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Started with more command-line options of local_cognito.py (`--relying-party-id ID`), the
    /// SES pool as [`Emulator::start`].
    pub fn start_with(options: &[&str]) -> Self {
        Self::spawn(&[&["--ses"], options].concat())
    }

    /// The bootstrap pool on Cognito's default sender (no EMAIL_OTP), as plain `make dev`.
    pub fn start_without_ses() -> Self {
        Self::spawn(&[])
    }

    fn spawn(options: &[&str]) -> Self {
        let root = workspace_root();
        let python = test_python();
        let mut child = Command::new(&python)
            .arg(root.join("tests/local-cognito/local_cognito.py"))
            .args(["--port", "0", "--bootstrap", "--exit-with-parent"])
            .args(options)
            .env("DEV_CONFIRMATION_CODE", DEV_CODE)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the local Cognito emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("emulator said {line:?}: {e}"));
        let s = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("no {k} in {line}")).to_string();
        let email_code_limit_table = v["emailCodeLimitTable"].as_str().map(str::to_string);
        Emulator { endpoint: s("endpoint"), user_pool_id: s("userPoolId"), client_id: s("clientId"), client_secret: s("clientSecret"), password_policy: s("passwordPolicy"), first_auth_factors: s("firstAuthFactors"), email_code_limit_table, child }
    }

    /// Sets the emulator's fault injection (`{"throttle": true}`, `{"delaySeconds": 2}`, ...).
    pub async fn faults(&self, body: Value) {
        let r = reqwest::Client::new().post(format!("{}/_local/faults", self.endpoint)).json(&body).send().await.unwrap();
        assert!(r.status().is_success(), "faults: {}", r.status());
    }

    /// Kills the emulator now (outage drills).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.kill();
    }
}

/// (route or trigger name, Cognito operation) for every call a handler made.
pub type Calls = Arc<Mutex<Vec<(String, String)>>>;

#[derive(Debug)]
struct Recorder {
    calls: Calls,
    attempts: Calls,
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "Recorder"
    }
    fn read_before_serialization(
        &self,
        _ctx: &BeforeSerializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some((running, operation)) = auth_api::cognito::current_call(cfg) {
            self.calls.lock().unwrap().push((running.name().to_string(), operation.to_string()));
        }
        Ok(())
    }
    // Once per attempt, just before it goes to the network (reached or not).
    fn read_before_transmit(
        &self,
        _ctx: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some((running, operation)) = auth_api::cognito::current_call(cfg) {
            self.attempts.lock().unwrap().push((running.name().to_string(), operation.to_string()));
        }
        Ok(())
    }
}

pub fn config_for(endpoint_cfg: &Emulator) -> Config {
    Config {
        region: "us-east-1".into(),
        user_pool_id: endpoint_cfg.user_pool_id.clone(),
        client_id: endpoint_cfg.client_id.clone(),
        client_secret: Some(Secret::Plain(endpoint_cfg.client_secret.clone())),
        cors_origins: vec![ALLOWED_ORIGIN.into()],
        origin_verify: None,
        totp_issuer: "Auth API Test".into(),
        request_deadline: auth_api::config::DEFAULT_REQUEST_DEADLINE,
        password_policy: Some(auth_api::password_policy::PasswordPolicy::from_json(&endpoint_cfg.password_policy).unwrap()),
        passkeys: auth_api::config::PasskeySettings {
            first_factors: endpoint_cfg.first_auth_factors.split(',').map(str::to_string).collect(),
            ..local_passkey_settings()
        },
        auth_session_validity: auth_api::config::default_auth_session_validity(),
        email_code_limit_table: endpoint_cfg.email_code_limit_table.clone(),
    }
}

/// The configuration of the tests whose Cognito is mocked (no emulator): the pool, app client and
/// page origin of the API Gateway fixture (`tests/fixtures/apigw-v2-login.json`), no client secret.
pub fn mocked_config() -> Config {
    Config {
        region: "us-east-1".into(),
        user_pool_id: "us-east-1_test".into(),
        client_id: "client123".into(),
        client_secret: None,
        cors_origins: vec!["https://app.example".into()],
        origin_verify: None,
        totp_issuer: "Test".into(),
        request_deadline: auth_api::config::DEFAULT_REQUEST_DEADLINE,
        password_policy: None,
        passkeys: Default::default(),
        auth_session_validity: auth_api::config::default_auth_session_validity(),
        email_code_limit_table: None,
    }
}

/// The shared state over a mocked Cognito `client` (aws-smithy-mocks), with [`mocked_config`]
/// and an empty SDK configuration (no secret is fetched, nothing is signed).
pub fn mocked_state(client: cip::Client) -> AppState {
    AppState::new(mocked_config(), client, &aws_config::SdkConfig::builder().build())
}

/// The passkey settings `make dev` uses: `passkeys` of cdk/user-pool.json, the definition the
/// emulator creates its pool from, and all of its first factors (the pool of [`Emulator::start`]).
pub fn local_passkey_settings() -> auth_api::config::PasskeySettings {
    let pool: Value = serde_json::from_str(&std::fs::read_to_string(workspace_root().join("cdk/user-pool.json")).unwrap()).unwrap();
    auth_api::config::PasskeySettings {
        rp_id: Some(pool["passkeys"]["relyingPartyId"].as_str().expect("cdk/user-pool.json passkeys.relyingPartyId").into()),
        user_verification: pool["passkeys"]["userVerification"].as_str().expect("cdk/user-pool.json passkeys.userVerification").into(),
        first_factors: pool["allowedFirstAuthFactors"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect(),
    }
}

/// The product's SDK configuration (timeouts, retries), aimed at `endpoint` with test credentials.
pub async fn sdk_for(endpoint: &str) -> aws_config::SdkConfig {
    auth_api::state::sdk_builder("us-east-1")
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_cognitoidentityprovider::config::SharedCredentialsProvider::new(cip::config::Credentials::for_tests())).build()
}

/// The router, served over HTTP on an ephemeral port, in front of `cfg`'s Cognito.
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
    pub calls: Calls,
    /// Every attempt of every call (retries included), as (route, operation).
    pub attempts: Calls,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Api {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Api {
    pub async fn start(cfg: Config, endpoint: &str) -> Self {
        Self::start_with_session_cookie(cfg, endpoint, None).await
    }

    /// Like [`Api::start`], with the browser session mode on (`Some`) or off.
    pub async fn start_with_session_cookie(cfg: Config, endpoint: &str, session_cookie: Option<auth_api::session_cookie::SessionCookie>) -> Self {
        Self::start_with(cfg, endpoint, |state, _| state.with_session_cookie(session_cookie)).await
    }

    /// Like [`Api::start`], the state changed by `f` first (e.g. `AppState::with_apps`).
    pub async fn start_with(cfg: Config, endpoint: &str, f: impl FnOnce(AppState, &aws_config::SdkConfig) -> AppState) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::start_on(listener, cfg, endpoint, f).await
    }

    /// Like [`Api::start_with`], on a listener the test bound first (its address is part of the
    /// state: federated sign-in's callback URL).
    pub async fn start_on(listener: tokio::net::TcpListener, cfg: Config, endpoint: &str, f: impl FnOnce(AppState, &aws_config::SdkConfig) -> AppState) -> Self {
        let sdk = sdk_for(endpoint).await;
        let (calls, attempts): (Calls, Calls) = (Arc::default(), Arc::default());
        let recorder = Recorder { calls: calls.clone(), attempts: attempts.clone() };
        let client = cip::Client::from_conf(auth_api::state::cognito_config(&sdk).interceptor(recorder).build());
        let state = Arc::new(f(AppState::new(cfg, client, &sdk), &sdk));
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(auth_api::local::serve(listener, state));
        Api { base, http: reqwest::Client::new(), calls, attempts, server }
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Resp {
        let r = req.send().await.expect("the local server answers");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let bytes = r.bytes().await.unwrap();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp { status, headers, json, bytes: bytes.to_vec() }
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(self.http.post(format!("{}{path}", self.base)).json(&body)).await
    }

    pub async fn post_auth(&self, path: &str, token: &str, body: Value) -> Resp {
        self.send(self.http.post(format!("{}{path}", self.base)).bearer_auth(token).json(&body)).await
    }

    pub async fn get_auth(&self, path: &str, token: &str) -> Resp {
        self.send(self.http.get(format!("{}{path}", self.base)).bearer_auth(token)).await
    }

    pub async fn delete_auth(&self, path: &str, token: &str, body: Value) -> Resp {
        self.send(self.http.delete(format!("{}{path}", self.base)).bearer_auth(token).json(&body)).await
    }

    /// Registers and confirms `email` with [`PASSWORD`].
    pub async fn confirmed_user(&self, email: &str) {
        let r = self.post("/auth/register", serde_json::json!({"email": email, "password": PASSWORD})).await;
        assert_eq!(r.status, 202, "register: {}", r.json);
        let r = self.post("/auth/verify", serde_json::json!({"email": email, "code": DEV_CODE})).await;
        assert_eq!(r.status, 200, "verify: {}", r.json);
    }

    /// Registers, confirms and logs in `email` with [`PASSWORD`]; returns the access token.
    pub async fn signed_in(&self, email: &str) -> String {
        self.confirmed_user(email).await;
        self.login(email, PASSWORD).await["accessToken"].as_str().unwrap().to_string()
    }

    /// Logs in and returns the token body.
    pub async fn login(&self, email: &str, password: &str) -> Value {
        let r = self.post("/auth/login", serde_json::json!({"email": email, "password": password})).await;
        assert_eq!(r.status, 200, "login: {}", r.json);
        assert!(r.json["accessToken"].is_string(), "login gave no tokens: {}", r.json);
        r.json
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn error(&self) -> &str {
        self.json["error"].as_str().unwrap_or("")
    }

    /// The body without its per-request `requestId`, for "identical answer" comparisons.
    pub fn body_without_request_id(&self) -> Value {
        let mut v = self.json.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("requestId");
        }
        v
    }
}

impl Emulator {
    /// The emulator's call log: the operation names it received, in order.
    pub async fn calls(&self) -> Vec<String> {
        let url = format!("{}/_local/calls", self.endpoint);
        let v: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
        v["calls"].as_array().unwrap().iter().map(|c| c["operation"].as_str().unwrap().to_string()).collect()
    }

    pub async fn forget_calls(&self) {
        reqwest::Client::new().delete(format!("{}/_local/calls", self.endpoint)).send().await.unwrap();
    }
}

/// An emulator and the API in front of it.
pub struct Env {
    pub emu: Emulator,
    pub api: Api,
}

impl Env {
    pub async fn start() -> Self {
        Self::with(Emulator::start()).await
    }

    /// The pool on Cognito's default sender, which offers no EMAIL_OTP ([`Emulator::start_without_ses`]).
    pub async fn start_without_ses() -> Self {
        Self::with(Emulator::start_without_ses()).await
    }

    async fn with(emu: Emulator) -> Self {
        let api = Api::start(config_for(&emu), &emu.endpoint).await;
        Env { emu, api }
    }
}

/// A unique address per call, so tests sharing an emulator never collide.
pub fn email(tag: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{tag}.{}.{}@example.com", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// Every route once, success and failure paths, against the emulator; returns every secret
/// the tour used or received (passwords, codes, tokens, sessions, the client and TOTP secrets).
pub async fn tour(env: &Env) -> Vec<String> {
    use serde_json::json;
    let api = &env.api;
    let mut secrets = vec![env.emu.client_secret.clone(), PASSWORD.to_string(), DEV_CODE.to_string()];
    let new_password = "Tour-N3w-Passw0rd!".to_string();
    let third_password = "Tour-Th1rd-Passw0rd!".to_string();
    secrets.extend([new_password.clone(), third_password.clone(), "Wrong-Passw0rd-42!".to_string()]);
    let email = email("tour");

    // An account deleted without TOTP: its password check answers tokens, which are revoked.
    let throwaway = self::email("tour-delete");
    let access = api.signed_in(&throwaway).await;
    let r = api.delete_auth("/auth/user", &access, json!({"currentPassword": PASSWORD})).await;
    assert_eq!(r.status, 200, "tour delete without TOTP: {}", r.json);
    secrets.push(access);

    api.post("/auth/register", json!({"email": email, "password": PASSWORD})).await;
    // Registering again: Cognito's UsernameExistsException path.
    api.post("/auth/register", json!({"email": email, "password": PASSWORD})).await;
    api.post("/auth/resend", json!({"email": email})).await;
    api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    api.post("/auth/verify", json!({"email": email, "code": "987654"})).await;
    secrets.push("987654".into());
    api.post("/auth/verify", json!({"email": email, "code": DEV_CODE})).await;
    api.post("/auth/login", json!({"email": email, "password": "Wrong-Passw0rd-42!"})).await;
    let t = api.login(&email, PASSWORD).await;
    let access = t["accessToken"].as_str().unwrap().to_string();
    let refresh = t["refreshToken"].as_str().unwrap().to_string();
    secrets.extend([access.clone(), refresh.clone(), t["idToken"].as_str().unwrap().to_string()]);
    let r = api.post("/auth/refresh", json!({"refreshToken": refresh})).await;
    assert_eq!(r.status, 200, "tour refresh: {}", r.json);
    secrets.push(r.json["accessToken"].as_str().unwrap().to_string());
    secrets.push(r.json["refreshToken"].as_str().expect("a rotated refresh token").to_string());
    api.get_auth("/auth/userinfo", &access).await;
    // A wrong current password first: the handler then asks GetUser whether the token is alive.
    api.post_auth("/auth/password/change", &access, json!({"currentPassword": "Wr0ng-Passw0rd!x", "newPassword": new_password})).await;
    api.post_auth("/auth/password/change", &access, json!({"currentPassword": PASSWORD, "newPassword": new_password})).await;
    api.post("/auth/password/forgot", json!({"email": email})).await;
    api.post("/auth/password/reset", json!({"email": email, "code": DEV_CODE, "newPassword": third_password})).await;
    let t = api.login(&email, &third_password).await;
    let access = t["accessToken"].as_str().unwrap().to_string();
    secrets.extend([access.clone(), t["refreshToken"].as_str().unwrap().to_string()]);
    // Passkeys and sign-in without a password (before TOTP: a user with MFA is offered the password only).
    api.post_auth("/auth/passkeys/register/start", &access, json!({"currentPassword": "Wrong-Passw0rd-42!"})).await;
    let r = api.post_auth("/auth/passkeys/register/start", &access, json!({"currentPassword": third_password})).await;
    assert_eq!(r.status, 200, "tour passkey start: {}", r.json);
    let (mut passkey, registration) = authenticator::Credential::create(&r.json["options"], authenticator::ORIGIN);
    let r = api.post_auth("/auth/passkeys/register/complete", &access, json!({"credential": registration})).await;
    assert_eq!(r.status, 200, "tour passkey complete: {}", r.json);
    api.get_auth("/auth/passkeys", &access).await;
    api.post("/auth/login/start", json!({"email": email})).await;
    let r = api.post("/auth/login/start", json!({"email": email, "preferredChallenge": "WEB_AUTHN"})).await;
    let session = r.json["session"].as_str().expect("passkey session").to_string();
    secrets.push(session.clone());
    let bad = authenticator::with_bad_signature(passkey.assert(&r.json["credentialRequestOptions"], authenticator::ORIGIN));
    api.post("/auth/login/challenge", json!({"email": email, "challenge": "WEB_AUTHN", "session": session, "credential": bad})).await;
    let r = api.post("/auth/login/start", json!({"email": email, "preferredChallenge": "WEB_AUTHN"})).await;
    let session = r.json["session"].as_str().expect("passkey session").to_string();
    secrets.push(session.clone());
    let assertion = passkey.assert(&r.json["credentialRequestOptions"], authenticator::ORIGIN);
    let r = api.post("/auth/login/challenge", json!({"email": email, "challenge": "WEB_AUTHN", "session": session, "credential": assertion})).await;
    assert_eq!(r.status, 200, "tour passkey sign-in: {}", r.json);
    secrets.extend([r.json["accessToken"].as_str().unwrap().to_string(), r.json["refreshToken"].as_str().unwrap().to_string()]);
    let r = api.post("/auth/login/start", json!({"email": email, "preferredChallenge": "EMAIL_OTP"})).await;
    let session = r.json["session"].as_str().expect("code session").to_string();
    secrets.push(session.clone());
    let r = api.post("/auth/login/challenge", json!({"email": email, "challenge": "EMAIL_OTP", "session": session, "answer": DEV_CODE})).await;
    assert_eq!(r.status, 200, "tour emailed-code sign-in: {}", r.json);
    secrets.extend([r.json["accessToken"].as_str().unwrap().to_string(), r.json["refreshToken"].as_str().unwrap().to_string()]);
    api.delete_auth("/auth/passkey", &access, json!({"credentialId": passkey.id_b64()})).await;
    // Re-authentication: a wrong current password first, then the right one.
    api.post_auth("/auth/mfa/totp/setup", &access, json!({"currentPassword": "Wrong-Passw0rd-42!"})).await;
    let setup = api.post_auth("/auth/mfa/totp/setup", &access, json!({"currentPassword": third_password})).await;
    let totp_secret = setup.json["secret"].as_str().expect("totp secret").to_string();
    secrets.push(totp_secret.clone());
    let totp = totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, totp_rs::Secret::Encoded(totp_secret).to_bytes().unwrap()).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let code = totp.generate(now);
    secrets.push(code.clone());
    let r = api.post_auth("/auth/mfa/totp/verify", &access, json!({"code": code})).await;
    assert_eq!(r.status, 200, "tour totp verify: {}", r.json);
    api.post_auth("/auth/logout", &access, json!({"refreshToken": t["refreshToken"]})).await;
    let r = api.post("/auth/login", json!({"email": email, "password": third_password})).await;
    let session = r.json["session"].as_str().expect("challenge session").to_string();
    secrets.push(session.clone());
    let code = totp.generate(now + 30);
    secrets.push(code.clone());
    let r = api.post("/auth/login/challenge", json!({"email": email, "challenge": "SOFTWARE_TOKEN_MFA", "session": session, "answer": code})).await;
    assert_eq!(r.status, 200, "tour challenge: {}", r.json);
    let access = r.json["accessToken"].as_str().unwrap().to_string();
    secrets.push(access.clone());
    api.delete_auth("/auth/user", &access, json!({"currentPassword": "Wrong-Passw0rd-42!"})).await;
    let r = api.delete_auth("/auth/user", &access, json!({"currentPassword": third_password})).await;
    assert_eq!(r.status, 200, "tour delete: {}", r.json);
    secrets
}

/// Captures this test process's log lines (JSON, one per line) at `level`, for every crate.
/// The subscriber is global: the first call in a process installs it, later calls share it.
pub fn capture_logs(level: tracing::Level) -> LogBuf {
    static LOGS: std::sync::OnceLock<LogBuf> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = LogBuf::default();
        let sink = buf.clone();
        tracing_subscriber::fmt().json().with_max_level(level).with_writer(move || sink.clone()).init();
        buf
    })
    .clone()
}

#[derive(Clone, Default)]
pub struct LogBuf(Arc<Mutex<Vec<u8>>>);

impl LogBuf {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for LogBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The Cognito triggers of cdk/triggers.json behind Lambda's Invoke API (auth-local's trigger
/// listener, the real handlers), on an ephemeral port, with a Cognito client that records which
/// operation each trigger calls (under the declared-actions guard).
pub struct TriggerListener {
    pub url: String,
    pub calls: Calls,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TriggerListener {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TriggerListener {
    /// `domains`: the pre sign-up allow-list (`SIGN_UP_EMAIL_DOMAINS`); `cognito_endpoint`: where its
    /// Cognito calls go (the emulator).
    pub async fn start(domains: Option<&str>, cognito_endpoint: &str) -> Self {
        Self::start_with(domains, None, cognito_endpoint).await
    }

    /// Also with `token_claims`: the pre token generation config (`TOKEN_CLAIMS` JSON).
    pub async fn start_with(domains: Option<&str>, token_claims: Option<&str>, cognito_endpoint: &str) -> Self {
        Self::start_full(domains, token_claims, cognito_endpoint, None).await
    }

    /// As [`TriggerListener::start`], with the user migration trigger's legacy endpoint.
    pub async fn start_with_legacy(domains: Option<&str>, cognito_endpoint: &str, legacy_auth: auth_api::triggers::user_migration::legacy_endpoint::LegacyAuth) -> Self {
        Self::start_full(domains, None, cognito_endpoint, Some(legacy_auth)).await
    }

    async fn start_full(domains: Option<&str>, token_claims: Option<&str>, cognito_endpoint: &str, legacy_auth: Option<auth_api::triggers::user_migration::legacy_endpoint::LegacyAuth>) -> Self {
        Self::start_changed(domains, token_claims, cognito_endpoint, legacy_auth, |s| s).await
    }

    /// As [`TriggerListener::start`], with the custom message trigger's `CUSTOM_MESSAGES` JSON.
    pub async fn start_with_messages(custom_messages: &str, cognito_endpoint: &str) -> Self {
        let config = auth_api::triggers::custom_message::MessageConfig::parse(custom_messages).unwrap();
        Self::start_changed(None, None, cognito_endpoint, None, move |s| auth_api::triggers::TriggerState { custom_messages: Some(config), ..s }).await
    }

    async fn start_changed(
        domains: Option<&str>,
        token_claims: Option<&str>,
        cognito_endpoint: &str,
        legacy_auth: Option<auth_api::triggers::user_migration::legacy_endpoint::LegacyAuth>,
        change: impl FnOnce(auth_api::triggers::TriggerState) -> auth_api::triggers::TriggerState,
    ) -> Self {
        let sdk = sdk_for(cognito_endpoint).await;
        let (calls, attempts): (Calls, Calls) = (Arc::default(), Arc::default());
        let client = cip::Client::from_conf(auth_api::state::cognito_config(&sdk).interceptor(Recorder { calls: calls.clone(), attempts }).build());
        let state = auth_api::triggers::TriggerState {
            sign_up_email_domains: domains.and_then(|d| auth_api::email_domains::EmailDomains::parse(d).unwrap()),
            token_claims: token_claims.map(|c| auth_api::triggers::pre_token_generation::TokenClaims::parse(c).unwrap()),
            cognito: Some(client),
            legacy_auth,
            ..Default::default()
        };
        let state = change(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(auth_api::local::serve_triggers(listener, Arc::new(state)));
        TriggerListener { url, calls, server }
    }
}

impl Emulator {
    /// The emulator's function endpoint and trigger wait (`/_local/lambda`); returns its settings
    /// and the invocations so far.
    pub async fn lambda(&self, body: Value) -> Value {
        let r = reqwest::Client::new().post(format!("{}/_local/lambda", self.endpoint)).json(&body).send().await.unwrap();
        assert!(r.status().is_success(), "lambda: {}", r.status());
        r.json().await.unwrap()
    }

    /// The messages the pool has sent so far (`GET /_local/messages`), oldest first.
    pub async fn messages(&self) -> Vec<Value> {
        let v: Value = reqwest::get(format!("{}/_local/messages", self.endpoint)).await.unwrap().json().await.unwrap();
        v["messages"].as_array().unwrap().clone()
    }

    pub async fn invocations(&self) -> Vec<Value> {
        let v: Value = reqwest::get(format!("{}/_local/lambda", self.endpoint)).await.unwrap().json().await.unwrap();
        v["invocations"].as_array().unwrap().clone()
    }
}

/// An emulator whose pool runs every trigger of cdk/triggers.json, the API in front of it (with
/// `api_domains` as its register allow-list), and the trigger listener it invokes (with
/// `trigger_domains` as the pre sign-up allow-list).
pub struct TriggerEnv {
    pub emu: Emulator,
    pub api: Api,
    pub triggers: TriggerListener,
}

impl TriggerEnv {
    pub async fn start(api_domains: Option<&str>, trigger_domains: Option<&str>) -> Self {
        Self::start_with(api_domains, trigger_domains, None).await
    }

    /// Also with `token_claims`: the pre token generation trigger's `TOKEN_CLAIMS` JSON.
    pub async fn start_with(api_domains: Option<&str>, trigger_domains: Option<&str>, token_claims: Option<&str>) -> Self {
        Self::start_on(api_domains, trigger_domains, token_claims, None).await
    }

    /// Every trigger on, the custom message trigger with `custom_messages` (`CUSTOM_MESSAGES` JSON).
    pub async fn start_with_messages(custom_messages: &str) -> Self {
        Self::start_on(None, None, None, Some(custom_messages)).await
    }

    async fn start_on(api_domains: Option<&str>, trigger_domains: Option<&str>, token_claims: Option<&str>, custom_messages: Option<&str>) -> Self {
        let names: Vec<&str> = auth_api::definition::triggers().triggers.iter().map(|t| t.name.as_str()).collect();
        let emu = Emulator::start_with(&["--triggers", &names.join(",")]);
        let sdk = sdk_for(&emu.endpoint).await;
        let (calls, attempts): (Calls, Calls) = (Arc::default(), Arc::default());
        let client = cip::Client::from_conf(auth_api::state::cognito_config(&sdk).interceptor(Recorder { calls: calls.clone(), attempts: attempts.clone() }).build());
        let domains = api_domains.and_then(|d| auth_api::email_domains::EmailDomains::parse(d).unwrap());
        let state = Arc::new(AppState::new(config_for(&emu), client, &sdk).with_sign_up_email_domains(domains));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(auth_api::local::serve(listener, state));
        let api = Api { base, http: reqwest::Client::new(), calls, attempts, server };
        let triggers = match custom_messages {
            Some(m) => TriggerListener::start_with_messages(m, &emu.endpoint).await,
            None => TriggerListener::start_with(trigger_domains, token_claims, &emu.endpoint).await,
        };
        emu.lambda(serde_json::json!({"endpoint": triggers.url})).await;
        TriggerEnv { emu, api, triggers }
    }
}
