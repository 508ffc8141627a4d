//! The real `bootstrap` binary as a trigger's function: started with `COGNITO_TRIGGER` under a stub
//! Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), it needs none
//! of the routes' configuration, answers each Cognito event on `/response`, and reports a refusal, a
//! malformed event, a foreign trigger source or a body that is not JSON on `/error` with its
//! errorType, which Lambda hands Cognito as the function's error.
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Runtime {
    events: Mutex<VecDeque<String>>,
    /// (`response` or `error`, request id, body)
    results: Mutex<Vec<(String, String, Value)>>,
}

async fn serve(rt: Arc<Runtime>, req: hyper::Request<hyper::body::Incoming>) -> hyper::Response<Full<Bytes>> {
    let path = req.uri().path().to_string();
    if path == "/2018-06-01/runtime/invocation/next" {
        loop {
            let next = rt.events.lock().unwrap().pop_front();
            if let Some(body) = next {
                let n = rt.results.lock().unwrap().len() + rt.events.lock().unwrap().len();
                let id = format!("req-{}-{n}", body.len());
                let deadline = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() + 5000;
                return hyper::Response::builder()
                    .header("Lambda-Runtime-Aws-Request-Id", id)
                    .header("Lambda-Runtime-Deadline-Ms", deadline.to_string())
                    .header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:preSignUp")
                    .header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
                    .body(Full::new(Bytes::from(body)))
                    .unwrap();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if let ["2018-06-01", "runtime", "invocation", id, kind] = parts.as_slice() {
        let (id, kind) = (id.to_string(), kind.to_string());
        let body = req.into_body().collect().await.unwrap().to_bytes();
        let v = serde_json::from_slice(&body).unwrap_or(Value::String(String::from_utf8_lossy(&body).into()));
        rt.results.lock().unwrap().push((kind, id, v));
    }
    hyper::Response::builder().status(202).body(Full::new(Bytes::new())).unwrap()
}

async fn start_runtime() -> (Arc<Runtime>, String) {
    let rt = Arc::new(Runtime::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let shared = rt.clone();
    tokio::spawn(async move {
        loop {
            let (s, _) = listener.accept().await.unwrap();
            let rt = shared.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| {
                    let rt = rt.clone();
                    async move { Ok::<_, std::convert::Infallible>(serve(rt, req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(s), svc).await;
            });
        }
    });
    (rt, addr)
}

fn bootstrap(runtime_api: &str, trigger: &str) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_bootstrap"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs([
            ("AWS_LAMBDA_RUNTIME_API", runtime_api),
            ("AWS_LAMBDA_FUNCTION_NAME", "auth-api-preSignUp"),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"),
            ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
            ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
            ("AWS_REGION", "us-east-1"),
            ("COGNITO_TRIGGER", trigger),
            ("SIGN_UP_EMAIL_DOMAINS", "example.com"),
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

fn documented_event() -> Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/local-cognito/trigger_events/pre-sign-up.json");
    serde_json::from_str::<Value>(&std::fs::read_to_string(root).unwrap()).unwrap()["example"].clone()
}

#[tokio::test]
async fn the_bootstrap_binary_serves_a_trigger_with_none_of_the_routes_configuration() {
    let (rt, addr) = start_runtime().await;
    let event = documented_event();
    let mut refused = event.clone();
    refused["request"]["userAttributes"]["email"] = json!("jane@elsewhere.test");
    let mut foreign = event.clone();
    foreign["triggerSource"] = json!("TokenGeneration_Authentication");
    let inputs = [event.to_string(), refused.to_string(), json!({"triggerSource": "PreSignUp_SignUp"}).to_string(), foreign.to_string(), "not json".to_string(), event.to_string()];
    rt.events.lock().unwrap().extend(inputs.iter().cloned());
    // No COGNITO_USER_POOL_ID / COGNITO_APP_CLIENT_ID: a route function would refuse to start.
    let mut child = bootstrap(&addr, "preSignUp");
    let until = std::time::Instant::now() + Duration::from_secs(30);
    while rt.results.lock().unwrap().len() < inputs.len() && std::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = child.kill();
    let results = rt.results.lock().unwrap().clone();
    let kinds: Vec<(&str, &str)> = results.iter().map(|(k, _, v)| (k.as_str(), v["errorType"].as_str().unwrap_or(""))).collect();
    assert_eq!(kinds.len(), inputs.len(), "{results:?}");
    assert_eq!(kinds[0], ("response", ""));
    assert_eq!(kinds[1], ("error", "Refused"));
    assert_eq!(kinds[2], ("error", "MalformedEvent"));
    assert_eq!(kinds[3], ("error", "UnknownTriggerSource"));
    assert_eq!(kinds[4].0, "error", "a body that is not JSON: the runtime's own error");
    assert_eq!(kinds[5], ("response", ""), "the function keeps serving after bad events");
    let mut expected = event.clone();
    expected["response"] = json!({"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false});
    assert_eq!(results[0].2, expected);
    assert!(results[1].2["errorMessage"].as_str().unwrap().starts_with("[sign_up_not_allowed] "), "{:?}", results[1]);
}

#[tokio::test]
async fn an_unknown_trigger_name_stops_start_up() {
    let (_rt, addr) = start_runtime().await;
    let out = bootstrap(&addr, "noSuchTrigger").wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("COGNITO_TRIGGER names no trigger"), "{}", String::from_utf8_lossy(&out.stderr));
}
