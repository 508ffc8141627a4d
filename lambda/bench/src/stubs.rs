//! The two stubs the benchmark needs: a Cognito (and Secrets Manager) endpoint that answers canned
//! awsJson1.1 responses at once, and a Lambda Runtime API that hands out one API Gateway v2 event
//! per run and records when the function first polls and when it posts its answer.
use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

pub const PASSWORD: &str = "Corr3ct-Horse-Battery!";
pub const EMAIL: &str = "bench@example.com";
pub const USERNAME: &str = "5f1c0a4e-bench-user-sub";
pub const CLIENT_SECRET: &str = "bench-client-secret-0123456789abcdef";

fn b64(s: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

/// A JWT-shaped token (header.payload.signature) whose payload carries `username`, as Cognito's does.
pub fn fake_jwt(kind: &str) -> String {
    let header = b64(r#"{"kid":"bench","alg":"RS256"}"#);
    let payload = b64(&format!(
        r#"{{"sub":"{USERNAME}","token_use":"{kind}","scope":"aws.cognito.signin.user.admin","auth_time":1796000000,"iss":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bench","exp":1796003600,"iat":1796000000,"client_id":"benchclient","username":"{USERNAME}"}}"#
    ));
    // A signature of realistic length (RS256: 256 bytes -> 342 base64url characters).
    let sig = b64(&"s".repeat(256));
    format!("{header}.{payload}.{sig}")
}

/// Canned answers by `X-Amz-Target`: one per Cognito action a route declares (cdk/routes.json),
/// plus Secrets Manager's GetSecretValue. Shapes follow the API references' response syntax.
pub struct Canned {
    answers: std::collections::HashMap<&'static str, Bytes>,
}

impl Canned {
    pub fn new() -> Self {
        let access = fake_jwt("access");
        let id = fake_jwt("id");
        let refresh = format!("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.{}", "r".repeat(1500));
        let tokens = serde_json::json!({
            "AuthenticationResult": {
                "AccessToken": access, "IdToken": id, "RefreshToken": refresh,
                "ExpiresIn": 3600, "TokenType": "Bearer"
            },
            "ChallengeParameters": {}
        });
        // GetTokensFromRefreshToken answers AuthenticationResult only (with the rotated refresh token).
        let refreshed = serde_json::json!({"AuthenticationResult": tokens["AuthenticationResult"].clone()});
        let delivery = serde_json::json!({"CodeDeliveryDetails": {"AttributeName": "email", "DeliveryMedium": "EMAIL", "Destination": "b***@e***"}});
        let j = |v: serde_json::Value| Bytes::from(v.to_string());
        let answers = [
            ("AWSCognitoIdentityProviderService.AdminInitiateAuth", j(tokens.clone())),
            ("AWSCognitoIdentityProviderService.AdminRespondToAuthChallenge", j(tokens)),
            ("AWSCognitoIdentityProviderService.GetTokensFromRefreshToken", j(refreshed)),
            (
                "AWSCognitoIdentityProviderService.GetUser",
                j(serde_json::json!({
                    "Username": USERNAME,
                    "UserAttributes": [
                        {"Name": "sub", "Value": USERNAME},
                        {"Name": "email_verified", "Value": "true"},
                        {"Name": "email", "Value": EMAIL}
                    ]
                })),
            ),
            (
                "AWSCognitoIdentityProviderService.SignUp",
                j(serde_json::json!({"UserConfirmed": false, "UserSub": USERNAME, "CodeDeliveryDetails": delivery["CodeDeliveryDetails"]})),
            ),
            ("AWSCognitoIdentityProviderService.ResendConfirmationCode", j(delivery.clone())),
            ("AWSCognitoIdentityProviderService.ForgotPassword", j(delivery)),
            ("AWSCognitoIdentityProviderService.ConfirmSignUp", j(serde_json::json!({}))),
            ("AWSCognitoIdentityProviderService.ConfirmForgotPassword", j(serde_json::json!({}))),
            ("AWSCognitoIdentityProviderService.ChangePassword", j(serde_json::json!({}))),
            ("AWSCognitoIdentityProviderService.GlobalSignOut", j(serde_json::json!({}))),
            ("AWSCognitoIdentityProviderService.RevokeToken", j(serde_json::json!({}))),
            ("AWSCognitoIdentityProviderService.DeleteUser", j(serde_json::json!({}))),
            ("AWSCognitoIdentityProviderService.SetUserMFAPreference", j(serde_json::json!({}))),
            ("AWSCognitoIdentityProviderService.AssociateSoftwareToken", j(serde_json::json!({"SecretCode": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}))),
            ("AWSCognitoIdentityProviderService.VerifySoftwareToken", j(serde_json::json!({"Status": "SUCCESS"}))),
            (
                "AWSCognitoIdentityProviderService.StartWebAuthnRegistration",
                j(serde_json::json!({"CredentialCreationOptions": {
                    "challenge": "x".repeat(43), "rp": {"id": "example.com", "name": "example.com"},
                    "user": {"id": "dXNlcg", "name": EMAIL, "displayName": EMAIL},
                    "pubKeyCredParams": [{"type": "public-key", "alg": -7}], "timeout": 300000
                }})),
            ),
            ("AWSCognitoIdentityProviderService.CompleteWebAuthnRegistration", j(serde_json::json!({}))),
            (
                "AWSCognitoIdentityProviderService.ListWebAuthnCredentials",
                j(serde_json::json!({"Credentials": [{
                    "CredentialId": "AAAA", "FriendlyCredentialName": "Passkey", "RelyingPartyId": "example.com",
                    "AuthenticatorAttachment": "platform", "AuthenticatorTransports": ["internal"], "CreatedAt": 1.7e9
                }]})),
            ),
            ("AWSCognitoIdentityProviderService.DeleteWebAuthnCredential", j(serde_json::json!({}))),
            (
                "secretsmanager.GetSecretValue",
                j(serde_json::json!({
                    "ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-client-AbCdEf",
                    "Name": "auth-client", "SecretString": CLIENT_SECRET, "VersionId": "v1", "VersionStages": ["AWSCURRENT"]
                })),
            ),
        ];
        Canned { answers: answers.into_iter().collect() }
    }

    /// Whether a Cognito action (as named in cdk/routes.json) has a canned answer.
    pub fn has_action(&self, action: &str) -> bool {
        self.answers.contains_key(format!("AWSCognitoIdentityProviderService.{action}").as_str())
    }

    fn answer(&self, target: &str) -> (u16, Bytes) {
        match self.answers.get(target) {
            Some(b) => (200, b.clone()),
            None => (400, Bytes::from(format!(r#"{{"__type":"InvalidParameterException","message":"not stubbed: {target}"}}"#))),
        }
    }
}

/// What a stub counts, and how the benchmark tells it to close its idle connections (as a server
/// does after its idle timeout, e.g. while Lambda has the sandbox frozen).
#[derive(Default)]
pub struct StubCtl {
    /// TCP connections accepted.
    pub connections: AtomicUsize,
    /// TLS handshakes completed.
    pub handshakes: AtomicUsize,
    /// Requests answered.
    pub requests: AtomicUsize,
    drop_idle: tokio::sync::Notify,
    /// Connections currently open.
    open: AtomicUsize,
}

impl StubCtl {
    /// Closes every idle keep-alive connection now (in-flight requests are answered first).
    pub fn drop_idle_connections(&self) {
        self.drop_idle.notify_waiters();
    }

    /// Connections currently open.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }
}

async fn serve_conn<IO, F, Fut>(io: IO, handler: Arc<F>, ctl: Arc<StubCtl>)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    F: Fn(hyper::Request<Incoming>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = hyper::Response<Full<Bytes>>> + Send + 'static,
{
    let counter = ctl.clone();
    let svc = hyper::service::service_fn(move |req| {
        let handler = handler.clone();
        counter.requests.fetch_add(1, Ordering::SeqCst);
        async move { Ok::<_, Infallible>(handler(req).await) }
    });
    ctl.open.fetch_add(1, Ordering::SeqCst);
    let conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(io), svc);
    tokio::pin!(conn);
    loop {
        let dropped = ctl.drop_idle.notified();
        tokio::select! {
            _ = conn.as_mut() => break,
            _ = dropped => conn.as_mut().graceful_shutdown(),
        }
    }
    ctl.open.fetch_sub(1, Ordering::SeqCst);
}

async fn serve<F, Fut>(listener: TcpListener, handler: Arc<F>, tls: Option<TlsAcceptor>, ctl: Arc<StubCtl>)
where
    F: Fn(hyper::Request<Incoming>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = hyper::Response<Full<Bytes>>> + Send + 'static,
{
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let _ = stream.set_nodelay(true);
        ctl.connections.fetch_add(1, Ordering::SeqCst);
        let (handler, tls, ctl) = (handler.clone(), tls.clone(), ctl.clone());
        tokio::spawn(async move {
            match tls {
                None => serve_conn(stream, handler, ctl).await,
                Some(acceptor) => {
                    let Ok(stream) = acceptor.accept(stream).await else { return };
                    ctl.handshakes.fetch_add(1, Ordering::SeqCst);
                    serve_conn(stream, handler, ctl).await
                }
            }
        });
    }
}

/// A stub Cognito / Secrets Manager endpoint (both answer by `X-Amz-Target`).
pub struct AwsStub {
    pub addr: SocketAddr,
    pub ctl: Arc<StubCtl>,
}

impl AwsStub {
    /// `https://127.0.0.1:port` with TLS, else `http://...`.
    pub fn url(&self, tls: bool) -> String {
        format!("{}://{}", if tls { "https" } else { "http" }, self.addr)
    }
}

/// Starts a stub Cognito (and Secrets Manager) on `rt`, over HTTPS when given an acceptor.
pub fn start_aws(rt: &tokio::runtime::Runtime, tls: Option<TlsAcceptor>) -> AwsStub {
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind stub Cognito");
    let addr = listener.local_addr().unwrap();
    let canned = Arc::new(Canned::new());
    let handler = Arc::new(move |req: hyper::Request<Incoming>| {
        let canned = canned.clone();
        async move {
            let target = req.headers().get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            let _ = req.into_body().collect().await;
            let (status, body) = canned.answer(&target);
            hyper::Response::builder()
                .status(status)
                .header("content-type", "application/x-amz-json-1.1")
                .header("x-amzn-requestid", "00000000-0000-0000-0000-000000000000")
                .body(Full::new(body))
                .unwrap()
        }
    });
    let ctl = Arc::new(StubCtl::default());
    rt.spawn(serve(listener, handler, tls, ctl.clone()));
    AwsStub { addr, ctl }
}

/// What the stub Runtime API saw during one run. Invocations are numbered from 1.
#[derive(Debug)]
pub enum RuntimeEvent {
    /// When invocation k's event was handed out; for k = 1 (the first poll), also the function's
    /// peak RSS (VmHWM, KiB) at that moment: the memory of init alone, read before the event goes.
    /// (k, when the poll arrived, when its event was handed out, probe at k = 1)
    Invoke(u32, Instant, Instant, Option<Probe>),
    /// Poll k (k > 1) arrived; its event waits for `RuntimeApi::release`.
    Polled(u32),
    /// Invocation k's answer, and what the stub read of the function's process when it arrived.
    Response(u32, Instant, String, Option<Probe>),
    Error(String),
}

/// What the stub reads of the function's process at the first poll and the first answer.
#[derive(Debug, Clone, Copy)]
pub struct Probe {
    /// Peak resident set so far (VmHWM, KiB).
    pub hwm_kib: u64,
    /// CPU time used so far by its live threads (sum of /proc/<pid>/task/*/schedstat), ns.
    pub cpu_ns: u64,
}

pub fn probe(pid: i32) -> Option<Probe> {
    if pid <= 0 {
        return None;
    }
    let mut cpu_ns = 0;
    for t in std::fs::read_dir(format!("/proc/{pid}/task")).ok()?.flatten() {
        let s = std::fs::read_to_string(t.path().join("schedstat")).unwrap_or_default();
        cpu_ns += s.split_whitespace().next().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    }
    Some(Probe { hwm_kib: vm_hwm_kib(pid)?, cpu_ns })
}

/// VmHWM (peak resident set, KiB) of a live process.
pub fn vm_hwm_kib(pid: i32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}

/// The API Gateway HTTP API (payload 2.0) event for `POST /auth/login`.
pub fn login_event(request_id: &str) -> String {
    let body = serde_json::json!({"email": EMAIL, "password": PASSWORD}).to_string();
    serde_json::json!({
        "version": "2.0",
        "routeKey": "POST /auth/login",
        "rawPath": "/auth/login",
        "rawQueryString": "",
        "headers": {
            "accept": "application/json",
            "content-length": body.len().to_string(),
            "content-type": "application/json",
            "host": "abc123.execute-api.us-east-1.amazonaws.com",
            "origin": "https://app.example.com",
            "user-agent": "auth-bench/1.0",
            "x-forwarded-for": "203.0.113.7",
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https"
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "abc123",
            "http": {
                "method": "POST",
                "path": "/auth/login",
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "auth-bench/1.0"
            },
            "requestId": request_id,
            "routeKey": "POST /auth/login",
            "stage": "$default",
            "time": "27/Nov/2026:12:00:00 +0000",
            "timeEpoch": 1796040000000u64
        },
        "body": body,
        "isBase64Encoded": false
    })
    .to_string()
}

/// Which event the stub Runtime API hands out: an API Gateway login, or a Cognito trigger's event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventKind {
    Login,
    PreSignUp,
}

/// A Cognito pre sign-up event (`PreSignUp_SignUp`), shaped as the Developer Guide documents it
/// (tests/local-cognito/trigger_events/pre-sign-up.json), for an allowed address.
pub fn pre_sign_up_event() -> String {
    serde_json::json!({
        "version": "1",
        "triggerSource": "PreSignUp_SignUp",
        "region": "us-east-1",
        "userPoolId": "us-east-1_bench",
        "userName": "6f0f2a6c-9d4e-4b59-8c1e-6a7a0c1e2f3d",
        "callerContext": {"awsSdkVersion": "aws-sdk-rust-1.3.0", "clientId": "benchclient"},
        "request": {"userAttributes": {"email": EMAIL}, "validationData": null},
        "response": {"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false}
    })
    .to_string()
}

/// The run being measured.
struct Run {
    n: u64,
    tx: mpsc::Sender<RuntimeEvent>,
    /// Polls seen so far.
    polls: u32,
    /// How many invocations this run hands out; later polls are held (the function is then killed).
    invokes: u32,
    /// Polls after the first wait for a permit (`RuntimeApi::release`), so the benchmark decides
    /// when the next invocation arrives (e.g. after freezing the function).
    gate: Arc<tokio::sync::Semaphore>,
    /// A cgroup's `cgroup.procs` the function joins at its first poll (init ran unconfined).
    confine_at_first_poll: Option<std::fs::File>,
    kind: EventKind,
}

/// The stub Lambda Runtime API: each poll gets an API Gateway v2 `POST /auth/login` event (or, for a
/// trigger's run, a Cognito pre sign-up event) with the `Lambda-Runtime-*` headers, up to the run's
/// number of invocations.
pub struct RuntimeApi {
    pub addr: SocketAddr,
    run: Arc<Mutex<Option<Run>>>,
    /// The pid of the function being measured (set right after exec; the first poll comes later).
    pid: Arc<std::sync::atomic::AtomicI32>,
}

impl RuntimeApi {
    pub fn start(rt: &tokio::runtime::Runtime) -> Self {
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind stub Runtime API");
        let addr = listener.local_addr().unwrap();
        let run: Arc<Mutex<Option<Run>>> = Arc::default();
        let shared = run.clone();
        let pid: Arc<std::sync::atomic::AtomicI32> = Arc::default();
        let pid_seen = pid.clone();
        let handler = Arc::new(move |req: hyper::Request<Incoming>| {
            let arrived = Instant::now();
            let run = shared.clone();
            let pid_seen = pid_seen.clone();
            async move {
                // The driver stores the pid right after spawn returns; on a busy machine the
                // function may poll first, so wait for it (bounded).
                let mut pid = pid_seen.load(Ordering::SeqCst);
                for _ in 0..200 {
                    if pid > 0 {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    pid = pid_seen.load(Ordering::SeqCst);
                }
                let path = req.uri().path().to_string();
                let method = req.method().clone();
                let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                let ok = |status: u16, body: &str| {
                    hyper::Response::builder()
                        .status(status)
                        .header("content-type", "application/json")
                        .body(Full::new(Bytes::from(body.to_string())))
                        .unwrap()
                };
                if method == http::Method::GET && path == "/2018-06-01/runtime/invocation/next" {
                    let this = {
                        let mut g = run.lock().unwrap();
                        g.as_mut().map(|r| {
                            r.polls += 1;
                            let jail = if r.polls == 1 { r.confine_at_first_poll.take() } else { None };
                            (r.n, r.polls, r.invokes, r.tx.clone(), r.gate.clone(), jail, r.kind)
                        })
                    };
                    let Some((n, k, _, tx, gate, jail, kind)) = this.filter(|t| t.1 <= t.2) else {
                        // Polls past the run's invocations: hold the connection until the function is killed.
                        tokio::time::sleep(std::time::Duration::from_secs(120)).await;
                        return ok(500, "{}");
                    };
                    if k == 1 {
                        let probed = probe(pid);
                        if let Some(mut procs) = jail {
                            use std::io::Write;
                            if let Err(e) = procs.write_all(pid.to_string().as_bytes()) {
                                let _ = tx.send(RuntimeEvent::Error(format!("cannot move the function into its cgroup: {e}")));
                            }
                        }
                        let _ = tx.send(RuntimeEvent::Invoke(k, arrived, Instant::now(), probed));
                    } else {
                        let _ = tx.send(RuntimeEvent::Polled(k));
                        let Ok(permit) = gate.acquire().await else { return ok(500, "{}") };
                        permit.forget();
                        let now = Instant::now();
                        let _ = tx.send(RuntimeEvent::Invoke(k, now, now, None));
                    }
                    let id = format!("bench-{n}-{k}");
                    let deadline = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() + 30_000;
                    return hyper::Response::builder()
                        .status(200)
                        .header("content-type", "application/json")
                        .header("lambda-runtime-aws-request-id", id.as_str())
                        .header("lambda-runtime-deadline-ms", deadline.to_string())
                        .header("lambda-runtime-invoked-function-arn", "arn:aws:lambda:us-east-1:123456789012:function:auth-api-bench")
                        .header("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000;Sampled=0")
                        .body(Full::new(Bytes::from(match kind {
                            EventKind::Login => login_event(&id),
                            EventKind::PreSignUp => pre_sign_up_event(),
                        })))
                        .unwrap();
                }
                let text = String::from_utf8_lossy(&body).into_owned();
                let tx = run.lock().unwrap().as_ref().map(|r| r.tx.clone());
                // /2018-06-01/runtime/invocation/bench-<n>-<k>/response
                let k: u32 = path.split('/').nth(4).and_then(|id| id.rsplit('-').next()).and_then(|k| k.parse().ok()).unwrap_or(0);
                if method == http::Method::POST && path.ends_with("/response") {
                    if let Some(tx) = tx {
                        let hwm = probe(pid);
                        let _ = tx.send(RuntimeEvent::Response(k, arrived, text, hwm));
                    }
                    return ok(202, r#"{"status":"OK"}"#);
                }
                if method == http::Method::POST && path.ends_with("/error") {
                    if let Some(tx) = tx {
                        let _ = tx.send(RuntimeEvent::Error(format!("{path}: {text}")));
                    }
                    return ok(202, r#"{"status":"OK"}"#);
                }
                ok(404, r#"{"errorMessage":"not stubbed"}"#)
            }
        });
        rt.spawn(serve(listener, handler, None, Arc::new(StubCtl::default())));
        RuntimeApi { addr, run, pid }
    }

    /// Starts run `n`, which hands out `invokes` invocations; returns the receiver of its events.
    /// With `confine_at_first_poll`, the function is moved into that cgroup when it first polls.
    pub fn arm(&self, n: u64, invokes: u32, confine_at_first_poll: Option<std::fs::File>, kind: EventKind) -> mpsc::Receiver<RuntimeEvent> {
        let (tx, rx) = mpsc::channel();
        self.pid.store(0, Ordering::SeqCst);
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        *self.run.lock().unwrap() = Some(Run { n, tx, polls: 0, invokes, gate, confine_at_first_poll, kind });
        rx
    }

    /// Lets the next held poll have its invocation.
    pub fn release(&self) {
        if let Some(r) = self.run.lock().unwrap().as_ref() {
            r.gate.add_permits(1);
        }
    }

    pub fn set_pid(&self, pid: i32) {
        self.pid.store(pid, Ordering::SeqCst);
    }
}
