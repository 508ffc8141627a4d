//! The custom message trigger: each template answered by this crate's own handler behind Lambda's
//! Invoke API (auth-local's trigger listener) for the documented event of its trigger source, the
//! values HTML-escaped; events that are not Cognito's refused with a logged reason; and end to end, the
//! emulator sending each code (sign-up, resend, password reset, emailed sign-in code, invitation)
//! through the trigger into its outbox, and a failing trigger answered 503 with no user created.
mod support;

use serde_json::{json, Value};
use support::{email, TriggerEnv, TriggerListener, DEV_CODE, PASSWORD};

const CONFIG: &str = r#"{"productName":"Acme <Notes> & Co","signInUrl":"https://notes.example.com/sign-in?from=email&x=1","supportUrl":"https://notes.example.com/help"}"#;
const PRODUCT_ESCAPED: &str = "Acme &lt;Notes&gt; &amp; Co";

fn documented_event(source: &str) -> Value {
    let text = std::fs::read_to_string(support::workspace_root().join("tests/local-cognito/trigger_events/custom-message.json")).unwrap();
    let mut event = serde_json::from_str::<Value>(&text).unwrap()["example"].clone();
    event["triggerSource"] = json!(source);
    if source == "CustomMessage_AdminCreateUser" {
        event["request"]["usernameParameter"] = json!("{username}");
    }
    event
}

async fn invoke(listener: &str, event: &Value) -> (Option<String>, Value) {
    let r = reqwest::Client::new()
        .post(format!("{listener}/2015-03-31/functions/customMessage/invocations"))
        .body(event.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let err = r.headers().get("x-amz-function-error").map(|v| v.to_str().unwrap().to_string());
    (err, r.json().await.unwrap())
}

/// The answer of the real handler to the documented event of `source`: (subject, HTML body, text).
async fn answer(source: &str) -> (String, String, String) {
    let emu = support::Emulator::start();
    let t = TriggerListener::start_with_messages(CONFIG, &emu.endpoint).await;
    let event = documented_event(source);
    let (err, out) = invoke(&t.url, &event).await;
    assert_eq!(err, None, "{out}");
    // The same event back, with the response filled in and nothing else changed.
    let mut rest = out.clone();
    rest["response"] = event["response"].clone();
    assert_eq!(rest, event);
    let r = &out["response"];
    let (subject, html, text) = (r["emailSubject"].as_str().unwrap(), r["emailMessage"].as_str().unwrap(), r["smsMessage"].as_str().unwrap());
    // Every message: Cognito's code placeholder in the email and the text, the product name escaped in
    // the HTML (never raw), the text within an SMS, the links where the template has them.
    assert!(html.contains("{####}") && text.contains("{####}"), "{source}: no code placeholder");
    assert!(html.contains(PRODUCT_ESCAPED) && !html.contains("<Notes>"), "{source}: {html}");
    assert!(text.starts_with("Acme <Notes> & Co:") && text.chars().count() <= 140, "{source}: {text}");
    assert!(subject.contains("Acme <Notes> & Co") && subject.chars().count() <= 140, "{source}: {subject}");
    assert!(html.contains(r#"<a href="https://notes.example.com/help">"#), "{source}: the support link");
    (subject.to_string(), html.to_string(), text.to_string())
}

#[tokio::test]
async fn the_sign_up_email_carries_the_code_the_address_and_the_sign_in_link() {
    let (subject, html, text) = answer("CustomMessage_SignUp").await;
    assert_eq!(subject, "Confirm your Acme <Notes> & Co account");
    assert!(html.contains("confirm the address testuser@example.com"), "{html}");
    assert!(html.contains(r#"<a href="https://notes.example.com/sign-in?from=email&amp;x=1">"#), "{html}");
    assert_eq!(text, "Acme <Notes> & Co: your confirmation code is {####}");
}

#[tokio::test]
async fn the_resend_email_says_the_earlier_codes_stop_working() {
    let (subject, html, text) = answer("CustomMessage_ResendCode").await;
    assert_eq!(subject, "Your new Acme <Notes> & Co confirmation code");
    assert!(html.contains("Earlier codes no longer work"), "{html}");
    assert_eq!(text, "Acme <Notes> & Co: your new confirmation code is {####}");
}

#[tokio::test]
async fn the_password_reset_email_carries_the_reset_code() {
    let (subject, html, text) = answer("CustomMessage_ForgotPassword").await;
    assert_eq!(subject, "Reset your Acme <Notes> & Co password");
    assert!(html.contains("works for 1 hour") && html.contains("testuser@example.com"), "{html}");
    assert_eq!(text, "Acme <Notes> & Co: your password reset code is {####}");
}

#[tokio::test]
async fn the_emailed_sign_in_code_is_the_authentication_message() {
    let (subject, html, text) = answer("CustomMessage_Authentication").await;
    assert_eq!(subject, "Your Acme <Notes> & Co sign-in code");
    assert!(html.contains("do not share the code"), "{html}");
    assert_eq!(text, "Acme <Notes> & Co: your sign-in code is {####}");
}

#[tokio::test]
async fn the_invitation_carries_the_username_and_the_temporary_password_placeholders() {
    let (subject, html, text) = answer("CustomMessage_AdminCreateUser").await;
    assert_eq!(subject, "You are invited to Acme <Notes> & Co");
    assert!(html.contains("User name: <strong>{username}</strong>") && html.contains("Temporary password: <strong>{####}</strong>"), "{html}");
    assert_eq!(text, "Acme <Notes> & Co: user {username}, password {####}");
}

#[tokio::test]
async fn an_address_change_is_confirmed_with_the_verify_email_template_for_both_sources() {
    let (subject, html, text) = answer("CustomMessage_UpdateUserAttribute").await;
    assert_eq!(subject, "Confirm your Acme <Notes> & Co email address");
    assert!(html.contains("If you did not change your address"), "{html}");
    assert_eq!(text, "Acme <Notes> & Co: your address confirmation code is {####}");
    assert_eq!(answer("CustomMessage_VerifyUserAttribute").await, (subject, html, text));
}

#[tokio::test]
async fn values_from_the_event_are_escaped_and_cannot_add_a_placeholder() {
    let emu = support::Emulator::start();
    let t = TriggerListener::start_with_messages(CONFIG, &emu.endpoint).await;
    let mut event = documented_event("CustomMessage_SignUp");
    event["request"]["userAttributes"]["email"] = json!("o'brien+<script>alert(1)</script>{####}@example.com");
    let (err, out) = invoke(&t.url, &event).await;
    assert_eq!(err, None, "{out}");
    let html = out["response"]["emailMessage"].as_str().unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("o&#x27;brien+&lt;script&gt;alert(1)&lt;/script&gt;&#123;####&#125;@example.com"), "{html}");
    // Only the template's own placeholder: Cognito puts the code in once.
    assert_eq!(html.matches("{####}").count(), 1, "{html}");
}

#[tokio::test]
async fn without_a_configuration_every_message_is_left_to_cognito() {
    let emu = support::Emulator::start();
    let t = TriggerListener::start(None, &emu.endpoint).await;
    let event = documented_event("CustomMessage_SignUp");
    let (err, out) = invoke(&t.url, &event).await;
    assert_eq!(err, None, "{out}");
    assert_eq!(out["response"], json!({"smsMessage": null, "emailMessage": null, "emailSubject": null}));
}

#[tokio::test]
async fn events_that_are_not_cognitos_are_refused_with_a_reason_that_quotes_nothing() {
    let emu = support::Emulator::start();
    let t = TriggerListener::start_with_messages(CONFIG, &emu.endpoint).await;
    let base = documented_event("CustomMessage_SignUp");
    let mut no_code = base.clone();
    no_code["request"].as_object_mut().unwrap().remove("codeParameter");
    let mut html_code = base.clone();
    html_code["request"]["codeParameter"] = json!("<b>{####}</b>");
    let mut invitation = documented_event("CustomMessage_AdminCreateUser");
    invitation["request"]["usernameParameter"] = Value::Null;
    let mut unknown = base.clone();
    unknown["triggerSource"] = json!("CustomMessage_Nope");
    let mut no_request = base.clone();
    no_request.as_object_mut().unwrap().remove("request");
    for (label, ev, kind, needle) in [
        ("no codeParameter", &no_code, "MalformedEvent", "codeParameter"),
        ("a codeParameter with HTML", &html_code, "MalformedEvent", "request.codeParameter is not a placeholder"),
        ("an invitation without usernameParameter", &invitation, "MalformedEvent", "usernameParameter"),
        ("an unknown source", &unknown, "UnknownTriggerSource", "CustomMessage_Nope"),
        ("no request", &no_request, "MalformedEvent", "request"),
    ] {
        let (err, out) = invoke(&t.url, ev).await;
        assert_eq!(err.as_deref(), Some("Unhandled"), "{label}: {out}");
        assert_eq!(out["errorType"], kind, "{label}: {out}");
        let message = out["errorMessage"].as_str().unwrap();
        assert!(message.contains(needle), "{label}: {message}");
        assert!(!message.contains("testuser@"), "{label}: the message quotes the address: {message}");
    }
}

/// The outbox's last message to `to`.
async fn last_message(env: &TriggerEnv, to: &str) -> Value {
    env.emu.messages().await.into_iter().filter(|m| m["to"] == to).last().unwrap_or_else(|| panic!("no message to {to}"))
}

fn assert_branded(m: &Value, source: &str, subject: &str) {
    assert_eq!(m["triggerSource"], source, "{m}");
    assert_eq!(m["customMessage"], true, "{m}");
    assert_eq!(m["subject"], subject, "{m}");
    let body = m["body"].as_str().unwrap();
    assert!(body.contains(PRODUCT_ESCAPED), "{body}");
    assert!(!body.contains("{####}"), "Cognito put the code in: {body}");
}

#[tokio::test]
async fn every_code_the_api_makes_cognito_send_arrives_branded_with_the_code() {
    let env = TriggerEnv::start_with_messages(CONFIG).await;
    let address = email("branded");
    let r = env.api.post("/auth/register", json!({"email": address, "password": PASSWORD})).await;
    assert_eq!(r.status, 202, "{}", r.json);
    let m = last_message(&env, &address).await;
    assert_branded(&m, "CustomMessage_SignUp", "Confirm your Acme <Notes> & Co account");
    assert!(m["body"].as_str().unwrap().contains(&format!(">{DEV_CODE}</p>")), "{m}");

    let r = env.api.post("/auth/resend", json!({"email": address})).await;
    assert_eq!(r.status, 202, "{}", r.json);
    assert_branded(&last_message(&env, &address).await, "CustomMessage_ResendCode", "Your new Acme <Notes> & Co confirmation code");

    let r = env.api.post("/auth/verify", json!({"email": address, "code": DEV_CODE})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let r = env.api.post("/auth/password/forgot", json!({"email": address})).await;
    assert_eq!(r.status, 202, "{}", r.json);
    assert_branded(&last_message(&env, &address).await, "CustomMessage_ForgotPassword", "Reset your Acme <Notes> & Co password");

    let r = env.api.post("/auth/login/start", json!({"email": address, "preferredChallenge": "EMAIL_OTP"})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let m = last_message(&env, &address).await;
    assert_branded(&m, "CustomMessage_Authentication", "Your Acme <Notes> & Co sign-in code");
    assert!(m["body"].as_str().unwrap().contains(DEV_CODE), "{m}");

    // An administrator's invitation (AdminCreateUser, no route of the API): user name and temporary password.
    let invited = email("invited");
    let sdk = support::sdk_for(&env.emu.endpoint).await;
    let idp = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    let created = idp
        .admin_create_user()
        .user_pool_id(&env.emu.user_pool_id)
        .username(&invited)
        .temporary_password("Temp-Passw0rd-123!")
        .send()
        .await
        .unwrap();
    let m = last_message(&env, &invited).await;
    assert_branded(&m, "CustomMessage_AdminCreateUser", "You are invited to Acme <Notes> & Co");
    let body = m["body"].as_str().unwrap();
    let username = created.user().unwrap().username().unwrap();
    assert!(body.contains(&format!("<strong>{username}</strong>")) && body.contains("<strong>Temp-Passw0rd-123!</strong>"), "{body}");
}

/// A function endpoint that passes every invocation to `real` but fails the custom message trigger's.
async fn failing_custom_message(real: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else { return };
            let real = real.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = vec![0u8; 65536];
                let (head_end, length) = loop {
                    let n = s.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                        let len = head.lines().find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0))).unwrap_or(0);
                        break (i + 4, len);
                    }
                };
                while buf.len() < head_end + length {
                    let n = s.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let (extra, body) = if path.contains("customMessage") {
                    ("x-amz-function-error: Unhandled\r\n", r#"{"errorType":"TriggerFailed","errorMessage":"boom"}"#.to_string())
                } else {
                    let r = reqwest::Client::new().post(format!("{real}{path}")).body(buf[head_end..head_end + length].to_vec()).send().await.unwrap();
                    let e = r.headers().get("x-amz-function-error").is_some();
                    (if e { "x-amz-function-error: Unhandled\r\n" } else { "" }, r.text().await.unwrap())
                };
                let resp = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
                let _ = s.write_all(resp.as_bytes()).await;
            });
        }
    });
    url
}

#[tokio::test]
async fn a_failing_custom_message_trigger_is_a_503_and_the_sign_up_creates_nobody() {
    let env = TriggerEnv::start_with_messages(CONFIG).await;
    env.emu.lambda(json!({"endpoint": failing_custom_message(env.triggers.url.clone()).await})).await;
    let address = email("unsent");
    let r = env.api.post("/auth/register", json!({"email": address, "password": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (503, "service_unavailable"), "{}", r.json);
    assert_eq!(r.headers.get("retry-after").map(|v| v.to_str().unwrap()), Some("5"));
    let sdk = support::sdk_for(&env.emu.endpoint).await;
    let idp = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    assert!(idp.admin_get_user().user_pool_id(&env.emu.user_pool_id).username(&address).send().await.is_err(), "a failed sign-up created a user");
    let outcomes: Vec<(String, String)> = env
        .emu
        .invocations()
        .await
        .iter()
        .map(|i| (i["function"].as_str().unwrap().to_string(), i["outcome"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(outcomes, [("preSignUp".to_string(), "answered".to_string()), ("customMessage".to_string(), "UserLambdaValidationException".to_string())]);
    assert!(env.emu.messages().await.iter().all(|m| m["to"] != address.as_str()), "a message went out");
    // The address can sign up once the trigger works again.
    env.emu.lambda(json!({"endpoint": env.triggers.url})).await;
    let r = env.api.post("/auth/register", json!({"email": address, "password": PASSWORD})).await;
    assert_eq!(r.status, 202, "{}", r.json);
}
