//! Retry only what is safe to repeat (cognito::safe_to_repeat, one place): an operation with a
//! side effect is not sent again once an attempt may have reached Cognito, even if the answer was
//! lost; an idempotent read is; and any operation is retried when the connection was never made.
mod support;
use serde_json::json;
use support::*;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

fn attempts_of(api: &Api, operation: &str) -> usize {
    api.attempts.lock().unwrap().iter().filter(|(_, op)| op == operation).count()
}

#[tokio::test]
async fn a_failure_after_cognito_received_the_call_is_not_retried_unless_the_call_is_a_read() {
    let env = Env::start().await;
    let email = email("retry");
    env.api.confirmed_user(&email).await;
    let access = env.api.login(&email, PASSWORD).await["accessToken"].as_str().unwrap().to_string();

    // InternalErrorException (HTTP 500) is a failure the SDK's standard policy retries.
    env.emu.faults(json!({"errors": {"ForgotPassword": "InternalErrorException", "GetUser": "InternalErrorException"}})).await;
    env.emu.forget_calls().await;
    let r = env.api.post("/auth/password/forgot", json!({"email": email})).await;
    assert_eq!((r.status, r.error()), (503, "service_unavailable"), "{}", r.json);
    assert_eq!(env.emu.calls().await, ["ForgotPassword"], "ForgotPassword sends an email: never twice");

    env.emu.forget_calls().await;
    let r = env.api.get_auth("/auth/userinfo", &access).await;
    assert_eq!((r.status, r.error()), (503, "service_unavailable"), "{}", r.json);
    assert_eq!(env.emu.calls().await, ["GetUser", "GetUser"], "GetUser is a read: retried once");
}

#[tokio::test]
async fn a_lost_answer_is_not_retried_for_an_operation_with_a_side_effect() {
    // Reads each request in full, then hangs up without answering: the call reached "Cognito".
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = tokio::time::timeout(std::time::Duration::from_millis(300), s.read(&mut buf)).await;
            });
        }
    });
    let emu = Emulator::start();
    let api = Api::start(config_for(&emu), &endpoint).await;
    let r = api.post("/auth/password/forgot", json!({"email": "someone@example.com"})).await;
    assert_eq!((r.status, r.error()), (503, "service_unavailable"), "{}", r.json);
    assert_eq!(attempts_of(&api, "ForgotPassword"), 1, "the first attempt may have sent the email");
    let r = api.get_auth("/auth/userinfo", "aaa.bbb.ccc").await;
    assert_eq!(r.status, 503, "{}", r.json);
    assert_eq!(attempts_of(&api, "GetUser"), 2, "a read is retried");
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_every_operation() {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    let emu = Emulator::start();
    let api = Api::start(config_for(&emu), &endpoint).await;
    let r = api.post("/auth/password/forgot", json!({"email": "someone@example.com"})).await;
    assert_eq!((r.status, r.error()), (503, "service_unavailable"), "{}", r.json);
    assert_eq!(attempts_of(&api, "ForgotPassword"), 2, "nothing reached Cognito: safe to try again");
}

#[test]
fn only_what_a_repeat_cannot_show_is_safe_to_repeat() {
    use auth_api::cognito::safe_to_repeat;
    for op in ["GetUser", "AdminInitiateAuth", "SetUserMFAPreference"] {
        assert!(safe_to_repeat(op), "{op}");
    }
    for op in ["SignUp", "ConfirmSignUp", "ResendConfirmationCode", "ForgotPassword", "ConfirmForgotPassword", "ChangePassword",
        "AdminRespondToAuthChallenge", "GlobalSignOut", "RevokeToken", "AssociateSoftwareToken", "VerifySoftwareToken", "DeleteUser"]
    {
        assert!(!safe_to_repeat(op), "{op}");
    }
}
