//! The Cognito triggers end to end: the API in front of the emulator, whose pool runs the triggers of
//! cdk/triggers.json by invoking this crate's own handlers behind Lambda's Invoke API (auth-local's
//! trigger listener), as a deployed pool invokes the functions. Pre sign-up's allow-list, the
//! refusal's answer, what the API answers when a trigger fails, and the handler's answers to events
//! that are not what Cognito documents.
mod support;

use serde_json::{json, Value};
use support::{email, TriggerEnv, TriggerListener, PASSWORD};

/// Signs `address` up directly in the emulator (not through the API), with the emulator invoking
/// whatever function endpoint it has now.
async fn sign_up_in_the_pool(env: &TriggerEnv, address: &str) -> Result<(), String> {
    let sdk = support::sdk_for(&env.emu.endpoint).await;
    let idp = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    let hash = auth_api::cognito::secret_hash(&env.emu.client_secret, address, &env.emu.client_id);
    idp.sign_up()
        .client_id(&env.emu.client_id)
        .username(address)
        .password(PASSWORD)
        .secret_hash(hash)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata::code(&e).unwrap_or("?").to_string())
}

async fn user_exists(env: &TriggerEnv, address: &str) -> bool {
    let sdk = support::sdk_for(&env.emu.endpoint).await;
    let idp = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    idp.admin_get_user().user_pool_id(&env.emu.user_pool_id).username(address).send().await.is_ok()
}

fn other_domain(tag: &str) -> String {
    email(tag).replace("@example.com", "@elsewhere.test")
}

#[tokio::test]
async fn an_address_outside_the_allowed_domains_gets_the_same_refusal_with_or_without_an_account() {
    let env = TriggerEnv::start(Some("example.com"), Some("example.com")).await;
    // An account of the refused domain that existed before the allow-list (created with the trigger open).
    let open = TriggerListener::start(None, &env.emu.endpoint).await;
    env.emu.lambda(json!({"endpoint": open.url})).await;
    let existing = other_domain("existing");
    sign_up_in_the_pool(&env, &existing).await.unwrap();
    env.emu.lambda(json!({"endpoint": env.triggers.url})).await;

    let allowed = env.api.post("/auth/register", json!({"email": email("allowed"), "password": PASSWORD})).await;
    assert_eq!(allowed.status, 202, "{}", allowed.json);
    env.emu.forget_calls().await;
    let fresh = env.api.post("/auth/register", json!({"email": other_domain("fresh"), "password": PASSWORD})).await;
    let taken = env.api.post("/auth/register", json!({"email": existing, "password": PASSWORD})).await;
    for r in [&fresh, &taken] {
        assert_eq!((r.status, r.error()), (403, "sign_up_not_allowed"), "{}", r.json);
    }
    assert_eq!(fresh.body_without_request_id(), taken.body_without_request_id());
    // Refused before any Cognito call: the same cost for both.
    assert!(env.emu.calls().await.is_empty(), "{:?}", env.emu.calls().await);
}

#[tokio::test]
async fn the_pre_sign_up_trigger_refuses_in_the_pool_and_the_api_maps_it() {
    // The register route does not check (an allow-list only in the trigger): the refusal comes from
    // Cognito's UserLambdaValidationException, through the real handler.
    let env = TriggerEnv::start(None, Some("example.com")).await;
    let open = TriggerListener::start(None, &env.emu.endpoint).await;
    env.emu.lambda(json!({"endpoint": open.url})).await;
    let existing = other_domain("existing");
    sign_up_in_the_pool(&env, &existing).await.unwrap();
    env.emu.lambda(json!({"endpoint": env.triggers.url})).await;

    let fresh = other_domain("fresh");
    let a = env.api.post("/auth/register", json!({"email": fresh, "password": PASSWORD})).await;
    let b = env.api.post("/auth/register", json!({"email": existing, "password": PASSWORD})).await;
    for r in [&a, &b] {
        assert_eq!((r.status, r.error()), (403, "sign_up_not_allowed"), "{}", r.json);
        assert!(r.headers.get("retry-after").is_none());
    }
    assert_eq!(a.body_without_request_id(), b.body_without_request_id());
    assert!(!user_exists(&env, &fresh).await, "a refused sign-up created a user");
    let outcomes: Vec<String> = env.emu.invocations().await.iter().map(|i| i["outcome"].as_str().unwrap().to_string()).collect();
    assert_eq!(outcomes, ["UserLambdaValidationException", "UserLambdaValidationException"]);

    let ok = email("ok");
    let r = env.api.post("/auth/register", json!({"email": ok, "password": PASSWORD})).await;
    assert_eq!(r.status, 202, "{}", r.json);
    assert!(user_exists(&env, &ok).await);
}

/// A function endpoint that fails the way Lambda functions fail: `slow` answers after `delay`,
/// `garbage` answers something that is not the event.
async fn broken_function(mode: &'static str, delay: std::time::Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = s.read(&mut buf).await;
                tokio::time::sleep(delay).await;
                let body = if mode == "garbage" { "<html>not the event</html>" } else { "{}" };
                let resp = format!("HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
                let _ = s.write_all(resp.as_bytes()).await;
            });
        }
    });
    url
}

#[tokio::test]
async fn a_failing_trigger_is_a_503_with_retry_after_and_creates_nobody() {
    let env = TriggerEnv::start(None, None).await;
    let cases: Vec<(&str, Value)> = vec![
        ("unreachable", json!({"endpoint": "http://127.0.0.1:9"})),
        ("slow", json!({"endpoint": broken_function("slow", std::time::Duration::from_millis(600)).await, "timeoutSeconds": 0.2})),
        ("garbage", json!({"endpoint": broken_function("garbage", std::time::Duration::ZERO).await})),
    ];
    for (label, setting) in cases {
        env.emu.lambda(setting).await;
        let address = email(label);
        let r = env.api.post("/auth/register", json!({"email": address, "password": PASSWORD})).await;
        assert_eq!((r.status, r.error()), (503, "service_unavailable"), "{label}: {}", r.json);
        assert_eq!(r.headers.get("retry-after").map(|v| v.to_str().unwrap()), Some("5"), "{label}");
        assert!(!user_exists(&env, &address).await, "{label}: a failed trigger created a user");
    }
    let outcomes: Vec<String> = env.emu.invocations().await.iter().map(|i| i["outcome"].as_str().unwrap().to_string()).collect();
    assert_eq!(outcomes, ["InvalidLambdaResponseException"], "the log holds the last setting's invocations only");
}

async fn invoke(listener: &str, function: &str, body: &str) -> (u16, Option<String>, Value) {
    let r = reqwest::Client::new()
        .post(format!("{listener}/2015-03-31/functions/{function}/invocations"))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let err = r.headers().get("x-amz-function-error").map(|v| v.to_str().unwrap().to_string());
    (status, err, r.json().await.unwrap_or(Value::Null))
}

fn documented_event() -> Value {
    let text = std::fs::read_to_string(support::workspace_root().join("tests/local-cognito/trigger_events/pre-sign-up.json")).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["example"].clone()
}

#[tokio::test]
async fn the_handler_answers_the_documented_event_and_refuses_what_is_not_one() {
    let emu = support::Emulator::start();
    let t = TriggerListener::start(Some("example.com"), &emu.endpoint).await;
    // The Developer Guide's event: answered with the same event, its response set to nothing automatic.
    let event = documented_event();
    let (status, err, out) = invoke(&t.url, "preSignUp", &event.to_string()).await;
    assert_eq!((status, err), (200, None), "{out}");
    let mut expected = event.clone();
    expected["response"] = json!({"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false});
    assert_eq!(out, expected);

    let mut refused = event.clone();
    refused["request"]["userAttributes"]["email"] = json!("testuser@elsewhere.test");
    let mut no_source = event.clone();
    no_source.as_object_mut().unwrap().remove("triggerSource");
    let mut foreign = event.clone();
    foreign["triggerSource"] = json!("CustomMessage_SignUp");
    let mut unknown = event.clone();
    unknown["triggerSource"] = json!("PreSignUp_Nope");
    let mut no_attributes = event.clone();
    no_attributes["request"] = json!({"userAttributes": "not a map"});
    let mut no_pool = event.clone();
    no_pool.as_object_mut().unwrap().remove("userPoolId");
    // A federated user's address counts only when the provider vouches for it.
    let mut federated = event.clone();
    federated["triggerSource"] = json!("PreSignUp_ExternalProvider");
    let mut vouched = federated.clone();
    vouched["request"]["userAttributes"]["email_verified"] = json!("true");
    for (label, ev, kind, needle) in [
        ("refused", &refused, "Refused", "[sign_up_not_allowed]"),
        ("no triggerSource", &no_source, "MalformedEvent", "no triggerSource"),
        ("another trigger's source", &foreign, "UnknownTriggerSource", "CustomMessage_SignUp"),
        ("an unknown source", &unknown, "UnknownTriggerSource", "PreSignUp_Nope"),
        ("attributes not a map", &no_attributes, "MalformedEvent", "request: field userAttributes"),
        ("no userPoolId", &no_pool, "MalformedEvent", "userPoolId"),
        ("federated, unverified address", &federated, "Refused", "[sign_up_not_allowed]"),
    ] {
        let (status, err, out) = invoke(&t.url, "preSignUp", &ev.to_string()).await;
        assert_eq!((status, err.as_deref()), (200, Some("Unhandled")), "{label}: {out}");
        assert_eq!(out["errorType"], kind, "{label}: {out}");
        let message = out["errorMessage"].as_str().unwrap();
        assert!(message.contains(needle), "{label}: {message}");
        assert!(!message.contains("testuser@"), "{label}: the message quotes the address: {message}");
    }
    let (status, err, out) = invoke(&t.url, "preSignUp", &vouched.to_string()).await;
    assert_eq!((status, err), (200, None), "{out}");

    // Lambda's own answers: a function that does not exist, a body that is not JSON.
    let (status, _, out) = invoke(&t.url, "noSuchTrigger", &event.to_string()).await;
    assert_eq!(status, 404, "{out}");
    let (status, _, _) = invoke(&t.url, "preSignUp", "not json").await;
    assert_eq!(status, 400);
    // Invoked by ARN, as Cognito names the function.
    let (status, err, _) = invoke(&t.url, "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3ApreSignUp", &event.to_string()).await;
    assert_eq!((status, err), (200, None));
}
