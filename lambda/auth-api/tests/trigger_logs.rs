//! Bad trigger input has a deliberate, logged outcome: a malformed event and an unknown trigger source
//! each end in the function's error (Cognito then fails the operation, nothing is created) and one audit
//! line naming the kind of failure, with nothing of the event's user data in the logs.
mod support;

use serde_json::json;

#[tokio::test]
async fn a_malformed_event_and_an_unknown_source_are_refused_and_audited_without_user_data() {
    let logs = support::capture_logs(tracing::Level::INFO);
    let state = auth_api::triggers::TriggerState::default();
    let def = auth_api::definition::triggers();
    let pre = def.by_name("preSignUp").unwrap();
    let tokens = def.by_name("preTokenGeneration").unwrap();
    let secret_address = "leak.check.7731@example.com";
    let cases = [
        (pre, json!({"triggerSource": "PreSignUp_SignUp", "request": {"userAttributes": {"email": secret_address}}}), "malformed_event", "MalformedEvent"),
        (pre, json!({"triggerSource": "PreSignUp_Nope", "userName": secret_address}), "unknown_trigger_source", "UnknownTriggerSource"),
        (tokens, json!({"triggerSource": "PreSignUp_SignUp", "userName": secret_address}), "unknown_trigger_source", "UnknownTriggerSource"),
        (pre, json!("not an object"), "malformed_event", "MalformedEvent"),
    ];
    for (i, (trigger, event, code, kind)) in cases.into_iter().enumerate() {
        let id = format!("req-bad-{i}");
        let err = auth_api::triggers::invoke(&state, trigger, event, &id).await.unwrap_err();
        assert_eq!(err.kind(), kind, "case {i}: {err}");
        assert!(!err.to_string().contains(secret_address), "case {i}: the error quotes the address: {err}");
        let text = logs.text();
        let line = text.lines().find(|l| l.contains(&id) && l.contains("\"audit\"")).unwrap_or_else(|| panic!("case {i}: no audit line: {text}"));
        assert!(line.contains("\"outcome\":\"failure\"") && line.contains(&format!("\"error_code\":\"{code}\"")), "case {i}: {line}");
    }
    assert!(!logs.text().contains(secret_address), "the logs hold the event's address");
}

/// The custom message trigger: an event with a code placeholder that is not one (HTML in it) is refused
/// and audited; a product name with HTML is escaped and the answer audited as a success; neither logs
/// the address or the message.
#[tokio::test]
async fn a_custom_message_with_bad_placeholders_is_refused_and_a_script_in_a_value_is_escaped_both_logged() {
    let logs = support::capture_logs(tracing::Level::INFO);
    let config = auth_api::triggers::custom_message::MessageConfig::parse(r#"{"productName":"<script>alert(1)</script>"}"#).unwrap();
    let state = auth_api::triggers::TriggerState { custom_messages: Some(config), ..Default::default() };
    let trigger = auth_api::definition::triggers().by_name("customMessage").unwrap();
    let secret_address = "leak.check.8842@example.com";
    let event = |code: &str| {
        json!({
            "version": "1", "triggerSource": "CustomMessage_SignUp", "region": "us-east-1", "userPoolId": "us-east-1_EXAMPLE",
            "userName": "4f1b2c3d", "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "c"},
            "request": {"userAttributes": {"email": secret_address}, "codeParameter": code, "usernameParameter": null},
            "response": {"smsMessage": null, "emailMessage": null, "emailSubject": null}
        })
    };
    let err = auth_api::triggers::invoke(&state, trigger, event("<img src=x>"), "req-cm-bad").await.unwrap_err();
    assert_eq!(err.kind(), "MalformedEvent", "{err}");
    let ok = auth_api::triggers::invoke(&state, trigger, event("{####}"), "req-cm-ok").await.unwrap();
    let html = ok["response"]["emailMessage"].as_str().unwrap();
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    let text = logs.text();
    let audit = |id: &str| text.lines().find(|l| l.contains(id) && l.contains("\"audit\"")).unwrap_or_else(|| panic!("no audit line for {id}: {text}")).to_string();
    assert!(audit("req-cm-bad").contains("\"error_code\":\"malformed_event\""));
    assert!(audit("req-cm-ok").contains("\"outcome\":\"success\""));
    assert!(!text.contains(secret_address) && !text.contains("Welcome to"), "the logs hold the address or the message: {text}");
}
