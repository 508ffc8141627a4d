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
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;

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

/// Canned answers by `X-Amz-Target`.
pub struct Canned {
    initiate_auth: Bytes,
    get_user: Bytes,
    secret: Bytes,
}

impl Canned {
    pub fn new() -> Self {
        let access = fake_jwt("access");
        let id = fake_jwt("id");
        let refresh = format!("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.{}", "r".repeat(1500));
        let initiate_auth = serde_json::json!({
            "AuthenticationResult": {
                "AccessToken": access, "IdToken": id, "RefreshToken": refresh,
                "ExpiresIn": 3600, "TokenType": "Bearer"
            },
            "ChallengeParameters": {}
        });
        let get_user = serde_json::json!({
            "Username": USERNAME,
            "UserAttributes": [
                {"Name": "sub", "Value": USERNAME},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "email", "Value": EMAIL}
            ]
        });
        let secret = serde_json::json!({
            "ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-client-AbCdEf",
            "Name": "auth-client", "SecretString": CLIENT_SECRET, "VersionId": "v1", "VersionStages": ["AWSCURRENT"]
        });
        Canned {
            initiate_auth: Bytes::from(initiate_auth.to_string()),
            get_user: Bytes::from(get_user.to_string()),
            secret: Bytes::from(secret.to_string()),
        }
    }

    fn answer(&self, target: &str) -> (u16, Bytes) {
        match target {
            "AWSCognitoIdentityProviderService.AdminInitiateAuth" => (200, self.initiate_auth.clone()),
            "AWSCognitoIdentityProviderService.GetUser" => (200, self.get_user.clone()),
            "secretsmanager.GetSecretValue" => (200, self.secret.clone()),
            _ => (400, Bytes::from(format!(r#"{{"__type":"InvalidParameterException","message":"not stubbed: {target}"}}"#))),
        }
    }
}

async fn serve<F, Fut>(listener: TcpListener, handler: Arc<F>)
where
    F: Fn(hyper::Request<Incoming>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = hyper::Response<Full<Bytes>>> + Send + 'static,
{
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                let handler = handler.clone();
                async move { Ok::<_, Infallible>(handler(req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
        });
    }
}

/// Starts the stub Cognito on `rt`; returns its address.
pub fn start_cognito(rt: &tokio::runtime::Runtime) -> SocketAddr {
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
    rt.spawn(serve(listener, handler));
    addr
}

/// What the stub Runtime API saw during one run.
#[derive(Debug)]
pub enum RuntimeEvent {
    /// When the first `next` poll arrived, and the function's peak RSS (VmHWM, KiB) at that moment:
    /// the memory of init alone, read before the event is handed out.
    FirstPoll(Instant, Option<u64>),
    Response(Instant, String),
    Error(String),
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

/// The run being measured: its number, where its events go, and whether the login event was sent.
type CurrentRun = Arc<Mutex<Option<(u64, mpsc::Sender<RuntimeEvent>, bool)>>>;

/// The stub Lambda Runtime API. The first `next` poll of a run gets the login event; later polls
/// are held open (the function is then killed). `arm` starts a new run and returns its receiver.
pub struct RuntimeApi {
    pub addr: SocketAddr,
    run: CurrentRun,
    /// The pid of the function being measured (set right after exec; the first poll comes later).
    pid: Arc<std::sync::atomic::AtomicI32>,
}

impl RuntimeApi {
    pub fn start(rt: &tokio::runtime::Runtime) -> Self {
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind stub Runtime API");
        let addr = listener.local_addr().unwrap();
        let run: CurrentRun = Arc::default();
        let shared = run.clone();
        let pid: Arc<std::sync::atomic::AtomicI32> = Arc::default();
        let pid_seen = pid.clone();
        let handler = Arc::new(move |req: hyper::Request<Incoming>| {
            let now = Instant::now();
            let run = shared.clone();
            let pid = pid_seen.load(std::sync::atomic::Ordering::SeqCst);
            async move {
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
                    let first = {
                        let mut g = run.lock().unwrap();
                        match g.as_mut() {
                            Some((n, tx, polled)) if !*polled => {
                                *polled = true;
                                let hwm = if pid > 0 { vm_hwm_kib(pid) } else { None };
                                let _ = tx.send(RuntimeEvent::FirstPoll(now, hwm));
                                Some(*n)
                            }
                            _ => None,
                        }
                    };
                    let Some(n) = first else {
                        // Later polls: hold the connection until the function is killed.
                        tokio::time::sleep(std::time::Duration::from_secs(120)).await;
                        return ok(500, "{}");
                    };
                    let id = format!("bench-req-{n}");
                    let deadline = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() + 30_000;
                    return hyper::Response::builder()
                        .status(200)
                        .header("content-type", "application/json")
                        .header("lambda-runtime-aws-request-id", id.as_str())
                        .header("lambda-runtime-deadline-ms", deadline.to_string())
                        .header("lambda-runtime-invoked-function-arn", "arn:aws:lambda:us-east-1:123456789012:function:auth-api-bench")
                        .header("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000;Sampled=0")
                        .body(Full::new(Bytes::from(login_event(&id))))
                        .unwrap();
                }
                let text = String::from_utf8_lossy(&body).into_owned();
                let tx = run.lock().unwrap().as_ref().map(|(_, tx, _)| tx.clone());
                if method == http::Method::POST && path.ends_with("/response") {
                    if let Some(tx) = tx {
                        let _ = tx.send(RuntimeEvent::Response(now, text));
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
        rt.spawn(serve(listener, handler));
        RuntimeApi { addr, run, pid }
    }

    pub fn arm(&self, n: u64) -> mpsc::Receiver<RuntimeEvent> {
        let (tx, rx) = mpsc::channel();
        self.pid.store(0, std::sync::atomic::Ordering::SeqCst);
        *self.run.lock().unwrap() = Some((n, tx, false));
        rx
    }

    pub fn set_pid(&self, pid: i32) {
        self.pid.store(pid, std::sync::atomic::Ordering::SeqCst);
    }
}
