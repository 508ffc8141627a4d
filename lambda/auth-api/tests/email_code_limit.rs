//! The per-address limit on emailed sign-in codes (src/email_code_limit.rs, cdk/email-code-limit.json),
//! through the local server against the emulator, which serves the counter table (DynamoDB, moto) as
//! the construct creates it: an address is sent at most `sendsPerWindow` codes a window, then
//! answered as an address Cognito sent nothing to (same status and shape, no Cognito call), the same
//! way for a real account and an unknown address; other addresses are not affected; the table holds
//! no address.
mod support;
use aws_sdk_dynamodb as ddb;
use serde_json::{json, Value};
use support::*;

fn limit() -> usize {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(workspace_root().join("cdk/email-code-limit.json")).unwrap()).unwrap();
    v["sendsPerWindow"].as_u64().unwrap() as usize
}

/// The answer's keys and each value's length (the session is new on every call).
fn shape(v: &Value) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = v.as_object().unwrap().iter().map(|(k, x)| (k.clone(), x.to_string().len())).collect();
    out.sort();
    out
}

#[tokio::test]
async fn an_address_gets_a_bounded_number_of_codes_and_then_the_answer_of_an_unknown_one() {
    let env = Env::start().await;
    let table = env.emu.email_code_limit_table.clone().expect("the emulator's SES pool offers EMAIL_OTP and serves the counter table");
    let api = &env.api;
    let confirmed = email("otp-limit-real");
    api.confirmed_user(&confirmed).await;
    let unknown = email("otp-limit-unknown");
    let mut first_shape = None;
    for address in [&confirmed, &unknown] {
        for n in 1..=limit() + 2 {
            env.emu.forget_calls().await;
            let r = api.post("/auth/login/start", json!({"email": address, "preferredChallenge": "EMAIL_OTP"})).await;
            assert_eq!((r.status, r.json["challenge"].as_str()), (200, Some("EMAIL_OTP")), "{address} #{n}: {}", r.json);
            let s = shape(&r.json);
            assert_eq!(first_shape.get_or_insert_with(|| s.clone()), &s, "{address} #{n}: another shape");
            let calls = env.emu.calls().await;
            if n <= limit() {
                assert_eq!(calls, vec!["AdminInitiateAuth"], "{address} #{n}: within the limit, Cognito sends the code");
            } else {
                assert_eq!(calls, Vec::<String>::new(), "{address} #{n}: over the limit, no code is sent");
                // And its session answers as a wrong code does.
                let session = r.json["session"].as_str().unwrap();
                let a = api.post("/auth/login/challenge", json!({"email": address, "challenge": "EMAIL_OTP", "session": session, "answer": DEV_CODE})).await;
                assert_eq!((a.status, a.error()), (400, "invalid_code"), "{address} #{n}: {}", a.json);
            }
        }
    }
    // Another address is not affected, and the right code for it still signs in.
    let other = email("otp-limit-other");
    api.confirmed_user(&other).await;
    let r = api.post("/auth/login/start", json!({"email": other, "preferredChallenge": "EMAIL_OTP"})).await;
    let r = api.post("/auth/login/challenge", json!({"email": other, "challenge": "EMAIL_OTP", "session": r.json["session"], "answer": DEV_CODE})).await;
    assert_eq!(r.status, 200, "{}", r.json);

    // The table holds counters keyed by an HMAC of the address and the window: no address.
    let client = ddb::Client::new(&sdk_for(&env.emu.endpoint).await);
    let items = client.scan().table_name(&table).send().await.unwrap().items.unwrap_or_default();
    assert_eq!(items.len(), 3, "one counter per address in this window: {items:?}");
    let text = format!("{items:?}");
    for address in [&confirmed, &unknown, &other] {
        assert!(!text.to_lowercase().contains(&address.to_lowercase()), "an address is in the table: {text}");
    }
    let counts: Vec<String> = items.iter().map(|i| i["sends"].as_n().unwrap().clone()).collect();
    assert!(counts.contains(&(limit() + 2).to_string()), "{counts:?}");
    assert!(items.iter().all(|i| i["expiresAt"].as_n().is_ok()), "every counter expires: {items:?}");
}

/// A counter table that cannot be used (missing, unreachable) is a 503 for every address (never an unlimited send).
#[tokio::test]
async fn a_counter_table_that_cannot_be_used_is_a_503_for_every_address() {
    let emu = Emulator::start();
    let cfg = auth_api::config::Config { email_code_limit_table: Some("no-such-table".into()), ..config_for(&emu) };
    let api = Api::start(cfg, &emu.endpoint).await;
    let confirmed = email("otp-limit-down");
    api.confirmed_user(&confirmed).await;
    for address in [confirmed, email("otp-limit-down-unknown")] {
        emu.forget_calls().await;
        let r = api.post("/auth/login/start", json!({"email": address, "preferredChallenge": "EMAIL_OTP"})).await;
        assert_eq!((r.status, r.error()), (503, "service_unavailable"), "{}", r.json);
        assert_eq!(emu.calls().await, Vec::<String>::new(), "no code sent");
    }
    // The passkey factor needs no counter.
    let r = api.post("/auth/login/start", json!({"email": email("otp-limit-passkey"), "preferredChallenge": "WEB_AUTHN"})).await;
    assert_eq!(r.status, 200, "{}", r.json);
}
